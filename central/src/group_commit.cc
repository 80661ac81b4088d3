#include "central/group_commit.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace central {

GroupCommit::GroupCommit(int max_concurrent, std::size_t max_group_events, StoreFunction store)
    : max_concurrent_(std::max(1, max_concurrent)),
      max_group_events_(max_group_events),
      store_(std::move(store)) {}

std::size_t GroupCommit::Queued() {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

Result<InsertCounts> GroupCommit::Insert(const std::vector<StoredEvent>& events) {
  if (events.empty()) return InsertCounts{};
  Waiting me;
  me.events = &events;
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.push_back(&me);
  while (!me.done) {
    if (storing_ >= max_concurrent_ || queue_.empty()) {
      finished_.wait(lock);
      continue;
    }
    // Lead: take what is queued (our own batch may be in a later group).
    std::vector<Waiting*> group;
    std::size_t size = 0;
    while (!queue_.empty() &&
           (group.empty() || size + queue_.front()->events->size() <= max_group_events_)) {
      size += queue_.front()->events->size();
      group.push_back(queue_.front());
      queue_.pop_front();
    }
    ++storing_;
    lock.unlock();
    StoreGroup(group);
    lock.lock();
    --storing_;
    for (Waiting* w : group) w->done = true;
    finished_.notify_all();
  }
  return std::move(me.result);
}

void GroupCommit::StoreGroup(const std::vector<Waiting*>& group) {
  const Status together = StoreTogether(group);
  if (together.ok()) return;
  if (group.size() == 1) {
    group.front()->result = Result<InsertCounts>::Error(together.message());
    return;
  }
  for (Waiting* w : group) {
    if (Status alone = StoreTogether({w}); !alone.ok())
      w->result = Result<InsertCounts>::Error(alone.message());
  }
}

Status GroupCommit::StoreTogether(const std::vector<Waiting*>& group) {
  // Each id once, at its first occurrence in the group.
  std::unordered_map<std::string_view, std::size_t> first;  // id -> index in `unique`
  std::vector<const StoredEvent*> unique;
  for (const Waiting* w : group) {
    for (const StoredEvent& e : *w->events) {
      if (first.emplace(e.id, unique.size()).second) unique.push_back(&e);
    }
  }
  std::vector<std::size_t> order(unique.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return unique[a]->id < unique[b]->id; });
  std::vector<const StoredEvent*> sorted(unique.size());
  for (std::size_t i = 0; i < order.size(); ++i) sorted[i] = unique[order[i]];

  Result<std::vector<bool>> stored = store_(sorted);
  if (!stored.ok()) return Status::Error(stored.error());
  if (stored.value().size() != sorted.size())
    return Status::Error("storing events: the database answered for " +
                         std::to_string(stored.value().size()) + " of " +
                         std::to_string(sorted.size()) + " events");
  std::vector<bool> is_new(unique.size());
  for (std::size_t i = 0; i < order.size(); ++i) is_new[order[i]] = stored.value()[i];

  for (Waiting* w : group) {
    InsertCounts counts;
    for (const StoredEvent& e : *w->events) {
      // New only for the occurrence that was sent to the database.
      const std::size_t at = first.at(e.id);
      if (is_new[at] && unique[at] == &e)
        ++counts.stored;
      else
        ++counts.duplicates;
    }
    w->result = counts;
  }
  return Status::Ok();
}

}  // namespace central
