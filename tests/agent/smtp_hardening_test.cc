// The agent's SMTP path against misuse, end to end with the real binary on loopback:
// a hostile or odd upstream, HTTP sent to the SMTP port, a second agent on a busy port,
// clients that give up while a prompt waits, and what the sender reads in a refusal.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
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

// The agent under test; SENDGUARD_AGENT_BINARY runs these tests against another build
// (e.g. to see them fail on an older one).
std::string AgentBinary() {
  const char* other = std::getenv("SENDGUARD_AGENT_BINARY");
  return other && *other ? other : AGENT_BINARY;
}

class SmtpHardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists("/usr/sbin/smtp-sink")) << "needs smtp-sink (apt-get install postfix)";
    ASSERT_TRUE(fs::exists("/usr/bin/swaks")) << "needs swaks (apt-get install swaks)";
    dir_ = fs::temp_directory_path() /
           ("sendguard_smtp_test_" + std::to_string(getpid()) + "_" + std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sink");
  }
  void TearDown() override {
    agent_.reset();
    upstream_.reset();
    fs::remove_all(dir_);
  }

  // smtp-sink writing each message it accepts to dir_/sink; returns its HOST:PORT.
  std::string StartSink() {
    const int port = FreePort();
    upstream_ = std::make_unique<Process>(std::vector<std::string>{
        "/usr/sbin/smtp-sink", "-u", "root", "-d", (dir_ / "sink" / "%M.").string(),
        "127.0.0.1:" + std::to_string(port), "20"});
    EXPECT_TRUE(WaitForPort(port)) << "smtp-sink did not start";
    return "127.0.0.1:" + std::to_string(port);
  }

  // tests/agent/data/scripted_upstream.py with `options`; returns its HOST:PORT.
  std::string StartScripted(std::vector<std::string> options = {}) {
    const int port = FreePort();
    std::vector<std::string> argv = {"/usr/bin/python3",
                                     std::string(AGENT_TEST_DATA) + "/scripted_upstream.py",
                                     std::to_string(port), (dir_ / "sink").string()};
    argv.insert(argv.end(), options.begin(), options.end());
    upstream_ = std::make_unique<Process>(argv);
    EXPECT_TRUE(WaitForPort(port)) << "scripted_upstream.py did not start";
    return "127.0.0.1:" + std::to_string(port);
  }

  // The agent on fresh ports relaying to `upstream`; waits until it serves.
  void StartAgent(const std::string& upstream, const std::vector<std::string>& extra = {}) {
    agent_port_ = FreePort();
    control_port_ = FreePort();
    std::vector<std::string> argv = {AgentBinary(),
                                     "--listen",
                                     "127.0.0.1:" + std::to_string(agent_port_),
                                     "--upstream",
                                     upstream,
                                     "--policy",
                                     kMail + "/policy.json",
                                     "--state-dir",
                                     (dir_ / "state").string(),
                                     "--control-listen",
                                     "127.0.0.1:" + std::to_string(control_port_)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    agent_ = std::make_unique<Process>(argv, (dir_ / "agent.log").string());
    ASSERT_TRUE(WaitForPort(agent_port_)) << "the agent did not start";
    ASSERT_TRUE(WaitForPort(control_port_)) << "the control API did not start";
    token_ = Read(dir_ / "state" / "control.token");
    while (!token_.empty() && (token_.back() == '\n' || token_.back() == '\r')) token_.pop_back();
  }

  CommandRun Send(const std::string& eml, const std::string& to, const std::string& extra = "") {
    return Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                 " --from sender@city.honjo.lg.jp --to " + to + " --data " + eml + " " + extra);
  }

  // The messages upstream stored (smtp-sink's files or scripted_upstream's msgN.eml).
  std::vector<fs::path> Delivered() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir_ / "sink"))
      if (e.path().filename() != "commands.log") files.push_back(e.path());
    return files;
  }

  struct HttpResult {
    int status = 0;
    std::string body;
  };
  HttpResult Http(const std::string& method, const std::string& path,
                  const std::string& body = "") {
    HttpResult r;
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(control_port_));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setHost("127.0.0.1:" + std::to_string(control_port_));
    req.set("Authorization", "Bearer " + token_);
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

  // Waits until one prompt is pending and returns its id ("" after about 10 s).
  std::string WaitForPrompt() {
    for (int i = 0; i < 200; ++i) {
      const HttpResult r = Http("GET", "/v1/prompts");
      const std::size_t at = r.body.find("\"id\":\"");
      if (at != std::string::npos) return r.body.substr(at + 6, r.body.find('"', at + 6) - at - 6);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

  fs::path dir_;
  int agent_port_ = 0;
  int control_port_ = 0;
  std::string token_;
  std::unique_ptr<Process> upstream_;
  std::unique_ptr<Process> agent_;
  static inline int counter_ = 0;
};

// Issue 10, item 6: an upstream whose host name is made of extension keywords, and which
// offers none of them, gets no pipelined commands, no AUTH and no STARTTLS.
TEST_F(SmtpHardeningTest, UpstreamGreetingHostNameOffersNoExtension) {
  StartAgent(StartScripted());
  const CommandRun r = Send(kMail + "/p01_internal_only_to.eml",
                            "arai-a@city.honjo.lg.jp,kimura-t@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  EXPECT_EQ(Delivered().size(), 1u);
  const std::string log = Read(dir_ / "sink" / "commands.log");
  EXPECT_EQ(log.find("PIPELINED"), std::string::npos) << log;
  EXPECT_EQ(log.find("AUTH"), std::string::npos) << log;
  EXPECT_EQ(log.find("STARTTLS"), std::string::npos) << log;
  EXPECT_EQ(log.find("SMTPUTF8"), std::string::npos) << log;
  EXPECT_NE(log.find("MAIL FROM:<sender@city.honjo.lg.jp>\n"), std::string::npos) << log;

  // A client that authenticates: refused here, AUTH never sent upstream.
  const CommandRun auth = Send(kMail + "/p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp",
                               "--auth PLAIN --auth-user staff --auth-password secret");
  EXPECT_NE(auth.output.find("<** 454 4.7.0"), std::string::npos) << auth.output;
  EXPECT_EQ(Read(dir_ / "sink" / "commands.log").find("AUTH"), std::string::npos);
}

TEST_F(SmtpHardeningTest, StartTlsIsNotTriedWhenOnlyTheHostNameSaysSo) {
  StartAgent(StartScripted({"--ehlo", "8BITMIME"}), {"--upstream-tls", "starttls"});
  const CommandRun r = Send(kMail + "/p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 454 4.7.0"), std::string::npos) << r.output;
  EXPECT_TRUE(Delivered().empty());
  EXPECT_EQ(Read(dir_ / "sink" / "commands.log").find("STARTTLS"), std::string::npos);
}

TEST_F(SmtpHardeningTest, OfferedPipeliningIsStillUsed) {
  StartAgent(StartScripted({"--ehlo", "PIPELINING", "--ehlo", "SIZE 1000000"}));
  const CommandRun r = Send(kMail + "/p01_internal_only_to.eml",
                            "arai-a@city.honjo.lg.jp,kimura-t@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  const std::string log = Read(dir_ / "sink" / "commands.log");
  EXPECT_NE(log.find("PIPELINED MAIL FROM:<sender@city.honjo.lg.jp> SIZE="), std::string::npos)
      << log;
}

// Issue 17: with PIPELINING, DATA goes in the same write as MAIL and every RCPT (RFC 2920
// §3.1: DATA may end a group), one round trip upstream fewer per message. The log marks a
// line as PIPELINED when more bytes had arrived behind it: the last RCPT is, by DATA.
TEST_F(SmtpHardeningTest, DataGoesInOneWriteWithTheEnvelopeWhenUpstreamPipelines) {
  StartAgent(StartScripted({"--ehlo", "PIPELINING"}));
  const CommandRun r = Send(kMail + "/p01_internal_only_to.eml",
                            "arai-a@city.honjo.lg.jp,kimura-t@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  EXPECT_EQ(Delivered().size(), 1u);
  const std::string log = Read(dir_ / "sink" / "commands.log");
  EXPECT_NE(log.find("PIPELINED MAIL FROM:<sender@city.honjo.lg.jp>\n"
                     "PIPELINED RCPT TO:<arai-a@city.honjo.lg.jp>\n"
                     "PIPELINED RCPT TO:<kimura-t@city.honjo.lg.jp>\n"
                     "DATA\n"),
            std::string::npos)
      << log;
}

// BODY=8BITMIME is declared exactly when the message has an 8-bit byte and upstream
// offers 8BITMIME, wherever the byte is (the check reads eight bytes at a time).
TEST_F(SmtpHardeningTest, EightBitBodyIsDeclaredOnlyWhenTheMessageHasOne) {
  StartAgent(StartScripted({"--ehlo", "PIPELINING", "--ehlo", "8BITMIME"}));
  const auto write =
      [&](const std::string& name, const std::string& last_line) {
        std::ofstream(dir_ / name)
            << "From: <sender@city.honjo.lg.jp>\r\nTo: <arai-a@city.honjo.lg.jp>\r\n"
               "Subject: eight\r\nContent-Type: text/plain; charset=UTF-8\r\n"
               "Content-Transfer-Encoding: 8bit\r\n\r\nplain ascii line\r\n"
            << last_line << "\r\n";
        return (dir_ / name).string();
      };
  EXPECT_NE(Send(write("seven.eml", "x"), "arai-a@city.honjo.lg.jp").output.find("<-  250"),
            std::string::npos);
  // The only 8-bit bytes in the last few bytes of the message (past the last full word).
  EXPECT_NE(Send(write("eight.eml", "\xc3\xa9"), "arai-a@city.honjo.lg.jp").output.find("<-  250"),
            std::string::npos);
  const std::string log = Read(dir_ / "sink" / "commands.log");
  const std::size_t second = log.find("MAIL FROM", log.find("MAIL FROM") + 1);
  ASSERT_NE(second, std::string::npos) << log;
  EXPECT_EQ(log.substr(0, second).find("BODY=8BITMIME"), std::string::npos) << log;
  EXPECT_NE(log.find("MAIL FROM:<sender@city.honjo.lg.jp> BODY=8BITMIME", second),
            std::string::npos)
      << log;
}

// One recipient of two refused upstream, DATA already sent behind it and answered 354:
// the client hears the refusal, upstream gets no byte of the message (the connection is
// dropped inside DATA, since RSET cannot be said there), and the next mail goes through.
TEST_F(SmtpHardeningTest, PipelinedRefusedRecipientSendsNothingAndTheClientHearsIt) {
  StartAgent(StartScripted({"--ehlo", "PIPELINING", "--refuse-rcpt", "kimura-t@city.honjo.lg.jp"}));
  const CommandRun r = Send(kMail + "/p01_internal_only_to.eml",
                            "arai-a@city.honjo.lg.jp,kimura-t@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 550 5.1.1 <kimura-t@city.honjo.lg.jp>: Recipient address rejected"),
            std::string::npos)
      << r.output;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(Delivered().empty());
  const std::string log = Read(dir_ / "sink" / "commands.log");
  // No message line reached upstream (a transaction cut inside DATA is logged with its count).
  EXPECT_EQ(log.find("DATA ABORTED after "), log.find("DATA ABORTED after 0 lines")) << log;
  const CommandRun next = Send(kMail + "/p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(next.output.find("<-  250 2.0.0 Ok"), std::string::npos) << next.output;
  EXPECT_EQ(Delivered().size(), 1u);
}

// Every recipient refused: upstream answers the pipelined DATA 554 (RFC 2920 §3.1). That
// reply is read, so the kept session stays in step: the next mail goes over the same
// connection and gets its own replies.
TEST_F(SmtpHardeningTest, PipelinedAllRecipientsRefusedKeepsTheSessionInStep) {
  StartAgent(StartScripted({"--ehlo", "PIPELINING", "--refuse-rcpt", "arai-a@city.honjo.lg.jp",
                            "--refuse-rcpt", "kimura-t@city.honjo.lg.jp"}));
  const CommandRun r = Send(kMail + "/p01_internal_only_to.eml",
                            "arai-a@city.honjo.lg.jp,kimura-t@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 550 5.1.1 <arai-a@city.honjo.lg.jp>: Recipient address rejected"),
            std::string::npos)
      << r.output;
  EXPECT_TRUE(Delivered().empty());
  const CommandRun next = Send(kMail + "/p01_internal_only_to.eml", "tanaka-h@city.honjo.lg.jp");
  EXPECT_NE(next.output.find("<-  250 2.0.0 Ok: queued as 1"), std::string::npos) << next.output;
  EXPECT_EQ(Delivered().size(), 1u);
  const std::string log = Read(dir_ / "sink" / "commands.log");
  EXPECT_EQ(log.find("EHLO"), log.rfind("EHLO")) << log;  // one session for both
  EXPECT_EQ(log.find("DATA ABORTED"), std::string::npos) << log;
}

// A server that answers 354 although it accepted no recipient (not what RFC 2920 asks):
// still no byte of the message goes out, and the client hears the refusal.
TEST_F(SmtpHardeningTest, DataAcceptedWithoutRecipientsSendsNothing) {
  StartAgent(StartScripted(
      {"--ehlo", "PIPELINING", "--data-354-always", "--refuse-rcpt", "arai-a@city.honjo.lg.jp"}));
  const CommandRun r = Send(kMail + "/p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 550 5.1.1 <arai-a@city.honjo.lg.jp>"), std::string::npos)
      << r.output;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(Delivered().empty());
  const std::string log = Read(dir_ / "sink" / "commands.log");
  // No message line reached upstream (a transaction cut inside DATA is logged with its count).
  EXPECT_EQ(log.find("DATA ABORTED after "), log.find("DATA ABORTED after 0 lines")) << log;
}

// A refused sender: the pipelined RCPT and DATA get 503; the client hears the MAIL
// refusal, nothing is sent.
TEST_F(SmtpHardeningTest, PipelinedRefusedSenderIsWhatTheClientHears) {
  StartAgent(StartScripted({"--ehlo", "PIPELINING", "--refuse-mail"}));
  const CommandRun r = Send(kMail + "/p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 550 5.7.1 Sender refused"), std::string::npos) << r.output;
  EXPECT_TRUE(Delivered().empty());
}

