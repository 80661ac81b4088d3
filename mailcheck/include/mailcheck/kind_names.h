// The names staff read for each kind of personal information, in Japanese and English:
// the words of mailcheck's reasons, and of every page that shows findings (the agent's
// confirmation page, central's console), so a kind is called the same everywhere. Pure;
// thread-safe. In policy_core: central uses it without the scanning stack.
#ifndef MAILCHECK_KIND_NAMES_H_
#define MAILCHECK_KIND_NAMES_H_

#include <string>
#include <string_view>

#include "doccheck/report.h"

namespace mailcheck {

// "個人番号", "住所", ... (the name staff use for the kind).
std::string_view KindNameJa(doccheck::Kind kind);
// "My Number", "address", ... (singular, lower-case except proper names).
std::string_view KindNameEn(doccheck::Kind kind);
// The Japanese name of a kind written as in JSON ("my_number" -> "個人番号"); an unknown
// name is returned as it is.
std::string KindLabelJa(std::string_view json_name);

}  // namespace mailcheck

#endif  // MAILCHECK_KIND_NAMES_H_
