#include "agent/agent_options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "agent/agent.h"
#include "process_support.h"

namespace agent {
namespace {

namespace fs = std::filesystem;

const std::string kPolicy = std::string(SENDGUARD_CORPUS_DIR) + "/mail/policy.json";

std::vector<std::string> Base() {
  return {"--listen", "127.0.0.1:2587", "--upstream",  "127.0.0.1:25",
          "--policy", kPolicy,          "--state-dir", "/tmp/sg_opts"};
}

std::vector<std::string> With(std::vector<std::string> extra) {
  std::vector<std::string> args = Base();
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(LoopbackTest, OnlyLiteralLoopbackAddressesAndLocalhost) {
  for (const char* yes :
       {"127.0.0.1", "127.1.2.3", "::1", "localhost", "LOCALHOST", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackLiteral(yes)) << yes;
  }
  for (const char* no : {"127.evil.example", "127.0.0.1.evil.example", "10.0.0.1", "0.0.0.0",
                         "localhost.example", "", "::", "::ffff:10.0.0.1", "1.127.0.0"}) {
    EXPECT_FALSE(IsLoopbackLiteral(no)) << no;
  }
}

TEST(CentralUrlTest, PlainHttpOnlyToALiteralLoopbackHost) {
  for (const char* good : {"http://127.0.0.1:8740", "http://localhost:8740/", "http://[::1]:8740",
                           "https://central.example.lg.jp:8443", "https://10.0.0.5"}) {
    EXPECT_TRUE(CheckCentralUrl(good).ok()) << good << ": " << CheckCentralUrl(good).message();
  }
  // Each of these was accepted by the old prefix check, or is otherwise not a plain
  // address of this machine.
  for (const char* bad :
       {"http://127.0.0.1@evil.example:8740", "http://127.evil.example:8740",
        "http://127.0.0.1.evil.example", "http://user:pw@127.0.0.1:8740",
        "https://127.0.0.1@evil.example", "http://central.example.lg.jp:8740", "ftp://127.0.0.1",
        "http://", "127.0.0.1:8740", "http://127.0.0.1:8740/?x=1"}) {
    EXPECT_FALSE(CheckCentralUrl(bad).ok()) << bad;
  }
  EXPECT_NE(CheckCentralUrl("http://127.0.0.1@evil.example:8740").message().find("user"),
            std::string::npos);
  EXPECT_NE(CheckCentralUrl("http://127.evil.example").message().find("127.evil.example"),
            std::string::npos);
}

TEST(HostPortTest, SplitsAndRejects) {
  std::string host;
  std::uint16_t port = 0;
  ASSERT_TRUE(SplitHostPort("[::1]:25", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 25);
  ASSERT_TRUE(SplitHostPort("mail.example:587", &host, &port));
  EXPECT_EQ(host, "mail.example");
  for (const char* bad : {"mail.example", ":25", "h:", "h:65536", "h:-1", "::1:25", "h:2x"}) {
    EXPECT_FALSE(SplitHostPort(bad, &host, &port)) << bad;
  }
}

TEST(AgentOptionsTest, DefaultsComeFromTheTable) {
  auto o = ParseAgentOptions(Base());
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o.value().listen.port, 2587);
  EXPECT_EQ(o.value().control.host, "127.0.0.1");
  EXPECT_EQ(o.value().control.port, 0);
  EXPECT_EQ(o.value().prompt_timeout.count(), 45000);
  EXPECT_EQ(o.value().upstream.reply_timeout_seconds, 60);
  EXPECT_EQ(o.value().policy_poll.count(), 300000);
  EXPECT_EQ(o.value().outbox_max_bytes, std::uint64_t{50} << 20);
  EXPECT_EQ(o.value().upstream.tls, UpstreamConfig::Tls::kNone);
}

TEST(AgentOptionsTest, EachBadValueIsNamed) {
  const struct {
    std::vector<std::string> extra;
    const char* expected;
  } cases[] = {
      {{"--upstream-tls", "ssl"}, "--upstream-tls: expected one of none,starttls,tls"},
      {{"--upstream-timeout", "91"},
       "--upstream-timeout: expected a whole number between 1 and 90"},
      {{"--prompt-timeout", "-1"}, "--prompt-timeout: expected seconds between 0 and 3600"},
      {{"--prompt-timeout", "nan"}, "--prompt-timeout"},
      {{"--policy-poll", "0"}, "--policy-poll: expected seconds between 0.1 and 86400"},
      {{"--outbox-max-mib", "0"}, "--outbox-max-mib"},
      {{"--control-listen", "0.0.0.0:2526"}, "only loopback addresses"},
      {{"--control-listen", "127.evil.example:2526"}, "only loopback addresses"},
      {{"--central", "http://127.0.0.1@evil.example:8740", "--agent-token-file", "t",
        "--policy-key", "k"},
       "--central:"},
      {{"--central", "http://127.0.0.1:8740"}, "--central needs --agent-token-file"},
      {{"--policy-key", "k"}, "need --central"},
      {{"--bogus", "1"}, "unknown option --bogus"},
      {{"--listen"}, "--listen needs a value"},
  };
  for (const auto& c : cases) {
    auto o = ParseAgentOptions(With(c.extra));
    ASSERT_FALSE(o.ok()) << c.expected;
    EXPECT_NE(o.error().find(c.expected), std::string::npos) << o.error();
  }
  auto missing = ParseAgentOptions({"--listen", "127.0.0.1:1"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("--upstream is required"), std::string::npos);
}

TEST(AgentOptionsTest, ConfigFileIsCheckedByTheSameTableAndFlagsOverrideIt) {
  const fs::path dir = fs::temp_directory_path() / ("sg_opts_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string conf = (dir / "agent.conf").string();
  std::ofstream(conf) << "# comment\nlisten = 127.0.0.1:2600\nupstream = mail.example:587\n"
                      << "policy = \"" << kPolicy << "\"\nstate-dir = " << dir.string()
                      << "\nupstream-tls = starttls\nprompt-timeout = 30\n";
  auto o = ParseAgentOptions({"--config", conf, "--prompt-timeout", "10"});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o.value().listen.port, 2600);
  EXPECT_EQ(o.value().upstream.host, "mail.example");
  EXPECT_EQ(o.value().upstream.tls, UpstreamConfig::Tls::kStartTls);
  EXPECT_EQ(o.value().prompt_timeout.count(), 10000);
  std::ofstream(conf, std::ios::app) << "control-listen = 192.168.1.5:2526\n";
  auto bad = ParseAgentOptions({"--config", conf});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("agent.conf:8: --control-listen: only loopback"), std::string::npos)
      << bad.error();
  std::ofstream(conf) << "check-config = 1\n";
  EXPECT_FALSE(ParseAgentOptions({"--config", conf}).ok());  // a flag is not a setting
  fs::remove_all(dir);
}

TEST(AgentOptionsTest, UsageListsEverySettingWithItsDefault) {
  const std::string usage = AgentUsage();
  for (const char* s : {"--listen", "--upstream-timeout", "--prompt-timeout", "[45]",
                        "--central-ca", "--outbox-max-mib", "--check-config"}) {
    EXPECT_NE(usage.find(s), std::string::npos) << s;
  }
}

// The composition root, in-process: it builds, binds, and refuses a port in use.
TEST(AgentCompositionTest, StartsStopsAndMakesTheStateDirPrivate) {
  const fs::path dir = fs::temp_directory_path() / ("sg_comp_" + std::to_string(getpid()));
  fs::remove_all(dir);
  auto o = ParseAgentOptions({"--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:25", "--policy",
                              kPolicy, "--state-dir", dir.string()});
  ASSERT_TRUE(o.ok()) << o.error();
  auto created = Agent::Create(o.value(), "test");
  ASSERT_TRUE(created.ok()) << created.error();
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms::owner_all);
  ASSERT_TRUE(created.value()->Start().ok());
  EXPECT_NE(created.value()->smtp_port(), 0);
  // A one-time link only where asked for (a terminal), never in a log.
  EXPECT_NE(created.value()->StartupMessage(true).find("/confirm?k="), std::string::npos);
  const std::string logged = created.value()->StartupMessage(false);
  EXPECT_NE(logged.find("confirmation page http://127.0.0.1:"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("?k="), std::string::npos) << logged;
  created.value()->Stop();
  created.value()->Stop();  // idempotent
  fs::remove_all(dir);
}

TEST(AgentCompositionTest, APolicyThatDoesNotValidateIsAClearError) {
  const fs::path dir = fs::temp_directory_path() / ("sg_comp_bad_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "p.json") << "{\"version\": 1}";
  auto o = ParseAgentOptions({"--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:25", "--policy",
                              (dir / "p.json").string(), "--state-dir", (dir / "s").string()});
  ASSERT_TRUE(o.ok());
  auto created = Agent::Create(o.value(), "test");
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().find("internal_domains"), std::string::npos) << created.error();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace agent
