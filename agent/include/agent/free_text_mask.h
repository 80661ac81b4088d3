// Masking of personal identifiers in free text that leaves the process or is shown on
// screen: subjects, attachment names, reasons. Pure functions; thread-safe.
#ifndef AGENT_FREE_TEXT_MASK_H_
#define AGENT_FREE_TEXT_MASK_H_

#include <string>
#include <string_view>

namespace agent {

// The last line against identifiers in free text. A number is a run of decimal digits of
// any script (ASCII, full-width, Arabic-Indic, Devanagari, …) whose groups may be joined
// by up to three separators (spaces, hyphens, dashes, dots, and their full-width forms).
// A number of 10 or more digits keeps only its last four digits ("3739-6401-7574" →
// "****-****-7574"); in a shorter one each unbroken group of five or more keeps its last
// four ("0312345" → "***2345"). Separators and everything else are kept; each hidden
// digit becomes one '*'. Runs of four digits or fewer and dates stay as they are (a date
// followed by a time reads as ten digits and is masked: the safe side).
std::string MaskDigits(std::string_view text);

// What every free-text field of an event (subject, attachment names, reasons) and of the
// confirmation page goes through: each value doccheck finds in it (doccheck::FindInText: My Numbers
// and phone numbers however written, names after a label, addresses, …) is replaced by doccheck's
// mask, then MaskDigits runs over the result.
std::string MaskFreeText(std::string_view text);

}  // namespace agent

#endif  // AGENT_FREE_TEXT_MASK_H_
