// ControlApi: the agent's local HTTP interface (CONTRACTS.md §4) and the confirmation page.
//
// Loopback only. Every /v1 request needs `Authorization: Bearer <STATE_DIR/control.token>`
// (created 0600 with O_EXCL on first start). The Host header must name the loopback
// address (no DNS rebinding); no CORS headers are ever sent.
//
// The confirmation page (agent/confirm_page.h) is only for the user the agent runs for:
// it opens from a one-time link (NewPageLink(), or `POST /v1/page-link` with the token),
// `GET /confirm?k=KEY`, which sets a session cookie (HttpOnly, SameSite=Strict, Path=/)
// and moves on to /confirm. Without a valid session /confirm and every answer are refused
// (403, in Japanese). An answer (`POST /confirm/{id}`, form fields csrf and decision)
// also needs an Origin (or, without one, a Referer) naming this listener and the prompt's
// CSRF token. Pages carry a strict Content-Security-Policy and X-Frame-Options DENY.
// Residual risk: cookies are not separated by port, so another local listener that the
// user's browser visits could receive the session cookie (its name carries the port).
#ifndef AGENT_CONTROL_API_H_
#define AGENT_CONTROL_API_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/confirm_header.h"
#include "agent/prompt_registry.h"
#include "agent/relay.h"

namespace Poco::Net {
class HTTPServer;
}

namespace agent {

// What /v1/status reports besides the policy in force. The callbacks are called on the
// API's threads and must be thread-safe; unset ones report "off", 0 and no warning.
struct ControlStatus {
  std::string upstream;                           // "host:port (tls)"
  std::function<std::string()> central;           // "ok", "offline" or "off"
  std::function<std::uint64_t()> pending_events;  // events in the outbox
  std::function<std::string()> outbox_warning;    // "" or why the outbox is nearly full
};

class ControlApi {
 public:
  ControlApi(std::string host, std::uint16_t port, std::string state_dir, PromptRegistry& prompts,
             const PolicyStore& policies, ControlStatus status);
  ~ControlApi();
  // Makes STATE_DIR private (0700) when it is ours, keeps a private control.token or makes
  // a new one (0600, O_EXCL), binds, writes STATE_DIR/control.port (0600); throws
  // std::runtime_error.
  void Start();
  void Stop();
  std::uint16_t port() const { return port_; }
  // A fresh one-time link to the confirmation page, http://127.0.0.1:PORT/confirm?k=KEY:
  // good once, within an hour; it gives the browser that opens it an 8-hour session.
  // For the desktop notification and the start-up message. Thread-safe; after Start().
  std::string NewPageLink();
  const std::string& token() const { return token_; }
  // Enables `POST /v1/confirmations` (docs/THUNDERBIRD_ADDON.md): the same raw message as
  // /v1/check; answers {"header": "X-Sendguard-Confirmed", "value": "v1; ...",
  // "expires_in": SECONDS, "verdict": "..."} bound to that message, or 409 for a blocked
  // one. Not owned. Call before Start().
  void SetConfirmations(Confirmations* confirmations);

  struct Shared;  // what the request handlers see

 private:
  std::string host_;
  std::uint16_t port_;
  std::string state_dir_;
  std::string token_;
  std::unique_ptr<Shared> shared_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

// The answer in the body of `POST /v1/prompts/{id}`: exactly a JSON object whose only
// member is "decision", given once, with the value "send" or "cancel". Everything else —
// duplicate or unknown members (so a client never believes a field it added had an
// effect), other types, trailing text, comments, bodies over 4 KiB — gives nullopt, and
// the caller answers 400 and leaves the prompt pending.
std::optional<PromptRegistry::Answer> ParsePromptDecision(std::string_view body);

}  // namespace agent

#endif  // AGENT_CONTROL_API_H_
