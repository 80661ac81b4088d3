// sendguard-agent with the REAL sendguard-central on loopback: swaks as the mail client,
// smtp-sink as the mail server, the agent in between reporting to central and taking
// signed policies from it (docs/CENTRAL_API.md). Central is killed, restarted and started
// late; the agent is killed mid-delivery; every event must arrive exactly once.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
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
// Generous: the deadline only bounds a failing test; passing tests stop polling early.
constexpr auto kDeadline = std::chrono::seconds(90);

std::string CentralBinary() {
  if (const char* env = std::getenv("SENDGUARD_CENTRAL_BINARY")) return env;
#ifdef CENTRAL_BINARY
  return CENTRAL_BINARY;
#else
  return "";
#endif
}

// Polls `done` until it holds or kDeadline passes.
bool Eventually(const std::function<bool()>& done) {
  const auto end = std::chrono::steady_clock::now() + kDeadline;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

struct StoredEvent {
  std::string id;
  std::string kind;
  std::string json;
};

class CentralE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    central_ = CentralBinary();
    if (central_.empty() || !fs::exists(central_))
      GTEST_FAIL() << "sendguard-central not built (looked for '" << central_
                   << "'; build the sendguard-central target or set SENDGUARD_CENTRAL_BINARY)";
    ASSERT_TRUE(fs::exists("/usr/sbin/smtp-sink")) << "needs smtp-sink (apt-get install postfix)";
    ASSERT_TRUE(fs::exists("/usr/bin/swaks")) << "needs swaks (apt-get install swaks)";
    dir_ = fs::temp_directory_path() /
           ("sendguard_central_e2e_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sink");
    fs::create_directories(dir_ / "central");
    db_ = "sqlite:" + (dir_ / "central" / "central.db").string();
    // Enrol the agent and publish version 1 (this also makes the signing key).
    const CommandRun enroll = Shell(central_ + " agent enroll --db " + db_ + " --name pc-test");
    ASSERT_EQ(enroll.status, 0) << enroll.output;
    std::ofstream(dir_ / "agent.token") << Trim(enroll.output) << "\n";
    Push(kMail + "/policy.json");
    ASSERT_TRUE(fs::exists(dir_ / "central" / "policy.pub"));
    fs::copy_file(dir_ / "central" / "policy.pub", dir_ / "pinned.pub");
    central_port_ = FreePort();
    const int sink_port = FreePort();
    sink_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/smtp-sink", "-u", "root", "-d",
                                 (dir_ / "sink" / "%M.").string(),
                                 "127.0.0.1:" + std::to_string(sink_port), "20"},
        (dir_ / "sink.log").string());
    ASSERT_TRUE(WaitForPort(sink_port)) << "smtp-sink did not start";
    sink_port_ = sink_port;
  }
  void TearDown() override {
    agent_.reset();
    central_process_.reset();
    sink_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  int Push(const std::string& file) {
    const CommandRun r = Shell(central_ + " policy push --db " + db_ + " --state-dir " +
                               (dir_ / "central").string() + " " + file);
    EXPECT_EQ(r.status, 0) << r.output;
    return std::atoi(r.output.c_str());
  }

  // Central over HTTPS with a self-signed certificate for `name` (its subjectAltName
  // `alt_names`), written to `cert` (key beside it in dir_). Returns the certificate's path.
  std::string StartHttpsCentral(const std::string& name, const std::string& alt_names,
                                const fs::path& cert) {
    const std::string key = (dir_ / (name + ".key")).string();
    const CommandRun made = Shell(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=" + name +
        " -addext subjectAltName=" + alt_names + " -keyout " + key + " -out " + cert.string());
    EXPECT_EQ(made.status, 0) << made.output;
    StartCentral({"--tls-cert", cert.string(), "--tls-key", key});
    return cert.string();
  }

  void StartCentral(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {
        central_, "serve", "--listen",    "127.0.0.1:" + std::to_string(central_port_),
        "--db",   db_,     "--state-dir", (dir_ / "central").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    central_process_ = std::make_unique<Process>(argv, (dir_ / "central.log").string());
    ASSERT_TRUE(WaitForPort(central_port_))
        << "central did not start: " << Read(dir_ / "central.log");
  }

  void StartAgent(const std::string& central_url = "", const std::vector<std::string>& extra = {}) {
    agent_port_ = FreePort();
    control_port_ = FreePort();
    std::vector<std::string> argv{
        AGENT_BINARY,
        "--listen",
        "127.0.0.1:" + std::to_string(agent_port_),
        "--upstream",
        "127.0.0.1:" + std::to_string(sink_port_),
        "--policy",
        kMail + "/policy.json",
        "--state-dir",
        (dir_ / "state").string(),
        "--control-listen",
        "127.0.0.1:" + std::to_string(control_port_),
        "--prompt-timeout",
        "1",
        "--central",
        central_url.empty() ? "http://127.0.0.1:" + std::to_string(central_port_) : central_url,
        "--agent-token-file",
        (dir_ / "agent.token").string(),
        "--policy-key",
        (dir_ / "pinned.pub").string(),
        "--policy-poll",
        "1"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    agent_ = std::make_unique<Process>(argv, (dir_ / "agent.log").string());
    ASSERT_TRUE(WaitForPort(agent_port_))
        << "the agent did not start: " << Read(dir_ / "agent.log");
    ASSERT_TRUE(WaitForPort(control_port_));
    token_ = Trim(Read(dir_ / "state" / "control.token"));
  }

  // GET /v1/status as a parsed object (null when the agent does not answer).
  Poco::JSON::Object::Ptr Status() {
    try {
      Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(control_port_));
      Poco::Net::HTTPRequest req("GET", "/v1/status", Poco::Net::HTTPMessage::HTTP_1_1);
      req.setHost("127.0.0.1:" + std::to_string(control_port_));
      req.set("Authorization", "Bearer " + token_);
      session.sendRequest(req);
      Poco::Net::HTTPResponse res;
      std::istream& in = session.receiveResponse(res);
      std::stringstream ss;
      ss << in.rdbuf();
      return Poco::JSON::Parser().parse(ss.str()).extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
      return nullptr;
    }
  }
  int Pending() {
    const auto s = Status();
    return s ? s->getValue<int>("pending_events") : -1;
  }

  // Every event central stored (events list --json).
  std::vector<StoredEvent> Events() {
    const CommandRun r = Shell(central_ + " events list --db " + db_ + " --json 2>/dev/null");
    std::vector<StoredEvent> events;
    try {
      const auto list = Poco::JSON::Parser().parse(r.output).extract<Poco::JSON::Array::Ptr>();
      for (std::size_t i = 0; i < list->size(); ++i) {
        const auto e = list->getObject(static_cast<unsigned>(i));
        std::ostringstream json;
        e->stringify(json);
        events.push_back(
            {e->getValue<std::string>("id"), e->getValue<std::string>("kind"), json.str()});
      }
    } catch (...) {
    }
    return events;
  }
  std::vector<StoredEvent> EventsOf(const std::string& kind) {
    std::vector<StoredEvent> out;
    for (auto& e : Events())
      if (e.kind == kind) out.push_back(e);
    return out;
  }

  CommandRun Send(const std::string& eml, const std::string& to) {
    return Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                 " --from sender@city.honjo.lg.jp --to " + to + " --data " + kMail + "/" + eml);
  }
  CommandRun SendBlocked() {
    return Send("p11_mynumber_docx_external.eml", "t.kimura@pref.example.lg.jp");
  }

  // A blocked mail's event stays in the outbox: the agent says central is offline, and
  // central stores nothing (its certificate was not trusted).
  void ExpectABlockedMailWaitsForAnUntrustedCentral() {
    SendBlocked();
    EXPECT_TRUE(Eventually([&] {
      const auto s = Status();
      return s && s->getValue<std::string>("central") == "offline" && Pending() == 1;
    })) << Read(dir_ / "agent.log");
    EXPECT_TRUE(EventsOf("send_blocked").empty());
  }

  // All `n` events of `kind` stored, each id once, and the agent's outbox empty.
  void ExpectDeliveredExactlyOnce(const std::string& kind, std::size_t n) {
    EXPECT_TRUE(Eventually([&] { return Pending() == 0 && EventsOf(kind).size() >= n; }))
        << "pending " << Pending() << ", stored " << EventsOf(kind).size() << "\n"
        << Read(dir_ / "agent.log");
    const auto events = EventsOf(kind);
    EXPECT_EQ(events.size(), n);
    std::set<std::string> ids;
    for (const auto& e : events) ids.insert(e.id);
    EXPECT_EQ(ids.size(), events.size());
  }

  std::string central_;
  std::string db_;
  fs::path dir_;
  int central_port_ = 0;
  int sink_port_ = 0;
  int agent_port_ = 0;
  int control_port_ = 0;
  std::string token_;
  std::unique_ptr<Process> sink_;
  std::unique_ptr<Process> central_process_;
  std::unique_ptr<Process> agent_;
};

