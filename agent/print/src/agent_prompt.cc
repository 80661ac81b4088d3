#include "print_guard/agent_prompt.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

#include <fstream>
#include <sstream>

#include "agent/event_builder.h"

namespace print_guard {
namespace {

void Say(std::string* why, std::string text) {
  if (why) *why = std::move(text);
}

// A user name that is safe as a file name (CUPS user names are login names).
bool SafeName(const std::string& user) {
  if (user.empty() || user.size() > 64 || user[0] == '.') return false;
  for (char c : user) {
    if (c == '/' || c == '\0') return false;
  }
  return true;
}

}  // namespace

PromptAnswer AskAgent(const PromptRequest& request, const BackendJob& job, const JobCheck& check,
                      const PrintDecision& decision, std::string* why) {
  if (request.prompt_dir.empty() || !SafeName(job.user)) {
    Say(why, "no prompt directory or an unusable user name");
    return PromptAnswer::kNoAnswer;
  }
  const std::string path = request.prompt_dir + "/" + job.user;
  std::ifstream in(path);
  if (!in) {
    Say(why, "no agent registered for " + job.user);
    return PromptAnswer::kNoAnswer;
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    Poco::JSON::Object::Ptr reg =
        Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>();
    const int port = reg->getValue<int>("port");
    const std::string key = reg->getValue<std::string>("key");
    if (port <= 0 || port > 65535 || key.empty()) {
      Say(why, path + ": bad registration");
      return PromptAnswer::kNoAnswer;
    }
    Poco::JSON::Object body;
    body.set("job_id", job.job_id);
    body.set("printer", agent::MaskDigits(job.printer));
    body.set("title", agent::MaskDigits(job.title));
    body.set("copies", job.copies);
    body.set("message", decision.message);
    Poco::JSON::Array reasons;
    for (const std::string& r : decision.reasons) reasons.add(r);
    body.set("reasons", reasons);
    Poco::JSON::Object findings;
    for (int k = 0; k < doccheck::kKindCount; ++k) {
      const int n = check.report.CountKind(static_cast<doccheck::Kind>(k));
      if (n > 0) findings.set(std::string(doccheck::KindName(static_cast<doccheck::Kind>(k))), n);
    }
    body.set("findings", findings);
    std::ostringstream json;
    body.stringify(json);

    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(static_cast<long>(request.timeout.count()), 0));
    Poco::Net::HTTPRequest post(Poco::Net::HTTPRequest::HTTP_POST, "/v1/print-prompts",
                                Poco::Net::HTTPMessage::HTTP_1_1);
    post.set("Authorization", "Bearer " + key);
    post.setContentType("application/json");
    post.setContentLength(static_cast<std::streamsize>(json.str().size()));
    session.sendRequest(post) << json.str();
    Poco::Net::HTTPResponse response;
    std::istream& rs = session.receiveResponse(response);
    std::string reply;
    Poco::StreamCopier::copyToString(rs, reply, 1 << 16);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
      Say(why, "the agent answered " + std::to_string(response.getStatus()));
      return PromptAnswer::kNoAnswer;
    }
    Poco::JSON::Object::Ptr answer =
        Poco::JSON::Parser().parse(reply).extract<Poco::JSON::Object::Ptr>();
    const std::string decided = answer->optValue<std::string>("decision", "");
    if (decided == "print") return PromptAnswer::kPrint;
    if (decided == "cancel") return PromptAnswer::kCancel;
    Say(why, "the agent's answer has no decision");
  } catch (const Poco::Exception& e) {
    Say(why, e.displayText());
  } catch (const std::exception& e) {
    Say(why, e.what());
  }
  return PromptAnswer::kNoAnswer;
}

}  // namespace print_guard
