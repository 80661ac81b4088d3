// The only file that touches Poco's server sockets: Poco exceptions end here.
#include "agent/smtp_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/TCPServerParams.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace agent {
namespace {

// True while the client has neither closed nor reset the connection; does not block.
// Bytes it pipelined that are still unread do not mean it has gone, but the end of its
// stream does, even behind unread bytes (swaks sends QUIT when it gives up, then
// closes): an SMTP client that can no longer send cannot finish the session, and one
// that only half-closed still reads the reply it gets instead.
bool ClientConnected(const Poco::Net::StreamSocket& s) {
  const int fd = s.impl()->sockfd();
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  const int ready = ::poll(&p, 1, 0);
  if (ready < 0) return errno == EINTR;
  if (ready == 0) return true;  // nothing to read: still there, waiting for its reply
  if (p.revents & (POLLERR | POLLHUP | POLLNVAL | POLLRDHUP)) return false;
  char c;
  const ssize_t n = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return true;    // pipelined input
  if (n == 0) return false;  // end of stream: the client closed
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

class SmtpConnection final : public Poco::Net::TCPServerConnection {
 public:
  SmtpConnection(const Poco::Net::StreamSocket& socket, const ServerConfig& config, Relay& relay)
      : TCPServerConnection(socket), config_(config), relay_(relay) {}

  void run() override {
    Poco::Net::StreamSocket& s = socket();
    SmtpSession session(
        config_.limits, config_.hostname,
        [this, &s](const SmtpEnvelope& e, std::string&& m) {
          return relay_.Handle(e, std::move(m), [&s] { return ClientConnected(s); });
        },
        [this](const std::string& user, const std::string& password) {
          return relay_.Authenticate(user, password);
        });
    try {
      s.setReceiveTimeout(Poco::Timespan(config_.idle_timeout_seconds, 0));
      s.setNoDelay(true);  // replies are whole; do not let Nagle hold one back
      Send(s, session.Greeting());
      std::string buffer;
      char chunk[16384];
      while (!session.closed()) {
        int n = 0;
        try {
          n = s.receiveBytes(chunk, sizeof chunk);
        } catch (const Poco::TimeoutException&) {
          Send(s, MultiLineReply(421, "4.4.2",
                                 {"一定時間操作がなかったため、接続を閉じます。",
                                  "Idle for too long; closing the connection."}));
          return;
        }
        if (n <= 0) return;  // the client went away
        buffer.append(chunk, static_cast<std::size_t>(n));
        std::size_t start = 0;
        std::string out;
        while (!session.closed()) {
          const std::size_t nl = buffer.find('\n', start);
          if (nl == std::string::npos) break;
          out += session.OnLine(std::string_view(buffer).substr(start, nl - start));
          start = nl + 1;
        }
        buffer.erase(0, start);
        if (!session.closed() && buffer.size() > session.max_line()) {
          out += session.OnOverlongLine();
        }
        if (!out.empty()) Send(s, out);  // replies to pipelined commands go together
      }
    } catch (const Poco::Exception&) {
      // Connection reset or write failure: the session ends; nothing was accepted.
    }
  }

 private:
  static void Send(Poco::Net::StreamSocket& s, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const int n = s.sendBytes(data.data() + sent, static_cast<int>(data.size() - sent));
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  const ServerConfig& config_;
  Relay& relay_;
};

class Factory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  Factory(const ServerConfig& config, Relay& relay) : config_(config), relay_(relay) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new SmtpConnection(socket, config_, relay_);
  }

 private:
  const ServerConfig& config_;
  Relay& relay_;
};

}  // namespace

SmtpServer::SmtpServer(ServerConfig config, Relay& relay)
    : config_(std::move(config)), relay_(relay) {}

SmtpServer::~SmtpServer() { Stop(); }

void SmtpServer::Start() {
  try {
    // SO_REUSEADDR (a restart need not wait for TIME_WAIT) but not SO_REUSEPORT, which
    // Poco's ServerSocket(address, backlog) also sets: with it a second agent on the same
    // port would start without an error and silently take half the connections.
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(config_.host, config_.port), /*reuseAddress=*/true,
                /*reusePort=*/false);
    socket.listen(64);
    port_ = socket.address().port();
    auto* params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(config_.max_connections);
    params->setMaxQueued(config_.max_connections);
    server_ = std::make_unique<Poco::Net::TCPServer>(new Factory(config_, relay_), socket, params);
    server_->start();
  } catch (const Poco::Net::NetException& e) {
    const std::string where = config_.host + ":" + std::to_string(config_.port);
    if (e.code() == EADDRINUSE) {
      throw std::runtime_error("cannot listen for mail clients on " + where +
                               ": the port is already in use (another sendguard-agent?)");
    }
    throw std::runtime_error("cannot listen for mail clients on " + where + ": " + e.displayText());
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot listen for mail clients on " + config_.host + ":" +
                             std::to_string(config_.port) + ": " + e.displayText());
  }
}

void SmtpServer::Stop() {
  if (!server_) return;
  server_->stop();
  // Let sessions in flight finish (a message being relayed is never cut off), bounded.
  for (int i = 0; i < 1200 && server_->currentConnections() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  server_.reset();
}

std::uint16_t SmtpServer::port() const { return port_; }

}  // namespace agent
