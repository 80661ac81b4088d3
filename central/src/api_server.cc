// The only file that touches Poco's HTTP server and TLS: Poco exceptions end here.
#include "central/api_server.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/SharedPtr.h>
#include <Poco/ThreadPool.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <list>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "central/console/console.h"
#include "central/console/console_http.h"
#include "central/event_intake.h"
#include "central/policy_signer.h"

namespace central {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr char kAnonymous[] = "anonymous";

// What every handler shares: the store and a cache of known token hashes.
class ApiState {
 public:
  explicit ApiState(Store& store) : store_(store) {}
  Store& store() { return store_; }

  // The enrolled agent for an Authorization header; nullopt when missing or unknown; an
  // error when the store could not be asked (the database is away: that is no reason to
  // tell the agent its token is unknown, which it takes for a revocation).
  Result<std::optional<std::string>> Authenticate(const HTTPServerRequest& req) {
    const std::string auth = req.get("Authorization", "");
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0)
      return std::optional<std::string>();
    const std::string hash = HashAgentToken(std::string_view(auth).substr(kBearer.size()));
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (auto it = known_.find(hash); it != known_.end()) {
        if (now - it->second.checked < std::chrono::seconds(kTokenCacheSeconds))
          return std::optional<std::string>(it->second.name);
        known_.erase(it);  // ask the store again: the agent may have been revoked
      }
    }
    auto found = store_.AgentForTokenHash(hash);
    if (!found.ok()) return found;
    if (!found.value()) return std::optional<std::string>();
    std::lock_guard<std::mutex> lock(mutex_);
    known_[hash] = Known{*found.value(), now};
    return found.value();
  }

 private:
  Store& store_;
  std::mutex mutex_;
  struct Known {
    std::string name;
    std::chrono::steady_clock::time_point checked;
  };
  std::unordered_map<std::string, Known> known_;  // token hash -> agent, when last checked
};

struct Reply {
  int status = 200;
  std::string body;  // JSON; empty for 304
  std::string etag;
};

Reply Error(int status, const std::string& english, const std::string& japanese) {
  return Reply{status, ErrorJson(english, japanese), ""};
}

Reply InternalError(const std::string& what) {
  std::fprintf(stderr, "sendguard-central: %s\n", what.c_str());
  return Error(503, "central could not complete the request; retry later",
               "中央サーバーで処理できませんでした。しばらくしてから再送してください");
}

// Reads the body, at most `limit` bytes; false when it is longer. A longer body is still
// read and discarded up to kMaxDrained, so that the client (which is still sending) gets
// the 413 instead of a reset connection.
constexpr Poco::Int64 kMaxDrained = 64 << 20;
bool ReadBody(HTTPServerRequest& req, std::size_t limit, std::string* body, bool* drained) {
  *drained = true;
  if (req.hasContentLength() && req.getContentLength64() > kMaxDrained) {
    *drained = false;
    return false;
  }
  std::istream& in = req.stream();
  char buf[65536];
  Poco::Int64 total = 0;
  while (in && total <= kMaxDrained) {
    in.read(buf, sizeof buf);
    const auto n = static_cast<std::size_t>(in.gcount());
    total += static_cast<Poco::Int64>(n);
    if (total <= static_cast<Poco::Int64>(limit)) {
      body->append(buf, n);
    } else if (!body->empty()) {
      std::string().swap(*body);  // too long: keep reading, stop keeping
    }
  }
  if (total > kMaxDrained) *drained = false;
  return total <= static_cast<Poco::Int64>(limit);
}

Reply PostEvents(ApiState& state, const std::string& agent, const std::string& body) {
  const Micros now = NowMicros();
  EventBatch batch = ParseEventBatch(body, agent, now);
  if (batch.status != 200) return Error(batch.status, batch.error, batch.error_ja);
  auto counts = state.store().InsertEvents(batch.accepted);
  if (!counts.ok()) return InternalError(counts.error());
  return Reply{200, EventBatchReply(counts.value(), batch.rejected), ""};
}

