#include "agent/audit_log.h"

#include <Poco/JSON/Stringifier.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

namespace {

// A JSON string exactly as Poco::JSON::Object::stringify writes it: printable ASCII that
// needs no escape as it is (every relayed line's fields, usually), anything else through
// Poco's own formatString.
void AppendJsonString(std::string* out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/';
  });
  if (plain) {
    out->push_back('"');
    out->append(s);
    out->push_back('"');
    return;
  }
  std::ostringstream escaped;
  Poco::JSON::Stringifier::formatString(std::string(s), escaped, Poco::JSON_WRAP_STRINGS);
  out->append(escaped.str());
}

void AppendField(std::string* out, std::string_view key, std::string_view value) {
  out->append(",\"").append(key).append("\":");
  AppendJsonString(out, value);
}

}  // namespace

// Written directly, not through a Poco::JSON::Object (its Vars, ostream and key list
// cost a few µs of a relayed message's ~100 µs); the bytes are the same, which
// AuditLogTest.FormatWritesWhatPocoJsonWrote checks.
std::string AuditLog::Format(const RelayReport& report) {
  std::string line;
  line.reserve(256);
  line.append("{\"time\":");
  AppendJsonString(&line, EventTimeNow());
  AppendField(&line, "outcome", RelayOutcomeName(report.outcome));
  AppendField(&line, "from", report.envelope.mail_from);
  line.append(",\"recipients\":").append(std::to_string(report.envelope.rcpt_to.size()));
  if (const mailcheck::Decision* d = report.decision) {
    AppendField(&line, "verdict", mailcheck::VerdictName(d->verdict));
    line.append(",\"policy_version\":").append(std::to_string(d->policy_version));
    line.append(",\"reasons\":[");
    for (std::size_t i = 0; i < d->reasons.size(); ++i) {
      if (i > 0) line.push_back(',');
      line.append("{\"code\":");
      AppendJsonString(&line, d->reasons[i].code);
      AppendField(&line, "message", MaskFreeText(d->reasons[i].message));
      line.push_back('}');
    }
    line.push_back(']');
  }
  if (!report.prompt_id.empty()) AppendField(&line, "prompt", report.prompt_id);
  if (report.timed_out) line.append(",\"timed_out\":true");
  if (!report.reply.empty()) AppendField(&line, "reply", report.reply.substr(0, 3));
  line.push_back('}');
  return line;
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
