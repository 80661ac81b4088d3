// Digit runs: what an unmasked identifier looks like in free text, by one rule that the
// agent (masking events before they leave the desktop) and central (refusing events that
// still hold one, docs/CENTRAL_API.md) share. Pure functions; thread-safe.
//
// A digit run is 10 or more decimal digits of any script (Unicode Nd: ASCII, full-width
// ０-９, Arabic-Indic, Devanagari, …) with at most kMaxRunSeparators separators between
// two of them: "373964017574", "3739 6401 7574", "3739-6401-7574",
// "３７３９　６４０１　７５７４", "٣٧٣٩٦٤٠١٧٥٧٤". "********7574", "2026-11-29" and
// "03-1234-567" are not.
#ifndef MAILCHECK_DIGIT_RUNS_H_
#define MAILCHECK_DIGIT_RUNS_H_

#include <string>
#include <string_view>

namespace mailcheck {

constexpr int kMinRunDigits = 10;
constexpr int kMaxRunSeparators = 3;
constexpr int kMaskKeepsDigits = 4;

// A separator inside a written number: spaces (Unicode Zs: U+0020, U+00A0, U+3000 …, and
// tab), dashes and hyphens (Pd: '-', U+2010–U+2015, U+FE58, U+FE63, U+FF0D …), U+2212
// MINUS SIGN, U+30FC and U+FF70 (the long-vowel marks typed for a hyphen in Japanese), and
// invisible format characters (Cf: soft hyphen, zero-width space and joiners, BOM).
bool IsDigitRunSeparator(char32_t c);

// True when the UTF-8 text holds a digit run. Invalid UTF-8 ends a run.
bool HasDigitRun(std::string_view utf8);

// The text with the digits of every digit run replaced by '*' except the run's last
// kMaskKeepsDigits digits; separators and everything else are kept:
// "住民票 3739 6401 7574" -> "住民票 **** **** 7574". HasDigitRun() of the result is false.
std::string MaskDigitRuns(std::string_view utf8);

}  // namespace mailcheck

#endif  // MAILCHECK_DIGIT_RUNS_H_