TEST_F(CentralE2eTest, BlockedAndConvertedMailsReachCentralExactlyOnce) {
  StartCentral();
  StartAgent();
  const CommandRun blocked = SendBlocked();
  EXPECT_NE(blocked.output.find("550"), std::string::npos) << blocked.output;
  const CommandRun converted =
      Send("p03_two_external_to.eml", "a.takahashi@example.co.jp,a.yamada@example.ne.jp");
  EXPECT_NE(converted.output.find("<-  250"), std::string::npos) << converted.output;
  Send("p01_internal_only_to.eml", "arai-a@city.honjo.lg.jp");  // plain allow: no event
  // A prompt nobody answers (--prompt-timeout 1): raised, then cancelled by the timeout.
  const CommandRun prompted = Send("p12_residents_xlsx_external.eml", "a.yamada@example.ne.jp");
  EXPECT_NE(prompted.output.find("550"), std::string::npos) << prompted.output;
  ExpectDeliveredExactlyOnce("send_blocked", 1);
  ExpectDeliveredExactlyOnce("bcc_converted", 1);
  ExpectDeliveredExactlyOnce("send_prompted", 1);
  ExpectDeliveredExactlyOnce("prompt_cancelled", 1);
  const auto cancelled = EventsOf("prompt_cancelled");
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_NE(cancelled[0].json.find("\"timed_out\":true"), std::string::npos) << cancelled[0].json;
  const auto all = Events();
  EXPECT_EQ(all.size(), 4u);
  for (const auto& e : all) {
    EXPECT_NE(e.json.find("\"agent\":\"pc-test\""), std::string::npos) << e.json;
    EXPECT_NE(e.json.find("\"policy_version\":1"), std::string::npos) << e.json;
    EXPECT_EQ(e.json.find("887041343316"), std::string::npos) << "unmasked My Number: " << e.json;
  }
  const auto b = EventsOf("send_blocked");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NE(b[0].json.find("my_number"), std::string::npos) << b[0].json;
  EXPECT_NE(b[0].json.find("t.kimura@pref.example.lg.jp"), std::string::npos) << b[0].json;
  const auto status = Status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->getValue<std::string>("central"), "ok");
}

