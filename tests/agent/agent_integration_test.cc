// sendguard-agent end to end with real programs on loopback: swaks as the mail client,
// Postfix's smtp-sink as the organisation's mail server (-d writes each message it
// accepts, with its envelope, to a file), the agent binary in between.
#include <Poco/Base64Encoder.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../print/pdf_writer.h"
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

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists("/usr/sbin/smtp-sink")) << "needs smtp-sink (apt-get install postfix)";
    ASSERT_TRUE(fs::exists("/usr/bin/swaks")) << "needs swaks (apt-get install swaks)";
    dir_ = fs::temp_directory_path() /
           ("sendguard_agent_test_" + std::to_string(getpid()) + "_" + std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sink");
  }
  void TearDown() override {
    agent_.reset();
    sink_.reset();
    fs::remove_all(dir_);
  }

  // Starts smtp-sink (with extra options) and the agent relaying to it.
  void Start(std::vector<std::string> sink_options = {}, bool upstream_down = false,
             std::vector<std::string> agent_options = {"--prompt-timeout", "1"}) {
    const int sink_port = FreePort();
    if (!upstream_down) {
      std::vector<std::string> argv = {"/usr/sbin/smtp-sink", "-u", "root", "-d",
                                       (dir_ / "sink" / "%M.").string()};
      argv.insert(argv.end(), sink_options.begin(), sink_options.end());
      argv.push_back("127.0.0.1:" + std::to_string(sink_port));
      argv.push_back("20");
      sink_ = std::make_unique<Process>(argv);
      ASSERT_TRUE(WaitForPort(sink_port)) << "smtp-sink did not start";
    }
    StartAgent("127.0.0.1:" + std::to_string(sink_port), agent_options);
  }

  // Starts the agent on fresh ports, relaying to `upstream` (HOST:PORT) under `policy`
  // with the test's state dir, plus `extra` options; waits until it serves.
  void StartAgent(const std::string& upstream, const std::vector<std::string>& extra = {},
                  const std::string& policy = kMail + "/policy.json") {
    agent_port_ = FreePort();
    control_port_ = FreePort();
    std::vector<std::string> argv = {AGENT_BINARY,
                                     "--listen",
                                     "127.0.0.1:" + std::to_string(agent_port_),
                                     "--upstream",
                                     upstream,
                                     "--policy",
                                     policy,
                                     "--state-dir",
                                     (dir_ / "state").string(),
                                     "--control-listen",
                                     "127.0.0.1:" + std::to_string(control_port_)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    agent_ = std::make_unique<Process>(argv);
    ASSERT_TRUE(WaitForPort(agent_port_)) << "the agent did not start";
    ASSERT_TRUE(WaitForPort(control_port_)) << "the control API did not start";
    token_ = Read(dir_ / "state" / "control.token");
    while (!token_.empty() && (token_.back() == '\n' || token_.back() == '\r')) token_.pop_back();
  }

  struct HttpResult {
    int status = 0;
    std::string body;
  };
  HttpResult Http(const std::string& method, const std::string& path, const std::string& body = "",
                  bool with_token = true, const std::string& host = "") {
    HttpResult r;
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(control_port_));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setHost(host.empty() ? "127.0.0.1:" + std::to_string(control_port_) : host);
    if (with_token) req.set("Authorization", "Bearer " + token_);
    if (path.rfind("/confirm/", 0) == 0) req.setContentType("application/x-www-form-urlencoded");
    if (!body.empty()) req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    r.status = res.getStatus();
    std::stringstream ss;
    ss << in.rdbuf();
    r.body = ss.str();
    return r;
  }

  // Waits until one prompt is pending and returns its id.
  std::string WaitForPrompt() {
    for (int i = 0; i < 200; ++i) {
      const HttpResult r = Http("GET", "/v1/prompts");
      const std::size_t at = r.body.find("\"id\":\"");
      if (at != std::string::npos) return r.body.substr(at + 6, r.body.find('"', at + 6) - at - 6);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

  CommandRun Send(const std::string& eml, const std::string& to,
                  const std::string& from = "sender@city.honjo.lg.jp") {
    return Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) + " --from " + from +
                 " --to " + to + " --data " + kMail + "/" + eml);
  }

  std::vector<fs::path> Delivered() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir_ / "sink")) files.push_back(e.path());
    return files;
  }

  // The sink's files that hold a whole message (a Message-ID header). smtp-sink makes its
  // dump file when DATA starts and removes it only after it has closed a dropped
  // connection, so a transaction it dropped on purpose (-q data) may leave a short-lived
  // file of its own trace headers, and one that stays when the sink is stopped meanwhile.
  std::vector<fs::path> DeliveredMessages() {
    std::vector<fs::path> files;
    for (const fs::path& f : Delivered())
      if (Read(f).find("\nMessage-ID:") != std::string::npos) files.push_back(f);
    return files;
  }

  fs::path dir_;
  int agent_port_ = 0;
  int control_port_ = 0;
  std::string token_;
  std::unique_ptr<Process> sink_;
  std::unique_ptr<Process> agent_;
  static inline int counter_ = 0;
};

TEST_F(AgentTest, ConversionReachesUpstreamWithTheEnvelopeUnchanged) {
  Start();
  const CommandRun r =
      Send("p03_two_external_to.eml", "a.takahashi@example.co.jp,a.yamada@example.ne.jp");
  EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  const auto files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  const std::string got = Read(files[0]);
  EXPECT_NE(got.find("X-Rcpt-Args: <a.takahashi@example.co.jp>"), std::string::npos) << got;
  EXPECT_NE(got.find("X-Rcpt-Args: <a.yamada@example.ne.jp>"), std::string::npos) << got;
  EXPECT_NE(got.find("\nTo: undisclosed-recipients:;"), std::string::npos) << got;
  EXPECT_EQ(got.find("\nBcc:"), std::string::npos);
  // The body is what the client sent.
  const std::string original = Read(kMail + "/p03_two_external_to.eml");
  const std::string body = original.substr(original.find("\n\n") + 2);
  EXPECT_NE(got.find(body.substr(0, 40)), std::string::npos);
}

