// The event search index (event_index.h) on both backends (one test each, to start the
// PostgreSQL cluster once): a search through the index finds exactly what a scan of every
// event's JSON finds, it is used (a search for a rare domain does not stop at the scan
// limit), Japanese subject words are found inside longer
// subjects, and opening a database made before the index back-fills it.
#include "central/event_index.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "central/console/console_store.h"
#include "test_support.h"

namespace central::console {
namespace {

using central_test::NewDatabase;
using central_test::TempDir;

constexpr Micros kSecond = 1000000;

const char* const kSubjects[] = {
    "住民票の写しの送付について", "課税台帳 送付", "会議のお知らせ", "Tax Notice 2026",
    "児童手当の申請書",           "住民税の通知",  "ご案内",         "見積書 (再送)",
    "口座 ********5678 の確認",
};
const char* const kDomains[] = {"tax.example.co.jp", "example.co.jp", "city.sample.lg.jp",
                                "Mail.Example.com", "partner.jp"};
const char* const kUsers[] = {"tanaka", "suzuki", "sato", ""};

struct Synthetic {
  StoredEvent stored;
  std::string subject, user;
  std::vector<std::string> domains;
  std::string section;
};

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

class EventIndexTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = NewDatabase(GetParam(), dir_.path());
    ASSERT_FALSE(db_.empty());
    Open();
    ASSERT_TRUE(cs_->AddSection("税務課", 1).ok());
    ASSERT_TRUE(cs_->SetAgentSection("pc-0", "税務課").ok());
    std::mt19937 rng(11);
    std::vector<StoredEvent> batch;
    for (int i = 0; i < kEvents; ++i) {
      Synthetic e;
      e.subject = kSubjects[rng() % std::size(kSubjects)];
      e.user = kUsers[rng() % std::size(kUsers)];
      const int n = 1 + static_cast<int>(rng() % 3);
      std::string recipients;
      for (int r = 0; r < n; ++r) {
        // The rare domain: a handful of events among thousands.
        std::string d = i % 500 == 7 && r == 0 ? "rare.example.org" : kDomains[rng() % 5];
        e.domains.push_back(Lower(d));
        recipients += (r ? "," : "") + std::string(R"({"address":"x)") + std::to_string(r) + "@" +
                      d + R"(","external":true})";
      }
      const std::string agent = "pc-" + std::to_string(i % 3);
      e.section = agent == "pc-0" ? "税務課" : "";
      const std::string id = "ev-" + std::to_string(100000 + i);
      const Micros t = (i / 2) * kSecond;  // pairs share a time: ties on received_at and id
      std::string json = R"({"id":")" + id + R"(","kind":"send_blocked","subject":")" + e.subject +
                         R"(","recipients":[)" + recipients + "]";
      if (!e.user.empty()) json += R"(,"user":")" + e.user + R"(")";
      json += "}";
      e.stored = StoredEvent{id, agent, "send_blocked", t, t + (i % 2), json};
      events_.push_back(e);
      batch.push_back(e.stored);
      if (batch.size() == 250) {
        ASSERT_TRUE(store_->InsertEvents(batch).ok());
        batch.clear();
      }
    }
    ASSERT_TRUE(store_->InsertEvents(batch).ok());
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

  // The database itself, for what no API does (undoing the index migration).
  std::unique_ptr<Poco::Data::Session> Raw() { return central_test::RawSession(db_); }

  // Every page of a search, newest first.
  std::vector<std::string> All(EventQuery q) {
    std::vector<std::string> out;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = cs_->SearchEvents(q);
      EXPECT_TRUE(page.ok()) << page.error();
      if (!page.ok()) break;
      for (const auto& e : page.value().events) out.push_back(e.event.id);
      if (!page.value().next) break;
      q.before = page.value().next;
    }
    return out;
  }

  // What a scan of every event finds.
  std::vector<std::string> Slow(const EventQuery& q) {
    std::vector<const Synthetic*> hits;
    for (const Synthetic& e : events_) {
      if (q.section && e.section != *q.section) continue;
      if (q.agent && e.stored.agent != *q.agent) continue;
      if (q.kind && e.stored.kind != *q.kind) continue;
      if (q.user && e.user != *q.user) continue;
      if (q.recipient_domain &&
          std::none_of(e.domains.begin(), e.domains.end(),
                       [&](const std::string& d) { return DomainMatches(d, *q.recipient_domain); }))
        continue;
      bool words = true;
      for (const std::string& w : q.subject_words)
        words = words && Lower(e.subject).find(Lower(w)) != std::string::npos;
      if (!words) continue;
      if (q.from && e.stored.time < *q.from) continue;
      if (q.to && e.stored.time >= *q.to) continue;
      hits.push_back(&e);
    }
    std::sort(hits.begin(), hits.end(), [](const Synthetic* a, const Synthetic* b) {
      return std::tie(a->stored.time, a->stored.received_at, a->stored.id) >
             std::tie(b->stored.time, b->stored.received_at, b->stored.id);
    });
    std::vector<std::string> out;
    for (const Synthetic* e : hits) out.push_back(e->stored.id);
    return out;
  }

  static constexpr int kEvents = 3000;
  TempDir dir_;
  std::string db_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ConsoleStore> cs_;
  std::vector<Synthetic> events_;
};

