// The print guard end to end: a private cupsd (own configuration, own port, started here)
// with the `sendguard` backend installed in its ServerBin, a queue whose device URI is
// sendguard:/ipp://127.0.0.1:PORT/ipp/print, ippeveprinter as the real printer (it keeps
// every document it receives), and a real sendguard-central receiving the events and
// publishing the signed policy. The printing user's agent is the real sendguard-agent,
// run as `nobody` (jobs are printed with `lp -U nobody`), answering print prompts on its
// socket in a root-owned sticky directory as the package sets it up.
//
// ippeveprinter (CUPS 2.4) refuses to start without DNS-SD even with `-r off`; when no
// Avahi daemon answers on the system bus, the test runs a private D-Bus system bus and an
// Avahi daemon limited to loopback with publishing disabled, for ippeveprinter alone.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <set>

#include "pdf_writer.h"
#include "process_support.h"

namespace print_guard {
namespace {

namespace fs = std::filesystem;
using agent::testing::CommandRun;
using agent::testing::FreePort;
using agent::testing::Process;
using agent::testing::Read;
using agent::testing::Shell;
using agent::testing::WaitForPort;

constexpr auto kDeadline = std::chrono::seconds(90);
// How long the printing user has to answer a print prompt (the guard's prompt_timeout).
constexpr int kPromptSeconds = 8;

bool Eventually(const std::function<bool()>& done) {
  const auto end = std::chrono::steady_clock::now() + kDeadline;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return done();
}

bool PortOpenWithin(int port, std::chrono::milliseconds within) {
  const auto end = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < end) {
    try {
      Poco::Net::StreamSocket s(
          Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
      return true;
    } catch (...) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return false;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

void WriteFile(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

// Hands a path to the `lp` account cupsd runs backends as (when we are root).
void GiveToLp(const fs::path& p) {
  if (geteuid() != 0) return;
  if (const passwd* lp = getpwnam("lp")) {
    if (chown(p.c_str(), lp->pw_uid, lp->pw_gid) != 0) ADD_FAILURE() << "chown " << p;
  }
}

struct JobState {
  std::string state;    // "pending", "held", "processing", "completed", "canceled", ...
  std::string message;  // job-printer-state-message
};

// The guarded queue's policy: My Number held, class 2 refused, class 1 asks the user
// (nobody answers here: held), unscannable held.
constexpr const char* kPolicy = R"({
  "version": 7,
  "internal_domains": ["city.example.lg.jp"],
  "print": {"my_number": "hold", "class1": "prompt", "class2": "block", "unscannable": "hold"}
})";

class CupsPrintGuardTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const char* tool : {"/usr/sbin/cupsd", "/usr/sbin/ippeveprinter", "/usr/sbin/lpadmin",
                             "/usr/bin/lp", "/usr/bin/ipptool"}) {
      if (!fs::exists(tool)) {
        setup_error_ = std::string("needs ") + tool +
                       " (apt-get install cups-daemon cups-client cups-ipp-utils)";
        return;
      }
    }
    if (!fs::exists(CENTRAL_BINARY_PATH)) {
      setup_error_ = "sendguard-central is not built";
      return;
    }
    char tmpl[] = "/tmp/sendguard-print-XXXXXX";
    dir_ = mkdtemp(tmpl);
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
    for (const char* d : {"conf", "bin/backend", "spool", "tmp", "cache", "state", "log", "printer",
                          "guard", "central"})
      fs::create_directories(dir_ / d);
    GiveToLp(dir_ / "guard");

    WriteFile(dir_ / "policy.json", kPolicy);
    StartCentral();
    if (!setup_error_.empty()) return;
    StartAgent();
    if (!setup_error_.empty()) return;
    StartPrinter();
    if (!setup_error_.empty()) return;
    StartCupsd();
  }

  static void StartCentral() {
    db_ = "sqlite:" + (dir_ / "central" / "central.db").string();
    const CommandRun enroll = Shell(std::string(CENTRAL_BINARY_PATH) + " agent enroll --db " + db_ +
                                    " --name print-guard");
    if (enroll.status != 0) {
      setup_error_ = "enroll: " + enroll.output;
      return;
    }
    // Central signs and publishes the policy (version 7, as the guard's own file); the
    // guard pins central's key.
    const CommandRun push =
        Shell(std::string(CENTRAL_BINARY_PATH) + " policy push --db " + db_ + " --state-dir " +
              (dir_ / "central").string() + " " + (dir_ / "policy.json").string());
    if (push.status != 0 || !fs::exists(dir_ / "central" / "policy.pub")) {
      setup_error_ = "policy push: " + push.output;
      return;
    }
    fs::copy_file(dir_ / "central" / "policy.pub", dir_ / "pinned.pub");
    WriteFile(dir_ / "print-guard.token", Trim(enroll.output) + "\n");
    fs::permissions(dir_ / "print-guard.token", fs::perms::owner_read | fs::perms::owner_write);
    GiveToLp(dir_ / "print-guard.token");
    central_port_ = FreePort();
    central_ = std::make_unique<Process>(
        std::vector<std::string>{CENTRAL_BINARY_PATH, "serve", "--listen",
                                 "127.0.0.1:" + std::to_string(central_port_), "--db", db_,
                                 "--state-dir", (dir_ / "central").string()},
        (dir_ / "log" / "central.log").string());
    if (!WaitForPort(central_port_)) setup_error_ = "central did not start";
  }

