// ConsoleStore on both backends (SQLite and the private PostgreSQL cluster), and the
// console's pure helpers: roles and rights, passwords, tokens, time zone and era.
#include "central/console/console_store.h"

#include <gtest/gtest.h>

#include <set>

#include "central/console/auth.h"
#include "central/console/console.h"
#include "central/console/console_time.h"
#include "test_support.h"

namespace central::console {
namespace {

using central_test::NewDatabase;
using central_test::TempDir;

constexpr Micros kSecond = 1000000;

class ConsoleStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = NewDatabase(GetParam(), dir_.path());
    ASSERT_FALSE(db_.empty());
    auto store = OpenStore(db_);
    ASSERT_TRUE(store.ok()) << store.error();
    store_ = std::move(store).value();
    auto cs = ConsoleStore::Open(db_);
    ASSERT_TRUE(cs.ok()) << cs.error();
    cs_ = std::move(cs).value();
    ASSERT_TRUE(cs_->AddSection("税務課", 1).ok());
    ASSERT_TRUE(cs_->AddSection("総務課", 1).ok());
  }

  void AddEvent(const std::string& id, const std::string& agent, const std::string& kind,
                Micros time, const std::string& extra = "") {
    StoredEvent e{id,   agent, kind,
                  time, time,  R"({"id":")" + id + R"(","kind":")" + kind + R"(")" + extra + "}"};
    auto r = store_->InsertEvents({e});
    ASSERT_TRUE(r.ok()) << r.error();
  }

  std::vector<std::string> Ids(const EventQuery& q) {
    auto page = cs_->SearchEvents(q);
    EXPECT_TRUE(page.ok()) << page.error();
    std::vector<std::string> out;
    if (page.ok())
      for (const auto& e : page.value().events) out.push_back(e.event.id);
    return out;
  }

  TempDir dir_;
  std::string db_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ConsoleStore> cs_;
};

TEST_P(ConsoleStoreTest, OpeningTwiceKeepsTheData) {
  cs_.reset();
  auto again = ConsoleStore::Open(db_);
  ASSERT_TRUE(again.ok()) << again.error();
  auto sections = again.value()->ListSections();
  ASSERT_TRUE(sections.ok());
  ASSERT_EQ(sections.value().size(), 2u);
  EXPECT_EQ(sections.value()[0].name, "税務課");  // by name (byte order: 税 < 総)
}

TEST_P(ConsoleStoreTest, SectionNamesAreUnique) {
  EXPECT_FALSE(cs_->AddSection("税務課", 2).ok());
  EXPECT_TRUE(cs_->SectionExists("税務課").value());
  EXPECT_FALSE(cs_->SectionExists("無い課").value());
}

TEST_P(ConsoleStoreTest, UsersNeedAnExistingSectionAndAFreeLogin) {
  User u{"zeimu", "税務 花子", "税務課", {"kanri", "tanto"}, "hash", 5};
  ASSERT_TRUE(cs_->AddUser(u).ok());
  EXPECT_FALSE(cs_->AddUser(u).ok());
  User lost{"x", "x", "無い課", {"tanto"}, "hash", 5};
  EXPECT_FALSE(cs_->AddUser(lost).ok());
  auto found = cs_->FindUser("zeimu");
  ASSERT_TRUE(found.ok() && found.value());
  EXPECT_EQ(found.value()->name, "税務 花子");
  EXPECT_EQ(found.value()->roles, (std::vector<std::string>{"kanri", "tanto"}));
  EXPECT_FALSE(cs_->FindUser("nobody").value());
  // SQL metacharacters are data, not SQL.
  EXPECT_FALSE(cs_->FindUser("' OR '1'='1").value());
}

TEST_P(ConsoleStoreTest, SessionsExpireWhenIdleOrOld) {
  ASSERT_TRUE(cs_->CreateSession("h1", Session{"zeimu", "csrf", 0, 0}).ok());
  const Micros idle = 30 * 60 * kSecond, absolute = 12 * 3600 * kSecond;
  // Used every 20 minutes: alive until 12 hours after login.
  Micros t = 0;
  for (int i = 0; i < 36; ++i) {
    t += 20 * 60 * kSecond;
    auto s = cs_->TouchSession("h1", t, idle, absolute);
    ASSERT_TRUE(s.ok()) << s.error();
    ASSERT_TRUE(s.value()) << "at " << t / kSecond;
    EXPECT_EQ(s.value()->login, "zeimu");
    EXPECT_EQ(s.value()->csrf_token, "csrf");
  }
  t += 20 * 60 * kSecond;  // 12 h 20 min after login
  EXPECT_FALSE(cs_->TouchSession("h1", t, idle, absolute).value());
  // Gone for good, even at an earlier time.
  EXPECT_FALSE(cs_->TouchSession("h1", 1, idle, absolute).value());

  ASSERT_TRUE(cs_->CreateSession("h2", Session{"zeimu", "c", 0, 0}).ok());
  EXPECT_FALSE(cs_->TouchSession("h2", idle + 1, idle, absolute).value());
  ASSERT_TRUE(cs_->CreateSession("h3", Session{"zeimu", "c", 0, 0}).ok());
  ASSERT_TRUE(cs_->DeleteSession("h3").ok());
  EXPECT_FALSE(cs_->TouchSession("h3", 1, idle, absolute).value());
}