TEST_F(AgentTest, BlockedMailGetsFiveFiftyAndNothingIsSent) {
  Start();
  const CommandRun r = Send("p11_mynumber_docx_external.eml", "t.kimura@pref.example.lg.jp");
  EXPECT_NE(r.output.find("550-5.7.1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("my_number"), std::string::npos) << r.output;
  EXPECT_TRUE(Delivered().empty());
  const std::string audit = Read(dir_ / "state" / "audit.jsonl");
  EXPECT_NE(audit.find("\"verdict\":\"block\""), std::string::npos) << audit;
  EXPECT_EQ(audit.find("887041343316"), std::string::npos) << "the audit log must be masked";
}

TEST_F(AgentTest, ConfirmedPromptIsDeliveredOnce) {
  Start({}, false, {"--prompt-timeout", "30"});
  CommandRun run;
  std::thread client(
      [&] { run = Send("p12_residents_xlsx_external.eml", "a.yamada@example.ne.jp"); });
  const std::string id = WaitForPrompt();
  ASSERT_FALSE(id.empty());
  const HttpResult prompts = Http("GET", "/v1/prompts");
  EXPECT_NE(prompts.body.find("a.yamada@example.ne.jp"), std::string::npos) << prompts.body;
  EXPECT_EQ(Http("POST", "/v1/prompts/" + id, "{\"decision\": \"send\"}").status, 200);
  client.join();
  EXPECT_NE(run.output.find("<-  250 2.0.0 Ok"), std::string::npos) << run.output;
  EXPECT_EQ(Delivered().size(), 1u);
  EXPECT_EQ(Http("POST", "/v1/prompts/" + id, "{\"decision\": \"send\"}").status,
            404);  // answered once
}

TEST_F(AgentTest, CancelledPromptSendsNothing) {
  Start({}, false, {"--prompt-timeout", "30"});
  CommandRun run;
  std::thread client(
      [&] { run = Send("p12_residents_xlsx_external.eml", "a.yamada@example.ne.jp"); });
  const std::string id = WaitForPrompt();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Http("POST", "/v1/prompts/" + id, "{\"decision\": \"cancel\"}").status, 200);
  client.join();
  EXPECT_NE(run.output.find("<** 550"), std::string::npos) << run.output;
  EXPECT_TRUE(Delivered().empty());
}

TEST_F(AgentTest, ControlApiNeedsTheTokenAndALoopbackHost) {
  Start();
  EXPECT_EQ(Http("GET", "/v1/status", "", /*with_token=*/false).status, 401);
  EXPECT_EQ(Http("GET", "/v1/status", "", true, "evil.example:80").status, 403);
  const HttpResult ok = Http("GET", "/v1/status");
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find("\"policy_version\":1"), std::string::npos) << ok.body;
  EXPECT_NE(ok.body.find("\"central\":\"off\""), std::string::npos) << ok.body;
  const auto mode = fs::status(dir_ / "state" / "control.token").permissions();
  EXPECT_EQ(mode & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

TEST_F(AgentTest, CheckEndpointReturnsTheMailcheckDocument) {
  Start();
  const HttpResult r = Http("POST", "/v1/check", Read(kMail + "/p03_two_external_to.eml"));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"verdict\":\"convert\""), std::string::npos) << r.body;
}

TEST_F(AgentTest, ConfirmationPageRefusesAWrongCsrfToken) {
  Start({}, false, {"--prompt-timeout", "30"});
  CommandRun run;
  std::thread client(
      [&] { run = Send("p12_residents_xlsx_external.eml", "a.yamada@example.ne.jp"); });
  const std::string id = WaitForPrompt();
  ASSERT_FALSE(id.empty());
  // The page opens from a one-time link (tests/agent/control_api_test.cc tests the rest).
  const std::string link = Http("POST", "/v1/page-link").body;
  const std::size_t k = link.find("/confirm?k=");
  ASSERT_NE(k, std::string::npos) << link;
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(control_port_));
  Poco::Net::HTTPRequest open("GET", link.substr(k, link.find('"', k) - k));
  open.setHost("127.0.0.1:" + std::to_string(control_port_));
  session.sendRequest(open);
  Poco::Net::HTTPResponse opened;
  session.receiveResponse(opened).ignore(1 << 20);
  const std::string cookie =
      opened.get("Set-Cookie", "").substr(0, opened.get("Set-Cookie", "").find(';'));
  auto page_request = [&](const std::string& method, const std::string& path,
                          const std::string& body) {
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(control_port_));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setHost("127.0.0.1:" + std::to_string(control_port_));
    req.set("Cookie", cookie);
    req.set("Origin", "http://127.0.0.1:" + std::to_string(control_port_));
    req.setContentType("application/x-www-form-urlencoded");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::stringstream ss;
    ss << s.receiveResponse(res).rdbuf();
    return HttpResult{res.getStatus(), ss.str()};
  };
  const HttpResult page = page_request("GET", "/confirm", "");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("送信する"), std::string::npos);
  EXPECT_EQ(page_request("POST", "/confirm/" + id, "csrf=wrong&decision=send").status, 403);
  // The page's own form (with the right token) works.
  const std::string marker = "name=\"csrf\" value=\"";
  const std::size_t at = page.body.find(marker);
  ASSERT_NE(at, std::string::npos);
  const std::string csrf = page.body.substr(at + marker.size(), 64);
  EXPECT_EQ(page_request("POST", "/confirm/" + id, "csrf=" + csrf + "&decision=cancel").status,
            303);
  client.join();
  EXPECT_NE(run.output.find("<** 550"), std::string::npos) << run.output;
  EXPECT_TRUE(Delivered().empty());
}

TEST_F(AgentTest, UnconfirmedPromptSendsNothing) {
  Start();
  const CommandRun r = Send("p12_residents_xlsx_external.eml", "a.yamada@example.ne.jp");
  EXPECT_NE(r.output.find("550"), std::string::npos) << r.output;
  EXPECT_TRUE(Delivered().empty());
}

TEST_F(AgentTest, AllowedMailIsRelayedAsIs) {
  Start();
  const CommandRun r =
      Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp,kimura-t@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  const auto files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  const std::string original = Read(kMail + "/p01_internal_only_to.eml");
  const std::string got = Read(files[0]);
  // smtp-sink prepends its own headers and stores lines with LF: apart from line ends the
  // whole message arrives byte for byte.
  auto without_cr = [](std::string s) {
    s.erase(std::remove(s.begin(), s.end(), '\r'), s.end());
    return s;
  };
  EXPECT_NE(without_cr(got).find(without_cr(original)), std::string::npos);
}