  // The real agent of the printing user `nobody`, answering print prompts on
  // prompts/<uid>.sock; the directory is root's, 1733, as the package makes
  // /run/sendguard/print-prompt.
  static void StartAgent() {
    const passwd* nobody = getpwnam("nobody");
    if (!nobody || geteuid() != 0) {
      setup_error_ = "needs root and the user nobody (the agent runs as another user)";
      return;
    }
    nobody_uid_ = nobody->pw_uid;
    fs::create_directories(dir_ / "prompts");
    chmod((dir_ / "prompts").c_str(), 01733);
    fs::create_directories(dir_ / "agent-state");
    if (chown((dir_ / "agent-state").c_str(), nobody->pw_uid, nobody->pw_gid) != 0) {
      setup_error_ = "chown agent-state";
      return;
    }
    control_port_ = FreePort();
    const int smtp_port = FreePort();
    agent_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup",
                                 "--clear-groups", SENDGUARD_AGENT_PATH, "--listen",
                                 "127.0.0.1:" + std::to_string(smtp_port), "--upstream",
                                 "127.0.0.1:9", "--policy", (dir_ / "policy.json").string(),
                                 "--state-dir", (dir_ / "agent-state").string(), "--control-listen",
                                 "127.0.0.1:" + std::to_string(control_port_), "--print-prompt-dir",
                                 (dir_ / "prompts").string()},
        (dir_ / "log" / "agent.log").string());
    if (!WaitForPort(control_port_) ||
        !Eventually([] { return fs::exists(AgentSocket()) && !AgentToken().empty(); })) {
      setup_error_ = "the agent did not start: " + Read(dir_ / "log" / "agent.log");
    }
  }

  static fs::path AgentSocket() {
    return dir_ / "prompts" / (std::to_string(nobody_uid_) + ".sock");
  }

  static std::string AgentToken() { return Trim(Read(dir_ / "agent-state" / "control.token")); }

  struct Http {
    int status = 0;
    std::string body;
    std::string set_cookie;
  };

  // A request to the agent's control API / confirmation page.
  static Http AgentHttp(const std::string& method, const std::string& path,
                        const std::string& body = "", const std::string& bearer = "",
                        const std::string& cookie = "", const std::string& form = "") {
    Http out;
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(control_port_));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setHost("127.0.0.1:" + std::to_string(control_port_));
    if (!bearer.empty()) req.set("Authorization", "Bearer " + bearer);
    if (!cookie.empty()) req.set("Cookie", cookie);
    if (!form.empty()) {
      req.set("Origin", "http://127.0.0.1:" + std::to_string(control_port_));
      req.setContentType("application/x-www-form-urlencoded");
    }
    const std::string& sent = form.empty() ? body : form;
    if (method == "POST") req.setContentLength(static_cast<std::streamsize>(sent.size()));
    session.sendRequest(req) << sent;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    out.status = res.getStatus();
    out.set_cookie = res.get("Set-Cookie", "");
    std::stringstream ss;
    ss << in.rdbuf();
    out.body = ss.str();
    return out;
  }

  // The print prompt waiting at the agent: its id ("" when none came).
  static std::string WaitForPrintPrompt() {
    std::string id;
    Eventually([&] {
      const Http r = AgentHttp("GET", "/v1/prompts", "", AgentToken());
      std::smatch m;
      if (std::regex_search(r.body, m, std::regex("\"id\":\"([0-9a-f]+)\""))) id = m[1];
      return !id.empty();
    });
    return id;
  }

  // Opens the confirmation page as its user does (a one-time link) and returns the
  // session cookie.
  static std::string PageSession() {
    const Http link = AgentHttp("POST", "/v1/page-link", "", AgentToken());
    const std::size_t at = link.body.find("/confirm?k=");
    if (at == std::string::npos) return "";
    const Http opened = AgentHttp("GET", link.body.substr(at, link.body.find('"', at) - at));
    return opened.set_cookie.substr(0, opened.set_cookie.find(';'));
  }

  static void StartPrinter() {
    printer_port_ = FreePort();
    auto start = [] {
      printer_ = std::make_unique<Process>(
          std::vector<std::string>{"/usr/sbin/ippeveprinter", "-r", "off", "-k", "-p",
                                   std::to_string(printer_port_), "-d", (dir_ / "printer").string(),
                                   "-f", "application/pdf,text/plain,application/postscript",
                                   "sendguard-test-printer"},
          (dir_ / "log" / "ippeveprinter.log").string());
      return PortOpenWithin(printer_port_, std::chrono::seconds(3));
    };
    if (start()) return;
    printer_.reset();
    // No Avahi on the system bus: a private bus and a loopback-only Avahi for ippeveprinter.
    const std::string bus = "unix:path=" + (dir_ / "dbus.sock").string();
    dbus_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/dbus-daemon",
                                 "--config-file=/usr/share/dbus-1/system.conf", "--address=" + bus,
                                 "--nofork", "--nopidfile"},
        (dir_ / "log" / "dbus.log").string());
    Eventually([] { return fs::exists(dir_ / "dbus.sock"); });
    setenv("DBUS_SYSTEM_BUS_ADDRESS", bus.c_str(), 1);
    WriteFile(dir_ / "avahi.conf",
              "[server]\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=lo\n"
              "[wide-area]\nenable-wide-area=no\n[publish]\ndisable-publishing=yes\n");
    avahi_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/avahi-daemon", "-f", (dir_ / "avahi.conf").string(),
                                 "--no-drop-root", "--no-chroot", "--no-rlimits"},
        (dir_ / "log" / "avahi.log").string());
    Eventually([] {
      return Read(dir_ / "log" / "avahi.log").find("startup complete") != std::string::npos;
    });
    if (!start()) {
      setup_error_ = "ippeveprinter did not start: " + Read(dir_ / "log" / "ippeveprinter.log") +
                     Read(dir_ / "log" / "avahi.log");
    }
  }

  static void StartCupsd() {
    cups_port_ = FreePort();
    const fs::path bin = dir_ / "bin";
    for (const char* d : {"filter", "daemon", "cgi-bin", "driver", "notifier", "monitor"}) {
      if (fs::exists(fs::path("/usr/lib/cups") / d))
        fs::create_directory_symlink(fs::path("/usr/lib/cups") / d, bin / d);
    }
    fs::create_symlink("/usr/lib/cups/backend/ipp", bin / "backend" / "ipp");
    fs::copy_file(SENDGUARD_BACKEND_PATH, bin / "backend" / "sendguard");
    fs::permissions(bin / "backend" / "sendguard",
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                        fs::perms::others_read | fs::perms::others_exec);
    WriteFile(dir_ / "print-guard.conf",
              "policy = " + (dir_ / "policy.json").string() +
                  "\nspool_dir = " + (dir_ / "guard").string() +
                  "\ncentral = http://127.0.0.1:" + std::to_string(central_port_) +
                  "\ntoken_file = " + (dir_ / "print-guard.token").string() +
                  "\nmax_job_bytes = 300000\n" + "request_root = " + (dir_ / "spool").string() +
                  "\nprompt_dir = " + (dir_ / "prompts").string() +
                  "\nprompt_timeout = " + std::to_string(kPromptSeconds) +
                  "\npolicy_key = " + (dir_ / "pinned.pub").string() + "\n");
    const std::string d = dir_.string();
    WriteFile(dir_ / "conf" / "cups-files.conf",
              "ServerRoot " + d + "/conf\nServerBin " + d + "/bin\nRequestRoot " + d +
                  "/spool\nTempDir " + d + "/tmp\nCacheDir " + d + "/cache\nStateDir " + d +
                  "/state\nErrorLog " + d + "/log/error_log\nAccessLog " + d +
                  "/log/access_log\nPageLog " + d + "/log/page_log\nPrintcap " + d +
                  "/state/printcap\nSetEnv SENDGUARD_PRINT_CONFIG " + d + "/print-guard.conf\n");
    WriteFile(dir_ / "conf" / "cupsd.conf",
              "Listen 127.0.0.1:" + std::to_string(cups_port_) +
                  "\nLogLevel debug\nBrowsing No\nDefaultAuthType None\nWebInterface No\n"
                  "MaxJobs 0\nPreserveJobHistory Yes\n"
                  "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
                  "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n");
    cupsd_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/cupsd", "-f", "-c", d + "/conf/cupsd.conf", "-s",
                                 d + "/conf/cups-files.conf"},
        (dir_ / "log" / "cupsd.out").string());
    if (!WaitForPort(cups_port_)) {
      setup_error_ = "cupsd did not start: " + Read(dir_ / "log" / "cupsd.out") +
                     Read(dir_ / "log" / "error_log");
      return;
    }
    setenv("CUPS_SERVER", ("127.0.0.1:" + std::to_string(cups_port_)).c_str(), 1);
    const CommandRun add = Shell(
        "/usr/sbin/lpadmin -p guarded -E -m raw -v "
        "'sendguard:/ipp://127.0.0.1:" +
        std::to_string(printer_port_) + "/ipp/print?waitjob=false'");
    if (add.status != 0) setup_error_ = "lpadmin: " + add.output;
  }

  static void TearDownTestSuite() {
    cupsd_.reset();
    printer_.reset();
    avahi_.reset();
    dbus_.reset();
    central_.reset();
    agent_.reset();
    if (!dir_.empty() && !::testing::UnitTest::GetInstance()->Failed()) fs::remove_all(dir_);
  }

  void SetUp() override {
    if (!setup_error_.empty()) GTEST_FAIL() << setup_error_;
  }

  // Prints `file` on the guarded queue; returns the CUPS job id.
  int Print(const fs::path& file, const std::string& options = "") {
    const CommandRun r = Shell("/usr/bin/lp -d guarded " + options + " '" + file.string() + "'");
    std::smatch m;
    if (!std::regex_search(r.output, m, std::regex("request id is guarded-([0-9]+)"))) {
      ADD_FAILURE() << r.output;
      return -1;
    }
    return std::stoi(m[1]);
  }

  static JobState Job(int id) {
    const fs::path test = dir_ / "get-job.test";
    if (!fs::exists(test)) {
      WriteFile(test,
                "{\n  OPERATION Get-Job-Attributes\n  GROUP operation-attributes-tag\n"
                "  ATTR charset attributes-charset utf-8\n"
                "  ATTR naturalLanguage attributes-natural-language en\n"
                "  ATTR uri printer-uri $uri\n  ATTR integer job-id $job_id\n"
                "  ATTR name requesting-user-name root\n"
                "  DISPLAY job-state\n  DISPLAY job-printer-state-message\n}\n");
    }
    const CommandRun r = Shell("/usr/bin/ipptool -tv -d job_id=" + std::to_string(id) +
                               " ipp://127.0.0.1:" + std::to_string(cups_port_) +
                               "/printers/guarded " + test.string());
    JobState s;
    std::smatch m;
    if (std::regex_search(r.output, m, std::regex("job-state \\(enum\\) = ([a-z-]+)")))
      s.state = m[1];
    if (s.state == "pending-held") s.state = "held";
    if (std::regex_search(
            r.output, m,
            std::regex("job-printer-state-message \\(textWithoutLanguage\\) = ([^\\n]*)")))
      s.message = m[1];
    return s;
  }

  // Waits until the job reaches one of `states`.
  static JobState WaitFor(int id, const std::set<std::string>& states) {
    JobState s;
    Eventually([&] {
      s = Job(id);
      return states.count(s.state) > 0;
    });
    return s;
  }

  // How many documents at the printer hold exactly `bytes`.
  static int AtPrinter(const std::string& bytes) {
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "printer")) {
      if (e.is_regular_file() && Read(e.path()) == bytes) ++n;
    }
    return n;
  }

  static int PrinterDocuments() {
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "printer"))
      n += e.is_regular_file();
    return n;
  }

  // Every event central stored: kind → count.
  static std::map<std::string, int> CentralEvents(std::vector<std::string>* raw = nullptr) {
    const CommandRun r = Shell(std::string(CENTRAL_BINARY_PATH) + " events list --db " + db_ +
                               " --json 2>/dev/null");
    std::map<std::string, int> kinds;
    try {
      const auto list = Poco::JSON::Parser().parse(r.output).extract<Poco::JSON::Array::Ptr>();
      for (std::size_t i = 0; i < list->size(); ++i) {
        const auto e = list->getObject(static_cast<unsigned>(i));
        ++kinds[e->getValue<std::string>("kind")];
        if (raw) {
          std::ostringstream json;
          e->stringify(json);
          raw->push_back(json.str());
        }
      }
    } catch (...) {
    }
    return kinds;
  }

  fs::path Doc(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_ / name;
    WriteFile(p, bytes);
    return p;
  }

  std::string Lpstat() { return Shell("/usr/bin/lpstat -l -o guarded").output; }

  static inline fs::path dir_;
  static inline std::string setup_error_;
  static inline std::string db_;
  static inline int central_port_ = 0, printer_port_ = 0, cups_port_ = 0, control_port_ = 0;
  static inline uid_t nobody_uid_ = 0;
  static inline std::unique_ptr<Process> central_, printer_, dbus_, avahi_, cupsd_, agent_;
};

