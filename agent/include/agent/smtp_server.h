// SmtpServer: accepts mail-client connections on loopback and runs one SmtpSession per
// connection on Poco's TCPServer thread pool. Idle connections are closed with 421 after
// `idle_timeout_seconds` (Thunderbird leaves a connection open after a 5xx).
#ifndef AGENT_SMTP_SERVER_H_
#define AGENT_SMTP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "agent/relay.h"
#include "agent/smtp_session.h"

namespace Poco::Net {
class TCPServer;
}

namespace agent {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port
  SessionLimits limits;
  int idle_timeout_seconds = 120;
  int max_connections = 64;
  std::string hostname = "localhost";
};

class SmtpServer {
 public:
  SmtpServer(ServerConfig config, Relay& relay);
  ~SmtpServer();
  // Binds and starts accepting; throws std::runtime_error with a clear message on failure.
  void Start();
  // Stops accepting and waits for sessions in flight.
  void Stop();
  std::uint16_t port() const;

 private:
  ServerConfig config_;
  Relay& relay_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace agent

#endif  // AGENT_SMTP_SERVER_H_