Reply PostHeartbeat(ApiState& state, const std::string& agent, const std::string& body) {
  Heartbeat hb;
  try {
    Poco::JSON::Parser parser;
    auto root = parser.parse(body);
    if (root.type() != typeid(Poco::JSON::Object::Ptr))
      return Error(400, "the heartbeat must be a JSON object",
                   "ハートビートは JSON オブジェクトで送ってください");
    auto o = root.extract<Poco::JSON::Object::Ptr>();
    if (o->has("agent_version")) hb.agent_version = o->getValue<std::string>("agent_version");
    if (o->has("policy_version")) hb.policy_version = o->getValue<Poco::Int64>("policy_version");
    if (o->has("outbox_backlog")) hb.outbox_backlog = o->getValue<Poco::Int64>("outbox_backlog");
    if (o->has("host")) hb.host = o->getValue<std::string>("host");
    if (o->has("user")) hb.user = o->getValue<std::string>("user");
  } catch (const Poco::Exception& e) {
    return Error(400, "bad heartbeat: " + e.displayText(), "ハートビートの形式が正しくありません");
  }
  if (HasUnmaskedIdentifier(hb.agent_version) || HasUnmaskedIdentifier(hb.host) ||
      HasUnmaskedIdentifier(hb.user))
    return Error(400,
                 "a heartbeat field holds 10 or more digits in a row (an unmasked identifier?)",
                 "ハートビートの項目に 10 桁以上の数字の並びがあります (マスクされていない番号?)");
  Status s = state.store().RecordHeartbeat(agent, hb, NowMicros());
  if (!s.ok()) return InternalError(s.message());
  auto latest = state.store().LatestPolicy();
  if (!latest.ok()) return InternalError(latest.error());
  Poco::JSON::Object reply;
  reply.set("policy_version", latest.value() ? latest.value()->version : 0);
  std::ostringstream out;
  reply.stringify(out);
  return Reply{200, out.str(), ""};
}

// True when an If-None-Match header names this entity tag (or is "*").
bool MatchesEtag(const std::string& header, const std::string& etag) {
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t comma = header.find(',', start);
    if (comma == std::string::npos) comma = header.size();
    std::string tag = header.substr(start, comma - start);
    while (!tag.empty() && tag.front() == ' ') tag.erase(0, 1);
    while (!tag.empty() && tag.back() == ' ') tag.pop_back();
    if (tag.rfind("W/", 0) == 0) tag.erase(0, 2);
    if (tag == "*" || tag == etag) return true;
    start = comma + 1;
  }
  return false;
}

Reply GetPolicy(ApiState& state, const HTTPServerRequest& req) {
  auto latest = state.store().LatestPolicy();
  if (!latest.ok()) return InternalError(latest.error());
  if (!latest.value()) {
    return Error(404, "no policy has been published yet", "ポリシーはまだ配布されていません");
  }
  const PublishedPolicy& p = *latest.value();
  const std::string etag = "\"" + std::to_string(p.version) + "\"";
  if (req.has("If-None-Match") && MatchesEtag(req.get("If-None-Match"), etag))
    return Reply{304, "", etag};
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("version", p.version);
  o.set("policy", p.policy);
  o.set("signature", p.signature);
  o.set("published_at", FormatTime(p.published_at));
  std::ostringstream out;
  o.stringify(out);
  return Reply{200, out.str(), etag};
}

// Admission and deadlines for connections, so that slow or many clients cannot hold central
// up before they have even authenticated (docs/CENTRAL_API.md, "Connections"):
//  - Admit() runs in the accept thread (a TCPServerConnectionFilter) before a connection is
//    queued for a worker: over the per-address share or over the total (workers + queue),
//    it answers 503 itself and refuses the connection.
//  - Every admitted connection has a deadline for its current phase: a whole request header
//    within header_timeout of being accepted (queue time included) or of the previous reply
//    plus the keep-alive wait, a whole body within body_timeout of its header. A watchdog
//    thread shuts down the socket of a connection past its deadline, which ends it.
// Thread-safe.
class ConnectionGuard {
 public:
  using Clock = std::chrono::steady_clock;

