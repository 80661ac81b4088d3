// Asks the printing user's agent whether a job may print (the policy's "prompt" action).
//
// The backend runs as `lp`, so it cannot read the user's control token. Instead each
// user's agent registers for print prompts in a file `<prompt_dir>/<user>` holding
// {"port": N, "key": "<random>"} (the directory readable by `lp`, the file written by
// the agent; see docs/PRINT_GUARD.md). The backend posts the job's summary to
// http://127.0.0.1:N/v1/print-prompts with `Authorization: Bearer <key>` and waits for
// {"decision": "print"} or {"decision": "cancel"}. No registration, no answer within the
// timeout, or any other reply means "no answer", and the caller holds the job. This file
// is the Poco adapter of the print guard: Poco exceptions stop here. Thread-safe.
#ifndef PRINT_GUARD_AGENT_PROMPT_H_
#define PRINT_GUARD_AGENT_PROMPT_H_

#include <chrono>
#include <string>

#include "print_guard/decision.h"
#include "print_guard/job.h"

namespace print_guard {

enum class PromptAnswer { kPrint, kCancel, kNoAnswer };

struct PromptRequest {
  std::string prompt_dir;            // where agents register
  std::chrono::seconds timeout{45};  // how long the user may take
};

// Asks the agent of `job.user`; `why` (when not null) receives the reason for kNoAnswer.
PromptAnswer AskAgent(const PromptRequest& request, const BackendJob& job, const JobCheck& check,
                      const PrintDecision& decision, std::string* why = nullptr);

}  // namespace print_guard

#endif  // PRINT_GUARD_AGENT_PROMPT_H_
