// Checker: finds personal information in documents of any supported format.
//
// Construct once with Options; CheckFile/CheckBytes are const and thread-safe, so one
// Checker serves many threads. No network, no global mutable state. Every failure is
// reported as a FileError inside the returned report; these calls never throw.
#ifndef DOCCHECK_CHECKER_H_
#define DOCCHECK_CHECKER_H_

#include <memory>
#include <string>
#include <string_view>

#include "doccheck/options.h"
#include "doccheck/report.h"

namespace doccheck {

class Checker {
 public:
  explicit Checker(Options options = {});
  ~Checker();
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  // Checks the file at `path` (streamed for plain text: memory does not grow with size).
  // The report's path is `display_path` when given, else `path`.
  FileReport CheckFile(const std::string& path, const std::string& display_path = "") const;

  // Checks a document held in memory; `name` is used for the report path and as a
  // format hint only when content is ambiguous.
  FileReport CheckBytes(std::string_view name, std::string_view bytes) const;

  const Options& options() const;

  struct Impl;  // internal; public only so the extraction sink can recurse through it

 private:
  std::unique_ptr<Impl> impl_;
};

// Frees the scratch memory the calling thread keeps between checks (buffers sized by the
// largest text block it has scanned: about 13 MB after a large spreadsheet or text file).
// For long-lived threads that check a large document now and then (the agent's SMTP
// workers); a thread that checks many documents should keep it.
void ReleaseThreadMemory();

}  // namespace doccheck

#endif  // DOCCHECK_CHECKER_H_
