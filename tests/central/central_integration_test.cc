// sendguard-central end to end: the real binary serving on a free loopback port, talked
// to over HTTP, on SQLite and on a private PostgreSQL cluster.
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "central/api_server.h"
#include "central/console/console_store.h"
#include "central/event_index.h"
#include "central/policy_signer.h"
#include "test_support.h"

namespace central {
namespace {

using central_test::CentralBinary;
using central_test::CommandRun;
using central_test::FreePort;
using central_test::Http;
using central_test::HttpReply;
using central_test::Process;
using central_test::RunCommand;
using central_test::TempDir;
namespace fs = std::filesystem;

std::string Event(const std::string& id, const std::string& extra = "") {
  return R"({"id":")" + id + R"(","kind":"send_blocked","time":"2026-11-29T14:00:00Z")" + extra +
         "}";
}

std::string Batch(const std::vector<std::string>& events) {
  std::string out = R"({"events":[)";
  for (std::size_t i = 0; i < events.size(); ++i) out += (i ? "," : "") + events[i];
  return out + "]}";
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

class CentralTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = central_test::NewDatabase(GetParam(), dir_.path());
    ASSERT_FALSE(db_.empty());
    state_ = (dir_.path() / "state").string();
  }

  void StartServer() {
    if (port_ == 0) port_ = FreePort();
    server_ =
        std::make_unique<Process>(std::vector<std::string>{CentralBinary(), "serve", "--listen",
                                                           "127.0.0.1:" + std::to_string(port_),
                                                           "--db", db_, "--state-dir", state_},
                                  dir_.path() / ("serve" + std::to_string(starts_++)));
    ASSERT_TRUE(central_test::WaitForPort(port_)) << ReadFile(dir_.path() / "serve0.err");
  }

  CommandRun Cli(std::vector<std::string> args) {
    args.insert(args.begin(), CentralBinary());
    return RunCommand(args);
  }

  std::string Enroll(const std::string& name) {
    CommandRun r = Cli({"agent", "enroll", "--db", db_, "--name", name});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string token = r.out;
    while (!token.empty() && token.back() == '\n') token.pop_back();
    return token;
  }

  HttpReply Post(const std::string& path, const std::string& token, const std::string& body) {
    return Http(port_, "POST", path, token, body);
  }

  // The database holds `n` events, each id once.
  void ExpectStoredOnceEach(int n) {
    CommandRun list = Cli({"events", "list", "--db", db_, "--json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(Count(list.out, "\"id\":"), n);
    std::set<std::string> ids;
    std::regex id_re(R"re("id":"([^"]+)")re");
    for (auto it = std::sregex_iterator(list.out.begin(), list.out.end(), id_re);
         it != std::sregex_iterator(); ++it)
      ids.insert((*it)[1]);
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(n));
  }

  TempDir dir_;
  std::string db_, state_;
  int port_ = 0, starts_ = 0;
  std::unique_ptr<Process> server_;
};

TEST_P(CentralTest, EventsAreStoredOnceAndListedNewestFirst) {
  StartServer();
  const std::string token = Enroll("pc-001");
  HttpReply first = Post(
      "/api/v1/events", token,
      Batch(
          {Event("e-old", R"(,"agent":"someone-else","future":{"k":[1]})"),
           R"({"id":"e-new","kind":"bcc_converted","time":"2026-11-30T09:00:00+09:00","subject":"会議のご案内"})"}));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.body, R"({"stored":2,"duplicates":0,"rejected":[]})");
  // The agent lost the reply and sends the batch again: nothing is stored twice.
  HttpReply again = Post("/api/v1/events", token, Batch({Event("e-old")}));
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body, R"({"stored":0,"duplicates":1,"rejected":[]})");

