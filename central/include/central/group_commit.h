// GroupCommit: lets concurrent InsertEvents callers share one database transaction
// (group commit), and keeps them exactly-once and apart.
//
// Each caller hands in its batch and waits. A caller that finds fewer than max_concurrent
// groups being stored becomes the leader of every batch queued so far (up to
// max_group_events events, always at least one batch): it stores their events through
// `store` in one transaction and wakes their callers, each with its own counts. While one
// group commits (its fsync), the batches that arrive meanwhile form the next group, so
// under load the commits per second stay bounded, and each caller still returns only
// once its own events are committed (or have failed).
//
// Exactly-once: an id is stored at most once however often it comes, within a batch,
// across the batches of a group or across groups; per batch, each event counts as stored
// (this call stored it) or duplicate (stored before, or earlier in the same group).
// Apart: when a group's transaction fails, each of its batches is stored again alone, so
// a batch the database refuses fails only its own caller.
//
// Leaders are the callers' own threads: nothing runs in the background. Thread-safe.
#ifndef CENTRAL_GROUP_COMMIT_H_
#define CENTRAL_GROUP_COMMIT_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "central/result.h"
#include "central/store.h"

namespace central {

class GroupCommit {
 public:
  // Stores `events` (distinct ids, in id order so that concurrent transactions take their
  // row locks in one order) in ONE transaction and commits it. Returns, for each event,
  // whether it was newly stored (false: its id was already stored), or the error when
  // the transaction failed (then nothing of it is stored). Called without any lock held,
  // by up to max_concurrent leaders at once.
  using StoreFunction =
      std::function<Result<std::vector<bool>>(const std::vector<const StoredEvent*>& events)>;

  // max_concurrent >= 1: groups stored at once (1 for a database with one writer).
  GroupCommit(int max_concurrent, std::size_t max_group_events, StoreFunction store);
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Returns once `events` are committed (or failed), with this batch's own counts.
  Result<InsertCounts> Insert(const std::vector<StoredEvent>& events);

  // Batches waiting for a leader (for tests and monitoring).
  std::size_t Queued();

 private:
  struct Waiting {
    const std::vector<StoredEvent>* events = nullptr;
    Result<InsertCounts> result = Result<InsertCounts>::Error("not stored");
    bool done = false;
  };

  // Stores a group in one transaction, or each batch alone when that fails; sets every
  // batch's result.
  void StoreGroup(const std::vector<Waiting*>& group);
  // One transaction for the group; sets the results only when it is committed.
  Status StoreTogether(const std::vector<Waiting*>& group);

  const int max_concurrent_;
  const std::size_t max_group_events_;
  const StoreFunction store_;
  std::mutex mutex_;
  std::condition_variable finished_;
  std::deque<Waiting*> queue_;  // not yet in a group, oldest first
  int storing_ = 0;             // groups being stored
};

}  // namespace central

#endif  // CENTRAL_GROUP_COMMIT_H_
