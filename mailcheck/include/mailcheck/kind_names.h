// The names staff read for each kind of personal information, in Japanese and English:
// the words of mailcheck's reasons, and of every page that shows findings (the agent's
// confirmation page), so a kind is called the same everywhere. Pure; thread-safe.
#ifndef MAILCHECK_KIND_NAMES_H_
#define MAILCHECK_KIND_NAMES_H_

#include <string_view>

#include "doccheck/report.h"

namespace mailcheck {

// "個人番号", "住所", ... (the name staff use for the kind).
std::string_view KindNameJa(doccheck::Kind kind);
// "My Number", "address", ... (singular, lower-case except proper names).
std::string_view KindNameEn(doccheck::Kind kind);

}  // namespace mailcheck

#endif  // MAILCHECK_KIND_NAMES_H_
