// The only file that touches Poco's HTTP server: Poco exceptions end here.
#include "agent/control_api.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/JSONString.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "agent/confirm_page.h"
#include "mailcheck/decide.h"
#include "mailcheck/report_writer.h"

namespace agent {
namespace {

// Who may see the confirmation page: a browser that opened a one-time link. Each key
// is good once, for kKeyLifetime; opening it starts a session (a random id in an
// HttpOnly, SameSite=Strict cookie) good for kSessionLifetime. Thread-safe.
class PageSessions {
 public:
  static constexpr auto kKeyLifetime = std::chrono::hours(1);
  static constexpr auto kSessionLifetime = std::chrono::hours(8);
  static constexpr std::size_t kMaxKeys = 256;
  static constexpr std::size_t kMaxSessions = 64;

  std::string NewKey() {
    std::string key = RandomToken();
    std::lock_guard<std::mutex> lock(mutex_);
    Prune(&keys_, kMaxKeys);
    keys_[key] = Clock::now() + kKeyLifetime;
    return key;
  }
  // A new session id for `key`, which is used up; "" when the key is unknown or expired.
  std::string Redeem(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = keys_.find(key);
    if (it == keys_.end()) return "";
    const bool fresh = it->second > Clock::now();
    keys_.erase(it);
    if (!fresh) return "";
    Prune(&sessions_, kMaxSessions);
    std::string session = RandomToken();
    sessions_[session] = Clock::now() + kSessionLifetime;
    return session;
  }
  bool Valid(const std::string& session) const {
    if (session.empty()) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = sessions_.find(session);
    return it != sessions_.end() && it->second > Clock::now();
  }