  ConnectionGuard(const ApiServerConfig& c, int max_in_flight)
      : max_in_flight_(max_in_flight),
        max_per_address_(c.max_connections_per_address),
        header_timeout_(std::chrono::milliseconds(c.header_timeout_ms)),
        body_timeout_(std::chrono::seconds(kBodyTimeoutSeconds)),
        keep_alive_(std::chrono::seconds(kKeepAliveSeconds)),
        tls_(!c.tls_cert.empty()),
        watchdog_([this] { Watch(); }) {}

  ~ConnectionGuard() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    watchdog_.join();
  }

  // Accept thread. False: the connection got a 503 (plain HTTP) and is closed.
  bool Admit(const Poco::Net::StreamSocket& socket) {
    std::string peer, ip;
    try {
      const Poco::Net::SocketAddress address = socket.peerAddress();
      peer = address.toString();
      ip = address.host().toString();
    } catch (const Poco::Exception&) {
      return false;  // already gone
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      int& from_ip = per_ip_[ip];
      const bool busy = static_cast<int>(connections_.size()) >= max_in_flight_;
      if (!busy && from_ip < max_per_address_) {
        ++from_ip;
        connections_[peer] = Connection{socket, ip, Clock::now() + header_timeout_};
        return true;
      }
      if (from_ip == 0) per_ip_.erase(ip);
      ++(busy ? refused_busy_ : refused_per_address_);
    }
    Refuse(socket);
    return false;
  }

  // A worker has read a request header: the body must follow within body_timeout.
  void HeaderRead(const std::string& peer) {
    SetDeadline(peer, Clock::now() + body_timeout_, true);
  }
  // A worker has read the whole body: no deadline while it handles the request (the store
  // has its own timeouts; the reply's writes time out after 30 s of no progress).
  void BodyRead(const std::string& peer) { SetDeadline(peer, Clock::time_point::max(), true); }
  // A worker has sent a reply: the next request may come after the keep-alive wait.
  void ReplySent(const std::string& peer) {
    SetDeadline(peer, Clock::now() + keep_alive_ + header_timeout_, false);
  }
  // Stopping: ends every connection that is not inside a request (waiting in the queue,
  // for a header, or idle between requests); requests in flight finish.
  void CloseIdle() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [peer, c] : connections_) {
      if (!c.in_request) ShutdownOnce(c);
    }
  }
  // The connection has ended (its object is destroyed).
  void Finished(const std::string& peer) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = connections_.find(peer);
    if (it == connections_.end()) return;
    if (auto ip = per_ip_.find(it->second.ip); ip != per_ip_.end() && --ip->second <= 0)
      per_ip_.erase(ip);
    connections_.erase(it);
  }

 private:
  struct Connection {
    Poco::Net::StreamSocket socket;  // shares the worker's socket: shutdown() ends its reads
    std::string ip;
    Clock::time_point deadline;
    bool in_request = false;  // between a header read and its reply
  };
  struct Refused {
    Poco::Net::StreamSocket socket;
    Clock::time_point until;
  };

  void SetDeadline(const std::string& peer, Clock::time_point deadline, bool in_request) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = connections_.find(peer); it != connections_.end()) {
      it->second.deadline = deadline;
      it->second.in_request = in_request;
    }
  }

  // Ends the connection's reads and writes (its worker then ends it); mutex_ held.
  static void ShutdownOnce(Connection& c) {
    c.deadline = Clock::time_point::max();
    try {
      c.socket.shutdown();
    } catch (const Poco::Exception&) {
      // already closed by its worker
    }
  }

  // Writes the 503 (it fits in the empty send buffer, so this does not block), ends the
  // sending side, and leaves the socket to the watchdog, which reads and discards what the
  // client still sends for a moment before closing: closing with unread input would reset
  // the connection and the client could lose the 503.
  void Refuse(Poco::Net::StreamSocket socket) {
    if (tls_) return;  // a 503 would need a TLS handshake first: just close
    static const std::string kReply = [] {
      const std::string body = ErrorJson(
          "central is busy or this address has too many connections open; retry later",
          "中央サーバーが混み合っているか、この端末からの接続が多すぎます。しばらくしてから再送して"
          "ください");
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; "
             "charset=utf-8\r\nRetry-After: " +
             std::to_string(kRetryAfterSeconds) +
             "\r\nConnection: close\r\nCache-Control: no-store\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    const int fd = socket.impl()->sockfd();
    if (::send(fd, kReply.data(), kReply.size(), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) return;
    ::shutdown(fd, SHUT_WR);
    std::lock_guard<std::mutex> lock(mutex_);
    if (refused_.size() < kMaxLingering)
      refused_.push_back(Refused{socket, Clock::now() + std::chrono::seconds(2)});
  }

  void Watch() {
    auto next_report = Clock::now() + std::chrono::seconds(60);
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::milliseconds(100));
      const auto now = Clock::now();
      for (auto& [peer, c] : connections_) {
        if (c.deadline > now) continue;
        ShutdownOnce(c);
        ++timed_out_;
      }
      for (auto it = refused_.begin(); it != refused_.end();) {
        char scratch[4096];
        const int fd = it->socket.impl()->sockfd();
        ssize_t n = 0;
        while ((n = ::recv(fd, scratch, sizeof scratch, MSG_DONTWAIT)) > 0) {
        }
        const bool open = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        it = open && it->until > now ? std::next(it) : refused_.erase(it);  // erase closes
      }
      if (now >= next_report) {
        next_report = now + std::chrono::seconds(60);
        if (refused_busy_ + refused_per_address_ + timed_out_ > 0) {
          std::fprintf(stderr,
                       "sendguard-central: last minute: %llu connections refused with 503 "
                       "(busy), %llu (over %d per address), %llu closed past their deadline\n",
                       refused_busy_, refused_per_address_, max_per_address_, timed_out_);
          refused_busy_ = refused_per_address_ = timed_out_ = 0;
        }
      }
    }
  }

  static constexpr int kBodyTimeoutSeconds = 60;
  static constexpr int kKeepAliveSeconds = 30;
  static constexpr int kRetryAfterSeconds = 5;
  static constexpr std::size_t kMaxLingering = 1024;

  const int max_in_flight_;
  const int max_per_address_;
  const Clock::duration header_timeout_, body_timeout_, keep_alive_;
  const bool tls_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::unordered_map<std::string, Connection> connections_;  // by peer "ip:port"
  std::unordered_map<std::string, int> per_ip_;
  std::list<Refused> refused_;
  unsigned long long refused_busy_ = 0, refused_per_address_ = 0, timed_out_ = 0;
  std::thread watchdog_;  // last: started once everything above exists
};

