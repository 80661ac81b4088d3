// A table of the most common Japanese surnames, used to recognise names that stand in
// tables or lists without a label (吉田 大輔). Being in the table raises confidence; not
// being in it proves nothing. Immutable and thread-safe.
#ifndef DOCCHECK_SRC_DETECT_SURNAMES_H_
#define DOCCHECK_SRC_DETECT_SURNAMES_H_

#include <cstddef>
#include <string_view>

namespace doccheck {

// True when `name` (UTF-8, no spaces) is one of the common surnames.
bool IsCommonSurname(std::string_view name);

// Byte length of the longest common surname that starts at `pos` in `text`, or 0.
// Every surname in the table is one to four kanji of three UTF-8 bytes each.
std::size_t CommonSurnameAt(std::string_view text, std::size_t pos);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_SURNAMES_H_