std::vector<EventQuery> Queries() {
  std::vector<EventQuery> out;
  auto add = [&](auto&& set) {
    EventQuery q;
    q.limit = 37;
    q.scan_limit = 1 << 30;
    set(q);
    out.push_back(q);
  };
  add([](EventQuery& q) { q.recipient_domain = "example.co.jp"; });
  add([](EventQuery& q) { q.recipient_domain = "EXAMPLE.com"; });
  add([](EventQuery& q) { q.recipient_domain = "ample.co.jp"; });
  add([](EventQuery& q) { q.subject_words = {"住民票"}; });
  add([](EventQuery& q) { q.subject_words = {"住民"}; });
  add([](EventQuery& q) { q.subject_words = {"送付", "台帳"}; });
  add([](EventQuery& q) { q.subject_words = {"tax"}; });
  add([](EventQuery& q) { q.subject_words = {"税"}; });  // one character: no bigram
  add([](EventQuery& q) { q.subject_words = {"写しの送付"}; });
  add([](EventQuery& q) { q.user = "sato"; });
  add([](EventQuery& q) { q.recipient_domain = "jp"; });  // not indexed: checked on JSON
  add([](EventQuery& q) {
    q.recipient_domain = "COM";
    q.subject_words = {"送付"};
  });
  add([](EventQuery& q) { q.subject_words = {"****5678"}; });  // the mask narrows nothing
  add([](EventQuery& q) { q.subject_words = {"**"}; });
  add([](EventQuery& q) {
    q.user = "tanaka";
    q.recipient_domain = "jp";
    q.subject_words = {"住民"};
  });
  add([](EventQuery& q) {  // a rare section with two subject terms: many rounds
    q.section = "税務課";
    q.subject_words = {"送付", "課税"};
    q.limit = 5;
  });
  add([](EventQuery& q) {
    q.agent = "pc-2";
    q.kind = "send_blocked";
    q.recipient_domain = "example.co.jp";
  });
  add([](EventQuery& q) {
    q.kind = "print_blocked";  // none of that kind
    q.subject_words = {"住民"};
  });
  add([](EventQuery& q) {
    q.section = "税務課";
    q.recipient_domain = "partner.jp";
    q.from = 200 * kSecond;
    q.to = 900 * kSecond;
  });
  return out;
}