TEST_F(CentralE2eTest, CentralKilledAndRestartedWhileSendingLosesNothing) {
  StartCentral();
  StartAgent();
  constexpr int kMails = 12;
  for (int i = 0; i < kMails; ++i) {
    if (i == 4) central_process_->Stop(SIGKILL);
    if (i == 8) StartCentral();
    const CommandRun r = SendBlocked();
    EXPECT_NE(r.output.find("550"), std::string::npos) << r.output;
  }
  ExpectDeliveredExactlyOnce("send_blocked", kMails);
}

TEST_F(CentralE2eTest, AgentKilledMidDeliveryAndRestartedLosesAndDuplicatesNothing) {
  StartAgent();  // central down: the events queue
  constexpr int kMails = 15;
  for (int i = 0; i < kMails; ++i) SendBlocked();
  ASSERT_TRUE(Eventually([&] { return Pending() == kMails; })) << Pending();
  StartCentral();
  // Kill the agent as soon as central has seen part of the work, before or after the
  // reply reached the agent: either way the restart must not lose or duplicate events.
  Eventually([&] { return !EventsOf("send_blocked").empty() || Pending() < kMails; });
  agent_->Stop(SIGKILL);
  StartAgent();
  ExpectDeliveredExactlyOnce("send_blocked", kMails);
}