 private:
  using Clock = std::chrono::steady_clock;
  // Drops expired entries and, when still full, the one closest to expiry.
  static void Prune(std::map<std::string, Clock::time_point>* m, std::size_t max) {
    const auto now = Clock::now();
    for (auto it = m->begin(); it != m->end();) it = it->second <= now ? m->erase(it) : ++it;
    while (m->size() >= max) {
      auto oldest = m->begin();
      for (auto it = m->begin(); it != m->end(); ++it)
        if (it->second < oldest->second) oldest = it;
      m->erase(oldest);
    }
  }
  mutable std::mutex mutex_;
  std::map<std::string, Clock::time_point> keys_;
  std::map<std::string, Clock::time_point> sessions_;
};

}  // namespace

struct ControlApi::Shared {
  std::string token;
  std::uint16_t port = 0;
  PromptRegistry& prompts;
  const PolicyStore& policies;
  ControlStatus status;
  PageSessions sessions;
  Confirmations* confirmations = nullptr;
};

namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kMaxBody = 60u << 20;
constexpr std::size_t kMaxDecisionBody = 4096;

void Send(HTTPServerResponse& res, HTTPResponse::HTTPStatus status, const std::string& type,
          const std::string& body) {
  res.setStatusAndReason(status);
  res.setContentType(type);
  res.set("Cache-Control", "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Content-Security-Policy",
          "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; "
          "base-uri 'none'");
  res.set("Referrer-Policy", "same-origin");
  res.setContentLength(static_cast<std::streamsize>(body.size()));
  res.send() << body;
}

void Page(HTTPServerResponse& res, HTTPResponse::HTTPStatus status, const std::string& html) {
  Send(res, status, "text/html; charset=utf-8", html);
}

void Refuse(HTTPServerResponse& res, std::string_view ja, std::string_view en) {
  Page(res, HTTPResponse::HTTP_FORBIDDEN, RenderNoticePage("この操作はできません", ja, en));
}

void Json(HTTPServerResponse& res, HTTPResponse::HTTPStatus status, const std::string& body) {
  Send(res, status, "application/json; charset=utf-8", body);
}

// JSON out: Poco::JSON objects that keep their members in the order added, written
// compactly; UTF-8 text is written as it is (valid JSON; no \u escapes needed).
Poco::JSON::Object::Ptr NewObject() {
  return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

std::string ToJson(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(value, out);
  return out.str();
}

std::string Error(const std::string& message) {
  Poco::JSON::Object::Ptr o = NewObject();
  o->set("error", message);
  return ToJson(o);
}

// The findings of a report and its children by kind ({"person_name": 3, ...}).
Poco::JSON::Object::Ptr FindingCounts(const doccheck::FileReport& report) {
  Poco::JSON::Object::Ptr counts = NewObject();
  for (int k = 0; k < doccheck::kKindCount; ++k) {
    const auto kind = static_cast<doccheck::Kind>(k);
    const int n = report.CountKind(kind);
    if (n > 0) counts->set(std::string(doccheck::KindName(kind)), n);
  }
  return counts;
}

// GET /v1/prompts: CONTRACTS.md §4's id, subject, recipients and reasons, plus (added)
// the sender, the seconds left and what each attachment holds (counts only).
std::string PromptsJson(const std::vector<PromptInfo>& prompts) {
  const auto now = std::chrono::steady_clock::now();
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const PromptInfo& p : prompts) {
    Poco::JSON::Object::Ptr o = NewObject();
    o->set("id", p.id);
    o->set("subject", p.subject);
    Poco::JSON::Array::Ptr recipients = new Poco::JSON::Array;
    for (const std::string& r : p.recipients) recipients->add(r);
    o->set("recipients", recipients);
    Poco::JSON::Array::Ptr reasons = new Poco::JSON::Array;
    for (const mailcheck::Reason& r : p.reasons) {
      Poco::JSON::Object::Ptr reason = NewObject();
      reason->set("code", r.code);
      reason->set("message", r.message);
      reason->set("message_ja", r.message_ja);
      reasons->add(reason);
    }
    o->set("reasons", reasons);
    if (!p.sender.empty()) o->set("sender", p.sender);
    if (p.deadline.time_since_epoch().count() != 0) {
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(p.deadline - now).count();
      o->set("seconds_left", static_cast<Poco::Int64>(left > 0 ? left : 0));
    }
    Poco::JSON::Array::Ptr attachments = new Poco::JSON::Array;
    for (const doccheck::FileReport& a : p.attachments) {
      Poco::JSON::Object::Ptr att = NewObject();
      att->set("name", a.path);
      att->set("class", a.klass);
      att->set("findings", FindingCounts(a));
      att->set("fully_checked", !a.HasErrors());
      attachments->add(att);
    }
    o->set("attachments", attachments);
    if (p.print) {  // a print job (docs/PRINT_GUARD.md): answered like mail, "send" = print
      Poco::JSON::Object::Ptr job = NewObject();
      job->set("job_id", p.print->job_id);
      job->set("printer", p.print->printer);
      job->set("title", p.print->title);
      job->set("copies", p.print->copies);
      job->set("message", p.print->message);
      Poco::JSON::Object::Ptr findings = NewObject();
      for (const auto& [kind, n] : p.print->findings) findings->set(kind, n);
      job->set("findings", findings);
      o->set("print", job);
    }
    list->add(o);
  }
  return ToJson(list);
}

// Reads the body of POST /v1/prompts/{id} without building a tree: the root must be an
// object whose only member is "decision", given once, with the string value "send" or
// "cancel". Anything else (duplicate keys, other members, nested values) marks it bad.
class DecisionHandler final : public Poco::JSON::Handler {
 public:
  void reset() override { *this = DecisionHandler(); }
  void startObject() override { Open(); }
  void endObject() override { --depth_; }
  void startArray() override { Open(); }
  void endArray() override { --depth_; }
  void key(const std::string& k) override {
    if (depth_ != 1 || k != "decision" || seen_key_) bad_ = true;
    seen_key_ = true;
  }
  void null() override { Scalar(); }
  void value(int) override { Scalar(); }
  void value(unsigned) override { Scalar(); }
#if defined(POCO_HAVE_INT64)
  void value(Poco::Int64) override { Scalar(); }
  void value(Poco::UInt64) override { Scalar(); }
#endif
  void value(double) override { Scalar(); }
  void value(bool) override { Scalar(); }
  void value(const std::string& s) override {
    if (depth_ == 1 && decision_.empty() && !bad_) {
      decision_ = s;
      if (decision_.empty()) bad_ = true;
    } else {
      bad_ = true;
    }
  }

