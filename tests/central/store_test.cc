// The Store contract, run against both backends: SQLite and PostgreSQL (a private
// cluster started by pg_server.sh). Each test gets a new, empty database.
#include "central/store.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "test_support.h"

namespace central {
namespace {

using central_test::NewDatabase;
using central_test::TempDir;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = NewDatabase(GetParam(), dir_.path());
    ASSERT_FALSE(db_.empty());
    auto store = OpenStore(db_);
    ASSERT_TRUE(store.ok()) << store.error();
    store_ = std::move(store).value();
  }

  static StoredEvent Event(const std::string& id, const std::string& agent, const std::string& kind,
                           Micros time, Micros received = 1000) {
    return StoredEvent{id,   agent,    kind,
                       time, received, R"({"id":")" + id + R"(","kind":")" + kind + R"("})"};
  }

  TempDir dir_;
  std::string db_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, EnrolledAgentIsFoundByTokenHash) {
  ASSERT_TRUE(store_->EnrollAgent("pc-001", "hash-a", 5).ok());
  auto found = store_->AgentForTokenHash("hash-a");
  ASSERT_TRUE(found.ok()) << found.error();
  ASSERT_TRUE(found.value().has_value());
  EXPECT_EQ(*found.value(), "pc-001");
}

TEST_P(StoreTest, UnknownTokenHashFindsNoAgent) {
  ASSERT_TRUE(store_->EnrollAgent("pc-001", "hash-a", 5).ok());
  auto found = store_->AgentForTokenHash("hash-b");
  ASSERT_TRUE(found.ok()) << found.error();
  EXPECT_FALSE(found.value().has_value());
}

TEST_P(StoreTest, RevokedTokenFindsNoAgentAndOthersStay) {
  ASSERT_TRUE(store_->EnrollAgent("pc-001", "hash-a", 5).ok());
  ASSERT_TRUE(store_->EnrollAgent("pc-002", "hash-b", 5).ok());
  ASSERT_TRUE(store_->RevokeAgent("pc-001").ok());
  ASSERT_TRUE(store_->RevokeAgent("pc-002").ok());  // two revoked agents coexist
  EXPECT_FALSE(store_->AgentForTokenHash("hash-a").value().has_value());
  EXPECT_FALSE(store_->RevokeAgent("pc-404").ok());
  auto agents = store_->ListAgents();
  ASSERT_TRUE(agents.ok());
  ASSERT_EQ(agents.value().size(), 2u);  // revoked agents stay listed with their history
  EXPECT_TRUE(agents.value()[0].revoked);
}

TEST_P(StoreTest, ReplacedTokenWorksAndTheOldOneDoesNot) {
  ASSERT_TRUE(store_->EnrollAgent("pc-001", "hash-a", 5).ok());
  ASSERT_TRUE(store_->RevokeAgent("pc-001").ok());
  ASSERT_TRUE(store_->ReplaceAgentToken("pc-001", "hash-new").ok());
  EXPECT_FALSE(store_->AgentForTokenHash("hash-a").value().has_value());
  auto found = store_->AgentForTokenHash("hash-new");
  ASSERT_TRUE(found.ok() && found.value().has_value());
  EXPECT_EQ(*found.value(), "pc-001");
  EXPECT_FALSE(store_->ListAgents().value()[0].revoked);
  EXPECT_FALSE(store_->ReplaceAgentToken("pc-404", "hash-x").ok());
}

TEST_P(StoreTest, EnrolledAgentIsActive) {
  ASSERT_TRUE(store_->EnrollAgent("pc-001", "hash-a", 5).ok());
  auto agents = store_->ListAgents();
  ASSERT_TRUE(agents.ok());
  ASSERT_EQ(agents.value().size(), 1u);
  EXPECT_FALSE(agents.value()[0].revoked);
}

TEST_P(StoreTest, EnrollingATakenNameFails) {
  ASSERT_TRUE(store_->EnrollAgent("pc-001", "hash-a", 5).ok());
  Status again = store_->EnrollAgent("pc-001", "hash-b", 6);
  EXPECT_FALSE(again.ok());
  EXPECT_NE(again.message().find("already enrolled"), std::string::npos) << again.message();
}

