// Console: the web console of DESIGN.md "The web console" — login, the pages under `/`
// and the JSON API under /api/v1/console/ (docs/CONSOLE_API.md) — as a function from a
// request to a response, free of any HTTP library so that it can be tested directly.
// console_http.h adapts it to Poco's HTTP server.
//
// Every request is authenticated by the session cookie, every state-changing one also by
// its CSRF token, every right checked here (RBAC), and every page view and change written
// to the access records (Art. 12). Thread-safe: one Console serves all request threads.
#ifndef CENTRAL_CONSOLE_CONSOLE_H_
#define CENTRAL_CONSOLE_CONSOLE_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "central/console/console_store.h"
#include "central/console/dashboard.h"
#include "central/policy_signer.h"
#include "central/store.h"

namespace central::incidents {
class IncidentConsole;
}

namespace central::console {

inline constexpr char kSessionCookie[] = "sg_session";
inline constexpr Micros kIdleTimeout = 30LL * 60 * 1000000;        // 30 min
inline constexpr Micros kAbsoluteTimeout = 12LL * 3600 * 1000000;  // 12 h
inline constexpr int kMaxLoginFailures = 5;                        // within...
inline constexpr Micros kLockoutWindow = 15LL * 60 * 1000000;      // ...15 min

struct ConsoleConfig {
  bool tls = false;  // cookies get `Secure`
  // The dashboard's tiles filled by other parts of central (open reviews, overdue incident
  // steps); unset: placeholders. Wiring a source: `config.dashboard_tiles = ...;`.
  DashboardTiles dashboard_tiles;
  // Not null: the incident workflow's paths (IncidentConsole::Handles) go to it. Not
  // owned; must outlive the Console.
  incidents::IncidentConsole* incidents = nullptr;
};

struct WebRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string peer;  // client IP address
};

struct WebResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Set-Cookie, Location, ...
};

// Responses every console handler builds (console_http.cc).
WebResponse JsonReply(int status, const std::string& body);
// {"error": english, "error_ja": japanese}, as the agent API's errors.
WebResponse JsonError(int status, const std::string& english, const std::string& japanese);
// 303 See Other to `to` (after a form's POST).
WebResponse Redirect(const std::string& to);

class Console {
 public:
  Console(ConsoleConfig config, Store& store, ConsoleStore& console_store,
          const PolicySigner& signer);
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  WebResponse Handle(const WebRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for the paths of the agent API (docs/CENTRAL_API.md): everything else on the
// listener is the console's.
bool IsAgentApiPath(const std::string& path);

// application/x-www-form-urlencoded (and query strings) into name/value pairs.
std::multimap<std::string, std::string> ParseUrlEncoded(const std::string& text);

// The value of one cookie in a Cookie header; "" when absent.
std::string CookieValue(const std::string& header, const std::string& name);

}  // namespace central::console

#endif  // CENTRAL_CONSOLE_CONSOLE_H_
