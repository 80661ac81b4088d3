// The incident workflow through the real sendguard-central: every role against every
// incident endpoint (refusals included), whole cases through both towns' flow definitions,
// reviews opened exactly once from confirmed sends, the section-unknown route (Art. 15-2),
// case ids in the access records, `incident list --json`, and the notification mails
// (captured by Postfix's smtp-sink) free of personal data.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

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

Poco::JSON::Object::Ptr ParseObject(const std::string& body) {
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

struct Login {
  std::string cookie, csrf;
};

// Synthetic personal data that must never leave central in a mail.
constexpr char kPersonName[] = "会津花子";
constexpr char kMyNumber[] = "123456789018";
constexpr char kSubject[] = "課税台帳の送付";

class IncidentApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = central_test::NewDatabase(GetParam(), dir_.path());
    ASSERT_FALSE(db_.empty());
    for (const char* s : {"税務課", "総務課"})
      ASSERT_EQ(Cli({"section", "add", "--db", db_, "--name", s}).exit_code, 0);
    for (const char* role : {"tanto", "kanri", "hogo", "soukatsu", "kansa", "sysadmin"})
      AddUser(role, "税務課", role);
    AddUser("kanri-soumu", "総務課", "kanri");
    CommandRun enrolled =
        Cli({"agent", "enroll", "--db", db_, "--name", "zeimu-pc", "--section", "税務課"});
    ASSERT_EQ(enrolled.exit_code, 0) << enrolled.err;
    token_ = enrolled.out.substr(0, enrolled.out.find('\n'));
    sink_dir_ = dir_.path() / "sink";
    fs::create_directories(sink_dir_);
    const int sink_port = FreePort();
    sink_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/smtp-sink", "-u", "root", "-d",
                                 (sink_dir_ / "%M.").string(),
                                 "127.0.0.1:" + std::to_string(sink_port), "20"},
        dir_.path() / "sink");
    ASSERT_TRUE(central_test::WaitForPort(sink_port)) << "smtp-sink did not start";
    port_ = FreePort();
    server_ = std::make_unique<Process>(
        std::vector<std::string>{CentralBinary(), "serve", "--listen",
                                 "127.0.0.1:" + std::to_string(port_), "--db", db_, "--state-dir",
                                 (dir_.path() / "state").string(), "--smtp",
                                 "127.0.0.1:" + std::to_string(sink_port), "--notify-domain",
                                 "town.example.lg.jp", "--console-url", "http://console.example"},
        dir_.path() / "serve");
    ASSERT_TRUE(central_test::WaitForPort(port_));
  }

  CommandRun Cli(std::vector<std::string> args) {
    args.insert(args.begin(), CentralBinary());
    return RunCommand(args);
  }

  void AddUser(const std::string& login, const std::string& section, const std::string& roles) {
    const fs::path pw = dir_.path() / "pw";
    std::ofstream(pw) << "pw-" << login << "-secret\n";
    CommandRun r =
        RunCommand({"/bin/sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", pw.string(),
                    CentralBinary(), "user", "add", "--db", db_, "--login", login, "--name",
                    "職員 " + login, "--section", section, "--role", roles});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  Login LogIn(const std::string& login) {
    HttpReply r = Http(port_, "POST", "/api/v1/console/login", "",
                       R"({"login":")" + login + R"(","password":"pw-)" + login + R"(-secret"})");
    EXPECT_EQ(r.status, 200) << r.body;
    Login out;
    const std::string c = r.headers["Set-Cookie"];
    out.cookie = c.substr(0, c.find(';'));
    if (r.status == 200) out.csrf = ParseObject(r.body)->getValue<std::string>("csrf_token");
    return out;
  }

  HttpReply Get(const Login& l, const std::string& path) {
    return Http(port_, "GET", path, "", "", {{"Cookie", l.cookie}});
  }

  HttpReply Post(const Login& l, const std::string& path, const std::string& body) {
    return Http(
        port_, "POST", path, "", body,
        {{"Cookie", l.cookie}, {"X-CSRF-Token", l.csrf}, {"Content-Type", "application/json"}});
  }

  void PostConfirmedSend(const std::string& id) {
    HttpReply r = Http(
        port_, "POST", "/api/v1/events", token_,
        R"({"events":[{"id":")" + id +
            R"(","kind":"prompt_confirmed","time":"2026-12-01T01:00:00Z","user":"hanako","subject":")" +
            kSubject +
            R"(","recipients":[{"address":"a@tax.example.co.jp","external":true}],"findings":{"my_number":1},"samples":["1234********"]}]})");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Opens a staff report as `who`; the new case id.
  std::string Report(const Login& who, const std::string& extra = "") {
    HttpReply r = Post(
        who, "/api/v1/console/incidents",
        std::string(R"({"incident_title":"住民票の写しの誤送付","discovered_at":"2026-12-01",)") +
            R"("summary":")" + kPersonName + " 様の住民票を誤って送付 (個人番号 " + kMyNumber +
            R"x()","persons":"1")x" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? ParseObject(r.body)->getValue<std::string>("id") : "";
  }

  std::string State(const Login& who, const std::string& id) {
    HttpReply r = Get(who, "/api/v1/console/incidents/" + id);
    return r.status == 200 ? ParseObject(r.body)->getValue<std::string>("state") : "";
  }

  // Every mail smtp-sink captured, one string per mail.
  std::vector<std::string> MailTexts() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(sink_dir_)) {
      std::ifstream in(e.path());
      std::stringstream s;
      s << in.rdbuf();
      out.push_back(s.str());
    }
    return out;
  }

  // Every mail smtp-sink captured, concatenated.
  std::string Mails() {
    std::string all;
    for (const std::string& m : MailTexts()) all += m + "\n----\n";
    return all;
  }

  // The mails that announce a new review.
  std::vector<std::string> ReviewMails() {
    std::vector<std::string> out;
    for (const std::string& m : MailTexts())
      if (m.find("送信レビューが開かれました") != std::string::npos) out.push_back(m);
    return out;
  }

  TempDir dir_;
  std::string db_, token_;
  fs::path sink_dir_;
  int port_ = 0;
  std::unique_ptr<Process> sink_, server_;
};

