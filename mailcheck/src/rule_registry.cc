#include "rule.h"

namespace mailcheck {

const std::vector<const Rule*>& AllRules() {
  // Explicit table (no static self-registration): a rule runs only when listed here.
  static const std::vector<const Rule*> kRules = {
      &BccConversionRule(),
      &LookalikeDomainRule(),
      &AttachmentRule(),
  };
  return kRules;
}

}  // namespace mailcheck
