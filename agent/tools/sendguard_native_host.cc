// sendguard-native-host: the Thunderbird add-on's way to the agent (native messaging,
// docs/THUNDERBIRD_ADDON.md). Thunderbird starts it per message; it reads ONE request
// (4-byte native-endian length + UTF-8 JSON) from stdin, answers ONE response the same
// way on stdout, and exits. The add-on never sees the control token: this program reads
// it from the agent's state directory ($SENDGUARD_AGENT_STATE_DIR, else
// $XDG_STATE_HOME/sendguard/agent, else ~/.local/state/sendguard/agent).
//
// Request:  {"op": "check" | "confirm", "message": "<RFC 5322 message>"}
// Response: {"ok": true, "status": 200, "result": {...the agent's JSON...}}
//           {"ok": false, "error": "agent_unreachable" | "bad_request" | ...,
//            "status": N, "message": "<Japanese> / <English>"}
// For "check", each attachment's findings are cut to 10 (with "kind_counts" over all of
// them added) so the answer stays under native messaging's 1 MB limit.
// This file is the host's only Poco user: Poco exceptions end here.
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

constexpr std::uint32_t kMaxRequest = 64u << 20;
constexpr std::size_t kMaxResponse = 1000000;  // Thunderbird refuses more than 1 MB
constexpr std::size_t kFindingsKept = 10;

std::string ToJson(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(v, out);
  return out.str();
}

void Write(const std::string& json) {
  const auto n = static_cast<std::uint32_t>(json.size());
  std::fwrite(&n, sizeof n, 1, stdout);
  std::fwrite(json.data(), 1, json.size(), stdout);
  std::fflush(stdout);
}

void Fail(const std::string& error, const std::string& message, int status = 0) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("ok", false);
  o.set("error", error);
  o.set("status", status);
  o.set("message", message);
  Write(ToJson(o));
}

std::string StateDir() {
  if (const char* d = std::getenv("SENDGUARD_AGENT_STATE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x)
    return std::string(x) + "/sendguard/agent";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + "/.local/state/sendguard/agent";
}

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// Counts findings by kind in `report` and its children; keeps the first few of each.
void CountAndTrim(Poco::JSON::Object::Ptr report, Poco::JSON::Object::Ptr counts) {
  if (auto findings = report->getArray("findings")) {
    Poco::JSON::Array::Ptr kept = new Poco::JSON::Array;
    for (std::size_t i = 0; i < findings->size(); ++i) {
      Poco::JSON::Object::Ptr f = findings->getObject(static_cast<unsigned>(i));
      if (!f) continue;
      const std::string kind = f->optValue<std::string>("kind", "");
      counts->set(kind, counts->optValue<int>(kind, 0) + 1);
      if (kept->size() < kFindingsKept) kept->add(f);
    }
    report->set("findings", kept);
  }
  if (auto children = report->getArray("children")) {
    for (std::size_t i = 0; i < children->size(); ++i)
      if (auto c = children->getObject(static_cast<unsigned>(i))) CountAndTrim(c, counts);
  }
}

int Run() {
  std::uint32_t n = 0;
  if (std::fread(&n, sizeof n, 1, stdin) != 1 || n == 0 || n > kMaxRequest) {
    Fail("bad_request", "要求を読み取れませんでした。 / The request could not be read.");
    return 1;
  }
  std::string request(n, '\0');
  if (std::fread(request.data(), 1, n, stdin) != n) {
    Fail("bad_request", "要求を読み取れませんでした。 / The request could not be read.");
    return 1;
  }
  Poco::JSON::Parser parser;
  const Poco::JSON::Object::Ptr req = parser.parse(request).extract<Poco::JSON::Object::Ptr>();
  const std::string op = req->optValue<std::string>("op", "");
  const std::string message = req->optValue<std::string>("message", "");
  const std::string path = op == "check" ? "/v1/check" : op == "confirm" ? "/v1/confirmations" : "";
  if (path.empty() || message.empty()) {
    Fail("bad_request", "要求の形式が正しくありません。 / Unknown op or empty message.");
    return 1;
  }
  const std::string dir = StateDir();
  const std::string port = FirstLine(dir + "/control.port");
  const std::string token = FirstLine(dir + "/control.token");
  if (port.empty() || token.empty()) {
    Fail("agent_unreachable",
         "sendguard エージェントが動いていません (" + dir +
             " に control.port がありません)。 / The sendguard agent is not running.");
    return 0;
  }
  std::string body;
  int status = 0;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(std::stoi(port)));
    session.setTimeout(Poco::Timespan(120, 0));
    Poco::Net::HTTPRequest http(Poco::Net::HTTPRequest::HTTP_POST, path,
                                Poco::Net::HTTPMessage::HTTP_1_1);
    http.setHost("127.0.0.1:" + port);
    http.set("Authorization", "Bearer " + token);
    http.setContentType("message/rfc822");
    http.setContentLength(static_cast<std::streamsize>(message.size()));
    session.sendRequest(http) << message;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    Poco::StreamCopier::copyToString(in, body);
    status = res.getStatus();
  } catch (const Poco::Exception& e) {
    Fail("agent_unreachable",
         "sendguard エージェントに接続できません。 / Cannot reach the sendguard agent: " +
             e.displayText());
    return 0;
  }
  Poco::Dynamic::Var result;
  try {
    result = Poco::JSON::Parser().parse(body);
  } catch (const Poco::Exception&) {
    Fail("bad_answer", "エージェントの応答を読めません。 / Unreadable answer from the agent.",
         status);
    return 0;
  }
  if (status != 200) {
    std::string why;
    if (auto o = result.extract<Poco::JSON::Object::Ptr>())
      why = o->optValue<std::string>("error", "");
    Fail(status == 409 ? "blocked" : "agent_error", why, status);
    return 0;
  }
  if (op == "check") {
    if (auto o = result.extract<Poco::JSON::Object::Ptr>()) {
      for (const char* list : {"attachments", "body_parts"}) {
        if (auto parts = o->getArray(list)) {
          for (std::size_t i = 0; i < parts->size(); ++i) {
            if (auto part = parts->getObject(static_cast<unsigned>(i))) {
              Poco::JSON::Object::Ptr counts =
                  new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
              CountAndTrim(part, counts);
              part->set("kind_counts", counts);
            }
          }
        }
      }
    }
  }
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("ok", true);
  out.set("status", status);
  out.set("result", result);
  const std::string json = ToJson(out);
  if (json.size() > kMaxResponse) {
    Fail("too_large", "検査結果が大きすぎて表示できません。 / The result is too large to show.");
    return 0;
  }
  Write(json);
  return 0;
}

}  // namespace

int main() {
  try {
    return Run();
  } catch (const Poco::Exception& e) {
    Fail("bad_request", "要求の形式が正しくありません。 / " + e.displayText());
  } catch (const std::exception& e) {
    Fail("bad_request", "要求の形式が正しくありません。 / " + std::string(e.what()));
  }
  return 1;
}
