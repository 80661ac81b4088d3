#include "doccheck/report.h"

#include <algorithm>
#include <array>

namespace doccheck {

bool IsIdentifierNumber(Kind kind) {
  switch (kind) {
    case Kind::kMyNumber:
    case Kind::kDriversLicense:
    case Kind::kPassport:
    case Kind::kResidenceCard:
    case Kind::kPensionNumber:
    case Kind::kHealthInsurance:
    case Kind::kBankAccount:
    case Kind::kCreditCard:
      return true;
    default:
      return false;
  }
}

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kEncrypted:
      return "encrypted";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kLimit:
      return "limit";
    case ErrorCode::kIo:
      return "io";
  }
  return "io";
}

bool FileReport::HasErrors() const {
  if (!errors.empty()) return true;
  for (const FileReport& c : children) {
    if (c.HasErrors()) return true;
  }
  return false;
}

bool FileReport::HasFindings() const {
  if (!findings.empty() || findings_omitted > 0) return true;
  for (const FileReport& c : children) {
    if (c.HasFindings()) return true;
  }
  return false;
}

void FileReport::AddFindings(std::vector<Finding>&& found, std::uint64_t cap) {
  for (Finding& f : found) {
    ++totals[static_cast<int>(f.kind)];
    if (findings.size() < cap || f.kind == Kind::kClassificationLabel) {
      findings.push_back(std::move(f));
    } else {
      ++findings_omitted;
    }
  }
}

std::uint64_t FileReport::KindTotal(Kind kind) const {
  std::uint64_t kept = 0;
  for (const Finding& f : findings) kept += f.kind == kind;
  return std::max<std::uint64_t>(kept, totals[static_cast<int>(kind)]);
}

int FileReport::CountKind(Kind kind) const {
  int n = static_cast<int>(KindTotal(kind));
  for (const FileReport& c : children) n += c.CountKind(kind);
  return n;
}

}  // namespace doccheck