// Without PIPELINING nothing is pipelined, and a refused recipient stops the transaction
// at once: no further RCPT, no DATA.
TEST_F(SmtpHardeningTest, WithoutPipeliningARefusedRecipientStopsTheTransaction) {
  StartAgent(StartScripted({"--ehlo", "8BITMIME", "--refuse-rcpt", "arai-a@city.honjo.lg.jp"}));
  const CommandRun r = Send(kMail + "/p01_internal_only_to.eml",
                            "arai-a@city.honjo.lg.jp,kimura-t@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 550 5.1.1 <arai-a@city.honjo.lg.jp>"), std::string::npos)
      << r.output;
  EXPECT_TRUE(Delivered().empty());
  const std::string log = Read(dir_ / "sink" / "commands.log");
  EXPECT_EQ(log.find("PIPELINED"), std::string::npos) << log;
  EXPECT_EQ(log.find("kimura-t"), std::string::npos) << log;
  EXPECT_EQ(log.find("DATA"), std::string::npos) << log;
  EXPECT_NE(log.find("RSET"), std::string::npos) << log;
}

// A fresh session dropped in the middle of the pipelined envelope: a temporary error for
// the client (it keeps the mail in its outbox), nothing delivered.
TEST_F(SmtpHardeningTest, FreshSessionDroppedMidPipelineGivesATemporaryError) {
  StartAgent(StartScripted({"--ehlo", "PIPELINING", "--drop-on-mail", "1"}));
  const CommandRun r = Send(kMail + "/p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 451 4.4."), std::string::npos) << r.output;
  EXPECT_TRUE(Delivered().empty());
}

