// The only file that writes the outbox directory (format: see outbox.h).
#include "agent/outbox.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent/durable_file.h"

namespace agent {
namespace {

namespace fs = std::filesystem;

bool FsyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// Parses "<20 digits>.<v|i>.json".
bool ParseName(const std::string& name, std::uint64_t* sequence, bool* informational) {
  if (name.size() != 20 + 7 || name.compare(20, 1, ".") != 0 || name.compare(22, 5, ".json") != 0)
    return false;
  std::uint64_t v = 0;
  for (int i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  if (name[21] != 'v' && name[21] != 'i') return false;
  *sequence = v;
  *informational = name[21] == 'i';
  return true;
}

// A complete event file holds one JSON object and a newline.
bool LooksComplete(const std::string& text) {
  return text.size() >= 3 && text.front() == '{' && text[text.size() - 2] == '}' &&
         text.back() == '\n';
}

}  // namespace

mailcheck::Result<std::unique_ptr<Outbox>> Outbox::Open(std::string dir, OutboxOptions options) {
  using R = mailcheck::Result<std::unique_ptr<Outbox>>;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) return R::Error("outbox: cannot create " + dir);
  FsyncDir(fs::path(dir).parent_path().string());  // the outbox directory's own entry
  std::unique_ptr<Outbox> box(new Outbox(dir, options));
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("tmp-", 0) == 0) {  // a write that never completed
      fs::remove(e.path(), ec);
      continue;
    }
    std::uint64_t sequence = 0;
    bool informational = false;
    if (!ParseName(name, &sequence, &informational)) continue;
    std::string text;
    if (!ReadWholeFile(e.path().string(), &text) || !LooksComplete(text)) {
      std::fprintf(stderr, "sendguard-agent: outbox: %s is damaged; set aside as %s.bad\n",
                   name.c_str(), name.c_str());
      fs::rename(e.path(), e.path().string() + ".bad", ec);
      continue;
    }
    box->entries_[sequence] = Entry{text.size(), informational};
    box->bytes_ += text.size();
    box->next_sequence_ = std::max(box->next_sequence_, sequence + 1);
  }
  if (ec) return R::Error("outbox: cannot read " + dir + ": " + ec.message());
  {
    std::lock_guard<std::mutex> lock(box->mutex_);
    box->WarnLocked();
  }
  return R(std::move(box));
}

std::string Outbox::PathOf(std::uint64_t sequence, bool informational) const {
  char name[40];
  std::snprintf(name, sizeof name, "%020" PRIu64 ".%c.json", sequence, informational ? 'i' : 'v');
  return dir_ + "/" + name;
}

mailcheck::Status Outbox::Add(const Event& event) {
  const bool informational = IsInformationalKind(event.kind);
  const std::string text = event.json + "\n";
  std::uint64_t sequence = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The bound: the oldest informational events go first.
    for (auto it = entries_.begin();
         bytes_ + text.size() > options_.max_bytes && it != entries_.end();) {
      if (!it->second.informational) {
        ++it;
        continue;
      }
      std::error_code ec;
      fs::remove(PathOf(it->first, true), ec);
      bytes_ -= it->second.size;
      ++dropped_;
      it = entries_.erase(it);
    }
    if (bytes_ + text.size() > options_.max_bytes) {
      if (informational) {
        ++dropped_;
        WarnLocked();
        return mailcheck::Status::Ok();  // dropping informational events is allowed
      }
      // A violation is never dropped: keep it over the bound and say so.
    }
    sequence = next_sequence_++;
  }
  const mailcheck::Status written = WriteFileDurably(dir_ + "/tmp-" + std::to_string(sequence),
                                                     PathOf(sequence, informational), text);
  if (!written.ok()) {
    return mailcheck::Status::Error("outbox: event " + event.id + ": " + written.message());
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_[sequence] = Entry{text.size(), informational};
    bytes_ += text.size();
    WarnLocked();
  }
  changed_.notify_all();
  return mailcheck::Status::Ok();
}

std::vector<Outbox::Item> Outbox::NextBatch() {
  std::vector<std::pair<std::uint64_t, Entry>> chosen;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::uint64_t size = 0;
    for (const auto& [sequence, entry] : entries_) {
      if (chosen.size() >= options_.batch_events) break;
      if (!chosen.empty() && size + entry.size > options_.batch_bytes) break;
      chosen.emplace_back(sequence, entry);
      size += entry.size;
    }
  }
  std::vector<Item> batch;
  for (const auto& [sequence, entry] : chosen) {
    Item item{sequence, ""};
    if (!ReadWholeFile(PathOf(sequence, entry.informational), &item.json)) continue;  // removed
    while (!item.json.empty() && item.json.back() == '\n') item.json.pop_back();
    batch.push_back(std::move(item));
  }
  return batch;
}

void Outbox::Remove(const std::vector<std::uint64_t>& sequences) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::uint64_t sequence : sequences) {
      const auto it = entries_.find(sequence);
      if (it == entries_.end()) continue;
      std::error_code ec;
      fs::remove(PathOf(sequence, it->second.informational), ec);
      bytes_ -= it->second.size;
      entries_.erase(it);
    }
    WarnLocked();
  }
  FsyncDir(dir_);  // a removal that is lost only means a duplicate, which central ignores
}

void Outbox::WaitForEvents(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return !entries_.empty() || woken_; });
  woken_ = false;
}

void Outbox::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

std::size_t Outbox::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

std::uint64_t Outbox::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

std::string Outbox::Warning() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_warning_;
}

void Outbox::WarnLocked() {
  std::string warning;
  const auto mib = [](std::uint64_t b) { return std::to_string((b + (1u << 19)) >> 20); };
  if (bytes_ > options_.max_bytes) {
    warning = "outbox over its bound (" + std::to_string(bytes_) + " of " +
              std::to_string(options_.max_bytes) +
              " bytes): only violation events remain and none is dropped; central has not "
              "acknowledged them — check the connection to central";
  } else if (bytes_ * 10 > options_.max_bytes * 8) {
    warning = "outbox above 80 % of its bound (" + mib(bytes_) + " of " + mib(options_.max_bytes) +
              " MiB): central has not acknowledged events";
  }
  if (dropped_ > 0 && !warning.empty())
    warning += "; " + std::to_string(dropped_) + " informational events dropped";
  if (warning != last_warning_) {
    if (!warning.empty()) std::fprintf(stderr, "sendguard-agent: WARNING: %s\n", warning.c_str());
    last_warning_ = warning;
  }
}

}  // namespace agent