TEST_F(CupsPrintGuardTest, CleanPdfReachesThePrinterByteForByte) {
  const std::string pdf = testing::MakePdf(testing::OrdinaryPages(2));
  const int id = Print(Doc("clean.pdf", pdf));
  const JobState s = WaitFor(id, {"completed", "held", "canceled", "aborted"});
  EXPECT_EQ(s.state, "completed") << s.message;
  EXPECT_TRUE(Eventually([&] { return AtPrinter(pdf) == 1; }))
      << "not at the printer; " << Read(dir_ / "log" / "error_log").substr(0, 20000);
}

TEST_F(CupsPrintGuardTest, PdfWithAMyNumberIsHeldAndPrintedOnceWhenReleased) {
  const std::string pdf = testing::MakePdf(testing::OrdinaryPages(3, 2));
  const int id = Print(Doc("mynumber.pdf", pdf));
  const JobState s = WaitFor(id, {"completed", "held", "canceled", "aborted"});
  ASSERT_EQ(s.state, "held") << s.message;
  EXPECT_NE(s.message.find("マイナンバー"), std::string::npos) << s.message;
  EXPECT_NE(Lpstat().find("マイナンバー"), std::string::npos) << Lpstat();
  EXPECT_EQ(AtPrinter(pdf), 0);

  // The 管理者 releases it: printed, once.
  const CommandRun release = Shell("/usr/bin/lp -i " + std::to_string(id) + " -H resume");
  ASSERT_EQ(release.status, 0) << release.output;
  EXPECT_EQ(WaitFor(id, {"completed", "canceled", "aborted"}).state, "completed");
  EXPECT_TRUE(Eventually([&] { return AtPrinter(pdf) == 1; }));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(AtPrinter(pdf), 1);
  EXPECT_TRUE(Eventually([] {
    auto kinds = CentralEvents();
    return kinds["print_held"] >= 1 && kinds["print_released"] >= 1;
  })) << Read(dir_ / "log" / "central.log");
}

