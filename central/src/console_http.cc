// The only console file that touches Poco's HTTP server: Poco exceptions end here.
#include "central/console/console_http.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstdio>

#include "central/console/console.h"
#include "central/event_intake.h"

namespace central::console {
namespace {

constexpr std::size_t kMaxBody = 4u << 20;
constexpr char kPolicy[] =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

class ConsoleRequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ConsoleRequestHandler(Console& console) : console_(console) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& res) override {
    WebResponse reply;
    bool close = false;
    try {
      WebRequest r;
      r.method = req.getMethod();
      const std::string uri = req.getURI();
      const std::size_t q = uri.find('?');
      r.path = uri.substr(0, q);
      if (q != std::string::npos) r.query = ParseUrlEncoded(uri.substr(q + 1));
      for (const auto& [k, v] : req) r.headers[Lower(k)] = v;
      r.peer = req.clientAddress().host().toString();
      if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(kMaxBody)) {
        reply.status = 413;
        reply.body = "リクエストが大きすぎます (4 MiB まで) / request too large";
        reply.content_type = "text/plain; charset=utf-8";
        close = true;
      } else {
        std::istream& in = req.stream();
        char buf[65536];
        while (in && r.body.size() <= kMaxBody) {
          in.read(buf, sizeof buf);
          r.body.append(buf, static_cast<std::size_t>(in.gcount()));
        }
        if (r.body.size() > kMaxBody) {
          reply.status = 413;
          reply.body = "リクエストが大きすぎます (4 MiB まで) / request too large";
          reply.content_type = "text/plain; charset=utf-8";
          close = true;
        } else {
          reply = console_.Handle(r);
        }
      }
    } catch (const Poco::Exception& e) {
      std::fprintf(stderr, "sendguard-central: console: %s\n", e.displayText().c_str());
      reply = WebResponse{500, "text/plain; charset=utf-8", "内部エラー / internal error", {}};
    }
    try {
      res.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
      res.set("Content-Security-Policy", kPolicy);
      res.set("X-Content-Type-Options", "nosniff");
      res.set("X-Frame-Options", "DENY");
      res.set("Referrer-Policy",
              "same-origin");  // "no-referrer" makes Chromium send "Origin: null"
      bool cache_set = false;
      for (const auto& [k, v] : reply.headers) {
        if (k == "Set-Cookie")
          res.add(k, v);
        else
          res.set(k, v);
        cache_set = cache_set || k == "Cache-Control";
      }
      if (!cache_set) res.set("Cache-Control", "no-store");
      if (close) res.setKeepAlive(false);
      res.setContentType(reply.content_type);
      res.setContentLength(static_cast<std::streamsize>(reply.body.size()));
      if (req.getMethod() == "HEAD")
        res.send();
      else
        res.send() << reply.body;
    } catch (const Poco::Exception& e) {
      std::fprintf(stderr, "sendguard-central: console: sending a reply: %s\n",
                   e.displayText().c_str());
    }
  }

 private:
  Console& console_;
};

}  // namespace

WebResponse JsonReply(int status, const std::string& body) {
  WebResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = body;
  return r;
}

WebResponse JsonError(int status, const std::string& english, const std::string& japanese) {
  return JsonReply(status, ErrorJson(english, japanese));
}

WebResponse Redirect(const std::string& to) {
  WebResponse r;
  r.status = 303;
  r.headers.emplace_back("Location", to);
  return r;
}

Poco::Net::HTTPRequestHandler* NewConsoleRequestHandler(Console& console) {
  return new ConsoleRequestHandler(console);
}

}  // namespace central::console
