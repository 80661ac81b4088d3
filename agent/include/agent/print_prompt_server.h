// PrintPromptServer: the agent's side of the print guard's "prompt" action
// (docs/PRINT_GUARD.md "Asking the user"). It serves `POST /v1/print-prompts` on the
// AF_UNIX socket `<dir>/<uid>.sock` (agent/print_prompt_socket.h), only to the spooler
// (root or `lp`, by the connection's kernel credentials) and only for jobs of the user the
// agent runs as. Each request becomes a prompt in the same PromptRegistry as mail: it is
// shown on the confirmation page and in a desktop notification, and the request waits for
// the user's answer, then gets {"decision": "print"}, {"decision": "cancel"} or
// {"decision": "timeout"}. A backend that hangs up (the job was cancelled) ends its
// prompt. Thread-safe.
#ifndef AGENT_PRINT_PROMPT_SERVER_H_
#define AGENT_PRINT_PROMPT_SERVER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/prompt_registry.h"
#include "mailcheck/result.h"

namespace Poco::Net {
class HTTPServer;
}

namespace agent {

// What the backend asks about, read from the body of POST /v1/print-prompts.
struct PrintPromptRequest {
  std::string user;                  // the job's user (must be the agent's)
  std::chrono::seconds timeout{45};  // how long the backend waits
  PrintJobInfo job;
};

// Reads the body: a JSON object with "user" (string, required), "job_id", "printer",
// "title", "content_type", "message" (strings), "copies", "pages", "bytes", "timeout"
// (non-negative integers), "findings" ({kind: count}) and "samples" (strings). Bodies over
// 64 KiB, other types and other roots are refused with the reason.
mailcheck::Result<PrintPromptRequest> ParsePrintPrompt(std::string_view body);

class PrintPromptServer {
 public:
  struct Hooks {
    std::function<void(const PromptInfo&)> raised;  // a print prompt now waits
    std::function<void(const std::string&)> ended;  // its id: answered, timed out or gone
  };
  // `max_timeout` bounds what a backend may ask for.
  PrintPromptServer(std::string dir, PromptRegistry& prompts, std::chrono::seconds max_timeout,
                    Hooks hooks);
  ~PrintPromptServer();
  PrintPromptServer(const PrintPromptServer&) = delete;
  PrintPromptServer& operator=(const PrintPromptServer&) = delete;

  // Checks the directory, takes over a stale socket of ours (one nobody answers on),
  // never one of another user or of a running agent, and listens. The error says why
  // print prompts are off (Japanese, then English).
  mailcheck::Status Start();
  // Stops listening and removes the socket.
  void Stop();
  const std::string& path() const { return path_; }

  struct Shared;

 private:
  std::string dir_;
  std::string path_;
  std::unique_ptr<Shared> shared_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace agent

#endif  // AGENT_PRINT_PROMPT_SERVER_H_
