#include "classify.h"

#include <algorithm>

namespace doccheck {

int ClassifyFindings(const std::vector<Finding>& findings, const ClassRules& rules) {
  int klass = kClassNone;
  int names = 0;
  bool contact = false;
  for (const Finding& f : findings) {
    if (rules.identifier_numbers_class1 && IsIdentifierNumber(f.kind)) klass = 1;
    if (rules.birth_date_class1 && f.kind == Kind::kBirthDate) klass = 1;
    if (f.kind == Kind::kPersonName) ++names;
    if (f.kind == Kind::kAddress || f.kind == Kind::kPhone || f.kind == Kind::kEmail) contact = true;
    if (f.kind == Kind::kClassificationLabel) {
      const bool top = f.normalized == "極秘" || f.normalized == "厳秘";
      klass = std::min(klass, top ? 1 : 2);
    }
  }
  if (rules.people_list_class1 && contact && names >= rules.min_people_for_list && names > 0) klass = 1;
  return klass;
}

}  // namespace doccheck
