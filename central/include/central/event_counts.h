// Events counted per local day, kind and agent (issue 11): the dashboard's weekly charts
// read these counts — about kinds × agents × days rows — instead of every event of eight
// weeks (660,000 rows at 1,000,000 events).
//
// event_day_counts (kind, day, agent, n): `day` is the local date in the time zone named
// by event_day_counts_state, counted from 1970-01-01. Counts are exact: the intake adds
// the newly stored events of a batch in the same transaction that stores them, so a count
// never runs ahead of or behind the events table. The agent, not its section, is kept, so
// that moving an agent to another section moves its counts with it, as the events list
// does.
//
// The time zone: a local day is only known in a zone, and the zone is the console's
// (serve --time-zone). The counts are valid when event_day_counts_state holds exactly one
// row, the process's zone (console_time.h). `serve` rebuilds them at start when they are
// not (first start after the migration, a changed --time-zone); a process storing events
// in another zone does not guess: it adds a stale marker row, and the console counts the
// events themselves (slower, still right) until the next rebuild.
//
// Locking (PostgreSQL): the intake reads the state row FOR SHARE; a rebuild takes the state
// table in EXCLUSIVE mode, so it waits for intake transactions in flight and they wait for
// it. Upserts go in key order, so concurrent batches cannot deadlock. On SQLite, writers
// are serialised by the database itself.
#ifndef CENTRAL_EVENT_COUNTS_H_
#define CENTRAL_EVENT_COUNTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "central/store.h"

namespace Poco::Data {
class Session;
}

namespace central {

// The kinds also counted per desktop user (event_user_day_counts: kind, day, agent,
// user_name, n), for the near misses per person: send_blocked and print_blocked.
const std::vector<std::string>& PerUserCountedKinds();

// The statements of schema migration 5: the per-user counts, and the counts marked stale
// so that serve recounts them with the users.
const std::vector<std::string>& EventUserCountSchema();

// The statements of schema migration 3 (after the search index): the counts and their state,
// which starts stale (no zone).
const std::vector<std::string>& EventCountSchema();

// Adds `events` (all newly stored) to the day counts (and the per-user ones) on `session`, inside
// the caller's transaction, when the counts are kept in the process's zone; marks them stale
// otherwise. Poco exceptions pass through to the caller.
void CountEventBatch(Poco::Data::Session& session, bool postgres,
                     const std::vector<const StoredEvent*>& events);

// Whether the counts are those of the process's zone (one read of the state table).
bool EventCountsCurrent(Poco::Data::Session& session);

// Recounts every stored event in the process's zone, in one transaction of its own on
// `session`, unless the counts are current. Returns the number of events counted, or -1
// when they were current already. Poco exceptions pass through.
std::int64_t RebuildEventCounts(Poco::Data::Session& session, bool postgres);

}  // namespace central

#endif  // CENTRAL_EVENT_COUNTS_H_
