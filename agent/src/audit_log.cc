#include "agent/audit_log.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "agent/event_builder.h"
#include "agent/free_text_mask.h"
#include "mailcheck/verdict.h"

namespace agent {

std::string_view RelayOutcomeName(RelayOutcome outcome) {
  switch (outcome) {
    case RelayOutcome::kRelayed:
      return "relayed";
    case RelayOutcome::kBlocked:
      return "blocked";
    case RelayOutcome::kPromptRaised:
      return "prompt_raised";
    case RelayOutcome::kPromptConfirmed:
      return "prompt_confirmed";
    case RelayOutcome::kPromptCancelled:
      return "prompt_cancelled";
    case RelayOutcome::kCheckFailed:
      return "check_failed";
    case RelayOutcome::kPromptAbandoned:
      return "prompt_abandoned";
  }
  return "unknown";
}

AuditLog::AuditLog(std::string path, AuditLogOptions options)
    : path_(std::move(path)), options_(options) {}

AuditLog::~AuditLog() {
  Flush();
  if (file_) std::fclose(file_);
}

std::string AuditLog::Format(const RelayReport& report) {
  Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
  line.set("time", EventTimeNow());
  line.set("outcome", std::string(RelayOutcomeName(report.outcome)));
  line.set("from", report.envelope.mail_from);
  line.set("recipients", report.envelope.rcpt_to.size());
  if (const mailcheck::Decision* d = report.decision) {
    line.set("verdict", std::string(mailcheck::VerdictName(d->verdict)));
    line.set("policy_version", d->policy_version);
    Poco::JSON::Array::Ptr reasons = new Poco::JSON::Array;
    for (const mailcheck::Reason& r : d->reasons) {
      Poco::JSON::Object::Ptr reason = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      reason->set("code", r.code);
      reason->set("message", MaskFreeText(r.message));
      reasons->add(reason);
    }
    line.set("reasons", reasons);
  }
  if (!report.prompt_id.empty()) line.set("prompt", std::string(report.prompt_id));
  if (report.timed_out) line.set("timed_out", true);
  if (!report.reply.empty()) line.set("reply", std::string(report.reply.substr(0, 3)));
  std::ostringstream out;
  line.stringify(out);
  return out.str();
}

namespace {

constexpr std::size_t kHoldBytes = 64 * 1024;  // relayed lines held at most before a write

// The log for appending, created 0600 (an existing file others could read is made
// private); null when it cannot be opened.
std::FILE* OpenPrivate(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return nullptr;
  ::fchmod(fd, 0600);
  std::FILE* f = ::fdopen(fd, "a");
  if (!f) ::close(fd);
  return f;
}

}  // namespace

void AuditLog::OnRelay(const RelayReport& report) {
  std::string line = Format(report);
  std::lock_guard<std::mutex> lock(mutex_);
  AddLocked(line, report.outcome != RelayOutcome::kRelayed);
}

void AuditLog::Append(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  AddLocked(line, true);
}

void AuditLog::Flush() {
  std::lock_guard<std::mutex> lock(mutex_);
  WriteLocked();
}

void AuditLog::AddLocked(const std::string& line, bool now) {
  if (path_.empty()) return;
  // Rotation is decided line by line, as if each had been written alone.
  if (!held_.empty() && size_ + held_.size() + line.size() + 1 > options_.max_bytes) WriteLocked();
  held_ += line;
  held_ += '\n';
  if (now || held_.size() >= kHoldBytes) WriteLocked();
}

void AuditLog::WriteLocked() {
  if (held_.empty()) return;
  if (!file_) {
    file_ = OpenPrivate(path_);
    if (!file_) {  // the relay goes on; the state dir was checked at start
      held_.clear();
      return;
    }
    struct stat st {};
    size_ = ::fstat(fileno(file_), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  }
  if (size_ > 0 && size_ + held_.size() > options_.max_bytes) {
    RotateLocked();
    if (!file_) {
      held_.clear();
      return;
    }
  }
  std::fwrite(held_.data(), 1, held_.size(), file_);
  std::fflush(file_);
  size_ += held_.size();
  held_.clear();
}

void AuditLog::RotateLocked() {
  std::fclose(file_);
  file_ = nullptr;
  const auto name = [&](int i) { return i == 0 ? path_ : path_ + "." + std::to_string(i); };
  std::remove(name(options_.keep).c_str());
  for (int i = options_.keep - 1; i >= 0; --i) std::rename(name(i).c_str(), name(i + 1).c_str());
  file_ = OpenPrivate(path_);
  size_ = 0;
}

}  // namespace agent
