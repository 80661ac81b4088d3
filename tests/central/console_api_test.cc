// The web console through the real sendguard-central: users made with the CLI, logged in
// over HTTP, every role against every endpoint (RBAC in the API), and the security
// properties — CSRF, session fixation, logout, lock-out with an alert, XSS inertness, SQL
// metacharacters in filters, cross-origin refusal, access records.
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

const char kPolicy[] = R"({
  "version": 1,
  "organization": "会津美里町",
  "internal_domains": ["town.aizumisato.lg.jp"]
})";

struct Login {
  std::string cookie;  // "sg_session=..."
  std::string csrf;
};

Poco::JSON::Object::Ptr ParseObject(const std::string& body) {
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

class ConsoleApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  static constexpr const char* kRoles[] = {"soukatsu", "hogo",  "kanri",
                                           "kansa",    "tanto", "sysadmin"};

  void SetUp() override {
    db_ = central_test::NewDatabase(GetParam(), dir_.path());
    ASSERT_FALSE(db_.empty());
    state_ = (dir_.path() / "state").string();
    ASSERT_EQ(Cli({"section", "add", "--db", db_, "--name", "税務課"}).exit_code, 0);
    ASSERT_EQ(Cli({"section", "add", "--db", db_, "--name", "総務課"}).exit_code, 0);
    for (const char* role : kRoles) AddUser(role, "税務課", role);
    AddUser("kanri-soumu", "総務課", "kanri");
    zeimu_token_ = Enroll("zeimu-pc", "税務課");
    soumu_token_ = Enroll("soumu-pc", "総務課");
    Enroll("revoke-me", "総務課");
    { std::ofstream(dir_.path() / "policy.json") << kPolicy; }
    CommandRun pushed = Cli({"policy", "push", "--db", db_, "--state-dir", state_,
                             (dir_.path() / "policy.json").string()});
    ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
    port_ = FreePort();
    server_ =
        std::make_unique<Process>(std::vector<std::string>{CentralBinary(), "serve", "--listen",
                                                           "127.0.0.1:" + std::to_string(port_),
                                                           "--db", db_, "--state-dir", state_},
                                  dir_.path() / "serve");
    ASSERT_TRUE(central_test::WaitForPort(port_));
    PostEvent(
        zeimu_token_, "ev-zeimu", "2026-11-29T01:00:00Z",
        R"("subject":"課税台帳の送付","user":"hanako","recipients":[{"address":"a@tax.example.co.jp","external":true}])");
    PostEvent(
        soumu_token_, "ev-soumu", "2026-11-29T02:00:00Z",
        R"("subject":"会議","recipients":[{"address":"b@soumu.example.jp","external":true}])");
  }

  CommandRun Cli(std::vector<std::string> args) {
    args.insert(args.begin(), CentralBinary());
    return RunCommand(args);
  }

  // user add with the password on stdin.
  CommandRun AddUser(const std::string& login, const std::string& section, const std::string& roles,
                     const std::string& name = "") {
    const fs::path pw = dir_.path() / "pw";
    std::ofstream(pw) << Password(login) << "\n";
    CommandRun r =
        RunCommand({"/bin/sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", pw.string(),
                    CentralBinary(), "user", "add", "--db", db_, "--login", login, "--name",
                    name.empty() ? "職員 " + login : name, "--section", section, "--role", roles});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }

  static std::string Password(const std::string& login) { return "pw-" + login + "-secret"; }

  std::string Enroll(const std::string& name, const std::string& section) {
    CommandRun r = Cli({"agent", "enroll", "--db", db_, "--name", name, "--section", section});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string token = r.out;
    while (!token.empty() && token.back() == '\n') token.pop_back();
    return token;
  }

  void PostEvent(const std::string& token, const std::string& id, const std::string& time,
                 const std::string& fields) {
    HttpReply r = Http(port_, "POST", "/api/v1/events", token,
                       R"({"events":[{"id":")" + id + R"(","kind":"send_blocked","time":")" + time +
                           R"(",)" + fields + "}]}");
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_NE(r.body.find("\"stored\":1"), std::string::npos) << r.body;
  }

  HttpReply LoginRequest(const std::string& login, const std::string& password,
                         const std::map<std::string, std::string>& headers = {}) {
    return Http(port_, "POST", "/api/v1/console/login", "",
                R"({"login":")" + login + R"(","password":")" + password + R"("})", headers);
  }

  Login LogIn(const std::string& login) {
    HttpReply r = LoginRequest(login, Password(login));
    EXPECT_EQ(r.status, 200) << login << ": " << r.body;
    Login out;
    const std::string set_cookie = r.headers["Set-Cookie"];
    out.cookie = set_cookie.substr(0, set_cookie.find(';'));
    if (r.status == 200) out.csrf = ParseObject(r.body)->getValue<std::string>("csrf_token");
    return out;
  }

  HttpReply Get(const Login& l, const std::string& path) {
    return Http(port_, "GET", path, "", "", {{"Cookie", l.cookie}});
  }

  HttpReply Post(const Login& l, const std::string& path, const std::string& body,
                 const std::string& csrf) {
    std::map<std::string, std::string> headers{{"Cookie", l.cookie}};
    if (!csrf.empty()) headers["X-CSRF-Token"] = csrf;
    return Http(port_, "POST", path, "", body, headers);
  }

  TempDir dir_;
  std::string db_, state_, zeimu_token_, soumu_token_;
  int port_ = 0;
  std::unique_ptr<Process> server_;
};

