// The SMTP listener: plain POSIX sockets, one thread per connection being served.
#include "agent/smtp_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace agent {
namespace {

// True while the client has neither closed nor reset the connection; does not block.
// Bytes it pipelined that are still unread do not mean it has gone, but the end of its
// stream does, even behind unread bytes (swaks sends QUIT when it gives up, then
// closes): an SMTP client that can no longer send cannot finish the session, and one
// that only half-closed still reads the reply it gets instead.
bool ClientConnected(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  const int ready = ::poll(&p, 1, 0);
  if (ready < 0) return errno == EINTR;
  if (ready == 0) return true;  // nothing to read: still there, waiting for its reply
  if (p.revents & (POLLERR | POLLHUP | POLLNVAL | POLLRDHUP)) return false;
  char c;
  const ssize_t n = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return true;    // pipelined input
  if (n == 0) return false;  // end of stream: the client closed
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

// Writes all of `data`; false when the client is gone (or stopped reading for the
// idle timeout).
bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void SetTimeout(int fd, int option, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv);
}

}  // namespace

SmtpServer::SmtpServer(ServerConfig config, Relay& relay)
    : config_(std::move(config)), relay_(relay) {}

SmtpServer::~SmtpServer() { Stop(); }

void SmtpServer::Start() {
  const std::string where = config_.host + ":" + std::to_string(config_.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int resolved =
      ::getaddrinfo(config_.host.c_str(), std::to_string(config_.port).c_str(), &hints, &found);
  if (resolved != 0 || !found) {
    throw std::runtime_error("cannot listen for mail clients on " + where + ": " +
                             ::gai_strerror(resolved));
  }
  const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int failed = fd < 0 ? errno : 0;
  if (!failed) {
    // SO_REUSEADDR (a restart need not wait for TIME_WAIT) but not SO_REUSEPORT: with it a
    // second agent on the same port would start without an error and silently take half
    // the connections.
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // Accepted connections inherit it: replies are whole, Nagle must not hold one back.
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // accept() gives up after this long, so that surplus idle workers can retire.
    SetTimeout(fd, SO_RCVTIMEO, config_.idle_worker_seconds);
    if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, 64) != 0) failed = errno;
  }
  ::freeaddrinfo(found);
  if (failed) {
    if (fd >= 0) ::close(fd);
    if (failed == EADDRINUSE) {
      throw std::runtime_error("cannot listen for mail clients on " + where +
                               ": the port is already in use (another sendguard-agent?)");
    }
    throw std::runtime_error("cannot listen for mail clients on " + where + ": " +
                             std::strerror(failed));
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6&>(bound).sin6_port
                                            : reinterpret_cast<const sockaddr_in&>(bound).sin_port);
  listen_fd_ = fd;
  std::lock_guard<std::mutex> lock(mutex_);
  StartWorkerLocked();
}

void SmtpServer::StartWorkerLocked() {
  ++workers_;
  ++accepting_;
  std::thread([this] { Work(); }).detach();
}

void SmtpServer::Work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    const int error = errno;
    lock.lock();
    --accepting_;
    if (fd < 0) {
      if (stopping_) break;
      // Idle for idle_worker_seconds: retire unless this is the last worker waiting.
      if ((error == EAGAIN || error == EWOULDBLOCK) && accepting_ > 0) break;
      if (error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM) {
        lock.unlock();  // out of descriptors: let sessions end before trying again
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        lock.lock();
      }
      ++accepting_;
      continue;
    }
    if (stopping_) {
      ::close(fd);
      break;
    }
    ++sessions_;
    clients_.insert(fd);
    // Someone must be waiting for the next client while this one is served.
    if (accepting_ == 0 && sessions_ < config_.max_connections) StartWorkerLocked();
    lock.unlock();
    Serve(fd);
    lock.lock();
    clients_.erase(fd);
    ::close(fd);  // under the lock: Stop() never shuts down a reused descriptor
    --sessions_;
    if (stopping_) break;
    // At the limit nobody was accepting: this worker takes the next waiting client.
    ++accepting_;
  }
  --workers_;
  changed_.notify_all();
}

void SmtpServer::Serve(int fd) {
  SmtpSession session(
      config_.limits, config_.hostname,
      [this, fd](const SmtpEnvelope& e, std::string&& m) {
        return relay_.Handle(e, std::move(m), [fd] { return ClientConnected(fd); });
      },
      [this](const std::string& user, const std::string& password) {
        return relay_.Authenticate(user, password);
      });
  SetTimeout(fd, SO_RCVTIMEO, config_.idle_timeout_seconds);
  SetTimeout(fd, SO_SNDTIMEO, config_.idle_timeout_seconds);
  if (!SendAll(fd, session.Greeting())) return;
  std::string buffer;
  char chunk[16384];
  while (!session.closed()) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      SendAll(fd, MultiLineReply(421, "4.4.2",
                                 {"一定時間操作がなかったため、接続を閉じます。",
                                  "Idle for too long; closing the connection."}));
      return;
    }
    if (n <= 0) return;  // the client went away (closed or reset)
    buffer.append(chunk, static_cast<std::size_t>(n));
    std::size_t start = 0;
    std::string out;
    while (!session.closed()) {
      const std::size_t nl = buffer.find('\n', start);
      if (nl == std::string::npos) break;
      out += session.OnLine(std::string_view(buffer).substr(start, nl - start));
      start = nl + 1;
    }
    buffer.erase(0, start);
    if (!session.closed() && buffer.size() > session.max_line()) {
      out += session.OnOverlongLine();
    }
    // Replies to pipelined commands go together, in one write.
    if (!out.empty() && !SendAll(fd, out)) return;
  }
}

void SmtpServer::Stop() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (listen_fd_ < 0 || stopping_) return;
  stopping_ = true;
  // Wakes every worker blocked in accept() (Linux: accept fails with EINVAL).
  ::shutdown(listen_fd_, SHUT_RDWR);
  // Let sessions in flight finish (a message being relayed is never cut off), bounded;
  // then end the ones still open (a client idling or sending slowly) and wait for them.
  changed_.wait_for(lock, std::chrono::minutes(2), [this] { return sessions_ == 0; });
  for (int fd : clients_) ::shutdown(fd, SHUT_RDWR);
  changed_.wait(lock, [this] { return workers_ == 0; });
  ::close(listen_fd_);
  listen_fd_ = -1;
}

std::uint16_t SmtpServer::port() const { return port_; }

int SmtpServer::workers() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return workers_;
}

}  // namespace agent