// Lines that start with a dot are stuffed again on the way upstream (RFC 5321 §4.5.2):
// none ends the message early or loses its dot.
TEST_F(AgentTest, LinesStartingWithADotArriveIntact) {
  Start();
  const fs::path eml = dir_ / "dots.eml";
  std::ofstream(eml) << "From: <sender@city.honjo.lg.jp>\r\nTo: <arai-a@city.honjo.lg.jp>\r\n"
                        "Subject: dots\r\n\r\n.\r\n..two\r\n.one\r\nmiddle . dot\r\nend\r\n";
  const CommandRun r = Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                             " --from sender@city.honjo.lg.jp --to arai-a@city.honjo.lg.jp"
                             " --data " +
                             eml.string());
  EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  const auto files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  const std::string got = Read(files[0]);
  EXPECT_NE(got.find("\n.\n..two\n.one\nmiddle . dot\nend\n"), std::string::npos) << got;
}

// The message goes upstream as pieces of the client's buffer with a "." before each dotted
// line (issue 17): a large message (several partial sendmsg calls) with hundreds of dotted
// lines, and one with more dotted lines than fit in one sendmsg (IOV_MAX), arrive intact.
TEST_F(AgentTest, LargeMessagesWithManyDottedLinesArriveIntact) {
  Start();
  const auto make = [&](const std::string& name, int lines, int dot_every) {
    std::string body;
    for (int i = 0; i < lines; ++i) {
      if (i % dot_every == 0) body += ".";
      body +=
          "line " + std::to_string(i) + " of the resident list, " + std::string(40, 'x') + "\r\n";
    }
    std::ofstream(dir_ / name, std::ios::binary)
        << "From: <sender@city.honjo.lg.jp>\r\nTo: <arai-a@city.honjo.lg.jp>\r\n"
           "Subject: many dots\r\n\r\n"
        << body;
    std::string unstuffed_lf = body;  // what smtp-sink stores: LF line ends
    unstuffed_lf.erase(std::remove(unstuffed_lf.begin(), unstuffed_lf.end(), '\r'),
                       unstuffed_lf.end());
    return unstuffed_lf;
  };
  const std::string big = make("big.eml", 40000, 97);    // 3.4 MB, 413 dotted lines
  const std::string dotty = make("dotty.eml", 3000, 1);  // every line dotted
  for (const char* name : {"big.eml", "dotty.eml"}) {
    const CommandRun r = Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                               " --from sender@city.honjo.lg.jp --to arai-a@city.honjo.lg.jp"
                               " --data " +
                               (dir_ / name).string());
    EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << name;
  }
  const auto files = Delivered();
  ASSERT_EQ(files.size(), 2u);
  std::vector<std::string> got;
  for (const fs::path& f : files) got.push_back(Read(f));
  const auto holds = [&](const std::string& body) {
    return std::any_of(got.begin(), got.end(),
                       [&](const std::string& g) { return g.find(body) != std::string::npos; });
  };
  EXPECT_TRUE(holds(big));
  EXPECT_TRUE(holds(dotty));
}

TEST_F(AgentTest, RecipientRefusedUpstreamAbortsTheWholeTransaction) {
  Start({"-r", "RCPT"});
  const CommandRun r =
      Send("p03_two_external_to.eml", "a.takahashi@example.co.jp,a.yamada@example.ne.jp");
  EXPECT_NE(r.output.find("<** 4"), std::string::npos) << r.output;
  EXPECT_TRUE(Delivered().empty());
}

TEST_F(AgentTest, UpstreamDownGivesATemporaryError) {
  Start({}, /*upstream_down=*/true);
  const CommandRun r = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 451 4.4.1"), std::string::npos) << r.output;
  // Japanese first: the sender reads the first line in the mail client's dialog.
  EXPECT_NE(r.output.find("<** 451-4.4.1 メールサーバーに接続できませんでした"), std::string::npos)
      << r.output;
}

TEST_F(AgentTest, UpstreamDroppingAfterDataGivesATemporaryError) {
  Start({"-q", "."});
  const CommandRun r = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 451"), std::string::npos) << r.output;
}

TEST_F(AgentTest, SlowUpstreamGivesATemporaryErrorInTime) {
  Start({"-w", "8"}, false, {"--upstream-timeout", "2"});
  const CommandRun r = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 451 4.4.2"), std::string::npos) << r.output;
}

TEST_F(AgentTest, CurlAndMsmtpClientsAreRelayed) {
  Start();
  ASSERT_TRUE(fs::exists("/usr/bin/curl")) << "needs curl";
  ASSERT_TRUE(fs::exists("/usr/bin/msmtp")) << "needs msmtp";
  const std::string eml = kMail + "/p01_internal_only_to.eml";
  const CommandRun c =
      Shell("curl -sS smtp://127.0.0.1:" + std::to_string(agent_port_) +
            " --mail-from sender@city.honjo.lg.jp --mail-rcpt arai-a@city.honjo.lg.jp"
            " --upload-file " +
            eml);
  EXPECT_EQ(c.status, 0) << c.output;
  const CommandRun m = Shell("msmtp --host=127.0.0.1 --port=" + std::to_string(agent_port_) +
                             " --from=sender@city.honjo.lg.jp arai-a@city.honjo.lg.jp < " + eml);
  EXPECT_EQ(m.status, 0) << m.output;
  EXPECT_EQ(Delivered().size(), 2u);
}

