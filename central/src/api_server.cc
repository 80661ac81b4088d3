// The only file that touches Poco's HTTP server and TLS: Poco exceptions end here.
#include "central/api_server.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <sstream>
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

  // The enrolled agent for an Authorization header; nullopt when missing or unknown.
  std::optional<std::string> Authenticate(const HTTPServerRequest& req) {
    const std::string auth = req.get("Authorization", "");
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0)
      return std::nullopt;
    const std::string hash = HashAgentToken(std::string_view(auth).substr(kBearer.size()));
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (auto it = known_.find(hash); it != known_.end()) {
        if (now - it->second.checked < std::chrono::seconds(kTokenCacheSeconds))
          return it->second.name;
        known_.erase(it);  // ask the store again: the agent may have been revoked
      }
    }
    auto found = store_.AgentForTokenHash(hash);
    if (!found.ok()) {
      std::fprintf(stderr, "sendguard-central: %s\n", found.error().c_str());
      return std::nullopt;
    }
    if (!found.value()) return std::nullopt;
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
  if (HasUnmaskedIdentifier(hb.agent_version + " " + hb.host + " " + hb.user))
    return Error(400, "the heartbeat holds 10 or more consecutive digits",
                 "ハートビートに 10 桁以上の数字の並びがあります");
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

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ApiHandler(ApiState& state) : state_(state) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& res) override {
    const Micros started = NowMicros();
    std::string who = kAnonymous;
    Reply reply;
    bool keep_alive = true;
    try {
      reply = Route(req, &who, &keep_alive);
    } catch (const Poco::Exception& e) {
      reply = InternalError(req.getMethod() + " " + req.getURI() + ": " + e.displayText());
    } catch (const std::exception& e) {
      reply = InternalError(req.getMethod() + " " + req.getURI() + ": " + e.what());
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
    Status s = state_.store().RecordAccess(
        AccessRecord{started, who, req.getMethod() + " " + req.getURI(), reply.status,
                     req.clientAddress().host().toString()});
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
    if (!ReadBody(req, kMaxBatchBytes, &body, &drained)) {
      *keep_alive = drained;  // the rest of an undrained body is not read: close
      return Error(413, "the request body is larger than 4 MiB",
                   "リクエストが大きすぎます (4 MiB まで)");
    }
    if (!known) return Error(404, "no such endpoint: " + path, "そのエンドポイントはありません");
    auto agent = state_.Authenticate(req);
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
};

class ApiHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  ApiHandlerFactory(ApiState& state, console::Console* console)
      : state_(state), console_(console) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest& req) override {
    if (console_ && !console::IsAgentApiPath(req.getURI().substr(0, req.getURI().find('?'))))
      return console::NewConsoleRequestHandler(*console_);
    return new ApiHandler(state_);
  }

 private:
  ApiState& state_;
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
  std::unique_ptr<Poco::Net::HTTPServer> server;
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
      socket = std::make_unique<Poco::Net::SecureServerSocket>(address, 256, context);
    } else {
      socket = std::make_unique<Poco::Net::ServerSocket>(address, 256);
    }
    impl_->port = socket->address().port();
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(c.max_threads);
    params->setMaxQueued(512);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0);
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));
    params->setTimeout(Poco::Timespan(30, 0));
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(
        new ApiHandlerFactory(impl_->state, c.console), impl_->threads, *socket, params);
    impl_->server->start();
  } catch (const Poco::Exception& e) {
    impl_->server.reset();
    return Status::Error("cannot listen on " + c.host + ":" + std::to_string(c.port) + ": " +
                         e.displayText());
  }
  return Status::Ok();
}

std::uint16_t ApiServer::port() const { return impl_->port; }

void ApiServer::Stop() {
  if (!impl_->server) return;
  impl_->server->stopAll(false);
  impl_->threads.joinAll();
  impl_->server.reset();
}

}  // namespace central
