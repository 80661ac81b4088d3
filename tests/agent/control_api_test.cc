// The control API and the confirmation page of the real agent binary, on loopback, with
// swaks as the mail client and Postfix's smtp-sink as the organisation's mail server: a
// prompt's answer is read with a real JSON parser, the page is only for the user who holds
// a one-time link, and a page from elsewhere cannot answer for the user.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "process_support.h"

namespace agent {
namespace {

using testing::CommandRun;
using testing::FreePort;
using testing::Process;
using testing::Read;
using testing::Shell;
using testing::WaitForPort;
namespace fs = std::filesystem;
const std::string kMail = std::string(SENDGUARD_CORPUS_DIR) + "/mail";

struct HttpResult {
  int status = 0;
  std::string reason;
  std::string body;
  Poco::Net::NameValueCollection headers;
  std::string Header(const std::string& name) const { return headers.get(name, ""); }
};

struct HttpRequest {
  std::string method = "GET";
  std::string path;
  std::string body;
  std::string bearer;  // Authorization: Bearer ...
  std::string cookie;  // Cookie: ...
  std::string origin;  // Origin: ...
  std::string content_type;
};

class ControlApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists("/usr/sbin/smtp-sink")) << "needs smtp-sink (apt-get install postfix)";
    ASSERT_TRUE(fs::exists("/usr/bin/swaks")) << "needs swaks (apt-get install swaks)";
    dir_ = fs::temp_directory_path() / ("sendguard_control_test_" + std::to_string(getpid()) + "_" +
                                        std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sink");
  }
  void TearDown() override {
    agent_.reset();
    sink_.reset();
    fs::remove_all(dir_);
  }

  // smtp-sink and the agent relaying to it, prompts waiting `prompt_timeout` seconds.
  void Start(const std::string& prompt_timeout = "30") {
    const int sink_port = FreePort();
    sink_ = std::make_unique<Process>(std::vector<std::string>{
        "/usr/sbin/smtp-sink", "-u", "root", "-d", (dir_ / "sink" / "%M.").string(),
        "127.0.0.1:" + std::to_string(sink_port), "20"});
    ASSERT_TRUE(WaitForPort(sink_port)) << "smtp-sink did not start";
    agent_port_ = FreePort();
    control_port_ = FreePort();
    agent_ = std::make_unique<Process>(
        std::vector<std::string>{
            AGENT_BINARY, "--listen", "127.0.0.1:" + std::to_string(agent_port_), "--upstream",
            "127.0.0.1:" + std::to_string(sink_port), "--policy", kMail + "/policy.json",
            "--state-dir", (dir_ / "state").string(), "--control-listen",
            "127.0.0.1:" + std::to_string(control_port_), "--prompt-timeout", prompt_timeout},
        (dir_ / "agent.log").string());
    ASSERT_TRUE(WaitForPort(agent_port_)) << "the agent did not start";
    ASSERT_TRUE(WaitForPort(control_port_)) << "the control API did not start";
    token_ = Read(dir_ / "state" / "control.token");
    while (!token_.empty() && (token_.back() == '\n' || token_.back() == '\r')) token_.pop_back();
  }

  std::string Origin() const { return "http://127.0.0.1:" + std::to_string(control_port_); }

  HttpResult Http(const HttpRequest& r) {
    HttpResult out;
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(control_port_));
    Poco::Net::HTTPRequest req(r.method, r.path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setHost("127.0.0.1:" + std::to_string(control_port_));
    if (!r.bearer.empty()) req.set("Authorization", "Bearer " + r.bearer);
    if (!r.cookie.empty()) req.set("Cookie", r.cookie);
    if (!r.origin.empty()) req.set("Origin", r.origin);
    if (!r.content_type.empty()) req.setContentType(r.content_type);
    if (!r.body.empty() || r.method == "POST")
      req.setContentLength(static_cast<std::streamsize>(r.body.size()));
    session.sendRequest(req) << r.body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    out.status = res.getStatus();
    out.reason = res.getReason();
    for (const auto& [name, value] : res) out.headers.add(name, value);
    std::stringstream ss;
    ss << in.rdbuf();
    out.body = ss.str();
    return out;
  }