TEST_P(EventIndexTest, IndexedSearchFindsWhatAScanFindsWithoutScanning) {
  for (const EventQuery& q : Queries()) {
    const auto slow = Slow(q);
    EXPECT_EQ(All(q), slow) << "domain=" << q.recipient_domain.value_or("-")
                            << " words=" << q.subject_words.size()
                            << " user=" << q.user.value_or("-");
  }
  EventQuery q;
  q.subject_words = {"住民票"};
  EXPECT_FALSE(Slow(q).empty());  // 「住民票の写しの送付について」 is found by 住民票
  // The index is used: a rare domain is found without scanning every stored event.
  {
    EventQuery q;
    q.recipient_domain = "rare.example.org";
    q.scan_limit = 50;  // a scan of stored events would stop after 50 of the 3,000
    auto page = cs_->SearchEvents(q);
    ASSERT_TRUE(page.ok()) << page.error();
    EXPECT_EQ(page.value().events.size(), static_cast<std::size_t>(kEvents / 500));
    EXPECT_FALSE(page.value().next);
  }
}

TEST_P(EventIndexTest, OpeningADatabaseMadeBeforeTheIndexBackFillsIt) {
  {
    auto raw = Raw();
    // SQLite's event_terms, PostgreSQL's event_term_sets (schema migration 7).
    for (const char* table : {"event_terms", "event_term_sets"})
      Poco::Data::Statement(*raw) << std::string("DROP TABLE IF EXISTS ") + table,
          Poco::Data::Keywords::now;
    Poco::Data::Statement(*raw) << "DELETE FROM schema_version WHERE version >= 2",
        Poco::Data::Keywords::now;
  }
  Open();
  for (const EventQuery& q : Queries()) EXPECT_EQ(All(q), Slow(q));
  EventQuery q;
  q.recipient_domain = "rare.example.org";
  q.scan_limit = 50;
  EXPECT_EQ(cs_->SearchEvents(q).value().events.size(), static_cast<std::size_t>(kEvents / 500));
}

// A JSON string may carry U+0000 ("\u0000"): on PostgreSQL the index's terms travel in
// an array literal, where a NUL byte once ended the parameter and failed the whole group
// (every agent's batch answered "retry later" for ever).
TEST_P(EventIndexTest, ANulInAUserSubjectOrDomainIsStoredAndFound) {
  const std::string nul("\0", 1);
  StoredEvent e{"ev-nul",
                "pc-0",
                "send_blocked",
                5000 * kSecond,
                5000 * kSecond,
                "{\"id\":\"ev-nul\",\"kind\":\"send_blocked\",\"user\":\"nul\\u0000user\","
                "\"subject\":\"ヌル\\u0000文字の件名\",\"recipients\":[{\"address\":"
                "\"a@nul\\u0000.example.jp\",\"external\":true}]}"};
  ASSERT_NE(EventTerms(e).size(), 0u);
  bool has_nul = false;
  for (const std::string& t : EventTerms(e)) has_nul = has_nul || t.find(nul) != std::string::npos;
  ASSERT_TRUE(has_nul);  // the case this test is about
  auto stored = store_->InsertEvents({e});
  ASSERT_TRUE(stored.ok()) << stored.error();
  EventQuery q;
  q.subject_words = {"文字の件名"};
  auto page = cs_->SearchEvents(q);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page.value().events.size(), 1u);
  EXPECT_EQ(page.value().events[0].event.id, "ev-nul");
}

