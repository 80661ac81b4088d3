// The agent's HTTP(S) client for central, on Poco's HTTP client and its OpenSSL binding,
// which the agent has loaded anyway for the upstream's TLS. It was libcurl; libcurl brings
// 27 more libraries (LDAP, RTMP, SSH, Kerberos, and GnuTLS with p11-kit through them), 6 MB
// of an idle agent's memory (docs/PERFORMANCE.md, "Idle memory"). What the agent used of
// curl is kept: http and https only, certificates and host names verified (the system
// store or --central-ca), a proxy from the environment (https_proxy, http_proxy,
// no_proxy), 5 s to connect and 30 s for the whole request.
#include "agent/central_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <istream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

namespace agent {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kConnectTimeout{5};
constexpr std::chrono::seconds kRequestTimeout{30};
// A reply from central is a policy or a short JSON answer: a body past this is not read
// (a broken or hostile server cannot make the agent hold it).
constexpr std::size_t kMaxReplyBytes = 16u << 20;

// The system's CA certificates as a directory of hashed names: $SSL_CERT_DIR when it names
// a directory (as OpenSSL reads it), else Debian's /etc/ssl/certs.
std::string SystemCaDirectory() {
  const char* dir = std::getenv("SSL_CERT_DIR");
  std::error_code ec;
  if (dir && *dir && std::filesystem::is_directory(dir, ec)) return dir;
  return "/etc/ssl/certs";
}

Poco::Timespan Left(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()).count();
  return Poco::Timespan(left > 1000 ? left : 1000);
}

const char* Env(const char* lower, const char* upper) {
  const char* v = std::getenv(lower);
  if ((!v || !*v) && upper) v = std::getenv(upper);
  return v && *v ? v : nullptr;
}

bool IsLoopback(const std::string& host) {
  Poco::Net::IPAddress address;
  return host == "localhost" ||
         (Poco::Net::IPAddress::tryParse(host, address) && address.isLoopback());
}

// no_proxy as curl reads it: "*", or names whose domain (with or without a leading dot)
// ends the host name.
bool NoProxyFor(const std::string& host) {
  const char* list = Env("no_proxy", "NO_PROXY");
  if (!list) return false;
  std::stringstream entries(list);
  std::string entry;
  const std::string h = Poco::toLower(host);
  while (std::getline(entries, entry, ',')) {
    entry = Poco::toLower(Poco::trim(entry));
    while (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
    if (entry.empty()) continue;
    if (entry == "*" || h == entry) return true;
    if (h.size() > entry.size() && h.compare(h.size() - entry.size(), entry.size(), entry) == 0 &&
        h[h.size() - entry.size() - 1] == '.')
      return true;
  }
  return false;
}

struct Proxy {
  std::string host;
  Poco::UInt16 port = 0;
  std::string user, password;
};

// The proxy the environment names for `uri` (as curl: https_proxy or HTTPS_PROXY for
// https, http_proxy for http, else all_proxy), never for a loopback central. Only HTTP
// proxies; `error` is set for anything else.
std::optional<Proxy> ProxyFor(const Poco::URI& uri, std::string* error) {
  if (IsLoopback(uri.getHost()) || NoProxyFor(uri.getHost())) return std::nullopt;
  const char* value =
      uri.getScheme() == "https" ? Env("https_proxy", "HTTPS_PROXY") : Env("http_proxy", nullptr);
  if (!value) value = Env("all_proxy", "ALL_PROXY");
  if (!value) return std::nullopt;
  std::string text = value;
  if (text.find("://") == std::string::npos) text = "http://" + text;
  Poco::URI proxy(text);
  if (proxy.getScheme() != "http" || proxy.getHost().empty()) {
    *error = "proxy " + proxy.getScheme() + "://" + proxy.getHost() +
             " is not an HTTP proxy; only http:// proxies are supported";
    return std::nullopt;
  }
  Proxy p{proxy.getHost(), proxy.getSpecifiedPort() ? proxy.getPort() : Poco::UInt16(1080), "", ""};
  const std::string info = proxy.getUserInfo();
  const std::size_t colon = info.find(':');
  Poco::URI::decode(info.substr(0, colon), p.user);
  if (colon != std::string::npos) Poco::URI::decode(info.substr(colon + 1), p.password);
  return p;
}

}  // namespace

CentralClient::CentralClient(std::string base_url, std::string token, std::string ca_file)
    : base_url_(base_url.size() > 1 && base_url.back() == '/'
                    ? base_url.substr(0, base_url.size() - 1)
                    : std::move(base_url)),
      token_(std::move(token)),
      ca_file_(std::move(ca_file)) {}

mailcheck::Result<std::string> CentralClient::LoadToken(const std::string& path) {
  using R = mailcheck::Result<std::string>;
  std::ifstream in(path, std::ios::binary);
  if (!in) return R::Error(path + ": cannot read the agent token file");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string token = Poco::trim(ss.str());
  if (token.empty()) return R::Error(path + ": the agent token file is empty");
  if (token.find_first_of(" \t\r\n") != std::string::npos)
    return R::Error(path + ": the agent token file must hold one token on one line");
  return R(std::move(token));
}

