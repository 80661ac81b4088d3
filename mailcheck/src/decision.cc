#include "mailcheck/decision.h"

namespace mailcheck {

std::string_view RecipientFieldName(RecipientField field) {
  switch (field) {
    case RecipientField::kTo:
      return "to";
    case RecipientField::kCc:
      return "cc";
    case RecipientField::kBcc:
      return "bcc";
  }
  return "bcc";
}

}  // namespace mailcheck
