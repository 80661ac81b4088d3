// Finds the digit runs of a normalised block once, for all numeric detectors.
#ifndef DOCCHECK_SRC_DETECT_NUMBER_TOKENS_H_
#define DOCCHECK_SRC_DETECT_NUMBER_TOKENS_H_

#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.h"

namespace doccheck {

// Appends every digit run of `text` to `out`. Groups are joined by one '-', one ' ', or
// parentheses ("070(5428)3483"); ',' followed by exactly three digits marks an amount.
// Runs longer than 24 digits are still one token (so nothing inside them matches).
// A token's digits point into `text` or, when they are not one run there ("090-1234-5678"),
// into `*digit_pool`, which is cleared first: both must outlive the tokens.
void FindNumberTokens(std::string_view text, std::vector<NumberToken>* out,
                      std::string* digit_pool);

// Digits with the check digits of the Japanese identifiers.
bool MyNumberCheckDigitValid(std::string_view twelve_digits);
bool CorporateNumberCheckDigitValid(std::string_view thirteen_digits);
bool LuhnValid(std::string_view digits);
bool InsurerNumberCheckDigitValid(std::string_view digits);  // 保険者番号, 6 or 8 digits

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_NUMBER_TOKENS_H_
