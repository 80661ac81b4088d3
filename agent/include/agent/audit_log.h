// AuditLog: the local record of every decision (issue 5): one JSON line per relay report
// in STATE_DIR/audit.jsonl, masked (reason texts carry masked samples only; no message
// text). Rotated by size: audit.jsonl → audit.jsonl.1 → … → audit.jsonl.N, the oldest
// dropped, so the log never fills the disk. Thread-safe.
//
// Lines for mail that was relayed (allowed) are written in groups (issue 17: one write
// per message was a tenth of the relay's system calls): each waits at most until the next
// line that is not a plain relay, 64 KiB of lines, or Flush() — the agent calls it twice a
// second, and the destructor calls it. Every other line (blocks, prompts and their
// answers, failed checks, rejected confirmations) is written before OnRelay/Append returns,
// together with the relayed lines before it, in order. The log is a local record, never
// fsync'd; the events that must survive a crash go to the outbox (DESIGN.md decision 8).
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

  // Appends one line (a JSON object without the newline) and writes it at once, after any
  // lines still held; rotates first when needed.
  void Append(const std::string& line);

  // Writes the relayed lines still held, if any.
  void Flush();

  // The JSON line written for a report (exposed for tests).
  static std::string Format(const RelayReport& report);

 private:
  void AddLocked(const std::string& line, bool now);
  void WriteLocked();
  void RotateLocked();

  const std::string path_;
  const AuditLogOptions options_;
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  std::uint64_t size_ = 0;
  std::string held_;  // complete lines not yet written
};

}  // namespace agent

#endif  // AGENT_AUDIT_LOG_H_