TEST_F(CentralE2eTest, EventsQueueWhileCentralIsDownAndAreDeliveredWhenItStarts) {
  StartAgent();
  SendBlocked();
  SendBlocked();
  const auto status = Status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->getValue<int>("pending_events"), 2);
  EXPECT_TRUE(Eventually([&] {
    const auto s = Status();
    return s && s->getValue<std::string>("central") == "offline";
  }));
  EXPECT_TRUE(fs::exists(dir_ / "state" / "outbox"));
  StartCentral();
  ExpectDeliveredExactlyOnce("send_blocked", 2);
  EXPECT_TRUE(Eventually([&] {
    const auto s = Status();
    return s && s->getValue<std::string>("central") == "ok";
  }));
}

TEST_F(CentralE2eTest, PushedPolicyIsEnforcedAndAWronglySignedOneIsRefused) {
  StartCentral();
  StartAgent();
  // Version 1 lets a resident list go to internal recipients.
  const std::string to = "arai-a@city.honjo.lg.jp,kimura-t@city.honjo.lg.jp";
  CommandRun r = Send("p13_residents_xlsx_internal.eml", to);
  EXPECT_NE(r.output.find("<-  250"), std::string::npos) << r.output;
  // Version 2 blocks it.
  std::string v2 = Read(kMail + "/policy.json");
  v2.replace(v2.find("\"version\": 1"), 12, "\"version\": 2");
  const std::size_t internal = v2.find("\"internal\"");
  ASSERT_NE(internal, std::string::npos);
  v2.replace(v2.find("\"class1\": \"allow\"", internal), 17, "\"class1\": \"block\"");
  std::ofstream(dir_ / "v2.json") << v2;
  EXPECT_EQ(Push((dir_ / "v2.json").string()), 2);
  EXPECT_TRUE(Eventually([&] {
    const auto s = Status();
    return s && s->getValue<int>("policy_version") == 2;
  })) << Read(dir_ / "agent.log");
  r = Send("p13_residents_xlsx_internal.eml", to);
  EXPECT_NE(r.output.find("<** 550"), std::string::npos) << r.output;
  EXPECT_TRUE(Eventually([&] { return EventsOf("policy_updated").size() == 1; }));
  EXPECT_TRUE(Eventually([&] { return EventsOf("send_blocked").size() == 1; }));
  EXPECT_TRUE(fs::exists(dir_ / "state" / "policy.json.sig"));

  // Central's signing key replaced: version 3 is signed with a key the agent does not pin.
  fs::remove(dir_ / "central" / "policy.key");
  fs::remove(dir_ / "central" / "policy.pub");
  std::string v3 = Read(dir_ / "v2.json");
  v3.replace(v3.find("\"version\": 2"), 12, "\"version\": 3");
  v3.replace(v3.find("\"class1\": \"block\""), 17, "\"class1\": \"allow\"");
  std::ofstream(dir_ / "v3.json") << v3;
  EXPECT_EQ(Push((dir_ / "v3.json").string()), 3);
  EXPECT_TRUE(Eventually([&] { return EventsOf("policy_rejected").size() == 1; }))
      << Read(dir_ / "agent.log");
  const auto status = Status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->getValue<int>("policy_version"), 2);
  r = Send("p13_residents_xlsx_internal.eml", to);
  EXPECT_NE(r.output.find("<** 550"), std::string::npos) << "version 2 stays in force";

  // A restart keeps the saved, verified version 2 over the --policy file's version 1.
  agent_.reset();
  StartAgent();
  const auto after = Status();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->getValue<int>("policy_version"), 2);
}

