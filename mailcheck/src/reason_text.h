// Words for reasons: how kinds, recipients and lists are named in the Japanese and
// English messages staff read. Shared by the rules so every message reads the same.
#ifndef MAILCHECK_REASON_TEXT_H_
#define MAILCHECK_REASON_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "doccheck/report.h"
#include "mailcheck/kind_names.h"

namespace mailcheck {

// The domain of an address ("" when it has none).
std::string DomainOf(std::string_view address);

// Distinct domains of `addresses`, in order.
std::vector<std::string> DistinctDomains(const std::vector<std::string>& addresses);

// "a, b, c" with at most `max` items and ", … (+N)" for the rest.
std::string JoinList(const std::vector<std::string>& items, std::size_t max = 5);

// "1 recipient" / "3 recipients".
std::string CountNoun(std::size_t n, std::string_view singular, std::string_view plural);

}  // namespace mailcheck

#endif  // MAILCHECK_REASON_TEXT_H_