// A kept session that upstream drops in the middle of the pipelined envelope (before any
// byte of the message went out) is replaced, and the mail is delivered exactly once.
TEST_F(SmtpHardeningTest, KeptSessionDroppedMidPipelineIsReplacedAndSendsOnce) {
  StartAgent(StartScripted({"--ehlo", "PIPELINING", "--drop-on-mail", "2"}));
  const CommandRun first = Send(kMail + "/p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(first.output.find("<-  250 2.0.0 Ok: queued as 1"), std::string::npos) << first.output;
  const CommandRun second = Send(kMail + "/p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(second.output.find("<-  250 2.0.0 Ok: queued as 2"), std::string::npos)
      << second.output;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Delivered().size(), 2u);
  const std::string log = Read(dir_ / "sink" / "commands.log");
  std::size_t sessions = 0;  // (the test's own port probe connects too, without EHLO)
  for (std::size_t at = log.find("EHLO"); at != std::string::npos; at = log.find("EHLO", at + 1))
    ++sessions;
  EXPECT_EQ(sessions, 2u) << log;
}

// A hostile but valid upstream against the pipelined envelope (issue 17): its replies
// split one byte per segment, several replies in one segment, replies of two lines. Each
// time the client hears upstream's own refusal, a refused recipient sends nothing, the
// kept session stays in step (the next mail gets its own replies, not an earlier one's),
// and each accepted mail is delivered once.
class SmtpReplyShapeTest : public SmtpHardeningTest,
                           public ::testing::WithParamInterface<const char*> {};

TEST_P(SmtpReplyShapeTest, PipelinedEnvelopeIsReadWhateverShapeTheRepliesHave) {
  StartAgent(StartScripted({"--ehlo", "PIPELINING", "--refuse-rcpt", "kimura-t@city.honjo.lg.jp",
                            "--refuse-rcpt", "sato-k@city.honjo.lg.jp", GetParam()}));
  const std::string eml = kMail + "/p01_internal_only_to.eml";
  const CommandRun all_refused = Send(eml, "kimura-t@city.honjo.lg.jp,sato-k@city.honjo.lg.jp");
  EXPECT_NE(all_refused.output.find("550 5.1.1 <kimura-t@city.honjo.lg.jp>: Recipient address "
                                    "rejected"),
            std::string::npos)
      << all_refused.output;
  const CommandRun one_refused = Send(eml, "arai-a@city.honjo.lg.jp,kimura-t@city.honjo.lg.jp");
  EXPECT_NE(one_refused.output.find("550 5.1.1 <kimura-t@city.honjo.lg.jp>: Recipient address "
                                    "rejected"),
            std::string::npos)
      << one_refused.output;
  EXPECT_EQ(one_refused.output.find("queued as"), std::string::npos) << one_refused.output;
  const CommandRun first = Send(eml, "arai-a@city.honjo.lg.jp");
  EXPECT_NE(first.output.find("<-  250 2.0.0 Ok: queued as 1"), std::string::npos) << first.output;
  const CommandRun second = Send(eml, "arai-a@city.honjo.lg.jp,tanaka-h@city.honjo.lg.jp");
  EXPECT_NE(second.output.find("<-  250 2.0.0 Ok: queued as 2"), std::string::npos)
      << second.output;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Delivered().size(), 2u);
  const std::string log = Read(dir_ / "sink" / "commands.log");
  // No message line reached upstream in a refused transaction.
  EXPECT_EQ(log.find("DATA ABORTED after "), log.find("DATA ABORTED after 0 lines")) << log;
}

