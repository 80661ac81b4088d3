// The review sweep reads what the intake queued (review_queue), not every confirmed send
// ever stored: each confirmed send with personal data to outside opens one review, a
// sweep leaves the queue empty, a database from before the queue is back-filled at the
// next start, and the dashboard's tile counts open reviews per section in the database.
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <gtest/gtest.h>

#include "central/console/console_store.h"
#include "central/incidents/incident_store.h"
#include "central/store.h"
#include "test_support.h"

namespace central::incidents {
namespace {

using central_test::NewDatabase;
using central_test::TempDir;

class ReviewQueueTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = NewDatabase(GetParam(), dir_.path());
    ASSERT_FALSE(db_.empty());
    Open();
    auto cs = console::ConsoleStore::Open(db_);
    ASSERT_TRUE(cs.ok()) << cs.error();
    ASSERT_TRUE(cs.value()->AddSection("税務課", 1).ok());
    ASSERT_TRUE(cs.value()->SetAgentSection("pc-zeimu", "税務課").ok());
  }

  void Open() {
    incidents_.reset();
    store_.reset();
    auto store = OpenStore(db_);
    ASSERT_TRUE(store.ok()) << store.error();
    store_ = std::move(store).value();
    auto incidents = IncidentStore::Open(db_);
    ASSERT_TRUE(incidents.ok()) << incidents.error();
    incidents_ = std::move(incidents).value();
  }

  std::unique_ptr<Poco::Data::Session> Raw() { return central_test::RawSession(db_); }

  static StoredEvent Event(const std::string& id, const std::string& agent, const std::string& kind,
                           bool external) {
    return StoredEvent{
        id,
        agent,
        kind,
        1000,
        1000,
        R"({"id":")" + id + R"(","kind":")" + kind +
            R"(","user":"hanako","recipients":[{"address":"a@example.jp","external":)" +
            (external ? "true" : "false") + R"(}],"findings":{"my_number":1}})"};
  }

  std::int64_t Queued() {
    auto raw = Raw();
    Poco::Int64 n = 0;
    Poco::Data::Statement(*raw) << "SELECT COUNT(*) FROM review_queue",
        Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
    return n;
  }

  std::vector<std::string> Opened() {
    auto opened = incidents_->SweepReviews(2000);
    EXPECT_TRUE(opened.ok()) << opened.error();
    std::vector<std::string> ids;
    if (opened.ok())
      for (const Review& r : opened.value()) ids.push_back(r.event_id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  TempDir dir_;
  std::string db_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<IncidentStore> incidents_;
};

TEST_P(ReviewQueueTest, ASweepOpensEachQueuedConfirmedSendOnceAndEmptiesTheQueue) {
  ASSERT_TRUE(store_
                  ->InsertEvents({Event("ev-1", "pc-zeimu", "prompt_confirmed", true),
                                  Event("ev-2", "pc-other", "prompt_confirmed", true),
                                  Event("ev-internal", "pc-zeimu", "prompt_confirmed", false),
                                  Event("ev-blocked", "pc-zeimu", "send_blocked", true)})
                  .ok());
  ASSERT_TRUE(store_->InsertEvents({Event("ev-1", "pc-zeimu", "prompt_confirmed", true)}).ok());
  EXPECT_EQ(Queued(), 3);  // the confirmed sends, each once; not the block
  EXPECT_EQ(Opened(), (std::vector<std::string>{"ev-1", "ev-2"}));  // ev-internal: none needed
  EXPECT_EQ(Queued(), 0);
  EXPECT_TRUE(Opened().empty());
  auto counts = incidents_->CountOpenReviews();
  ASSERT_TRUE(counts.ok()) << counts.error();
  EXPECT_EQ(counts.value(), (std::map<std::string, std::int64_t>{{"", 1}, {"税務課", 1}}));
  ASSERT_TRUE(incidents_->CloseReview("ev-1", "closed", "kanri", "問題なし", "", 3000).ok());
  EXPECT_EQ(incidents_->CountOpenReviews().value(), (std::map<std::string, std::int64_t>{{"", 1}}));
}

TEST_P(ReviewQueueTest, ConfirmedSendsStoredBeforeTheQueueAreReviewedAfterTheUpgrade) {
  ASSERT_TRUE(store_
                  ->InsertEvents({Event("ev-old-1", "pc-zeimu", "prompt_confirmed", true),
                                  Event("ev-old-2", "pc-zeimu", "prompt_confirmed", true)})
                  .ok());
  ASSERT_EQ(Opened(), (std::vector<std::string>{"ev-old-1", "ev-old-2"}));
  ASSERT_TRUE(
      store_->InsertEvents({Event("ev-unswept", "pc-zeimu", "prompt_confirmed", true)}).ok());
  {
    // As a 0.2.0 database: no queue, ev-unswept stored but not yet swept.
    auto raw = Raw();
    Poco::Data::Statement(*raw) << "DROP TABLE review_queue", Poco::Data::Keywords::now;
    Poco::Data::Statement(*raw) << "DELETE FROM schema_version WHERE version >= 4",
        Poco::Data::Keywords::now;
  }
  Open();
  EXPECT_EQ(Opened(), (std::vector<std::string>{"ev-unswept"}));  // the others were judged
  EXPECT_EQ(Queued(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReviewQueueTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace central::incidents