TEST_P(ConsoleStoreTest, LoginFailuresAreCountedInTheWindowAndCleared) {
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(cs_->RecordLoginFailure("zeimu", "127.0.0.1", 100 + i).ok());
  ASSERT_TRUE(cs_->RecordLoginFailure("other", "127.0.0.1", 100).ok());
  EXPECT_EQ(cs_->CountLoginFailures("zeimu", 0).value(), 4);
  EXPECT_EQ(cs_->CountLoginFailures("zeimu", 102).value(), 2);
  ASSERT_TRUE(cs_->ClearLoginFailures("zeimu").ok());
  EXPECT_EQ(cs_->CountLoginFailures("zeimu", 0).value(), 0);
  EXPECT_EQ(cs_->CountLoginFailures("other", 0).value(), 1);
  ASSERT_TRUE(cs_->RecordAlert(Alert{7, "login_locked", "zeimu", "x"}).ok());
  auto alerts = cs_->ListAlerts(0);
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts.value().size(), 1u);
  EXPECT_EQ(alerts.value()[0].kind, "login_locked");
}

TEST_P(ConsoleStoreTest, EventsAreSearchedBySectionDomainSubjectAndKind) {
  ASSERT_TRUE(store_->EnrollAgent("zeimu-pc", "h-a", 1).ok());
  ASSERT_TRUE(store_->EnrollAgent("soumu-pc", "h-b", 1).ok());
  ASSERT_TRUE(cs_->SetAgentSection("zeimu-pc", "税務課").ok());
  ASSERT_TRUE(cs_->SetAgentSection("soumu-pc", "総務課").ok());
  EXPECT_FALSE(cs_->SetAgentSection("soumu-pc", "無い課").ok());
  AddEvent(
      "e1", "zeimu-pc", "send_blocked", 10 * kSecond,
      R"(,"subject":"課税台帳の送付","recipients":[{"address":"a@Tax.Example.co.jp","external":true}])");
  AddEvent(
      "e2", "soumu-pc", "send_prompted", 20 * kSecond,
      R"(,"subject":"会議のお知らせ","recipients":[{"address":"b@city.sample.lg.jp","external":false}])");
  AddEvent(
      "e3", "zeimu-pc", "bcc_converted", 30 * kSecond,
      R"(,"subject":"送付 台帳","user":"hanako","recipients":[{"address":"c@example.co.jp","external":true}])");
  AddEvent("e4", "unplaced-pc", "send_blocked", 40 * kSecond);

  EXPECT_EQ(Ids({}), (std::vector<std::string>{"e4", "e3", "e2", "e1"}));
  EventQuery q;
  q.section = "税務課";
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"e3", "e1"}));
  q = {};
  q.section = "";
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"e4"}));
  q = {};
  q.recipient_domain = "example.co.jp";  // a parent domain matches its subdomains
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"e3", "e1"}));
  q.recipient_domain = "tax.example.co.jp";
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"e1"}));
  q.recipient_domain = "ample.co.jp";  // not a label boundary
  EXPECT_TRUE(Ids(q).empty());
  q = {};
  q.subject_words = {"台帳", "送付"};
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"e3", "e1"}));
  q = {};
  q.kind = "send_blocked";
  q.from = 5 * kSecond;
  q.to = 40 * kSecond;
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"e1"}));
  q = {};
  q.user = "hanako";
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"e3"}));
  auto one = cs_->GetEvent("e1");
  ASSERT_TRUE(one.ok() && one.value());
  EXPECT_EQ(one.value()->section, "税務課");
  EXPECT_FALSE(cs_->GetEvent("nope").value());
}

