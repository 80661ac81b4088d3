// Article 10 classification of one file from its own findings (CONTRACTS.md §1).
#ifndef DOCCHECK_SRC_CLASSIFY_H_
#define DOCCHECK_SRC_CLASSIFY_H_

#include <vector>

#include "doccheck/options.h"
#include "doccheck/report.h"

namespace doccheck {

// 1: an identifier number, a birth date, a list of people (names with addresses, phones
//    or e-mails), or 極秘/厳秘; 2: another classification label; 4: anything else. An
//    office's contact line (address, phone, mail without a person's name) stays 4.
// Counts come from `report.totals` (all findings, kept or not); labels from the kept
// findings (labels are always kept).
int ClassifyFindings(const FileReport& report, const ClassRules& rules);
// The same for a plain list of findings (all of them kept).
int ClassifyFindings(const std::vector<Finding>& findings, const ClassRules& rules);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_CLASSIFY_H_
