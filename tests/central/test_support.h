// Helpers shared by the central tests: temporary directories, child processes, free
// ports, an HTTP client, and a private PostgreSQL cluster (tests/central/pg_server.sh)
// started on first use and stopped when the test binary exits.
#ifndef TESTS_CENTRAL_TEST_SUPPORT_H_
#define TESTS_CENTRAL_TEST_SUPPORT_H_

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace Poco::Data {
class Session;
}

namespace central_test {

namespace fs = std::filesystem;

// A fresh directory under /tmp, removed when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

int FreePort();
bool WaitForPort(int port, int timeout_ms = 10000);

struct CommandRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs argv (argv[0] a path) to completion, capturing stdout and stderr.
CommandRun RunCommand(const std::vector<std::string>& argv);

// A child process (stdout/stderr to files in log_dir); SIGTERM and wait when the object goes.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const fs::path& log_prefix);
  ~Process();
  // Sends a signal and waits; returns the exit code (128+signal when killed).
  int Stop(int signal_number);
  // Waits up to timeout_ms for the process to end by itself; its exit code, or -1 when it
  // is still running (then it is left running).
  int WaitFor(int timeout_ms);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

struct HttpReply {
  int status = 0;  // 0: no answer (connection refused, reset, timeout)
  std::string body;
  std::map<std::string, std::string> headers;
};
HttpReply Http(int port, const std::string& method, const std::string& path,
               const std::string& token, const std::string& body = "",
               const std::map<std::string, std::string>& headers = {});

// One row of a who-may-do-what table: `allowed` logins get `ok_status`, `hidden` logins
// get 404 (they may not even know it exists), every other login 403.
struct RoleRule {
  std::string method, path, body;
  std::set<std::string> allowed;
  int ok_status = 200;
  std::set<std::string> hidden = {};
  int Expected(const std::string& login) const {
    return allowed.count(login) ? ok_status : hidden.count(login) ? 404 : 403;
  }
};
// Sends every rule as every login (`send` logs in, fills placeholders and makes the
// request) and expects each rule's status for that login; a mismatch names login and rule.
void ExpectRoleMatrix(
    const std::vector<std::string>& logins, const std::vector<RoleRule>& rules,
    const std::function<HttpReply(const std::string& login, const RoleRule& rule)>& send);

// A URL (postgresql://...) for a new, empty database on the test cluster, which is
// started on first use. Fails the test (ADD_FAILURE + empty string) when PostgreSQL
// cannot be started.
std::string NewPostgresDatabase();

// Stops the test cluster (fast shutdown: open connections are cut), runs `while_down`, and
// starts it again on the same port with the same data: a database restart, as central
// sees it. Fails the test (ADD_FAILURE) when it cannot.
void RestartPostgres(const std::function<void()>& while_down = {});

// A --db value for a new database of the given backend ("sqlite" or "postgresql").
std::string NewDatabase(const std::string& backend, const fs::path& dir);

// A session of the test's own on a --db value (sqlite:PATH or postgresql://...), for what
// no API does (undoing a migration, counting rows of a derived table).
std::unique_ptr<Poco::Data::Session> RawSession(const std::string& db);

// The sendguard-central binary under test.
std::string CentralBinary();

}  // namespace central_test

#endif  // TESTS_CENTRAL_TEST_SUPPORT_H_
