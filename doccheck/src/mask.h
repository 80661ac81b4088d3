// Masking of personal identifiers for display: enough to recognise a finding, never
// enough to use it. Used for every finding; the unmasked value is kept only in
// Finding::normalized, which leaves the process only with --reveal.
#ifndef DOCCHECK_SRC_MASK_H_
#define DOCCHECK_SRC_MASK_H_

#include <string>
#include <string_view>

#include "doccheck/report.h"

namespace doccheck {

// `normalized` is the canonical value (CONTRACTS.md §1).
// my_number "123456789018" -> "1234 **** ***8"; phone "09012345678" -> "090******78";
// email -> "y***@example.jp"; birth_date -> "1985-**-**"; names keep their first character;
// addresses keep prefecture and municipality and hide every digit; labels are shown as is.
std::string MaskValue(Kind kind, std::string_view normalized);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_MASK_H_
