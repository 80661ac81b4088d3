// AuditLog: the local record of every decision (issue 5): one JSON line per relay report
// in STATE_DIR/audit.jsonl, masked (reason texts carry masked samples only; no message
// text). Rotated by size: audit.jsonl → audit.jsonl.1 → … → audit.jsonl.N, the oldest
// dropped, so the log never fills the disk. Thread-safe.
#ifndef AGENT_AUDIT_LOG_H_
#define AGENT_AUDIT_LOG_H_

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "agent/relay_observer.h"

namespace agent {

struct AuditLogOptions {
  std::uint64_t max_bytes = 10u << 20;  // rotate when the current file would exceed this
  int keep = 5;                         // rotated files kept
};

class AuditLog : public RelayObserver {
 public:
  explicit AuditLog(std::string path, AuditLogOptions options = {});
  ~AuditLog() override;
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void OnRelay(const RelayReport& report) override;

  // Appends one line (a JSON object without the newline); rotates first when needed.
  void Append(const std::string& line);

  // The JSON line written for a report (exposed for tests).
  static std::string Format(const RelayReport& report);

 private:
  void RotateLocked();

  const std::string path_;
  const AuditLogOptions options_;
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  std::uint64_t size_ = 0;
};

}  // namespace agent

#endif  // AGENT_AUDIT_LOG_H_