// Who may do what: every role against every endpoint.
using Rule = central_test::RoleRule;

TEST_P(ConsoleApiTest, EveryRoleAgainstEveryEndpoint) {
  const std::set<std::string> all = {"soukatsu", "hogo", "kanri", "kansa", "tanto", "sysadmin"};
  const std::set<std::string> events = {"soukatsu", "hogo", "kanri", "kansa"};
  const std::set<std::string> it_read = {"sysadmin", "kansa"};
  const std::set<std::string> it_write = {"sysadmin"};
  const std::set<std::string> audit = {"kansa"};
  const std::string publish =
      std::string(R"({"text":)") + R"("{\"internal_domains\":[\"town.aizumisato.lg.jp\"]}"})";
  const std::vector<Rule> rules = {
      {"GET", "/api/v1/console/session", "", all, 200},
      {"GET", "/api/v1/console/sections", "", all, 200},
      {"GET", "/api/v1/console/events", "", events, 200},
      {"GET", "/api/v1/console/events?domain=example.co.jp", "", events, 200},
      {"GET", "/api/v1/console/events.csv", "", events, 200},
      {"GET", "/api/v1/console/near-misses", "", events, 200},
      {"GET", "/api/v1/console/dashboard", "", all, 200},
      {"GET", "/api/v1/console/events/ev-zeimu", "", events, 200},
      {"GET", "/api/v1/console/agents", "", it_read, 200},
      {"POST", "/api/v1/console/agents", R"({"name":"new-pc-ROLE","section":"税務課"})", it_write,
       201},
      {"POST", "/api/v1/console/agents/revoke-me/token", "{}", it_write, 200},
      {"POST", "/api/v1/console/agents/revoke-me/revoke", "{}", it_write, 200},
      {"GET", "/api/v1/console/policy", "", it_read, 200},
      {"POST", "/api/v1/console/policy/check", publish, it_write, 200},
      {"POST", "/api/v1/console/policy", publish, it_write, 200},
      {"GET", "/api/v1/console/policy/history", "", it_read, 200},
      {"POST", "/api/v1/console/policy/rollback", R"({"version":1})", it_write, 200},
      {"GET", "/api/v1/console/access", "", audit, 200},
      {"GET", "/api/v1/console/access.csv", "", audit, 200},
      {"GET", "/api/v1/console/alerts", "", audit, 200},
      {"GET", "/", "", all, 200},
      {"GET", "/events", "", events, 200},
      {"GET", "/events/ev-zeimu", "", events, 200},
      {"GET", "/events.csv", "", events, 200},
      {"GET", "/agents", "", it_read, 200},
      {"GET", "/policy", "", it_read, 200},
      {"GET", "/policy/history", "", it_read, 200},
      {"GET", "/access", "", audit, 200},
      {"GET", "/access.csv", "", audit, 200},
  };
  std::map<std::string, Login> logins;
  central_test::ExpectRoleMatrix({std::begin(kRoles), std::end(kRoles)}, rules,
                                 [&](const std::string& role, const Rule& rule) {
                                   if (!logins.count(role)) logins[role] = LogIn(role);
                                   const Login& l = logins[role];
                                   std::string body = rule.body;
                                   if (const auto at = body.find("ROLE"); at != std::string::npos)
                                     body.replace(at, 4, role);
                                   return rule.method == "GET" ? Get(l, rule.path)
                                                               : Post(l, rule.path, body, l.csrf);
                                 });
  // Without a session: the API says 401, pages send to the login page.
  for (const Rule& rule : rules) {
    HttpReply r = Http(port_, rule.method, rule.path, "", rule.body);
    const bool api = rule.path.rfind("/api/", 0) == 0;
    EXPECT_EQ(r.status, api ? 401 : 303) << rule.path;
  }
}