// Someone who can write central's database but does not hold the signing key publishes a
// "version 2" that allows everything, re-using version 1's signature: the agent refuses
// it, keeps version 1 and reports the refusal.
TEST_F(CentralE2eTest, PolicyTamperedInCentralsDatabaseIsRefused) {
  StartCentral();
  StartAgent();
  const std::string db_file = (dir_ / "central" / "central.db").string();
  const std::string tamper =
      "import sqlite3, sys\n"
      "db = sqlite3.connect(sys.argv[1])\n"
      "text, sig, at = db.execute('SELECT policy, signature, published_at FROM policies "
      "WHERE version = 1').fetchone()\n"
      "forged = text.replace('\"version\": 1', '\"version\": 2').replace('\"block\"', "
      "'\"allow\"').replace('\"prompt\"', '\"allow\"')\n"
      "assert forged != text\n"
      "db.execute('INSERT INTO policies VALUES (2, ?, ?, ?)', (forged, sig, at + 1))\n"
      "db.commit()\n";
  std::ofstream(dir_ / "tamper.py") << tamper;
  const CommandRun t = Shell("/usr/bin/python3 " + (dir_ / "tamper.py").string() + " " + db_file);
  ASSERT_EQ(t.status, 0) << t.output;
  EXPECT_TRUE(Eventually([&] { return EventsOf("policy_rejected").size() == 1; }))
      << Read(dir_ / "agent.log");
  EXPECT_NE(Read(dir_ / "agent.log").find("signature does not verify"), std::string::npos)
      << Read(dir_ / "agent.log");
  const auto status = Status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->getValue<int>("policy_version"), 1);
  const CommandRun r = Send("p11_mynumber_docx_external.eml", "t.kimura@pref.example.lg.jp");
  EXPECT_NE(r.output.find("<** 550"), std::string::npos) << "version 1 still blocks";
}

// Central over HTTPS with a certificate from the organisation's own CA: the agent trusts
// it through --central-ca, and without that CA it refuses the connection (events wait).
TEST_F(CentralE2eTest, HttpsCentralIsVerifiedWithTheConfiguredCa) {
  const std::string cert =
      StartHttpsCentral("localhost", "DNS:localhost,IP:127.0.0.1", dir_ / "central.crt");
  const std::string url = "https://localhost:" + std::to_string(central_port_);
  // Without the CA: nothing reaches central, the event waits in the outbox.
  StartAgent(url);
  ExpectABlockedMailWaitsForAnUntrustedCentral();
  // With it: the waiting event and a new one are delivered, once each.
  agent_.reset();
  StartAgent(url, {"--central-ca", cert});
  SendBlocked();
  ExpectDeliveredExactlyOnce("send_blocked", 2);
  const auto s = Status();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->getValue<std::string>("central"), "ok");
}

// Without --central-ca, central's certificate is checked against the system's CA store,
// read as a directory of hashed names ($SSL_CERT_DIR here, /etc/ssl/certs by default):
// a certificate from a CA there is trusted.
TEST_F(CentralE2eTest, HttpsCentralIsVerifiedWithTheSystemStore) {
  const fs::path store = dir_ / "system-ca";
  fs::create_directories(store);
  StartHttpsCentral("localhost", "DNS:localhost", store / "central.pem");
  const CommandRun hashed = Shell("openssl rehash " + store.string());
  ASSERT_EQ(hashed.status, 0) << hashed.output;
  setenv("SSL_CERT_DIR", store.c_str(), 1);
  StartAgent("https://localhost:" + std::to_string(central_port_));
  unsetenv("SSL_CERT_DIR");
  SendBlocked();
  ExpectDeliveredExactlyOnce("send_blocked", 1);
}

// A certificate from a trusted CA but for another host name is refused: the chain alone
// is not enough (events wait).
TEST_F(CentralE2eTest, HttpsCentralWithAnotherHostsCertificateIsRefused) {
  const std::string cert =
      StartHttpsCentral("other.example", "DNS:other.example", dir_ / "other.crt");
  StartAgent("https://localhost:" + std::to_string(central_port_), {"--central-ca", cert});
  ExpectABlockedMailWaitsForAnUntrustedCentral();
}

// An office that reaches central only through its HTTP proxy: https_proxy in the agent's
// environment is used (a CONNECT tunnel, the certificate still checked against central's
// name). The name central.test resolves nowhere: without the proxy nothing would arrive.
TEST_F(CentralE2eTest, HttpsCentralIsReachedThroughTheProxyInTheEnvironment) {
  const std::string cert =
      StartHttpsCentral("central.test", "DNS:central.test", dir_ / "central.crt");
  // A CONNECT proxy that logs each request line and tunnels every one to central.
  const fs::path proxy_py = dir_ / "proxy.py", proxy_log = dir_ / "proxy.log";
  std::ofstream(proxy_py) << R"(import socket, sys, threading
port, target, log = int(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3], "a")
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen(16)
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
    except OSError: pass
    try: b.shutdown(socket.SHUT_WR)
    except OSError: pass