  HttpResult Api(const std::string& method, const std::string& path, const std::string& body = "") {
    return Http({method, path, body, token_, "", "", ""});
  }

  // Answers prompt `id` through the API with `body`.
  HttpResult Answer(const std::string& id, const std::string& body) {
    return Api("POST", "/v1/prompts/" + id, body);
  }

  // Waits until one prompt is pending and returns its id.
  std::string WaitForPrompt() {
    for (int i = 0; i < 200; ++i) {
      const HttpResult r = Api("GET", "/v1/prompts");
      const std::size_t at = r.body.find("\"id\":\"");
      if (at != std::string::npos) return r.body.substr(at + 6, r.body.find('"', at + 6) - at - 6);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

  // Mints a one-time link through the API, opens it and returns the session cookie
  // ("name=value"), or "" when that fails.
  std::string OpenSession() {
    const HttpResult link = Api("POST", "/v1/page-link");
    const std::string marker = "/confirm?k=";
    const std::size_t at = link.body.find(marker);
    if (link.status != 200 || at == std::string::npos) return "";
    const std::string path = link.body.substr(at, link.body.find('"', at) - at);
    const HttpResult opened = Http({"GET", path, "", "", "", "", ""});
    const std::string set = opened.Header("Set-Cookie");
    return opened.status == 200 ? set.substr(0, set.find(';')) : "";
  }

  // The CSRF token of the first prompt on the page seen with `cookie`.
  std::string CsrfFromPage(const std::string& cookie) {
    const HttpResult page = Http({"GET", "/confirm", "", "", cookie, "", ""});
    const std::string marker = "name=\"csrf\" value=\"";
    const std::size_t at = page.body.find(marker);
    return at == std::string::npos ? "" : page.body.substr(at + marker.size(), 64);
  }

  HttpResult PostForm(const std::string& id, const std::string& form, const std::string& cookie,
                      const std::string& origin) {
    return Http(
        {"POST", "/confirm/" + id, form, "", cookie, origin, "application/x-www-form-urlencoded"});
  }

  CommandRun Send(const std::string& eml, const std::string& to = "a.yamada@example.ne.jp") {
    return Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                 " --from sender@city.honjo.lg.jp --to " + to + " --data " + kMail + "/" + eml);
  }

  std::size_t Delivered() {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_ / "sink")) n += e.is_regular_file();
    return n;
  }

  fs::path dir_;
  int agent_port_ = 0;
  int control_port_ = 0;
  std::string token_;
  std::unique_ptr<Process> sink_;
  std::unique_ptr<Process> agent_;
  static inline int counter_ = 0;
};

// Item 1 of issue 10: the answer is the one `decision` member of a JSON object, nothing else.
TEST_F(ControlApiTest, OnlyASingleValidDecisionMemberAnswersAPrompt) {
  Start();
  CommandRun run;
  std::thread client([&] { run = Send("p12_residents_xlsx_external.eml"); });
  const std::string id = WaitForPrompt();
  ASSERT_FALSE(id.empty());
  const std::vector<std::string> bad = {
      R"({"decision":"cancel","note":"send"})",
      R"({"decision":"send","decision":"cancel"})",
      R"({"decision":"cancel","decision":"send"})",
      R"({"decision":"send","decision":"send"})",
      R"({"decision":"cancel","comment":["send"]})",
      R"({"note":"send"})",
      R"({"decision":["send"]})",
      R"({"decision":{"send":true}})",
      R"({"decision":"SEND"})",
      R"({"decision":" send"})",
      R"({"decision":"send\u0000"})",
      R"({"decision":1})",
      R"({"decision":true})",
      R"({"decision":null})",
      R"(["send"])",
      R"("send")",
      R"({"decision":"send"} {"decision":"cancel"})",
      R"({"decision":"send")",
      R"({"decision":"send",})",
      R"({decision:"send"})",
      R"({"decision":"send"} trailing)",
      R"(/* "send" */ {"decision":"cancel","x":1})",
      "",
      "send",
  };
  for (const std::string& body : bad) {
    const HttpResult r = Answer(id, body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
  }
  // Still pending: none of them answered the prompt.
  EXPECT_EQ(WaitForPrompt(), id);
  EXPECT_EQ(Delivered(), 0u);
  EXPECT_EQ(Answer(id, R"( { "decision" : "cancel" } )").status, 200);
  client.join();
  EXPECT_NE(run.output.find("<** 550"), std::string::npos) << run.output;
  EXPECT_EQ(Delivered(), 0u);
}

TEST_F(ControlApiTest, AWellFormedSendIsDeliveredOnce) {
  Start();
  CommandRun run;
  std::thread client([&] { run = Send("p12_residents_xlsx_external.eml"); });
  const std::string id = WaitForPrompt();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Answer(id, "{\"decision\":\"send\"}").status, 200);
  client.join();
  EXPECT_NE(run.output.find("<-  250"), std::string::npos) << run.output;
  EXPECT_EQ(Delivered(), 1u);
  EXPECT_EQ(Answer(id, "{\"decision\":\"send\"}").status, 404);
}