TEST_P(StoreTest, HeartbeatIsTheAgentsLastSeenStatus) {
  ASSERT_TRUE(store_->EnrollAgent("pc-002", "h2", 5).ok());
  ASSERT_TRUE(store_->EnrollAgent("pc-001", "h1", 5).ok());
  ASSERT_TRUE(
      store_->RecordHeartbeat("pc-001", Heartbeat{"0.1.0", 3, 12, "desk-1", "yamada"}, 99).ok());
  auto agents = store_->ListAgents();
  ASSERT_TRUE(agents.ok()) << agents.error();
  ASSERT_EQ(agents.value().size(), 2u);
  const AgentInfo& a = agents.value()[0];
  EXPECT_EQ(a.name, "pc-001");
  EXPECT_EQ(a.enrolled_at, 5);
  EXPECT_EQ(a.last_seen, 99);
  EXPECT_EQ(a.agent_version, "0.1.0");
  EXPECT_EQ(a.policy_version, 3);
  EXPECT_EQ(a.outbox_backlog, 12);
  EXPECT_EQ(a.host, "desk-1");
  EXPECT_EQ(a.user, "yamada");
  EXPECT_EQ(agents.value()[1].last_seen, 0);
}

TEST_P(StoreTest, SameIdIsStoredOnce) {
  auto first = store_->InsertEvents({Event("e1", "pc", "send_blocked", 10),
                                     Event("e2", "pc", "send_blocked", 11),
                                     Event("e1", "pc", "send_blocked", 10)});
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first.value().stored, 2);
  EXPECT_EQ(first.value().duplicates, 1);
  auto again = store_->InsertEvents(
      {Event("e2", "pc", "send_blocked", 11), Event("e3", "pc", "bcc_converted", 12)});
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again.value().stored, 1);
  EXPECT_EQ(again.value().duplicates, 1);
  auto all = store_->ListEvents({});
  ASSERT_TRUE(all.ok()) << all.error();
  EXPECT_EQ(all.value().size(), 3u);
}

TEST_P(StoreTest, EventsAreListedNewestFirstAndFiltered) {
  ASSERT_TRUE(store_
                  ->InsertEvents({Event("a", "pc-1", "send_blocked", 100),
                                  Event("b", "pc-2", "bcc_converted", 300),
                                  Event("c", "pc-1", "bcc_converted", 200)})
                  .ok());
  auto all = store_->ListEvents({});
  ASSERT_TRUE(all.ok()) << all.error();
  ASSERT_EQ(all.value().size(), 3u);
  EXPECT_EQ(all.value()[0].id, "b");
  EXPECT_EQ(all.value()[1].id, "c");
  EXPECT_EQ(all.value()[2].id, "a");

  auto by_kind = store_->ListEvents({std::string("bcc_converted"), std::nullopt, std::nullopt});
  ASSERT_TRUE(by_kind.ok());
  ASSERT_EQ(by_kind.value().size(), 2u);
  EXPECT_EQ(by_kind.value()[0].id, "b");

  auto by_agent = store_->ListEvents({std::nullopt, std::string("pc-1"), std::nullopt});
  ASSERT_TRUE(by_agent.ok());
  ASSERT_EQ(by_agent.value().size(), 2u);
  EXPECT_EQ(by_agent.value()[0].id, "c");

  auto since = store_->ListEvents({std::nullopt, std::nullopt, Micros{200}});
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(since.value().size(), 2u);
}