TEST_F(AgentTest, ConcurrentClientsAreAllRelayed) {
  Start();
  std::vector<std::thread> clients;
  std::vector<CommandRun> runs(50);
  for (int i = 0; i < 50; ++i) {
    clients.emplace_back(
        [&, i] { runs[i] = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp"); });
  }
  for (std::thread& t : clients) t.join();
  for (const CommandRun& r : runs)
    EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  EXPECT_EQ(Delivered().size(), 50u);
}

// A large attachment checked on several SMTP workers and control API threads: what the
// checks needed is given back afterwards. glibc kept it in each worker's malloc arena (raising its
// mmap threshold after the first large free): ~30 MB per worker, 300-450 MB after the relay
// benchmark's loads.
TEST_F(AgentTest, LargeAttachmentsCheckedOnSeveralThreadsDoNotKeepTheirMemory) {
  Start({}, false, {"--prompt-timeout", "0"});  // to outside: checked, then refused at once
  // A 4 MB list of synthetic residents as a CSV attachment (checked in full, as text).
  std::string csv = "氏名,生年月日,電話番号,住所\r\n";
  for (int i = 0; csv.size() < (4u << 20); ++i) {
    csv += "山田 太郎" + std::to_string(i % 97) + ",1980-0" + std::to_string(1 + i % 9) + "-1" +
           std::to_string(i % 10) + ",03-" + std::to_string(1000 + i % 9000) +
           "-5678,東京都千代田区" + std::to_string(i % 50) + "-1\r\n";
  }
  std::ostringstream b64;
  {
    Poco::Base64Encoder encoder(b64);
    encoder << csv;
  }
  const fs::path eml = dir_ / "large.eml";
  std::ofstream(eml) << "From: sender@city.honjo.lg.jp\r\nTo: a.yamada@example.ne.jp\r\n"
                        "Subject: list\r\nMIME-Version: 1.0\r\n"
                        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
                        "Content-Type: text/plain; charset=UTF-8\r\n\r\nsee attached\r\n--b1\r\n"
                        "Content-Type: text/csv; charset=UTF-8; name=\"list.csv\"\r\n"
                        "Content-Disposition: attachment; filename=\"list.csv\"\r\n"
                        "Content-Transfer-Encoding: base64\r\n\r\n"
                     << b64.str() << "\r\n--b1--\r\n";
  auto anonymous_kb = [&] {
    std::ifstream in("/proc/" + std::to_string(agent_->pid()) + "/smaps_rollup");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("Anonymous:", 0) == 0) return std::stol(line.substr(10));
    return -1L;
  };
  const long before = anonymous_kb();
  ASSERT_GT(before, 0);
  for (int round = 0; round < 2; ++round) {
    std::vector<std::thread> clients;
    std::vector<CommandRun> runs(4);
    for (int i = 0; i < 4; ++i)
      clients.emplace_back([&, i] {
        runs[i] = Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                        " --from sender@city.honjo.lg.jp --to a.yamada@example.ne.jp --data @" +
                        eml.string());
      });
    for (std::thread& t : clients) t.join();
    for (const CommandRun& r : runs)  // checked (it holds personal data), so not relayed
      EXPECT_NE(r.output.find("<** 5"), std::string::npos) << r.output.substr(0, 2000);
  }
  EXPECT_TRUE(Delivered().empty());
  // The same mail checked through the control API (the Thunderbird add-on's path), on its
  // own threads, four at a time.
  const std::string mail = Read(eml);
  std::vector<std::thread> checks;
  std::vector<int> statuses(4);
  for (int i = 0; i < 4; ++i)
    checks.emplace_back([&, i] { statuses[i] = Http("POST", "/v1/check", mail).status; });
  for (std::thread& t : checks) t.join();
  for (int status : statuses) EXPECT_EQ(status, 200);
  const long after = anonymous_kb();
  EXPECT_LT(after - before, 32 * 1024) << "before " << before << " kB, after " << after << " kB";
}

// Upstream that requires AUTH (aiosmtpd; user staff, password secret).
class AgentAuthTest : public AgentTest {
 protected:
  void StartWithAuthUpstream() {
    ASSERT_TRUE(fs::exists("/usr/bin/python3")) << "needs /usr/bin/python3 with python3-aiosmtpd";
    const int up = FreePort();
    upstream_ = std::make_unique<Process>(std::vector<std::string>{
        "/usr/bin/python3", std::string(AGENT_TEST_DATA) + "/auth_upstream.py", std::to_string(up),
        (dir_ / "sink").string()});
    ASSERT_TRUE(WaitForPort(up)) << "aiosmtpd did not start (apt-get install python3-aiosmtpd)";
    StartAgent("127.0.0.1:" + std::to_string(up));
  }
  CommandRun SendWithAuth(const std::string& password, const std::string& type = "PLAIN") {
    return Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                 " --from sender@city.honjo.lg.jp --to arai-a@city.honjo.lg.jp --auth " + type +
                 " --auth-user staff --auth-password " + password + " --data " + kMail +
                 "/p01_internal_only_to.eml");
  }
  void TearDown() override {
    agent_.reset();
    upstream_.reset();
    AgentTest::TearDown();
  }
  std::unique_ptr<Process> upstream_;
};

