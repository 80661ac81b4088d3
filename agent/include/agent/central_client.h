// CentralClient: the agent's HTTP(S) client for sendguard-central (docs/CENTRAL_API.md).
// Every request carries `Authorization: Bearer <agent token>`; HTTPS certificates are
// verified against the system store (or a configured CA file); connect timeout 5 s, whole request
// 30 s. It also remembers whether the last contact with central succeeded, for /v1/status
// ("ok" / "offline"). Thread-safe: each request uses its own connection.
#ifndef AGENT_CENTRAL_CLIENT_H_
#define AGENT_CENTRAL_CLIENT_H_

#include <Poco/Net/Context.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "mailcheck/result.h"

namespace agent {

struct HttpReply {
  long status = 0;  // 0: no answer (connection refused, timeout, TLS failure)
  std::string body;
  std::string etag;   // the ETag header, if any
  std::string error;  // why there was no answer (status 0)
};

class CentralClient {
 public:
  // `base_url` like "https://central.example.lg.jp:8443" (a trailing slash is ignored).
  // `ca_file`: a PEM file of CA certificates to verify central with instead of the
  // system store (an organisation's private CA); "" for the system store.
  CentralClient(std::string base_url, std::string token, std::string ca_file = "");

  // Where the last contact with central left this agent, for /v1/status.
  enum class State {
    kUnknown,  // no request yet
    kOk,       // central answered
    kOffline,  // no answer, or a server error
    kRevoked,  // central refused the token (401/403): revoked, replaced, or never enrolled
  };
  virtual ~CentralClient() = default;

  // Reads the token file (one line; surrounding white space ignored). Errors name the file.
  static mailcheck::Result<std::string> LoadToken(const std::string& path);

  virtual HttpReply Get(const std::string& path, const std::vector<std::string>& headers = {});
  virtual HttpReply Post(const std::string& path, const std::string& json_body);

  // True when the last request got an answer from central that was neither a server error
  // nor a refused token, false otherwise (and before the first request).
  bool reachable() const { return reachable_; }
  State state() const { return state_; }
  // "ok", "offline" (also before the first answer) or "revoked".
  std::string StateName() const;

  // Uses `token` from the next request on (a replaced token file, read again on SIGHUP or
  // when it changes, takes effect without a restart).
  void SetToken(std::string token);
  const std::string& base_url() const { return base_url_; }

 private:
  HttpReply Request(const std::string& method, const std::string& path,
                    const std::vector<std::string>& headers, const std::string& body);

  const std::string base_url_;
  mutable std::mutex token_mutex_;
  std::string token_;
  // The TLS settings for an https central, made at the first https request.
  Poco::Net::Context::Ptr TlsContext();

  const std::string ca_file_;
  std::mutex tls_mutex_;
  Poco::Net::Context::Ptr tls_;
  std::atomic<bool> reachable_{false};
  std::atomic<State> state_{State::kUnknown};
};

}  // namespace agent

#endif  // AGENT_CENTRAL_CLIENT_H_
