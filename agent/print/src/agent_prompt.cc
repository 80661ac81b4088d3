#include "print_guard/agent_prompt.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <pwd.h>
#include <sys/stat.h>

#include <sstream>

#include "agent/event_builder.h"
#include "agent/print_prompt_socket.h"

namespace print_guard {
namespace {

PromptAnswer Unreachable(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return PromptAnswer::kUnreachable;
}

void AddSamples(const doccheck::FileReport& r, Poco::JSON::Array* out) {
  for (const doccheck::Finding& f : r.findings) {
    if (out->size() >= 4) return;
    if (!f.masked.empty()) out->add(f.masked);
  }
  for (const doccheck::FileReport& c : r.children) AddSamples(c, out);
}

std::string Body(const PromptRequest& request, const BackendJob& job, const JobCheck& check,
                 const PrintDecision& decision) {
  Poco::JSON::Object body;
  body.set("user", job.user);
  body.set("job_id", job.job_id);
  body.set("printer", agent::MaskDigits(job.printer));
  body.set("title", agent::MaskDigits(job.title));
  body.set("copies", job.copies);
  body.set("bytes", static_cast<Poco::UInt64>(check.size));
  body.set("content_type", job.content_type);
  body.set("message", decision.message);
  body.set("timeout", static_cast<Poco::Int64>(request.timeout.count()));
  Poco::JSON::Array reasons;
  for (const std::string& r : decision.reasons) reasons.add(r);
  body.set("reasons", reasons);
  Poco::JSON::Object findings;
  for (int k = 0; k < doccheck::kKindCount; ++k) {
    const int n = check.report.CountKind(static_cast<doccheck::Kind>(k));
    if (n > 0) findings.set(std::string(doccheck::KindName(static_cast<doccheck::Kind>(k))), n);
  }
  body.set("findings", findings);
  Poco::JSON::Array samples;
  AddSamples(check.report, &samples);
  body.set("samples", samples);
  std::ostringstream json;
  body.stringify(json);
  return json.str();
}

}  // namespace

PromptAnswer AskAgent(const PromptRequest& request, const BackendJob& job, const JobCheck& check,
                      const PrintDecision& decision, std::string* why) {
  if (request.prompt_dir.empty()) return Unreachable(why, "no prompt_dir configured");
  // The user as the system knows them; a name that is no account has no agent.
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (job.user.empty() || ::getpwnam_r(job.user.c_str(), &pw, buf, sizeof buf, &found) != 0 ||
      !found)
    return Unreachable(why, "no account named " + job.user);
  const uid_t uid = found->pw_uid;
  const std::string bad_dir = agent::CheckPrintPromptDir(request.prompt_dir);
  if (!bad_dir.empty()) return Unreachable(why, bad_dir);
  const std::string path = agent::PrintPromptSocketPath(request.prompt_dir, uid);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Unreachable(why, "no agent of " + job.user);
  if (!S_ISSOCK(st.st_mode) || st.st_uid != uid)
    return Unreachable(why, path + " is not a socket of " + job.user);
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path),
                   Poco::Timespan(5, 0));
    // The decisive check: the listening process runs as the job's user.
    const std::optional<uid_t> peer = agent::PeerUid(socket.impl()->sockfd());
    if (!peer || *peer != uid)
      return Unreachable(why, path + " is not served by a process of " + job.user);
    const std::string json = Body(request, job, check, decision);
    Poco::Net::HTTPClientSession session(socket);
    // The agent answers when the user has decided or its timeout is over.
    session.setTimeout(Poco::Timespan(static_cast<long>(request.timeout.count()) + 15, 0));
    Poco::Net::HTTPRequest post(Poco::Net::HTTPRequest::HTTP_POST, "/v1/print-prompts",
                                Poco::Net::HTTPMessage::HTTP_1_1);
    post.setHost("localhost");
    post.setContentType("application/json");
    post.setContentLength(static_cast<std::streamsize>(json.size()));
    session.sendRequest(post) << json;
    Poco::Net::HTTPResponse response;
    std::istream& rs = session.receiveResponse(response);
    std::string reply;
    Poco::StreamCopier::copyToString(rs, reply, 1 << 16);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
      return Unreachable(why, "the agent answered " + std::to_string(response.getStatus()) + " " +
                                  reply.substr(0, 300));
    Poco::JSON::Object::Ptr answer =
        Poco::JSON::Parser().parse(reply).extract<Poco::JSON::Object::Ptr>();
    const std::string decided = answer->optValue<std::string>("decision", "");
    if (decided == "print") return PromptAnswer::kPrint;
    if (decided == "cancel") return PromptAnswer::kCancel;
    if (decided == "timeout") return PromptAnswer::kTimeout;
    return Unreachable(why, "the agent's answer has no decision");
  } catch (const Poco::Exception& e) {
    return Unreachable(why, e.displayText());
  } catch (const std::exception& e) {
    return Unreachable(why, e.what());
  }
}

}  // namespace print_guard
