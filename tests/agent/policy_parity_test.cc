// The agent and the mailcheck CLI decide every corpus mail the same way under the same
// policy — including the policy's "doccheck" section (limits, class rules), which the
// agent once ignored (issue 10 item 11): the running agent behind swaks against the CLI.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
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

// The corpus policy with doccheck limits no attachment fits, and unscannable external
// attachments blocked: the verdicts differ from the default limits'.
constexpr char kTightPolicy[] = R"({
  "version": 7,
  "organization": "本庄市",
  "internal_domains": ["city.honjo.lg.jp"],
  "bcc_conversion": {"enabled": true, "min_to_recipients": 2, "to_header": "undisclosed"},
  "attachments": {
    "external": {"my_number": "block", "class1": "prompt", "class2": "prompt",
                 "unscannable": "block"},
    "internal": {"my_number": "allow", "class1": "allow", "class2": "allow",
                 "unscannable": "allow"}
  },
  "doccheck": {"limits": {"max_file_bytes": 64}}
})";

struct CliDecision {
  std::string verdict;
  std::vector<std::string> recipients;
};

CliDecision Cli(const std::string& policy, const std::string& eml) {
  const CommandRun r = Shell(std::string(MAILCHECK_BINARY) + " --json --policy " + policy + " " +
                             kMail + "/" + eml + " 2>/dev/null");
  CliDecision d;
  const auto doc = Poco::JSON::Parser().parse(r.output).extract<Poco::JSON::Object::Ptr>();
  d.verdict = doc->getValue<std::string>("verdict");
  const auto recipients = doc->getArray("recipients");
  for (std::size_t i = 0; i < recipients->size(); ++i)
    d.recipients.push_back(
        recipients->getObject(static_cast<unsigned>(i))->getValue<std::string>("address"));
  return d;
}

// The decisions in the agent's audit log, in order.
std::vector<std::string> DecisionLines(const fs::path& audit) {
  std::ifstream in(audit);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (line.find("\"verdict\"") != std::string::npos) lines.push_back(line);
  return lines;
}

// The verdict of the last decision in the agent's audit log once it holds more than
// `before`. A relayed mail's line is written within half a second (AuditLog holds them for
// group writes; refusals and prompts are written before the client hears them): waits for
// it, at most 10 s.
std::string LastAgentVerdict(const fs::path& audit, std::size_t before) {
  std::vector<std::string> lines = DecisionLines(audit);
  for (int tries = 0; tries < 200 && lines.size() <= before; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    lines = DecisionLines(audit);
  }
  const std::string last = lines.size() > before ? lines.back() : std::string();
  if (last.empty()) return "";
  return Poco::JSON::Parser().parse(last).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>(
      "verdict");
}

TEST(PolicyParityTest, AgentAndCliDecideEveryCorpusMailAlikeUnderTheDoccheckSection) {
  const fs::path dir = fs::temp_directory_path() / ("sg_parity_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sink");
  const std::string policy = (dir / "tight.json").string();
  std::ofstream(policy) << kTightPolicy;
  const int sink_port = FreePort();
  Process sink({"/usr/sbin/smtp-sink", "-u", "root", "-d", (dir / "sink" / "%M.").string(),
                "127.0.0.1:" + std::to_string(sink_port), "20"});
  ASSERT_TRUE(WaitForPort(sink_port));
  const int port = FreePort();
  Process agent({AGENT_BINARY, "--listen", "127.0.0.1:" + std::to_string(port), "--upstream",
                 "127.0.0.1:" + std::to_string(sink_port), "--policy", policy, "--state-dir",
                 (dir / "state").string(), "--prompt-timeout", "0"},
                (dir / "agent.log").string());
  ASSERT_TRUE(WaitForPort(port)) << Read(dir / "agent.log");

  int differs_from_default = 0;
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(kMail)) {
    const std::string eml = entry.path().filename().string();
    if (entry.path().extension() != ".eml") continue;
    const CliDecision cli = Cli(policy, eml);
    if (cli.recipients.empty()) continue;
    if (Cli(kMail + "/policy.json", eml).verdict != cli.verdict) ++differs_from_default;
    std::string to;
    for (const std::string& r : cli.recipients) to += (to.empty() ? "" : ",") + r;
    const std::size_t before = DecisionLines(dir / "state" / "audit.jsonl").size();
    const CommandRun sent =
        Shell("swaks --server 127.0.0.1:" + std::to_string(port) +
              " --from sender@city.honjo.lg.jp --to " + to + " --data " + kMail + "/" + eml);
    EXPECT_EQ(LastAgentVerdict(dir / "state" / "audit.jsonl", before), cli.verdict) << eml << "\n"
                                                                                    << sent.output;
    ++checked;
  }
  EXPECT_GE(checked, 15);
  // The policy's doccheck section must matter, or this test would prove nothing.
  EXPECT_GE(differs_from_default, 1);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace agent
