// Unit tests of the print guard library: device URIs, backend arguments, reading and
// checking jobs (good and bad input), the decision and the events.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "pdf_writer.h"
#include "print_guard/backend.h"
#include "print_guard/decision.h"
#include "print_guard/job.h"
#include "print_guard/print_event.h"
#include "process_support.h"

namespace print_guard {
namespace {

namespace fs = std::filesystem;
using mailcheck::PrintAction;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "print-guard-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& bytes) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

JobCheck Check(const std::string& path, const std::string& type, CheckSettings settings = {}) {
  static const doccheck::Checker checker;
  return CheckJob(checker, path, type, settings);
}

TEST(RealDeviceUriTest, StripsThePrefix) {
  EXPECT_EQ(RealDeviceUri("sendguard:/ipp://printer.example/ipp/print").value(),
            "ipp://printer.example/ipp/print");
  EXPECT_EQ(RealDeviceUri("sendguard:/socket://10.0.0.5:9100").value(), "socket://10.0.0.5:9100");
  EXPECT_EQ(UriScheme("IPPS://x"), "ipps");
}

TEST(RealDeviceUriTest, RefusesWhatIsNotAWrappedUri) {
  EXPECT_FALSE(RealDeviceUri("ipp://printer/ipp/print").ok());
  EXPECT_FALSE(RealDeviceUri("sendguard:/").ok());
  EXPECT_FALSE(RealDeviceUri("sendguard:/no-scheme").ok());
  EXPECT_FALSE(RealDeviceUri("sendguard:/ip p://x").ok());
  EXPECT_FALSE(RealDeviceUri("sendguard:/sendguard:/ipp://x").ok());  // a loop
}

TEST(ParseBackendJobTest, ReadsArgvAndEnvironment) {
  auto job = ParseBackendJob(
      {"sendguard:/ipp://p/ipp/print", "42", "taro", "名簿.pdf", "2", "", "/spool/d00042-001"},
      {{"DEVICE_URI", "sendguard:/ipp://p/ipp/print"},
       {"CONTENT_TYPE", "application/pdf"},
       {"PRINTER", "office"}});
  ASSERT_TRUE(job.ok()) << job.error();
  EXPECT_EQ(job.value().job_id, "42");
  EXPECT_EQ(job.value().user, "taro");
  EXPECT_EQ(job.value().copies, 2);
  EXPECT_EQ(job.value().file, "/spool/d00042-001");
  EXPECT_EQ(job.value().real_uri, "ipp://p/ipp/print");
  EXPECT_EQ(job.value().printer, "office");
}

TEST(ParseBackendJobTest, BadArgumentsAreErrorsNotCrashes) {
  EXPECT_FALSE(ParseBackendJob({"sendguard", "1", "u"}, {}).ok());
  auto no_uri = ParseBackendJob({"sendguard", "1", "u", "t", "1", ""}, {});
  ASSERT_FALSE(no_uri.ok());
  EXPECT_NE(no_uri.error().find("sendguard:/"), std::string::npos);
  auto odd = ParseBackendJob({"sendguard", "1", "u", "t", "many", ""},
                             {{"DEVICE_URI", "sendguard:/ipp://p/x"}});
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd.value().copies, 1);
  EXPECT_TRUE(odd.value().file.empty());
}

TEST(CheckJobTest, FindsAMyNumberInAPdf) {
  TempDir dir;
  const auto path = dir.Write("a.pdf", testing::MakePdf(testing::OrdinaryPages(3, 2)));
  JobCheck check = Check(path, "application/pdf");
  EXPECT_FALSE(check.unscannable) << check.why;
  EXPECT_EQ(check.report.format, "pdf");
  EXPECT_EQ(check.report.CountKind(doccheck::Kind::kMyNumber), 1);
}

// Without its PDF reader (the plugin libsendguard-pdf.so, loaded once per process) a PDF
// job is unscannable, never clean. In a new process (a "threadsafe" death test re-runs
// this test alone), so the plugin this binary's other tests loaded is not there yet.
TEST(CheckJobTest, PdfWithoutThePdfReaderIsUnscannable) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TempDir dir;
  const auto path = dir.Write("a.pdf", testing::MakePdf(testing::OrdinaryPages(3, 2)));
  EXPECT_EXIT(
      {
        ::setenv("SENDGUARD_PDF_PLUGIN", (dir.path() + "/no-such-plugin.so").c_str(), 1);
        const JobCheck check = Check(path, "application/pdf");
        const bool ok = check.unscannable && check.why == "io" && check.report.HasErrors() &&
                        check.report.CountKind(doccheck::Kind::kMyNumber) == 0;
        std::fprintf(stderr, "unscannable=%d why=%s\n", check.unscannable, check.why.c_str());
        std::error_code ec;
        fs::remove_all(dir.path(), ec);  // _Exit skips the child's TempDir destructor
        std::_Exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "unscannable=1 why=io");
}

TEST(CheckJobTest, FindsAMyNumberInShiftJisText) {
  TempDir dir;
  // "個人番号 3739 6401 7574 見本 太郎" in Shift_JIS.
  const std::string sjis =
      "\x8c\xc2\x90\x6c\x94\xd4\x8d\x86 3739 6401 7574 \x8c\xa9\x96\x7b \x91\xbe\x98\x59\r\n";
  const auto path = dir.Write("a.txt", sjis);
  JobCheck check = Check(path, "text/plain");
  EXPECT_FALSE(check.unscannable) << check.why;
  EXPECT_EQ(check.report.CountKind(doccheck::Kind::kMyNumber), 1);
}

TEST(CheckJobTest, BadInputIsUnscannableWithAReason) {
  TempDir dir;
  EXPECT_EQ(Check(dir.Write("c.pdf", "%PDF-1.4 nothing more"), "application/pdf").why, "corrupt");
  EXPECT_EQ(Check(dir.Write("m.pdf", "just some text, not a PDF\n"), "application/pdf").why,
            "content_mismatch");
  EXPECT_EQ(Check(std::string(SENDGUARD_EXTRACT_DATA) + "/locked.pdf", "application/pdf").why,
            "encrypted");
  EXPECT_EQ(Check(dir.Write("i.jpg", "\xff\xd8\xff\xe0 jpeg"), "image/jpeg").why, "unsupported");
  EXPECT_EQ(Check(dir.path() + "/missing", "application/pdf").why, "io");
  CheckSettings small;
  small.max_job_bytes = 1000;
  JobCheck big = Check(dir.Write("big.txt", std::string(5000, 'a')), "text/plain", small);
  EXPECT_TRUE(big.unscannable);
  EXPECT_EQ(big.why, "too_large");
  EXPECT_EQ(big.size, 5000u);
}

TEST(CheckJobTest, PostScriptWithoutGhostscriptIsUnscannable) {
  TempDir dir;
  CheckSettings settings;
  settings.ps2ascii = dir.path() + "/no-such-ps2ascii";
  JobCheck check =
      Check(dir.Write("a.ps", "%!PS-Adobe-3.0\nshowpage\n"), "application/postscript", settings);
  EXPECT_TRUE(check.unscannable);
  EXPECT_EQ(check.why, "unsupported");
  EXPECT_EQ(Check(dir.Write("b.ps", "not postscript"), "application/postscript").why,
            "content_mismatch");
}

TEST(CheckJobTest, PostScriptIsCheckedThroughGhostscript) {
  if (access("/usr/bin/ps2ascii", X_OK) != 0) GTEST_SKIP() << "ghostscript is not installed";
  TempDir dir;
  const std::string ps =
      "%!PS-Adobe-3.0\n/Helvetica findfont 12 scalefont setfont\n72 700 moveto\n"
      "(Individual Number: 3739 6401 7574) show\nshowpage\n";
  CheckSettings settings;
  settings.temp_dir = dir.path();
  JobCheck check = Check(dir.Write("a.ps", ps), "application/postscript", settings);
  EXPECT_FALSE(check.unscannable) << check.why;
  EXPECT_EQ(check.report.CountKind(doccheck::Kind::kMyNumber), 1);
}

TEST(SpoolStreamTest, CopiesStdinIntoAPrivateFile) {
  TempDir dir;
  const auto src = dir.Write("src", std::string(200000, 'x') + "end");
  FILE* in = std::fopen(src.c_str(), "rb");
  std::uint64_t size = 0;
  auto copy = SpoolStream(fileno(in), dir.path(), &size);
  std::fclose(in);
  ASSERT_TRUE(copy.ok()) << copy.error();
  EXPECT_EQ(size, 200003u);
  EXPECT_EQ(fs::status(copy.value()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(FileDigest(copy.value()), FileDigest(src));
  EXPECT_EQ(FileDigest(copy.value()).size(), 32u);
}

TEST(DecideTest, StrictestActionWinsWithEveryReason) {
  mailcheck::PrintActions actions;
  actions.my_number = PrintAction::kHold;
  actions.class1 = PrintAction::kPrompt;
  actions.unscannable = PrintAction::kBlock;
  JobCheck check;
  EXPECT_EQ(Decide(actions, check).action, PrintAction::kAllow);
  EXPECT_TRUE(Decide(actions, check).message.empty());
  check.report.klass = 1;
  check.report.findings.push_back({doccheck::Kind::kMyNumber, "3739 **** ***4", "", 0.9, {}});
  PrintDecision d = Decide(actions, check);
  EXPECT_EQ(d.action, PrintAction::kHold);
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"my_number", "class1"}));
  EXPECT_NE(d.message.find("保留"), std::string::npos);
  EXPECT_NE(d.message.find("マイナンバー"), std::string::npos);
  EXPECT_EQ(d.message.find("3739"), std::string::npos);
  check.unscannable = true;
  EXPECT_EQ(Decide(actions, check).action, PrintAction::kBlock);
}

