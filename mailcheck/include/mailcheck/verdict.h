// Verdict: the one outcome enum shared by every mailcheck rule, the whole decision and
// (later) the agent's SMTP filter. Ordered from most to least permissive so that the
// strictest result is simply the maximum.
#ifndef MAILCHECK_VERDICT_H_
#define MAILCHECK_VERDICT_H_

#include <optional>
#include <string_view>

namespace mailcheck {

enum class Verdict {
  kAllow = 0,    // sent as it is
  kConvert = 1,  // sent after BCC conversion
  kPrompt = 2,   // the user must confirm; on confirmation the converted bytes are sent
  kBlock = 3,    // never sent
};

// "allow", "convert", "prompt", "block" as written in JSON and policy files.
std::string_view VerdictName(Verdict verdict);
std::optional<Verdict> VerdictFromName(std::string_view name);

// The strictest of two verdicts: block > prompt > convert > allow.
constexpr Verdict Strictest(Verdict a, Verdict b) { return a < b ? b : a; }

// The CLI exit status of CONTRACTS.md §2: 0 allow/convert, 1 prompt, 2 block.
int ExitCodeFor(Verdict verdict);

}  // namespace mailcheck

#endif  // MAILCHECK_VERDICT_H_
