// The add-on's one-time confirmation header (agent/confirm_header.h): signed, bound to
// the message, good once, for minutes; and, end to end through the real agent with swaks
// and smtp-sink, a valid one skips the prompt once and never reaches upstream.
#include "agent/confirm_header.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>

#include "process_support.h"

namespace agent {
namespace {

namespace fs = std::filesystem;
using Check = Confirmations::Check;

mailcheck::Decision SampleDecision() {
  mailcheck::Decision d;
  d.subject = "名簿の送付  について";
  doccheck::FileReport a;
  a.path = "meibo.xlsx";
  a.klass = 2;
  d.attachments.push_back(a);
  return d;
}

TEST(ConfirmHeaderTest, BindingIgnoresRecipientOrderCaseAndWhiteSpace) {
  const mailcheck::Decision d = SampleDecision();
  const std::string b = ConfirmationBinding(d, {"a@example.jp", "B@Example.jp"});
  EXPECT_EQ(b.size(), 64u);
  EXPECT_EQ(b, ConfirmationBinding(d, {"<b@example.jp>", "a@example.jp", "a@example.jp"}));
  mailcheck::Decision folded = d;
  folded.subject = " 名簿の送付\r\n について ";
  EXPECT_EQ(b, ConfirmationBinding(folded, {"a@example.jp", "b@example.jp"}));
  // Anything the user confirmed that differs: another binding.
  EXPECT_NE(b, ConfirmationBinding(d, {"a@example.jp"}));
  EXPECT_NE(b, ConfirmationBinding(d, {"a@example.jp", "b@example.jp", "c@example.jp"}));
  mailcheck::Decision other = d;
  other.subject = "別件";
  EXPECT_NE(b, ConfirmationBinding(other, {"a@example.jp", "b@example.jp"}));
  other = d;
  other.attachments[0].path = "meibo2.xlsx";
  EXPECT_NE(b, ConfirmationBinding(other, {"a@example.jp", "b@example.jp"}));
  other = d;
  other.attachments[0].klass = 1;
  EXPECT_NE(b, ConfirmationBinding(other, {"a@example.jp", "b@example.jp"}));
}

class ConfirmationsTest : public ::testing::Test {
 protected:
  std::int64_t now_ = 1'800'000'000;
  Confirmations c_{std::string(32, 'k'), std::chrono::seconds(300), [this] { return now_; }};
};

TEST_F(ConfirmationsTest, ValidOnceThenUsed) {
  const std::string v = c_.Issue("binding-1");
  EXPECT_EQ(v.rfind("v1; id=", 0), 0u) << v;
  EXPECT_EQ(c_.Redeem(v, "binding-1"), Check::kValid);
  EXPECT_EQ(c_.Redeem(v, "binding-1"), Check::kUsed);
}

TEST_F(ConfirmationsTest, ExpiredAfterItsLifetime) {
  const std::string v = c_.Issue("b");
  now_ += 301;
  EXPECT_EQ(c_.Redeem(v, "b"), Check::kExpired);
}

TEST_F(ConfirmationsTest, MismatchedMessageIsRefusedAndDoesNotUseItUp) {
  const std::string v = c_.Issue("b");
  EXPECT_EQ(c_.Redeem(v, "another message"), Check::kMismatch);
  EXPECT_EQ(c_.Redeem(v, "b"), Check::kValid);
}

TEST_F(ConfirmationsTest, ForgedOrAlteredHeadersAreRefused) {
  const std::string v = c_.Issue("b");
  // Signed by someone else's key: an id this agent never issued.
  Confirmations other(std::string(32, 'x'), std::chrono::seconds(300), [this] { return now_; });
  EXPECT_EQ(c_.Redeem(other.Issue("b"), "b"), Check::kUnknown);
  // Our id with a longer life written in: refused.
  std::string later = v;
  const std::size_t at = later.find("exp=") + 4;
  later.replace(at, 10, std::to_string(now_ + 99999));
  EXPECT_EQ(c_.Redeem(later, "b"), Check::kBadMac);
  // Our id and expiry with a made-up MAC.
  std::string mac = v;
  mac.replace(mac.size() - 64, 64, std::string(64, '0'));
  EXPECT_EQ(c_.Redeem(mac, "b"), Check::kMismatch);
  for (const char* bad : {"", "v1", "v2; id=00; exp=1; mac=00", "v1; id=zz; exp=1; mac=00",
                          "v1; exp=1; id=00; mac=00"})
    EXPECT_EQ(c_.Redeem(bad, "b"), Check::kMalformed) << bad;
  EXPECT_EQ(c_.Redeem(v, "b"), Check::kValid) << "the real one still works once";
}

TEST(ConfirmHeaderTest, KeyFileIsPrivateAndKeptAcrossOpens) {
  const fs::path dir = fs::temp_directory_path() / ("sg_confirm_key_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string key = (dir / "confirm.key").string();
  auto first = Confirmations::Open(key);
  ASSERT_TRUE(first.ok()) << first.error();
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string before = testing::Read(key);
  auto second = Confirmations::Open(key);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(testing::Read(key), before) << "a private key is kept";
  ::chmod(key.c_str(), 0644);
  ASSERT_TRUE(Confirmations::Open(key).ok());
  EXPECT_NE(testing::Read(key), before) << "a key others could read is replaced";
  fs::remove_all(dir);
}

TEST(ConfirmHeaderTest, StripRemovesEveryFoldedFieldAndNothingElse) {
  std::string m =
      "From: a@example.jp\r\nX-Sendguard-Confirmed: v1; id=ab;\r\n exp=1; mac=cd\r\n"
      "Subject: s\r\nx-sendguard-confirmed : second\r\n\r\nX-Sendguard-Confirmed: body\r\n";
  const std::vector<std::string> values = StripConfirmHeaders(&m);
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0], "v1; id=ab; exp=1; mac=cd");
  EXPECT_EQ(values[1], "second");
  EXPECT_EQ(m, "From: a@example.jp\r\nSubject: s\r\n\r\nX-Sendguard-Confirmed: body\r\n");
  std::string plain = "From: a@example.jp\nSubject: s\n\nbody\n";
  const std::string copy = plain;
  EXPECT_TRUE(StripConfirmHeaders(&plain).empty());
  EXPECT_EQ(plain, copy);
}

// ---- end to end: swaks -> sendguard-agent -> smtp-sink

const std::string kMail = std::string(SENDGUARD_CORPUS_DIR) + "/mail";

class ConfirmHeaderE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists("/usr/sbin/smtp-sink")) << "needs smtp-sink (apt-get install postfix)";
    ASSERT_TRUE(fs::exists("/usr/bin/swaks")) << "needs swaks (apt-get install swaks)";
    dir_ = fs::temp_directory_path() / ("sendguard_confirm_e2e_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sink");
    const int sink_port = testing::FreePort();
    sink_ = std::make_unique<testing::Process>(std::vector<std::string>{
        "/usr/sbin/smtp-sink", "-u", "root", "-d", (dir_ / "sink" / "%M.").string(),
        "127.0.0.1:" + std::to_string(sink_port), "20"});
    ASSERT_TRUE(testing::WaitForPort(sink_port));
    agent_port_ = testing::FreePort();
    control_port_ = testing::FreePort();
    agent_ = std::make_unique<testing::Process>(
        std::vector<std::string>{
            AGENT_BINARY, "--listen", "127.0.0.1:" + std::to_string(agent_port_), "--upstream",
            "127.0.0.1:" + std::to_string(sink_port), "--policy", kMail + "/policy.json",
            "--state-dir", (dir_ / "state").string(), "--control-listen",
            "127.0.0.1:" + std::to_string(control_port_), "--prompt-timeout", "30"},
        (dir_ / "agent.log").string());
    ASSERT_TRUE(testing::WaitForPort(agent_port_));
    ASSERT_TRUE(testing::WaitForPort(control_port_));
    token_ = testing::Read(dir_ / "state" / "control.token");
    while (!token_.empty() && token_.back() == '\n') token_.pop_back();
  }
  void TearDown() override {
    agent_.reset();
    sink_.reset();
    fs::remove_all(dir_);
  }

  std::pair<int, std::string> Http(const std::string& method, const std::string& path,
                                   const std::string& body = "") {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(control_port_));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setHost("127.0.0.1:" + std::to_string(control_port_));
    req.set("Authorization", "Bearer " + token_);
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    std::stringstream ss;
    ss << in.rdbuf();
    return {res.getStatus(), ss.str()};
  }

  // The header value /v1/confirmations issues for a corpus message.
  std::string Confirm(const std::string& eml) {
    const auto [status, body] = Http("POST", "/v1/confirmations", testing::Read(kMail + "/" + eml));
    EXPECT_EQ(status, 200) << body;
    const std::size_t at = body.find("\"value\":\"");
    if (at == std::string::npos) return "";
    return body.substr(at + 9, body.find('"', at + 9) - at - 9);
  }

  testing::CommandRun Send(const std::string& eml, const std::string& to,
                           const std::string& header_value) {
    std::string cmd = "swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                      " --from yoshida-t@city.honjo.lg.jp --to " + to + " --data " + kMail + "/" +
                      eml;
    if (!header_value.empty()) cmd += " --add-header 'X-Sendguard-Confirmed: " + header_value + "'";
    return testing::Shell(cmd);
  }

  std::vector<fs::path> Delivered() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir_ / "sink")) files.push_back(e.path());
    return files;
  }

  // Waits for one pending prompt and cancels it; false when none came.
  bool CancelPrompt() {
    for (int i = 0; i < 200; ++i) {
      const std::string body = Http("GET", "/v1/prompts").second;
      const std::size_t at = body.find("\"id\":\"");
      if (at != std::string::npos) {
        const std::string id = body.substr(at + 6, body.find('"', at + 6) - at - 6);
        return Http("POST", "/v1/prompts/" + id, "{\"decision\": \"cancel\"}").first == 200;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  fs::path dir_;
  int agent_port_ = 0, control_port_ = 0;
  std::string token_;
  std::unique_ptr<testing::Process> sink_, agent_;
};

TEST_F(ConfirmHeaderE2eTest, ValidHeaderSkipsThePromptOnceAndIsStripped) {
  const std::string value = Confirm("p12_residents_xlsx_external.eml");
  ASSERT_FALSE(value.empty());
  const testing::CommandRun first =
      Send("p12_residents_xlsx_external.eml", "a.yamada@example.ne.jp", value);
  EXPECT_NE(first.output.find("<-  250 2.0.0 Ok"), std::string::npos) << first.output;
  auto files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  const std::string got = testing::Read(files[0]);
  EXPECT_EQ(got.find("X-Sendguard-Confirmed"), std::string::npos) << "stripped before relaying";
  EXPECT_NE(got.find("meibo.xlsx"), std::string::npos);
  EXPECT_EQ(testing::Read(dir_ / "state" / "audit.jsonl").find("prompt_raised"), std::string::npos);

  // The same header again: the proxy asks as usual; cancelled, nothing more is sent.
  testing::CommandRun replay;
  std::thread client(
      [&] { replay = Send("p12_residents_xlsx_external.eml", "a.yamada@example.ne.jp", value); });
  const bool prompted = CancelPrompt();
  client.join();
  EXPECT_TRUE(prompted) << "a replayed header must raise the prompt";
  EXPECT_NE(replay.output.find("<** 550"), std::string::npos) << replay.output;
  EXPECT_EQ(Delivered().size(), 1u);
  const std::string audit = testing::Read(dir_ / "state" / "audit.jsonl");
  EXPECT_NE(audit.find("\"outcome\":\"confirmation_rejected\",\"why\":\"used\""), std::string::npos)
      << audit;
}

TEST_F(ConfirmHeaderE2eTest, HeaderForOtherRecipientsOrForgedRaisesThePrompt) {
  const std::string value = Confirm("p12_residents_xlsx_external.eml");
  ASSERT_FALSE(value.empty());
  for (const std::string& v :
       {value, std::string("v1; id=00000000000000000000000000000000; exp=9999999999; mac=") +
                   std::string(64, '0')}) {
    testing::CommandRun run;
    // Another recipient added to the envelope than the one confirmed.
    std::thread client([&] {
      run = Send("p12_residents_xlsx_external.eml", "a.yamada@example.ne.jp,x@evil.example", v);
    });
    const bool prompted = CancelPrompt();
    client.join();
    EXPECT_TRUE(prompted) << v;
    EXPECT_NE(run.output.find("<** 550"), std::string::npos) << run.output;
  }
  EXPECT_TRUE(Delivered().empty());
  const std::string audit = testing::Read(dir_ / "state" / "audit.jsonl");
  EXPECT_NE(audit.find("\"why\":\"mismatch\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("\"why\":\"unknown\""), std::string::npos) << audit;
  // And the unused real one still works for the message it was made for.
  const testing::CommandRun ok =
      Send("p12_residents_xlsx_external.eml", "a.yamada@example.ne.jp", value);
  EXPECT_NE(ok.output.find("<-  250 2.0.0 Ok"), std::string::npos) << ok.output;
}

TEST_F(ConfirmHeaderE2eTest, BlockedMessageCannotBeConfirmed) {
  const auto [status, body] =
      Http("POST", "/v1/confirmations", testing::Read(kMail + "/p11_mynumber_docx_external.eml"));
  EXPECT_EQ(status, 409) << body;
}

}  // namespace
}  // namespace agent
