// What doccheck found in one file: findings, errors and the reports of the files
// embedded in it (archive entries, mail attachments). Plain values; copyable and
// safe to move between threads.
#ifndef DOCCHECK_REPORT_H_
#define DOCCHECK_REPORT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doccheck {

// The kinds of personal information of CONTRACTS.md §1, in the order reports list them.
enum class Kind {
  kMyNumber,
  kCorporateNumber,
  kDriversLicense,
  kPassport,
  kResidenceCard,
  kPensionNumber,
  kHealthInsurance,
  kBankAccount,
  kCreditCard,
  kPhone,
  kEmail,
  kPostalCode,
  kAddress,
  kBirthDate,
  kPersonName,
  kClassificationLabel,
};
inline constexpr int kKindCount = 16;

// "my_number", "corporate_number", ... as written in JSON.
std::string_view KindName(Kind kind);
std::optional<Kind> KindFromName(std::string_view name);

// True for the identifier numbers that make a document class 1 by themselves.
bool IsIdentifierNumber(Kind kind);

// Where a finding is. Empty strings / nullopt mean "not known for this format".
struct Location {
  std::string part;          // container part, e.g. "word/document.xml"
  std::string sheet;         // spreadsheet sheet name
  std::string cell;          // spreadsheet cell, e.g. "C14"
  std::optional<int> page;   // 1-based page or slide number
  std::optional<int> line;   // 1-based line in a text file or block
  std::uint64_t offset = 0;  // byte offset in the original (undecoded) text of the part
};

struct Finding {
  Kind kind = Kind::kMyNumber;
  std::string masked;       // what may be shown anywhere, e.g. "1234 **** ***8"
  std::string normalized;   // canonical form (CONTRACTS.md §1); printed only with --reveal
  double confidence = 0.0;  // 0..1
  Location location;
};

enum class ErrorCode { kEncrypted, kCorrupt, kUnsupported, kLimit, kIo };
std::string_view ErrorCodeName(ErrorCode code);

struct FileError {
  ErrorCode code = ErrorCode::kIo;
  std::string message;  // English, names the entry involved; never document text
};

// Article 10 importance classes of the Aizumisato guideline. 4 = nothing important.
inline constexpr int kClassNone = 4;

struct FileReport {
  std::string path;        // "outer.zip!inner/a.docx" for embedded files
  std::string format;      // "txt", "csv", "html", "eml", "docx", ..., "unknown"
  int klass = kClassNone;  // 1..4; containers take the highest (lowest number) of children
  std::vector<Finding> findings;
  std::vector<FileError> errors;
  std::vector<FileReport> children;
  // Every finding of this file by kind, including those not kept in `findings` once
  // Limits::max_findings was reached (classification labels are always kept).
  std::array<std::uint64_t, kKindCount> totals{};
  std::uint64_t findings_omitted = 0;  // found but not kept in `findings`

  // Appends `found` to `findings` (at most `cap` kept) and counts them in `totals`.
  void AddFindings(std::vector<Finding>&& found, std::uint64_t cap);

  // True when this file or any child has an error (it could not be fully checked).
  bool HasErrors() const;
  // True when this file or any child has a finding.
  bool HasFindings() const;
  // Findings of `kind` in this file alone, kept or not (also right for a report whose
  // `findings` were filled directly, without AddFindings).
  std::uint64_t KindTotal(Kind kind) const;
  // Number of findings of `kind` here and in all children (kept or not).
  int CountKind(Kind kind) const;
};

}  // namespace doccheck

#endif  // DOCCHECK_REPORT_H_
