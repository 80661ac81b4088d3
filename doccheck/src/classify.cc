#include "classify.h"

#include <algorithm>

namespace doccheck {

int ClassifyFindings(const FileReport& report, const ClassRules& rules) {
  int klass = kClassNone;
  auto total = [&](Kind k) { return report.KindTotal(k); };
  for (int k = 0; k < kKindCount; ++k) {
    if (rules.identifier_numbers_class1 && IsIdentifierNumber(static_cast<Kind>(k)) &&
        total(static_cast<Kind>(k)) > 0)
      klass = 1;
  }
  if (rules.birth_date_class1 && total(Kind::kBirthDate) > 0) klass = 1;
  const std::uint64_t names = total(Kind::kPersonName);
  const bool contact = total(Kind::kAddress) + total(Kind::kPhone) + total(Kind::kEmail) > 0;
  if (rules.people_list_class1 && contact && names > 0 &&
      names >= static_cast<std::uint64_t>(rules.min_people_for_list))
    klass = 1;
  for (const Finding& f : report.findings) {
    if (f.kind != Kind::kClassificationLabel) continue;
    const bool top = f.normalized == "極秘" || f.normalized == "厳秘";
    klass = std::min(klass, top ? 1 : 2);
  }
  return klass;
}

int ClassifyFindings(const std::vector<Finding>& findings, const ClassRules& rules) {
  FileReport report;
  report.AddFindings(std::vector<Finding>(findings), ~std::uint64_t{0});
  return ClassifyFindings(report, rules);
}

}  // namespace doccheck
