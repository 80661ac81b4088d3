// The only file that touches libsodium.
#include "central/policy_signer.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace central {
namespace {

namespace fs = std::filesystem;

bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Result<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Result<std::string>::Error("cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return Trim(ss.str());
}

// Writes a file that did not exist, with the given mode, and syncs it. The file has its
// mode from the moment it exists (O_EXCL, never a wider mode first), so a secret key is
// never readable by others, not even empty.
Status WriteNewFile(const fs::path& p, const std::string& content, mode_t mode) {
  const fs::path tmp = p.string() + ".tmp";
  ::unlink(tmp.c_str());  // left by a crash
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Status::Error("cannot write " + tmp.string() + ": " + std::strerror(errno));
  ::fchmod(fd, mode);  // the umask may have narrowed it (0644 for the public key)
  FILE* f = ::fdopen(fd, "wb");
  if (!f) {
    ::close(fd);
    return Status::Error("cannot write " + tmp.string() + ": " + std::strerror(errno));
  }
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() &&
                  std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
  std::fclose(f);
  if (!ok) return Status::Error("cannot write " + tmp.string());
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) return Status::Error("cannot rename " + tmp.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  InitSodium();
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  InitSodium();
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return Result<std::string>::Error("not valid base64");
  }
  out.resize(len);
  return out;
}

Result<PolicySigner> PolicySigner::LoadOrCreate(const std::string& state_dir) {
  if (!InitSodium()) return Result<PolicySigner>::Error("libsodium failed to initialise");
  const fs::path dir(state_dir);
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    // Its parents as usual; the state directory itself 0700: it holds the secret key and
    // (by default) the database.
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
    ::mkdir(dir.c_str(), 0700);
  }
  if (!fs::is_directory(dir)) {
    return Result<PolicySigner>::Error("--state-dir: cannot create " + state_dir);
  }
  const fs::path key_path = dir / "policy.key", pub_path = dir / "policy.pub";
  const bool have_key = fs::exists(key_path), have_pub = fs::exists(pub_path);
  PolicySigner signer;
  if (!have_key && !have_pub) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    signer.public_key_.assign(reinterpret_cast<char*>(pk), sizeof pk);
    signer.secret_key_.assign(reinterpret_cast<char*>(sk), sizeof sk);
    sodium_memzero(sk, sizeof sk);
    Status s = WriteNewFile(key_path, Base64Encode(signer.secret_key_) + "\n", 0600);
    if (s.ok()) s = WriteNewFile(pub_path, signer.PublicKeyBase64() + "\n", 0644);
    if (!s.ok()) return Result<PolicySigner>::Error(s.message());
    return signer;
  }
  if (!have_key || !have_pub) {
    return Result<PolicySigner>::Error(
        "found only one of " + key_path.string() + " and " + pub_path.string() +
        "; restore the other or remove both to make a new key pair (agents pin the public key) "
        "/ 鍵ファイルの片方だけがあります");
  }
  struct stat st {};
  if (::stat(key_path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return Result<PolicySigner>::Error(key_path.string() +
                                       " is readable by others; chmod 600 it / 秘密鍵ファイルの"
                                       "権限が広すぎます");
  }
  auto key_text = ReadFile(key_path);
  auto pub_text = ReadFile(pub_path);
  if (!key_text.ok()) return Result<PolicySigner>::Error(key_text.error());
  if (!pub_text.ok()) return Result<PolicySigner>::Error(pub_text.error());
  auto sk = Base64Decode(key_text.value());
  auto pk = Base64Decode(pub_text.value());
  if (!sk.ok() || sk.value().size() != crypto_sign_SECRETKEYBYTES)
    return Result<PolicySigner>::Error(key_path.string() + ": not a base64 Ed25519 secret key");
  if (!pk.ok() || pk.value().size() != crypto_sign_PUBLICKEYBYTES)
    return Result<PolicySigner>::Error(pub_path.string() + ": not a base64 Ed25519 public key");
  // The public key is the second half of libsodium's secret key: they must agree.
  if (sk.value().compare(32, 32, pk.value()) != 0) {
    return Result<PolicySigner>::Error(key_path.string() + " and " + pub_path.string() +
                                       " are not one key pair");
  }
  signer.secret_key_ = std::move(sk).value();
  signer.public_key_ = std::move(pk).value();
  return signer;
}

std::string PolicySigner::Sign(std::string_view message) const {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), reinterpret_cast<const unsigned char*>(secret_key_.data()));
  return Base64Encode(std::string_view(reinterpret_cast<char*>(sig), sizeof sig));
}

std::string PolicySigner::PublicKeyBase64() const { return Base64Encode(public_key_); }

bool VerifyPolicySignature(std::string_view message, const std::string& signature_base64,
                           const std::string& public_key_base64) {
  if (!InitSodium()) return false;
  auto sig = Base64Decode(signature_base64);
  auto pk = Base64Decode(public_key_base64);
  if (!sig.ok() || sig.value().size() != crypto_sign_BYTES || !pk.ok() ||
      pk.value().size() != crypto_sign_PUBLICKEYBYTES)
    return false;
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(sig.value().data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             reinterpret_cast<const unsigned char*>(pk.value().data())) == 0;
}

std::string NewAgentToken() {
  InitSodium();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string("sga_") + out;
}

std::string HashAgentToken(std::string_view token) {
  InitSodium();
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

}  // namespace central