TEST_P(ConsoleApiTest, AManagerSeesNothingOfAnotherSection) {
  const Login soumu = LogIn("kanri-soumu");
  HttpReply list = Get(soumu, "/api/v1/console/events");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("ev-soumu"), std::string::npos);
  EXPECT_EQ(list.body.find("ev-zeimu"), std::string::npos) << list.body;
  // Asking for the other section by filter, by id, by CSV, by page: nothing.
  HttpReply filtered = Get(soumu, "/api/v1/console/events?section=%E7%A8%8E%E5%8B%99%E8%AA%B2");
  ASSERT_EQ(filtered.status, 200);
  EXPECT_EQ(filtered.body.find("ev-"), std::string::npos) << filtered.body;
  EXPECT_EQ(Get(soumu, "/api/v1/console/events/ev-zeimu").status, 404);
  EXPECT_EQ(Get(soumu, "/events/ev-zeimu").status, 404);
  HttpReply csv = Get(soumu, "/api/v1/console/events.csv");
  EXPECT_EQ(csv.body.find("ev-zeimu"), std::string::npos);
  EXPECT_NE(csv.body.find("ev-soumu"), std::string::npos);
  HttpReply page = Get(soumu, "/events?domain=tax.example.co.jp");
  EXPECT_EQ(page.body.find("課税台帳"), std::string::npos);
  // The all-sections roles see both.
  const Login hogo = LogIn("hogo");
  HttpReply both = Get(hogo, "/api/v1/console/events");
  EXPECT_NE(both.body.find("ev-zeimu"), std::string::npos);
  EXPECT_NE(both.body.find("ev-soumu"), std::string::npos);
}

// The dashboard counts what the role may see: every section, the section head's own, or
// the staff member's own events; agents only for those who may see them.
TEST_P(ConsoleApiTest, DashboardCountsWhatEachRoleMaySee) {
  PostEvent(zeimu_token_, "ev-own", "2026-11-30T01:00:00Z",
            R"("subject":"自分の送信","user":"tanto","recipients":[])");
  auto dashboard = [&](const std::string& login) {
    HttpReply r = Get(LogIn(login), "/api/v1/console/dashboard?to=2026-12-05&weeks=2");
    EXPECT_EQ(r.status, 200) << r.body;
    return ParseObject(r.body);
  };
  auto sections = [](const Poco::JSON::Object::Ptr& d) {
    std::map<std::string, std::string> out;  // section -> counts
    auto a = d->getArray("near_misses");
    for (std::size_t i = 0; i < a->size(); ++i) {
      std::ostringstream counts;
      a->getObject(i)->getArray("counts")->stringify(counts);
      out[a->getObject(i)->getValue<std::string>("section")] = counts.str();
    }
    return out;
  };
  auto all = dashboard("soukatsu");
  EXPECT_EQ(all->getValue<std::string>("scope"), "all");
  EXPECT_EQ(sections(all),
            (std::map<std::string, std::string>{{"税務課", "[1,1]"}, {"総務課", "[1,0]"}}));
  EXPECT_EQ(all->getObject("agents")->getValue<int>("total"), 3);
  auto kanri = dashboard("kanri");
  EXPECT_EQ(kanri->getValue<std::string>("scope"), "section");
  EXPECT_EQ(sections(kanri), (std::map<std::string, std::string>{{"税務課", "[1,1]"}}));
  EXPECT_EQ(kanri->getObject("agents")->getValue<int>("total"), 1);  // zeimu-pc only
  auto tanto = dashboard("tanto");
  EXPECT_EQ(tanto->getValue<std::string>("scope"), "own");
  EXPECT_EQ(sections(tanto), (std::map<std::string, std::string>{{"税務課", "[0,1]"}}));
  EXPECT_FALSE(tanto->has("agents"));
  EXPECT_EQ(tanto->getArray("tiles")->size(), 2u);  // placeholders until issue 12 fills them
  EXPECT_EQ(Get(LogIn("kanri"), "/api/v1/console/dashboard?weeks=x").status, 400);
  HttpReply page = Get(LogIn("kanri"), "/?to=2026-12-05");
  EXPECT_NE(page.body.find("<svg"), std::string::npos);
  EXPECT_EQ(page.body.find("総務課 ("), std::string::npos);  // no other section in legends
}

