// Poco's HTTP server on an AF_UNIX socket: Poco exceptions end here.
#include "agent/print_prompt_server.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <sstream>

#include "agent/print_prompt_socket.h"

namespace agent {

using mailcheck::Result;
using mailcheck::Status;

struct PrintPromptServer::Shared {
  Shared(PromptRegistry& p, std::chrono::seconds max, Hooks h, std::string u)
      : prompts(p), max_timeout(max), hooks(std::move(h)), user(std::move(u)) {}
  PromptRegistry& prompts;
  std::chrono::seconds max_timeout;
  Hooks hooks;
  std::string user;  // the agent's own login name
  // Stop() ends the waiting requests (as if their backends had gone) and waits for them.
  std::mutex mutex;
  std::condition_variable idle;
  int active = 0;
  std::atomic<bool> stopping{false};
};

namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kMaxBody = 64 * 1024;

std::string OwnUserName() {
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (::getpwuid_r(::geteuid(), &pw, buf, sizeof buf, &found) == 0 && found) return found->pw_name;
  return "";
}

void Reply(HTTPServerResponse& res, HTTPResponse::HTTPStatus status, const std::string& key,
           const std::string& value) {
  Poco::JSON::Object o;
  o.set(key, value);
  std::ostringstream out;
  o.stringify(out);
  res.setStatusAndReason(status);
  res.setContentType("application/json; charset=utf-8");
  res.setContentLength(static_cast<std::streamsize>(out.str().size()));
  res.send() << out.str();
}

// Whether the backend is still there: it hangs up when its job is cancelled.
bool StillConnected(int fd) {
  struct pollfd p {
    fd, POLLIN | POLLRDHUP, 0
  };
  if (::poll(&p, 1, 0) <= 0) return true;
  if (p.revents & (POLLHUP | POLLRDHUP | POLLERR)) return false;
  char c;
  return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) != 0;
}

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(PrintPromptServer::Shared& shared) : s_(shared) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& res) override {
    {
      std::lock_guard<std::mutex> lock(s_.mutex);
      ++s_.active;
    }
    try {
      Handle(req, res);
    } catch (const std::exception& e) {
      if (!res.sent()) Reply(res, HTTPResponse::HTTP_BAD_REQUEST, "error", e.what());
    }
    std::lock_guard<std::mutex> lock(s_.mutex);
    if (--s_.active == 0) s_.idle.notify_all();
  }

 private:
  void Handle(HTTPServerRequest& req, HTTPServerResponse& res) {
    const int fd = static_cast<Poco::Net::HTTPServerRequestImpl&>(req).socket().impl()->sockfd();
    const std::optional<uid_t> peer = PeerUid(fd);
    if (!peer || !IsSpoolerUid(*peer)) {
      Reply(res, HTTPResponse::HTTP_FORBIDDEN, "error",
            "印刷の確認を求められるのは印刷システム (root, lp) だけです (only the spooler may "
            "ask)");
      return;
    }
    if (req.getMethod() != "POST" || req.getURI() != "/v1/print-prompts") {
      Reply(res, HTTPResponse::HTTP_NOT_FOUND, "error", "not found");
      return;
    }
    std::string body;
    std::istream& in = req.stream();
    char buf[8192];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      body.append(buf, static_cast<std::size_t>(in.gcount()));
      if (body.size() > kMaxBody) {
        Reply(res, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "error", "body too large");
        return;
      }
    }
    Result<PrintPromptRequest> parsed = ParsePrintPrompt(body);
    if (!parsed.ok()) {
      Reply(res, HTTPResponse::HTTP_BAD_REQUEST, "error", parsed.error());
      return;
    }
    PrintPromptRequest& request = parsed.value();
    if (s_.user.empty() || request.user != s_.user) {
      Reply(res, HTTPResponse::HTTP_FORBIDDEN, "error",
            "この sendguard は別の利用者の印刷を確認しません (this agent answers only for " +
                s_.user + ")");
      return;
    }
    const std::chrono::seconds timeout = std::min(request.timeout, s_.max_timeout);
    PromptInfo info;
    info.deadline = std::chrono::steady_clock::now() + timeout;
    info.print = std::move(request.job);
    info.id = s_.prompts.Add(info);
    if (s_.hooks.raised) s_.hooks.raised(info);
    const PromptRegistry::Answer answer = s_.prompts.Wait(
        info.id, timeout, [this, fd] { return !s_.stopping && StillConnected(fd); });
    if (s_.hooks.ended) s_.hooks.ended(info.id);
    std::string decision = "timeout";
    if (answer == PromptRegistry::Answer::kSend) decision = "print";
    if (answer == PromptRegistry::Answer::kCancel) decision = "cancel";
    if (answer == PromptRegistry::Answer::kAbandoned) return;  // nobody to tell
    Reply(res, HTTPResponse::HTTP_OK, "decision", decision);
  }

  PrintPromptServer::Shared& s_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(PrintPromptServer::Shared& shared) : s_(shared) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(s_);
  }

 private:
  PrintPromptServer::Shared& s_;
};

