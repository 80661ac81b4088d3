// Delivery decisions of the event sender: only a 200 with the documented answer removes
// events (stored, duplicate or rejected); anything else keeps them for a retry.
#include "agent/event_sender.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

namespace agent {
namespace {

namespace fs = std::filesystem;

// Answers every POST with the next programmed reply and remembers the bodies.
class FakeCentral : public CentralClient {
 public:
  FakeCentral() : CentralClient("http://fake.invalid", "sga_test") {}
  HttpReply Post(const std::string& path, const std::string& body) override {
    paths.push_back(path);
    bodies.push_back(body);
    ++posts;
    return reply;
  }
  HttpReply reply;
  std::vector<std::string> paths;
  std::vector<std::string> bodies;
  std::atomic<int> posts{0};  // read by the test while the sender thread posts
};

class EventSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sendguard_event_sender_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto box = Outbox::Open(dir_.string());
    ASSERT_TRUE(box.ok());
    outbox_ = std::move(box).value();
    for (const char* id : {"e1", "e2", "e3"}) {
      ASSERT_TRUE(outbox_
                      ->Add(Event{id, "send_blocked",
                                  std::string("{\"id\":\"") + id + "\",\"kind\":\"send_blocked\"}"})
                      .ok());
    }
  }
  void TearDown() override {
    outbox_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<Outbox> outbox_;
  FakeCentral central_;
};

TEST_F(EventSenderTest, AcknowledgedBatchIsRemovedIncludingRejectedEvents) {
  central_.reply = {
      200, "{\"stored\":1,\"duplicates\":1,\"rejected\":[{\"id\":\"e3\",\"error\":\"bad\"}]}", "",
      ""};
  EventSender sender(*outbox_, central_);
  EXPECT_TRUE(sender.SendOnce());
  ASSERT_EQ(central_.bodies.size(), 1u);
  EXPECT_EQ(central_.paths[0], "/api/v1/events");
  EXPECT_EQ(central_.bodies[0],
            "{\"events\":[{\"id\":\"e1\",\"kind\":\"send_blocked\"},{\"id\":\"e2\",\"kind\":"
            "\"send_blocked\"},{\"id\":\"e3\",\"kind\":\"send_blocked\"}]}");
  EXPECT_EQ(outbox_->pending(), 0u);
  EXPECT_TRUE(sender.SendOnce()) << "nothing pending is success";
  EXPECT_EQ(central_.bodies.size(), 1u);
}

TEST_F(EventSenderTest, ServerErrorNoAnswerOrOddAnswerKeepsTheBatch) {
  EventSender sender(*outbox_, central_);
  for (const HttpReply& reply :
       {HttpReply{503, "{\"error\":\"busy\"}", "", ""}, HttpReply{0, "", "", "Connection refused"},
        HttpReply{401, "{\"error\":\"bad token\"}", "", ""},
        HttpReply{200, "<html>captive portal</html>", "", ""}}) {
    central_.reply = reply;
    EXPECT_FALSE(sender.SendOnce()) << reply.status;
    EXPECT_EQ(outbox_->pending(), 3u) << reply.status;
  }
}

TEST_F(EventSenderTest, ThreadDeliversAndStopsPromptlyDuringBackoff) {
  central_.reply = {503, "", "", ""};
  EventSenderOptions options;
  options.initial_backoff = std::chrono::hours(1);  // Stop must not wait for it
  EventSender sender(*outbox_, central_, options);
  sender.Start();
  for (int i = 0; i < 600 && central_.posts == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  sender.Stop();
  EXPECT_GE(central_.posts, 1);
  EXPECT_EQ(outbox_->pending(), 3u);
}

}  // namespace
}  // namespace agent
