#include "agent/prompt_registry.h"

#include <sodium.h>

#include <algorithm>

namespace agent {

std::string RandomToken(std::size_t bytes) {
  static const int initialized = sodium_init();  // thread-safe; idempotent
  (void)initialized;
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes);
  for (unsigned char b : raw) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string PromptRegistry::Add(PromptInfo info) {
  info.id = RandomToken().substr(0, 24);
  info.csrf = RandomToken();
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string id = info.id;
  entries_[id] = Entry{std::move(info), Answer::kPending, std::chrono::steady_clock::now()};
  return id;
}

PromptRegistry::Answer PromptRegistry::Wait(const std::string& id,
                                            std::chrono::milliseconds timeout,
                                            const std::function<bool()>& client_connected) {
  // How often a waiting session looks at its client: soon enough that a client which gave
  // up is noticed before the user can answer its prompt.
  constexpr auto kProbeInterval = std::chrono::milliseconds(200);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(mutex_);
  bool gone = false;
  while (true) {
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.answer != Answer::kPending) break;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    auto slice = deadline - now;
    if (client_connected && slice > kProbeInterval) slice = kProbeInterval;
    changed_.wait_for(lock, slice);
    if (client_connected) {
      lock.unlock();
      gone = !client_connected();
      lock.lock();
      if (gone) break;
    }
  }
  auto it = entries_.find(id);
  if (it == entries_.end()) return Answer::kCancel;
  // kPending: nobody answered in time.
  const Answer answer = gone ? Answer::kAbandoned : it->second.answer;
  ended_order_.push_back(id);
  ended_[id] = answer;
  while (ended_order_.size() > kRemembered) {
    ended_.erase(ended_order_.front());
    ended_order_.pop_front();
  }
  Finished done;
  done.info.id = it->second.info.id;
  done.info.subject = std::move(it->second.info.subject);
  done.info.recipients = std::move(it->second.info.recipients);
  done.info.print = std::move(it->second.info.print);
  done.answer = answer;
  done.at = std::chrono::system_clock::now();
  recent_.push_front(std::move(done));
  if (recent_.size() > kRecentKept) recent_.pop_back();
  entries_.erase(it);
  return answer;
}

std::optional<PromptRegistry::Answer> PromptRegistry::Outcome(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = ended_.find(id);
  if (it == ended_.end()) return std::nullopt;
  return it->second;
}

void PromptRegistry::MarkAbandoned(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = ended_.find(id);
  if (it != ended_.end()) it->second = Answer::kAbandoned;
  for (Finished& f : recent_) {
    if (f.info.id == id) f.answer = Answer::kAbandoned;
  }
}

bool PromptRegistry::Decide(const std::string& id, Answer answer) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.answer != Answer::kPending) return false;
    it->second.answer = answer;
  }
  changed_.notify_all();
  return true;
}

std::vector<PromptInfo> PromptRegistry::Pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::pair<std::chrono::steady_clock::time_point, PromptInfo>> list;
  for (const auto& [id, e] : entries_) {
    if (e.answer == Answer::kPending) list.push_back({e.added, e.info});
  }
  std::sort(list.begin(), list.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<PromptInfo> out;
  for (auto& p : list) out.push_back(std::move(p.second));
  return out;
}

std::string PromptRegistry::CsrfOf(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(id);
  return it == entries_.end() || it->second.answer != Answer::kPending ? "" : it->second.info.csrf;
}

std::vector<PromptRegistry::Finished> PromptRegistry::Recent() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {recent_.begin(), recent_.end()};
}

bool PromptRegistry::NoteOutcome(const std::string& id, std::string note_ja) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (Finished& f : recent_) {
    if (f.info.id == id) {
      f.note_ja = std::move(note_ja);
      return true;
    }
  }
  return false;
}

}  // namespace agent