// PostgreSQL with the table's statistics: a search for common terms walks the newest
// events in page order, window after window, before it turns to the GIN index
// (console_store.cc, TermSetCandidates). Here the newest 1,200 events hold none of the
// common subject words and domains, so a walk finds nothing in its first windows and
// has to go on from where each one ended: every page must still be exactly what a scan
// finds.
TEST_P(EventIndexTest, CommonTermsAreWalkedNewestFirstAndFoundExactly) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "PostgreSQL's plan";
  std::vector<StoredEvent> batch;
  for (int i = 0; i < 1200; ++i) {
    Synthetic e;
    e.subject = "新着のお知らせ";
    e.user = "newcomer";
    e.domains = {"fresh.example.net", "example.net"};
    const std::string id = "ev-" + std::to_string(200000 + i);
    const Micros t = (kEvents + i) * kSecond;
    e.stored =
        StoredEvent{id,
                    "pc-1",
                    "send_blocked",
                    t,
                    t,
                    R"({"id":")" + id + R"(","kind":"send_blocked","subject":")" + e.subject +
                        R"(","recipients":[{"address":"n@fresh.example.net"}],)"
                        R"("user":"newcomer"})"};
    events_.push_back(e);
    batch.push_back(e.stored);
  }
  ASSERT_TRUE(store_->InsertEvents(batch).ok());
  auto raw = Raw();
  Poco::Data::Statement(*raw) << "ANALYZE event_term_sets", Poco::Data::Keywords::now;
  // The case this test is about: the statistics know the common terms.
  Poco::Int64 known = 0;
  Poco::Data::Statement(*raw)
      << "SELECT COUNT(*) FROM pg_stats p, unnest(p.most_common_elems::text::text[]) AS m(e) "
         "WHERE p.tablename = 'event_term_sets' AND m.e IN ('s:住民', 'd:example.co.jp', "
         "'u:sato', 's:送付')",
      Poco::Data::Keywords::into(known), Poco::Data::Keywords::now;
  ASSERT_EQ(known, 4);
  std::vector<EventQuery> queries = Queries();
  for (int limit : {2, 5, 200}) {  // All() reads 1,000 pages at most
    for (const char* word : {"住民", "送付", "お知らせ"}) {
      EventQuery q;
      q.limit = limit;
      q.scan_limit = 1 << 30;
      q.subject_words = {word};
      queries.push_back(q);
    }
  }
  for (const EventQuery& q : queries) {
    EXPECT_EQ(All(q), Slow(q)) << "domain=" << q.recipient_domain.value_or("-")
                               << " words=" << q.subject_words.size()
                               << " user=" << q.user.value_or("-") << " limit=" << q.limit;
  }
}

// Characters that mean something in PostgreSQL's array literals (quotes, backslashes,
// braces, commas): each event's terms travel there as an array literal inside an array
// literal, quoted twice.
TEST_P(EventIndexTest, ArrayLiteralCharactersInAUserOrSubjectAreStoredAndFound) {
  StoredEvent e{"ev-quote",
                "pc-0",
                "send_blocked",
                5000 * kSecond,
                5000 * kSecond,
                R"({"id":"ev-quote","kind":"send_blocked","user":"a\"b\\c{d},e NULL",)"
                R"("subject":"引用\"符\\と{括弧},の件 NULL","recipients":[]})"};
  auto stored = store_->InsertEvents({e});
  ASSERT_TRUE(stored.ok()) << stored.error();
  for (const char* word : {"引用\"符", "符\\と{", "{括弧},の", "null"}) {
    EventQuery q;
    q.subject_words = {word};
    auto page = cs_->SearchEvents(q);
    ASSERT_TRUE(page.ok()) << page.error();
    ASSERT_EQ(page.value().events.size(), 1u) << word;
    EXPECT_EQ(page.value().events[0].event.id, "ev-quote");
  }
  EventQuery q;
  q.user = "a\"b\\c{d},e NULL";
  auto page = cs_->SearchEvents(q);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page.value().events.size(), 1u);
  q.user = "a";
  EXPECT_EQ(cs_->SearchEvents(q).value().events.size(), 0u);
}