TEST_F(CupsPrintGuardTest, ShiftJisTextWithAMyNumberIsHeld) {
  // "個人番号 3739 6401 7574 見本 太郎" in Shift_JIS.
  const std::string sjis =
      "\x8c\xc2\x90\x6c\x94\xd4\x8d\x86 3739 6401 7574 \x8c\xa9\x96\x7b \x91\xbe\x98\x59\r\n";
  const int before = PrinterDocuments();
  const int id = Print(Doc("mynumber-sjis.txt", sjis));
  const JobState s = WaitFor(id, {"completed", "held", "canceled", "aborted"});
  EXPECT_EQ(s.state, "held") << s.message;
  EXPECT_NE(s.message.find("マイナンバー"), std::string::npos) << s.message;
  EXPECT_EQ(PrinterDocuments(), before);
  Shell("/usr/bin/cancel " + std::to_string(id));
}

TEST_F(CupsPrintGuardTest, ConfidentialDocumentIsRefused) {
  // A 秘 label makes class 2, which this policy refuses.
  const int before = PrinterDocuments();
  const int id = Print(Doc("secret.txt", "【秘】 会議メモ\n来年度の予算案について\n"));
  const JobState s = WaitFor(id, {"completed", "held", "canceled", "aborted"});
  EXPECT_EQ(s.state, "canceled") << s.message;
  EXPECT_NE(s.message.find("中止"), std::string::npos) << s.message;
  EXPECT_EQ(PrinterDocuments(), before);
  EXPECT_TRUE(Eventually([] { return CentralEvents()["print_blocked"] >= 1; }));
}

