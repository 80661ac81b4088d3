#include "agent/audit_log.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "agent/free_text_mask.h"
#include "mailcheck/verdict.h"

namespace agent {
namespace {

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("audit_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(AuditLogTest, RotatesBySizeAndKeepsOnlyTheConfiguredNumberOfFiles) {
  const std::string path = (dir_ / "audit.jsonl").string();
  AuditLog log(path, AuditLogOptions{100, 2});
  // 30-byte lines: three fit in 100 bytes, the fourth rotates.
  for (int i = 0; i < 20; ++i) {
    char line[32];
    std::snprintf(line, sizeof line, "{\"n\":%02d,\"pad\":\"xxxxxxxxxxx\"}", i);
    log.Append(line);
  }
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::exists(path + ".1"));
  EXPECT_TRUE(std::filesystem::exists(path + ".2"));
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));
  for (const std::string& p : {path, path + ".1", path + ".2"}) {
    EXPECT_LE(std::filesystem::file_size(p), 100u) << p;
  }
  // The newest line is in the current file, older ones in .1, the oldest ones are gone.
  EXPECT_NE(ReadAll(path).find("\"n\":19"), std::string::npos);
  EXPECT_EQ(ReadAll(path + ".1").find("\"n\":19"), std::string::npos);
  EXPECT_EQ(ReadAll(path + ".2").find("\"n\":00"), std::string::npos);
}

TEST_F(AuditLogTest, ContinuesAnExistingFileAndCountsItsSize) {
  const std::string path = (dir_ / "audit.jsonl").string();
  std::ofstream(path) << std::string(90, 'a') << "\n";
  AuditLog log(path, AuditLogOptions{100, 1});
  log.Append("{\"n\":1}");  // 91 + 8 = 99 bytes: fits
  EXPECT_FALSE(std::filesystem::exists(path + ".1"));
  log.Append("{\"n\":2}");  // would exceed: rotates
  EXPECT_TRUE(std::filesystem::exists(path + ".1"));
  EXPECT_EQ(ReadAll(path), "{\"n\":2}\n");
}

TEST_F(AuditLogTest, FormatsAReportWithoutTheMessageText) {
  SmtpEnvelope envelope;
  envelope.mail_from = "staff@city.honjo.lg.jp";
  envelope.rcpt_to = {"a@example.com", "b@example.net"};
  mailcheck::Decision d;
  d.verdict = mailcheck::Verdict::kBlock;
  d.policy_version = 7;
  d.reasons.push_back(
      {"my_number", mailcheck::Verdict::kBlock, "My Number ********9018", "マイナンバー"});
  d.transmit_bytes = "Subject: secret body text\r\n\r\nbody";
  const std::string line =
      AuditLog::Format({envelope, &d, RelayOutcome::kBlocked, "550 5.7.1 refused\r\n", {}});
  EXPECT_NE(line.find("\"outcome\":\"blocked\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"verdict\":\"block\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"policy_version\":7"), std::string::npos) << line;
  EXPECT_NE(line.find("\"recipients\":2"), std::string::npos) << line;
  EXPECT_NE(line.find("\"reply\":\"550\""), std::string::npos) << line;
  EXPECT_EQ(line.find("secret body text"), std::string::npos) << line;
}

// The line as the agent wrote it with Poco::JSON::Object up to issue 17, with `time` as
// given (the two lines are compared with the same time).
std::string FormatWithPocoJson(const RelayReport& report, const std::string& time) {
  Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
  line.set("time", time);
  line.set("outcome", std::string(RelayOutcomeName(report.outcome)));
  line.set("from", report.envelope.mail_from);
  line.set("recipients", report.envelope.rcpt_to.size());
  if (const mailcheck::Decision* d = report.decision) {
    line.set("verdict", std::string(mailcheck::VerdictName(d->verdict)));
    line.set("policy_version", d->policy_version);
    Poco::JSON::Array::Ptr reasons = new Poco::JSON::Array;
    for (const mailcheck::Reason& r : d->reasons) {
      Poco::JSON::Object::Ptr reason = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      reason->set("code", r.code);
      reason->set("message", MaskFreeText(r.message));
      reasons->add(reason);
    }
    line.set("reasons", reasons);
  }
  if (!report.prompt_id.empty()) line.set("prompt", std::string(report.prompt_id));
  if (report.timed_out) line.set("timed_out", true);
  if (!report.reply.empty()) line.set("reply", std::string(report.reply.substr(0, 3)));
  std::ostringstream out;
  line.stringify(out);
  return out.str();
}

