#include "agent/confirm_header.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <set>

#include "agent/prompt_registry.h"
#include "doccheck/report.h"

namespace agent {
namespace {

std::string Hex(const unsigned char* p, std::size_t n) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 15]);
  }
  return out;
}

bool FromHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (char c : {hex[i], hex[i + 1]}) {
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else {
        return false;
      }
    }
    out->push_back(static_cast<char>(v));
  }
  return true;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// White-space runs become one space; leading and trailing ones go.
std::string Squeeze(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (IsSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool NameIs(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() ||
      Lower(std::string(line.substr(0, name.size()))) != Lower(std::string(name)))
    return false;
  std::size_t i = name.size();
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i < line.size() && line[i] == ':';
}

}  // namespace

std::string ConfirmationBinding(const mailcheck::Decision& decision,
                                const std::vector<std::string>& recipients) {
  std::set<std::string> rcpts;
  for (const std::string& r : recipients) {
    std::string a = Lower(Squeeze(r));
    if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
    if (!a.empty()) rcpts.insert(a);
  }
  std::vector<std::string> attachments;
  for (const doccheck::FileReport& a : decision.attachments) {
    std::string line = "A:" + a.path + "\t" + std::to_string(a.klass);
    for (int k = 0; k < doccheck::kKindCount; ++k) {
      const auto kind = static_cast<doccheck::Kind>(k);
      const int n = a.CountKind(kind);
      if (n > 0) line += "\t" + std::string(doccheck::KindName(kind)) + "=" + std::to_string(n);
    }
    attachments.push_back(std::move(line));
  }
  std::sort(attachments.begin(), attachments.end());
  std::string canonical = "sendguard-confirm-v1\n";
  for (const std::string& r : rcpts) canonical += "R:" + r + "\n";
  canonical += "S:" + Squeeze(decision.subject) + "\n";
  for (const std::string& a : attachments) canonical += a + "\n";
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(canonical.data()),
                     canonical.size());
  return Hex(hash, sizeof hash);
}

std::vector<std::string> EnvelopeRecipients(const mailcheck::Decision& decision) {
  std::vector<std::string> out;
  for (const mailcheck::Recipient& r : decision.recipients)
    if (r.in_envelope) out.push_back(r.address);
  return out;
}

std::vector<std::string> StripConfirmHeaders(std::string* message) {
  std::vector<std::string> values;
  std::string& m = *message;
  std::string out;
  std::size_t pos = 0;
  bool dropping = false;
  bool changed = false;
  while (pos < m.size()) {
    std::size_t eol = m.find('\n', pos);
    const std::size_t next = eol == std::string::npos ? m.size() : eol + 1;
    std::string_view line(m.data() + pos, next - pos);
    std::string_view bare = line;
    while (!bare.empty() && (bare.back() == '\n' || bare.back() == '\r')) bare.remove_suffix(1);
    if (bare.empty()) break;  // the blank line: the body follows, copied as it is
    const bool continuation = line[0] == ' ' || line[0] == '\t';
    if (continuation && dropping) {
      values.back() += " " + std::string(bare);
    } else if (!continuation && NameIs(bare, kConfirmHeaderName)) {
      dropping = true;
      changed = true;
      values.emplace_back(bare.substr(bare.find(':') + 1));
    } else {
      dropping = false;
      out.append(line);
    }
    pos = next;
  }
  if (!changed) return values;
  out.append(m, pos, std::string::npos);
  m = std::move(out);
  for (std::string& v : values) v = Squeeze(v);
  return values;
}

std::string_view Confirmations::CheckName(Check check) {
  switch (check) {
    case Check::kValid:
      return "valid";
    case Check::kMalformed:
      return "malformed";
    case Check::kBadMac:
      return "bad_mac";
    case Check::kExpired:
      return "expired";
    case Check::kUnknown:
      return "unknown";
    case Check::kUsed:
      return "used";
    case Check::kMismatch:
      return "mismatch";
  }
  return "unknown";
}