TEST_P(ConsoleStoreTest, SqlMetacharactersInEveryFilterAreData) {
  AddEvent("e1", "pc", "send_blocked", 10 * kSecond,
           R"(,"subject":"50% '; DROP TABLE events; --","recipients":[{"address":"x@a_b.jp"}])");
  for (const std::string bad : {"' OR 1=1 --", "%", "_", "\"; DROP TABLE events; --", "\\"}) {
    EventQuery q;
    q.agent = bad;
    EXPECT_TRUE(Ids(q).empty()) << bad;
    q = {};
    q.kind = bad;
    EXPECT_TRUE(Ids(q).empty()) << bad;
    q = {};
    q.section = bad;
    EXPECT_TRUE(Ids(q).empty()) << bad;
    q = {};
    q.user = bad;
    EXPECT_TRUE(Ids(q).empty()) << bad;
    q = {};
    q.recipient_domain = bad;
    EXPECT_TRUE(Ids(q).empty()) << bad;
    auto access = cs_->SearchAccess(AccessQuery{0, 1LL << 60, bad, bad, 10});
    ASSERT_TRUE(access.ok()) << access.error();
  }
  EventQuery q;
  q.subject_words = {"50%", "'; DROP"};
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"e1"}));
  EXPECT_EQ(Ids({}).size(), 1u);  // the table is still there
}