class AdmissionFilter : public Poco::Net::TCPServerConnectionFilter {
 public:
  explicit AdmissionFilter(ConnectionGuard& guard) : guard_(guard) {}
  bool accept(const Poco::Net::StreamSocket& socket) override { return guard_.Admit(socket); }

 private:
  ConnectionGuard& guard_;
};

// Poco's HTTP connection, telling the guard when it ends.
class GuardedConnection : public Poco::Net::HTTPServerConnection {
 public:
  GuardedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr factory, ConnectionGuard& guard)
      : HTTPServerConnection(socket, params, factory), guard_(guard) {
    try {
      peer_ = socket.peerAddress().toString();
    } catch (const Poco::Exception&) {
    }
  }
  ~GuardedConnection() override { guard_.Finished(peer_); }

 private:
  ConnectionGuard& guard_;
  std::string peer_;
};

class GuardedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  GuardedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                           Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                           ConnectionGuard& guard)
      : params_(params), factory_(factory), guard_(guard) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new GuardedConnection(socket, params_, factory_, guard_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  ConnectionGuard& guard_;
};

// "METHOD PATH" for the access records and logs: the query is left out, and a path that
// looks like it holds an unmasked identifier is withheld (it would be stored otherwise).
std::string RecordedAction(const HTTPServerRequest& req) {
  const std::string path = req.getURI().substr(0, req.getURI().find('?'));
  if (HasUnmaskedIdentifier(path) || path.size() > 200)
    return req.getMethod() + " (path withheld: too long or holds a long number)";
  return req.getMethod() + " " + path;
}

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ApiHandler(ApiState& state, ConnectionGuard& guard) : state_(state), guard_(guard) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& res) override {
    const Micros started = NowMicros();
    std::string who = kAnonymous;
    Reply reply;
    bool keep_alive = true;
    try {
      reply = Route(req, &who, &keep_alive);
    } catch (const Poco::Exception& e) {
      reply = InternalError(RecordedAction(req) + ": " + e.displayText());
    } catch (const std::exception& e) {
      reply = InternalError(RecordedAction(req) + ": " + e.what());
    }
    try {
      res.setStatus(static_cast<HTTPResponse::HTTPStatus>(reply.status));
      res.set("Cache-Control", "no-store");
      if (!reply.etag.empty()) res.set("ETag", reply.etag);
      if (!keep_alive) res.setKeepAlive(false);
      if (reply.status == 304) {
        res.setContentLength(0);
        res.send();
      } else {
        res.setContentType("application/json; charset=utf-8");
        res.setContentLength(static_cast<std::streamsize>(reply.body.size()));
        res.send() << reply.body;
      }
    } catch (const Poco::Exception& e) {
      std::fprintf(stderr, "sendguard-central: sending a reply: %s\n", e.displayText().c_str());
    }
    guard_.ReplySent(req.clientAddress().toString());
    Status s = state_.store().RecordAccess(AccessRecord{
        started, who, RecordedAction(req), reply.status, req.clientAddress().host().toString()});
    if (!s.ok()) std::fprintf(stderr, "sendguard-central: %s\n", s.message().c_str());
  }

 private:
  Reply Route(HTTPServerRequest& req, std::string* who, bool* keep_alive) {
    const std::string path = req.getURI().substr(0, req.getURI().find('?'));
    const std::string& method = req.getMethod();
    const bool known =
        path == "/api/v1/events" || path == "/api/v1/heartbeat" || path == "/api/v1/policy";
    std::string body;
    bool drained = true;
    const bool fits = ReadBody(req, kMaxBatchBytes, &body, &drained);
    guard_.BodyRead(req.clientAddress().toString());
    if (!fits) {
      *keep_alive = drained;  // the rest of an undrained body is not read: close
      return Error(413, "the request body is larger than 4 MiB",
                   "リクエストが大きすぎます (4 MiB まで)");
    }
    if (!known) return Error(404, "no such endpoint: " + path, "そのエンドポイントはありません");
    auto authenticated = state_.Authenticate(req);
    if (!authenticated.ok()) return InternalError(authenticated.error());
    const std::optional<std::string>& agent = authenticated.value();
    if (!agent) {
      return Error(401, "missing or unknown agent token",
                   "エージェントのトークンがないか、登録されていません");
    }
    *who = *agent;
    if (path == "/api/v1/policy" && method == "GET") return GetPolicy(state_, req);
    if (path == "/api/v1/events" && method == "POST") return PostEvents(state_, *agent, body);
    if (path == "/api/v1/heartbeat" && method == "POST") return PostHeartbeat(state_, *agent, body);
    return Error(405, method + " is not allowed on " + path, "このメソッドは使えません");
  }

  ApiState& state_;
  ConnectionGuard& guard_;
};

