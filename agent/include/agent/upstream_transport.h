// UpstreamTransport: how the Relay hands a message to the organisation's mail server — the
// seam that lets tests put a failing or recording transport in place of the real SMTP
// client (leveldb's Env pattern). UpstreamClient is the real one.
// Implementations must be safe to call from many sessions at once.
#ifndef AGENT_UPSTREAM_TRANSPORT_H_
#define AGENT_UPSTREAM_TRANSPORT_H_

#include <string>
#include <string_view>

#include "agent/smtp_session.h"

namespace agent {

class UpstreamTransport {
 public:
  virtual ~UpstreamTransport() = default;

  // Relays `message` (CRLF lines, not dot-stuffed) to every envelope recipient in one
  // transaction. Returns the reply for the client, with CRLF: upstream's final reply,
  // the first refusal, or a 4xx made here when upstream failed. Never a 2xx for a
  // message upstream did not accept (DESIGN.md decision 1).
  virtual std::string Send(const SmtpEnvelope& envelope, std::string_view message) const = 0;

  // Checks the client's AUTH credentials upstream; "235 …" when accepted.
  virtual std::string Verify(const std::string& user, const std::string& password) const = 0;
};

}  // namespace agent

#endif  // AGENT_UPSTREAM_TRANSPORT_H_