// Item 4 of issue 10: only the holder of a one-time link sees the page or answers.
TEST_F(ControlApiTest, ConfirmationPageWithoutASessionShowsNothing) {
  Start();
  CommandRun run;
  std::thread client([&] { run = Send("p12_residents_xlsx_external.eml"); });
  const std::string id = WaitForPrompt();
  ASSERT_FALSE(id.empty());
  for (const std::string& cookie :
       {std::string(), "sendguard_" + std::to_string(control_port_) + "=" + std::string(64, '0')}) {
    const HttpResult page = Http({"GET", "/confirm", "", "", cookie, "", ""});
    EXPECT_EQ(page.status, 403) << cookie;
    EXPECT_EQ(page.reason, "Forbidden");
    EXPECT_NE(page.body.find("本人だけ"), std::string::npos) << page.body;
    EXPECT_EQ(page.body.find("a.yamada"), std::string::npos) << page.body;
    EXPECT_EQ(page.body.find("csrf"), std::string::npos) << page.body;
    EXPECT_EQ(page.body.find("meibo"), std::string::npos) << page.body;
  }
  // The bearer token is no way around it either, nor is a made-up key.
  EXPECT_EQ(Http({"GET", "/confirm", "", token_, "", "", ""}).status, 403);
  EXPECT_EQ(Http({"GET", "/confirm?k=" + std::string(64, 'a'), "", "", "", "", ""}).status, 403);
  EXPECT_EQ(Http({"POST", "/v1/page-link", "", "", "", "", ""}).status, 401);
  EXPECT_EQ(Answer(id, R"({"decision":"cancel"})").status, 200);
  client.join();
  EXPECT_EQ(Delivered(), 0u);
}

TEST_F(ControlApiTest, OneTimeLinkOpensASessionOnce) {
  Start();
  const HttpResult link = Api("POST", "/v1/page-link");
  ASSERT_EQ(link.status, 200);
  const std::string prefix = "http://127.0.0.1:" + std::to_string(control_port_) + "/confirm?k=";
  const std::size_t at = link.body.find(prefix);
  ASSERT_NE(at, std::string::npos) << link.body;
  const std::string path = link.body.substr(at + prefix.size() - 11,
                                            link.body.find('"', at) - (at + prefix.size() - 11));
  const HttpResult first = Http({"GET", path, "", "", "", "", ""});
  EXPECT_EQ(first.status, 200);
  const std::string set_cookie = first.Header("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_TRUE(set_cookie.find("Path=/") != std::string::npos ||
              set_cookie.find("path=/") != std::string::npos)
      << set_cookie;
  EXPECT_NE(first.body.find("url=/confirm"), std::string::npos) << first.body;
  const HttpResult second = Http({"GET", path, "", "", "", "", ""});
  EXPECT_EQ(second.status, 403);
  EXPECT_TRUE(second.Header("Set-Cookie").empty());
  EXPECT_NE(second.body.find("使用済み"), std::string::npos) << second.body;
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const HttpResult page = Http({"GET", "/confirm", "", "", cookie, "", ""});
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("確認を待っているメールはありません"), std::string::npos) << page.body;
  const std::string csp = page.Header("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(page.Header("X-Frame-Options"), "DENY");
}

