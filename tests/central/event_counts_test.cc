// The dashboard's day counts (event_counts.h) on both backends: the weekly counts read from
// event_day_counts are those of every event stored once, split at the town's local
// midnight (not UTC's); they follow an agent that moves to another section; a process
// storing events in another time zone makes them stale and the console still counts
// right; `serve`'s recount restores them; concurrent batches neither lose counts nor
// deadlock.
#include "central/event_counts.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <thread>

#include "central/console/console_store.h"
#include "central/console/console_time.h"
#include "test_support.h"

namespace central::console {
namespace {

using central_test::NewDatabase;
using central_test::TempDir;

constexpr Micros kSecond = 1000000;
constexpr Micros kDay = 24 * 3600 * kSecond;
constexpr Micros kWeek = 7 * kDay;
// Monday 2026-11-02 00:00 in Asia/Tokyo (2026-11-01T15:00:00Z): the first week counted.
constexpr Micros kFrom = 1793545200LL * kSecond;

const std::vector<std::string> kKinds = {"send_blocked", "print_blocked", "print_held",
                                         "bcc_converted"};

struct Sent {
  std::string id, agent, kind;
  Micros time;
};

class EventCountsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(UseTimeZone("Asia/Tokyo").ok());
    db_ = NewDatabase(GetParam(), dir_.path());
    ASSERT_FALSE(db_.empty());
    Open();
    ASSERT_TRUE(cs_->AddSection("税務課", 1).ok());
    ASSERT_TRUE(cs_->AddSection("総務課", 1).ok());
    ASSERT_TRUE(cs_->SetAgentSection("pc-zeimu", "税務課").ok());
    ASSERT_TRUE(cs_->SetAgentSection("pc-soumu", "総務課").ok());
  }

  void Open() {
    cs_.reset();
    store_.reset();
    auto store = OpenStore(db_);
    ASSERT_TRUE(store.ok()) << store.error();
    store_ = std::move(store).value();
    auto cs = ConsoleStore::Open(db_);
    ASSERT_TRUE(cs.ok()) << cs.error();
    cs_ = std::move(cs).value();
  }

  std::unique_ptr<Poco::Data::Session> Raw() { return central_test::RawSession(db_); }

  // Stores `events` in batches of `batch`, each event also sent a second time in the next
  // batch (an agent resending after a lost reply).
  void StoreAll(const std::vector<Sent>& events, std::size_t batch = 40) {
    std::vector<StoredEvent> pending, resend;
    for (const Sent& e : events) {
      StoredEvent s{e.id,
                    e.agent,
                    e.kind,
                    e.time,
                    e.time + 5 * kSecond,
                    R"({"id":")" + e.id + R"(","kind":")" + e.kind + R"("})"};
      pending.push_back(s);
      if (pending.size() == batch) {
        pending.insert(pending.end(), resend.begin(), resend.end());
        ASSERT_TRUE(store_->InsertEvents(pending).ok());
        resend.assign(pending.begin(), pending.begin() + batch);
        pending.clear();
      }
    }
    pending.insert(pending.end(), resend.begin(), resend.end());
    ASSERT_TRUE(store_->InsertEvents(pending).ok());
    sent_.insert(sent_.end(), events.begin(), events.end());
  }

  // Random events over four weeks, many within a minute of a local midnight (where UTC's
  // day and Tokyo's differ), with kinds the dashboard does not chart among them.
  std::vector<Sent> Random(int n, unsigned seed) {
    std::mt19937 rng(seed);
    const char* agents[] = {"pc-zeimu", "pc-soumu", "pc-nobody"};
    const char* kinds[] = {"send_blocked", "print_blocked", "print_held", "bcc_converted",
                           "prompt_confirmed"};
    std::vector<Sent> out;
    for (int i = 0; i < n; ++i) {
      Micros t = kFrom - kDay + static_cast<Micros>(rng() % (30 * 24 * 3600)) * kSecond;
      if (i % 3 == 0) {  // a second either side of a Tokyo midnight
        t = kFrom + static_cast<Micros>(rng() % 28) * kDay - kSecond +
            static_cast<Micros>(rng() % 2) * kSecond;
      }
      out.push_back(Sent{"ev-" + std::to_string(seed) + "-" + std::to_string(i), agents[rng() % 3],
                         kinds[rng() % 5], t});
    }
    return out;
  }