// The tests that also run on PostgreSQL (the store's SQL on both backends); the rest run
// on SQLite only, to keep the suite fast.
class IncidentBothBackendsTest : public IncidentApiTest {};

// The fields each step of 会津美里町's flow needs (one user per role does it).
const std::vector<std::tuple<std::string, std::string, std::string>>& MisatoSteps() {
  static const std::vector<std::tuple<std::string, std::string, std::string>> kSteps = {
      {"kanri_report", "kanri", R"({"kanri_note":"事実を確認し、相手方に削除を依頼した"})"},
      {"hogo_report", "hogo", R"({"hogo_instructions":"本人へ連絡すること"})"},
      {"mayor_report", "soukatsu", R"({"mayor_reported_on":"2026-12-02"})"},
      {"headquarters", "soukatsu",
       R"({"hq_decision":"設置した","hq_chief":"税務課長","hq_deputy":"税務課長補佐"})"},
      {"victims", "kanri", R"({"victim_response":"電話で謝罪","secondary_damage":"なし"})"},
      {"agencies", "kanri",
       R"({"police":"連絡不要","prefecture":"連絡した","agencies":"県へ電話で報告"})"},
      {"publication", "soukatsu",
       R"({"publication_decision":"公表しない","publication":"本人1名で二次被害がないため"})"},
      {"prevention", "kanri", R"({"prevention":"送付前の二人確認"})"},
  };
  return kSteps;
}