TEST_P(ConsoleApiTest, EventsAreFoundByRecipientDomainAndExportedAsCsvWithBom) {
  const Login kanri = LogIn("kanri");
  HttpReply found =
      Get(kanri, "/api/v1/console/events?domain=example.co.jp&subject=%E5%8F%B0%E5%B8%B3");
  ASSERT_EQ(found.status, 200);
  auto events = ParseObject(found.body)->getArray("events");
  ASSERT_EQ(events->size(), 1u) << found.body;
  EXPECT_EQ(events->getObject(0)->getValue<std::string>("id"), "ev-zeimu");
  EXPECT_EQ(events->getObject(0)->getValue<std::string>("section"), "税務課");
  // Near misses (blocks) per person and week, the manager's section only.
  HttpReply near = Get(kanri, "/api/v1/console/near-misses?to=2026-12-05&weeks=2");
  ASSERT_EQ(near.status, 200) << near.body;
  EXPECT_EQ(near.body,
            R"({"weeks":["2026-11-23","2026-11-30"],"rows":[{"section":"税務課","user":"hanako",)"
            R"("counts":[1,0],"total":1}],"truncated":false})");
  EXPECT_NE(Get(kanri, "/").body.find("ヒヤリハット"), std::string::npos);
  HttpReply csv = Get(kanri, "/events.csv?domain=example.co.jp");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF", 0), 0u);
  EXPECT_NE(csv.headers["Content-Type"].find("text/csv"), std::string::npos);
  EXPECT_NE(csv.body.find("課税台帳の送付"), std::string::npos);
  EXPECT_NE(csv.body.find("送信を止めた"), std::string::npos);
}