// Issue 17: Format writes the line itself; byte for byte what Poco::JSON wrote, for every
// outcome and for text that needs escaping (quotes, backslashes, slashes, control bytes,
// DEL, Japanese, invalid UTF-8).
TEST_F(AuditLogTest, FormatWritesWhatPocoJsonWrote) {
  std::vector<std::string> texts = {"",
                                    "staff@city.honjo.lg.jp",
                                    "quote\"d",
                                    "back\\slash",
                                    "a/b",
                                    "tab\there",
                                    "line\nbreak\r",
                                    std::string("nul\0byte", 8),
                                    "\x01\x1f\x7f",
                                    "マイナンバー ********9018",
                                    "\xff\xfe broken",
                                    "<script>&amp;</script>",
                                    "\u2028 separator"};
  for (int c = 0x20; c < 0x7f; ++c) texts.push_back(std::string("ascii ") + static_cast<char>(c));
  const RelayOutcome outcomes[] = {RelayOutcome::kRelayed,         RelayOutcome::kBlocked,
                                   RelayOutcome::kPromptRaised,    RelayOutcome::kPromptConfirmed,
                                   RelayOutcome::kPromptCancelled, RelayOutcome::kCheckFailed,
                                   RelayOutcome::kPromptAbandoned};
  int compared = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string& text = texts[i];
    SmtpEnvelope envelope;
    envelope.mail_from = text;
    envelope.rcpt_to.assign(i % 4, "a@example.com");
    mailcheck::Decision d;
    d.verdict = static_cast<mailcheck::Verdict>(i % 3);
    d.policy_version = static_cast<int>(i) * 7 - 3;
    for (std::size_t r = 0; r < i % 3; ++r)
      d.reasons.push_back({text + std::to_string(r), mailcheck::Verdict::kBlock, text, text});
    const RelayOutcome outcome = outcomes[i % 7];
    const std::string reply = i % 5 == 0 ? "" : "550 5.7.1 refused\r\n";
    const std::string prompt = i % 2 ? text : "";
    RelayReport report{envelope, i % 6 == 5 ? nullptr : &d, outcome, reply, prompt};
    report.timed_out = i % 4 == 1;
    const std::string line = AuditLog::Format(report);
    // The same time in both: the one Format wrote.
    ASSERT_EQ(line.rfind("{\"time\":\"", 0), 0u) << line;
    const std::string time = line.substr(9, line.find('"', 9) - 9);
    EXPECT_EQ(line, FormatWithPocoJson(report, time)) << "text #" << i;
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(texts.size()));
}

// Plain relays are written in groups (issue 17); anything else is written at once, after
// the relays before it, in order; nothing held is lost on Flush or destruction.
TEST_F(AuditLogTest, RelayedLinesAreHeldUntilAnotherLineOrFlushAndKeepTheirOrder) {
  const std::string path = (dir_ / "audit.jsonl").string();
  SmtpEnvelope envelope;
  envelope.mail_from = "staff@city.honjo.lg.jp";
  envelope.rcpt_to = {"a@city.honjo.lg.jp"};
  mailcheck::Decision allowed;
  allowed.verdict = mailcheck::Verdict::kAllow;
  mailcheck::Decision blocked;
  blocked.verdict = mailcheck::Verdict::kBlock;
  {
    AuditLog log(path);
    log.OnRelay({envelope, &allowed, RelayOutcome::kRelayed, "250 2.0.0 Ok\r\n", {}});
    log.OnRelay({envelope, &allowed, RelayOutcome::kRelayed, "250 2.0.0 Ok\r\n", {}});
    EXPECT_EQ(ReadAll(path), "") << "a plain relay waits for the next group write";
    log.OnRelay({envelope, &blocked, RelayOutcome::kBlocked, "550 5.7.1 refused\r\n", {}});
    const std::string three = ReadAll(path);
    const std::size_t first = three.find("\"relayed\"");
    const std::size_t second = three.find("\"relayed\"", first + 1);
    const std::size_t block = three.find("\"blocked\"");
    ASSERT_NE(second, std::string::npos) << three;
    EXPECT_LT(second, block) << "lines keep their order";
    EXPECT_EQ(three.back(), '\n');
    log.OnRelay({envelope, &allowed, RelayOutcome::kRelayed, "250 2.0.0 Ok\r\n", {}});
    EXPECT_EQ(ReadAll(path), three);
    log.Flush();
    EXPECT_GT(ReadAll(path).size(), three.size());
    log.OnRelay({envelope, &allowed, RelayOutcome::kRelayed, "250 2.0.0 Ok\r\n", {}});
  }  // destroyed: the held line is written
  std::ifstream in(path);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  EXPECT_EQ(lines, 5);
}

}  // namespace
}  // namespace agent

namespace agent {
namespace {

// Subjects and recipients are the desktop user's own: the log is theirs only, whatever
// the umask, and a log left world-readable by an older version is tightened.
TEST_F(AuditLogTest, TheLogIsReadableByItsOwnerOnly) {
  namespace fs = std::filesystem;
  const mode_t old = ::umask(022);
  const fs::path fresh = dir_ / "audit.jsonl";
  AuditLog log(fresh.string(), AuditLogOptions{100, 2});
  for (int i = 0; i < 10; ++i) log.Append("{\"n\":1,\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxx\"}");
  EXPECT_EQ(fs::status(fresh).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(dir_ / "audit.jsonl.1").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);  // rotated files too
  const fs::path older = dir_ / "old.jsonl";
  std::ofstream(older) << "{}\n";
  fs::permissions(older, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                             fs::perms::others_read);
  AuditLog(older.string()).Append("{}");
  EXPECT_EQ(fs::status(older).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  ::umask(old);
}

}  // namespace
}  // namespace agent