// A console request under the connection guard: no deadline while it is handled (pages
// and CSV exports may take a while), the keep-alive wait after the reply.
class GuardedConsoleHandler : public Poco::Net::HTTPRequestHandler {
 public:
  GuardedConsoleHandler(Poco::Net::HTTPRequestHandler* inner, ConnectionGuard& guard)
      : inner_(inner), guard_(guard) {}
  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& res) override {
    const std::string peer = req.clientAddress().toString();
    guard_.BodyRead(peer);
    inner_->handleRequest(req, res);
    guard_.ReplySent(peer);
  }

 private:
  std::unique_ptr<Poco::Net::HTTPRequestHandler> inner_;
  ConnectionGuard& guard_;
};

class ApiHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  ApiHandlerFactory(ApiState& state, ConnectionGuard& guard, console::Console* console)
      : state_(state), guard_(guard), console_(console) {}
  // Called once a request header has been read.
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest& req) override {
    guard_.HeaderRead(req.clientAddress().toString());
    if (console_ && !console::IsAgentApiPath(req.getURI().substr(0, req.getURI().find('?'))))
      return new GuardedConsoleHandler(console::NewConsoleRequestHandler(*console_), guard_);
    return new ApiHandler(state_, guard_);
  }
  // What HTTPServer::stopAll(false) does: each connection ends after its current request.
  void StopConnections() { serverStopped(this, false); }

 private:
  ApiState& state_;
  ConnectionGuard& guard_;
  console::Console* console_;
};

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  Poco::Net::IPAddress address;
  if (!Poco::Net::IPAddress::tryParse(host, address)) return false;
  return address.isLoopback();
}