INSTANTIATE_TEST_SUITE_P(Shapes, SmtpReplyShapeTest,
                         ::testing::Values("--reply-bytes-apart", "--coalesce-replies",
                                           "--multiline-replies"),
                         [](const auto& info) {
                           std::string name;
                           for (char c : std::string(info.param))
                             if (std::isalnum(static_cast<unsigned char>(c))) name.push_back(c);
                           return name;
                         });

// Issue 10, item 7: a web page can make the browser POST a form to the SMTP port. The
// form's body holds a whole SMTP dialogue; the agent must close the connection at the
// request line, so none of it reaches upstream, and curl is not left waiting.
TEST_F(SmtpHardeningTest, HttpPostToTheSmtpPortIsClosedAndSendsNothing) {
  ASSERT_TRUE(fs::exists("/usr/bin/curl")) << "needs curl";
  StartAgent(StartSink());
  const fs::path payload = dir_ / "payload.txt";
  std::ofstream(payload, std::ios::binary)
      << "\r\nEHLO evil.example\r\nMAIL FROM:<sender@city.honjo.lg.jp>\r\n"
         "RCPT TO:<arai-a@city.honjo.lg.jp>\r\nDATA\r\nSubject: from a web page\r\n\r\n"
         "cross-protocol\r\n.\r\nQUIT\r\n";
  const CommandRun r =
      Shell("curl -sS --http0.9 --max-time 15 -o " + (dir_ / "out").string() + " -F 'smtp=<" +
            payload.string() + "' http://127.0.0.1:" + std::to_string(agent_port_) + "/");
  EXPECT_NE(WEXITSTATUS(r.status), 28) << "the connection was left open: " << r.output;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(Delivered().empty()) << Read(Delivered().front());

  // The same request line from a raw socket: a 554 and the connection closed.
  Poco::Net::StreamSocket s(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(agent_port_)));
  s.setReceiveTimeout(Poco::Timespan(10, 0));
  const std::string request = "POST / HTTP/1.1\r\n";
  s.sendBytes(request.data(), static_cast<int>(request.size()));
  std::string got;
  char buf[4096];
  bool closed = false;
  try {
    for (int n; (n = s.receiveBytes(buf, sizeof buf)) > 0;) got.append(buf, n);
    closed = true;
  } catch (const Poco::Exception& e) {
    closed = e.code() != 0 && dynamic_cast<const Poco::TimeoutException*>(&e) == nullptr;
  }
  EXPECT_NE(got.find("\r\n554 5.7.0 "), std::string::npos) << got;
  EXPECT_TRUE(closed) << "the agent kept the connection open";

  // The agent still serves mail.
  const CommandRun ok = Send(kMail + "/p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(ok.output.find("<-  250 2.0.0 Ok"), std::string::npos) << ok.output;
}