TEST(PrintEventTest, CarriesKindsAndMaskedTextOnly) {
  BackendJob job;
  job.job_id = "7";
  job.user = "taro";
  job.title = "名簿 373964017574.pdf";
  job.printer = "office";
  JobCheck check;
  check.report.klass = 1;
  check.report.findings.push_back({doccheck::Kind::kMyNumber, "3739 **** ***4", "", 0.9, {}});
  mailcheck::PrintActions actions;
  actions.my_number = PrintAction::kHold;
  agent::EventContext context;
  context.host = "pc1";
  agent::Event e = BuildPrintEvent("print_held", job, check, Decide(actions, check), 3, context);
  EXPECT_EQ(e.kind, "print_held");
  EXPECT_NE(e.json.find("\"kind\":\"print_held\""), std::string::npos);
  EXPECT_NE(e.json.find("\"my_number\":1"), std::string::npos);
  EXPECT_NE(e.json.find("\"user\":\"taro\""), std::string::npos);
  EXPECT_NE(e.json.find("\"policy_version\":3"), std::string::npos);
  // Central refuses 10 or more digits in a row anywhere but in the (random hex) id.
  const std::string without_id = std::regex_replace(e.json, std::regex("\"id\":\"[0-9a-f]+\""), "");
  EXPECT_FALSE(std::regex_search(without_id, std::regex("[0-9]{10}"))) << e.json;
}