TEST_F(ControlApiTest, AnswersFromElsewhereAreRefusedAndNothingIsSent) {
  Start();
  CommandRun run;
  std::thread client([&] { run = Send("p12_residents_xlsx_external.eml"); });
  const std::string id = WaitForPrompt();
  ASSERT_FALSE(id.empty());
  const std::string cookie = OpenSession();
  ASSERT_FALSE(cookie.empty());
  const std::string csrf = CsrfFromPage(cookie);
  ASSERT_EQ(csrf.size(), 64u);
  const std::string own = Origin();
  const std::string send = "csrf=" + csrf + "&decision=send";
  struct Case {
    std::string what, form, cookie, origin;
  };
  const std::vector<Case> cases = {
      {"no cookie", send, "", own},
      {"a made-up session", send,
       "sendguard_" + std::to_string(control_port_) + "=" + std::string(64, '1'), own},
      {"another origin", send, cookie, "http://evil.example"},
      {"another port", send, cookie, "http://127.0.0.1:1"},
      {"origin null", send, cookie, "null"},
      {"no origin or referer", send, cookie, ""},
      {"wrong csrf", "csrf=" + std::string(64, '0') + "&decision=send", cookie, own},
      {"no csrf", "decision=send", cookie, own},
      {"other decision", "csrf=" + csrf + "&decision=SEND", cookie, own},
  };
  for (const Case& c : cases) {
    const HttpResult r = PostForm(id, c.form, c.cookie, c.origin);
    EXPECT_EQ(r.status, 403) << c.what << ": " << r.body;
    EXPECT_EQ(r.reason, "Forbidden") << c.what;
  }
  EXPECT_EQ(WaitForPrompt(), id) << "still pending";
  EXPECT_EQ(Delivered(), 0u);
  // The page's own form, from the page's origin, with the session: sent once.
  const HttpResult ok = PostForm(id, send, cookie, own);
  EXPECT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(ok.Header("Location"), "/confirm");
  client.join();
  EXPECT_NE(run.output.find("<-  250"), std::string::npos) << run.output;
  EXPECT_EQ(Delivered(), 1u);
  EXPECT_EQ(PostForm(id, send, cookie, own).status, 404) << "answered once";
  EXPECT_EQ(Delivered(), 1u);
  // The page now says what happened.
  const HttpResult page = Http({"GET", "/confirm", "", "", cookie, "", ""});
  EXPECT_NE(page.body.find("「送信する」が選ばれました"), std::string::npos) << page.body;
}