  CommandRun list = Cli({"events", "list", "--db", db_, "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(Count(list.out, "\"id\":"), 2) << list.out;
  const std::size_t new_at = list.out.find("e-new"), old_at = list.out.find("e-old");
  ASSERT_NE(new_at, std::string::npos);
  EXPECT_LT(new_at, old_at) << list.out;
  EXPECT_NE(list.out.find(R"("future":{"k":[1]})"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("会議のご案内"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("someone-else"), std::string::npos) << list.out;
  EXPECT_EQ(Count(list.out, R"("agent":"pc-001")"), 2) << list.out;
  EXPECT_EQ(Count(list.out, R"("received_at":")"), 2) << list.out;

  CommandRun by_kind = Cli(
      {"events", "list", "--db", db_, "--json", "--kind", "bcc_converted", "--agent", "pc-001"});
  EXPECT_EQ(Count(by_kind.out, "\"id\":"), 1) << by_kind.out;
  CommandRun since =
      Cli({"events", "list", "--db", db_, "--json", "--since", "2026-11-29T20:00:00Z"});
  EXPECT_EQ(Count(since.out, "\"id\":"), 1) << since.out;
  CommandRun table = Cli({"events", "list", "--db", db_});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("2 event(s)"), std::string::npos) << table.out;
}

TEST_P(CentralTest, PolicyIsServedSignedWithEtagAnd304) {
  StartServer();
  const std::string token = Enroll("pc-001");
  EXPECT_EQ(Http(port_, "GET", "/api/v1/policy", token).status, 404);
  CommandRun push = Cli({"policy", "push", "--db", db_, "--state-dir", state_,
                         std::string(SENDGUARD_SOURCE_DIR) + "/mailcheck/default_policy.json"});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  EXPECT_EQ(push.out, "1\n");
  CommandRun push2 = Cli({"policy", "push", "--db", db_, "--state-dir", state_,
                          std::string(SENDGUARD_SOURCE_DIR) + "/mailcheck/default_policy.json"});
  EXPECT_EQ(push2.out, "2\n") << push2.err;

  HttpReply got = Http(port_, "GET", "/api/v1/policy", token);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.headers["ETag"], "\"2\"");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(got.body, m, std::regex(R"re("signature":"([^"]+)")re")));
  const std::string signature = m[1];
  // The policy string as JSON-escaped text: unescape the few escapes our writer emits.
  ASSERT_TRUE(std::regex_search(got.body, m, std::regex(R"re("policy":"((?:[^"\\]|\\.)*)")re")));
  std::string policy;
  const std::string escaped = m[1];
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\\' && i + 1 < escaped.size()) {
      const char c = escaped[++i];
      policy.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c);
    } else {
      policy.push_back(escaped[i]);
    }
  }
  std::string pub = ReadFile(fs::path(state_) / "policy.pub");
  pub.erase(pub.find_last_not_of("\n") + 1);
  EXPECT_TRUE(VerifyPolicySignature(policy, signature, pub)) << policy;
  EXPECT_FALSE(VerifyPolicySignature(policy + " ", signature, pub));
  EXPECT_NE(policy.find("\"version\": 2"), std::string::npos) << policy;
  EXPECT_NE(got.body.find(R"("version":2)"), std::string::npos) << got.body;

  HttpReply same = Http(port_, "GET", "/api/v1/policy", token, "", {{"If-None-Match", "\"2\""}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  HttpReply older = Http(port_, "GET", "/api/v1/policy", token, "", {{"If-None-Match", "\"1\""}});
  EXPECT_EQ(older.status, 200);

  HttpReply hb = Post(
      "/api/v1/heartbeat", token,
      R"({"agent_version":"0.1.0","policy_version":1,"outbox_backlog":12,"host":"desk-7","user":"yamada"})");
  ASSERT_EQ(hb.status, 200) << hb.body;
  EXPECT_EQ(hb.body, R"({"policy_version":2})");
  CommandRun agents = Cli({"agents", "list", "--db", db_, "--json"});
  ASSERT_EQ(agents.exit_code, 0) << agents.err;
  EXPECT_NE(agents.out.find(R"("agent_version":"0.1.0","policy_version":1,"outbox_backlog":12)"),
            std::string::npos)
      << agents.out;
}

TEST_P(CentralTest, ServerKilledAndRestartedLosesAndDuplicatesNothing) {
  StartServer();
  const std::string token = Enroll("pc-001");
  constexpr int kBatches = 60, kPerBatch = 20;
  std::atomic<int> done{0};
  std::thread client([&] {
    for (int b = 0; b < kBatches; ++b) {
      std::vector<std::string> events;
      for (int i = 0; i < kPerBatch; ++i)
        events.push_back(Event("b" + std::to_string(b) + "-" + std::to_string(i)));
      // Like the agent's outbox: resend the same batch until central answers 200.
      for (int attempt = 0; attempt < 400; ++attempt) {
        if (Post("/api/v1/events", token, Batch(events)).status == 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
      done = b + 1;
    }
  });
  for (int kill_round = 0; kill_round < 3; ++kill_round) {
    const int before = done;
    while (done < before + 5 && done < kBatches)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_EQ(server_->Stop(SIGKILL), 128 + SIGKILL);
    StartServer();
  }
  client.join();
  ASSERT_EQ(done, kBatches);
  ExpectStoredOnceEach(kBatches * kPerBatch);
}

// The reply's {"stored": N, "duplicates": M, ...} counts; -1 when missing.
int ReplyCount(const std::string& body, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(body, m, std::regex("\"" + key + "\":([0-9]+)"))) return -1;
  return std::stoi(m[1]);
}

// Several agents post at once (their batches share transactions): duplicates within a
// batch, across agents' concurrent batches and across rounds, and a bad event in every
// batch; each good id is stored exactly once and the counts in the replies add up.
TEST_P(CentralTest, ConcurrentBatchesWithDuplicatesAndABadEventStoreEachIdOnce) {
  StartServer();
  constexpr int kAgents = 4, kRounds = 8;
  std::vector<std::string> tokens;
  for (int a = 0; a < kAgents; ++a) tokens.push_back(Enroll("pc-" + std::to_string(a)));
  std::atomic<int> stored{0}, duplicates{0}, rejected{0}, failures{0};
  std::vector<std::thread> agents;
  for (int a = 0; a < kAgents; ++a) {
    agents.emplace_back([&, a] {
      for (int r = 0; r < kRounds; ++r) {
        const std::string own = "own-" + std::to_string(a) + "-" + std::to_string(r);
        const std::string shared = "shared-" + std::to_string(r);
        const std::string earlier = "shared-" + std::to_string(r == 0 ? 0 : r - 1);
        HttpReply reply =
            Post("/api/v1/events", tokens[a],
                 Batch({Event(own), Event(shared), Event(own),  // `own` twice in one batch
                        Event(earlier),                         // stored in an earlier round
                        R"({"id":"bad-)" + std::to_string(a) + R"(","kind":"BAD","time":"x"})"}));
        if (reply.status != 200) {
          ++failures;
          ADD_FAILURE() << reply.status << " " << reply.body;
          continue;
        }
        stored += ReplyCount(reply.body, "stored");
        duplicates += ReplyCount(reply.body, "duplicates");
        rejected += Count(reply.body, R"("error":)");
      }
    });
  }
  for (auto& t : agents) t.join();
  ASSERT_EQ(failures, 0);
  const int unique = kAgents * kRounds + kRounds;  // own ids + shared ids
  EXPECT_EQ(stored, unique);
  EXPECT_EQ(stored + duplicates, kAgents * kRounds * 4);  // every good event counted once
  EXPECT_EQ(rejected, kAgents * kRounds);
  CommandRun list = Cli({"events", "list", "--db", db_, "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(Count(list.out, "\"id\":"), unique);
  EXPECT_EQ(Count(list.out, "bad-"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, CentralTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// PostgreSQL restarted under a running central while an agent sends: central answers
// 503 while the database is away (never 200 for an uncommitted batch), the agent resends
// until 200, and in the end every event is stored exactly once.
class CentralPostgresTest : public CentralTest {};

TEST_P(CentralPostgresTest, DatabaseRestartedMidRunLosesAndDuplicatesNothing) {
  StartServer();
  const std::string token = Enroll("pc-001");
  constexpr int kBatches = 40, kPerBatch = 20;
  std::atomic<int> done{0}, refused{0};
  std::thread client([&] {
    for (int b = 0; b < kBatches; ++b) {
      std::vector<std::string> events;
      for (int i = 0; i < kPerBatch; ++i)
        events.push_back(Event("b" + std::to_string(b) + "-" + std::to_string(i)));
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(90);
      while (std::chrono::steady_clock::now() < give_up) {
        const int status = Post("/api/v1/events", token, Batch(events)).status;
        if (status == 200) break;
        EXPECT_EQ(status, 503);
        ++refused;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      done = b + 1;
    }
  });
  for (int restart = 0; restart < 2; ++restart) {
    const int before = done;
    while (done < before + 5 && done < kBatches)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    central_test::RestartPostgres();
  }
  client.join();
  ASSERT_EQ(done, kBatches);
  ExpectStoredOnceEach(kBatches * kPerBatch);
}

// Central killed (SIGKILL) right after answering a batch: on PostgreSQL that batch's
// search terms are still to be written (event_index.h). After the restart every
// acknowledged event is stored once and found by a search, and its terms are written
// once.
TEST_P(CentralPostgresTest, KilledWithSearchTermsPendingLosesNoneOfThem) {
  StartServer();
  const std::string token = Enroll("pc-001");
  auto event = [](int n) {
    return Event("k-" + std::to_string(n), R"(,"subject":"住民票の写し","recipients":[)"
                                           R"({"address":"a@d-)" +
                                               std::to_string(n) +
                                               R"(.example.jp","external":true}])");
  };
  auto post = [&](int batch) {
    std::vector<std::string> events;
    for (int i = batch * 100; i < batch * 100 + 100; ++i) events.push_back(event(i));
    return Post("/api/v1/events", token, Batch(events)).status;
  };
  constexpr int kBatches = 12;
  for (int b = 0; b < 6; ++b) ASSERT_EQ(post(b), 200);
  server_->Stop(SIGKILL);  // its index writer waits up to 200 ms to gather groups
  auto console = console::ConsoleStore::Open(db_);  // (also registers Poco's connectors)
  ASSERT_TRUE(console.ok()) << console.error();
  auto raw = central_test::RawSession(db_);
  Poco::Int64 pending = 0;
  Poco::Data::Statement(*raw) << "SELECT COUNT(*) FROM event_terms_pending",
      Poco::Data::Keywords::into(pending), Poco::Data::Keywords::now;
  EXPECT_GT(pending, 0);  // the case this test is about
  StartServer();
  for (int b = 6; b < kBatches; ++b) ASSERT_EQ(post(b), 200);
  ExpectStoredOnceEach(kBatches * 100);
  // Written by the restarted central's start, without any search, and well before the
  // sweep every 30 s of events a minute old would (20 s at most here).
  for (int i = 0; i < 200 && pending > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Poco::Data::Statement(*raw) << "SELECT COUNT(*) FROM event_terms_pending",
        Poco::Data::Keywords::into(pending), Poco::Data::Keywords::now;
  }
  EXPECT_EQ(pending, 0);
  Poco::Int64 rows = 0, indexed = 0;
  Poco::Data::Statement(*raw) << "SELECT COUNT(*), COUNT(DISTINCT event_id) FROM "
                                 "event_term_sets, unnest(terms)",
      Poco::Data::Keywords::into(rows), Poco::Data::Keywords::into(indexed),
      Poco::Data::Keywords::now;
  EXPECT_EQ(indexed, kBatches * 100);
  const std::size_t per_event = EventTerms(StoredEvent{"", "", "", 0, 0, event(0)}).size();
  EXPECT_EQ(rows, static_cast<Poco::Int64>(per_event * kBatches * 100));
  for (int n : {0, 599, 1199}) {
    console::EventQuery q;
    q.recipient_domain = "d-" + std::to_string(n) + ".example.jp";
    auto page = console.value()->SearchEvents(q);
    ASSERT_TRUE(page.ok()) << page.error();
    ASSERT_EQ(page.value().events.size(), 1u) << n;
    EXPECT_EQ(page.value().events[0].event.id, "k-" + std::to_string(n));
  }
}

TEST_P(CentralPostgresTest, DatabaseAwayIs503NeverAnUnknownToken) {
  StartServer();
  const std::string token = Enroll("pc-001");  // not yet seen by the server: not cached
  central_test::RestartPostgres([&] {
    // An agent told 401 takes itself for revoked: a database away is a 503 (retry later).
    EXPECT_EQ(Post("/api/v1/events", token, Batch({Event("e1")})).status, 503);
    EXPECT_EQ(Post("/api/v1/heartbeat", token, "{}").status, 503);
  });
  EXPECT_EQ(Post("/api/v1/events", token, Batch({Event("e1")})).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Postgres, CentralPostgresTest, ::testing::Values("postgresql"),
                         [](const auto& info) { return info.param; });

// The rest runs on SQLite only: the HTTP layer does not depend on the backend.
class CentralSqliteTest : public CentralTest {};

TEST_P(CentralSqliteTest, MissingOrUnknownTokenIs401AndRecorded) {
  StartServer();
  Enroll("pc-001");
  HttpReply none = Post("/api/v1/events", "", Batch({Event("x")}));
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.body.find("\"error_ja\""), std::string::npos) << none.body;
  HttpReply wrong = Http(port_, "GET", "/api/v1/policy", "sga_" + std::string(43, 'A'));
  EXPECT_EQ(wrong.status, 401);
  CommandRun csv =
      Cli({"report", "access", "--db", db_, "--from", "2000-01-01", "--to", "2100-01-01"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find(",anonymous,POST /api/v1/events,401,127.0.0.1\r\n"), std::string::npos)
      << csv.out;
  EXPECT_NE(csv.out.find(",anonymous,GET /api/v1/policy,401,127.0.0.1\r\n"), std::string::npos)
      << csv.out;
  CommandRun list = Cli({"events", "list", "--db", db_, "--json"});
  EXPECT_EQ(list.out, "[]\n");
}

TEST_P(CentralSqliteTest, RevokedAgentIsRefusedAndCanBeGivenANewToken) {
  StartServer();
  const std::string token = Enroll("pc-lost");
  EXPECT_EQ(Post("/api/v1/events", token, Batch({Event("before")})).status, 200);
  CommandRun revoke = Cli({"agent", "revoke", "--db", db_, "--name", "pc-lost"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  int status = 200;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(kTokenCacheSeconds + 20);
  while (status != 401 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    status = Post("/api/v1/events", token, Batch({Event("after")})).status;
  }
  EXPECT_EQ(status, 401);
  CommandRun unknown = Cli({"agent", "revoke", "--db", db_, "--name", "pc-never"});
  EXPECT_EQ(unknown.exit_code, 1);
  // Found again: a new token for the same name works, the old one stays refused.
  CommandRun reissue = Cli({"agent", "enroll", "--db", db_, "--name", "pc-lost", "--replace"});
  ASSERT_EQ(reissue.exit_code, 0) << reissue.err;
  std::string fresh = reissue.out;
  while (!fresh.empty() && (fresh.back() == '\n' || fresh.back() == '\r')) fresh.pop_back();
  EXPECT_EQ(Post("/api/v1/events", fresh, Batch({Event("again")})).status, 200);
  EXPECT_EQ(Post("/api/v1/events", token, Batch({Event("old")})).status, 401);
}

TEST_P(CentralSqliteTest, BadBodiesAre400And413) {
  StartServer();
  const std::string token = Enroll("pc-001");
  EXPECT_EQ(Post("/api/v1/events", token, "{not json").status, 400);
  EXPECT_EQ(Post("/api/v1/events", token, R"({"evts":[]})").status, 400);
  std::vector<std::string> many;
  for (int i = 0; i < 1001; ++i) many.push_back(Event("m" + std::to_string(i)));
  EXPECT_EQ(Post("/api/v1/events", token, Batch(many)).status, 413);
  const std::string huge = Batch({Event("h", R"(,"pad":")" + std::string(5 << 20, 'x') + "\"")});
  EXPECT_EQ(Post("/api/v1/events", token, huge).status, 413);
  // The server still answers after refusing.
  EXPECT_EQ(Post("/api/v1/events", token, Batch({Event("ok")})).status, 200);
}

TEST_P(CentralSqliteTest, UnmaskedIdentifierIsRejectedAndNotStored) {
  StartServer();
  const std::string token = Enroll("pc-001");
  HttpReply r = Post("/api/v1/events", token,
                     Batch({Event("leak", R"(,"subject":"マイナンバー 123456789018")"),
                            Event("fine", R"(,"subject":"マイナンバー ********9018")")}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("stored":1)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("id":"leak")"), std::string::npos) << r.body;
  CommandRun list = Cli({"events", "list", "--db", db_, "--json"});
  EXPECT_EQ(list.out.find("123456789018"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("fine"), std::string::npos) << list.out;
}

// The second line against unmasked identifiers (DESIGN.md decision 6): a My Number
// written with spaces, hyphens, full-width or Arabic-Indic digits, in any free-text field,
// an object key or a number where none belongs, is refused; nothing of it reaches the
// database (events or access records) or central's own output.
TEST_P(CentralSqliteTest, SeparatedAndForeignDigitIdentifiersAreRefusedAndNotStored) {
  StartServer();
  const std::string token = Enroll("pc-001");
  const std::vector<std::string> spellings = {
      "3739 6401 7574",
      "3739-6401-7574",
      "３７３９　６４０１　７５７４",
      "３７３９－６４０１－７５７４",
      "\u0663\u0667\u0663\u0669\u0666\u0664\u0660\u0661\u0667\u0665\u0667\u0664",  // ٣٧٣٩…
      "3739\u20106401\u20107574"};
  const std::vector<std::string> places = {
      R"(,"subject":"住民票 @ の件")",
      R"(,"attachments":[{"name":"名簿@.xlsx","class":1,"findings":{"my_number":1}}])",
      R"(,"reasons":["my_number_external","@"])",
      R"(,"findings":{"@":1})",
      R"(,"recipients":[{"address":"@@example.jp","external":true}])",
  };
  std::vector<std::string> events;
  for (std::size_t s = 0; s < spellings.size(); ++s) {
    for (std::size_t p = 0; p < places.size(); ++p) {
      std::string extra = places[p];
      extra.replace(extra.find('@'), 1, spellings[s]);
      events.push_back(Event("leak-" + std::to_string(s) + "-" + std::to_string(p), extra));
    }
  }
  events.push_back(Event("leak-number", R"(,"x":{"n":373964017574})"));
  events.push_back(Event("leak-float", R"(,"n":3739640175.74)"));
  HttpReply r = Post("/api/v1/events", token, Batch(events));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("stored":0,"duplicates":0)"), std::string::npos) << r.body;
  EXPECT_EQ(Count(r.body, R"("id":"leak-)"), static_cast<int>(events.size())) << r.body;
  EXPECT_EQ(r.body.find("7574"), std::string::npos) << "the refusal repeats the value: " << r.body;

  // The heartbeat is checked the same way (400: it is one record, not a batch).
  HttpReply hb = Post("/api/v1/heartbeat", token, R"({"host":"desk 3739-6401-7574"})");
  EXPECT_EQ(hb.status, 400) << hb.body;
  // Each field on its own: digits of two fields do not join.
  HttpReply hb_ok = Post("/api/v1/heartbeat", token,
                         R"({"agent_version":"0.1.0","host":"desk-12345","user":"67890"})");
  EXPECT_EQ(hb_ok.status, 200) << hb_ok.body;
  // A path holding one is not written to the access records either.
  Http(port_, "GET", "/api/v1/policy?ref=3739-6401-7574", token);
  Http(port_, "GET", "/api/v1/3739-6401-7574", token);

  CommandRun list = Cli({"events", "list", "--db", db_, "--json"});
  EXPECT_EQ(list.out, "[]\n");
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  // Nothing of it anywhere in the database files or central's output.
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path()))
    if (entry.is_regular_file()) files.push_back(entry.path());
  ASSERT_FALSE(files.empty());
  for (const fs::path& f : files) {
    const std::string bytes = ReadFile(f);
    for (const std::string& needle :
         {std::string("3739 6401"), std::string("3739-6401"), std::string("６４０１"),
          std::string("\u0666\u0664\u0660\u0661"), std::string("3739\u20106401"),
          std::string("373964017574")})
      EXPECT_EQ(bytes.find(needle), std::string::npos) << f << " holds " << needle;
  }
}

TEST_P(CentralSqliteTest, AccessReportIsCsvOfApiAndCliUse) {
  StartServer();
  const std::string token = Enroll("pc-001");
  ASSERT_EQ(Post("/api/v1/events", token, Batch({Event("a")})).status, 200);
  ASSERT_EQ(Cli({"events", "list", "--db", db_, "--json"}).exit_code, 0);
  CommandRun csv = Cli({"report", "access", "--db", db_, "--from", "2000-01-01T00:00:00Z", "--to",
                        "2100-01-01T00:00:00Z"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("time,who,action,result,peer\r\n", 0), 0u) << csv.out;
  EXPECT_TRUE(std::regex_search(
      csv.out,
      std::regex(R"(\n\d{4}-\d\d-\d\dT[0-9:.]+Z,cli:[^,]+,agent enroll pc-001,0,local\r)")))
      << csv.out;
  EXPECT_NE(csv.out.find(",pc-001,POST /api/v1/events,200,127.0.0.1\r\n"), std::string::npos)
      << csv.out;
  EXPECT_NE(csv.out.find(",events list,0,local\r\n"), std::string::npos) << csv.out;
  CommandRun empty =
      Cli({"report", "access", "--db", db_, "--from", "2000-01-01", "--to", "2000-01-02"});
  EXPECT_EQ(empty.out, "time,who,action,result,peer\r\n");
}

TEST_P(CentralSqliteTest, InvalidPolicyIsNotPublished) {
  const fs::path bad = dir_.path() / "bad.json";
  std::ofstream(bad) << R"({"version": 1, "bcc_conversion": {"min_to_recipients": 0}})";
  CommandRun push = Cli({"policy", "push", "--db", db_, "--state-dir", state_, bad.string()});
  EXPECT_EQ(push.exit_code, 1);
  EXPECT_NE(push.err.find("min_to_recipients"), std::string::npos) << push.err;
  EXPECT_TRUE(push.out.empty()) << push.out;
}

TEST_P(CentralSqliteTest, SigtermStopsCleanly) {
  StartServer();
  EXPECT_TRUE(fs::exists(fs::path(state_) / "policy.pub"));
  EXPECT_TRUE(fs::exists(fs::path(state_) / "policy.key"));
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
}

TEST_P(CentralSqliteTest, EnrollingATakenNameExits1) {
  Enroll("pc-001");
  CommandRun again = Cli({"agent", "enroll", "--db", db_, "--name", "pc-001"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already enrolled"), std::string::npos) << again.err;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, CentralSqliteTest, ::testing::Values("sqlite"),
                         [](const auto& info) { return info.param; });

TEST(CentralCliTest, PlainHttpOffLoopbackIsRefused) {
  TempDir dir;
  CommandRun r =
      RunCommand({CentralBinary(), "serve", "--listen", "0.0.0.0:" + std::to_string(FreePort()),
                  "--state-dir", dir.path().string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
}

// A second central on a port already in use must not start and silently share it
// (SO_REUSEPORT): it fails at once, naming the port, with the configuration-error status.
TEST(CentralCliTest, BusyPortIsAConfigurationErrorNamingThePort) {
  TempDir dir;
  const int port = FreePort();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  Process first(
      {CentralBinary(), "serve", "--listen", listen, "--state-dir", (dir.path() / "one").string()},
      dir.path() / "one");
  ASSERT_TRUE(central_test::WaitForPort(port));
  Process second(
      {CentralBinary(), "serve", "--listen", listen, "--state-dir", (dir.path() / "two").string()},
      dir.path() / "two");
  const int code = second.WaitFor(15000);
  EXPECT_EQ(code, 2) << "the second central did not fail at start (-1: still running)";
  if (code == -1) second.Stop(SIGKILL);
  const std::string err = ReadFile(dir.path() / "two.err");
  EXPECT_NE(err.find(std::to_string(port)), std::string::npos) << err;
  EXPECT_NE(err.find("使用中"), std::string::npos) << err;
  EXPECT_NE(err.find("already in use"), std::string::npos) << err;
  EXPECT_EQ(ReadFile(dir.path() / "two.out").find("listening"), std::string::npos);
  // The first one is unaffected.
  EXPECT_EQ(central_test::Http(port, "GET", "/api/v1/policy", "").status, 401);
}

// What central writes is its own: the state directory 0700, the database and its -wal and
// -shm 0600, the signing key 0600, whatever the umask; an existing database left readable
// by others (an older version) is made private when opened.
TEST(CentralCliTest, StateDirDatabaseAndKeyArePrivate) {
  TempDir dir;
  const mode_t old_umask = ::umask(022);
  const fs::path state = dir.path() / "var" / "state";
  const std::string db = "sqlite:" + (state / "central.db").string();
  const int port = FreePort();
  Process server({CentralBinary(), "serve", "--listen", "127.0.0.1:" + std::to_string(port),
                  "--state-dir", state.string()},
                 dir.path() / "serve");
  ASSERT_TRUE(central_test::WaitForPort(port));
  CommandRun enroll = RunCommand({CentralBinary(), "agent", "enroll", "--db", db, "--name", "pc"});
  ASSERT_EQ(enroll.exit_code, 0) << enroll.err;
  const std::string token = enroll.out.substr(0, enroll.out.find('\n'));
  ASSERT_EQ(
      central_test::Http(port, "POST", "/api/v1/events", token,
                         R"({"events":[{"id":"a","kind":"k","time":"2026-11-29T14:00:00Z"}]})")
          .status,
      200);
  auto mode = [](const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
  };
  EXPECT_EQ(mode(state), 0700u);
  EXPECT_EQ(mode(state / "central.db"), 0600u);
  EXPECT_EQ(mode(state / "central.db-wal"), 0600u);  // written by the running server
  EXPECT_EQ(mode(state / "central.db-shm"), 0600u);
  EXPECT_EQ(mode(state / "policy.key"), 0600u);
  EXPECT_EQ(mode(state / "policy.pub"), 0644u);  // for agents: public
  EXPECT_EQ(mode(dir.path() / "var"), 0755u);    // parents as usual
  EXPECT_EQ(server.Stop(SIGTERM), 0);

  // A database left 0644 by an older central is made 0600 by the next command.
  const fs::path old_db = dir.path() / "old.db";
  CommandRun made = RunCommand({CentralBinary(), "agent", "enroll", "--db",
                                "sqlite:" + old_db.string(), "--name", "pc-old"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ASSERT_EQ(::chmod(old_db.c_str(), 0644), 0);
  CommandRun list =
      RunCommand({CentralBinary(), "agents", "list", "--db", "sqlite:" + old_db.string()});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(mode(old_db), 0600u);
  ::umask(old_umask);
}

// A TCP connection to 127.0.0.1:port from the loopback address `source` (127.0.0.2, …),
// so that one test can be several client addresses; -1 when it fails.
int ConnectFrom(const std::string& source, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

// What the server sends on fd within timeout_ms; *closed when it also closed the connection.
std::string ReadFor(int fd, int timeout_ms, bool* closed) {
  std::string got;
  *closed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!*closed) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0)
      got.append(buf, static_cast<std::size_t>(n));
    else
      *closed = true;  // EOF or reset
  }
  return got;
}

// Half a request, as a slow or malicious client leaves it.
constexpr char kHalfRequest[] = "POST /api/v1/events HTTP/1.1\r\nHost: central\r\nContent-Le";

class SlowClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = "sqlite:" + (dir_.path() / "c.db").string();
    CommandRun enroll =
        RunCommand({CentralBinary(), "agent", "enroll", "--db", db_, "--name", "pc"});
    ASSERT_EQ(enroll.exit_code, 0) << enroll.err;
    token_ = enroll.out.substr(0, enroll.out.find('\n'));
    port_ = FreePort();
    server_ = std::make_unique<Process>(
        std::vector<std::string>{CentralBinary(), "serve", "--listen",
                                 "127.0.0.1:" + std::to_string(port_), "--db", db_, "--state-dir",
                                 (dir_.path() / "state").string(), "--header-timeout", "3"},
        dir_.path() / "serve");
    ASSERT_TRUE(central_test::WaitForPort(port_));
  }
  void TearDown() override {
    for (int fd : fds_) ::close(fd);
  }

  // Opens `count` connections from `source`, each sending half a request.
  void OpenHalfRequests(const std::string& source, int count) {
    for (int i = 0; i < count; ++i) {
      const int fd = ConnectFrom(source, port_);
      ASSERT_GE(fd, 0) << source << " connection " << i << ": " << std::strerror(errno);
      ASSERT_GT(::send(fd, kHalfRequest, sizeof kHalfRequest - 1, MSG_NOSIGNAL), 0);
      fds_.push_back(fd);
    }
  }

  // An agent's request from 127.0.0.1, timed: its status (0: no answer).
  int AgentRequest(std::chrono::milliseconds* took) {
    const auto start = std::chrono::steady_clock::now();
    const int status = central_test::Http(port_, "GET", "/api/v1/policy", token_).status;
    *took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start);
    return status;
  }

  TempDir dir_;
  std::string db_, token_;
  int port_ = 0;
  std::unique_ptr<Process> server_;
  std::vector<int> fds_;
};

// 400 half-sent requests from one address: past its share (32) each gets a 503 with
// Retry-After at once; an agent on another address is still served; the 32 admitted ones
// are closed when their header is not complete in time (--header-timeout 3).
TEST_F(SlowClientsTest, OneAddressGetsItsShareThen503AndAgentsAreStillServed) {
  constexpr int kSlow = 400, kShare = 32;
  OpenHalfRequests("127.0.0.2", kSlow);
  std::chrono::milliseconds took{};
  EXPECT_EQ(AgentRequest(&took), 404);  // served (no policy published yet)
  EXPECT_LT(took, std::chrono::seconds(15));

  // The refused ones have their 503 by now (it is written when they are accepted).
  int refused = 0;
  std::vector<int> admitted;
  for (int fd : fds_) {
    bool closed = false;
    const std::string got = ReadFor(fd, 20, &closed);
    if (got.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0) == 0) {
      ++refused;
      EXPECT_NE(got.find("\r\nRetry-After: "), std::string::npos) << got;
      EXPECT_NE(got.find("\"error_ja\":\"中央サーバーが混み合って"), std::string::npos) << got;
      EXPECT_TRUE(closed) << "a refused connection was left open";
    } else {
      EXPECT_EQ(got, "");
      admitted.push_back(fd);
    }
  }
  EXPECT_EQ(refused, kSlow - kShare);
  EXPECT_EQ(static_cast<int>(admitted.size()), kShare);
  // The admitted ones never finish their header: closed after about 3 s, not held.
  for (int fd : admitted) {
    bool closed = false;
    ReadFor(fd, 15000, &closed);
    EXPECT_TRUE(closed) << "a half-sent request was still open after 15 s";
  }
  EXPECT_EQ(AgentRequest(&took), 404);
}

// Slow clients from many addresses fill every worker and the queue: a newcomer, agent or
// not, gets a 503 at once (not silence, not a wait), and central recovers once their
// headers run out of time.
TEST_F(SlowClientsTest, FullQueueAnswers503AndRecovers) {
  for (int a = 3; a < 13; ++a) OpenHalfRequests("127.0.0." + std::to_string(a), 25);  // 250
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::chrono::milliseconds took{};
  const int status = AgentRequest(&took);
  EXPECT_TRUE(status == 503 || status == 404) << status;  // an answer, not silence
  EXPECT_LT(took, std::chrono::seconds(15));
  int refused = 0;
  for (int fd : fds_) {
    bool closed = false;
    if (ReadFor(fd, 20, &closed).rfind("HTTP/1.1 503", 0) == 0) ++refused;
  }
  // 128 workers + 64 queued are admitted; at least the rest got a 503.
  EXPECT_GE(refused, 250 - 128 - 64);
  // Their headers time out after 3 s; then agents are served again.
  int after = 0;
  for (int i = 0; i < 60 && after != 404; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    after = AgentRequest(&took);
  }
  EXPECT_EQ(after, 404);
}

TEST(CentralCliTest, CheckConfigSaysOkAndMakesTheKeys) {
  TempDir dir;
  CommandRun r = RunCommand({CentralBinary(), "serve", "--listen", "127.0.0.1:0", "--state-dir",
                             dir.path().string(), "--check-config"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configuration OK\n");
  EXPECT_TRUE(fs::exists(dir.path() / "policy.pub"));
  EXPECT_TRUE(fs::exists(dir.path() / "central.db"));
}

TEST(CentralCliTest, UsageErrorsExit2) {
  EXPECT_EQ(RunCommand({CentralBinary()}).exit_code, 2);
  EXPECT_EQ(RunCommand({CentralBinary(), "frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunCommand({CentralBinary(), "agent", "enroll", "--db", "sqlite:/tmp/x.db"}).exit_code,
            2);
  EXPECT_EQ(RunCommand({CentralBinary(), "events", "list", "--bogus"}).exit_code, 2);
  for (const char* bad : {"--header-timeout=x", "--header-timeout=0", "--header-timeout=301",
                          "--max-connections-per-address=0", "--max-connections-per-address=-3"}) {
    const std::string flag(bad);
    const std::size_t eq = flag.find('=');
    EXPECT_EQ(RunCommand({CentralBinary(), "serve", "--listen", "127.0.0.1:0", "--state-dir",
                          "/tmp/unused", flag.substr(0, eq), flag.substr(eq + 1)})
                  .exit_code,
              2)
        << bad;
  }
  EXPECT_EQ(RunCommand({CentralBinary(), "--help"}).exit_code, 0);
}

TEST(CentralCliTest, HttpsWithConfiguredCertificate) {
  if (!fs::exists("/usr/bin/openssl") || !fs::exists("/usr/bin/curl"))
    GTEST_FAIL() << "needs openssl and curl (apt-get install -y openssl curl)";
  TempDir dir;
  const std::string cert = (dir.path() / "cert.pem").string(),
                    key = (dir.path() / "key.pem").string();
  CommandRun gen =
      RunCommand({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                  key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const std::string db = "sqlite:" + (dir.path() / "c.db").string();
  CommandRun enroll =
      RunCommand({CentralBinary(), "agent", "enroll", "--db", db, "--name", "pc-tls"});
  ASSERT_EQ(enroll.exit_code, 0) << enroll.err;
  const std::string token = enroll.out.substr(0, enroll.out.find('\n'));
  const int port = FreePort();
  Process server(
      {CentralBinary(), "serve", "--listen", "127.0.0.1:" + std::to_string(port), "--db", db,
       "--state-dir", (dir.path() / "state").string(), "--tls-cert", cert, "--tls-key", key},
      dir.path() / "serve");
  ASSERT_TRUE(central_test::WaitForPort(port));
  CommandRun https = RunCommand({"/usr/bin/curl", "-s", "--cacert", cert, "-o", "/dev/null", "-w",
                                 "%{http_code}", "-H", "Authorization: Bearer " + token,
                                 "https://localhost:" + std::to_string(port) + "/api/v1/policy"});
  EXPECT_EQ(https.out, "404") << https.err;  // TLS works; nothing published yet
  CommandRun plain = RunCommand({"/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                 "http://127.0.0.1:" + std::to_string(port) + "/api/v1/policy"});
  EXPECT_NE(plain.out, "404");
}

}  // namespace
}  // namespace central