TEST_P(IncidentBothBackendsTest, AWholeCaseThroughTheMisatoFlowWithOneUserPerRole) {
  std::map<std::string, Login> users;
  for (const char* r : {"tanto", "kanri", "hogo", "soukatsu", "kansa", "sysadmin", "kanri-soumu"})
    users[r] = LogIn(r);
  const std::string id = Report(users["tanto"]);
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(State(users["tanto"], id), "kanri_report");
  for (const auto& [step, role, body] : MisatoSteps()) {
    // Every other role is refused (403) or does not see the case (404); a role ranked
    // above may act (hogo/soukatsu on a 管理者 step), so only lower or foreign roles try.
    for (const char* other : {"tanto", "kansa", "sysadmin", "kanri-soumu"}) {
      HttpReply refused =
          Post(users[other], "/api/v1/console/incidents/" + id + "/steps/" + step, body);
      EXPECT_TRUE(refused.status == 403 || refused.status == 404)
          << other << " " << step << ": " << refused.status << " " << refused.body;
      if (refused.status == 403) {
        EXPECT_NE(refused.body.find("あなたの役割では記録できません"), std::string::npos);
      }
    }
    if (role == "soukatsu") {
      HttpReply low =
          Post(users["kanri"], "/api/v1/console/incidents/" + id + "/steps/" + step, body);
      EXPECT_EQ(low.status, 403) << step;
    }
    HttpReply done = Post(users[role], "/api/v1/console/incidents/" + id + "/steps/" + step, body);
    ASSERT_EQ(done.status, 200) << step << ": " << done.body;
  }
  // 続報 (様式第2号) any number of times.
  for (int i = 0; i < 2; ++i) {
    HttpReply f = Post(users["kanri"], "/api/v1/console/incidents/" + id + "/steps/followup",
                       R"({"progress":"続報 )" + std::to_string(i) + R"("})");
    EXPECT_EQ(f.status, 200) << f.body;
  }
  // Returned with instructions, then approved.
  HttpReply returned_without =
      Post(users["soukatsu"], "/api/v1/console/incidents/" + id + "/steps/prevention_approval",
           R"({"outcome":"return"})");
  EXPECT_EQ(returned_without.status, 400) << returned_without.body;
  HttpReply returned =
      Post(users["soukatsu"], "/api/v1/console/incidents/" + id + "/steps/prevention_approval",
           R"({"outcome":"return","approval_instructions":"研修も加えること"})");
  ASSERT_EQ(returned.status, 200) << returned.body;
  EXPECT_EQ(State(users["kanri"], id), "prevention");
  ASSERT_EQ(Post(users["kanri"], "/api/v1/console/incidents/" + id + "/steps/prevention",
                 R"({"prevention":"二人確認と研修"})")
                .status,
            200);
  HttpReply approved =
      Post(users["soukatsu"], "/api/v1/console/incidents/" + id + "/steps/prevention_approval",
           R"({"outcome":"approve"})");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(State(users["kansa"], id), "closed");
  // Closed: nothing more is recorded.
  EXPECT_EQ(Post(users["kanri"], "/api/v1/console/incidents/" + id + "/steps/followup",
                 R"({"progress":"x"})")
                .status,
            409);
  HttpReply shown = Get(users["kansa"], "/api/v1/console/incidents/" + id);
  auto timeline = ParseObject(shown.body)->getArray("timeline");
  EXPECT_EQ(timeline->size(), 1 + MisatoSteps().size() + 2 + 3);
  // The case as the CLI sees it (CONTRACTS §5a).
  CommandRun list = Cli({"incident", "list", "--db", db_, "--json", "--state", "closed"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  Poco::JSON::Parser parser;
  auto arr = parser.parse(list.out).extract<Poco::JSON::Array::Ptr>();
  ASSERT_EQ(arr->size(), 1u);
  auto c = arr->getObject(0);
  EXPECT_EQ(c->getValue<std::string>("id"), id);
  EXPECT_EQ(c->getValue<std::string>("section"), "税務課");
  EXPECT_EQ(c->getValue<std::string>("source"), "staff_report");
  EXPECT_EQ(c->getValue<std::string>("form"), "様式第1号");
  EXPECT_TRUE(c->get("ppc_reportable").isEmpty());
  EXPECT_TRUE(c->getArray("events"));
  CommandRun show = Cli({"incident", "show", "--db", db_, id, "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("prevention_approval"), std::string::npos);
  // Access records name the case.
  HttpReply access = Get(users["kansa"], "/api/v1/console/access?action=" + id);
  EXPECT_NE(access.body.find("case=" + id), std::string::npos) << access.body.substr(0, 500);
  // Mails went to whoever acts next, with the case number and a link, and no personal data.
  const std::string mails = Mails();
  EXPECT_NE(mails.find("kanri@town.example.lg.jp"), std::string::npos);
  EXPECT_NE(mails.find("http://console.example/incidents/" + id), std::string::npos) << mails;
  EXPECT_EQ(mails.find(kPersonName), std::string::npos);
  EXPECT_EQ(mails.find(kMyNumber), std::string::npos);
  EXPECT_EQ(mails.find(kSubject), std::string::npos);
  EXPECT_EQ(mails.find("住民票"), std::string::npos);
}

// Every role against every incident and review endpoint, with one case and one review per
// login where the request changes them. A 管理者 of another section, and the roles outside
// the case (tanto who did not report it, sysadmin), get 404: they see nothing of it.
// Before that, every state-changing request without or with a wrong CSRF token is refused
// for every login; the matrix then finds every case and review unchanged.
TEST_P(IncidentApiTest, EveryRoleAgainstEveryIncidentEndpoint) {
  const std::vector<std::string> logins = {"soukatsu", "hogo",  "kanri",   "kanri-soumu",
                                           "kansa",    "tanto", "sysadmin"};
  std::map<std::string, Login> users;
  for (const auto& l : logins) users[l] = LogIn(l);
  const std::string shared = Report(users["kanri"]);  // a 税務課 case
  std::map<std::string, std::string> own_case;        // per login: a case at its first step
  for (const auto& l : logins) {
    own_case[l] = Report(users["kanri"]);
    PostConfirmedSend("ev-close-" + l);
    PostConfirmedSend("ev-case-" + l);
  }
  const std::set<std::string> all(logins.begin(), logins.end());
  const std::set<std::string> see = {"soukatsu", "hogo", "kanri", "kansa"};
  const std::set<std::string> outside = {"kanri-soumu", "tanto", "sysadmin"};
  const std::set<std::string> above_kanri = {"soukatsu", "hogo", "kanri"};
  const std::set<std::string> hogo_up = {"soukatsu", "hogo"};
  const std::set<std::string> reviewers = {"soukatsu", "hogo", "kanri", "kanri-soumu", "kansa"};
  const std::string report =
      R"({"incident_title":"USBメモリの紛失","discovered_at":"2026-12-01","summary":"紛失"})";
  using Rule = central_test::RoleRule;
  const std::vector<Rule> rules = {
      {"GET", "/api/v1/console/incidents", "", all, 200},
      {"GET", "/api/v1/console/incidents?state=open", "", all, 200},
      {"POST", "/api/v1/console/incidents", report, all, 201},
      {"GET", "/api/v1/console/incidents/CASE", "", see, 200, outside},
      {"POST", "/api/v1/console/incidents/OWN/steps/kanri_report", R"({"kanri_note":"確認"})",
       above_kanri, 200, outside},
      {"POST", "/api/v1/console/incidents/OWN/ppc", R"({"sensitive":"no","persons":"1"})", hogo_up,
       200, outside},
      {"GET", "/api/v1/console/reviews", "", reviewers, 200},
      {"GET", "/api/v1/console/reviews?state=all", "", reviewers, 200},
      {"POST", "/api/v1/console/reviews/ev-close-LOGIN/close", R"({"reason":"問題なし"})",
       above_kanri, 200, outside},
      {"POST", "/api/v1/console/reviews/ev-case-LOGIN/incident", report, above_kanri, 201, outside},
      {"GET", "/incidents", "", all, 200},
      {"GET", "/incidents/new", "", all, 200},
      {"GET", "/incidents/new?path=disclosure", "", all, 200},
      {"GET", "/incidents/CASE", "", see, 200, outside},
      {"GET", "/reviews", "", reviewers, 200},
      {"GET", "/report", "", all, 303},
  };
  auto fill = [&](const std::string& login, std::string text) {
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"CASE", shared}, {"OWN", own_case[login]}, {"LOGIN", login}})
      if (const auto at = text.find(from); at != std::string::npos)
        text.replace(at, from.size(), to);
    return text;
  };
  // CSRF first, for every login: no token, a wrong one, another session's.
  for (const auto& login : logins) {
    const Login& l = users[login];
    for (const Rule& rule : rules) {
      if (rule.method != "POST") continue;
      for (const std::string& csrf :
           {std::string(), std::string("wrong"), users[login == "hogo" ? "kansa" : "hogo"].csrf}) {
        std::map<std::string, std::string> headers{{"Cookie", l.cookie},
                                                   {"Content-Type", "application/json"}};
        if (!csrf.empty()) headers["X-CSRF-Token"] = csrf;
        HttpReply r = Http(port_, "POST", fill(login, rule.path), "", rule.body, headers);
        EXPECT_EQ(r.status, 403) << login << " " << rule.path << " csrf='" << csrf << "'";
      }
    }
  }
  const std::size_t cases_before = ParseObject(Get(users["hogo"], "/api/v1/console/incidents").body)
                                       ->getArray("incidents")
                                       ->size();
  EXPECT_EQ(cases_before, 1 + logins.size()) << "refused reports opened no case";
  central_test::ExpectRoleMatrix(logins, rules, [&](const std::string& login, const Rule& rule) {
    const Login& l = users[login];
    return rule.method == "GET" ? Get(l, fill(login, rule.path))
                                : Post(l, fill(login, rule.path), rule.body);
  });
  // What a login outside the section lists is empty of it.
  const std::string soumu_cases = Get(users["kanri-soumu"], "/api/v1/console/incidents").body;
  EXPECT_EQ(soumu_cases.find(shared), std::string::npos) << soumu_cases;
  EXPECT_EQ(soumu_cases.find("税務課"), std::string::npos) << soumu_cases;
  const std::string soumu_reviews =
      Get(users["kanri-soumu"], "/api/v1/console/reviews?state=all").body;
  EXPECT_EQ(soumu_reviews.find("ev-"), std::string::npos) << soumu_reviews;
  const std::string sysadmin_cases = Get(users["sysadmin"], "/api/v1/console/incidents").body;
  EXPECT_EQ(sysadmin_cases.find(shared), std::string::npos) << sysadmin_cases;
}

TEST_P(IncidentApiTest, TheHonjoFlowAndTheDisclosurePathRunToTheEnd) {
  const Login tanto = LogIn("tanto"), kanri = LogIn("kanri"), hogo = LogIn("hogo"),
              soukatsu = LogIn("soukatsu");
  const std::string id = Report(tanto, R"(,"flow":"honjo")");
  ASSERT_FALSE(id.empty());
  const std::vector<std::tuple<std::string, const Login*, std::string>> steps = {
      {"kanri_check", &kanri, R"({"kanri_note":"確認"})"},
      {"hogo_report", &hogo, R"({"hogo_instructions":"指示"})"},
      {"ciso_report", &soukatsu, R"({"mayor_reported_on":"2026-12-02"})"},
      {"victims", &kanri, R"({"victim_response":"連絡","secondary_damage":"なし"})"},
      {"publication", &soukatsu, R"({"publication_decision":"公表する","publication":"HP"})"},
      {"accident_report", &kanri, R"({"prevention":"対策"})"},
      {"approval", &soukatsu, R"({"outcome":"approve"})"},
  };
  for (const auto& [step, who, body] : steps) {
    HttpReply r = Post(*who, "/api/v1/console/incidents/" + id + "/steps/" + step, body);
    ASSERT_EQ(r.status, 200) << step << ": " << r.body;
  }
  EXPECT_EQ(State(kanri, id), "closed");
  // 様式第3号: the disclosure desk's report.
  HttpReply d = Post(
      tanto, "/api/v1/console/incidents",
      R"({"path":"disclosure","incident_title":"不正開示の申出","discovered_at":"2026-12-01","summary":"申出"})");
  ASSERT_EQ(d.status, 201) << d.body;
  auto dc = ParseObject(d.body);
  EXPECT_EQ(dc->getValue<std::string>("form"), "様式第3号");
  EXPECT_EQ(dc->getValue<std::string>("source"), "manual");
  const std::string did = dc->getValue<std::string>("id");
  ASSERT_EQ(Post(hogo, "/api/v1/console/incidents/" + did + "/steps/disclosure_review",
                 R"({"hogo_instructions":"調査"})")
                .status,
            200);
  ASSERT_EQ(Post(kanri, "/api/v1/console/incidents/" + did + "/steps/disclosure_measures",
                 R"({"measures":"措置","victim_response":"通知"})")
                .status,
            200);
  ASSERT_EQ(Post(soukatsu, "/api/v1/console/incidents/" + did + "/steps/disclosure_approval",
                 R"({"outcome":"approve"})")
                .status,
            200);
  EXPECT_EQ(State(kanri, did), "closed");
}

TEST_P(IncidentApiTest, AnUnknownSectionGoesToTheHogoWhoInstructsSeveralSections) {
  const Login tanto = LogIn("tanto"), kanri = LogIn("kanri"), hogo = LogIn("hogo"),
              soumu = LogIn("kanri-soumu");
  const std::string id = Report(tanto, R"(,"section":"")");
  ASSERT_FALSE(id.empty());
  // Art. 15-2: with the section unknown the 管理者 step is the 個人情報保護責任者's.
  HttpReply refused = Post(kanri, "/api/v1/console/incidents/" + id + "/steps/kanri_report",
                           R"({"kanri_note":"x"})");
  EXPECT_EQ(refused.status, 404) << refused.body;  // a 管理者 does not even see it
  HttpReply next = Get(hogo, "/api/v1/console/incidents/" + id);
  ASSERT_EQ(next.status, 200);
  EXPECT_EQ(ParseObject(next.body)->getArray("next")->getObject(0)->getValue<std::string>("role"),
            "hogo");
  ASSERT_EQ(Post(hogo, "/api/v1/console/incidents/" + id + "/steps/kanri_report",
                 R"({"kanri_note":"受付"})")
                .status,
            200);
  // Art. 15-3: several sections at once; both 管理者 then see the case.
  HttpReply bad = Post(hogo, "/api/v1/console/incidents/" + id + "/steps/hogo_report",
                       R"({"hogo_instructions":"x","instructed_sections":"存在しない課"})");
  EXPECT_EQ(bad.status, 400);
  ASSERT_EQ(Post(hogo, "/api/v1/console/incidents/" + id + "/steps/hogo_report",
                 R"({"hogo_instructions":"両課で調査","instructed_sections":"税務課,総務課"})")
                .status,
            200);
  EXPECT_EQ(Get(kanri, "/api/v1/console/incidents/" + id).status, 200);
  EXPECT_EQ(Get(soumu, "/api/v1/console/incidents/" + id).status, 200);
}

TEST_P(IncidentBothBackendsTest, AConfirmedSendOpensOneReviewThatBecomesAnIncident) {
  PostConfirmedSend("ev-confirmed");
  PostConfirmedSend("ev-confirmed");  // the agent retries: stored once, reviewed once
  const Login kanri = LogIn("kanri"), soumu = LogIn("kanri-soumu"), tanto = LogIn("tanto"),
              hogo = LogIn("hogo");
  for (int i = 0; i < 3; ++i) {
    HttpReply r = Get(kanri, "/api/v1/console/reviews");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(ParseObject(r.body)->getArray("reviews")->size(), 1u) << r.body;
  }
  EXPECT_EQ(Get(tanto, "/api/v1/console/reviews").status, 403);
  // The queue names the findings as staff call them (mailcheck's kind names).
  HttpReply queue = Get(kanri, "/reviews");
  ASSERT_EQ(queue.status, 200);
  EXPECT_NE(queue.body.find("<dd>個人番号 1</dd>"), std::string::npos) << queue.body;
  EXPECT_EQ(queue.body.find("my_number"), std::string::npos) << queue.body;
  EXPECT_EQ(ParseObject(Get(soumu, "/api/v1/console/reviews").body)->getArray("reviews")->size(),
            0u);
  EXPECT_EQ(Post(soumu, "/api/v1/console/reviews/ev-confirmed/close", R"({"reason":"x"})").status,
            404);
  EXPECT_EQ(Post(kanri, "/api/v1/console/reviews/ev-confirmed/close", "{}").status, 400);
  HttpReply incident = Post(
      kanri, "/api/v1/console/reviews/ev-confirmed/incident",
      R"({"incident_title":"確認済み送信","discovered_at":"2026-12-01","summary":"宛先誤り"})");
  ASSERT_EQ(incident.status, 201) << incident.body;
  auto c = ParseObject(incident.body);
  EXPECT_EQ(c->getValue<std::string>("source"), "review");
  EXPECT_EQ(c->getArray("events")->getElement<std::string>(0), "ev-confirmed");
  EXPECT_EQ(Post(kanri, "/api/v1/console/reviews/ev-confirmed/close", R"({"reason":"x"})").status,
            409);
  // A second confirmed send is closed with a reason.
  PostConfirmedSend("ev-second");
  HttpReply closed = Post(hogo, "/api/v1/console/reviews/ev-second/close",
                          R"({"reason":"問題なし: 本人の同意あり"})");
  EXPECT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(ParseObject(Get(kanri, "/api/v1/console/reviews").body)->getArray("reviews")->size(),
            0u);
  // Each new review was mailed once, to the section's 管理者 only, as a link without
  // anything of the mail it is about.
  const std::vector<std::string> mails = ReviewMails();
  ASSERT_EQ(mails.size(), 2u) << Mails();
  for (const std::string& m : mails) {
    EXPECT_NE(m.find("kanri@town.example.lg.jp"), std::string::npos) << m;
    EXPECT_NE(m.find("http://console.example/reviews"), std::string::npos) << m;
    for (const char* other : {"kanri-soumu@", "tanto@", "hogo@", "sysadmin@"})
      EXPECT_EQ(m.find(other), std::string::npos) << other << "\n" << m;
    for (const char* secret :
         {kSubject, "hanako", "tax.example.co.jp", "1234*", "ev-confirmed", "ev-second"})
      EXPECT_EQ(m.find(secret), std::string::npos) << secret << "\n" << m;
  }
}

TEST_P(IncidentApiTest, TheNationalReportQuestionsDecideAndOnlyTheHogoAnswers) {
  const Login tanto = LogIn("tanto"), kanri = LogIn("kanri"), hogo = LogIn("hogo");
  const std::string id = Report(tanto);
  EXPECT_EQ(
      Post(kanri, "/api/v1/console/incidents/" + id + "/ppc", R"({"sensitive":"yes"})").status,
      403);
  EXPECT_EQ(Post(hogo, "/api/v1/console/incidents/" + id + "/ppc", R"({"persons":"-1"})").status,
            400);
  HttpReply r = Post(hogo, "/api/v1/console/incidents/" + id + "/ppc",
                     R"({"sensitive":"no","financial":"no","improper":"yes","persons":"3"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = ParseObject(r.body);
  EXPECT_TRUE(o->getValue<bool>("reportable"));
  EXPECT_EQ(o->getValue<std::string>("prompt_due"), "2026-12-06");
  EXPECT_EQ(o->getValue<int>("final_days"), 60);
  HttpReply shown = Get(kanri, "/api/v1/console/incidents/" + id);
  auto ppc = ParseObject(shown.body)->getObject("ppc");
  EXPECT_EQ(ppc->getArray("draft")->size(), 9u);
  EXPECT_EQ(ppc->getArray("draft")->getObject(2)->getValue<std::string>("value"), "1");
}

TEST_P(IncidentApiTest, HostileInputIsRefusedOrInert) {
  const Login tanto = LogIn("tanto");
  // Missing required fields, a bad date, a bad choice, an unknown section, an unknown flow.
  for (const char* body :
       {R"({"incident_title":"x","discovered_at":"2026-12-01"})",
        R"({"incident_title":"x","discovered_at":"2026-02-30","summary":"s"})",
        R"({"incident_title":"x","discovered_at":"2026-12-01","summary":"s","medium":"鳩"})",
        R"({"incident_title":"x","discovered_at":"2026-12-01","summary":"s","section":"無い課"})",
        R"({"flow":"nowhere","incident_title":"x","discovered_at":"2026-12-01","summary":"s"})"}) {
    HttpReply r = Post(tanto, "/api/v1/console/incidents", body);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
    EXPECT_NE(r.body.find("error_ja"), std::string::npos);
  }
  // Without the CSRF token: refused before the workflow sees it.
  HttpReply no_csrf =
      Http(port_, "POST", "/api/v1/console/incidents", "", R"({"incident_title":"x"})",
           {{"Cookie", tanto.cookie}, {"Content-Type", "application/json"}});
  EXPECT_EQ(no_csrf.status, 403);
  // Markup is stored as text and escaped on the page.
  const std::string id = Report(tanto, R"(,"place":"<script>alert(1)</script>")");
  HttpReply page = Get(tanto, "/incidents/" + id);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;"), std::string::npos);
  // The 管理者 finds the step to do at the top of the case page, above the facts and the
  // timeline; tanto (who may not do it) sees who does it, below the facts.
  HttpReply for_kanri = Get(LogIn("kanri"), "/incidents/" + id);
  const std::size_t form = for_kanri.body.find("/steps/kanri_report\"");
  ASSERT_NE(form, std::string::npos) << for_kanri.body;
  EXPECT_LT(form, for_kanri.body.find("<dt>事案番号</dt>"));
  EXPECT_LT(form, for_kanri.body.find("記録 (時系列)"));
  EXPECT_EQ(page.body.find("/steps/kanri_report\""), std::string::npos);
  EXPECT_GT(page.body.find("あなたの役割では記録できません"), page.body.find("<dt>事案番号</dt>"));
  // Not logged in.
  EXPECT_EQ(Http(port_, "GET", "/api/v1/console/incidents", "").status, 401);
  EXPECT_EQ(Http(port_, "GET", "/incidents", "").status, 303);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, IncidentApiTest, ::testing::Values("sqlite"),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Backends, IncidentBothBackendsTest,
                         ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace central