TEST_F(CupsPrintGuardTest, ClassOneWithNobodyToAskIsHeld) {
  // Printed by root, who runs no agent here.
  const int id = Print(Doc("birthday.txt", "見本 太郎 生年月日 1980年4月1日\n"));
  const JobState s = WaitFor(id, {"completed", "held", "canceled", "aborted"});
  EXPECT_EQ(s.state, "held") << s.message;
  EXPECT_NE(s.message.find("確認を求められなかった"), std::string::npos) << s.message;
  EXPECT_TRUE(Eventually([] { return CentralEvents()["print_prompted"] >= 1; }));
  Shell("/usr/bin/cancel " + std::to_string(id));
}

// The printing user answers 印刷する on their agent's confirmation page: printed once,
// byte for byte; the page showed the job (printer, title, what was found, masked).
TEST_F(CupsPrintGuardTest, PromptConfirmedOnTheAgentsPagePrintsOnce) {
  const std::string text = "見本 太郎 生年月日 1980年4月1日 確認して印刷\n";
  const int id = Print(Doc("consent-print-0312345678.txt", text), "-U nobody");
  const std::string prompt = WaitForPrintPrompt();
  ASSERT_FALSE(prompt.empty()) << Read(dir_ / "log" / "agent.log") << Lpstat();
  EXPECT_EQ(Job(id).state, "processing");
  const std::string cookie = PageSession();
  ASSERT_FALSE(cookie.empty());
  const Http page = AgentHttp("GET", "/confirm", "", "", cookie);
  ASSERT_EQ(page.status, 200);
  for (const char* expected :
       {"印刷: consent-print-", "プリンター: <b>guarded</b>", "生年月日 1 件",
        "印刷を取り消す</button>", "印刷する</button>", "保留"}) {
    EXPECT_NE(page.body.find(expected), std::string::npos) << expected << "\n" << page.body;
  }
  EXPECT_EQ(page.body.find("0312345678"), std::string::npos) << "the title's digits are masked";
  EXPECT_EQ(page.body.find("1980年4月1日"), std::string::npos);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\"")));
  const Http answered = AgentHttp("POST", "/confirm/" + prompt, "", "", cookie,
                                  "csrf=" + std::string(m[1]) + "&decision=send");
  EXPECT_EQ(answered.status, 303) << answered.body;

  EXPECT_EQ(WaitFor(id, {"completed", "held", "canceled", "aborted"}).state, "completed");
  EXPECT_TRUE(Eventually([&] { return AtPrinter(text) == 1; }));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(AtPrinter(text), 1) << "printed once";
  EXPECT_NE(AgentHttp("GET", "/confirm", "", "", cookie).body.find("「印刷する」が選ばれました"),
            std::string::npos);
  std::vector<std::string> raw;
  EXPECT_TRUE(Eventually([&] {
    raw.clear();
    auto kinds = CentralEvents(&raw);
    return kinds["print_prompted"] >= 1 && kinds["print_confirmed"] >= 1;
  }));
  for (const std::string& e : raw) {
    EXPECT_EQ(e.find("0312345678"), std::string::npos) << e;
    EXPECT_EQ(e.find("1980年4月1日"), std::string::npos) << e;
  }
}