def handle(c):
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = c.recv(4096)
        if not d: return c.close()
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    line = head.split(b"\r\n")[0].decode()
    log.write(line + "\n"); log.flush()
    if not line.startswith("CONNECT central.test:"):
        c.sendall(b"HTTP/1.1 403 Forbidden\r\n\r\n"); return c.close()
    u = socket.create_connection(("127.0.0.1", target))
    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    if rest: u.sendall(rest)
    threading.Thread(target=pipe, args=(u, c), daemon=True).start()
    pipe(c, u)
while True:
    c, _ = srv.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
)";
  const int proxy_port = FreePort();
  Process proxy({"/usr/bin/python3", proxy_py.string(), std::to_string(proxy_port),
                 std::to_string(central_port_), proxy_log.string()},
                (dir_ / "proxy.out").string());
  ASSERT_TRUE(WaitForPort(proxy_port));
  setenv("https_proxy", ("http://127.0.0.1:" + std::to_string(proxy_port)).c_str(), 1);
  StartAgent("https://central.test:" + std::to_string(central_port_), {"--central-ca", cert});
  unsetenv("https_proxy");
  SendBlocked();
  ExpectDeliveredExactlyOnce("send_blocked", 1);
  EXPECT_NE(Read(proxy_log).find("CONNECT central.test:" + std::to_string(central_port_)),
            std::string::npos)
      << Read(proxy_log);
}

// The disk under the outbox fills up: the event is kept in memory (and counted as
// pending), written as soon as space is back, and reaches central once.
TEST_F(CentralE2eTest, EventsOutliveAFullDisk) {
  const fs::path outbox = dir_ / "state" / "outbox";
  fs::create_directories(outbox);
  if (Shell("mount -t tmpfs -o size=64k sendguard-test " + outbox.string()).status != 0) {
    GTEST_SKIP() << "cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN)";
  }
  struct Unmount {
    fs::path at;
    ~Unmount() { Shell("umount -l " + at.string()); }
  } unmount{outbox};
  StartCentral();
  StartAgent();
  // Fill the file system.
  Shell("dd if=/dev/zero of=" + (outbox / "zz-filler").string() + " bs=4k count=100");
  const CommandRun r = SendBlocked();
  EXPECT_NE(r.output.find("<** 550"), std::string::npos) << r.output;
  EXPECT_TRUE(Eventually([&] { return Pending() == 1; })) << Read(dir_ / "agent.log");
  EXPECT_TRUE(EventsOf("send_blocked").empty());
  EXPECT_NE(Read(dir_ / "agent.log").find("cannot be written"), std::string::npos);
  // Space again: written, delivered, once.
  fs::remove(outbox / "zz-filler");
  ExpectDeliveredExactlyOnce("send_blocked", 1);
  EXPECT_NE(Read(dir_ / "agent.log").find("events are written again"), std::string::npos);
}

// A revoked agent says so in /v1/status (not "offline"), keeps its events, and a new token
// written over the token file is used without a restart: the events then arrive.
TEST_F(CentralE2eTest, RevokedAgentSaysSoAndAReplacedTokenFileIsPickedUp) {
  StartCentral();
  StartAgent();
  ASSERT_TRUE(Eventually([&] {
    const auto s = Status();
    return s && s->getValue<std::string>("central") == "ok";
  })) << Read(dir_ / "agent.log");
  const CommandRun revoke = Shell(central_ + " agent revoke --db " + db_ + " --name pc-test");
  ASSERT_EQ(revoke.status, 0) << revoke.output;
  EXPECT_TRUE(Eventually([&] {
    const auto s = Status();
    return s && s->getValue<std::string>("central") == "revoked";
  })) << Read(dir_ / "agent.log");
  SendBlocked();
  EXPECT_TRUE(Eventually([&] { return Pending() == 1; }));
  EXPECT_TRUE(EventsOf("send_blocked").empty());
  // The administrator enrols the desktop again and replaces the token file.
  const CommandRun enroll =
      Shell(central_ + " agent enroll --db " + db_ + " --name pc-test --replace");
  ASSERT_EQ(enroll.status, 0) << enroll.output;
  std::ofstream(dir_ / "agent.token.new") << Trim(enroll.output) << "\n";
  fs::rename(dir_ / "agent.token.new", dir_ / "agent.token");
  ExpectDeliveredExactlyOnce("send_blocked", 1);
  EXPECT_EQ(Status()->getValue<std::string>("central"), "ok");
  EXPECT_NE(Read(dir_ / "agent.log").find("agent token file changed"), std::string::npos);
}

