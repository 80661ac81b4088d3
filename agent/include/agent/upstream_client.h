// UpstreamClient: the agent's own small SMTP client for relaying one message to the
// organisation's mail server (DESIGN.md decision 5: not vmime's transport). One call runs
// one whole transaction: connect, EHLO, STARTTLS or implicit TLS when configured, MAIL,
// every RCPT, DATA, the message, QUIT. Any RCPT refused aborts the transaction (RSET)
// before DATA, so nothing is ever partially sent. Upstream unreachable or silent gives a
// 4xx made here, in time for the client to keep the message in its outbox.
// Stateless between calls; safe to use from many threads.
#ifndef AGENT_UPSTREAM_CLIENT_H_
#define AGENT_UPSTREAM_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/smtp_session.h"

namespace agent {

struct UpstreamConfig {
  enum class Tls { kNone, kStartTls, kImplicit };
  std::string host = "127.0.0.1";
  std::uint16_t port = 25;
  Tls tls = Tls::kNone;
  std::string ca_file;  // extra CA for certificate verification; "" = system store
  std::string helo_name = "localhost";
  int connect_timeout_seconds = 15;
  int reply_timeout_seconds = 60;  // well inside Thunderbird's 100 s
};

// Parses "none" / "starttls" / "tls"; false when unknown.
bool ParseTls(std::string_view text, UpstreamConfig::Tls* tls);

class UpstreamClient {
 public:
  explicit UpstreamClient(UpstreamConfig config);

  // Relays `message` (CRLF lines, not dot-stuffed) to every envelope recipient. Returns the
  // reply for the client, with CRLF: upstream's final reply after DATA, or the first reply
  // that refused the transaction, or a 4xx when upstream failed.
  // With envelope.auth_user set, authenticates (AUTH PLAIN) before MAIL.
  std::string Send(const SmtpEnvelope& envelope, std::string_view message) const;

  // Checks credentials against upstream (connect, EHLO, TLS, AUTH, QUIT). Returns
  // "235 2.7.0 …" when accepted, else upstream's refusal or a 4xx.
  std::string Verify(const std::string& user, const std::string& password) const;

  const UpstreamConfig& config() const { return config_; }

 private:
  UpstreamConfig config_;
};

}  // namespace agent

#endif  // AGENT_UPSTREAM_CLIENT_H_