TEST_P(ConsoleApiTest, StateChangesNeedTheSessionsCsrfToken) {
  const Login admin = LogIn("sysadmin");
  const std::string body = R"({"name":"csrf-pc"})";
  EXPECT_EQ(Post(admin, "/api/v1/console/agents", body, "").status, 403);
  EXPECT_EQ(Post(admin, "/api/v1/console/agents", body, "wrong").status, 403);
  const Login other = LogIn("kansa");  // another session's token is wrong too
  EXPECT_EQ(Post(admin, "/api/v1/console/agents", body, other.csrf).status, 403);
  HttpReply agents = Get(admin, "/api/v1/console/agents");
  EXPECT_EQ(agents.body.find("csrf-pc"), std::string::npos) << "refused requests changed nothing";
  // A form without its csrf_token field is refused as well.
  HttpReply form =
      Http(port_, "POST", "/agents/enroll", "", "name=csrf-pc",
           {{"Cookie", admin.cookie}, {"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 403);
  // Cross-origin, even with the right token.
  HttpReply cross = Http(
      port_, "POST", "/api/v1/console/agents", "", body,
      {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}, {"Origin", "http://evil.example"}});
  EXPECT_EQ(cross.status, 403);
  HttpReply ok = Post(admin, "/api/v1/console/agents", body, admin.csrf);
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ParseObject(ok.body)->getValue<std::string>("token").rfind("sga_", 0), 0u);
}

TEST_P(ConsoleApiTest, LoginIssuesAFreshSessionAndLogoutEndsIt) {
  // Fixation: a cookie the browser had before login (planted, or an earlier session) is
  // not the session after login, and no longer works.
  const Login before = LogIn("kanri");
  HttpReply fixed = LoginRequest("kanri", Password("kanri"), {{"Cookie", before.cookie}});
  ASSERT_EQ(fixed.status, 200);
  const std::string after =
      fixed.headers["Set-Cookie"].substr(0, fixed.headers["Set-Cookie"].find(';'));
  EXPECT_NE(after, before.cookie);
  EXPECT_EQ(Get(before, "/api/v1/console/session").status, 401);
  HttpReply planted = LoginRequest("kanri", Password("kanri"), {{"Cookie", "sg_session=planted"}});
  EXPECT_EQ(planted.headers["Set-Cookie"].find("planted"), std::string::npos);
  EXPECT_EQ(Get(Login{"sg_session=planted", ""}, "/api/v1/console/session").status, 401);
  // Cookie attributes.
  EXPECT_NE(fixed.headers["Set-Cookie"].find("HttpOnly"), std::string::npos);
  EXPECT_NE(fixed.headers["Set-Cookie"].find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(fixed.headers["Set-Cookie"].find("Path=/"), std::string::npos);
  // Logout.
  Login now{after, ParseObject(fixed.body)->getValue<std::string>("csrf_token")};
  EXPECT_EQ(Get(now, "/api/v1/console/session").status, 200);
  EXPECT_EQ(Post(now, "/api/v1/console/logout", "{}", now.csrf).status, 200);
  EXPECT_EQ(Get(now, "/api/v1/console/session").status, 401);
  // Pages carry the strict CSP.
  HttpReply page = Http(port_, "GET", "/login", "", "");
  EXPECT_EQ(page.headers["Content-Security-Policy"],
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'");
}

TEST_P(ConsoleApiTest, FiveFailuresLockTheLoginAndRaiseAnAlert) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(LoginRequest("kanri", "wrong-password").status, 401);
  HttpReply locked = LoginRequest("kanri", Password("kanri"));
  EXPECT_EQ(locked.status, 429) << locked.body;
  // Others are not locked; the auditor sees the alert and the access records.
  const Login kansa = LogIn("kansa");
  HttpReply alerts = Get(kansa, "/api/v1/console/alerts");
  ASSERT_EQ(alerts.status, 200);
  EXPECT_NE(alerts.body.find("login_locked"), std::string::npos);
  EXPECT_NE(alerts.body.find("\"kanri\""), std::string::npos);
  HttpReply access = Get(kansa, "/api/v1/console/access?action=login");
  EXPECT_NE(access.body.find("alert login_locked kanri"), std::string::npos) << access.body;
  HttpReply page = Get(kansa, "/access");
  EXPECT_NE(page.body.find("ロックしました"), std::string::npos);
  // An unknown login is refused the same way (no account probing by message).
  HttpReply unknown = LoginRequest("nobody", "whatever");
  EXPECT_EQ(unknown.status, 401);
}

TEST_P(ConsoleApiTest, EveryViewAndChangeIsAnAccessRecordWithUserAndRole) {
  const Login kanri = LogIn("kanri");
  ASSERT_EQ(Get(kanri, "/events/ev-zeimu").status, 200);
  const Login admin = LogIn("sysadmin");
  ASSERT_EQ(Post(admin, "/api/v1/console/agents/revoke-me/revoke", "{}", admin.csrf).status, 200);
  CommandRun report =
      Cli({"report", "access", "--db", db_, "--from", "2000-01-01", "--to", "2100-01-01"});
  ASSERT_EQ(report.exit_code, 0);
  EXPECT_NE(report.out.find("web:kanri (kanri),GET /events/ev-zeimu,200"), std::string::npos)
      << report.out;
  EXPECT_NE(
      report.out.find("web:sysadmin (sysadmin),POST /api/v1/console/agents/revoke-me/revoke,200"),
      std::string::npos);
  // The revoked agent is refused by the agent API on the same listener.
  HttpReply agents = Get(admin, "/api/v1/console/agents");
  EXPECT_NE(agents.body.find(R"("name":"revoke-me","section":"総務課")"), std::string::npos)
      << agents.body;
}

TEST_P(ConsoleApiTest, XssPayloadsAreRenderedInert) {
  const std::string script = "<script>alert(1)</script>";
  const std::string img = "\\\"><img src=x onerror=alert(1)>.xlsx";
  PostEvent(
      zeimu_token_, "ev-xss", "2026-11-30T01:00:00Z",
      R"("subject":"<script>alert(1)</script>","user":"<b>u</b>","attachments":[{"name":")" + img +
          R"(","class":1,"findings":{"my_number":1}}],"recipients":[{"address":"x@<i>evil</i>.jp","external":true}])");
  AddUser("xss-user", "税務課", "hogo", "<script>alert('name')</script>");
  const Login l = LogIn("xss-user");
  for (const std::string path : {"/events", "/events/ev-xss", "/"}) {
    HttpReply r = Get(l, path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body.find("<script"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("<img"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("<b>u"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("<i>evil"), std::string::npos) << path;
  }
  HttpReply detail = Get(l, "/events/ev-xss");
  EXPECT_NE(detail.body.find("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"), std::string::npos);
  EXPECT_NE(detail.body.find("&lt;img src=x onerror=alert(1)&gt;.xlsx"), std::string::npos);
  // The JSON API is JSON (not HTML) and says so.
  HttpReply api = Get(l, "/api/v1/console/events/ev-xss");
  EXPECT_EQ(api.headers["Content-Type"].find("application/json"), 0u);
  EXPECT_EQ(api.headers["X-Content-Type-Options"], "nosniff");
  // CSV: a formula is written as text.
  PostEvent(zeimu_token_, "ev-formula", "2026-11-30T02:00:00Z",
            R"j("subject":"=HYPERLINK(\"http://x\")")j");
  HttpReply csv = Get(l, "/events.csv");
  EXPECT_NE(csv.body.find("'=HYPERLINK"), std::string::npos);
}

TEST_P(ConsoleApiTest, SqlMetacharactersInEveryFilterMatchNothingAndBreakNothing) {
  const Login l = LogIn("hogo");
  const std::vector<std::string> payloads = {"%27%20OR%20%271%27%3D%271", "%25", "_",
                                             "%22%3B%20DROP%20TABLE%20events%3B%20--", "%5C"};
  for (const std::string& p : payloads) {
    for (const std::string filter : {"agent", "kind", "section", "user", "domain", "subject"}) {
      HttpReply r = Get(l, "/api/v1/console/events?" + filter + "=" + p);
      ASSERT_EQ(r.status, 200) << filter << "=" << p;
      EXPECT_EQ(r.body.find("ev-"), std::string::npos) << filter << "=" << p << ": " << r.body;
      EXPECT_EQ(Get(l, "/events?" + filter + "=" + p).status, 200);
    }
    for (const std::string filter : {"from", "to"}) {
      EXPECT_EQ(Get(l, "/api/v1/console/events?" + filter + "=" + p).status, 400);
    }
  }
  const Login kansa = LogIn("kansa");
  for (const std::string& p : payloads) {
    EXPECT_EQ(Get(kansa, "/api/v1/console/access?who=" + p + "&action=" + p).status, 200);
  }
  HttpReply all = Get(l, "/api/v1/console/events");
  EXPECT_NE(all.body.find("ev-zeimu"), std::string::npos) << "the events table is intact";
}

TEST_P(ConsoleApiTest, PolicyIsCheckedInJapaneseDiffedPublishedAndRolledBack) {
  const Login admin = LogIn("sysadmin");
  HttpReply bad =
      Post(admin, "/api/v1/console/policy/check",
           R"({"text":"{\"internal_domains\":[],\"lookalike_domains\":\"maybe\"}"})", admin.csrf);
  ASSERT_EQ(bad.status, 200);
  auto checked = ParseObject(bad.body);
  EXPECT_FALSE(checked->getValue<bool>("valid"));
  EXPECT_NE(bad.body.find("ドメインを 1 つ以上書いてください"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("のどれかにしてください"), std::string::npos) << bad.body;
  HttpReply refused =
      Post(admin, "/api/v1/console/policy", R"({"text":"{\"internal_domains\":[]}"})", admin.csrf);
  EXPECT_EQ(refused.status, 400);
  const std::string text =
      R"({"text":"{\n  \"organization\": \"会津美里町\",\n  \"internal_domains\": [\"town.aizumisato.lg.jp\", \"aizumisato.lg.jp\"]\n}\n"})";
  HttpReply diff = Post(admin, "/api/v1/console/policy/check", text, admin.csrf);
  EXPECT_NE(
      diff.body.find(
          "+  \\\"internal_domains\\\": [\\\"town.aizumisato.lg.jp\\\", \\\"aizumisato.lg.jp\\\"]"),
      std::string::npos)
      << diff.body;
  HttpReply published = Post(admin, "/api/v1/console/policy", text, admin.csrf);
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_EQ(published.body, R"({"version":2})");
  // Agents get it signed, through the agent API.
  HttpReply agent = Http(port_, "GET", "/api/v1/policy", zeimu_token_);
  EXPECT_NE(agent.body.find("\"version\":2"), std::string::npos);
  HttpReply rolled = Post(admin, "/api/v1/console/policy/rollback", R"({"version":1})", admin.csrf);
  ASSERT_EQ(rolled.status, 200) << rolled.body;
  EXPECT_EQ(rolled.body, R"({"version":3})");
  HttpReply history = Get(admin, "/api/v1/console/policy/history");
  auto versions = ParseObject(history.body)->getArray("versions");
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ(versions->getObject(0)->getValue<std::string>("published_by"), "sysadmin");
  EXPECT_EQ(versions->getObject(2)->getValue<std::string>("published_by"), "");  // the CLI
  HttpReply current = Get(admin, "/api/v1/console/policy");
  EXPECT_EQ(current.body.find("\\\"aizumisato.lg.jp"), std::string::npos) << "version 1's text";
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsoleApiTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// Sessions live in the database: two `serve` processes on one PostgreSQL share them.
class ConsoleTwoServersTest : public ConsoleApiTest {};

TEST_P(ConsoleTwoServersTest, LogInOnOneActOnTheOther) {
  const int second_port = FreePort();
  Process second({CentralBinary(), "serve", "--listen", "127.0.0.1:" + std::to_string(second_port),
                  "--db", db_, "--state-dir", state_},
                 dir_.path() / "serve2");
  ASSERT_TRUE(central_test::WaitForPort(second_port));
  const Login admin = LogIn("sysadmin");  // on the first
  const int first_port = port_;
  port_ = second_port;
  EXPECT_EQ(Get(admin, "/api/v1/console/session").status, 200);
  HttpReply enrolled =
      Post(admin, "/api/v1/console/agents", R"({"name":"via-second"})", admin.csrf);
  EXPECT_EQ(enrolled.status, 201) << enrolled.body;
  EXPECT_EQ(Post(admin, "/api/v1/console/logout", "{}", admin.csrf).status, 200);
  port_ = first_port;
  EXPECT_EQ(Get(admin, "/api/v1/console/session").status, 401) << "logged out everywhere";
  const Login again = LogIn("sysadmin");
  HttpReply agents = Get(again, "/api/v1/console/agents");
  EXPECT_NE(agents.body.find("via-second"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Postgresql, ConsoleTwoServersTest, ::testing::Values("postgresql"),
                         [](const auto& info) { return info.param; });

TEST(ConsoleTlsTest, OverTlsTheSessionCookieIsSecure) {
  if (!fs::exists("/usr/bin/openssl") || !fs::exists("/usr/bin/curl"))
    GTEST_FAIL() << "needs openssl and curl (apt-get install -y openssl curl)";
  TempDir dir;
  const std::string cert = (dir.path() / "cert.pem").string(),
                    key = (dir.path() / "key.pem").string();
  ASSERT_EQ(RunCommand({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"})
                .exit_code,
            0);
  const std::string db = "sqlite:" + (dir.path() / "c.db").string();
  ASSERT_EQ(
      RunCommand({CentralBinary(), "section", "add", "--db", db, "--name", "総務課"}).exit_code, 0);
  std::ofstream(dir.path() / "pw") << "tls-password-1\n";
  CommandRun added = RunCommand({"/bin/sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh",
                                 (dir.path() / "pw").string(), CentralBinary(), "user", "add",
                                 "--db", db, "--login", "admin", "--name", "管理 者", "--section",
                                 "総務課", "--role", "sysadmin"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const int port = FreePort();
  Process server(
      {CentralBinary(), "serve", "--listen", "127.0.0.1:" + std::to_string(port), "--db", db,
       "--state-dir", (dir.path() / "state").string(), "--tls-cert", cert, "--tls-key", key},
      dir.path() / "serve");
  ASSERT_TRUE(central_test::WaitForPort(port));
  CommandRun login =
      RunCommand({"/usr/bin/curl", "-s", "-D", "-", "-o", "/dev/null", "--cacert", cert, "-H",
                  "Content-Type: application/json", "--data",
                  R"({"login":"admin","password":"tls-password-1"})",
                  "https://localhost:" + std::to_string(port) + "/api/v1/console/login"});
  EXPECT_NE(login.out.find("HTTP/1.1 200"), std::string::npos) << login.out << login.err;
  EXPECT_NE(login.out.find("; HttpOnly; SameSite=Strict; Secure"), std::string::npos) << login.out;
}

}  // namespace
}  // namespace central
