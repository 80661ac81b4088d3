// SmtpServer's own threads (issue 17): each connection is served by the worker that
// accepted it, a new worker waits for the next client while others are busy, surplus idle
// workers retire, an idle client is told 421, and Stop lets a session finish.
#include "agent/smtp_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "agent/policy_store.h"
#include "agent/relay.h"
#include "counting_transport.h"
#include "mailcheck/policy.h"

namespace agent {
namespace {

// A raw client: reads replies line by line.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{20, 0};  // a hung server fails the test instead of hanging it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Send(const std::string& s) { ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL); }
  // The next line without CRLF; "" when the connection ended.
  std::string Line() {
    while (true) {
      const std::size_t nl = buffer_.find("\r\n");
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 2);
        return line;
      }
      char chunk[1024];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return "";
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  // The last line of the next (possibly multi-line) reply.
  std::string Reply() {
    std::string line = Line();
    while (line.size() > 3 && line[3] == '-') line = Line();
    return line;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

class SmtpServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerConfig config) {
    relay_ = std::make_unique<Relay>(policies_, upstream_);
    server_ = std::make_unique<SmtpServer>(config, *relay_);
    server_->Start();
  }
  // Waits (at most 20 s) until the server has `n` workers; returns how many it has.
  int WaitForWorkers(int n) {
    for (int i = 0; i < 400 && server_->workers() != n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return server_->workers();
  }

  PolicyStore policies_{mailcheck::DefaultPolicy()};
  CountingTransport upstream_;
  std::unique_ptr<Relay> relay_;
  std::unique_ptr<SmtpServer> server_;
};

TEST_F(SmtpServerTest, ConcurrentClientsAreServedAtOnceAndIdleWorkersRetire) {
  ServerConfig config;
  config.idle_worker_seconds = 1;
  StartServer(config);
  EXPECT_EQ(server_->workers(), 1);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<Client>(server_->port()));
    ASSERT_TRUE(clients.back()->connected());
  }
  // All three are greeted while none has finished: each has a worker of its own.
  for (auto& c : clients) EXPECT_EQ(c->Line().substr(0, 4), "220 ");
  EXPECT_EQ(WaitForWorkers(4), 4) << "three sessions and one worker waiting for the next";
  for (auto& c : clients) {
    c->Send("EHLO pc.city.honjo.lg.jp\r\n");
    EXPECT_EQ(c->Reply().substr(0, 4), "250 ");
    c->Send("MAIL FROM:<a@city.honjo.lg.jp>\r\nRCPT TO:<b@city.honjo.lg.jp>\r\nDATA\r\n");
    EXPECT_EQ(c->Reply().substr(0, 3), "250");
    EXPECT_EQ(c->Reply().substr(0, 3), "250");
    EXPECT_EQ(c->Reply().substr(0, 3), "354");
    c->Send("Subject: hello\r\n\r\nhello\r\n.\r\nQUIT\r\n");
    EXPECT_EQ(c->Reply().substr(0, 3), "250");
    EXPECT_EQ(c->Reply().substr(0, 3), "221");
  }
  EXPECT_EQ(upstream_.sends.load(), 3);
  clients.clear();
  EXPECT_EQ(WaitForWorkers(1), 1) << "idle workers retire; one stays";
  Client late(server_->port());
  EXPECT_EQ(late.Line().substr(0, 4), "220 ") << "the worker that stayed still accepts";
}

TEST_F(SmtpServerTest, AnIdleClientIsToldFourTwentyOneAndDisconnected) {
  ServerConfig config;
  config.idle_timeout_seconds = 1;
  StartServer(config);
  Client c(server_->port());
  EXPECT_EQ(c.Line().substr(0, 4), "220 ");
  const std::string reply = c.Reply();
  EXPECT_EQ(reply.substr(0, 9), "421 4.4.2") << reply;
  EXPECT_EQ(c.Line(), "") << "closed after the 421";
}

TEST_F(SmtpServerTest, StopLetsTheSessionInFlightFinishAndRefusesNewClients) {
  StartServer(ServerConfig{});
  Client c(server_->port());
  EXPECT_EQ(c.Line().substr(0, 4), "220 ");
  c.Send("EHLO pc\r\nMAIL FROM:<a@city.honjo.lg.jp>\r\nRCPT TO:<b@city.honjo.lg.jp>\r\nDATA\r\n");
  EXPECT_EQ(c.Reply().substr(0, 3), "250");
  EXPECT_EQ(c.Reply().substr(0, 3), "250");
  EXPECT_EQ(c.Reply().substr(0, 3), "250");
  EXPECT_EQ(c.Reply().substr(0, 3), "354");
  const int port = server_->port();
  std::thread stop([this] { server_->Stop(); });
  // The listener closes while this session goes on: a new client is refused.
  for (int i = 0; i < 400; ++i) {
    Client probe(port);
    if (!probe.connected() || probe.Line().empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  c.Send("Subject: late\r\n\r\nstill accepted\r\n.\r\nQUIT\r\n");
  EXPECT_EQ(c.Reply().substr(0, 3), "250");
  EXPECT_EQ(c.Reply().substr(0, 3), "221");
  stop.join();
  EXPECT_EQ(upstream_.sends.load(), 1);
  EXPECT_EQ(server_->workers(), 0);
}

}  // namespace
}  // namespace agent
