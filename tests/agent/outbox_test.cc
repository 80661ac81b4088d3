// The durable outbox: restarts, crash leftovers, the disk bound, batches.
#include "agent/outbox.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace agent {
namespace {

namespace fs = std::filesystem;

// An event whose file (JSON + newline) is exactly 200 bytes.
Event Sized(const std::string& id, const std::string& kind) {
  Event e{id, kind, "{\"id\":\"" + id + "\",\"kind\":\"" + kind + "\",\"pad\":\"\"}"};
  e.json.insert(e.json.size() - 2, std::string(199 - e.json.size(), 'x'));
  return e;
}

std::vector<std::string> Ids(Outbox& box) {
  std::vector<std::string> ids;
  for (const Outbox::Item& item : box.NextBatch()) {
    const std::size_t at = item.json.find("\"id\":\"") + 6;
    ids.push_back(item.json.substr(at, item.json.find('"', at) - at));
  }
  return ids;
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sendguard_outbox_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::unique_ptr<Outbox> Open(OutboxOptions options = {}) {
    auto box = Outbox::Open(dir_.string(), options);
    EXPECT_TRUE(box.ok()) << box.error();
    return box.ok() ? std::move(box).value() : nullptr;
  }
  fs::path dir_;
};

TEST_F(OutboxTest, EventsSurviveReopenInOrderUntilRemoved) {
  {
    auto box = Open();
    ASSERT_TRUE(box);
    for (const char* id : {"a1", "a2", "a3"}) ASSERT_TRUE(box->Add(Sized(id, "send_blocked")).ok());
    EXPECT_EQ(box->pending(), 3u);
  }
  auto box = Open();
  ASSERT_TRUE(box);
  EXPECT_EQ(box->pending(), 3u);
  EXPECT_EQ(Ids(*box), (std::vector<std::string>{"a1", "a2", "a3"}));
  const auto batch = box->NextBatch();
  box->Remove({batch[0].sequence, batch[1].sequence});
  ASSERT_TRUE(box->Add(Sized("a4", "send_blocked")).ok());
  auto again = Open();
  EXPECT_EQ(Ids(*again), (std::vector<std::string>{"a3", "a4"}));
}

TEST_F(OutboxTest, CrashLeftoversAreIgnoredAndDoNotBlockDelivery) {
  {
    auto box = Open();
    ASSERT_TRUE(box->Add(Sized("good1", "send_blocked")).ok());
  }
  // A write that never reached its rename, and a final name holding a torn record.
  std::ofstream(dir_ / "tmp-7") << "{\"id\":\"half";
  std::ofstream(dir_ / "00000000000000000005.v.json") << "{\"id\":\"torn\",\"ki";
  std::ofstream(dir_ / "00000000000000000006.v.json");  // empty
  auto box = Open();
  ASSERT_TRUE(box);
  EXPECT_EQ(box->pending(), 1u);
  EXPECT_FALSE(fs::exists(dir_ / "tmp-7"));
  EXPECT_TRUE(fs::exists(dir_ / "00000000000000000005.v.json.bad"));
  ASSERT_TRUE(box->Add(Sized("good2", "send_blocked")).ok());
  EXPECT_EQ(Ids(*box), (std::vector<std::string>{"good1", "good2"}));
}

TEST_F(OutboxTest, BoundDropsTheOldestInformationalEventsAndNeverViolations) {
  OutboxOptions options;
  options.max_bytes = 1000;  // five 200-byte events
  auto box = Open(options);
  for (auto [id, kind] : std::vector<std::pair<std::string, std::string>>{{"i1", "policy_updated"},
                                                                          {"v1", "send_blocked"},
                                                                          {"i2", "send_allowed"},
                                                                          {"v2", "bcc_converted"},
                                                                          {"i3", "print_allowed"}})
    ASSERT_TRUE(box->Add(Sized(id, kind)).ok());
  EXPECT_EQ(box->bytes(), 1000u);
  EXPECT_FALSE(box->Warning().empty()) << "100 % is above 80 %";
  ASSERT_TRUE(box->Add(Sized("v3", "send_blocked")).ok());
  EXPECT_EQ(Ids(*box), (std::vector<std::string>{"v1", "i2", "v2", "i3", "v3"}));
  ASSERT_TRUE(box->Add(Sized("i4", "agent_started")).ok());
  EXPECT_EQ(Ids(*box), (std::vector<std::string>{"v1", "v2", "i3", "v3", "i4"}));
  ASSERT_TRUE(box->Add(Sized("v4", "prompt_cancelled")).ok());
  ASSERT_TRUE(box->Add(Sized("v5", "send_prompted")).ok());
  EXPECT_EQ(Ids(*box), (std::vector<std::string>{"v1", "v2", "v3", "v4", "v5"}));
  // Only violations left: a new violation is kept over the bound, a new informational
  // event is dropped.
  ASSERT_TRUE(box->Add(Sized("v6", "send_blocked")).ok());
  ASSERT_TRUE(box->Add(Sized("i5", "policy_updated")).ok());
  EXPECT_EQ(Ids(*box), (std::vector<std::string>{"v1", "v2", "v3", "v4", "v5", "v6"}));
  EXPECT_EQ(box->bytes(), 1200u);
  EXPECT_NE(box->Warning().find("over its bound"), std::string::npos) << box->Warning();
  // The same after a restart.
  box.reset();
  auto again = Open(options);
  EXPECT_EQ(again->pending(), 6u);
  EXPECT_NE(again->Warning().find("over its bound"), std::string::npos);
}

TEST_F(OutboxTest, BatchesRespectTheEventAndByteLimits) {
  OutboxOptions options;
  options.batch_events = 3;
  options.batch_bytes = 450;
  auto box = Open(options);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(box->Add(Sized("e" + std::to_string(i), "send_blocked")).ok());
  EXPECT_EQ(Ids(*box).size(), 2u);  // 2 × 200 ≤ 450 < 3 × 200
  options.batch_bytes = 1u << 20;
  box.reset();
  auto again = Open(options);
  EXPECT_EQ(Ids(*again).size(), 3u);
}

TEST_F(OutboxTest, WarningIsEmptyBelowEightyPercent) {
  OutboxOptions options;
  options.max_bytes = 1000;
  auto box = Open(options);
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(box->Add(Sized("e" + std::to_string(i), "send_blocked")).ok());
  EXPECT_EQ(box->Warning(), "");  // exactly 80 %
  ASSERT_TRUE(box->Add(Sized("e9", "send_blocked")).ok());
  EXPECT_NE(box->Warning().find("80 %"), std::string::npos);
}

}  // namespace
}  // namespace agent
