// CentralClient against a peer that answers badly: a reply cut short of its length, one
// too large. Each must be "no answer" (status 0, a reason), never a part of a reply taken
// for all of it. (A chunked reply that breaks off ends as a short body, which Poco's
// stream cannot tell from a whole one: the callers' JSON parsing and the policy's
// signature refuse it; EventSenderTest covers an odd answer keeping the batch.)
#include "agent/central_client.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace agent {
namespace {

// Accepts one connection, reads the request head, writes `reply` and closes.
class OneReplyPeer {
 public:
  explicit OneReplyPeer(std::string reply)
      : server_(Poco::Net::SocketAddress("127.0.0.1", 0)), reply_(std::move(reply)) {
    thread_ = std::thread([this] {
      try {
        Poco::Net::StreamSocket s = server_.acceptConnection();
        std::string head;
        char buf[4096];
        while (head.find("\r\n\r\n") == std::string::npos) {
          const int n = s.receiveBytes(buf, sizeof buf);
          if (n <= 0) return;
          head.append(buf, static_cast<std::size_t>(n));
        }
        for (std::size_t at = 0; at < reply_.size();) {
          const int n = s.sendBytes(reply_.data() + at, static_cast<int>(reply_.size() - at));
          if (n <= 0) return;
          at += static_cast<std::size_t>(n);
        }
        s.shutdown();
      } catch (...) {
      }
    });
  }
  ~OneReplyPeer() { thread_.join(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.address().port()); }

 private:
  Poco::Net::ServerSocket server_;
  std::string reply_;
  std::thread thread_;
};

TEST(CentralClientTest, AWholeReplyIsRead) {
  OneReplyPeer peer("HTTP/1.1 200 OK\r\nContent-Length: 11\r\nETag: \"7\"\r\n\r\n{\"ok\":true}");
  CentralClient client(peer.url(), "sga_test");
  const HttpReply r = client.Get("/api/v1/policy");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "{\"ok\":true}");
  EXPECT_EQ(r.etag, "\"7\"");
  EXPECT_EQ(client.StateName(), "ok");
}

TEST(CentralClientTest, AReplyCutShortOfItsLengthIsNoAnswer) {
  OneReplyPeer peer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"accepted\":[\"ev-1\"");
  CentralClient client(peer.url(), "sga_test");
  const HttpReply r = client.Post("/api/v1/events", "{\"events\":[]}");
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.body.empty());
  EXPECT_NE(r.error.find("of 100 bytes"), std::string::npos) << r.error;
  EXPECT_EQ(client.StateName(), "offline");
}

TEST(CentralClientTest, AReplyLargerThan16MiBIsNotHeld) {
  const std::size_t size = (16u << 20) + 1;
  OneReplyPeer peer("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n" +
                    std::string(size, 'x'));
  CentralClient client(peer.url(), "sga_test");
  const HttpReply r = client.Get("/api/v1/policy");
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.body.empty());
  EXPECT_NE(r.error.find("16 MiB"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace agent