TEST_F(AgentAuthTest, ClientCredentialsAreCheckedUpstreamAndUsedToRelay) {
  StartWithAuthUpstream();
  const CommandRun r = SendWithAuth("secret");
  EXPECT_NE(r.output.find("<-  235"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  const auto files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NE(Read(files[0]).find("X-Auth-User: staff"), std::string::npos);
}

TEST_F(AgentAuthTest, LoginMechanismWorksToo) {
  StartWithAuthUpstream();
  const CommandRun r = SendWithAuth("secret", "LOGIN");
  EXPECT_NE(r.output.find("<-  235"), std::string::npos) << r.output;
  EXPECT_EQ(Delivered().size(), 1u);
}

TEST_F(AgentAuthTest, WrongPasswordIsRefusedAtAuthTime) {
  StartWithAuthUpstream();
  const CommandRun r = SendWithAuth("wrong");
  EXPECT_NE(r.output.find("<** 535"), std::string::npos) << r.output;
  EXPECT_TRUE(Delivered().empty());
}

TEST_F(AgentAuthTest, WithoutAuthUpstreamRefusesAndNothingIsSent) {
  StartWithAuthUpstream();
  const CommandRun r = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 530"), std::string::npos) << r.output;
  EXPECT_TRUE(Delivered().empty());
}

// The agent killed (SIGKILL) while it relays, before upstream has the message (upstream
// is slow to accept recipients): the client sees the connection die and keeps the mail,
// upstream stores nothing, and after a restart the client's retry delivers it once.
TEST_F(AgentAuthTest, AgentKilledMidSendLosesNothingAndSendsOnce) {
  const int up = FreePort();
  upstream_ = std::make_unique<Process>(std::vector<std::string>{
      "/usr/bin/python3", std::string(AGENT_TEST_DATA) + "/auth_upstream.py", std::to_string(up),
      (dir_ / "sink").string(), "--no-auth", "--slow-rcpt", "3"});
  ASSERT_TRUE(WaitForPort(up)) << "aiosmtpd did not start";
  StartAgent("127.0.0.1:" + std::to_string(up));
  CommandRun first;
  std::thread client([&] { first = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // upstream is at RCPT
  agent_->Stop(SIGKILL);
  client.join();
  EXPECT_EQ(first.output.find("<-  250 2.0.0 Ok"), std::string::npos) << first.output;
  StartAgent("127.0.0.1:" + std::to_string(up));
  const CommandRun retry = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(retry.output.find("<-  250 2.0.0 Ok"), std::string::npos) << retry.output;
  std::this_thread::sleep_for(std::chrono::seconds(1));  // anything late from the first try
  EXPECT_EQ(Delivered().size(), 1u);
}

// A TLS upstream (aiosmtpd with a certificate made here by openssl): STARTTLS and
// implicit TLS, verified against the configured CA; an untrusted certificate is refused.
class AgentTlsTest : public AgentAuthTest {
 protected:
  void StartTls(const std::string& mode, bool trust_ca) {
    ASSERT_TRUE(fs::exists("/usr/bin/openssl")) << "needs openssl";
    const CommandRun cert = Shell(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost"
        " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
        (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string());
    ASSERT_EQ(cert.status, 0) << cert.output;
    const int up = FreePort();
    upstream_port_ = std::to_string(up);
    upstream_ = std::make_unique<Process>(std::vector<std::string>{
        "/usr/bin/python3", std::string(AGENT_TEST_DATA) + "/auth_upstream.py", std::to_string(up),
        (dir_ / "sink").string(), mode == "tls" ? "--smtps" : "--starttls",
        (dir_ / "cert.pem").string(), (dir_ / "key.pem").string(), "--no-auth"});
    ASSERT_TRUE(WaitForPort(up)) << "aiosmtpd did not start";
    std::vector<std::string> tls = {"--upstream-tls", mode};
    if (trust_ca) tls.insert(tls.end(), {"--upstream-ca", (dir_ / "cert.pem").string()});
    StartAgent("localhost:" + std::to_string(up), tls);
  }
  std::string upstream_port_;
};

TEST_F(AgentTlsTest, StartTlsUpstreamVerifiedWithTheConfiguredCa) {
  StartTls("starttls", true);
  const CommandRun r = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  const auto files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(Read(files[0]).rfind("X-TLS: yes\r\n", 0), 0u);
}

TEST_F(AgentTlsTest, ImplicitTlsUpstreamVerifiedWithTheConfiguredCa) {
  StartTls("tls", true);
  const CommandRun r = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  const auto files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(Read(files[0]).rfind("X-TLS: yes\r\n", 0), 0u);
}

TEST_F(AgentTlsTest, UntrustedUpstreamCertificateGivesATemporaryErrorAndNothingIsSent) {
  StartTls("starttls", false);  // the system store does not know the test certificate
  const CommandRun r = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 4"), std::string::npos) << r.output;
  EXPECT_TRUE(Delivered().empty());
}

// The client's retry after a 4xx is the only resend: the agent never resends on its own,
// so a message whose transaction upstream dropped is delivered exactly once, when the
// client retries. (An upstream that drops the connection after the final dot but before
// its reply may still deliver: RFC 1047's duplicate, which no relay can rule out; the
// agent then answers 451 and the client's retry is one more attempt, never two.)
TEST_F(AgentTest, RetryAfterAnUpstreamFailureDeliversExactlyOnce) {
  const int sink_port = FreePort();
  StartAgent("127.0.0.1:" + std::to_string(sink_port), {"--upstream-timeout", "3"});
  // First upstream: drops the connection at DATA, without replying.
  sink_ = std::make_unique<Process>(std::vector<std::string>{
      "/usr/sbin/smtp-sink", "-u", "root", "-d", (dir_ / "sink" / "%M.").string(), "-q", "data",
      "127.0.0.1:" + std::to_string(sink_port), "20"});
  ASSERT_TRUE(WaitForPort(sink_port));
  const CommandRun first = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(first.output.find("<** 451"), std::string::npos) << first.output;
  EXPECT_TRUE(DeliveredMessages().empty());
  // Upstream comes back healthy; the mail client retries once.
  sink_.reset();
  sink_ = std::make_unique<Process>(std::vector<std::string>{
      "/usr/sbin/smtp-sink", "-u", "root", "-d", (dir_ / "sink" / "%M.").string(),
      "127.0.0.1:" + std::to_string(sink_port), "20"});
  ASSERT_TRUE(WaitForPort(sink_port));
  const CommandRun retry = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(retry.output.find("<-  250 2.0.0 Ok"), std::string::npos) << retry.output;
  std::this_thread::sleep_for(std::chrono::seconds(1));  // anything the agent might resend
  EXPECT_EQ(DeliveredMessages().size(), 1u);
}

// Upstream sessions are kept for the next message (same peer port upstream), and a kept
// session upstream has closed meanwhile is replaced without losing or doubling the mail.
TEST_F(AgentTlsTest, UpstreamSessionIsReusedAndAClosedOneIsReplaced) {
  StartTls("starttls", true);
  const auto port_of = [&](const fs::path& file) {
    const std::string text = Read(file);
    const std::size_t at = text.find("X-Peer-Port: ");
    return at == std::string::npos ? std::string()
                                   : text.substr(at + 13, text.find('\r', at) - at - 13);
  };
  EXPECT_NE(Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp").output.find("<-  250"),
            std::string::npos);
  EXPECT_NE(Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp").output.find("<-  250"),
            std::string::npos);
  ASSERT_TRUE(fs::exists(dir_ / "sink" / "msg1.eml") && fs::exists(dir_ / "sink" / "msg2.eml"));
  EXPECT_FALSE(port_of(dir_ / "sink" / "msg1.eml").empty());
  EXPECT_EQ(port_of(dir_ / "sink" / "msg1.eml"), port_of(dir_ / "sink" / "msg2.eml"));
  // Upstream restarts (same port): the kept session is dead; the next mail goes through once.
  const std::string up = std::to_string(std::stoi(upstream_port_));
  upstream_.reset();
  fs::create_directories(dir_ / "sink2");
  upstream_ = std::make_unique<Process>(std::vector<std::string>{
      "/usr/bin/python3", std::string(AGENT_TEST_DATA) + "/auth_upstream.py", up,
      (dir_ / "sink2").string(), "--starttls", (dir_ / "cert.pem").string(),
      (dir_ / "key.pem").string(), "--no-auth"});
  ASSERT_TRUE(WaitForPort(std::stoi(up)));
  const CommandRun r = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<-  250"), std::string::npos) << r.output;
  std::size_t delivered = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "sink2")) ++delivered;
  EXPECT_EQ(delivered, 1u);
}

// A raw client socket for input no well-behaved client sends.
class RawClient {
 public:
  explicit RawClient(int port)
      : socket_(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port))) {
    socket_.setReceiveTimeout(Poco::Timespan(10, 0));
  }
  void Write(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size())
      sent += static_cast<std::size_t>(
          socket_.sendBytes(data.data() + sent, static_cast<int>(data.size() - sent)));
  }
  // Reads until the transcript holds `lines` reply lines in all, or the peer closed;
  // returns the whole transcript so far.
  const std::string& ReadUntil(std::size_t lines) {
    char buf[65536];
    while (static_cast<std::size_t>(std::count(all_.begin(), all_.end(), '\n')) < lines) {
      int n = 0;
      try {
        n = socket_.receiveBytes(buf, sizeof buf);
      } catch (const Poco::Exception&) {
        break;
      }
      if (n <= 0) break;
      all_.append(buf, static_cast<std::size_t>(n));
    }
    return all_;
  }
  void ShutdownSend() { socket_.shutdownSend(); }

 private:
  Poco::Net::StreamSocket socket_;
  std::string all_;
};