  // What the dashboard must show, from the events themselves: Tokyo keeps no summer time,
  // so a week is 7 × 24 hours from kFrom.
  std::map<std::string, std::int64_t> Expected(const std::map<std::string, std::string>& sections,
                                               std::optional<std::string> only = {}) {
    std::map<std::string, std::int64_t> out;
    for (const Sent& e : sent_) {
      if (std::find(kKinds.begin(), kKinds.end(), e.kind) == kKinds.end()) continue;
      if (e.time < kFrom || e.time >= kFrom + 4 * kWeek) continue;
      auto it = sections.find(e.agent);
      const std::string section = it == sections.end() ? "" : it->second;
      if (only && section != *only) continue;
      ++out[e.kind + "/" + section + "/" + std::to_string((e.time - kFrom) / kWeek)];
    }
    return out;
  }

  std::map<std::string, std::int64_t> Counted(std::optional<std::string> section = {}) {
    WeeklyCountQuery q;
    q.kinds = kKinds;
    q.from = kFrom;
    q.weeks = 4;
    q.section = section;
    auto counts = cs_->CountEventsByWeek(q);
    EXPECT_TRUE(counts.ok()) << counts.error();
    std::map<std::string, std::int64_t> out;
    if (!counts.ok()) return out;
    for (const WeeklyCount& c : counts.value())
      out[c.kind + "/" + c.section + "/" + std::to_string(c.week)] += c.count;
    return out;
  }

  std::int64_t RowsCounted() {
    auto raw = Raw();
    Poco::Int64 n = 0;
    Poco::Data::Statement(*raw) << "SELECT COALESCE(SUM(n), 0) FROM event_day_counts",
        Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
    return n;
  }

  TempDir dir_;
  std::string db_;
  std::unique_ptr<central::Store> store_;
  std::unique_ptr<ConsoleStore> cs_;
  std::vector<Sent> sent_;
  const std::map<std::string, std::string> sections_ = {{"pc-zeimu", "税務課"},
                                                        {"pc-soumu", "総務課"}};
};

TEST_P(EventCountsTest, WeeksAreCountedFromTheDayTableAtTokyoMidnightOncePerEvent) {
  auto first = cs_->PrepareEventCounts();
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first.value(), 0);  // the first start counts the (no) events stored so far
  EXPECT_EQ(cs_->PrepareEventCounts().value(), -1);  // then they are current
  // Sunday 23:59:59 and Monday 00:00:00 in Tokyo: the same UTC day, different weeks.
  StoreAll({{"ev-sunday", "pc-zeimu", "send_blocked", kFrom + kWeek - kSecond},
            {"ev-monday", "pc-zeimu", "send_blocked", kFrom + kWeek}});
  StoreAll(Random(1500, 7));
  EXPECT_EQ(RowsCounted(), static_cast<std::int64_t>(sent_.size()));  // resends not counted
  auto raw = Raw();
  EXPECT_TRUE(EventCountsCurrent(*raw));  // so the console reads the day table
  const auto counted = Counted();
  EXPECT_EQ(counted, Expected(sections_));
  EXPECT_GE(counted.at("send_blocked/税務課/0"), 1);
  EXPECT_GE(counted.at("send_blocked/税務課/1"), 1);
  EXPECT_EQ(Counted("総務課"), Expected(sections_, "総務課"));
  EXPECT_EQ(Counted(""), Expected(sections_, ""));
}

TEST_P(EventCountsTest, AnAgentMovedToAnotherSectionTakesItsCountsWithIt) {
  ASSERT_TRUE(cs_->PrepareEventCounts().ok());
  StoreAll(Random(600, 3));
  ASSERT_TRUE(cs_->SetAgentSection("pc-nobody", "総務課").ok());
  auto moved = sections_;
  moved["pc-nobody"] = "総務課";
  EXPECT_EQ(Counted(), Expected(moved));
  EXPECT_TRUE(Counted("").empty());
}