TEST_F(CupsPrintGuardTest, PromptCancelledByTheUserIsNotPrinted) {
  const std::string text = "見本 花子 生年月日 1985年5月5日 取り消す\n";
  const int id = Print(Doc("consent-cancel.txt", text), "-U nobody");
  const std::string prompt = WaitForPrintPrompt();
  ASSERT_FALSE(prompt.empty()) << Read(dir_ / "log" / "agent.log");
  const Http answered =
      AgentHttp("POST", "/v1/prompts/" + prompt, R"({"decision":"cancel"})", AgentToken());
  EXPECT_EQ(answered.status, 200) << answered.body;
  const JobState s = WaitFor(id, {"completed", "held", "canceled", "aborted"});
  EXPECT_EQ(s.state, "canceled") << s.message;
  EXPECT_NE(s.message.find("取り消し"), std::string::npos) << s.message;
  // Finished jobs are listed with -W completed (canceled ones too), with their status.
  const std::string finished = Shell("/usr/bin/lpstat -W completed -l -o guarded").output;
  EXPECT_NE(finished.find("取り消し"), std::string::npos) << finished;
  EXPECT_EQ(AtPrinter(text), 0);
  EXPECT_TRUE(Eventually([] { return CentralEvents()["print_cancelled"] >= 1; }));
}

TEST_F(CupsPrintGuardTest, PromptNobodyAnswersIsHeld) {
  const std::string text = "見本 次郎 生年月日 1990年9月9日 返事なし\n";
  const int id = Print(Doc("unanswered.txt", text), "-U nobody");
  ASSERT_FALSE(WaitForPrintPrompt().empty());
  const JobState s = WaitFor(id, {"completed", "held", "canceled", "aborted"});
  EXPECT_EQ(s.state, "held") << s.message;
  EXPECT_NE(s.message.find("時間内に利用者の確認がなかった"), std::string::npos) << s.message;
  EXPECT_EQ(AtPrinter(text), 0);
  Shell("/usr/bin/cancel " + std::to_string(id));
}

// The job is cancelled in CUPS while its user is being asked: the backend ends, the
// prompt leaves the agent's page, and a late 印刷する prints nothing.
TEST_F(CupsPrintGuardTest, JobCancelledWhileAskingEndsThePrompt) {
  const std::string text = "見本 六郎 生年月日 1966年6月6日 途中で取消\n";
  const int id = Print(Doc("cancelled-while-asking.txt", text), "-U nobody");
  const std::string prompt = WaitForPrintPrompt();
  ASSERT_FALSE(prompt.empty());
  ASSERT_EQ(Shell("/usr/bin/cancel " + std::to_string(id)).status, 0);
  // The user answers right after: too late (404), or taken but nobody waits for it.
  const int late =
      AgentHttp("POST", "/v1/prompts/" + prompt, R"({"decision":"send"})", AgentToken()).status;
  EXPECT_TRUE(late == 404 || late == 200) << late;
  EXPECT_TRUE(
      Eventually([] { return AgentHttp("GET", "/v1/prompts", "", AgentToken()).body == "[]"; }));
  EXPECT_EQ(WaitFor(id, {"completed", "canceled", "aborted"}).state, "canceled");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(AtPrinter(text), 0);
}

// A user with no agent (daemon), and a user whose "agent" is someone else's listener
// (a socket chowned to bin but served by a daemon process, answering "print" to
// anything): both held, nothing printed.
TEST_F(CupsPrintGuardTest, PromptWithoutTheUsersOwnAgentIsHeld) {
  const std::string text = "見本 三郎 生年月日 1970年1月2日 代理\n";
  const int id = Print(Doc("no-agent.txt", text), "-U daemon");
  JobState s = WaitFor(id, {"completed", "held", "canceled", "aborted"});
  EXPECT_EQ(s.state, "held") << s.message;
  EXPECT_NE(s.message.find("確認を求められなかった"), std::string::npos) << s.message;
  Shell("/usr/bin/cancel " + std::to_string(id));

  const passwd* bin = getpwnam("bin");
  ASSERT_NE(bin, nullptr);
  const fs::path fake = dir_ / "prompts" / (std::to_string(bin->pw_uid) + ".sock");
  WriteFile(dir_ / "impostor.py", R"(import http.server, socketserver, sys, os, json
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        out = json.dumps({'decision': 'print'}).encode()
        self.send_response(200); self.send_header('Content-Length', str(len(out))); self.end_headers()
        self.wfile.write(out)
    def log_message(self, *a): pass
class S(socketserver.UnixStreamServer):
    def get_request(self):
        r, _ = super().get_request(); return r, ('', 0)
srv = S(sys.argv[1], H); os.chmod(sys.argv[1], 0o666); srv.serve_forever()
)");
  Process impostor({"/usr/bin/setpriv", "--reuid=daemon", "--regid=daemon", "--clear-groups",
                    "/usr/bin/python3", (dir_ / "impostor.py").string(), fake.string()},
                   (dir_ / "log" / "impostor.log").string());
  ASSERT_TRUE(Eventually([&] { return fs::exists(fake); })) << Read(dir_ / "log" / "impostor.log");
  ASSERT_EQ(chown(fake.c_str(), bin->pw_uid, bin->pw_gid), 0);  // looks like bin's own
  const std::string text2 = "見本 四郎 生年月日 1971年2月3日 なりすまし\n";
  const int id2 = Print(Doc("impostor.txt", text2), "-U bin");
  s = WaitFor(id2, {"completed", "held", "canceled", "aborted"});
  EXPECT_EQ(s.state, "held") << s.message;
  EXPECT_EQ(AtPrinter(text2), 0);
  Shell("/usr/bin/cancel " + std::to_string(id2));
  fs::remove(fake);
}

