// The sendguard-central command line without --db (issue #11): the database and state
// directory from SENDGUARD_CENTRAL_DB / SENDGUARD_CENTRAL_STATE_DIR or the configuration
// file, in that order after --db; strict parsing of that file; sentences on a terminal
// (under script(1)'s pseudo-terminal), the bare values scripts capture when piped, and
// --json objects. Every run names its environment (env -u ...) so that the machine's own
// settings cannot leak in.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using central_test::CentralBinary;
using central_test::CommandRun;
using central_test::RunCommand;
using central_test::TempDir;

constexpr char kPolicy[] = R"({"internal_domains": ["town.example.lg.jp"]})";

class CliConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.path() / "policy.json") << kPolicy;
    policy_ = (dir_.path() / "policy.json").string();
  }

  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }
  std::string Db(const std::string& name) const { return "sqlite:" + Path(name); }

  void WriteFile(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.path() / name) << text;
  }

  // sendguard-central with only the given SENDGUARD_CENTRAL_* variables set; no
  // configuration file unless the environment or the arguments name one.
  CommandRun Central(const std::vector<std::string>& env, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "-u",
                                     "SENDGUARD_CENTRAL_DB",
                                     "-u",
                                     "SENDGUARD_CENTRAL_STATE_DIR",
                                     "SENDGUARD_CENTRAL_CONFIG="};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back(CentralBinary());
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  // The sections a database holds, one per line.
  std::string Sections(const std::string& db) {
    CommandRun r = Central({}, {"section", "list", "--db", db});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // A shell command line run under script(1): its stdout and stderr are a terminal. The
  // transcript (CR LF line ends).
  CommandRun OnTerminal(const std::string& command) {
    return RunCommand({"/usr/bin/script", "-qec",
                       "env -u SENDGUARD_CENTRAL_DB -u SENDGUARD_CENTRAL_STATE_DIR "
                       "SENDGUARD_CENTRAL_CONFIG= " +
                           command,
                       "/dev/null"});
  }

  static Poco::JSON::Object::Ptr Json(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
  }

  TempDir dir_;
  std::string policy_;
};