// The page tells staff what is at stake, in Japanese, and every value from the message
// is inert text (a subject or file name holding markup stays text).
TEST_F(ControlApiTest, ConfirmationPageShowsWhatIsRiskyAndEscapesEverything) {
  Start();
  CommandRun run;
  std::thread client([&] {
    run = Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                " --from sender@city.honjo.lg.jp --to "
                "a.yamada@example.ne.jp,t.kimura@pref.example.lg.jp,soumu@city.honjo.lg.jp"
                " --data " AGENT_TEST_DATA "/prompt_hostile_names.eml");
  });
  const std::string id = WaitForPrompt();
  ASSERT_FALSE(id.empty());
  const std::string cookie = OpenSession();
  const HttpResult page = Http({"GET", "/confirm", "", "", cookie, "", ""});
  ASSERT_EQ(page.status, 200);
  const std::string& b = page.body;
  for (const char* expected : {
           "件名: 名簿の送付 &lt;script&gt;alert(1)&lt;/script&gt;",
           "&lt;img src=x onerror=alert(1)&gt;名簿.csv",
           "差出人: sender@city.honjo.lg.jp",
           "庁外</span><b>example.ne.jp</b>",
           "庁外</span><b>pref.example.lg.jp</b>",
           "庁内</span><b>city.honjo.lg.jp</b>",
           "重要度分類 1（個人情報・極秘）",
           "氏名 3 件",
           "住所 3 件",
           "090******78",
           "このメールは<b>送信されません</b>",
           "value=\"cancel\" class=\"cancel\" autofocus>送信を取り消す",
           "<meta http-equiv=\"refresh\"",
       }) {
    EXPECT_NE(b.find(expected), std::string::npos) << expected << "\n" << b;
  }
  // Outside recipients come before internal ones; cancel comes before send.
  EXPECT_LT(b.find("example.ne.jp</b>"), b.find("city.honjo.lg.jp</b>"));
  EXPECT_LT(b.find(">送信を取り消す<"), b.find(">送信する<"));
  for (const char* forbidden : {"<script", "<img", "onerror=alert(1)>", "090-1234-5678",
                                "山田 太郎", "1985年4月1日", "style=", "<style"}) {
    EXPECT_EQ(b.find(forbidden), std::string::npos) << forbidden;
  }
  // The API gives the same prompt as JSON (UTF-8 as it is, markup as plain text).
  const HttpResult api = Api("GET", "/v1/prompts");
  const auto list = Poco::JSON::Parser().parse(api.body).extract<Poco::JSON::Array::Ptr>();
  ASSERT_EQ(list->size(), 1u) << api.body;
  const auto prompt = list->getObject(0);
  EXPECT_EQ(prompt->getValue<std::string>("subject"), "名簿の送付 <script>alert(1)</script>");
  EXPECT_EQ(prompt->getValue<std::string>("sender"), "sender@city.honjo.lg.jp");
  EXPECT_GT(prompt->getValue<int>("seconds_left"), 0);
  const auto attachments = prompt->getArray("attachments");
  ASSERT_EQ(attachments->size(), 1u);
  EXPECT_EQ(attachments->getObject(0)->getValue<std::string>("name"),
            "<img src=x onerror=alert(1)>名簿.csv");
  EXPECT_EQ(attachments->getObject(0)->getValue<int>("class"), 1);
  EXPECT_EQ(attachments->getObject(0)->getObject("findings")->getValue<int>("person_name"), 3);
  EXPECT_NE(api.body.find("名簿の送付"), std::string::npos) << "UTF-8 written as it is";
  const HttpResult css = Http({"GET", "/confirm.css", "", "", "", "", ""});
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.Header("Content-Type").rfind("text/css", 0), 0u);
  EXPECT_EQ(Answer(id, R"({"decision":"cancel"})").status, 200);
  client.join();
  EXPECT_EQ(Delivered(), 0u);
  const HttpResult after = Http({"GET", "/confirm", "", "", cookie, "", ""});
  EXPECT_NE(after.body.find("取り消されました。送信されていません"), std::string::npos)
      << after.body;
  EXPECT_NE(after.body.find("確認を待っているメールはありません"), std::string::npos);
}

// The whole flow in a real browser (Chromium driven by Selenium): the one-time link sets
// the cookie and reaches the page, the style sheet applies under the CSP, 送信を取り消す
// has the focus, and pressing 送信する (the browser sends its own Origin) sends once.
// Screenshots are left in the build tree (tests/agent/artefacts/).
TEST_F(ControlApiTest, APersonConfirmsInChromiumAndTheMailIsSentOnce) {
  ASSERT_TRUE(fs::exists("/usr/bin/chromium") && fs::exists("/usr/bin/chromedriver"))
      << "needs chromium and chromium-driver (apt-get install chromium chromium-driver "
         "python3-selenium)";
  Start();
  CommandRun run;
  std::thread client([&] {
    run = Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                " --from sender@city.honjo.lg.jp --to "
                "a.yamada@example.ne.jp,t.kimura@pref.example.lg.jp,soumu@city.honjo.lg.jp"
                " --data " AGENT_TEST_DATA "/prompt_hostile_names.eml");
  });
  ASSERT_FALSE(WaitForPrompt().empty());
  const HttpResult link = Api("POST", "/v1/page-link");
  const std::size_t at = link.body.find("http://");
  ASSERT_NE(at, std::string::npos) << link.body;
  const std::string url = link.body.substr(at, link.body.find('"', at) - at);
  const CommandRun browser =
      Shell("timeout 120 /usr/bin/python3 " AGENT_TEST_DATA "/confirm_in_browser.py '" + url +
            "' " AGENT_TEST_ARTEFACTS " send");
  EXPECT_NE(browser.output.find("OK send"), std::string::npos) << browser.output;
  client.join();
  EXPECT_NE(run.output.find("<-  250"), std::string::npos) << run.output;
  EXPECT_EQ(Delivered(), 1u);
}

