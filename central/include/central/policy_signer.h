// PolicySigner: the Ed25519 key pair central signs policies with (DESIGN.md decision 7).
// Files (docs/CENTRAL_API.md): STATE_DIR/policy.key, mode 0600, standard base64 of
// libsodium's 64-byte secret key; STATE_DIR/policy.pub, one line, standard base64 of the
// 32-byte public key. Immutable once loaded; Sign is thread-safe.
#ifndef CENTRAL_POLICY_SIGNER_H_
#define CENTRAL_POLICY_SIGNER_H_

#include <string>
#include <string_view>

#include "central/result.h"

namespace central {

class PolicySigner {
 public:
  // Loads the key pair from state_dir, creating it (and state_dir) when neither file
  // exists. Fails when only one exists, a file does not decode, or policy.key is readable
  // by others.
  static Result<PolicySigner> LoadOrCreate(const std::string& state_dir);

  // Standard base64 (padded) of the detached signature over the exact bytes of `message`.
  std::string Sign(std::string_view message) const;
  // Standard base64 of the public key, as written to policy.pub.
  std::string PublicKeyBase64() const;

 private:
  PolicySigner() = default;
  std::string secret_key_;  // 64 bytes
  std::string public_key_;  // 32 bytes
};

// True when signature_base64 is a valid Ed25519 signature of message by the key in
// public_key_base64 (both standard base64, as on the wire and in policy.pub).
bool VerifyPolicySignature(std::string_view message, const std::string& signature_base64,
                           const std::string& public_key_base64);

// Agent tokens (docs/CENTRAL_API.md): "sga_" + 43 base64url characters of 32 random bytes.
std::string NewAgentToken();
// Lower-case hex SHA-256 of the token text: what the store keeps instead of the token.
std::string HashAgentToken(std::string_view token);

// Standard, padded base64 (libsodium's "original" variant) and its inverse; the decoder
// returns an error for anything that is not exactly that.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

}  // namespace central

#endif  // CENTRAL_POLICY_SIGNER_H_
