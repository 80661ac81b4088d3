// The only file that touches libcurl. libcurl (and its 15 libraries: Kerberos, LDAP,
// SSH, ...) is loaded with dlopen when the first CentralClient is made, that is only with
// --central: an agent without a central maps none of it (docs/PERFORMANCE.md, "Idle
// memory").
#include "agent/central_client.h"

#include <Poco/String.h>
#include <curl/curl.h>
#include <dlfcn.h>

#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

namespace agent {
namespace {

struct CurlApi {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
};

template <typename F>
bool Resolve(void* lib, const char* name, F* out) {
  *out = reinterpret_cast<F>(dlsym(lib, name));
  return *out != nullptr;
}

// libcurl.so.4, loaded and initialised once; `error` says why not when it is null.
const CurlApi* LoadCurl(std::string* error) {
  static std::string why;
  static const std::optional<CurlApi> api = []() -> std::optional<CurlApi> {
    void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* e = dlerror();
      why = std::string("libcurl could not be loaded: ") + (e ? e : "libcurl.so.4");
      return std::nullopt;
    }
    CurlApi a{};
    if (!Resolve(lib, "curl_global_init", &a.global_init) ||
        !Resolve(lib, "curl_easy_init", &a.easy_init) ||
        !Resolve(lib, "curl_easy_setopt", &a.easy_setopt) ||
        !Resolve(lib, "curl_easy_perform", &a.easy_perform) ||
        !Resolve(lib, "curl_easy_getinfo", &a.easy_getinfo) ||
        !Resolve(lib, "curl_easy_strerror", &a.easy_strerror) ||
        !Resolve(lib, "curl_easy_cleanup", &a.easy_cleanup) ||
        !Resolve(lib, "curl_slist_append", &a.slist_append) ||
        !Resolve(lib, "curl_slist_free_all", &a.slist_free_all)) {
      why = "libcurl.so.4 lacks a function sendguard needs";
      return std::nullopt;
    }
    a.global_init(CURL_GLOBAL_DEFAULT);
    return a;
  }();
  if (!api && error) *error = why;
  return api ? &*api : nullptr;
}

std::size_t Collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::size_t CollectHeader(char* data, std::size_t size, std::size_t n, void* out) {
  std::string line(data, size * n);
  if (line.size() > 5 && (line.compare(0, 5, "ETag:") == 0 || line.compare(0, 5, "etag:") == 0 ||
                          line.compare(0, 5, "Etag:") == 0)) {
    std::string value = line.substr(5);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.pop_back();
    *static_cast<std::string*>(out) = value;
  }
  return size * n;
}

}  // namespace

CentralClient::CentralClient(std::string base_url, std::string token, std::string ca_file)
    : base_url_(base_url.size() > 1 && base_url.back() == '/'
                    ? base_url.substr(0, base_url.size() - 1)
                    : std::move(base_url)),
      token_(std::move(token)),
      ca_file_(std::move(ca_file)) {
  LoadCurl(nullptr);  // curl_global_init is not thread-safe: done here, before any Request
}

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

HttpReply CentralClient::Request(const std::string& method, const std::string& path,
                                 const std::vector<std::string>& headers, const std::string& body) {
  HttpReply reply;
  const CurlApi* api = LoadCurl(&reply.error);
  CURL* curl = api ? api->easy_init() : nullptr;
  if (!curl) {
    if (api) reply.error = "curl_easy_init failed";
    reachable_ = false;
    return reply;
  }
  curl_slist* list = nullptr;
  {
    std::lock_guard<std::mutex> lock(token_mutex_);
    list = api->slist_append(list, ("Authorization: Bearer " + token_).c_str());
  }
  list = api->slist_append(list, "Accept: application/json");
  list = api->slist_append(list, "Expect:");
  for (const std::string& h : headers) list = api->slist_append(list, h.c_str());
  const std::string url = base_url_ + path;
  char error[CURL_ERROR_SIZE] = {};
  api->easy_setopt(curl, CURLOPT_URL, url.c_str());
  api->easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  api->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
  api->easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  api->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  api->easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  api->easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!ca_file_.empty()) api->easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
  api->easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  api->easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  api->easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  api->easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  api->easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  api->easy_setopt(curl, CURLOPT_HEADERDATA, &reply.etag);
  if (method == "POST") {
    api->easy_setopt(curl, CURLOPT_POST, 1L);
    api->easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    api->easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  const CURLcode rc = api->easy_perform(curl);
  if (rc == CURLE_OK) {
    api->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  } else {
    reply.status = 0;
    reply.error = error[0] ? error : api->easy_strerror(rc);
    reply.body.clear();
  }
  api->slist_free_all(list);
  api->easy_cleanup(curl);
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
