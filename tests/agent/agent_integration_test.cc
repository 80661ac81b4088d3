// sendguard-agent end to end with real programs on loopback: swaks as the mail client,
// Postfix's smtp-sink as the organisation's mail server (-d writes each message it
// accepts, with its envelope, to a file), the agent binary in between.
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
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace agent {
namespace {

namespace fs = std::filesystem;
const std::string kMail = std::string(SENDGUARD_CORPUS_DIR) + "/mail";

int FreePort() {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
  return s.address().port();
}

bool WaitForPort(int port) {
  for (int i = 0; i < 100; ++i) {
    try {
      Poco::Net::StreamSocket s(
          Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
      return true;
    } catch (...) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return false;
}

// A child process, stopped with SIGTERM when the object goes.
class Process {
 public:
  explicit Process(std::vector<std::string> argv) {
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> args;
      for (std::string& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      freopen("/dev/null", "w", stdout);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Process() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }

 private:
  pid_t pid_ = -1;
};

struct CommandRun {
  int status = -1;
  std::string output;
};

CommandRun Shell(const std::string& command) {
  CommandRun r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  r.status = pclose(p);
  return r;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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
  void Start(std::vector<std::string> sink_options = {}, bool upstream_down = false) {
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
    agent_port_ = FreePort();
    agent_ = std::make_unique<Process>(std::vector<std::string>{
        AGENT_BINARY, "--listen", "127.0.0.1:" + std::to_string(agent_port_), "--upstream",
        "127.0.0.1:" + std::to_string(sink_port), "--policy", kMail + "/policy.json", "--state-dir",
        (dir_ / "state").string()});
    ASSERT_TRUE(WaitForPort(agent_port_)) << "the agent did not start";
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

  fs::path dir_;
  int agent_port_ = 0;
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
}

TEST_F(AgentTest, UpstreamDroppingAfterDataGivesATemporaryError) {
  Start({"-q", "."});
  const CommandRun r = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");
  EXPECT_NE(r.output.find("<** 451"), std::string::npos) << r.output;
}

TEST_F(AgentTest, ConcurrentClientsAreAllRelayed) {
  Start();
  std::vector<std::thread> clients;
  std::vector<CommandRun> runs(8);
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back(
        [&, i] { runs[i] = Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp"); });
  }
  for (std::thread& t : clients) t.join();
  for (const CommandRun& r : runs)
    EXPECT_NE(r.output.find("<-  250 2.0.0 Ok"), std::string::npos) << r.output;
  EXPECT_EQ(Delivered().size(), 8u);
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

}  // namespace
}  // namespace agent
