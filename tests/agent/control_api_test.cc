// The control API and the confirmation page of the real agent binary, on loopback, with
// swaks as the mail client and Postfix's smtp-sink as the organisation's mail server: a
// prompt's answer is read with a real JSON parser, the page is only for the user who holds
// a one-time link, and a page from elsewhere cannot answer for the user.
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
    dir_ = fs::temp_directory_path() / ("sendguard_control_test_" + std::to_string(getpid()) +
                                        "_" + std::to_string(counter_++));
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
        std::vector<std::string>{AGENT_BINARY, "--listen",
                                 "127.0.0.1:" + std::to_string(agent_port_), "--upstream",
                                 "127.0.0.1:" + std::to_string(sink_port), "--policy",
                                 kMail + "/policy.json", "--state-dir", (dir_ / "state").string(),
                                 "--control-listen", "127.0.0.1:" + std::to_string(control_port_),
                                 "--prompt-timeout", prompt_timeout},
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

  HttpResult Api(const std::string& method, const std::string& path,
                 const std::string& body = "") {
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

// Item 9 of issue 10 (agent side): the control token is never readable by anyone else,
// not even while it is written, and a file planted under the old temporary name gets
// nothing.
TEST_F(ControlApiTest, ControlTokenIsWrittenPrivatelyAndAPlantedFileGetsNothing) {
  fs::create_directories(dir_ / "state");
  const fs::path planted = dir_ / "state" / "control.token.tmp";
  { std::ofstream(planted) << ""; }
  fs::permissions(planted, fs::perms::owner_read | fs::perms::owner_write |
                               fs::perms::group_read | fs::perms::others_read);
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