// The agent answers print prompts only from the spooler: another local user who reaches
// the socket cannot raise (or fake) a print prompt, nor answer one without the user's
// control token.
TEST_F(CupsPrintGuardTest, AnotherUserCannotAskOrAnswerPrintPrompts) {
  const CommandRun asked = Shell(
      "/usr/bin/setpriv --reuid=daemon --regid=daemon --clear-groups /usr/bin/curl -s "
      "--unix-socket " +
      AgentSocket().string() +
      " -H 'Content-Type: application/json' -d '{\"user\":\"nobody\",\"title\":\"x\"}' "
      "-w ' HTTP%{http_code}' http://localhost/v1/print-prompts");
  EXPECT_NE(asked.output.find("HTTP403"), std::string::npos) << asked.output;
  EXPECT_NE(asked.output.find("印刷システム"), std::string::npos) << asked.output;
  EXPECT_TRUE(AgentHttp("GET", "/v1/prompts", "", AgentToken()).body == "[]");

  // A waiting print prompt cannot be answered without nobody's token or page session.
  const std::string text = "見本 五郎 生年月日 1975年6月7日 他人\n";
  const int id = Print(Doc("others.txt", text), "-U nobody");
  const std::string prompt = WaitForPrintPrompt();
  ASSERT_FALSE(prompt.empty());
  EXPECT_NE(Shell("/usr/bin/setpriv --reuid=daemon --regid=daemon --clear-groups /usr/bin/cat " +
                  (dir_ / "agent-state" / "control.token").string())
                .status,
            0)
      << "the control token is the user's alone";
  EXPECT_EQ(AgentHttp("POST", "/v1/prompts/" + prompt, R"({"decision":"send"})", "wrong").status,
            401);
  EXPECT_EQ(AgentHttp("POST", "/confirm/" + prompt, "", "", "", "csrf=x&decision=send").status,
            403);
  EXPECT_EQ(WaitFor(id, {"completed", "held", "canceled", "aborted"}).state, "held");
  EXPECT_EQ(AtPrinter(text), 0);
  Shell("/usr/bin/cancel " + std::to_string(id));
}

// The guard follows central's signed policy: a newer version published at central is
// fetched after a job, verified with the pinned key and decides the next job.
TEST_F(CupsPrintGuardTest, SignedPolicyFromCentralDecidesTheNextJob) {
  auto push = [](int version, const char* class2) {
    std::string policy = kPolicy;
    policy.replace(policy.find("\"version\": 7"), 12, "\"version\": " + std::to_string(version));
    policy.replace(policy.find("\"class2\": \"block\""), 17,
                   std::string("\"class2\": \"") + class2 + "\"");
    const fs::path file = dir_ / ("policy-v" + std::to_string(version) + ".json");
    WriteFile(file, policy);
    return Shell(std::string(CENTRAL_BINARY_PATH) + " policy push --db " + db_ + " --state-dir " +
                 (dir_ / "central").string() + " " + file.string());
  };
  auto saved = [] { return Read(dir_ / "guard" / "policy" / "policy.json"); };
  auto saved_version = [&](int v) {
    return std::regex_search(saved(),
                             std::regex("\"version\"\\s*:\\s*" + std::to_string(v) + "\\b"));
  };
  ASSERT_EQ(push(8, "hold").status, 0);
  // Any job makes the guard ask central afterwards.
  const int clean = Print(Doc("fetch.pdf", testing::MakePdf({"policy fetch"})));
  WaitFor(clean, {"completed"});
  ASSERT_TRUE(Eventually([&] { return saved_version(8); }))
      << Read(dir_ / "log" / "error_log").substr(0, 20000);
  EXPECT_TRUE(fs::exists(dir_ / "guard" / "policy" / "policy.json.sig"));
  // Version 8 holds what the local file (version 7) refuses.
  const int id = Print(Doc("secret-v8.txt", "【秘】 会議メモ（版8）\n"));
  const JobState s = WaitFor(id, {"completed", "held", "canceled", "aborted"});
  EXPECT_EQ(s.state, "held") << s.message;
  Shell("/usr/bin/cancel " + std::to_string(id));
  // A policy file tampered with on disk is not used: the signature no longer verifies.
  const std::string good = saved();
  const std::string forged =
      std::regex_replace(good, std::regex("\"class2\"\\s*:\\s*\"hold\""), "\"class2\":\"allow\"");
  ASSERT_NE(forged, good);
  WriteFile(dir_ / "guard" / "policy" / "policy.json", forged);
  const int id2 = Print(Doc("secret-forged.txt", "【秘】 会議メモ（改ざん）\n"));
  EXPECT_EQ(WaitFor(id2, {"completed", "held", "canceled", "aborted"}).state, "canceled");
  // Back to refusing class 2 (version 9), for the other tests.
  ASSERT_EQ(push(9, "block").status, 0);
  const int again = Print(Doc("fetch2.pdf", testing::MakePdf({"policy fetch again"})));
  WaitFor(again, {"completed"});
  EXPECT_TRUE(Eventually([&] { return saved_version(9); }));
}

