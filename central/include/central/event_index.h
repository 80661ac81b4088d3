// The event search index (issue 11): the terms an event can be searched by — its
// recipients' domains (with every parent domain), the desktop user, and the character
// bigrams of its subject — kept in the table event_terms beside events, so that the
// console finds events by domain, user or subject words without reading the JSON of every
// stored event.
//
// SQLite: event_terms (term, event_time, received_at, event_id) has one row per distinct
// term of an event; its primary key starts with the term and continues with the console's
// sort order (newest first), so one term's events are read in page order and another term
// of the same event is one key lookup.
// PostgreSQL: event_term_sets (event_time, received_at, event_id, terms TEXT[]) has one
// row per event, its terms in an array with a GIN index (schema migration 7; issue 17).
// Eleven rows per event, each with its own heap tuple, B-tree entry and WAL records, were
// most of the server's work at intake; one row and one GIN entry per event cost about a
// fifth of it. A search asks for the events whose array holds every term it needs
// (`terms @> ...`), newest first: the planner reads a rare term's events through the GIN
// index, and walks the primary key newest first for a common one.
// Terms:
//   "d:" + domain   every recipient's domain and each parent with a dot
//                   ("tax.example.co.jp", "example.co.jp", "co.jp"; not "jp"), lower-cased
//   "u:" + user     the desktop login in the event, as it is
//   "s:" + bigram   two consecutive characters (Unicode code points) of the subject with
//                   ASCII letters lower-cased and no white space in either: 「住民票の写し」
//                   gives 住民, 民票, 票の, の写, 写し — so a search for 住民票 (住民 and 民票)
//                   finds it. Bigrams narrow the candidates; the subject itself decides.
//                   Bigrams with '*' (the agent's mask of digits) are left out.
//
// Pure functions and one writer that takes a whole batch (the event intake stores events
// in batches). Thread-safe.
#ifndef CENTRAL_EVENT_INDEX_H_
#define CENTRAL_EVENT_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "central/store.h"

namespace Poco::Data {
class Session;
}
namespace Poco::JSON {
class Object;
}

namespace central {

// The distinct terms of one stored event: event.terms when the intake set them, else read
// from its JSON body (none when the body is not JSON).
std::vector<std::string> EventTerms(const StoredEvent& event);
// The distinct terms of an event's parsed JSON object, sorted.
std::vector<std::string> EventTerms(const Poco::JSON::Object& event);

// The terms that a subject search word needs ("s:" bigrams); empty for a one-character
// word, which the index cannot narrow.
std::vector<std::string> SubjectWordTerms(std::string_view word);
// "d:" + the lower-cased domain.
std::string DomainTerm(std::string_view domain);
// Whether a domain has index terms: one with a dot ("example.co.jp", "co.jp"), not a lone
// top-level label ("jp"), which a search checks on each event's JSON instead.
bool IsIndexedDomain(std::string_view domain);
// "u:" + the user.
std::string UserTerm(std::string_view user);

// Writes the terms of `events` (all newly stored) into event_terms (SQLite) or
// event_term_sets (`postgres`) on `session`, inside the caller's transaction. Multi-row
// INSERTs of a few hundred rows each. Poco exceptions pass through to the caller.
void IndexEventBatch(Poco::Data::Session& session, bool postgres,
                     const std::vector<const StoredEvent*>& events);

// Fills event_terms for every stored event (the migration that adds the index), in
// batches, inside the caller's transaction.
void BackfillEventIndex(Poco::Data::Session& session, bool postgres);

// Deferred indexing (PostgreSQL; issue 17). Index rows were three quarters of the
// server's work at intake, and a batch's reply waited for them. Now the intake stores each
// new event together with a row in event_terms_pending, in the same transaction, and
// replies; the terms are written afterwards:
//   - by the store's index writer, from the terms the intake already read (IndexClaimed);
//   - or from the stored JSON (IndexPendingEvents): at start (what a stopped or crashed
//     central left), every half minute (what another central or a failed write left), and
//     before every search that reads event_terms, so that a search sees every event
//     stored before it began.
// Each writer claims an event by deleting its pending row in the transaction that writes
// the event's terms, locking pending rows in event id order: whichever gets there first
// writes them, exactly once, and a search waits for a writer that holds rows it needs.

// An event whose terms are to be written.
struct IndexItem {
  std::string id;
  std::int64_t time = 0;
  std::int64_t received_at = 0;
  std::vector<std::string> terms;
};

// Claims the pending rows of `items` and writes the terms of the events claimed (those
// no other writer got to first), inside the caller's transaction. PostgreSQL only.
// Returns the number of events indexed.
std::size_t IndexClaimed(Poco::Data::Session& session, const std::vector<IndexItem>& items);

enum class PendingSweep {
  kAll,    // every pending event, waiting for writers that hold some (a search, a start)
  kStale,  // those received before a time that no writer holds now (never waits)
};
// Writes the terms of pending events from their stored JSON, in transactions of its own
// (the session must not be in one) of up to 2,000 events; kStale: only events received
// before `received_before` (microseconds). PostgreSQL only. Returns the number indexed.
std::size_t IndexPendingEvents(Poco::Data::Session& session, PendingSweep sweep,
                               std::int64_t received_before = 0);

// The statements that create event_terms_pending (schema migration 6).
const std::vector<std::string>& PendingIndexSchema();

// The statements that create event_terms (schema migration 2); "{without_rowid}" is
// " WITHOUT ROWID" on SQLite and "" on PostgreSQL.
const std::vector<std::string>& EventIndexSchema();

// The statements that create event_term_sets (PostgreSQL).
const std::vector<std::string>& TermSetSchema();

// Schema migration 7 on PostgreSQL, inside the caller's transaction: creates
// event_term_sets, fills it from event_terms (one row per event) and drops event_terms.
void MoveEventIndexToTermSets(Poco::Data::Session& session);

// A PostgreSQL array literal of `terms` ({"u:tanaka","s:住民"}), for `terms @> ?::text[]`.
std::string TermArrayLiteral(const std::vector<std::string>& terms);

}  // namespace central

#endif  // CENTRAL_EVENT_INDEX_H_