TEST(AgentCentralConfigTest, PlainHttpToANonLoopbackCentralIsRefused) {
  const CommandRun r =
      Shell(std::string(AGENT_BINARY) +
            " --listen 127.0.0.1:2587 --upstream 127.0.0.1:25 --policy " + kMail +
            "/policy.json --state-dir /tmp/sg_cc --central http://central.example.lg.jp:8740"
            " --agent-token-file /dev/null --policy-key /dev/null --check-config");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("plain http:// only to a loopback address"), std::string::npos)
      << r.output;
}

// Issue 10, item 2: a My Number written with spaces in the subject and a phone number
// with hyphens in an attachment's name leave the desktop masked — not in central's
// database, not in its log, not in the agent's outbox or audit log.
TEST_F(CentralE2eTest, SeparatedIdentifiersInSubjectAndFileNamesNeverLeaveUnmasked) {
  const std::vector<std::string> raw = {
      "373964017574",  "3739 6401 7574", "3739-6401-7574", "6401 7574", "6401",     "09012345678",
      "090-1234-5678", "090 1234 5678",  "1234-5678",      "1234 5678", "12345678", "090-1234",
  };
  std::set<std::string> looked;
  auto expect_no_raw_value_under = [&](const std::vector<fs::path>& roots) {
    for (const fs::path& root : roots) {
      std::vector<fs::path> files;
      if (fs::is_directory(root)) {
        for (const auto& e : fs::recursive_directory_iterator(root))
          if (e.is_regular_file()) files.push_back(e.path());
      } else {
        files.push_back(root);
      }
      for (const fs::path& f : files) {
        looked.insert(f.filename().string());
        const std::string bytes = Read(f);
        for (const std::string& value : raw)
          EXPECT_EQ(bytes.find(value), std::string::npos) << value << " found in " << f;
      }
    }
  };
  // Central is not there yet: the events wait in the agent's outbox.
  StartAgent();
  const CommandRun r = Shell("swaks --server 127.0.0.1:" + std::to_string(agent_port_) +
                             " --from sender@city.honjo.lg.jp --to a.yamada@example.ne.jp"
                             " --data " AGENT_TEST_DATA "/mask_separated_ids.eml");
  EXPECT_NE(r.output.find("550"), std::string::npos) << r.output;  // prompted, timed out
  ASSERT_TRUE(Eventually([&] { return Pending() >= 2; })) << Read(dir_ / "agent.log");
  expect_no_raw_value_under({dir_ / "state"});
  StartCentral();
  ExpectDeliveredExactlyOnce("send_prompted", 1);
  ExpectDeliveredExactlyOnce("prompt_cancelled", 1);
  const auto events = EventsOf("send_prompted");
  ASSERT_EQ(events.size(), 1u);
  // What is left is recognisable but not usable.
  EXPECT_NE(events[0].json.find("3739 **** ***4"), std::string::npos) << events[0].json;
  EXPECT_NE(events[0].json.find("5678_"), std::string::npos) << events[0].json;
  const CommandRun listed = Shell(central_ + " events list --db " + db_ + " --json");
  for (const std::string& value : raw)
    EXPECT_EQ(listed.output.find(value), std::string::npos) << value << " in events list";
  central_process_.reset();  // flushes its database and log
  agent_.reset();
  expect_no_raw_value_under(
      {dir_ / "central", dir_ / "state", dir_ / "central.log", dir_ / "agent.log"});
  for (const char* name : {"central.db", "audit.jsonl", "central.log", "agent.log"})
    EXPECT_EQ(looked.count(name), 1u) << name;
  EXPECT_GT(looked.size(), 8u) << "the outbox's event files were looked at too";
}

}  // namespace
}  // namespace agent
