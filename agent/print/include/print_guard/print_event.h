// Events of the print guard for central (docs/CENTRAL_API.md "EVENT", docs/PRINT_GUARD.md):
// print_allowed (only when something was found), print_held, print_blocked,
// print_prompted, print_confirmed, print_cancelled, print_released. Like mail events
// they carry kinds, counts, masked samples and the masked job title: never document
// text or an unmasked identifier.
// Pure; thread-safe.
#ifndef PRINT_GUARD_PRINT_EVENT_H_
#define PRINT_GUARD_PRINT_EVENT_H_

#include <string_view>

#include "agent/event_builder.h"
#include "print_guard/decision.h"
#include "print_guard/job.h"

namespace print_guard {

agent::Event BuildPrintEvent(std::string_view kind, const BackendJob& job, const JobCheck& check,
                             const PrintDecision& decision, int policy_version,
                             const agent::EventContext& context);

}  // namespace print_guard

#endif  // PRINT_GUARD_PRINT_EVENT_H_
