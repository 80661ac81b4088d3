#include "mailcheck/verdict.h"

namespace mailcheck {

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAllow:
      return "allow";
    case Verdict::kConvert:
      return "convert";
    case Verdict::kPrompt:
      return "prompt";
    case Verdict::kBlock:
      return "block";
  }
  return "block";
}

std::optional<Verdict> VerdictFromName(std::string_view name) {
  for (Verdict v : {Verdict::kAllow, Verdict::kConvert, Verdict::kPrompt, Verdict::kBlock}) {
    if (VerdictName(v) == name) return v;
  }
  return std::nullopt;
}

int ExitCodeFor(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAllow:
    case Verdict::kConvert:
      return 0;
    case Verdict::kPrompt:
      return 1;
    case Verdict::kBlock:
      return 2;
  }
  return 2;
}

}  // namespace mailcheck