// An identifier in a subject or a file name is masked on the page as everywhere else.
TEST_F(ControlApiTest, IdentifiersInSubjectAndFileNamesAreMaskedOnThePage) {
  Start();
  std::thread client([&] {
    Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
          " --from sender@city.honjo.lg.jp --to a.yamada@example.ne.jp"
          " --data " AGENT_TEST_DATA "/mask_separated_ids.eml");
  });
  const std::string id = WaitForPrompt();
  ASSERT_FALSE(id.empty());
  const HttpResult page = Http({"GET", "/confirm", "", "", OpenSession(), "", ""});
  EXPECT_NE(page.body.find("件名: マイナンバー 3739 **** ***4 の件"), std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("***-****-5678_山田太郎.csv"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("6401"), std::string::npos);
  EXPECT_EQ(page.body.find("090-1234"), std::string::npos);
  EXPECT_EQ(Answer(id, R"({"decision":"cancel"})").status, 200);
  client.join();
}

TEST_F(ControlApiTest, ATimedOutPromptIsShownAsNotSent) {
  Start("1");
  const std::string cookie = OpenSession();
  const CommandRun run = Send("p12_residents_xlsx_external.eml");
  EXPECT_NE(run.output.find("<** 550"), std::string::npos) << run.output;
  const HttpResult page = Http({"GET", "/confirm", "", "", cookie, "", ""});
  EXPECT_NE(page.body.find("時間切れのため送信されませんでした"), std::string::npos) << page.body;
  EXPECT_EQ(Delivered(), 0u);
}

// Item 9 of issue 10 (agent side): the control token is never readable by anyone else,
// not even while it is written, and a file planted under the old temporary name gets
// nothing.
TEST_F(ControlApiTest, ControlTokenIsWrittenPrivatelyAndAPlantedFileGetsNothing) {
  fs::create_directories(dir_ / "state");
  const fs::path planted = dir_ / "state" / "control.token.tmp";
  { std::ofstream(planted) << ""; }
  fs::permissions(planted, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                               fs::perms::others_read);
  // What another user would do: keep the world-readable file open and read it later.
  std::ifstream spy(planted, std::ios::binary);
  ASSERT_TRUE(spy.is_open());
  Start();
  std::stringstream seen;
  seen << spy.rdbuf();
  EXPECT_EQ(seen.str().find(token_), std::string::npos) << "the planted file received the token";
  EXPECT_TRUE(seen.str().empty()) << seen.str();
  EXPECT_EQ(token_.size(), 64u);
  for (const char* name : {"control.token", "control.port"}) {
    struct stat st {};
    ASSERT_EQ(::stat((dir_ / "state" / name).c_str(), &st), 0) << name;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << name;
  }
  for (const auto& e : fs::directory_iterator(dir_ / "state")) {
    const std::string name = e.path().filename().string();
    EXPECT_TRUE(name == "control.token.tmp" || name.find(".tmp") == std::string::npos) << name;
  }
  EXPECT_EQ(Api("GET", "/v1/status").status, 200);
  // A restart keeps the private token.
  agent_.reset();
  const std::string before = token_;
  Start();
  EXPECT_EQ(token_, before);
}

// The state dir and the audit log are the user's alone.
TEST_F(ControlApiTest, StateDirAndAuditLogArePrivate) {
  fs::create_directories(dir_ / "state");
  fs::permissions(dir_ / "state", fs::perms::owner_all | fs::perms::group_read |
                                      fs::perms::group_exec | fs::perms::others_read |
                                      fs::perms::others_exec);
  Start("1");
  Send("p12_residents_xlsx_external.eml");
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "state").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((dir_ / "state" / "audit.jsonl").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ControlApiTest, AControlTokenOthersCouldReadIsReplaced) {
  fs::create_directories(dir_ / "state");
  const std::string leaked(64, 'a');
  { std::ofstream(dir_ / "state" / "control.token") << leaked << "\n"; }
  fs::permissions(dir_ / "state" / "control.token",
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  Start();
  EXPECT_NE(token_, leaked);
  EXPECT_EQ(token_.size(), 64u);
  EXPECT_EQ(Http({"GET", "/v1/status", "", leaked, "", "", ""}).status, 401);
  EXPECT_EQ(Api("GET", "/v1/status").status, 200);
}

}  // namespace
}  // namespace agent