TEST_P(StoreTest, EventJsonComesBackByteForByte) {
  StoredEvent e = Event("u1", "pc", "send_blocked", 1);
  e.json = R"({"id":"u1","subject":"住民票の写し ********5678","x":{"y":[1,2.5,null]}})";
  ASSERT_TRUE(store_->InsertEvents({e}).ok());
  auto all = store_->ListEvents({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all.value().size(), 1u);
  EXPECT_EQ(all.value()[0].json, e.json);
  EXPECT_EQ(all.value()[0].agent, "pc");
  EXPECT_EQ(all.value()[0].time, 1);
  EXPECT_EQ(all.value()[0].received_at, 1000);
}

TEST_P(StoreTest, LatestPolicyIsTheHighestVersion) {
  auto none = store_->LatestPolicy();
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_FALSE(none.value().has_value());
  ASSERT_TRUE(store_->PublishPolicy({1, R"({"version":1})", "sig1", 10}).ok());
  ASSERT_TRUE(store_->PublishPolicy({4, R"({"version":4})", "sig4", 20}).ok());
  auto latest = store_->LatestPolicy();
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest.value().has_value());
  EXPECT_EQ(latest.value()->version, 4);
  EXPECT_EQ(latest.value()->policy, R"({"version":4})");
  EXPECT_EQ(latest.value()->signature, "sig4");
  EXPECT_EQ(latest.value()->published_at, 20);
}

TEST_P(StoreTest, PublishingAnOlderOrSameVersionFails) {
  ASSERT_TRUE(store_->PublishPolicy({4, "{}", "s", 10}).ok());
  EXPECT_FALSE(store_->PublishPolicy({4, "{}", "s", 11}).ok());
  EXPECT_FALSE(store_->PublishPolicy({3, "{}", "s", 11}).ok());
}

TEST_P(StoreTest, AccessRecordsAreReadByTimeRange) {
  ASSERT_TRUE(store_->RecordAccess({100, "pc-1", "POST /api/v1/events", 200, "127.0.0.1"}).ok());
  ASSERT_TRUE(store_->RecordAccess({200, "anonymous", "GET /api/v1/policy", 401, "10.0.0.9"}).ok());
  ASSERT_TRUE(store_->RecordAccess({300, "cli:root", "events list", 0, "local"}).ok());
  auto r = store_->ListAccess(100, 300);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r.value().size(), 2u);
  EXPECT_EQ(r.value()[0].who, "pc-1");
  EXPECT_EQ(r.value()[1].who, "anonymous");
  EXPECT_EQ(r.value()[1].result, 401);
  EXPECT_EQ(r.value()[1].peer, "10.0.0.9");
  EXPECT_EQ(r.value()[1].action, "GET /api/v1/policy");
}