// A string member, "" when absent; another type throws.
std::string Text(const Poco::JSON::Object& o, const std::string& key) {
  if (!o.has(key)) return "";
  const Poco::Dynamic::Var v = o.get(key);
  if (!v.isString()) throw std::runtime_error(key + " must be a string");
  return v.extract<std::string>();
}

// A non-negative integer member, 0 when absent; another type throws.
std::int64_t Count(const Poco::JSON::Object& o, const std::string& key) {
  if (!o.has(key)) return 0;
  const Poco::Dynamic::Var v = o.get(key);
  if (!v.isInteger() || v.convert<std::int64_t>() < 0)
    throw std::runtime_error(key + " must be a non-negative integer");
  return v.convert<std::int64_t>();
}

}  // namespace

Result<PrintPromptRequest> ParsePrintPrompt(std::string_view body) {
  using R = Result<PrintPromptRequest>;
  if (body.size() > kMaxBody) return R::Error("body too large");
  try {
    Poco::JSON::Parser parser;
    parser.setAllowComments(false);
    parser.setAllowNullByte(false);
    const Poco::Dynamic::Var root = parser.parse(std::string(body));
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) return R::Error("expected a JSON object");
    const Poco::JSON::Object& o = *root.extract<Poco::JSON::Object::Ptr>();
    PrintPromptRequest r;
    r.user = Text(o, "user");
    if (r.user.empty()) return R::Error("user is required");
    r.job.job_id = Text(o, "job_id");
    r.job.printer = Text(o, "printer");
    r.job.title = Text(o, "title");
    r.job.content_type = Text(o, "content_type");
    r.job.message = Text(o, "message");
    r.job.copies = static_cast<int>(std::min<std::int64_t>(Count(o, "copies"), 9999));
    r.job.pages = static_cast<int>(std::min<std::int64_t>(Count(o, "pages"), 1000000));
    r.job.bytes = static_cast<std::uint64_t>(Count(o, "bytes"));
    if (o.has("timeout")) r.timeout = std::chrono::seconds(Count(o, "timeout"));
    if (o.has("findings")) {
      Poco::JSON::Object::Ptr f = o.getObject("findings");
      if (!f) return R::Error("findings must be an object");
      for (const auto& [kind, count] : *f) {
        if (!count.isInteger() || count.convert<int>() < 0)
          return R::Error("findings." + kind + " must be a non-negative integer");
        r.job.findings.emplace_back(kind, count.convert<int>());
      }
    }
    if (o.has("samples")) {
      Poco::JSON::Array::Ptr a = o.getArray("samples");
      if (!a) return R::Error("samples must be an array");
      for (std::size_t i = 0; i < a->size() && i < 8; ++i) {
        const Poco::Dynamic::Var v = a->get(static_cast<unsigned>(i));
        if (!v.isString()) return R::Error("samples must hold strings");
        r.job.samples.push_back(v.extract<std::string>());
      }
    }
    return r;
  } catch (const Poco::Exception& e) {
    return R::Error(e.displayText());
  } catch (const std::exception& e) {
    return R::Error(e.what());
  }
}

PrintPromptServer::PrintPromptServer(std::string dir, PromptRegistry& prompts,
                                     std::chrono::seconds max_timeout, Hooks hooks)
    : dir_(std::move(dir)),
      path_(PrintPromptSocketPath(dir_, ::geteuid())),
      shared_(std::make_unique<Shared>(prompts, max_timeout, std::move(hooks), OwnUserName())) {}

PrintPromptServer::~PrintPromptServer() { Stop(); }

Status PrintPromptServer::Start() {
  const std::string bad_dir = CheckPrintPromptDir(dir_);
  if (!bad_dir.empty()) return Status::Error(bad_dir);
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0) {
    if (st.st_uid != ::geteuid() || !S_ISSOCK(st.st_mode))
      return Status::Error(path_ + " は別の利用者のものです (" + path_ +
                           " belongs to someone else: print prompts are off)");
    // Ours: in use by another agent of ours, or left behind by one that ended.
    bool live = false;
    try {
      Poco::Net::StreamSocket probe;
      probe.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path_));
      live = true;
    } catch (const Poco::Exception&) {
    }
    if (live)
      return Status::Error(path_ + " は別の sendguard-agent が使っています (" + path_ +
                           " is served by another agent of this user)");
    ::unlink(path_.c_str());
  }
  try {
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path_),
                /*reuseAddress=*/false);
    // The spooler must be able to connect; who may ask is checked per connection.
    ::chmod(path_.c_str(), 0666);
    socket.listen(16);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(8);
    params->setMaxQueued(16);
    params->setKeepAlive(false);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*shared_), socket, params);
    server_->start();
  } catch (const Poco::Exception& e) {
    return Status::Error("cannot listen on " + path_ + ": " + e.displayText());
  }
  return Status::Ok();
}

void PrintPromptServer::Stop() {
  if (!server_) return;
  shared_->stopping = true;
  server_->stop();
  {
    std::unique_lock<std::mutex> lock(shared_->mutex);
    shared_->idle.wait(lock, [this] { return shared_->active == 0; });
  }
  server_.reset();
  ::unlink(path_.c_str());
}

}  // namespace agent
