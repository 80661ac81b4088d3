// Store: everything central keeps — enrolled agents and their last heartbeat, events,
// published policies and access records — behind one interface with two backends,
// embedded SQLite (the default; WAL, busy timeout) and PostgreSQL, both through
// Poco::Data (DESIGN.md decision 10).
//
// A Store is thread-safe: the server calls it from many request threads at once. Opening
// one creates the schema or migrates it to the current version (table schema_version).
#ifndef CENTRAL_STORE_H_
#define CENTRAL_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "central/result.h"
#include "central/time_format.h"

namespace central {

struct AgentInfo {
  std::string name;
  Micros enrolled_at = 0;
  Micros last_seen = 0;  // 0: no heartbeat yet
  std::string agent_version;
  std::int64_t policy_version = 0;
  std::int64_t outbox_backlog = 0;
  std::string host;
  std::string user;
  bool revoked = false;  // `agent revoke`: its token is refused
};

// What an agent reports with POST /api/v1/heartbeat.
struct Heartbeat {
  std::string agent_version;
  std::int64_t policy_version = 0;
  std::int64_t outbox_backlog = 0;
  std::string host;
  std::string user;
};

// One event as stored: the indexed columns plus the event's full JSON text.
struct StoredEvent {
  StoredEvent() = default;
  StoredEvent(std::string id, std::string agent, std::string kind, Micros time, Micros received_at,
              std::string json)
      : id(std::move(id)),
        agent(std::move(agent)),
        kind(std::move(kind)),
        time(time),
        received_at(received_at),
        json(std::move(json)) {}

  std::string id;
  std::string agent;
  std::string kind;
  Micros time = 0;
  Micros received_at = 0;
  std::string json;
  // What the intake already read from the parsed JSON (ParseEventBatch), so that storing
  // does not parse it again: the search terms (event_index.h) and the desktop user ("" when
  // the event has none or it is not a string). When absent, they are read from `json`.
  std::optional<std::vector<std::string>> terms;
  std::optional<std::string> user;
};

struct EventFilter {
  std::optional<std::string> kind;
  std::optional<std::string> agent;
  std::optional<Micros> since;  // events whose time is at or after this
};

struct InsertCounts {
  int stored = 0;
  int duplicates = 0;
};

struct PublishedPolicy {
  std::int64_t version = 0;
  std::string policy;     // the signed JSON text
  std::string signature;  // standard base64 of the Ed25519 detached signature
  Micros published_at = 0;
};

struct AccessRecord {
  Micros time = 0;
  std::string who;     // agent name, "cli:<login>" or "anonymous"
  std::string action;  // "POST /api/v1/events", "policy push", ...
  int result = 0;      // HTTP status, or the command's exit status
  std::string peer;    // peer address, "local" for the CLI
};

class Store {
 public:
  virtual ~Store() = default;

  // Fails when the name is taken.
  virtual Status EnrollAgent(const std::string& name, const std::string& token_hash,
                             Micros now) = 0;
  // Gives an enrolled (or revoked) agent a new token hash: the old token stops working.
  // Fails when no agent has that name.
  virtual Status ReplaceAgentToken(const std::string& name, const std::string& token_hash) = 0;
  // Makes the agent's token worthless (a lost or stolen desktop); its events and status
  // stay. Fails when no agent has that name.
  virtual Status RevokeAgent(const std::string& name) = 0;
  // The enrolled name for a token hash; nullopt for an unknown or revoked token.
  virtual Result<std::optional<std::string>> AgentForTokenHash(const std::string& token_hash) = 0;
  virtual Status RecordHeartbeat(const std::string& agent, const Heartbeat& heartbeat,
                                 Micros now) = 0;
  // Ordered by name.
  virtual Result<std::vector<AgentInfo>> ListAgents() = 0;

  // Stores a batch in one transaction; an id already stored is a duplicate, not an error.
  virtual Result<InsertCounts> InsertEvents(const std::vector<StoredEvent>& events) = 0;
  // Newest first (by event time, then by arrival).
  virtual Result<std::vector<StoredEvent>> ListEvents(const EventFilter& filter) = 0;

  // The highest published version; nullopt when nothing is published.
  virtual Result<std::optional<PublishedPolicy>> LatestPolicy() = 0;
  // Fails when that version is already published.
  virtual Status PublishPolicy(const PublishedPolicy& policy) = 0;

  virtual Status RecordAccess(const AccessRecord& record) = 0;
  // Records with from <= time < to, oldest first.
  virtual Result<std::vector<AccessRecord>> ListAccess(Micros from, Micros to) = 0;
};

// Opens (creating and migrating as needed) the store named by a --db value:
//   "sqlite:PATH"                              embedded SQLite file
//   "postgresql://user[:password]@host[:port]/dbname"
struct StoreOptions {
  // PostgreSQL: a thread of the store's writes the search terms of stored events after
  // their commit, and at start those an earlier run left (event_index.h); `serve` has it.
  // Without it they stay pending until a search, or a store with it, writes them (a
  // command-line store is gone before that would matter).
  bool index_writer = false;
};
Result<std::unique_ptr<Store>> OpenStore(const std::string& db, const StoreOptions& options = {});

// The libpq connection string ("host=... port=... user=... dbname=...") for a
// postgresql:// URL; percent-escapes are decoded and values quoted as libpq wants.
Result<std::string> PostgresConnectionString(const std::string& url);

}  // namespace central

#endif  // CENTRAL_STORE_H_