  std::optional<PromptRegistry::Answer> Result() const {
    if (bad_ || !seen_key_ || !root_) return std::nullopt;
    if (decision_ == "send") return PromptRegistry::Answer::kSend;
    if (decision_ == "cancel") return PromptRegistry::Answer::kCancel;
    return std::nullopt;
  }

 private:
  void Open() {
    if (depth_ == 0 && !root_) {
      root_ = true;
    } else {
      bad_ = true;  // a nested object or array, or a second document
    }
    ++depth_;
  }
  // Any non-string value, at any depth (a bare scalar document included), is refused.
  void Scalar() { bad_ = true; }

  int depth_ = 0;
  bool root_ = false;
  bool seen_key_ = false;
  bool bad_ = false;
  std::string decision_;
};

// Compares a secret someone presented with ours in time that does not depend on where
// they differ.
bool SameSecret(const std::string& presented, const std::string& ours) {
  return presented.size() == ours.size() &&
         sodium_memcmp(presented.data(), ours.data(), ours.size()) == 0;
}

std::string PageLink(std::uint16_t port, const std::string& key) {
  return "http://127.0.0.1:" + std::to_string(port) + "/confirm?k=" + key;
}

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(ControlApi::Shared& shared) : s_(shared) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& res) override {
    try {
      Handle(req, res);
    } catch (const Poco::Exception& e) {
      if (!res.sent()) Json(res, HTTPResponse::HTTP_BAD_REQUEST, Error(e.displayText()));
    } catch (const std::exception& e) {
      if (!res.sent()) Json(res, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, Error(e.what()));
    }
  }

 private:
  bool HostAllowed(const HTTPServerRequest& req) const {
    const std::string host = req.getHost();
    const std::string port = ":" + std::to_string(s_.port);
    for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) {
      if (host == name || host == std::string(name) + port) return true;
    }
    return false;
  }

  std::string CookieName() const { return "sendguard_" + std::to_string(s_.port); }

  bool HasSession(const HTTPServerRequest& req) const {
    Poco::Net::NameValueCollection cookies;
    req.getCookies(cookies);
    return s_.sessions.Valid(cookies.get(CookieName(), ""));
  }

  // A form post must come from the page itself: Origin (or, without it, Referer) names
  // this listener. Browsers send Origin with every POST; a request with neither is not
  // from our page.
  bool FromOwnPage(const HTTPServerRequest& req) const {
    const std::string port = ":" + std::to_string(s_.port);
    const std::string origin = req.get("Origin", "");
    const std::string referer = req.get("Referer", "");
    for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) {
      const std::string own = std::string("http://") + name + port;
      if (!origin.empty()) {
        if (origin == own) return true;
      } else if (referer.rfind(own + "/", 0) == 0) {
        return true;
      }
    }
    return false;
  }

  void AnswerFromPage(const std::string& id, HTTPServerRequest& req, HTTPServerResponse& res) {
    if (!FromOwnPage(req)) {
      Refuse(res, "ほかのページからの送信指示は受け付けません。",
             "Answers are accepted only from the confirmation page itself.");
      return;
    }
    Poco::Net::HTMLForm form;
    form.setFieldLimit(8);
    form.load(req, req.stream());
    const std::string csrf = s_.prompts.CsrfOf(id);
    const std::string decision = form.get("decision", "");
    if (csrf.empty()) {
      Page(res, HTTPResponse::HTTP_NOT_FOUND,
           RenderNoticePage("確認は終わっています",
                            "このメールの確認はすでに終わっているか、時間切れになりました。",
                            "This prompt was already answered or timed out."));
      return;
    }
    if (!SameSecret(form.get("csrf", ""), csrf) || (decision != "send" && decision != "cancel")) {
      Refuse(res, "確認ページの情報が正しくありません。ページを開き直してください。",
             "The form did not come from the current confirmation page.");
      return;
    }
    s_.prompts.Decide(
        id, decision == "send" ? PromptRegistry::Answer::kSend : PromptRegistry::Answer::kCancel);
    res.setStatusAndReason(HTTPResponse::HTTP_SEE_OTHER);
    res.set("Location", "/confirm");
    res.set("Cache-Control", "no-store");
    res.setContentLength(0);
    res.send();
  }

  bool Authorized(const HTTPServerRequest& req) const {
    return SameSecret(req.get("Authorization", ""), "Bearer " + s_.token);
  }

  std::string Body(HTTPServerRequest& req) const {
    std::string body;
    std::istream& in = req.stream();
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      body.append(buf, static_cast<std::size_t>(in.gcount()));
      if (body.size() > kMaxBody) throw Poco::DataException("request body too large");
    }
    return body;
  }

  void Handle(HTTPServerRequest& req, HTTPServerResponse& res) {
    if (!HostAllowed(req)) {
      Json(res, HTTPResponse::HTTP_FORBIDDEN, Error("Host must be the loopback address"));
      return;
    }
    const std::string uri = req.getURI();
    const std::string& method = req.getMethod();
    if (uri == "/confirm.css" && method == "GET") {
      Send(res, HTTPResponse::HTTP_OK, "text/css; charset=utf-8", std::string(ConfirmPageCss()));
      return;
    }
    if (uri.rfind("/confirm?k=", 0) == 0 && method == "GET") {
      const std::string session = s_.sessions.Redeem(uri.substr(11));
      if (session.empty()) {
        Refuse(res,
               "このリンクは使用済みか、期限が切れています。通知などから新しいリンクを開いて"
               "ください。",
               "This link was already used or has expired; open a new one.");
        return;
      }
      Poco::Net::HTTPCookie cookie(CookieName(), session);
      cookie.setPath("/");
      cookie.setHttpOnly(true);
      cookie.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_STRICT);
      cookie.setMaxAge(static_cast<int>(
          std::chrono::duration_cast<std::chrono::seconds>(PageSessions::kSessionLifetime)
              .count()));
      res.addCookie(cookie);
      Page(res, HTTPResponse::HTTP_OK, RenderEnterPage());
      return;
    }
    if (uri == "/confirm" || uri.rfind("/confirm/", 0) == 0 || uri.rfind("/confirm?", 0) == 0) {
      if (!HasSession(req)) {
        Refuse(res,
               "確認ページは、このパソコンで sendguard を使っている本人だけが開けます。"
               "通知などに示されたリンクから開いてください。",
               "Only the user sendguard runs for may open this page: use the link from the "
               "notification.");
        return;
      }
      if (uri == "/confirm" && method == "GET") {
        Page(res, HTTPResponse::HTTP_OK,
             RenderConfirmPage(s_.prompts.Pending(), s_.prompts.Recent(),
                               std::chrono::steady_clock::now()));
        return;
      }
      if (uri.rfind("/confirm/", 0) == 0 && method == "POST") {
        AnswerFromPage(uri.substr(9), req, res);
        return;
      }
      Page(res, HTTPResponse::HTTP_NOT_FOUND,
           RenderNoticePage("見つかりません", "このページはありません。", "Not found."));
      return;
    }
    if (uri.rfind("/v1/", 0) != 0) {
      Json(res, HTTPResponse::HTTP_NOT_FOUND, Error("not found"));
      return;
    }
    if (!Authorized(req)) {
      res.set("WWW-Authenticate", "Bearer");
      Json(res, HTTPResponse::HTTP_UNAUTHORIZED, Error("missing or wrong bearer token"));
      return;
    }
    if (uri == "/v1/status" && method == "GET") {
      const auto policy = s_.policies.Get();
      Poco::JSON::Object::Ptr o = NewObject();
      o->set("policy_version", policy->version());
      o->set("upstream", s_.status.upstream);
      o->set("central", s_.status.central ? s_.status.central() : std::string("off"));
      o->set("pending_events",
             static_cast<Poco::UInt64>(s_.status.pending_events ? s_.status.pending_events() : 0));
      const std::string warning = s_.status.outbox_warning ? s_.status.outbox_warning() : "";
      if (!warning.empty()) o->set("outbox_warning", warning);
      o->set("pending_prompts", static_cast<Poco::UInt64>(s_.prompts.Pending().size()));
      Json(res, HTTPResponse::HTTP_OK, ToJson(o));
      return;
    }
    if (uri == "/v1/page-link" && method == "POST") {
      Poco::JSON::Object::Ptr o = NewObject();
      o->set("url", PageLink(s_.port, s_.sessions.NewKey()));
      Json(res, HTTPResponse::HTTP_OK, ToJson(o));
      return;
    }
    if (uri == "/v1/prompts" && method == "GET") {
      Json(res, HTTPResponse::HTTP_OK, PromptsJson(s_.prompts.Pending()));
      return;
    }
    if (uri.rfind("/v1/prompts/", 0) == 0 && method == "POST") {
      const std::string id = uri.substr(12);
      const std::string body = Body(req);
      const std::optional<PromptRegistry::Answer> answer = ParsePromptDecision(body);
      if (!answer) {
        Json(res, HTTPResponse::HTTP_BAD_REQUEST,
             Error("body must be exactly {\"decision\": \"send\"} or "
                   "{\"decision\": \"cancel\"}"));
        return;
      }
      if (!s_.prompts.Decide(id, *answer)) {
        Json(res, HTTPResponse::HTTP_NOT_FOUND, Error("no such prompt (answered or timed out?)"));
        return;
      }
      Poco::JSON::Object::Ptr o = NewObject();
      o->set("ok", true);
      Json(res, HTTPResponse::HTTP_OK, ToJson(o));
      return;
    }
    if (uri == "/v1/check" && method == "POST") {
      const std::string body = Body(req);
      const PolicyInForce in_force = s_.policies.Current();
      const auto result = mailcheck::Decide(*in_force.policy, *in_force.checker, body);
      ReleaseMemoryAfterCheck(body.size());
      if (!result.ok()) {
        Json(res, HTTPResponse::HTTP_BAD_REQUEST, Error(result.error()));
        return;
      }
      Json(res, HTTPResponse::HTTP_OK, mailcheck::DecisionToJson(result.value()));
      return;
    }
    if (uri == "/v1/confirmations" && method == "POST" && s_.confirmations) {
      const std::string body = Body(req);
      const PolicyInForce in_force = s_.policies.Current();
      mailcheck::DecideOptions options;
      options.scan_only_when_needed = true;  // as the relay decides, so the binding matches
      const auto result = mailcheck::Decide(*in_force.policy, *in_force.checker, body, {}, options);
      ReleaseMemoryAfterCheck(body.size());
      if (!result.ok()) {
        Json(res, HTTPResponse::HTTP_BAD_REQUEST, Error(result.error()));
        return;
      }
      const mailcheck::Decision& d = result.value();
      if (d.verdict == mailcheck::Verdict::kBlock) {
        Json(res, HTTPResponse::HTTP_CONFLICT,
             Error("送信ポリシーにより送信できないメールです。確認済みにはできません。 / "
                   "This message is blocked by the policy and cannot be confirmed."));
        return;
      }
      Poco::JSON::Object::Ptr o = NewObject();
      o->set("header", std::string(kConfirmHeaderName));
      o->set("value", s_.confirmations->Issue(ConfirmationBinding(d, EnvelopeRecipients(d))));
      o->set("expires_in", static_cast<Poco::Int64>(s_.confirmations->lifetime().count()));
      o->set("verdict", std::string(mailcheck::VerdictName(d.verdict)));
      Json(res, HTTPResponse::HTTP_OK, ToJson(o));
      return;
    }
    Json(res, HTTPResponse::HTTP_NOT_FOUND, Error("not found"));
  }

  ControlApi::Shared& s_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(ControlApi::Shared& shared) : s_(shared) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(s_);
  }

 private:
  ControlApi::Shared& s_;
};