TEST_F(AgentTest, HostileInputGetsCleanErrorsAndTheAgentStaysUp) {
  Start();
  {
    RawClient c(agent_port_);
    c.ReadUntil(1);  // greeting
    c.Write(std::string("EHLO x\0y\r\n", 10));
    EXPECT_NE(c.ReadUntil(2).find("\n500 5.5.2 Syntax error: NUL"), std::string::npos);
    c.Write("HELO bare-lf\n");  // a bare LF ends a line too
    EXPECT_NE(c.ReadUntil(3).find("\n250 "), std::string::npos) << c.ReadUntil(3);
    c.Write(std::string(100000, 'A'));  // an endless line
    const std::string& r = c.ReadUntil(4);
    EXPECT_NE(r.find("500 5.5.2 Line too long"), std::string::npos) << r.substr(0, 300);
  }
  {
    RawClient c(agent_port_);  // a pipelining flood: every command answered, in order
    std::string flood = "EHLO flood\r\n";
    for (int i = 0; i < 5000; ++i) flood += "NOOP\r\n";
    c.Write(flood + "QUIT\r\n");
    const std::string& r = c.ReadUntil(100000);
    // greeting, the EHLO reply (8 lines), 5,000 NOOPs, QUIT
    EXPECT_EQ(std::count(r.begin(), r.end(), '\n'), 1 + 8 + 5000 + 1) << r.substr(0, 300);
    EXPECT_NE(r.find("\n221 "), std::string::npos);
  }
  {
    RawClient c(agent_port_);  // half-closed in the middle of a message: nothing is sent
    c.Write(
        "EHLO half\r\nMAIL FROM:<a@city.honjo.lg.jp>\r\nRCPT TO:<b@city.honjo.lg.jp>\r\n"
        "DATA\r\nSubject: cut\r\n\r\nbody without an end\r\n");
    c.ShutdownSend();
    c.ReadUntil(1000);  // the agent answers what it got, then closes
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(Delivered().empty());
  // Still serving.
  const CommandRun ok = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(ok.output.find("<-  250 2.0.0 Ok"), std::string::npos) << ok.output;
}

TEST_F(AgentTest, SigtermLetsTheMessageInFlightFinish) {
  Start({"-w", "2"});  // upstream answers every command after 2 s
  CommandRun run;
  std::thread client([&] { run = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the mail is in flight
  const int status = agent_->Stop(SIGTERM);
  client.join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_NE(run.output.find("<-  250 2.0.0 Ok"), std::string::npos) << run.output;
  EXPECT_EQ(Delivered().size(), 1u);
}

// Desktop notifications on a private session bus (dbus-daemon), received by
// python-dbusmock's notification_daemon template, which logs every call it gets.
class AgentNotifyTest : public AgentTest {
 protected:
  void StartBus() {
    ASSERT_TRUE(fs::exists("/usr/bin/dbus-daemon")) << "needs dbus-daemon";
    ASSERT_TRUE(fs::exists("/usr/bin/dbus-send")) << "needs dbus-send (dbus-bin)";
    const std::string address = "unix:path=" + (dir_ / "bus").string();
    bus_ = std::make_unique<Process>(std::vector<std::string>{
        "/usr/bin/dbus-daemon", "--config-file=/usr/share/dbus-1/session.conf",
        "--address=" + address, "--nofork"});
    ::setenv("DBUS_SESSION_BUS_ADDRESS", address.c_str(), 1);
    for (int i = 0; i < 100 && !fs::exists(dir_ / "bus"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    daemon_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/python3", "-m", "dbusmock", "--template",
                                 "notification_daemon", "-l", (dir_ / "notify.log").string()});
    bool ready = false;
    for (int i = 0; i < 100 && !ready; ++i) {
      ready = Shell(
                  "dbus-send --session --print-reply --dest=org.freedesktop.Notifications"
                  " /org/freedesktop/Notifications"
                  " org.freedesktop.Notifications.GetServerInformation")
                  .status == 0;
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(ready) << "dbusmock's notification daemon did not start (python3-dbusmock)";
  }
  std::string WaitForLog(const std::string& needle) {
    std::string log;
    for (int i = 0; i < 100; ++i) {
      log = Read(dir_ / "notify.log");
      if (log.find(needle) != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return log;
  }
  void TearDown() override {
    agent_.reset();
    daemon_.reset();
    bus_.reset();
    ::unsetenv("DBUS_SESSION_BUS_ADDRESS");
    AgentTest::TearDown();
  }
  std::unique_ptr<Process> bus_, daemon_;
};

TEST_F(AgentNotifyTest, PromptShowsANotificationWithTheConfirmationPageAndWithdrawsIt) {
  StartBus();
  Start({}, false, {"--prompt-timeout", "30"});
  std::thread client([&] { Send("p12_residents_xlsx_external.eml", "a.yamada@example.ne.jp"); });
  const std::string id = WaitForPrompt();
  ASSERT_FALSE(id.empty());
  std::string log = WaitForLog("Notify");
  EXPECT_NE(log.find("送信前の確認が必要です"), std::string::npos) << log;
  EXPECT_NE(log.find("http://127.0.0.1:" + std::to_string(control_port_) + "/confirm"),
            std::string::npos)
      << log;
  EXPECT_EQ(Http("POST", "/v1/prompts/" + id, "{\"decision\": \"cancel\"}").status, 200);
  client.join();
  log = WaitForLog("CloseNotification");
  EXPECT_NE(log.find("CloseNotification"), std::string::npos) << log;
  EXPECT_TRUE(Delivered().empty());
}

TEST_F(AgentNotifyTest, BlockedMailIsNotifiedToo) {
  StartBus();
  Start();
  const CommandRun r = Send("p11_mynumber_docx_external.eml", "t.kimura@pref.example.lg.jp");
  EXPECT_NE(r.output.find("550-5.7.1"), std::string::npos) << r.output;
  const std::string log = WaitForLog("Notify");
  EXPECT_NE(log.find("メールの送信を止めました"), std::string::npos) << log;
  EXPECT_EQ(log.find("887041343316"), std::string::npos) << "identifiers stay masked";
}

TEST_F(AgentTest, PolicyFileChangeIsPickedUpAndABadFileIsRefused) {
  // The agent reads its own copy, which the test then rewrites.
  std::string policy = Read(kMail + "/policy.json");
  const fs::path copy = dir_ / "policy.json";
  { std::ofstream(copy) << policy; }
  const int sink_port = FreePort();
  sink_ = std::make_unique<Process>(std::vector<std::string>{
      "/usr/sbin/smtp-sink", "-u", "root", "-d", (dir_ / "sink" / "%M.").string(),
      "127.0.0.1:" + std::to_string(sink_port), "20"});
  ASSERT_TRUE(WaitForPort(sink_port));
  StartAgent("127.0.0.1:" + std::to_string(sink_port), {}, copy.string());
  EXPECT_NE(Http("GET", "/v1/status").body.find("\"policy_version\":1"), std::string::npos);

  // Version 2 turns BCC conversion off.
  std::string v2 = policy;
  v2.replace(v2.find("\"version\": 1"), 12, "\"version\": 2");
  v2.replace(v2.find("\"enabled\": true"), 15, "\"enabled\": false");
  { std::ofstream(copy) << v2; }
  bool seen = false;
  for (int i = 0; i < 100 && !seen; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = Http("GET", "/v1/status").body.find("\"policy_version\":2") != std::string::npos;
  }
  ASSERT_TRUE(seen) << "the new policy was not picked up";
  Send("p03_two_external_to.eml", "a.takahashi@example.co.jp,a.yamada@example.ne.jp");
  const auto files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(Read(files[0]).find("undisclosed-recipients"), std::string::npos)
      << "v2 does not convert";

  // A broken file leaves version 2 in force.
  { std::ofstream(copy) << "{ not json"; }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_NE(Http("GET", "/v1/status").body.find("\"policy_version\":2"), std::string::npos);
}

// A mail to an outside address carrying `pdf` as the attachment meibo.pdf.
std::string MailWithPdf(const std::string& pdf) {
  std::ostringstream b64;
  Poco::Base64Encoder encoder(b64);
  encoder << pdf;
  encoder.close();
  return "From: sender@city.honjo.lg.jp\r\nTo: a.yamada@example.ne.jp\r\n"
         "Subject: meibo\r\nMessage-ID: <pdf-plugin@city.honjo.lg.jp>\r\n"
         "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
         "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee the list\r\n"
         "--b1\r\nContent-Type: application/pdf; name=\"meibo.pdf\"\r\n"
         "Content-Disposition: attachment; filename=\"meibo.pdf\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" +
         b64.str() + "\r\n--b1--\r\n";
}

// The agent reads PDFs through the plugin libsendguard-pdf.so, which it loads on the
// first PDF (found through its RUNPATH: here the build tree's doccheck/ folder).
TEST_F(AgentTest, PdfAttachmentIsReadThroughThePdfPlugin) {
  Start();
  const std::string pdf = print_guard::testing::MakePdf(print_guard::testing::OrdinaryPages(2, 2));
  const HttpResult r = Http("POST", "/v1/check", MailWithPdf(pdf));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"code\":\"my_number\""), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("\"code\":\"unscannable\""), std::string::npos) << r.body;
}

// Without its PDF reader the agent must not let a PDF pass as clean: the attachment is
// "could not be checked" (the policy's unscannable action, here a prompt for outside
// recipients), with the Japanese reason every other unreadable attachment gets.
TEST_F(AgentTest, PdfReaderThatCannotBeLoadedFailsClosedInJapanese) {
  ::setenv("SENDGUARD_PDF_PLUGIN", (dir_ / "no-such-plugin.so").c_str(), 1);
  Start();
  ::unsetenv("SENDGUARD_PDF_PLUGIN");
  const std::string pdf = print_guard::testing::MakePdf(print_guard::testing::OrdinaryPages(2, 2));
  const HttpResult r = Http("POST", "/v1/check", MailWithPdf(pdf));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"verdict\":\"prompt\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"code\":\"unscannable\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("添付ファイル meibo.pdf は読み取れないため、中身を確認できませんでした。"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("PDF reader could not be loaded"), std::string::npos) << r.body;
}

// Ordinary internal mail, as the fast paths read it alone: plain addresses and subject,
// one text part.
const char kPlainInternalMail[] =
    "From: sender@city.honjo.lg.jp\r\nTo: arai-a@city.honjo.lg.jp, kimura-t@city.honjo.lg.jp\r\n"
    "Subject: kaigi\r\nMessage-ID: <plain-internal@city.honjo.lg.jp>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\nasu 10-ji kara desu.\r\n";

// vmime is in the MIME reader plugin, libsendguard-mime.so, which the agent loads on the
// first mail its fast paths do not read alone: ordinary internal mail, plain or with a
// Japanese subject (an ISO-2022-JP encoded word), does not load it; mail whose parts the
// policy scans (here: to outside recipients) does.
TEST_F(AgentTest, MimeReaderIsLoadedByTheFirstMailThatNeedsIt) {
  Start();
  const fs::path maps = fs::path("/proc") / std::to_string(agent_->pid()) / "maps";
  EXPECT_EQ(Read(maps).find("libvmime"), std::string::npos);
  std::ofstream(dir_ / "plain.eml") << kPlainInternalMail;
  const CommandRun plain =
      Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
            " --from sender@city.honjo.lg.jp --to arai-a@city.honjo.lg.jp,kimura-t@city.honjo.lg.jp"
            " --data " +
            (dir_ / "plain.eml").string());
  EXPECT_NE(plain.output.find("<-  250 2.0.0 Ok"), std::string::npos) << plain.output;
  const CommandRun japanese = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(japanese.output.find("<-  250 2.0.0 Ok"), std::string::npos) << japanese.output;
  EXPECT_EQ(Read(maps).find("libvmime"), std::string::npos);
  EXPECT_EQ(Read(maps).find("libsendguard-mime.so"), std::string::npos);
  const CommandRun r =
      Send("p03_two_external_to.eml", "a.takahashi@example.co.jp,a.yamada@example.ne.jp");
  EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  EXPECT_NE(Read(maps).find("libsendguard-mime.so"), std::string::npos);
  EXPECT_NE(Read(maps).find("libvmime"), std::string::npos);
  EXPECT_EQ(Delivered().size(), 3u);
}

// Without its MIME reader the agent sends nothing it could not read: a mail that needs
// vmime gets the temporary failure in Japanese that any mail it could not check gets
// (451 4.3.0, the client tries again later), and nothing reaches upstream. Ordinary
// internal mail, which needs no vmime, still goes out.
TEST_F(AgentTest, MimeReaderThatCannotBeLoadedFailsClosedInJapanese) {
  ::setenv("SENDGUARD_MIME_PLUGIN", (dir_ / "no-such-plugin.so").c_str(), 1);
  Start();
  ::unsetenv("SENDGUARD_MIME_PLUGIN");
  for (const char* eml : {"p01_internal_only_to.eml", "p12_residents_xlsx_external.eml"}) {
    const CommandRun r = Send(eml, "a.yamada@example.ne.jp");
    EXPECT_NE(r.output.find("<** 451-4.3.0 メールを検査できなかったため、送信していません。"),
              std::string::npos)
        << eml << "\n"
        << r.output;
    EXPECT_EQ(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  }
  EXPECT_TRUE(Delivered().empty());
  const HttpResult check =
      Http("POST", "/v1/check", Read(kMail + "/p12_residents_xlsx_external.eml"));
  EXPECT_EQ(check.status, 400);
  EXPECT_NE(check.body.find("MIME reader could not be loaded"), std::string::npos) << check.body;

  std::ofstream(dir_ / "plain.eml") << kPlainInternalMail;
  const CommandRun plain = Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                                 " --from sender@city.honjo.lg.jp --to arai-a@city.honjo.lg.jp"
                                 " --data " +
                                 (dir_ / "plain.eml").string());
  EXPECT_NE(plain.output.find("<-  250 2.0.0 Ok"), std::string::npos) << plain.output;
  const CommandRun japanese = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(japanese.output.find("<-  250 2.0.0 Ok"), std::string::npos) << japanese.output;
  EXPECT_EQ(Delivered().size(), 2u);
}

TEST(AgentConfigTest, CheckConfigSaysConfigurationOk) {
  const CommandRun ok = Shell(std::string(AGENT_BINARY) +
                              " --listen 127.0.0.1:2587 --upstream 127.0.0.1:25 --policy " + kMail +
                              "/policy.json --state-dir " +
                              (fs::temp_directory_path() / "sg_cc").string() + " --check-config");
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("configuration OK"), std::string::npos);
  const CommandRun bad = Shell(std::string(AGENT_BINARY) +
                               " --listen 10.0.0.1:2587 --upstream 127.0.0.1:25 --policy " + kMail +
                               "/policy.json --state-dir /tmp/sg_cc --check-config");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("loopback"), std::string::npos) << bad.output;
}

TEST(AgentConfigTest, ConfigFileSettingsAreReadAndFlagsOverrideThem) {
  const fs::path dir = fs::temp_directory_path() / ("sg_conf_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string conf = (dir / "agent.conf").string();
  std::ofstream(conf) << "# sendguard-agent settings\n"
                      << "listen = 127.0.0.1:2587\n"
                      << "upstream = 127.0.0.1:25\n"
                      << "policy = \"" << kMail << "/policy.json\"\n"
                      << "\n"
                      << "state-dir = " << (dir / "state").string() << "\n"
                      << "upstream-timeout = 500\n";
  const std::string agent = std::string(AGENT_BINARY) + " --config " + conf;
  // The file alone: its upstream-timeout is out of range, and the message says so.
  const CommandRun from_file = Shell(agent + " --check-config");
  EXPECT_NE(from_file.status, 0);
  EXPECT_NE(from_file.output.find("--upstream-timeout"), std::string::npos) << from_file.output;
  // The command line wins over the file.
  const CommandRun overridden = Shell(agent + " --upstream-timeout 30 --check-config");
  EXPECT_EQ(overridden.status, 0) << overridden.output;
  EXPECT_NE(overridden.output.find("configuration OK"), std::string::npos);
  // An unknown setting is named with its line.
  std::ofstream(conf, std::ios::app) << "upstrem = typo:25\n";
  const CommandRun typo = Shell(agent + " --upstream-timeout 30 --check-config");
  EXPECT_NE(typo.status, 0);
  EXPECT_NE(typo.output.find("agent.conf:8: unknown setting 'upstrem'"), std::string::npos)
      << typo.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace agent