TEST(GuardConfigTest, ReadsKeysAndRejectsUnknownOnes) {
  TempDir dir;
  auto config = LoadGuardConfig(dir.Write("c", "# comment\npolicy = /p.json\nmax_job_bytes=10\n"));
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config.value().policy, "/p.json");
  EXPECT_EQ(config.value().max_job_bytes, 10u);
  EXPECT_TRUE(LoadGuardConfig(dir.path() + "/absent").ok());
  auto bad = LoadGuardConfig(dir.Write("d", "colour = red\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find(":1:"), std::string::npos);
}

// The backend binary as cupsd runs it (environment, argv, stdin), with the real backend
// replaced by a script that records how it was called.
namespace backend_process {

using agent::testing::CommandRun;
using agent::testing::Shell;

class BackendProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(fs::path(dir_.path()) / "bin" / "backend");
    fs::create_directories(fs::path(dir_.path()) / "tmp");
    // The "real" backend: copies argv[6] to out.bin, records DEVICE_URI (a script cannot
    // see its argv[0]: the kernel gives it the script's path),
    // exits 6 (CUPS_BACKEND_RETRY) when the title is "retry".
    const auto fake = dir_.Write("bin/backend/ipp",
                                 "#!/bin/sh\ncp \"$6\" " + dir_.path() +
                                     "/out.bin\necho \"$0|$DEVICE_URI|$1|$2|$3\" > " + dir_.path() +
                                     "/called\n[ \"$3\" = retry ] && exit 6\nexit 0\n");
    fs::permissions(fake, fs::perms::owner_all);
    dir_.Write("policy.json",
               R"({"internal_domains": ["x.lg.jp"], "print": {"my_number": "hold"}})");
    dir_.Write("guard.conf",
               "policy = " + dir_.path() + "/policy.json\nspool_dir = " + dir_.path() + "/spool\n");
  }

  // Runs the backend with `args` (after argv[0]) and the job on stdin from `stdin_file`.
  CommandRun Run(const std::string& args, const std::string& stdin_file = "/dev/null",
                 const std::string& device_uri = "sendguard:/ipp://127.0.0.1:9/ipp/print") {
    return Shell("cd " + dir_.path() + " && SENDGUARD_PRINT_CONFIG=" + dir_.path() +
                 "/guard.conf CUPS_SERVERBIN=" + dir_.path() + "/bin TMPDIR=" + dir_.path() +
                 "/tmp DEVICE_URI='" + device_uri +
                 "' CONTENT_TYPE=text/plain PRINTER=office " SENDGUARD_BACKEND_PATH " " + args +
                 " < " + stdin_file);
  }
  static int Exit(const CommandRun& r) { return WEXITSTATUS(r.status); }

  TempDir dir_;
};

