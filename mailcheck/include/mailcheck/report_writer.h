// Writers for a Decision: the JSON document of CONTRACTS.md §2 and a short text for
// people. Only masked values are ever written.
#ifndef MAILCHECK_REPORT_WRITER_H_
#define MAILCHECK_REPORT_WRITER_H_

#include <string>

#include "doccheck/report.h"
#include "mailcheck/decision.h"

namespace mailcheck {

// One JSON object (UTF-8, ends with a newline) with verdict, reasons (message in English,
// message_ja in Japanese), bcc_conversion, recipients, attachments (doccheck file
// objects), body_parts, subject and policy_version.
std::string DecisionToJson(const Decision& decision);

// A doccheck file object of CONTRACTS.md §1 (masked values, no "normalized").
std::string FileReportToJson(const doccheck::FileReport& report);

// A few lines for a terminal: verdict, then each reason in Japanese and English,
// then the recipients.
std::string DecisionToText(const Decision& decision);

}  // namespace mailcheck

#endif  // MAILCHECK_REPORT_WRITER_H_
