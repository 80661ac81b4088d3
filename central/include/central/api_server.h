// ApiServer: the agent-facing HTTP(S) API of docs/CENTRAL_API.md — POST /api/v1/events,
// POST /api/v1/heartbeat, GET /api/v1/policy — over Poco's HTTPServer, every request
// authenticated by agent token and written to the access records.
//
// Requests are served on a thread pool; the Store must be thread-safe (it is). Start and
// Stop are called from one thread.
#ifndef CENTRAL_API_SERVER_H_
#define CENTRAL_API_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "central/result.h"
#include "central/store.h"

namespace central {

namespace console {
class Console;
}

// How long an accepted token is trusted without asking the store again: the longest a
// revoked agent (`agent revoke`) is still served.
constexpr int kTokenCacheSeconds = 10;

struct ApiServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (see ApiServer::port())
  // Both set: HTTPS with this PEM certificate (chain) and key. Both empty: plain HTTP,
  // which the caller allows on loopback only.
  std::string tls_cert;
  std::string tls_key;
  int max_threads = 128;  // concurrent connections served (agents keep theirs open)
  // Connections accepted beyond max_threads wait in a queue of this size; beyond both,
  // a new connection gets 503 at once.
  int max_queued = 64;
  // Connections one client address may hold open (served or queued); beyond it, 503.
  int max_connections_per_address = 32;
  // A request header must be complete within this time of the connection being accepted
  // (or of the previous reply plus the 30 s keep-alive wait); else the connection is closed.
  int header_timeout_ms = 10000;
  // Not null: every path outside the agent API (console::IsAgentApiPath) is the web
  // console's. Not owned; must outlive the server.
  console::Console* console = nullptr;
};

class ApiServer {
 public:
  ApiServer(ApiServerConfig config, Store& store);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds and starts serving.
  Status Start();
  // The bound port (after Start).
  std::uint16_t port() const;
  // Stops accepting, lets requests in flight finish, and waits for them.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for loopback host names and addresses (127.0.0.0/8, ::1, localhost).
bool IsLoopbackHost(const std::string& host);

}  // namespace central

#endif  // CENTRAL_API_SERVER_H_