TEST_F(BackendProcessTest, WithoutArgumentsListsItsScheme) {
  const CommandRun r = Shell(SENDGUARD_BACKEND_PATH);
  EXPECT_EQ(Exit(r), 0);
  EXPECT_NE(r.output.find("network sendguard"), std::string::npos) << r.output;
}

TEST_F(BackendProcessTest, AllowedJobOnStdinGoesToTheRealBackendUnchanged) {
  const std::string text = "an ordinary notice\n";
  const auto job = dir_.Write("job.txt", text);
  const CommandRun r = Run("12 taro notice 1 ''", job);
  EXPECT_EQ(Exit(r), 0) << r.output;
  EXPECT_EQ(agent::testing::Read(dir_.path() + "/out.bin"), text);
  EXPECT_EQ(agent::testing::Read(dir_.path() + "/called"),
            dir_.path() + "/bin/backend/ipp|ipp://127.0.0.1:9/ipp/print|12|taro|notice\n");
  EXPECT_TRUE(fs::is_empty(dir_.path() + "/tmp"));  // the stdin copy is removed
}

TEST_F(BackendProcessTest, TheRealBackendsExitStatusIsKept) {
  const auto job = dir_.Write("job.txt", "an ordinary notice\n");
  EXPECT_EQ(Exit(Run("13 taro retry 1 '' " + job)), 6);
}

TEST_F(BackendProcessTest, MyNumberOnStdinIsHeldWithTheReason) {
  const auto job = dir_.Write("job.txt", "個人番号 3739 6401 7574\n");
  const CommandRun r = Run("14 taro list 1 ''", job);
  EXPECT_EQ(Exit(r), 3) << r.output;  // CUPS_BACKEND_HOLD
  EXPECT_NE(r.output.find("WARNING: sendguard: 印刷を保留しました"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("6401"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_.path() + "/out.bin"));
  EXPECT_TRUE(fs::is_empty(dir_.path() + "/tmp"));
  // The event waits in the outbox (no central configured); --flush-events says so.
  const CommandRun flush = Shell("SENDGUARD_PRINT_CONFIG=" + dir_.path() +
                                 "/guard.conf " SENDGUARD_BACKEND_PATH " --flush-events");
  EXPECT_NE(flush.output.find("1 event(s) pending"), std::string::npos) << flush.output;
}

TEST_F(BackendProcessTest, StaleHeldMarkersAreRemoved) {
  fs::create_directories(dir_.path() + "/spool/held");
  const auto old_marker = dir_.Write("spool/held/office-1-0123", "taro\n");
  const auto new_marker = dir_.Write("spool/held/office-2-4567", "taro\n");
  Shell("touch -d '100 days ago' " + old_marker);
  const auto job = dir_.Write("job.txt", "個人番号 3739 6401 7574\n");
  EXPECT_EQ(Exit(Run("17 taro list 1 '' " + job)), 3);
  EXPECT_FALSE(fs::exists(old_marker));
  EXPECT_TRUE(fs::exists(new_marker));
}

TEST_F(BackendProcessTest, BadDeviceUriStopsTheQueueWithAMessage) {
  const auto job = dir_.Write("job.txt", "x\n");
  const CommandRun r = Run("15 taro t 1 '' " + job, "/dev/null", "ipp://no-prefix/x");
  EXPECT_EQ(Exit(r), 4) << r.output;  // CUPS_BACKEND_STOP
  EXPECT_NE(r.output.find("ERROR: sendguard: デバイスURI"), std::string::npos) << r.output;
}

TEST_F(BackendProcessTest, BadConfigurationHoldsTheJob) {
  dir_.Write("guard.conf", "colour = red\n");
  const auto job = dir_.Write("job.txt", "x\n");
  const CommandRun r = Run("16 taro t 1 '' " + job);
  EXPECT_EQ(Exit(r), 3) << r.output;
  EXPECT_NE(r.output.find("unknown key colour"), std::string::npos) << r.output;
}

}  // namespace backend_process

}  // namespace
}  // namespace print_guard