// Issue 10, item 8: a second agent on the SMTP port of a running one must not start (with
// SO_REUSEPORT both would, and share the connections); it fails at once with the
// configuration-error status 2 and names the port.
TEST_F(SmtpHardeningTest, SecondAgentOnABusyPortFailsToStart) {
  StartAgent(StartSink());
  const std::string port = std::to_string(agent_port_);
  const CommandRun second = Shell("timeout 20 " + AgentBinary() + " --listen 127.0.0.1:" + port +
                                  " --upstream " + "127.0.0.1:25 --policy " + kMail +
                                  "/policy.json --state-dir " + (dir_ / "state2").string() +
                                  " --control-listen 127.0.0.1:" + std::to_string(FreePort()));
  ASSERT_TRUE(WIFEXITED(second.status));
  EXPECT_EQ(WEXITSTATUS(second.status), 2) << second.output;
  EXPECT_NE(second.output.find("127.0.0.1:" + port), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("already in use"), std::string::npos) << second.output;
  // The first one still has every connection.
  const CommandRun ok = Send(kMail + "/p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(ok.output.find("<-  250 2.0.0 Ok"), std::string::npos) << ok.output;
}

// The confirmation page's port too: a second agent there would receive half the page's
// requests (and with them the user's answers).
TEST_F(SmtpHardeningTest, SecondAgentOnABusyControlPortFailsToStart) {
  StartAgent(StartSink());
  const std::string port = std::to_string(control_port_);
  const CommandRun second =
      Shell("timeout 20 " + AgentBinary() + " --listen 127.0.0.1:" + std::to_string(FreePort()) +
            " --upstream 127.0.0.1:25 --policy " + kMail + "/policy.json --state-dir " +
            (dir_ / "state2").string() + " --control-listen 127.0.0.1:" + port);
  ASSERT_TRUE(WIFEXITED(second.status));
  EXPECT_EQ(WEXITSTATUS(second.status), 2) << second.output;
  EXPECT_NE(second.output.find("127.0.0.1:" + port), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("already in use"), std::string::npos) << second.output;
}

// What the sender reads: a refusal in Japanese first, then English, with the attachment's
// file name intact (it used to become "??????.csv").
TEST_F(SmtpHardeningTest, RefusalIsJapaneseFirstWithTheFileNameIntact) {
  StartAgent(StartSink());
  const CommandRun r = Send(std::string(AGENT_TEST_DATA) + "/residents_csv_attachment.eml",
                            "a.yamada@example.ne.jp");
  const std::size_t ja =
      r.output.find("<** 550-5.7.1 送信ポリシーにより、このメールは送信されていません");
  const std::size_t name =
      r.output.find("添付ファイル 住民名簿.csv に個人番号が 1 件含まれています");
  const std::size_t en = r.output.find("Message refused by the sendguard policy");
  const std::size_t en_name = r.output.find("my_number: Attachment 住民名簿.csv contains");
  ASSERT_NE(ja, std::string::npos) << r.output;
  ASSERT_NE(name, std::string::npos) << r.output;
  ASSERT_NE(en, std::string::npos) << r.output;
  ASSERT_NE(en_name, std::string::npos) << r.output;
  EXPECT_LT(ja, name);
  EXPECT_LT(name, en);
  EXPECT_LT(en, en_name);
  EXPECT_EQ(r.output.find("??"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("373964017574"), std::string::npos) << "the number stays masked";
  EXPECT_TRUE(Delivered().empty());
}

// Issue 10, item 5: a client that gives up on a prompt (swaks with a 3 s timeout) reports
// a failure and its user sends again; approving the first prompt afterwards must not
// deliver a second copy. The agent notices the disconnect while the prompt waits.
TEST_F(SmtpHardeningTest, ClientThatGaveUpOnAPromptGetsNothingSentWhenApprovedLater) {
  StartAgent(StartSink(), {"--prompt-timeout", "30"});
  const CommandRun r =
      Send(kMail + "/p12_residents_xlsx_external.eml", "a.yamada@example.ne.jp", "--timeout 3");
  EXPECT_EQ(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  const std::string id = [&] {
    const std::string audit = Read(dir_ / "state" / "audit.jsonl");
    const std::size_t at = audit.find("\"prompt\":\"");
    return at == std::string::npos ? std::string()
                                   : audit.substr(at + 10, audit.find('"', at + 10) - at - 10);
  }();
  ASSERT_FALSE(id.empty()) << Read(dir_ / "state" / "audit.jsonl");
  // The user approves late (the prompt may already be gone: that is the point).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const HttpResult answer = Http("POST", "/v1/prompts/" + id, "{\"decision\":\"send\"}");
  EXPECT_NE(answer.status, 200) << answer.body;
  std::string audit;
  for (int i = 0; i < 50; ++i) {
    audit = Read(dir_ / "state" / "audit.jsonl");
    if (audit.find("prompt_abandoned") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(audit.find("\"outcome\":\"prompt_abandoned\""), std::string::npos) << audit;
  EXPECT_EQ(audit.find("prompt_confirmed"), std::string::npos) << audit;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(Delivered().empty());
  EXPECT_EQ(Http("GET", "/v1/prompts").body.find(id), std::string::npos);
}

// A client that pipelined QUIT behind its message and waits is still there: its prompt,
// approved, is sent once and it gets both replies.
TEST_F(SmtpHardeningTest, PipelinedBytesBehindAPromptDoNotMeanTheClientHasGone) {
  StartAgent(StartSink(), {"--prompt-timeout", "30"});
  std::string message = Read(kMail + "/p12_residents_xlsx_external.eml");
  std::string crlf;
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\n' && (i == 0 || message[i - 1] != '\r')) crlf += '\r';
    crlf += message[i];
  }
  Poco::Net::StreamSocket s(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(agent_port_)));
  s.setReceiveTimeout(Poco::Timespan(20, 0));
  const std::string dialogue =
      "EHLO pipeliner\r\nMAIL FROM:<sender@city.honjo.lg.jp>\r\n"
      "RCPT TO:<a.yamada@example.ne.jp>\r\nDATA\r\n" +
      crlf + (crlf.size() >= 2 && crlf.substr(crlf.size() - 2) == "\r\n" ? "" : "\r\n") +
      ".\r\nQUIT\r\n";
  for (std::size_t sent = 0; sent < dialogue.size();)
    sent += static_cast<std::size_t>(
        s.sendBytes(dialogue.data() + sent, static_cast<int>(dialogue.size() - sent)));
  const std::string id = WaitForPrompt();
  ASSERT_FALSE(id.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // several probes
  EXPECT_EQ(Http("POST", "/v1/prompts/" + id, "{\"decision\":\"send\"}").status, 200);
  std::string got;
  char buf[4096];
  try {
    for (int n;
         got.find("\r\n221 ") == std::string::npos && (n = s.receiveBytes(buf, sizeof buf)) > 0;)
      got.append(buf, n);
  } catch (const Poco::Exception&) {
  }
  EXPECT_NE(got.find("\r\n250 2.0.0 Ok"), std::string::npos) << got;
  EXPECT_NE(got.find("\r\n221 "), std::string::npos) << got;
  EXPECT_EQ(Delivered().size(), 1u);
}

// Desktop notifications on a private session bus (dbus-daemon), received by
// python-dbusmock's notification_daemon template, which logs every call it gets.
class SmtpNotifyTest : public SmtpHardeningTest {
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
    SmtpHardeningTest::TearDown();
  }
  std::unique_ptr<Process> bus_, daemon_;
};

// A converted mail (two outside addresses in To) tells the sender once that To became Bcc
// and why.
TEST_F(SmtpNotifyTest, ConvertedMailTellsTheSenderOnceThatToBecameBcc) {
  StartBus();
  StartAgent(StartSink());
  const CommandRun r =
      Send(kMail + "/p03_two_external_to.eml", "a.takahashi@example.co.jp,a.yamada@example.ne.jp");
  EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  std::string log = WaitForLog("Notify");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // anything more to come
  log = Read(dir_ / "notify.log");
  EXPECT_NE(log.find("To を Bcc に変えて送信しました"), std::string::npos) << log;
  EXPECT_NE(log.find("庁外"), std::string::npos) << log;
  std::size_t notifies = 0;
  for (std::size_t at = log.find("Notify"); at != std::string::npos;
       at = log.find("Notify", at + 1))
    ++notifies;
  EXPECT_EQ(notifies, 1u) << log;
  EXPECT_EQ(Delivered().size(), 1u);
}

}  // namespace
}  // namespace agent