TEST_P(EventCountsTest, EventsStoredInAnotherZoneMakeTheCountsStaleNotWrong) {
  ASSERT_TRUE(cs_->PrepareEventCounts().ok());
  StoreAll(Random(500, 5));
  // A process running in UTC stores more: it cannot count Tokyo's days, so it says so.
  ASSERT_TRUE(UseTimeZone("UTC").ok());
  StoreAll(Random(500, 6));
  ASSERT_TRUE(UseTimeZone("Asia/Tokyo").ok());
  {
    auto raw = Raw();
    EXPECT_FALSE(EventCountsCurrent(*raw));
  }
  EXPECT_EQ(Counted(), Expected(sections_));  // counted from the events instead
  auto recount = cs_->PrepareEventCounts();   // what serve does at start
  ASSERT_TRUE(recount.ok()) << recount.error();
  EXPECT_EQ(recount.value(), 1000);
  EXPECT_EQ(RowsCounted(), 1000);
  auto raw = Raw();
  EXPECT_TRUE(EventCountsCurrent(*raw));
  EXPECT_EQ(Counted(), Expected(sections_));
  // A changed --time-zone recounts too.
  ASSERT_TRUE(UseTimeZone("America/New_York").ok());
  EXPECT_EQ(cs_->PrepareEventCounts().value(), 1000);
  EXPECT_EQ(cs_->PrepareEventCounts().value(), -1);
}

TEST_P(EventCountsTest, ADatabaseFromBeforeTheCountsIsCountedAtTheNextStart) {
  StoreAll(Random(400, 9));
  {
    auto raw = Raw();
    Poco::Data::Statement(*raw) << "DROP TABLE event_day_counts", Poco::Data::Keywords::now;
    Poco::Data::Statement(*raw) << "DROP TABLE event_day_counts_state", Poco::Data::Keywords::now;
    Poco::Data::Statement(*raw) << "DELETE FROM schema_version WHERE version >= 3",
        Poco::Data::Keywords::now;
  }
  Open();
  EXPECT_EQ(Counted(), Expected(sections_));  // stale: counted from the events
  EXPECT_EQ(cs_->PrepareEventCounts().value(), 400);
  EXPECT_EQ(Counted(), Expected(sections_));
}

TEST_P(EventCountsTest, ConcurrentBatchesOnTheSameDaysLoseNoCountAndDoNotDeadlock) {
  ASSERT_TRUE(cs_->PrepareEventCounts().ok());
  std::vector<std::vector<Sent>> parts;
  for (unsigned t = 0; t < 4; ++t) parts.push_back(Random(400, 100 + t));
  std::vector<std::thread> threads;
  std::vector<int> failures(parts.size());
  for (std::size_t t = 0; t < parts.size(); ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < parts[t].size(); i += 20) {
        std::vector<StoredEvent> batch;
        for (std::size_t j = i; j < std::min(i + 20, parts[t].size()); ++j) {
          const Sent& e = parts[t][j];
          batch.push_back(StoredEvent{e.id, e.agent, e.kind, e.time, e.time, "{}"});
        }
        if (!store_->InsertEvents(batch).ok()) ++failures[t];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int f : failures) EXPECT_EQ(f, 0);
  for (const auto& p : parts) sent_.insert(sent_.end(), p.begin(), p.end());
  EXPECT_EQ(RowsCounted(), 1600);
  EXPECT_EQ(Counted(), Expected(sections_));
}

