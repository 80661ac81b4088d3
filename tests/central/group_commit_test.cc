// GroupCommit against a store function that keeps ids in memory: grouping, exactly-once
// counts within a batch, across the batches of a group and across groups, and a batch
// the store refuses failing alone. Groups are formed deterministically: the first
// leader's store call waits until the batches under test are queued.
#include "central/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace central {
namespace {

StoredEvent Event(const std::string& id) {
  return StoredEvent{id, "pc", "send_blocked", 1, 2, "{}"};
}

std::vector<StoredEvent> Batch(std::initializer_list<const char*> ids) {
  std::vector<StoredEvent> out;
  for (const char* id : ids) out.push_back(Event(id));
  return out;
}

// The ids stored so far; refuses (as one transaction) any call holding the id "bad".
class MemoryStore {
 public:
  Result<std::vector<bool>> Store(const std::vector<const StoredEvent*>& events) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ++calls_;
      calls_seen_.push_back({});
      for (const StoredEvent* e : events) calls_seen_.back().push_back(e->id);
      released_.wait(lock, [&] { return !hold_; });
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (const StoredEvent* e : events)
      if (e->id == "bad") return Result<std::vector<bool>>::Error("refused: bad");
    std::vector<bool> out;
    for (const StoredEvent* e : events) out.push_back(ids_.insert(e->id).second);
    return out;
  }

  void Hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    hold_ = true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      hold_ = false;
    }
    released_.notify_all();
  }
  // Waits until the store has been called n times.
  void WaitForCalls(int n) {
    while (Calls() < n) std::this_thread::yield();
  }
  int Calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  std::vector<std::vector<std::string>> CallsSeen() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_seen_;
  }
  std::set<std::string> Ids() {
    std::lock_guard<std::mutex> lock(mutex_);
    return ids_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  bool hold_ = false;
  int calls_ = 0;
  std::vector<std::vector<std::string>> calls_seen_;
  std::set<std::string> ids_;
};

class GroupCommitTest : public ::testing::Test {
 protected:
  GroupCommitTest()
      : commit_(1, 5000, [this](const std::vector<const StoredEvent*>& events) {
          return store_.Store(events);
        }) {}

  // Runs `batches` as one group: a first caller's store call is held until they are all
  // queued (in order), then everything is released. Returns their results.
  std::vector<Result<InsertCounts>> AsOneGroup(
      const std::vector<std::vector<StoredEvent>>& batches) {
    const std::vector<StoredEvent> first = Batch({"first"});
    store_.Hold();
    const int calls_before = store_.Calls();
    std::thread leader([&] { EXPECT_TRUE(commit_.Insert(first).ok()); });
    store_.WaitForCalls(calls_before + 1);
    std::vector<Result<InsertCounts>> results(batches.size(),
                                              Result<InsertCounts>::Error("not run"));
    std::vector<std::thread> callers;
    for (std::size_t i = 0; i < batches.size(); ++i) {
      callers.emplace_back([&, i] { results[i] = commit_.Insert(batches[i]); });
      while (commit_.Queued() < i + 1) std::this_thread::yield();
    }
    store_.Release();
    leader.join();
    for (auto& t : callers) t.join();
    return results;
  }

  MemoryStore store_;
  GroupCommit commit_;
};

TEST_F(GroupCommitTest, DuplicatesWithinABatchAreStoredOnce) {
  auto r = commit_.Insert(Batch({"b", "a", "b", "c", "a"}));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.value().stored, 3);
  EXPECT_EQ(r.value().duplicates, 2);
  // The store sees each id once, in id order.
  ASSERT_EQ(store_.CallsSeen().size(), 1u);
  EXPECT_EQ(store_.CallsSeen()[0], (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(GroupCommitTest, DuplicatesAcrossBatchesOfOneGroupCountForTheFirstBatch) {
  auto results = AsOneGroup({Batch({"x", "y"}), Batch({"y", "z"}), Batch({"x", "z"})});
  // One store call for the three batches (after the held one).
  ASSERT_EQ(store_.CallsSeen().size(), 2u);
  EXPECT_EQ(store_.CallsSeen()[1], (std::vector<std::string>{"x", "y", "z"}));
  ASSERT_TRUE(results[0].ok() && results[1].ok() && results[2].ok());
  EXPECT_EQ(results[0].value().stored, 2);
  EXPECT_EQ(results[0].value().duplicates, 0);
  EXPECT_EQ(results[1].value().stored, 1);
  EXPECT_EQ(results[1].value().duplicates, 1);
  EXPECT_EQ(results[2].value().stored, 0);
  EXPECT_EQ(results[2].value().duplicates, 2);
}

TEST_F(GroupCommitTest, DuplicatesAcrossGroupsAreDuplicates) {
  ASSERT_EQ(commit_.Insert(Batch({"a", "b"})).value().stored, 2);
  auto again = commit_.Insert(Batch({"b", "c", "a"}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value().stored, 1);
  EXPECT_EQ(again.value().duplicates, 2);
  EXPECT_EQ(store_.Ids(), (std::set<std::string>{"a", "b", "c"}));
}

TEST_F(GroupCommitTest, ABatchTheStoreRefusesFailsAloneAndTheOthersAreStored) {
  auto results = AsOneGroup({Batch({"p", "q"}), Batch({"r", "bad"}), Batch({"q", "s"})});
  // The group's transaction failed; each batch was then stored alone.
  ASSERT_EQ(store_.CallsSeen().size(), 5u);
  ASSERT_TRUE(results[0].ok()) << results[0].error();
  EXPECT_EQ(results[0].value().stored, 2);
  ASSERT_FALSE(results[1].ok());
  EXPECT_NE(results[1].error().find("refused"), std::string::npos);
  ASSERT_TRUE(results[2].ok()) << results[2].error();
  EXPECT_EQ(results[2].value().stored, 1);
  EXPECT_EQ(results[2].value().duplicates, 1);
  EXPECT_EQ(store_.Ids(), (std::set<std::string>{"first", "p", "q", "s"}));  // no "r"
}

TEST_F(GroupCommitTest, EmptyBatchStoresNothing) {
  auto r = commit_.Insert({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().stored, 0);
  EXPECT_EQ(store_.Calls(), 0);
}

TEST_F(GroupCommitTest, ManyConcurrentCallersEachGetTheirOwnCounts) {
  constexpr int kThreads = 8, kBatches = 20;
  std::vector<std::thread> threads;
  std::atomic<int> stored{0}, duplicates{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        // Half of each batch is shared by every thread.
        std::vector<StoredEvent> batch = {
            Event("own-" + std::to_string(t) + "-" + std::to_string(b)),
            Event("shared-" + std::to_string(b))};
        auto r = commit_.Insert(batch);
        ASSERT_TRUE(r.ok()) << r.error();
        EXPECT_EQ(r.value().stored + r.value().duplicates, 2);
        stored += r.value().stored;
        duplicates += r.value().duplicates;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(stored, kThreads * kBatches + kBatches);
  EXPECT_EQ(duplicates, kThreads * kBatches - kBatches);
  EXPECT_EQ(store_.Ids().size(), static_cast<std::size_t>(kThreads * kBatches + kBatches));
}

}  // namespace
}  // namespace central
