// Asks the printing user's agent whether a job may print (the policy's "prompt" action;
// docs/PRINT_GUARD.md "Asking the user").
//
// The backend runs as `lp` (or root) and trusts no file a user can write: it looks up the
// job's user (argv[2]) in the system's user database, and talks only to the AF_UNIX
// socket `<prompt_dir>/<uid>.sock` (agent/print_prompt_socket.h) when the directory is
// root's, the socket is owned by that uid, and the kernel says the listening process runs
// as that uid (SO_PEERCRED). It posts the job's summary (masked title and printer, finding
// counts, masked samples; never document text) to /v1/print-prompts and waits for
// {"decision": "print" | "cancel" | "timeout"}. This file is the Poco adapter of the print
// guard: Poco exceptions stop here. Thread-safe.
#ifndef PRINT_GUARD_AGENT_PROMPT_H_
#define PRINT_GUARD_AGENT_PROMPT_H_

#include <chrono>
#include <string>

#include "print_guard/decision.h"
#include "print_guard/job.h"

namespace print_guard {

// kTimeout: the agent asked, nobody answered in time. kUnreachable: there is no agent
// of that user to ask (or not one the backend can trust), or it did not answer properly.
enum class PromptAnswer { kPrint, kCancel, kTimeout, kUnreachable };

struct PromptRequest {
  std::string prompt_dir;            // root's directory of the agents' sockets
  std::chrono::seconds timeout{45};  // how long the user may take
};

// Asks the agent of `job.user`; `why` (when not null) receives the reason for
// kUnreachable (English, for the job's debug log).
PromptAnswer AskAgent(const PromptRequest& request, const BackendJob& job, const JobCheck& check,
                      const PrintDecision& decision, std::string* why = nullptr);

}  // namespace print_guard

#endif  // PRINT_GUARD_AGENT_PROMPT_H_