// The near misses per person: the database reads the desktop user from each event's
// JSON; a user that is not a string, or none, is "" as in the events list.
TEST_P(EventCountsTest, EventsAreCountedPerSectionUserAndWeekByTheDatabase) {
  std::vector<StoredEvent> events;
  auto add = [&](const std::string& id, const std::string& agent, const std::string& kind, Micros t,
                 const std::string& user_json) {
    events.push_back(StoredEvent{id, agent, kind, t, t,
                                 R"({"id":")" + id + R"(","kind":")" + kind + "\"" +
                                     (user_json.empty() ? "" : R"(,"user":)" + user_json) + "}"});
  };
  add("a1", "pc-zeimu", "send_blocked", kFrom + kSecond, R"("hanako")");
  add("a2", "pc-zeimu", "print_blocked", kFrom + kWeek, R"("hanako")");
  add("a3", "pc-zeimu", "send_blocked", kFrom + kWeek + kSecond, R"("佐藤 \"x\"")");
  add("a4", "pc-zeimu", "send_blocked", kFrom + 2 * kSecond, "42");
  add("a5", "pc-zeimu", "send_blocked", kFrom + 3 * kSecond, "");
  add("a6", "pc-soumu", "send_blocked", kFrom + 4 * kSecond, R"("taro")");
  add("a7", "pc-zeimu", "send_allowed", kFrom + 5 * kSecond, R"("hanako")");  // not counted
  add("a8", "pc-zeimu", "send_blocked", kFrom + 2 * kWeek, R"("hanako")");    // after
  add("a9", "pc-zeimu", "send_blocked", kFrom - kSecond, R"("hanako")");      // before
  ASSERT_TRUE(store_->InsertEvents(events).ok());
  WeeklyCountQuery q;
  q.kinds = {"send_blocked", "print_blocked"};
  q.from = kFrom;
  q.weeks = 2;
  auto count = [&](std::optional<std::string> section) {
    q.section = section;
    auto r = cs_->CountEventsByUserAndWeek(q);
    EXPECT_TRUE(r.ok()) << r.error();
    std::map<std::string, std::int64_t> out;
    for (const UserWeeklyCount& c : r.value())
      out[c.section + "/" + c.user + "/" + std::to_string(c.week)] += c.count;
    return out;
  };
  const std::map<std::string, std::int64_t> want = {{"税務課/hanako/0", 1},
                                                    {"税務課/hanako/1", 1},
                                                    {"税務課/佐藤 \"x\"/1", 1},
                                                    {"税務課//0", 2},
                                                    {"総務課/taro/0", 1}};
  // Read from the events' JSON by the database (the counts are not kept yet) ...
  EXPECT_EQ(count(std::nullopt), want);
  EXPECT_EQ(count("総務課"), (std::map<std::string, std::int64_t>{{"総務課/taro/0", 1}}));
  // ... and from event_user_day_counts once serve has counted: the same.
  ASSERT_EQ(cs_->PrepareEventCounts().value(), static_cast<std::int64_t>(events.size()));
  EXPECT_EQ(count(std::nullopt), want);
  EXPECT_EQ(count("総務課"), (std::map<std::string, std::int64_t>{{"総務課/taro/0", 1}}));
  {
    auto raw = Raw();
    Poco::Int64 rows = 0;
    Poco::Data::Statement(*raw) << "SELECT COALESCE(SUM(n), 0) FROM event_user_day_counts",
        Poco::Data::Keywords::into(rows), Poco::Data::Keywords::now;
    EXPECT_EQ(rows, 8);  // every block, not the allowed send
  }
  // Stored after the recount: counted at intake.
  ASSERT_TRUE(store_
                  ->InsertEvents({StoredEvent{"b1", "pc-soumu", "print_blocked", kFrom + kWeek,
                                              kFrom, R"({"kind":"print_blocked","user":"taro"})"}})
                  .ok());
  auto more = want;
  more["総務課/taro/1"] = 1;
  EXPECT_EQ(count(std::nullopt), more);
}

TEST(LocalDayNumberTest, DaysChangeAtTheZonesMidnight) {
  ASSERT_TRUE(UseTimeZone("Asia/Tokyo").ok());
  EXPECT_EQ(LocalDayNumber(0), 0);                              // 09:00 on 1970-01-01
  EXPECT_EQ(LocalDayNumber(15 * 3600 * kSecond - kSecond), 0);  // 23:59:59
  EXPECT_EQ(LocalDayNumber(15 * 3600 * kSecond), 1);            // 00:00 on the 2nd
  EXPECT_EQ(LocalDayNumber(kFrom), LocalDayNumber(kFrom - kSecond) + 1);
  EXPECT_EQ(LocalDayNumber(-10 * 3600 * kSecond), -1);  // 23:00 on 1969-12-31
  ASSERT_TRUE(UseTimeZone("UTC").ok());
  EXPECT_EQ(LocalDayNumber(kFrom), 1793545200LL / 86400);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventCountsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace central::console
