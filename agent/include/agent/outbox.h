// Outbox: the durable queue of events waiting for central (DESIGN.md decision 8).
//
// On-disk format: one file per event under STATE_DIR/outbox/, named
// `<20-digit sequence>.<v|i>.json` (v = violation, i = informational), holding the
// event's JSON object and a newline. Add() writes the bytes to `tmp-<sequence>`, fsyncs
// the file, renames it to its final name and fsyncs the directory, so when Add returns
// the event survives a crash or power loss, and a crash mid-write leaves at most a
// `tmp-*` file, which Open() deletes: a final name only ever holds a complete event. Why
// not an append-only segment: events are few (one per risky mail), each must be removed
// individually once central acknowledges it and informational ones dropped oldest first
// when the disk bound is reached — with one file per event both are an unlink, with no
// compaction and no record that a torn write could leave half-valid. A file under a final
// name that does not hold a JSON object (disk corruption, someone's editor) is renamed to
// `*.bad` and skipped, so it can never block delivery.
//
// The sequence orders delivery (oldest first) and survives restarts (Open continues from
// the highest one found). Bounded: when the files would exceed `max_bytes`, the oldest
// informational events are dropped first; violation events are never dropped (the bound
// is then exceeded and a warning given: nothing accepted is lost).
//
// Thread-safe: session threads Add while the sender thread takes batches and Removes.
#ifndef AGENT_OUTBOX_H_
#define AGENT_OUTBOX_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/event_builder.h"
#include "mailcheck/result.h"

namespace agent {

struct OutboxOptions {
  std::uint64_t max_bytes = 50u << 20;      // the disk bound (sum of event file sizes)
  std::size_t batch_events = 1000;          // at most this many events per batch (API limit)
  std::uint64_t batch_bytes = 4000u << 10;  // and this many bytes (API limit 4 MiB, with room)
};

class Outbox {
 public:
  // One queued event, as NextBatch hands it out.
  struct Item {
    std::uint64_t sequence = 0;
    std::string json;
  };

  // Creates `dir` when needed, removes crash leftovers and indexes the events found.
  static mailcheck::Result<std::unique_ptr<Outbox>> Open(std::string dir,
                                                         OutboxOptions options = {});

  // Writes the event durably (file + directory fsync'd) before returning, dropping the
  // oldest informational events first when the bound would be exceeded. An error means
  // the event could not be written (the caller logs it).
  mailcheck::Status Add(const Event& event);

  // The oldest events, at most options.batch_events and options.batch_bytes together (at
  // least one event when any is pending). Files that cannot be read are skipped.
  std::vector<Item> NextBatch();

  // Deletes acknowledged events (missing ones are ignored).
  void Remove(const std::vector<std::uint64_t>& sequences);

  // Waits until an event is pending or `timeout` passes or Wake() is called.
  void WaitForEvents(std::chrono::milliseconds timeout);
  void Wake();

  std::size_t pending() const;
  std::uint64_t bytes() const;
  std::uint64_t max_bytes() const { return options_.max_bytes; }
  // "" normally; a sentence when the outbox is above 80 % of its bound (or over it).
  std::string Warning() const;

 private:
  struct Entry {
    std::uint64_t size = 0;
    bool informational = false;
  };
  Outbox(std::string dir, OutboxOptions options) : dir_(std::move(dir)), options_(options) {}
  std::string PathOf(std::uint64_t sequence, bool informational) const;
  void WarnLocked();  // updates last_warning_, printing it on stderr when it changes

  const std::string dir_;
  const OutboxOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool woken_ = false;
  std::map<std::uint64_t, Entry> entries_;  // by sequence: oldest first
  std::uint64_t bytes_ = 0;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t dropped_ = 0;  // informational events dropped by the bound
  std::string last_warning_;
};

}  // namespace agent

#endif  // AGENT_OUTBOX_H_
