// An SMTP sender for whole-process benchmarks of sendguard-agent (bench/run_relay_bench.sh):
// S senders (threads) together send N messages of L bytes, K per connection, the way a mail
// client does — connect, EHLO, then for each message MAIL, RCPT, DATA, the message, each
// waiting for its reply (no pipelining), QUIT after the K-th. Prints the wall time of the
// whole run and the per-message latency percentiles. A message's latency runs from its
// MAIL (from the connect, for the first message of a connection: what a client that opens a
// connection per send waits) to the reply after its final dot. Plain POSIX sockets: the
// client itself adds as little as possible to what is measured.
//
//   smtp_load --port PORT [--messages 500] [--per-connection 10] [--senders 1]
//             [--size 10240] [--from a@city.honjo.lg.jp] [--to b@city.honjo.lg.jp]
//             [--data FILE]
//
// --data sends FILE (a whole message, CRLF or LF lines) instead of a made-up text message.
// Output, one line: "seconds=0.123 messages=500 refused=0 failed=0 p50_ms=0.210 p99_ms=0.480":
// refused messages got a 4xx/5xx after their data (a guard's refusal: still timed), failed
// ones never got that far. Exit status 1 when any failed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  int messages = 500;
  int per_connection = 10;
  int senders = 1;
  int size = 10240;
  std::string from = "a@city.honjo.lg.jp";
  std::string to = "b@city.honjo.lg.jp";
  std::string data_file;
};

// FILE's message with CRLF line ends, dot-stuffed, ending in the final dot.
std::string MessageFromFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return "";
  std::string raw;
  char chunk[65536];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;) raw.append(chunk, n);
  std::fclose(f);
  std::string m;
  m.reserve(raw.size() + raw.size() / 50 + 8);
  for (std::size_t pos = 0; pos < raw.size();) {
    std::size_t nl = raw.find('\n', pos);
    if (nl == std::string::npos) nl = raw.size();
    std::size_t end = nl;
    if (end > pos && raw[end - 1] == '\r') --end;
    if (raw[pos] == '.') m.push_back('.');
    m.append(raw, pos, end - pos);
    m.append("\r\n");
    pos = nl + 1;
  }
  return m + ".\r\n";
}

// A plain 10 KB-ish internal message: headers and lines of ASCII text.
std::string Message(const Options& o) {
  if (!o.data_file.empty()) return MessageFromFile(o.data_file);
  std::string m = "From: <" + o.from + ">\r\nTo: <" + o.to +
                  ">\r\nSubject: bench\r\nMessage-ID: <bench@city.honjo.lg.jp>\r\n"
                  "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
  const std::string line = "The quick brown fox jumps over the lazy dog, again and again.\r\n";
  while (m.size() + line.size() < static_cast<std::size_t>(o.size)) m += line;
  return m + ".\r\n";
}

class Connection {
 public:
  explicit Connection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  bool Send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // The reply's code (its last line), or 0 when the connection failed.
  int Reply() {
    while (true) {
      std::size_t start = 0;
      while (true) {
        const std::size_t nl = buffer_.find('\n', start);
        if (nl == std::string::npos) break;
        const std::string line = buffer_.substr(start, nl - start);
        start = nl + 1;
        if (line.size() >= 4 && line[3] == '-') continue;
        buffer_.erase(0, start);
        return line.size() >= 3 ? std::atoi(line.substr(0, 3).c_str()) : 0;
      }
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return 0;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  bool Command(const std::string& line, int expected) { return Send(line) && Reply() == expected; }

 private:
  int fd_ = -1;
  std::string buffer_;
};

struct SenderResult {
  std::vector<double> latencies_ms;
  int refused = 0;
  int failed = 0;
};

void RunSender(const Options& o, const std::string& message, std::atomic<int>* next,
               SenderResult* result) {
  while (true) {
    const int first = next->fetch_add(o.per_connection);
    if (first >= o.messages) return;
    const int count = std::min(o.per_connection, o.messages - first);
    Clock::time_point start = Clock::now();
    Connection c(o.port);
    if (!c.ok() || c.Reply() != 220 || !c.Command("EHLO bench.city.honjo.lg.jp\r\n", 250)) {
      result->failed += count;
      continue;
    }
    for (int i = 0; i < count; ++i) {
      if (i > 0) start = Clock::now();
      const bool ok = c.Command("MAIL FROM:<" + o.from + ">\r\n", 250) &&
                      c.Command("RCPT TO:<" + o.to + ">\r\n", 250) && c.Command("DATA\r\n", 354) &&
                      c.Send(message);
      const int code = ok ? c.Reply() : 0;
      if (code == 0) {
        result->failed += count - i;
        break;
      }
      if (code != 250) ++result->refused;
      result->latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    c.Command("QUIT\r\n", 221);
  }
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--port")
      o.port = std::atoi(value);
    else if (flag == "--messages")
      o.messages = std::atoi(value);
    else if (flag == "--per-connection")
      o.per_connection = std::max(1, std::atoi(value));
    else if (flag == "--senders")
      o.senders = std::max(1, std::atoi(value));
    else if (flag == "--size")
      o.size = std::atoi(value);
    else if (flag == "--from")
      o.from = value;
    else if (flag == "--to")
      o.to = value;
    else if (flag == "--data")
      o.data_file = value;
    else {
      std::fprintf(stderr, "smtp_load: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (o.port <= 0) {
    std::fprintf(stderr,
                 "usage: smtp_load --port PORT [--messages N] [--per-connection K] "
                 "[--senders S] [--size BYTES]\n");
    return 2;
  }
  const std::string message = Message(o);
  if (message.size() <= 3) {
    std::fprintf(stderr, "smtp_load: cannot read %s\n", o.data_file.c_str());
    return 2;
  }
  std::atomic<int> next{0};
  std::vector<SenderResult> results(static_cast<std::size_t>(o.senders));
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  for (int s = 0; s < o.senders; ++s)
    threads.emplace_back(RunSender, std::cref(o), std::cref(message), &next, &results[s]);
  for (std::thread& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  int failed = 0, refused = 0;
  for (const SenderResult& r : results) {
    all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    failed += r.failed;
    refused += r.refused;
  }
  const double p50 = Percentile(all, 0.50), p99 = Percentile(all, 0.99);
  std::printf("seconds=%.4f messages=%zu refused=%d failed=%d p50_ms=%.3f p99_ms=%.3f\n", seconds,
              all.size(), refused, failed, p50, p99);
  return failed == 0 ? 0 : 1;
}