TEST_F(CupsPrintGuardTest, BadInputGetsADecisionAndTheQueueKeepsWorking) {
  const int before = PrinterDocuments();
  std::vector<int> ids;
  ids.push_back(Print(Doc("corrupt.pdf", "%PDF-1.4\n1 0 obj << /Type /Catalog\ngarbage")));
  ids.push_back(Print(std::string(SENDGUARD_EXTRACT_DATA) + "/locked.pdf"));
  ids.push_back(Print(Doc("not-a-pdf.txt", "plain words, sent as a PDF\n"),
                      "-o document-format=application/pdf"));
  ids.push_back(Print(Doc("oversized.txt", std::string(400000, 'a'))));
  for (int id : ids) {
    const JobState s = WaitFor(id, {"completed", "held", "canceled", "aborted"});
    EXPECT_EQ(s.state, "held") << id << ": " << s.message;
    EXPECT_NE(s.message.find("確認できない"), std::string::npos) << id << ": " << s.message;
    Shell("/usr/bin/cancel " + std::to_string(id));
  }
  EXPECT_EQ(PrinterDocuments(), before);
  // The queue is not stopped: a clean document still prints.
  const std::string pdf = testing::MakePdf({"after the bad ones"});
  const int id = Print(Doc("after.pdf", pdf));
  EXPECT_EQ(WaitFor(id, {"completed", "held", "canceled", "aborted"}).state, "completed");
  EXPECT_TRUE(Eventually([&] { return AtPrinter(pdf) == 1; }));
}

TEST_F(CupsPrintGuardTest, EventsReachCentralMaskedOnly) {
  const int id = Print(Doc("mn2.pdf", testing::MakePdf(testing::OrdinaryPages(1, 1))));
  WaitFor(id, {"held"});
  std::vector<std::string> raw;
  ASSERT_TRUE(Eventually([&] {
    raw.clear();
    return CentralEvents(&raw)["print_held"] >= 1;
  }));
  for (const std::string& e : raw) {
    EXPECT_EQ(e.find("373964017574"), std::string::npos) << e;
    EXPECT_EQ(e.find("7574") != std::string::npos && e.find("3739 6401") != std::string::npos,
              false)
        << e;
  }
  // Nothing is left waiting in the guard's outbox.
  int pending = 0;
  for (const auto& f : fs::directory_iterator(dir_ / "guard" / "outbox"))
    pending += f.path().extension() == ".json";
  EXPECT_EQ(pending, 0);
  Shell("/usr/bin/cancel " + std::to_string(id));
}

TEST_F(CupsPrintGuardTest, InstallerGuardsAndUnguardsAQueueKeepingItsName) {
  const std::string tool = std::string(SENDGUARD_SOURCE_DIR) + "/installer/sendguard-print-guard";
  const std::string real = "ipp://127.0.0.1:" + std::to_string(printer_port_) + "/ipp/print";
  ASSERT_EQ(Shell("/usr/sbin/lpadmin -p office -E -m raw -v " + real).status, 0);
  auto device = [] { return Shell("LC_ALL=C /usr/bin/lpstat -v office").output; };

  const CommandRun guard = Shell(tool + " guard office");
  EXPECT_EQ(guard.status, 0) << guard.output;
  EXPECT_NE(device().find("device for office: sendguard:/" + real), std::string::npos) << device();
  // Idempotent: guarding twice does not wrap twice.
  EXPECT_EQ(Shell(tool + " guard office").status, 0);
  EXPECT_EQ(device().find("sendguard:/sendguard:/"), std::string::npos) << device();
  EXPECT_NE(Shell(tool + " status office").output.find("guarded"), std::string::npos);

  // The guarded queue prints a clean document.
  const std::string pdf = testing::MakePdf({"printed through the guarded office queue"});
  const CommandRun lp = Shell("/usr/bin/lp -d office '" + Doc("office.pdf", pdf).string() + "'");
  EXPECT_EQ(lp.status, 0) << lp.output;
  EXPECT_TRUE(Eventually([&] { return AtPrinter(pdf) == 1; }));

  const CommandRun unguard = Shell(tool + " unguard office");
  EXPECT_EQ(unguard.status, 0) << unguard.output;
  EXPECT_NE(device().find("device for office: " + real), std::string::npos) << device();
  EXPECT_EQ(Shell(tool + " unguard office").status, 0);
  EXPECT_NE(device().find("device for office: " + real), std::string::npos) << device();

  const CommandRun missing = Shell(tool + " guard no-such-queue");
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.output.find("ありません"), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("no such queue"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace print_guard
