// Finding personal information in a short piece of free text — a subject, a file name, a
// reason — with where each finding is, so that a caller can mask it in place. The same
// detectors, normalisation and masks as Checker (CONTRACTS.md §1); no format detection,
// no decoding: the text is UTF-8. Pure; thread-safe.
#ifndef DOCCHECK_TEXT_SCAN_H_
#define DOCCHECK_TEXT_SCAN_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "doccheck/report.h"

namespace doccheck {

struct TextSpan {
  Kind kind = Kind::kMyNumber;
  std::size_t begin = 0;  // byte offsets in the text given, [begin, end)
  std::size_t end = 0;
  std::string masked;  // doccheck's mask of the value, e.g. "3739 **** ***4"
};

// Every finding in `utf8`, in text order, not overlapping.
std::vector<TextSpan> FindInText(std::string_view utf8);

// `utf8` with each finding's bytes replaced by its masked form.
std::string MaskFindingsInText(std::string_view utf8);

}  // namespace doccheck

#endif  // DOCCHECK_TEXT_SCAN_H_