mailcheck::Result<std::unique_ptr<Confirmations>> Confirmations::Open(
    const std::string& key_path, std::chrono::seconds lifetime) {
  using R = mailcheck::Result<std::unique_ptr<Confirmations>>;
  if (sodium_init() < 0) return R::Error("libsodium could not be initialised");
  std::string key;
  const int fd = ::open(key_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    struct stat st {};
    char buf[128];
    ssize_t n = -1;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
        (st.st_mode & 077) == 0)
      n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    std::string hex = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
    if (hex.size() != 64 || !FromHex(hex, &key)) key.clear();
  }
  if (key.empty()) {
    // Missing, unreadable, readable by others (it may have leaked) or garbled: a new one.
    ::unlink(key_path.c_str());
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    const std::string hex = Hex(raw, sizeof raw) + "\n";
    const int out =
        ::open(key_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0) return R::Error("cannot create " + key_path + ": " + std::strerror(errno));
    const bool ok = ::fchmod(out, 0600) == 0 &&
                    ::write(out, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) &&
                    ::fsync(out) == 0;
    ::close(out);
    if (!ok) return R::Error("cannot write " + key_path);
    key.assign(reinterpret_cast<const char*>(raw), sizeof raw);
    sodium_memzero(raw, sizeof raw);
  }
  return R(std::make_unique<Confirmations>(std::move(key), lifetime));
}

Confirmations::Confirmations(std::string key, std::chrono::seconds lifetime, UnixNow now)
    : key_(std::move(key)), lifetime_(lifetime), now_(std::move(now)) {}

std::int64_t Confirmations::Now() const {
  return now_ ? now_() : static_cast<std::int64_t>(std::time(nullptr));
}

std::string Confirmations::Mac(std::string_view id, std::int64_t exp,
                               std::string_view binding) const {
  const std::string text =
      "v1;" + std::string(id) + ";" + std::to_string(exp) + ";" + std::string(binding);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key_.data()),
                              key_.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(text.data()),
                                text.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return Hex(mac, sizeof mac);
}

std::string Confirmations::Issue(const std::string& binding) {
  const std::string id = RandomToken(16);
  const std::int64_t now = Now();
  const std::int64_t exp = now + lifetime_.count();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = issued_.begin(); it != issued_.end();)
      it = it->second.exp < now ? issued_.erase(it) : std::next(it);
    issued_[id] = Issued{exp, false};
  }
  return "v1; id=" + id + "; exp=" + std::to_string(exp) + "; mac=" + Mac(id, exp, binding);
}

Confirmations::Check Confirmations::Redeem(std::string_view value, const std::string& binding) {
  // v1; id=...; exp=...; mac=...  (exactly these, in this order)
  std::vector<std::string> parts;
  std::string current;
  for (char c : value) {
    if (c == ';') {
      parts.push_back(Squeeze(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  parts.push_back(Squeeze(current));
  if (parts.size() != 4 || parts[0] != "v1" || parts[1].rfind("id=", 0) != 0 ||
      parts[2].rfind("exp=", 0) != 0 || parts[3].rfind("mac=", 0) != 0)
    return Check::kMalformed;
  const std::string id = parts[1].substr(3);
  const std::string exp_text = parts[2].substr(4);
  const std::string mac = parts[3].substr(4);
  std::string raw;
  if (id.size() != 32 || !FromHex(id, &raw) || mac.size() != 64 || !FromHex(mac, &raw) ||
      exp_text.empty() || exp_text.size() > 18 ||
      exp_text.find_first_not_of("0123456789") != std::string::npos)
    return Check::kMalformed;
  const std::int64_t exp = std::stoll(exp_text);
  const std::string expected = Mac(id, exp, binding);
  const bool mac_ok = sodium_memcmp(expected.data(), mac.data(), expected.size()) == 0;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = issued_.find(id);
  if (it == issued_.end()) return Check::kUnknown;
  if (it->second.exp != exp) return Check::kBadMac;  // a real id with a changed expiry
  if (it->second.used) return Check::kUsed;
  if (exp < Now()) return Check::kExpired;
  // With the id and expiry ours, a MAC that does not match means another message.
  if (!mac_ok) return Check::kMismatch;
  it->second.used = true;
  return Check::kValid;
}

}  // namespace agent
