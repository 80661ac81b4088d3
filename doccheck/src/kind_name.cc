// The kinds' JSON names (doccheck/report.h: KindName, KindFromName), in doccheck_options so
// that code without the scanning stack (policy_core, central) reads and names kinds too.
#include <array>

#include "doccheck/report.h"

namespace doccheck {
namespace {

constexpr std::array<std::string_view, kKindCount> kKindNames = {"my_number",
                                                                 "corporate_number",
                                                                 "drivers_license",
                                                                 "passport",
                                                                 "residence_card",
                                                                 "pension_number",
                                                                 "health_insurance",
                                                                 "bank_account",
                                                                 "credit_card",
                                                                 "phone",
                                                                 "email",
                                                                 "postal_code",
                                                                 "address",
                                                                 "birth_date",
                                                                 "person_name",
                                                                 "classification_label"};

}  // namespace

std::string_view KindName(Kind kind) { return kKindNames[static_cast<int>(kind)]; }

std::optional<Kind> KindFromName(std::string_view name) {
  for (int i = 0; i < kKindCount; ++i) {
    if (kKindNames[i] == name) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

}  // namespace doccheck
