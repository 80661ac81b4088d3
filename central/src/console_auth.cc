#include <sodium.h>

#include <cstdio>
#include <mutex>

#include "central/console/auth.h"

namespace central::console {
namespace {

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      std::fputs("sendguard-central: libsodium cannot be initialised\n", stderr);
      std::abort();
    }
  });
}

}  // namespace

bool IsRoleCode(std::string_view code) {
  for (const char* r : kRoleCodes)
    if (code == r) return true;
  return false;
}

std::string RoleNameJa(std::string_view code) {
  if (code == "soukatsu") return "総括責任者";
  if (code == "hogo") return "個人情報保護責任者";
  if (code == "kanri") return "管理者";
  if (code == "kansa") return "監査責任者";
  if (code == "tanto") return "取扱担当者";
  if (code == "sysadmin") return "システム管理者";
  return std::string(code);
}

Result<std::vector<std::string>> ParseRoles(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string code(text.substr(start, comma - start));
    while (!code.empty() && code.front() == ' ') code.erase(0, 1);
    while (!code.empty() && code.back() == ' ') code.pop_back();
    if (!code.empty()) {
      if (!IsRoleCode(code)) {
        return Result<std::vector<std::string>>::Error(
            "unknown role '" + code +
            "' (roles: soukatsu, hogo, kanri, kansa, tanto, sysadmin) (役割が正しくありません)");
      }
      bool seen = false;
      for (const auto& r : out) seen = seen || r == code;
      if (!seen) out.push_back(code);
    }
    start = comma + 1;
  }
  if (out.empty())
    return Result<std::vector<std::string>>::Error(
        "at least one role is needed (役割を指定してください)");
  return out;
}

Result<std::string> HashPassword(std::string_view password) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Result<std::string>::Error("cannot hash the password (out of memory)");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  EnsureSodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void VerifyDummyPassword(std::string_view password) {
  static const std::string dummy = [] {
    auto h = HashPassword("sendguard-dummy-password");
    return h.ok() ? h.value() : std::string();
  }();
  if (!dummy.empty()) VerifyPassword(dummy, password);
}

std::string NewRandomToken() {
  EnsureSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string HashSessionId(std::string_view id) {
  EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(id.data()), id.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool TokensEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Rights RightsOf(const std::vector<std::string>& roles) {
  Rights r;
  for (const std::string& role : roles) {
    if (role == "hogo" || role == "soukatsu" || role == "kansa") r.all_sections = true;
    if (role == "kanri") r.own_section = true;
    if (role == "sysadmin" || role == "kansa") r.agents_read = r.policy_read = true;
    if (role == "sysadmin") r.agents_write = r.policy_write = true;
    if (role == "kansa") r.access_records = true;
  }
  return r;
}

bool MaySeeSection(const User& user, const Rights& rights, const std::string& section) {
  if (rights.all_sections) return true;
  return rights.own_section && !section.empty() && section == user.section;
}

}  // namespace central::console
