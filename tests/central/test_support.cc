#include "test_support.h"

#include <Poco/Data/Session.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "central/store.h"

namespace central_test {
namespace {

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

pid_t Spawn(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// The private cluster: one per test binary, started on first use.
class PostgresCluster : public ::testing::Environment {
 public:
  static PostgresCluster* instance;

  // "" and a message when it cannot be started.
  std::string BaseUrl(std::string* why) {
    if (!started_) {
      started_ = true;
      dir_ = fs::temp_directory_path() / ("sendguard_central_pg_" + std::to_string(getpid()));
      fs::remove_all(dir_);
      port_ = FreePort();
      CommandRun r =
          RunCommand({"/bin/sh", CENTRAL_PG_SCRIPT, "start", dir_.string(), std::to_string(port_)});
      if (r.exit_code != 0) {
        error_ = "could not start PostgreSQL with tests/central/pg_server.sh (exit " +
                 std::to_string(r.exit_code) + "): " + r.err + r.out;
      } else {
        running_ = true;
      }
    }
    if (!running_) {
      *why = error_;
      return "";
    }
    return "postgresql://sendguard@127.0.0.1:" + std::to_string(port_);
  }

  void Restart(const std::function<void()>& while_down) {
    if (!running_) {
      ADD_FAILURE() << "RestartPostgres: the test cluster is not running";
      return;
    }
    for (const char* step : {"stop", "start"}) {
      CommandRun r =
          RunCommand({"/bin/sh", CENTRAL_PG_SCRIPT, step, dir_.string(), std::to_string(port_)});
      if (r.exit_code != 0) {
        running_ = std::string(step) == "stop";
        ADD_FAILURE() << "pg_server.sh " << step << " failed: " << r.err << r.out;
        return;
      }
      if (std::string(step) == "stop" && while_down) while_down();
    }
  }

  void TearDown() override {
    if (running_) {
      RunCommand({"/bin/sh", CENTRAL_PG_SCRIPT, "stop", dir_.string(), std::to_string(port_)});
      running_ = false;
    }
    if (started_) fs::remove_all(dir_);
  }

 private:
  bool started_ = false, running_ = false;
  fs::path dir_;
  int port_ = 0;
  std::string error_;
};

PostgresCluster* PostgresCluster::instance =
    static_cast<PostgresCluster*>(::testing::AddGlobalTestEnvironment(new PostgresCluster));

std::atomic<int> counter{0};

}  // namespace

TempDir::TempDir() {
  path_ = fs::temp_directory_path() /
          ("sendguard_central_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

int FreePort() {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
  return s.address().port();
}

bool WaitForPort(int port, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 25) {
    try {
      Poco::Net::StreamSocket s(
          Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
      return true;
    } catch (...) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  return false;
}

CommandRun RunCommand(const std::vector<std::string>& argv) {
  TempDir dir;
  CommandRun r;
  const pid_t pid = Spawn(argv, dir.path() / "out", dir.path() / "err");
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = ExitCode(status);
  r.out = ReadAll(dir.path() / "out");
  r.err = ReadAll(dir.path() / "err");
  return r;
}

Process::Process(const std::vector<std::string>& argv, const fs::path& log_prefix) {
  pid_ = Spawn(argv, log_prefix.string() + ".out", log_prefix.string() + ".err");
}

Process::~Process() {
  if (pid_ > 0) Stop(SIGTERM);
}

int Process::Stop(int signal_number) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal_number);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return ExitCode(status);
}

int Process::WaitFor(int timeout_ms) {
  if (pid_ <= 0) return -1;
  for (int waited = 0;; waited += 20) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return ExitCode(status);
    }
    if (waited >= timeout_ms) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

HttpReply Http(int port, const std::string& method, const std::string& path,
               const std::string& token, const std::string& body,
               const std::map<std::string, std::string>& headers) {
  HttpReply reply;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (method == "POST") {
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    reply.status = res.getStatus();
    for (const auto& [k, v] : res) reply.headers[k] = v;
    std::ostringstream out;
    Poco::StreamCopier::copyStream(in, out);
    reply.body = out.str();
  } catch (const std::exception&) {
    reply.status = 0;
  }
  return reply;
}

std::string NewPostgresDatabase() {
  std::string why;
  const std::string base = PostgresCluster::instance->BaseUrl(&why);
  if (base.empty()) {
    ADD_FAILURE() << why;
    return "";
  }
  const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  const std::string port = base.substr(base.rfind(':') + 1);
  std::string createdb;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql")) {
    if (fs::exists(entry.path() / "bin/createdb"))
      createdb = (entry.path() / "bin/createdb").string();
  }
  CommandRun r = RunCommand({createdb, "-h", "127.0.0.1", "-p", port, "-U", "sendguard", name});
  if (r.exit_code != 0) {
    ADD_FAILURE() << "createdb " << name << " failed: " << r.err;
    return "";
  }
  return base + "/" + name;
}

void RestartPostgres(const std::function<void()>& while_down) {
  PostgresCluster::instance->Restart(while_down);
}

std::string NewDatabase(const std::string& backend, const fs::path& dir) {
  if (backend == "postgresql") return NewPostgresDatabase();
  return "sqlite:" + (dir / "central.db").string();
}

std::unique_ptr<Poco::Data::Session> RawSession(const std::string& db) {
  if (db.rfind("sqlite:", 0) == 0)
    return std::make_unique<Poco::Data::Session>("sqlite", db.substr(7));
  return std::make_unique<Poco::Data::Session>("postgresql",
                                               central::PostgresConnectionString(db).value());
}

std::string CentralBinary() { return CENTRAL_BINARY; }

void ExpectRoleMatrix(
    const std::vector<std::string>& logins, const std::vector<RoleRule>& rules,
    const std::function<HttpReply(const std::string& login, const RoleRule& rule)>& send) {
  for (const std::string& login : logins) {
    for (const RoleRule& rule : rules) {
      const HttpReply r = send(login, rule);
      EXPECT_EQ(r.status, rule.Expected(login))
          << login << " " << rule.method << " " << rule.path << "\n"
          << r.body.substr(0, 300);
    }
  }
}

}  // namespace central_test