TEST_P(ConsoleStoreTest, KeysetPagesCoverEveryEventOnce) {
  for (int i = 0; i < 23; ++i) {
    // Several events share a time: the key's received_at and id break ties.
    AddEvent("e" + std::to_string(100 + i), "pc", "send_blocked", (i / 3) * kSecond);
  }
  EventQuery q;
  q.limit = 5;
  std::vector<std::string> all;
  int pages = 0;
  while (true) {
    auto page = cs_->SearchEvents(q);
    ASSERT_TRUE(page.ok()) << page.error();
    for (const auto& e : page.value().events) all.push_back(e.event.id);
    ++pages;
    if (!page.value().next) break;
    q.before = page.value().next;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(all.size(), 23u);
  std::set<std::string> unique(all.begin(), all.end());
  EXPECT_EQ(unique.size(), 23u);
  EXPECT_EQ(all.front(), "e122");
}

TEST_P(ConsoleStoreTest, PolicyHistoryNamesWhoPublished) {
  ASSERT_TRUE(store_->PublishPolicy(PublishedPolicy{1, "{\"version\":1}", "sig", 10}).ok());
  ASSERT_TRUE(store_->PublishPolicy(PublishedPolicy{2, "{\"version\":2}", "sig", 20}).ok());
  ASSERT_TRUE(cs_->RecordPolicyAuthor(2, "admin").ok());
  auto h = cs_->PolicyHistory();
  ASSERT_TRUE(h.ok()) << h.error();
  ASSERT_EQ(h.value().size(), 2u);
  EXPECT_EQ(h.value()[0].version, 2);
  EXPECT_EQ(h.value()[0].published_by, "admin");
  EXPECT_EQ(h.value()[1].published_by, "");  // published by the CLI
  EXPECT_EQ(h.value()[1].text, "{\"version\":1}");
}

TEST_P(ConsoleStoreTest, AccessRecordsAreFilteredNewestFirst) {
  ASSERT_TRUE(
      store_->RecordAccess(AccessRecord{10, "web:zeimu (kanri)", "GET /events", 200, "a"}).ok());
  ASSERT_TRUE(
      store_->RecordAccess(AccessRecord{20, "web:admin (sysadmin)", "GET /agents", 200, "a"}).ok());
  ASSERT_TRUE(
      store_->RecordAccess(AccessRecord{30, "web:zeimu (kanri)", "GET /events/e1", 200, "a"}).ok());
  auto r = cs_->SearchAccess(AccessQuery{0, 100, "zeimu", "", 10});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().size(), 2u);
  EXPECT_EQ(r.value()[0].action, "GET /events/e1");
  r = cs_->SearchAccess(AccessQuery{15, 100, "", "/agents", 10});
  ASSERT_EQ(r.value().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsoleStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(ConsoleAuthTest, PasswordsAreArgon2idAndVerified) {
  auto hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash.value().rfind("$argon2id$", 0), 0u) << hash.value();
  EXPECT_TRUE(VerifyPassword(hash.value(), "correct horse"));
  EXPECT_FALSE(VerifyPassword(hash.value(), "correct horsf"));
  EXPECT_NE(HashPassword("correct horse").value(), hash.value());  // salted
}

TEST(ConsoleAuthTest, TokensAreRandomAndOnlyTheirHashIsKept) {
  const std::string a = NewRandomToken(), b = NewRandomToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(HashSessionId(a).size(), 64u);
  EXPECT_NE(HashSessionId(a), a);
  EXPECT_TRUE(TokensEqual(a, a));
  EXPECT_FALSE(TokensEqual(a, b));
  EXPECT_FALSE(TokensEqual("", ""));
}

TEST(ConsoleAuthTest, RolesAreParsedAndGiveTheirRights) {
  EXPECT_EQ(ParseRoles("kanri, kansa,kanri").value(), (std::vector<std::string>{"kanri", "kansa"}));
  EXPECT_FALSE(ParseRoles("kanri,boss").ok());
  EXPECT_FALSE(ParseRoles("").ok());
  EXPECT_TRUE(RightsOf({"hogo"}).all_sections);
  EXPECT_FALSE(RightsOf({"hogo"}).agents_read);
  EXPECT_TRUE(RightsOf({"kanri"}).own_section);
  EXPECT_FALSE(RightsOf({"kanri"}).all_sections);
  EXPECT_TRUE(RightsOf({"sysadmin"}).policy_write);
  EXPECT_FALSE(RightsOf({"sysadmin"}).events());
  EXPECT_TRUE(RightsOf({"kansa"}).access_records);
  EXPECT_FALSE(RightsOf({"kansa"}).policy_write);
  EXPECT_FALSE(RightsOf({"tanto"}).events());
  User kanri{"k", "k", "税務課", {"kanri"}, "", 0};
  EXPECT_TRUE(MaySeeSection(kanri, RightsOf(kanri.roles), "税務課"));
  EXPECT_FALSE(MaySeeSection(kanri, RightsOf(kanri.roles), "総務課"));
  EXPECT_FALSE(MaySeeSection(kanri, RightsOf(kanri.roles), ""));
}

TEST(ConsoleTimeTest, TimesAreShownInTheTownsZoneWithTheEra) {
  ASSERT_TRUE(UseTimeZone("Asia/Tokyo").ok());
  const Micros t = *ParseTime("2026-12-02T14:30:00Z");
  EXPECT_EQ(LocalDateTime(t), "2026-12-02 23:30:00");
  EXPECT_EQ(LocalDateTimeJa(t), "2026年12月2日 (令和8年) 23:30");
  EXPECT_EQ(*ParseLocalDate("2026-12-03"), *ParseTime("2026-12-02T15:00:00Z"));
  EXPECT_FALSE(ParseLocalDate("2026-13-01"));
  EXPECT_FALSE(ParseLocalDate("2026-12-1"));
  EXPECT_EQ(WeekStart(t), *ParseTime("2026-11-29T15:00:00Z"));  // Monday 30 Nov, 00:00 JST
  EXPECT_EQ(WeekStart(*ParseTime("2026-11-29T15:00:00Z")), *ParseTime("2026-11-29T15:00:00Z"));
  EXPECT_EQ(EraYear(2019), "令和元年");
  EXPECT_EQ(EraYear(1989), "平成元年");
  EXPECT_EQ(EraYear(2018), "平成30年");
  EXPECT_FALSE(UseTimeZone("Mars/Olympus").ok());
  EXPECT_FALSE(UseTimeZone("../../etc/passwd").ok());
  ASSERT_TRUE(UseTimeZone("UTC").ok());
  EXPECT_EQ(LocalDateTime(t), "2026-12-02 14:30:00");
}

TEST(ConsoleHttpHelpersTest, AgentPathsStayTheAgentApis) {
  EXPECT_TRUE(IsAgentApiPath("/api/v1/events"));
  EXPECT_TRUE(IsAgentApiPath("/api/v1/policy"));
  EXPECT_TRUE(IsAgentApiPath("/api/v1/unknown"));
  EXPECT_FALSE(IsAgentApiPath("/api/v1/console/events"));
  EXPECT_FALSE(IsAgentApiPath("/"));
  EXPECT_FALSE(IsAgentApiPath("/login"));
  EXPECT_EQ(CookieValue("a=1; sg_session=xyz; b=2", "sg_session"), "xyz");
  EXPECT_EQ(CookieValue("sg_sessionx=1", "sg_session"), "");
  auto form = ParseUrlEncoded("a=%E7%A8%8E+x&b=&c");
  EXPECT_EQ(form.find("a")->second, "税 x");
  EXPECT_EQ(form.find("b")->second, "");
  EXPECT_EQ(form.count("c"), 1u);
}

}  // namespace
}  // namespace central::console