// Writes `content` to `path` so that no other user can read it at any moment: under a
// fresh temporary name created 0600 with O_EXCL (a file someone planted under a guessable
// name is never opened), fsync'd, renamed over `path`, the directory fsync'd.
void WritePrivateFile(const std::string& path, const std::string& content) {
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    tmp = path + ".tmp." + RandomToken(8);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST)
      throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
  }
  if (fd < 0) throw std::runtime_error("cannot create a temporary file beside " + path);
  std::string_view rest = content;
  bool ok = ::fchmod(fd, 0600) == 0;
  while (ok && !rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) rest.remove_prefix(static_cast<std::size_t>(n));
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = ok ? errno : saved;
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
  }
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

// The token in `path` when it is a regular file of ours that nobody else can read;
// "" otherwise (then a new token is made: one others could read may have leaked).
std::string ReadPrivateToken(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return "";
  struct stat st {};
  std::string token;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
      (st.st_mode & 077) == 0 && st.st_size < 4096) {
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) token.assign(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.size() < 32 || token.find_first_not_of("0123456789abcdef") != std::string::npos)
    return "";
  return token;
}

}  // namespace

std::optional<PromptRegistry::Answer> ParsePromptDecision(std::string_view body) {
  if (body.size() > kMaxDecisionBody) return std::nullopt;
  Poco::JSON::Handler::Ptr handler = new DecisionHandler;
  try {
    Poco::JSON::Parser parser(handler);
    parser.setAllowComments(false);
    parser.setAllowNullByte(false);
    parser.parse(std::string(body));
  } catch (const Poco::Exception&) {
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return static_cast<const DecisionHandler&>(*handler).Result();
}

ControlApi::ControlApi(std::string host, std::uint16_t port, std::string state_dir,
                       PromptRegistry& prompts, const PolicyStore& policies, ControlStatus status)
    : host_(std::move(host)), port_(port), state_dir_(std::move(state_dir)) {
  shared_.reset(new Shared{"", 0, prompts, policies, std::move(status), {}});
}

ControlApi::~ControlApi() { Stop(); }

void ControlApi::Start() {
  // The state dir holds the token, the audit log and the outbox: ours alone.
  struct stat dir {};
  if (::stat(state_dir_.c_str(), &dir) == 0 && dir.st_uid == ::geteuid() && (dir.st_mode & 077))
    ::chmod(state_dir_.c_str(), 0700);
  const std::string token_path = state_dir_ + "/control.token";
  token_ = ReadPrivateToken(token_path);
  if (token_.empty()) {
    token_ = RandomToken();
    WritePrivateFile(token_path, token_ + "\n");
  }
  try {
    // Without SO_REUSEPORT (Poco's ServerSocket(address, backlog) sets it): a second agent
    // on this port must fail, not take half of the page's requests.
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(host_, port_), /*reuseAddress=*/true,
                /*reusePort=*/false);
    socket.listen(16);
    port_ = socket.address().port();
    shared_->token = token_;
    shared_->port = port_;
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(8);
    params->setKeepAlive(false);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*shared_), socket, params);
    server_->start();
  } catch (const Poco::Net::NetException& e) {
    const std::string where = host_ + ":" + std::to_string(port_);
    if (e.code() == EADDRINUSE)
      throw std::runtime_error("確認ページのポート " + where +
                               " は使用中です (another sendguard-agent?); cannot listen on " +
                               where + " for the control API: the port is already in use");
    throw std::runtime_error("cannot listen on " + where +
                             " for the control API: " + e.displayText());
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot listen on " + host_ + ":" + std::to_string(port_) +
                             " for the control API: " + e.displayText());
  }
  WritePrivateFile(state_dir_ + "/control.port", std::to_string(port_) + "\n");
}

void ControlApi::SetConfirmations(Confirmations* confirmations) {
  shared_->confirmations = confirmations;
}

std::string ControlApi::NewPageLink() { return PageLink(port_, shared_->sessions.NewKey()); }

void ControlApi::Stop() {
  if (server_) {
    server_->stop();
    server_.reset();
  }
}

}  // namespace agent
