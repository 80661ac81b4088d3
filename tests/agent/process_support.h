// What the agent's end-to-end tests share: free loopback ports, child processes (the
// agent, central, smtp-sink, aiosmtpd…) stopped when the test ends, shell commands with
// their output, whole files.
#ifndef TESTS_AGENT_PROCESS_SUPPORT_H_
#define TESTS_AGENT_PROCESS_SUPPORT_H_

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace agent::testing {

inline int FreePort() {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
  return s.address().port();
}

// True once something accepts connections on the port (at most about 20 s).
inline bool WaitForPort(int port) {
  for (int i = 0; i < 400; ++i) {
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

// A child process, stopped with SIGTERM (and waited for) when the object goes. Its
// stdout goes to /dev/null, or stdout and stderr are appended to `log` when given.
class Process {
 public:
  explicit Process(std::vector<std::string> argv, const std::string& log = "") {
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> args;
      for (std::string& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      if (log.empty()) {
        if (!freopen("/dev/null", "w", stdout)) _exit(126);
      } else if (!freopen(log.c_str(), "a", stdout) || !freopen(log.c_str(), "a", stderr)) {
        _exit(126);
      }
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Process() { Stop(SIGTERM); }
  Process(const Process&) = delete;
  pid_t pid() const { return pid_; }
  Process& operator=(const Process&) = delete;

  // Sends `sig` and waits for the exit; returns the wait status (-1 when already gone).
  int Stop(int sig) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
};

struct CommandRun {
  int status = -1;
  std::string output;  // stdout and stderr
};

inline CommandRun Shell(const std::string& command) {
  CommandRun r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  r.status = pclose(p);
  return r;
}

inline std::string Read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace agent::testing

#endif  // TESTS_AGENT_PROCESS_SUPPORT_H_
