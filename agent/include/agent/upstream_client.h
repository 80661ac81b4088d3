// UpstreamClient: the agent's own small SMTP client for relaying one message to the
// organisation's mail server (DESIGN.md decision 5: not vmime's transport). One call runs
// one whole transaction: MAIL, every RCPT, DATA, the message. When upstream offers
// PIPELINING, MAIL, every RCPT and DATA go in one write and their replies are read
// together (RFC 2920); otherwise one command at a time. Any RCPT refused aborts the
// transaction before a byte of the message is sent — with RSET, or, when a pipelined DATA
// was already answered 354, by closing the connection without the final dot — so nothing
// is ever partially sent. Upstream unreachable or silent gives a 4xx made here, in time
// for the client to keep the message in its outbox.
//
// Sessions (connect, EHLO, STARTTLS or implicit TLS, AUTH) are kept open for a few
// seconds after a transaction and reused for the next message with the same credentials
// (the connection a client's AUTH was verified on is the first one reused), which saves
// a connection, a TLS handshake and an AUTH per message. A kept session that turns out to
// be closed is replaced by a fresh one only when no byte of the message was sent yet, so
// a message is never transmitted twice by the agent. Credentials are never kept: kept
// sessions are matched by a keyed hash of them. Safe to use from many threads.
#ifndef AGENT_UPSTREAM_CLIENT_H_
#define AGENT_UPSTREAM_CLIENT_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "agent/smtp_session.h"
#include "agent/upstream_transport.h"

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
  int keep_idle_seconds = 5;       // how long a session is kept for the next message; 0: never
  std::size_t max_idle_sessions = 8;
};

class UpstreamSession;
struct UpstreamTls;

// What an upstream's EHLO reply offers (RFC 5321 §4.1.1.1): the first line is the
// server's domain and greeting and offers nothing; each further line is one
// `ehlo-keyword *(SP ehlo-param)`. Keywords are matched case-insensitively and only as
// whole keywords, so a greeting such as "250-auth.pipelining.example" offers neither AUTH
// nor PIPELINING. The obsolete "AUTH=PLAIN LOGIN" form counts as AUTH. Immutable.
class EhloCapabilities {
 public:
  EhloCapabilities() = default;
  // `reply`: the whole multi-line reply, "250-domain\r\n250-KEYWORD params\r\n…".
  static EhloCapabilities Parse(std::string_view reply);

  bool Has(std::string_view keyword) const;
  // The parameters of `keyword` as given (empty when it has none or is not offered).
  const std::vector<std::string>& Params(std::string_view keyword) const;
  // True when AUTH is offered with `mechanism` (case-insensitive).
  bool HasAuthMechanism(std::string_view mechanism) const;
  // SIZE's limit in bytes; nullopt when SIZE is not offered, 0 when it gives no limit.
  std::optional<std::uint64_t> SizeLimit() const;

 private:
  std::map<std::string, std::vector<std::string>> keywords_;  // upper-case keyword → params
};

// Parses "none" / "starttls" / "tls"; false when unknown.
bool ParseTls(std::string_view text, UpstreamConfig::Tls* tls);

class UpstreamClient final : public UpstreamTransport {
 public:
  explicit UpstreamClient(UpstreamConfig config);
  ~UpstreamClient() override;
  UpstreamClient(const UpstreamClient&) = delete;
  UpstreamClient& operator=(const UpstreamClient&) = delete;

  // Relays `message` (CRLF lines, not dot-stuffed) to every envelope recipient. Returns the
  // reply for the client, with CRLF: upstream's final reply after DATA, or the first reply
  // that refused the transaction, or a 4xx when upstream failed.
  // With envelope.auth_user set, authenticates (AUTH PLAIN) before MAIL.
  std::string Send(const SmtpEnvelope& envelope, std::string_view message) const override;

  // Checks credentials against upstream (connect, EHLO, TLS, AUTH, QUIT). Returns
  // "235 2.7.0 …" when accepted, else upstream's refusal or a 4xx.
  std::string Verify(const std::string& user, const std::string& password) const override;

  const UpstreamConfig& config() const { return config_; }

  // Sessions kept open right now (for tests and status).
  std::size_t idle_sessions() const;

 private:
  struct Idle {
    std::unique_ptr<UpstreamSession> session;
    std::string key;
    std::chrono::steady_clock::time_point since;
  };
  // A fresh, greeted, EHLO'd (TLS, AUTH) session, or the reply for the client.
  std::unique_ptr<UpstreamSession> Open(const std::string& user, const std::string& password,
                                        std::string* failure) const;
  std::unique_ptr<UpstreamSession> TakeIdle(const std::string& key) const;
  void Keep(std::unique_ptr<UpstreamSession> session, std::string key) const;
  std::string KeyFor(const std::string& user, const std::string& password) const;
  void Reap();

  UpstreamConfig config_;
  std::shared_ptr<UpstreamTls> tls_;  // one TLS context (CA store loaded once) for all
  std::string key_secret_;            // random per process: kept-session keys reveal nothing
  mutable std::mutex mutex_;
  mutable std::vector<Idle> idle_;
  std::condition_variable reaper_wake_;
  bool stopping_ = false;
  std::thread reaper_;
};

}  // namespace agent

#endif  // AGENT_UPSTREAM_CLIENT_H_
