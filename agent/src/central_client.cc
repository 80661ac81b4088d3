// The only file that touches libcurl.
#include "agent/central_client.h"

#include <Poco/String.h>
#include <curl/curl.h>

#include <fstream>
#include <mutex>
#include <sstream>

namespace agent {
namespace {

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
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
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
  CURL* curl = curl_easy_init();
  if (!curl) {
    reply.error = "curl_easy_init failed";
    reachable_ = false;
    return reply;
  }
  curl_slist* list = nullptr;
  {
    std::lock_guard<std::mutex> lock(token_mutex_);
    list = curl_slist_append(list, ("Authorization: Bearer " + token_).c_str());
  }
  list = curl_slist_append(list, "Accept: application/json");
  list = curl_slist_append(list, "Expect:");
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  const std::string url = base_url_ + path;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!ca_file_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.etag);
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  const CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  } else {
    reply.status = 0;
    reply.error = error[0] ? error : curl_easy_strerror(rc);
    reply.body.clear();
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
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