// A PostgreSQL database from before schema migration 7 has its terms one row per term in
// event_terms: the migration moves them to event_term_sets, and every search still finds
// what a scan of the events' JSON finds.
TEST_P(EventIndexTest, TheOldIndexIsMovedToOneRowPerEvent) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "PostgreSQL's migration";
  store_.reset();
  cs_.reset();
  {
    auto raw = Raw();
    for (const std::string& sql :
         {std::string("CREATE TABLE event_terms (term TEXT NOT NULL, event_time BIGINT NOT "
                      "NULL, received_at BIGINT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY "
                      "(term, event_time, received_at, event_id))"),
          std::string("INSERT INTO event_terms SELECT t, event_time, received_at, event_id "
                      "FROM event_term_sets, unnest(terms) AS t"),
          std::string("DROP TABLE event_term_sets"),
          std::string("DELETE FROM schema_version WHERE version = 7")})
      Poco::Data::Statement(*raw) << sql, Poco::Data::Keywords::now;
  }
  Open();
  for (const EventQuery& q : Queries()) EXPECT_EQ(All(q), Slow(q));
  auto raw = Raw();
  Poco::Int64 rows = -1, old_tables = -1;
  Poco::Data::Statement(*raw) << "SELECT COUNT(*) FROM event_term_sets",
      Poco::Data::Keywords::into(rows), Poco::Data::Keywords::now;
  Poco::Data::Statement(*raw) << "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'event_terms'",
      Poco::Data::Keywords::into(old_tables), Poco::Data::Keywords::now;
  EXPECT_EQ(rows, kEvents);
  EXPECT_EQ(old_tables, 0);
}