TEST_F(CliConfigTest, EnvironmentNamesTheDatabase) {
  CommandRun r =
      Central({"SENDGUARD_CENTRAL_DB=" + Db("env.db")}, {"section", "add", "--name", "税務課"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Sections(Db("env.db")), "税務課\n");
  r = Central({"SENDGUARD_CENTRAL_DB=" + Db("env.db")}, {"events", "list", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[]\n");
}

TEST_F(CliConfigTest, ConfigFileNamesDatabaseAndStateDirectory) {
  WriteFile("central.conf",
            "# the service's settings\n"
            "SENDGUARD_CENTRAL_LISTEN=127.0.0.1:8740\n"
            "\n"
            "  ; another comment\n"
            "SENDGUARD_CENTRAL_DB=\"" +
                Db("conf.db") +
                "\"\r\n"
                "SENDGUARD_CENTRAL_STATE_DIR='" +
                Path("state") +
                "'\n"
                "SENDGUARD_CENTRAL_ARGS=--tls-cert /x.crt --tls-key /x.key\n");
  CommandRun push = Central({}, {"policy", "push", "--config", Path("central.conf"), policy_});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  EXPECT_EQ(push.out, "1\n");  // piped: the bare version, as before
  EXPECT_TRUE(std::filesystem::exists(Path("state") + "/policy.pub"));
  // The same file named by SENDGUARD_CENTRAL_CONFIG; incident commands too.
  CommandRun enroll = Central({"SENDGUARD_CENTRAL_CONFIG=" + Path("central.conf")},
                              {"agent", "enroll", "--name", "pc-01"});
  ASSERT_EQ(enroll.exit_code, 0) << enroll.err;
  EXPECT_TRUE(std::regex_match(enroll.out, std::regex("sga_[A-Za-z0-9_-]+\n"))) << enroll.out;
  CommandRun agents = Central({}, {"agents", "list", "--db", Db("conf.db"), "--json"});
  EXPECT_NE(agents.out.find("\"pc-01\""), std::string::npos) << agents.out;
  CommandRun incidents =
      Central({"SENDGUARD_CENTRAL_CONFIG=" + Path("central.conf")}, {"incident", "list", "--json"});
  EXPECT_EQ(incidents.exit_code, 0) << incidents.err;
  // Only the state directory configured: the database is the one inside it.
  WriteFile("state-only.conf", "SENDGUARD_CENTRAL_STATE_DIR=" + Path("state2") + "\n");
  std::filesystem::create_directories(Path("state2"));
  CommandRun added =
      Central({}, {"section", "add", "--name", "総務課", "--config", Path("state-only.conf")});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(Sections("sqlite:" + Path("state2") + "/central.db"), "総務課\n");
}

TEST_F(CliConfigTest, CommandLineBeatsEnvironmentBeatsConfigFile) {
  WriteFile("c.conf", "SENDGUARD_CENTRAL_DB=" + Db("conf.db") + "\n");
  const std::vector<std::string> both = {"SENDGUARD_CENTRAL_CONFIG=" + Path("c.conf"),
                                         "SENDGUARD_CENTRAL_DB=" + Db("env.db")};
  ASSERT_EQ(Central(both, {"section", "add", "--name", "A", "--db", Db("flag.db")}).exit_code, 0);
  ASSERT_EQ(Central(both, {"section", "add", "--name", "B"}).exit_code, 0);
  ASSERT_EQ(Central({both[0]}, {"section", "add", "--name", "C"}).exit_code, 0);
  // --config on the command line beats SENDGUARD_CENTRAL_CONFIG.
  WriteFile("d.conf", "SENDGUARD_CENTRAL_DB=" + Db("d.db") + "\n");
  ASSERT_EQ(
      Central({both[0]}, {"section", "add", "--name", "D", "--config", Path("d.conf")}).exit_code,
      0);
  EXPECT_EQ(Sections(Db("flag.db")), "A\n");
  EXPECT_EQ(Sections(Db("env.db")), "B\n");
  EXPECT_EQ(Sections(Db("conf.db")), "C\n");
  EXPECT_EQ(Sections(Db("d.db")), "D\n");
}

// The packaged service: systemd puts central.conf's lines in serve's environment, and the
// database there wins over the state directory's default, as for the commands.
TEST_F(CliConfigTest, ServeTakesDatabaseAndStateDirectoryFromTheEnvironment) {
  std::filesystem::create_directories(Path("s1"));
  CommandRun r =
      Central({"SENDGUARD_CENTRAL_DB=" + Db("served.db")},
              {"serve", "--listen", "127.0.0.1:0", "--state-dir", Path("s1"), "--check-config"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(Path("served.db")));
  EXPECT_FALSE(std::filesystem::exists(Path("s1") + "/central.db"));
  r = Central({"SENDGUARD_CENTRAL_STATE_DIR=" + Path("s2")},
              {"serve", "--listen", "127.0.0.1:0", "--check-config"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(Path("s2") + "/central.db"));
  EXPECT_TRUE(std::filesystem::exists(Path("s2") + "/policy.pub"));
}

TEST_F(CliConfigTest, NoDatabaseAnywhereNamesTheThreeWays) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"events", "list"},
                                             {"agent", "enroll", "--name", "pc"},
                                             {"incident", "list"},
                                             {"section", "list"}}) {
    CommandRun r = Central({}, args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(r.err.find("sendguard-central: データベースが指定されていません"), 0u) << r.err;
    for (const char* way :
         {"--db DB", "SENDGUARD_CENTRAL_DB", "--config FILE", "/etc/sendguard/central.conf"})
      EXPECT_NE(r.err.find(way), std::string::npos) << way << "\n" << r.err;
    EXPECT_EQ(r.out, "");
  }
  // A configuration file without the line is no help either.
  WriteFile("empty.conf", "SENDGUARD_CENTRAL_LISTEN=127.0.0.1:8740\n");
  CommandRun r = Central({}, {"events", "list", "--config", Path("empty.conf")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("SENDGUARD_CENTRAL_DB"), std::string::npos) << r.err;
}

TEST_F(CliConfigTest, MalformedOrUnreadableConfigFileIsAnErrorWithTheLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"# ok\nSENDGUARD_CENTRAL_DB\n", ":2: "},                     // no '='
      {"\n\n1BAD=x\n", ":3: "},                                     // key starts with a digit
      {"SENDGUARD CENTRAL_DB=x\n", ":1: "},                         // space in the key
      {"A=1\nSENDGUARD_CENTRAL_DB=\"sqlite:/tmp/x.db\n", ":2: "},   // quote not closed
      {"SENDGUARD_CENTRAL_DB='sqlite:/tmp/x.db' extra\n", ":1: "},  // text after the quote
      {"=sqlite:/tmp/x.db\n", ":1: "}};                             // no key
  for (const auto& [text, where] : cases) {
    WriteFile("bad.conf", text);
    CommandRun r = Central({}, {"events", "list", "--config", Path("bad.conf")});
    EXPECT_EQ(r.exit_code, 2) << text;
    EXPECT_NE(r.err.find("bad.conf" + where), std::string::npos) << text << "\n" << r.err;
    EXPECT_EQ(r.out, "");
  }
  CommandRun missing = Central({}, {"events", "list", "--config", Path("none.conf")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("設定ファイルを読めません"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("none.conf"), std::string::npos) << missing.err;
  CommandRun no_value = Central({}, {"events", "list", "--config"});
  EXPECT_EQ(no_value.exit_code, 2);
  // --db on the command line: the file is not needed, so not read.
  CommandRun with_db =
      Central({}, {"events", "list", "--config", Path("bad.conf"), "--db", Db("x.db")});
  EXPECT_EQ(with_db.exit_code, 0) << with_db.err;
}

TEST_F(CliConfigTest, SentencesOnATerminalBareValuesWhenPiped) {
  const std::string db = "SENDGUARD_CENTRAL_DB=" + Db("t.db") + " ";
  const std::string bin = CentralBinary();
  CommandRun push =
      OnTerminal(db + bin + " policy push --state-dir " + Path("state") + " " + policy_);
  ASSERT_EQ(push.exit_code, 0) << push.out << push.err;
  EXPECT_NE(push.out.find("ポリシー バージョン 1 を公開しました (policy version 1 published)"),
            std::string::npos)
      << push.out;
  CommandRun enroll = OnTerminal(db + bin + " agent enroll --name pc-tty");
  ASSERT_EQ(enroll.exit_code, 0) << enroll.out;
  EXPECT_TRUE(std::regex_search(enroll.out, std::regex("^sga_[A-Za-z0-9_-]+\r\n"))) << enroll.out;
  EXPECT_NE(enroll.out.find("エージェント pc-tty を登録しました"), std::string::npos) << enroll.out;
  EXPECT_NE(enroll.out.find("(agent pc-tty enrolled;"), std::string::npos) << enroll.out;
  // Piped (as scripts capture them): the version alone, the token alone, nothing on stderr.
  CommandRun piped = Central({"SENDGUARD_CENTRAL_DB=" + Db("t.db")},
                             {"policy", "push", "--state-dir", Path("state"), policy_});
  EXPECT_EQ(piped.out, "2\n");
  EXPECT_EQ(piped.err, "");
  CommandRun token =
      Central({"SENDGUARD_CENTRAL_DB=" + Db("t.db")}, {"agent", "enroll", "--name", "pc-pipe"});
  EXPECT_TRUE(std::regex_match(token.out, std::regex("sga_[A-Za-z0-9_-]+\n"))) << token.out;
  EXPECT_EQ(token.err, "");
  // The same through a shell's $(...), as installer/quickstart.sh does.
  CommandRun captured =
      RunCommand({"/bin/sh", "-c",
                  "v=$(" + bin + " policy push --db " + Db("t.db") + " --state-dir " +
                      Path("state") + " " + policy_ + ") && test \"$v\" = 3 && echo ok"});
  EXPECT_EQ(captured.out, "ok\n") << captured.err;
}

TEST_F(CliConfigTest, JsonGivesOneObject) {
  const std::vector<std::string> env = {"SENDGUARD_CENTRAL_DB=" + Db("j.db")};
  CommandRun push =
      Central(env, {"policy", "push", "--json", "--state-dir", Path("state"), policy_});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  EXPECT_EQ(Json(push.out)->getValue<int>("version"), 1) << push.out;
  CommandRun section = Central(env, {"section", "add", "--name", "税務課", "--json"});
  ASSERT_EQ(section.exit_code, 0) << section.err;
  EXPECT_EQ(Json(section.out)->getValue<std::string>("section"), "税務課");
  CommandRun enroll =
      Central(env, {"agent", "enroll", "--name", "pc-j", "--section", "税務課", "--json"});
  ASSERT_EQ(enroll.exit_code, 0) << enroll.err;
  auto e = Json(enroll.out);
  EXPECT_EQ(e->getValue<std::string>("name"), "pc-j");
  EXPECT_EQ(e->getValue<std::string>("section"), "税務課");
  EXPECT_EQ(e->getValue<std::string>("token").rfind("sga_", 0), 0u);
  EXPECT_FALSE(e->getValue<bool>("replaced"));
  CommandRun replaced = Central(env, {"agent", "enroll", "--name", "pc-j", "--replace", "--json"});
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_TRUE(Json(replaced.out)->getValue<bool>("replaced"));
  EXPECT_NE(Json(replaced.out)->getValue<std::string>("token"), e->getValue<std::string>("token"));
  CommandRun user = RunCommand(
      {"/bin/sh", "-c",
       "printf 'a-long-password\\n' | " + CentralBinary() + " user add --db " + Db("j.db") +
           " --login zeimu-kanri --name '税務 花子' --section 税務課 --role kanri,tanto --json"});
  ASSERT_EQ(user.exit_code, 0) << user.err;
  auto u = Json(user.out);
  EXPECT_EQ(u->getValue<std::string>("login"), "zeimu-kanri");
  EXPECT_EQ(u->getValue<std::string>("name"), "税務 花子");
  EXPECT_EQ(u->getArray("roles")->size(), 2u);
  // Commands without --json refuse it rather than ignore it.
  EXPECT_EQ(Central(env, {"section", "list", "--json"}).exit_code, 2);
}

}  // namespace