struct ApiServer::Impl {
  ApiServerConfig config;
  ApiState state;
  Poco::ThreadPool threads;
  std::unique_ptr<ConnectionGuard> guard;
  Poco::SharedPtr<ApiHandlerFactory> handlers;
  std::unique_ptr<Poco::Net::TCPServer> server;
  std::uint16_t port = 0;

  Impl(ApiServerConfig c, Store& store)
      : config(std::move(c)), state(store), threads(4, config.max_threads + 4) {}
};

ApiServer::ApiServer(ApiServerConfig config, Store& store)
    : impl_(std::make_unique<Impl>(std::move(config), store)) {}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Start() {
  const ApiServerConfig& c = impl_->config;
  try {
    const Poco::Net::SocketAddress address(c.host, c.port);
    std::unique_ptr<Poco::Net::ServerSocket> socket;
    if (!c.tls_cert.empty()) {
      Poco::Net::initializeSSL();
      Poco::Net::Context::Params params;
      params.privateKeyFile = c.tls_key;
      params.certificateFile = c.tls_cert;
      params.verificationMode = Poco::Net::Context::VERIFY_NONE;
      params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
      Poco::Net::Context::Ptr context =
          new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
      context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
      socket = std::make_unique<Poco::Net::SecureServerSocket>(context);
    } else {
      socket = std::make_unique<Poco::Net::ServerSocket>();
    }
    // SO_REUSEADDR (a restart binds at once despite TIME_WAIT) but not SO_REUSEPORT, which
    // Poco's (address, backlog) constructors also set: with it a second central on the
    // same port starts without an error and the kernel splits connections between the two.
    socket->bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
    socket->listen(256);
    impl_->port = socket->address().port();
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(c.max_threads);
    // The guard admits at most max_threads + max_queued connections, fewer than Poco's
    // queue holds, so Poco never drops one silently: the guard answers 503 first.
    const int in_flight = c.max_threads + c.max_queued;
    params->setMaxQueued(in_flight + 64);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0);
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));
    params->setTimeout(Poco::Timespan(30, 0));  // per read or write; the guard bounds totals
    impl_->guard = std::make_unique<ConnectionGuard>(c, in_flight);
    impl_->handlers = new ApiHandlerFactory(impl_->state, *impl_->guard, c.console);
    impl_->server = std::make_unique<Poco::Net::TCPServer>(
        new GuardedConnectionFactory(params, impl_->handlers, *impl_->guard), impl_->threads,
        *socket, params);
    impl_->server->setConnectionFilter(new AdmissionFilter(*impl_->guard));
    impl_->server->start();
  } catch (const Poco::Exception& e) {
    impl_->server.reset();
    impl_->guard.reset();
    const std::string where = c.host + ":" + std::to_string(c.port);
    if (e.code() == EADDRINUSE) {
      return Status::Error("ポート " + where +
                           " は使用中です (別の sendguard-central などが待ち受けています) / "
                           "cannot listen on " +
                           where + ": the port is already in use");
    }
    return Status::Error(where + " で待ち受けできません / cannot listen on " + where + ": " +
                         e.displayText());
  }
  return Status::Ok();
}

std::uint16_t ApiServer::port() const { return impl_->port; }

void ApiServer::Stop() {
  if (!impl_->server) return;
  impl_->server->stop();
  impl_->handlers->StopConnections();
  impl_->guard->CloseIdle();
  impl_->threads.joinAll();
  impl_->server.reset();
  impl_->guard.reset();
}

}  // namespace central