TEST(EventTermsTest, TermsAreDomainsWithParentsUserAndSubjectBigrams) {
  StoredEvent e{"id",
                "pc",
                "send_blocked",
                1,
                1,
                R"({"subject":"住民票 Ab **12","user":"hanako",)"
                R"("recipients":[{"address":"a@Tax.Example.co.jp"},{"address":"b@x.jp"},)"
                R"({"address":"c@localhost"}]})"};
  // No lone top-level label ("jp", "localhost"), no bigram with the mask '*'.
  const std::vector<std::string> want = {
      "d:co.jp", "d:example.co.jp", "d:tax.example.co.jp", "d:x.jp", "s:12", "s:ab", "s:住民",
      "s:民票",  "u:hanako"};
  EXPECT_EQ(EventTerms(e), want);
  EXPECT_TRUE(EventTerms(StoredEvent{"id", "pc", "k", 1, 1, "not json"}).empty());
  EXPECT_TRUE(SubjectWordTerms("税").empty());
  EXPECT_EQ(SubjectWordTerms("住民票"), (std::vector<std::string>{"s:住民", "s:民票"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, EventIndexTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// Deferred indexing on PostgreSQL (event_index.h): the intake replies before the terms are
// written; the store's index writer, the sweep at start and every search write them, each
// event's exactly once.
class DeferredIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = central_test::NewPostgresDatabase();
    ASSERT_FALSE(db_.empty());
    auto cs = ConsoleStore::Open(db_);
    ASSERT_TRUE(cs.ok()) << cs.error();
    cs_ = std::move(cs).value();
  }

  std::unique_ptr<Store> OpenWith(bool index_writer) {
    auto store = OpenStore(db_, StoreOptions{.index_writer = index_writer});
    EXPECT_TRUE(store.ok()) << store.error();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Event `n`: one recipient at a domain of its own ("d-N.example.jp"), so a search finds
  // exactly it.
  static StoredEvent Event(int n) {
    const std::string id = "ev-" + std::to_string(n);
    const Micros t = (1000 + n) * kSecond;
    return StoredEvent{id,
                       "pc-1",
                       "send_blocked",
                       t,
                       t,
                       R"({"id":")" + id +
                           R"(","kind":"send_blocked","user":"tanaka",)"
                           R"("subject":"住民票の写し 第)" +
                           std::to_string(n) + R"(号","recipients":[{"address":"a@d-)" +
                           std::to_string(n) + R"(.example.jp","external":true}]})"};
  }

  std::int64_t Count(const std::string& sql) {
    Poco::Int64 n = -1;
    auto raw = central_test::RawSession(db_);
    Poco::Data::Statement(*raw) << sql, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
    return n;
  }

  // Waits (up to 20 s) until no event's terms are pending; false if some still are. Less
  // than the writer's sweep of events a minute old every 30 s needs: a test that waits
  // here sees the writer's or the start's work, not that sweep's.
  bool NothingPending() {
    for (int i = 0; i < 200; ++i) {
      if (Count("SELECT COUNT(*) FROM event_terms_pending") == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // The index holds exactly the terms of events 0..n-1, each once (the primary key would
  // refuse a second copy; a writer that tried would have failed and left events pending).
  void ExpectIndexed(int n) {
    std::size_t want = 0;
    for (int i = 0; i < n; ++i) want += EventTerms(Event(i)).size();
    EXPECT_EQ(Count("SELECT COUNT(*) FROM event_term_sets, unnest(terms)"),
              static_cast<std::int64_t>(want));
    EXPECT_EQ(Count("SELECT COUNT(DISTINCT event_id) FROM event_term_sets"), n);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM event_term_sets"), n);
    for (int i : {0, n / 2, n - 1}) {
      EventQuery q;
      q.recipient_domain = "d-" + std::to_string(i) + ".example.jp";
      auto page = cs_->SearchEvents(q);
      ASSERT_TRUE(page.ok()) << page.error();
      ASSERT_EQ(page.value().events.size(), 1u) << i;
      EXPECT_EQ(page.value().events[0].event.id, Event(i).id);
    }
  }

  TempDir dir_;
  std::string db_;
  std::unique_ptr<ConsoleStore> cs_;
};

TEST_F(DeferredIndexTest, TheIndexWriterWritesTheTermsAfterTheCommit) {
  auto store = OpenWith(true);
  ASSERT_TRUE(store);
  std::vector<StoredEvent> batch;
  for (int i = 0; i < 2000; ++i) {
    batch.push_back(Event(i));
    if (batch.size() == 100) {
      ASSERT_TRUE(store->InsertEvents(batch).ok());
      batch.clear();
    }
  }
  // No search ran: only the writer can have emptied the pending table.
  ASSERT_TRUE(NothingPending());
  ExpectIndexed(2000);
}

// A central killed between an event's commit and its terms leaves the event with a
// pending row (written here as such a central's statement would have). A search writes
// them before it reads; the next central writes them at its start.
TEST_F(DeferredIndexTest, TermsLeftPendingAreWrittenBySearchesAndByTheNextStart) {
  auto leave_pending = [&](int from, int to) {
    std::vector<std::string> id, agent, kind, body;
    std::vector<Poco::Int64> time, received;
    // Received now: events a minute old would also be written by the writer's sweep.
    const Poco::Int64 now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
    for (int i = from; i < to; ++i) {
      const StoredEvent e = Event(i);
      id.push_back(e.id);
      agent.push_back(e.agent);
      kind.push_back(e.kind);
      time.push_back(e.time);
      received.push_back(now_us);
      body.push_back(e.json);
    }
    auto raw = central_test::RawSession(db_);
    using Poco::Data::Keywords::use;
    Poco::Data::Statement(*raw) << "INSERT INTO events (id, agent, kind, event_time, "
                                   "received_at, body) VALUES ($1, $2, $3, $4, $5, $6)",
        use(id), use(agent), use(kind), use(time), use(received), use(body),
        Poco::Data::Keywords::now;
    Poco::Data::Statement(*raw) << "INSERT INTO event_terms_pending (event_id) VALUES ($1)",
        use(id), Poco::Data::Keywords::now;
  };
  OpenWith(false).reset();  // the schema
  leave_pending(0, 3000);   // more than one step of a sweep (2,000)
  ASSERT_EQ(Count("SELECT COUNT(*) FROM event_terms_pending"), 3000);
  ASSERT_EQ(Count("SELECT COUNT(*) FROM event_term_sets"), 0);
  {
    auto next = OpenWith(true);
    ASSERT_TRUE(next);
    ASSERT_TRUE(NothingPending());  // no search ran: the start did it
  }
  leave_pending(3000, 5000);
  EventQuery q;
  q.recipient_domain = "d-4500.example.jp";
  auto page = cs_->SearchEvents(q);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page.value().events.size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event_terms_pending"), 0);
  ExpectIndexed(5000);
}

// A write the database refuses (here an event's terms already there, which the claim rules out
// in practice) is reported in the log without the row's values: PostgreSQL's DETAIL line
// quotes the key, and a term is a desktop login or part of a mail's subject.
TEST_F(DeferredIndexTest, ARefusedWriteIsLoggedWithoutTheTermsValues) {
  auto store = OpenWith(true);
  ASSERT_TRUE(store);
  const StoredEvent e = Event(5);
  {
    auto raw = central_test::RawSession(db_);
    Poco::Data::Statement(*raw) << "INSERT INTO event_term_sets VALUES (" + std::to_string(e.time) +
                                       ", " + std::to_string(e.received_at) + ", '" + e.id +
                                       "', '{u:tanaka}')",
        Poco::Data::Keywords::now;
  }
  testing::internal::CaptureStderr();
  ASSERT_TRUE(store->InsertEvents({e}).ok());
  store.reset();  // a stopping writer still writes what is queued: the attempt is made
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("検索用の索引を書き込めませんでした"), std::string::npos) << log;
  EXPECT_EQ(log.find("tanaka"), std::string::npos) << log;
  EXPECT_EQ(log.find("DETAIL"), std::string::npos) << log;
  // Still pending: written by a later sweep or search, not lost.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM event_terms_pending"), 1);
}

// Read your writes: a search right after a batch's reply finds its events, whether the
// writer has got to them, is writing them, or has not started.
TEST_F(DeferredIndexTest, ASearchFindsEveryEventStoredBeforeIt) {
  for (bool writer : {true, false}) {
    SCOPED_TRACE(writer ? "with the writer" : "without a writer (terms written at once)");
    auto store = OpenWith(writer);
    ASSERT_TRUE(store);
    const int base = writer ? 0 : 1000;
    for (int i = base; i < base + 200; ++i) {
      ASSERT_TRUE(store->InsertEvents({Event(i)}).ok());
      EventQuery q;
      q.recipient_domain = "d-" + std::to_string(i) + ".example.jp";
      auto page = cs_->SearchEvents(q);
      ASSERT_TRUE(page.ok()) << page.error();
      ASSERT_EQ(page.value().events.size(), 1u) << i;
      q = EventQuery();
      q.user = "tanaka";
      q.limit = 1;
      page = cs_->SearchEvents(q);
      ASSERT_TRUE(page.ok()) << page.error();
      ASSERT_EQ(page.value().events.size(), 1u);
      EXPECT_EQ(page.value().events[0].event.id, Event(i).id);  // the newest
    }
  }
}

// Two centrals on one database (an agent that retries at the other one sends some events
// to both), and a console searching all along: every batch and search succeeds, and each
// event's terms are written once.
TEST_F(DeferredIndexTest, TwoCentralsAndSearchesWriteEachEventsTermsOnce) {
  auto a = OpenWith(true);
  auto b = OpenWith(true);
  ASSERT_TRUE(a && b);
  constexpr int kEvents = 4000;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  testing::internal::CaptureStderr();
  auto intake = [&](Store* store, int start) {
    for (int i = start; i < kEvents; i += 100) {
      std::vector<StoredEvent> batch;
      for (int j = i; j < i + 150 && j < kEvents; ++j) batch.push_back(Event(j));  // overlap
      if (!store->InsertEvents(batch).ok()) ++failures;
    }
  };
  std::thread searcher([&] {
    int n = 0;
    while (!done) {
      EventQuery q;
      q.recipient_domain = "d-" + std::to_string(n++ % kEvents) + ".example.jp";
      if (!cs_->SearchEvents(q).ok()) ++failures;
    }
  });
  std::thread ta(intake, a.get(), 0), tb(intake, b.get(), 50);
  ta.join();
  tb.join();
  done = true;
  searcher.join();
  const bool drained = NothingPending();
  a.reset();
  b.reset();
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(log, "");
  ASSERT_TRUE(drained);
  ExpectIndexed(kEvents);
}

}  // namespace
}  // namespace central::console