std::string CentralClient::StateName() const {
  switch (state_.load()) {
    case State::kOk:
      return "ok";
    case State::kRevoked:
      return "revoked";
    case State::kUnknown:
    case State::kOffline:
      break;
  }
  return "offline";
}

void CentralClient::SetToken(std::string token) {
  std::lock_guard<std::mutex> lock(token_mutex_);
  token_ = std::move(token);
}

HttpReply CentralClient::Get(const std::string& path, const std::vector<std::string>& headers) {
  return Request("GET", path, headers, "");
}

HttpReply CentralClient::Post(const std::string& path, const std::string& json_body) {
  return Request("POST", path, {"Content-Type: application/json"}, json_body);
}

Poco::Net::Context::Ptr CentralClient::TlsContext() {
  std::lock_guard<std::mutex> lock(tls_mutex_);
  if (!tls_) {
    // Peer verified (and a peer certificate required), host name checked against it
    // (Poco's extended verification, on by default); the system store unless a CA file.
    // The system store as its directory of hashed names (Debian's update-ca-certificates
    // keeps it), read for the one CA a handshake needs: OpenSSL's default paths would
    // parse the whole bundle into memory, 1.1 MB of an idle agent's.
    Poco::Net::Context::Params params;
    params.caLocation = ca_file_.empty() ? SystemCaDirectory() : ca_file_;
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.verificationDepth = 9;
    params.loadDefaultCAs = false;
    tls_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  }
  return tls_;
}

HttpReply CentralClient::Request(const std::string& method, const std::string& path,
                                 const std::vector<std::string>& headers, const std::string& body) {
  HttpReply reply;
  const Clock::time_point deadline = Clock::now() + kRequestTimeout;
  try {
    const Poco::URI uri(base_url_ + path);
    const std::string scheme = uri.getScheme();
    if (scheme != "http" && scheme != "https") {
      throw Poco::InvalidArgumentException("central's URL must be http:// or https://, not " +
                                           scheme + "://");
    }
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (scheme == "https")
      session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                                TlsContext());
    else
      session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    std::string proxy_error;
    if (std::optional<Proxy> proxy = ProxyFor(uri, &proxy_error)) {
      session->setProxy(proxy->host, proxy->port);
      if (!proxy->user.empty()) session->setProxyCredentials(proxy->user, proxy->password);
    }
    if (!proxy_error.empty()) throw Poco::InvalidArgumentException(proxy_error);
    session->setKeepAlive(false);
    session->setTimeout(Poco::Timespan(kConnectTimeout.count(), 0), Left(deadline), Left(deadline));
    Poco::Net::HTTPRequest request(method, uri.getPathAndQuery(), Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost(uri.getHost(), uri.getPort());
    {
      std::lock_guard<std::mutex> lock(token_mutex_);
      request.set("Authorization", "Bearer " + token_);
    }
    request.set("Accept", "application/json");
    for (const std::string& h : headers) {
      const std::size_t colon = h.find(':');
      if (colon == std::string::npos) continue;
      request.set(Poco::trim(h.substr(0, colon)), Poco::trim(h.substr(colon + 1)));
    }
    if (method == "POST") request.setContentLength(static_cast<std::streamsize>(body.size()));
    std::ostream& out = session->sendRequest(request);
    if (method == "POST") out.write(body.data(), static_cast<std::streamsize>(body.size()));
    session->socket().setReceiveTimeout(Left(deadline));
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    reply.status = static_cast<long>(response.getStatus());
    reply.etag = response.get("ETag", "");
    char buffer[16384];
    while (in) {
      if (Clock::now() >= deadline) throw Poco::TimeoutException("the whole request took 30 s");
      session->socket().setReceiveTimeout(Left(deadline));
      in.read(buffer, sizeof buffer);
      reply.body.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (reply.body.size() > kMaxReplyBytes)
        throw Poco::DataException("central's reply is larger than 16 MiB");
    }
    // A connection that broke or timed out mid-body sets badbit (the stream keeps the
    // exception); one closed early ends it short of its length. Either is no answer: a
    // part of a reply must not be taken for all of it.
    if (in.bad()) throw Poco::IOException("the connection broke while central's reply was read");
    if (response.hasContentLength() &&
        static_cast<std::uint64_t>(response.getContentLength64()) != reply.body.size()) {
      throw Poco::IOException("central's reply ended after " + std::to_string(reply.body.size()) +
                              " of " + std::to_string(response.getContentLength64()) + " bytes");
    }
  } catch (const Poco::Exception& e) {
    reply = HttpReply{};
    reply.error = e.displayText();
  } catch (const std::exception& e) {
    reply = HttpReply{};
    reply.error = e.what();
  }
  reachable_ =
      reply.status >= 200 && reply.status < 500 && reply.status != 401 && reply.status != 403;
  if (reply.status == 401 || reply.status == 403) {
    state_ = State::kRevoked;
  } else {
    state_ = reachable_ ? State::kOk : State::kOffline;
  }
  return reply;
}

}  // namespace agent
