// Confirmations: the one-time header that says "the user already confirmed this mail in
// the Thunderbird add-on" (docs/THUNDERBIRD_ADDON.md), so the proxy does not ask again.
//
//   X-Sendguard-Confirmed: v1; id=<32 hex>; exp=<unix seconds>; mac=<64 hex>
//
// mac = HMAC-SHA-256(key, "v1;" id ";" exp ";" binding), the key being 32 random bytes
// kept in STATE_DIR/confirm.key (0600, the agent's user only). The binding is the
// SHA-256 of what the add-on and the relay both know the same way (ConfirmationBinding):
// the envelope recipients, the subject and, per attachment, its name, Art. 10 class and
// finding counts as the agent's own checker saw them. Not the body text: the add-on cannot
// reproduce Thunderbird's encoding of it, and the relay checks the real message anyway.
//
// A header is honoured once, before it expires, only by the agent process that issued it
// (ids are remembered in memory; a restart forgets them, so older headers are refused),
// and only turns a `prompt` verdict into a send (never a `block`). Thread-safe.
#ifndef AGENT_CONFIRM_HEADER_H_
#define AGENT_CONFIRM_HEADER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "mailcheck/decision.h"
#include "mailcheck/result.h"

namespace agent {

inline constexpr std::string_view kConfirmHeaderName = "X-Sendguard-Confirmed";

// Hex SHA-256 of the canonical text binding a confirmation to a message: the distinct
// lower-case `recipients` sorted, the subject with white-space runs made one space and
// trimmed, and one line per attachment (name, class, finding counts by kind) sorted.
std::string ConfirmationBinding(const mailcheck::Decision& decision,
                                const std::vector<std::string>& recipients);

// The envelope recipients mailcheck derived from the headers (in_envelope), for a message
// that came without an SMTP envelope (the control API).
std::vector<std::string> EnvelopeRecipients(const mailcheck::Decision& decision);

// Removes every X-Sendguard-Confirmed field (continuation lines included) from the header
// block of `message`, every other byte unchanged; returns their unfolded, trimmed values.
std::vector<std::string> StripConfirmHeaders(std::string* message);

class Confirmations {
 public:
  enum class Check { kValid, kMalformed, kBadMac, kExpired, kUnknown, kUsed, kMismatch };
  // "valid", "malformed", "bad_mac", "expired", "unknown", "used", "mismatch".
  static std::string_view CheckName(Check check);

  using UnixNow = std::function<std::int64_t()>;  // unix seconds

  // The key in `key_path` when it is a private (0600) regular file of ours holding 64 hex
  // digits; otherwise a new one is written there (O_EXCL, 0600).
  static mailcheck::Result<std::unique_ptr<Confirmations>> Open(
      const std::string& key_path, std::chrono::seconds lifetime = std::chrono::minutes(5));

  // `key`: 32 bytes. `now`: the clock (tests); null means the system clock.
  Confirmations(std::string key, std::chrono::seconds lifetime, UnixNow now = nullptr);

  // A new header value bound to `binding`, valid for the lifetime, good once.
  std::string Issue(const std::string& binding);

  // Checks `value` against `binding`; a kValid one is used up.
  Check Redeem(std::string_view value, const std::string& binding);

  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  std::string Mac(std::string_view id, std::int64_t exp, std::string_view binding) const;
  std::int64_t Now() const;

  struct Issued {
    std::int64_t exp = 0;
    bool used = false;
  };
  const std::string key_;
  const std::chrono::seconds lifetime_;
  const UnixNow now_;
  std::mutex mutex_;
  std::map<std::string, Issued> issued_;  // by id; expired ones pruned on Issue
};

}  // namespace agent

#endif  // AGENT_CONFIRM_HEADER_H_
