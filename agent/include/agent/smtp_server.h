// SmtpServer: accepts mail-client connections on loopback and runs one SmtpSession per
// connection. Idle connections are closed with 421 after `idle_timeout_seconds`
// (Thunderbird leaves a connection open after a 5xx).
//
// Threads: each worker blocks in accept() and serves the connection it accepted itself,
// start to end, with blocking reads (SO_RCVTIMEO for the idle timeout): no hand-off between
// threads and no poll set per read (issue 17). A worker that accepts while no other waits
// in accept() starts one more, up to `max_connections` sessions; beyond that, connections
// wait in the listen backlog. Workers idle in accept() for `idle_worker_seconds` retire
// while another still waits.
#ifndef AGENT_SMTP_SERVER_H_
#define AGENT_SMTP_SERVER_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>

#include "agent/relay.h"
#include "agent/smtp_session.h"

namespace agent {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port
  SessionLimits limits;
  int idle_timeout_seconds = 120;
  int max_connections = 64;
  int idle_worker_seconds = 10;  // a worker idle this long in accept() retires (one stays)
  std::string hostname = "localhost";
};

class SmtpServer {
 public:
  SmtpServer(ServerConfig config, Relay& relay);
  ~SmtpServer();
  // Binds and starts accepting; throws std::runtime_error with a clear message on failure.
  void Start();
  // Stops accepting and waits for sessions in flight (a message being relayed is never cut
  // off); sessions still open after two minutes are shut down, then waited for.
  void Stop();
  std::uint16_t port() const;

  // Worker threads alive right now (for tests).
  int workers() const;

 private:
  void StartWorkerLocked();
  void Work();
  void Serve(int fd);

  ServerConfig config_;
  Relay& relay_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int workers_ = 0;    // threads alive
  int accepting_ = 0;  // of those, waiting in accept()
  int sessions_ = 0;   // connections being served
  bool stopping_ = false;
  std::set<int> clients_;  // descriptors of the connections being served
};

}  // namespace agent

#endif  // AGENT_SMTP_SERVER_H_