TEST_P(StoreTest, ReopeningKeepsDataAndDoesNotMigrateAgain) {
  ASSERT_TRUE(store_->InsertEvents({Event("keep", "pc", "send_blocked", 1)}).ok());
  store_.reset();
  auto reopened = OpenStore(db_);
  ASSERT_TRUE(reopened.ok()) << reopened.error();
  auto all = reopened.value()->ListEvents({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all.value().size(), 1u);
  EXPECT_EQ(all.value()[0].id, "keep");
}

TEST_P(StoreTest, ConcurrentBatchesStoreEveryEventOnce) {
  constexpr int kThreads = 8, kBatches = 10, kPerBatch = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0}, stored{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<StoredEvent> batch;
        for (int i = 0; i < kPerBatch; ++i) {
          // Every thread sends the same ids for half of each batch: duplicates across threads.
          const std::string id =
              i % 2 ? "shared-" + std::to_string(b) + "-" + std::to_string(i)
                    : "t" + std::to_string(t) + "-" + std::to_string(b) + "-" + std::to_string(i);
          batch.push_back(Event(id, "pc", "send_blocked", b));
        }
        auto r = store_->InsertEvents(batch);
        if (!r.ok()) {
          ++failures;
          ADD_FAILURE() << r.error();
        } else {
          stored += r.value().stored;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  const int expected = kThreads * kBatches * kPerBatch / 2 + kBatches * kPerBatch / 2;
  EXPECT_EQ(stored, expected);
  auto all = store_->ListEvents({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(static_cast<int>(all.value().size()), expected);
}

TEST(StoreOpenTest, UnknownDatabaseKindIsAnError) {
  auto r = OpenStore("mysql://x/y");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("sqlite:PATH"), std::string::npos) << r.error();
}

TEST(StoreOpenTest, NewerSchemaIsRefused) {
  TempDir dir;
  const std::string db = "sqlite:" + (dir.path() / "c.db").string();
  {
    auto store = OpenStore(db);
    ASSERT_TRUE(store.ok()) << store.error();
  }
  // A later sendguard-central migrated this file further than this one knows.
  ASSERT_EQ(std::system(("sqlite3 " + (dir.path() / "c.db").string() +
                         " 'INSERT INTO schema_version VALUES (999)' 2>/dev/null || "
                         "/usr/bin/python3 -c \"import sqlite3; c=sqlite3.connect('" +
                         (dir.path() / "c.db").string() +
                         "'); c.execute('INSERT INTO schema_version VALUES (999)'); c.commit()\"")
                            .c_str()),
            0);
  auto r = OpenStore(db);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("newer"), std::string::npos) << r.error();
}

TEST(PostgresUrlTest, UrlBecomesLibpqKeywords) {
  auto r =
      PostgresConnectionString("postgresql://central:s%40cret@db.example.lg.jp:5433/sendguard");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.value(),
            "host='db.example.lg.jp' port='5433' user='central' password='s@cret' "
            "dbname='sendguard'");
}

TEST(PostgresUrlTest, QuotesAndQueryParameters) {
  auto r = PostgresConnectionString("postgres://o%27brien@[::1]/my%20db?sslmode=require");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.value(), "host='::1' user='o\\'brien' dbname='my db' sslmode='require'");
}

TEST(PostgresUrlTest, MissingDatabaseNameIsAnError) {
  EXPECT_FALSE(PostgresConnectionString("postgresql://u@h:5432").ok());
  EXPECT_FALSE(PostgresConnectionString("postgresql://u@h:port/db").ok());
  EXPECT_FALSE(PostgresConnectionString("mysql://u@h/db").ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// What only a PostgreSQL server does: restart under central, refuse text it cannot hold.
class PostgresStoreTest : public StoreTest {};

TEST_P(PostgresStoreTest, StoreKeepsWorkingAcrossADatabaseRestart) {
  // Several pooled connections, all of which die with the server.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < 5; ++b) {
        auto r = store_->InsertEvents({Event(
            "before-" + std::to_string(t) + "-" + std::to_string(b), "pc", "send_blocked", b)});
        EXPECT_TRUE(r.ok()) << r.error();
      }
    });
  }
  for (auto& th : threads) th.join();
  central_test::RestartPostgres();
  // The first calls after the restart find dead connections: they are retried on new ones.
  auto after = store_->InsertEvents(
      {Event("before-0-0", "pc", "send_blocked", 0), Event("after", "pc", "send_blocked", 9)});
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_EQ(after.value().stored, 1);
  EXPECT_EQ(after.value().duplicates, 1);
  auto all = store_->ListEvents({});
  ASSERT_TRUE(all.ok()) << all.error();
  EXPECT_EQ(all.value().size(), 21u);
}

TEST_P(PostgresStoreTest, ABatchTheDatabaseRefusesStoresNothingAndOthersAreStored) {
  StoredEvent bad = Event("bad", "pc", "send_blocked", 1);
  bad.json = "{\"subject\":\"\xff\xfe\"}";  // not UTF-8: PostgreSQL refuses the text
  auto refused = store_->InsertEvents(
      {Event("good-1", "pc", "send_blocked", 1), bad, Event("good-2", "pc", "send_blocked", 1)});
  EXPECT_FALSE(refused.ok());
  ASSERT_TRUE(store_->ListEvents({}).ok());
  EXPECT_TRUE(store_->ListEvents({}).value().empty());  // the batch is one transaction

  // Concurrent batches share transactions: the refused one must not take the others along.
  constexpr int kThreads = 6, kBatches = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<StoredEvent> batch = {
            Event("t" + std::to_string(t) + "-" + std::to_string(b), "pc", "send_blocked", b),
            Event("shared-" + std::to_string(b), "pc", "send_blocked", b)};
        if (t == 0) batch.push_back(bad);
        if (!store_->InsertEvents(batch).ok()) ++failed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed, kBatches);  // thread 0's batches, and only those
  auto all = store_->ListEvents({});
  ASSERT_TRUE(all.ok()) << all.error();
  EXPECT_EQ(all.value().size(), static_cast<std::size_t>((kThreads - 1) * kBatches + kBatches));
  for (const StoredEvent& e : all.value()) EXPECT_NE(e.id.substr(0, 3), "t0-") << e.id;
}

// SQLite on a disk that fills up (a real tmpfs of 1 MiB; root only, as in CI): every
// batch acknowledged before is kept, the batch that did not fit is refused whole (no event,
// no index row of it: the agent keeps it and sends it again), and once there is room again
// the same batch is stored, once.
TEST(SqliteStoreTest, AFullDiskRefusesTheBatchWholeAndStoringResumesWhenSpaceReturns) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
  TempDir dir;
  const std::string disk = (dir.path() / "small").string();
  std::filesystem::create_directories(disk);
  if (mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=1m,mode=0700") != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{disk};
  const std::string db = "sqlite:" + disk + "/central.db";
  std::unique_ptr<Store> store;
  {
    auto opened = OpenStore(db);
    ASSERT_TRUE(opened.ok()) << opened.error();
    store = std::move(opened).value();
  }
  auto batch_of = [](int b) {
    std::vector<StoredEvent> batch;
    for (int i = 0; i < 40; ++i) {
      const std::string id = "ev-" + std::to_string(b) + "-" + std::to_string(i);
      // Distinct subjects: index rows spread over the table, as in real use.
      std::string subject = "件名" + std::to_string(b * 40 + i) + std::string(600, 'x');
      batch.push_back(StoredEvent{id, "pc-1", "send_blocked", b * 1000 + i, b * 1000 + i,
                                  R"({"id":")" + id + R"(","subject":")" + subject + R"("})"});
    }
    return batch;
  };
  int acknowledged = 0, failed_batch = -1;
  std::string error;
  for (int b = 0; b < 500 && failed_batch < 0; ++b) {
    auto stored = store->InsertEvents(batch_of(b));
    if (stored.ok()) {
      ASSERT_EQ(stored.value().stored, 40);
      acknowledged += 40;
    } else {
      failed_batch = b;
      error = stored.error();
    }
  }
  ASSERT_GE(failed_batch, 1) << "1 MiB never filled up";
  EXPECT_NE(error.find("full"), std::string::npos) << error;
  auto count = [&](const std::string& sql) {
    Poco::Int64 n = -1;
    auto session = central_test::RawSession(db);
    Poco::Data::Statement(*session) << sql, Poco::Data::Keywords::into(n),
        Poco::Data::Keywords::now;
    return n;
  };
  const std::string failed_ids = "'ev-" + std::to_string(failed_batch) + "-%'";
  EXPECT_EQ(count("SELECT COUNT(*) FROM events"), acknowledged);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE id LIKE " + failed_ids), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM event_terms WHERE event_id LIKE " + failed_ids), 0);

  ASSERT_EQ(mount("tmpfs", disk.c_str(), "tmpfs", MS_REMOUNT, "size=16m,mode=0700"), 0)
      << std::strerror(errno);
  auto again = store->InsertEvents(batch_of(failed_batch));
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again.value().stored, 40);
  auto twice = store->InsertEvents(batch_of(failed_batch));  // the agent's retry of a lost reply
  ASSERT_TRUE(twice.ok()) << twice.error();
  EXPECT_EQ(twice.value().duplicates, 40);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events"), acknowledged + 40);
  EXPECT_GT(count("SELECT COUNT(*) FROM event_terms WHERE event_id LIKE " + failed_ids), 0);
  store.reset();
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresStoreTest, ::testing::Values("postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace central
