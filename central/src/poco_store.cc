// The only file that touches Poco::Data: both Store backends, SQLite and PostgreSQL, with
// the SQL they share. Poco exceptions end here.
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_set>

#include "central/event_counts.h"
#include "central/event_index.h"
#include "central/group_commit.h"
#include "central/store.h"
#include "pg_array.h"
#include "sqlite_insert.h"

namespace central {
namespace {

using Poco::Data::Session;
using Poco::Data::Statement;
using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

enum class Dialect { kSqlite, kPostgres };

// The schema, one entry per version; a new version appends statements, never edits old ones.
struct Migration {
  int version;
  std::vector<std::string> statements;  // "{serial}" is the dialect's auto-increment key type
};

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       {"CREATE TABLE IF NOT EXISTS agents (name TEXT PRIMARY KEY, token_hash TEXT NOT NULL "
        "UNIQUE, enrolled_at BIGINT NOT NULL, last_seen BIGINT NOT NULL DEFAULT 0, "
        "agent_version TEXT NOT NULL DEFAULT '', policy_version BIGINT NOT NULL DEFAULT 0, "
        "outbox_backlog BIGINT NOT NULL DEFAULT 0, host TEXT NOT NULL DEFAULT '', "
        "user_name TEXT NOT NULL DEFAULT '')",
        "CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, agent TEXT NOT NULL, kind TEXT "
        "NOT NULL, event_time BIGINT NOT NULL, received_at BIGINT NOT NULL, body TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS events_by_time ON events (event_time, received_at)",
        "CREATE INDEX IF NOT EXISTS events_by_kind ON events (kind, event_time)",
        "CREATE INDEX IF NOT EXISTS events_by_agent ON events (agent, event_time)",
        "CREATE TABLE IF NOT EXISTS policies (version BIGINT PRIMARY KEY, policy TEXT NOT NULL, "
        "signature TEXT NOT NULL, published_at BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS access_log (seq {serial} PRIMARY KEY, at BIGINT NOT NULL, "
        "who TEXT NOT NULL, action TEXT NOT NULL, result INTEGER NOT NULL, peer TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS access_log_by_time ON access_log (at)"}},
      // 2: the event search index (event_index.h), back-filled from the stored events.
      {2, EventIndexSchema()},
      // 3: events per local day, kind and agent for the dashboard (event_counts.h); counted
      // by `serve` at its first start (the counts need the console's time zone).
      {3, EventCountSchema()},
      // 4: confirmed sends not yet looked at by the review sweep (incident_store.cc), so
      // that a sweep reads what arrived since the last one, not every such event ever
      // stored. Filled at intake; here with every one stored so far (the sweep skips those
      // it has judged before).
      {4,
       {"CREATE TABLE IF NOT EXISTS review_queue (event_id TEXT PRIMARY KEY)",
        "INSERT INTO review_queue (event_id) SELECT id FROM events WHERE kind = "
        "'prompt_confirmed' ON CONFLICT DO NOTHING"}},
      // 5: blocks per local day and desktop user, for the near misses per person
      // (event_counts.h); recounted by `serve` at its next start.
      {5, EventUserCountSchema()},
      // 6: events whose search terms are still to be written (event_index.h: deferred
      // indexing on PostgreSQL; on SQLite the intake writes them at once and this stays
      // empty).
      {6, PendingIndexSchema()},
      // 7: PostgreSQL keeps an event's search terms in one row (event_index.h), moved
      // there from event_terms; nothing changes on SQLite.
      {7, {}},
  };
  return kMigrations;
}

// The PostgreSQL statement that stores a batch of events in one execution: the batch
// travels as six arrays (one per column) unnested into rows, and RETURNING names the ids
// that were not stored before. One object per batch (see Connection).
class PostgresEventInsert {
 public:
  explicit PostgresEventInsert(Session& s) : statement_(s) {
    // Each newly stored event also gets its row in event_terms_pending (event_index.h):
    // its search terms are written after the commit.
    statement_ << "WITH stored AS (INSERT INTO events (id, agent, kind, event_time, "
                  "received_at, body) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], "
                  "$4::bigint[], $5::bigint[], $6::text[]) ON CONFLICT (id) DO NOTHING "
                  "RETURNING id), pending AS (INSERT INTO event_terms_pending (event_id) SELECT "
                  "id FROM stored) SELECT id FROM stored",
        use(ids_), use(agents_), use(kinds_), use(times_), use(received_), use(bodies_),
        into(stored_);
  }

  // For each event, whether it was newly stored. Inside the caller's transaction; once.
  std::vector<bool> Run(const std::vector<const StoredEvent*>& events) {
    for (std::string* a : {&ids_, &agents_, &kinds_, &times_, &received_, &bodies_}) a->assign("{");
    for (const StoredEvent* e : events) {
      pg::AppendText(ids_, e->id);
      pg::AppendText(agents_, e->agent);
      pg::AppendText(kinds_, e->kind);
      pg::AppendNumber(times_, e->time);
      pg::AppendNumber(received_, e->received_at);
      pg::AppendText(bodies_, e->json);
    }
    for (std::string* a : {&ids_, &agents_, &kinds_, &times_, &received_, &bodies_})
      a->push_back('}');
    stored_.clear();
    statement_.execute();
    std::unordered_set<std::string_view> stored(stored_.begin(), stored_.end());
    std::vector<bool> out(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) out[i] = stored.count(events[i]->id) > 0;
    return out;
  }

 private:
  std::string ids_, agents_, kinds_, times_, received_, bodies_;  // array literals
  std::vector<std::string> stored_;
  Statement statement_;  // last: bound to the members above
};

// One database session, reused while it works. Statements are not kept prepared on it:
// Poco 1.11's PostgreSQL StatementExecutor frees its previous PGresult before each
// execution without forgetting it, so a kept statement whose execution fails after one
// that succeeded frees that result twice (a crash, on the first database restart).
struct Connection {
  explicit Connection(std::unique_ptr<Session> s) : session(std::move(s)) {}
  std::unique_ptr<Session> session;
};

// Connections to one database, handed out one per caller at a time. They are opened on
// demand (each set up by `make`), at most max_open at once (0: no limit; a caller waits
// for one to come back), and reused; one that failed is closed.
class ConnectionPool {
 public:
  ConnectionPool(std::function<std::unique_ptr<Session>()> make, std::size_t max_open)
      : make_(std::move(make)), max_open_(max_open) {}

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> c, bool reused)
        : pool_(pool), connection_(std::move(c)), reused_(reused) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.Return(std::move(connection_), failed_); }
    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }
    void MarkFailed() { failed_ = true; }
    // Taken from the idle ones (it may have died since, with its server).
    bool reused() const { return reused_; }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<Connection> connection_;
    bool failed_ = false;
    bool reused_ = false;
  };

  Lease Take() {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      returned_.wait(lock, [&] { return !idle_.empty() || max_open_ == 0 || open_ < max_open_; });
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(c), true);
      }
      ++open_;
    }
    try {
      return Lease(*this, std::make_unique<Connection>(make_()), false);
    } catch (...) {
      Closed();
      throw;
    }
  }

  // Closes the idle connections: after one was found dead (a database restart), the
  // others are too.
  void CloseIdle() {
    std::vector<std::unique_ptr<Connection>> closing;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closing.swap(idle_);
      open_ -= closing.size();
    }
    returned_.notify_all();
  }

 private:
  void Return(std::unique_ptr<Connection> c, bool failed) {
    if (!c) return;
    try {
      if (c->session->isTransaction()) c->session->rollback();
    } catch (const Poco::Exception&) {
      failed = true;
    }
    if (!failed) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (idle_.size() < kMaxIdle) {
        idle_.push_back(std::move(c));
        returned_.notify_one();
        return;
      }
    }
    c.reset();
    Closed();
  }

  void Closed() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --open_;
    }
    returned_.notify_one();
  }

  static constexpr std::size_t kMaxIdle = 64;
  std::function<std::unique_ptr<Session>()> make_;
  const std::size_t max_open_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // leased and idle
};

class PocoStore : public Store {
 public:
  // max_open: connections at most (0: no limit); concurrent_commits: event groups stored
  // at once (GroupCommit). make_writer (SQLite): the one connection that writes — SQLite
  // has one writer at a time anyway — kept apart so that only it holds the large page
  // cache the index inserts need, not every connection that ever led a group.
  PocoStore(Dialect dialect, std::function<std::unique_ptr<Session>()> make, std::size_t max_open,
            int concurrent_commits, std::function<std::unique_ptr<Session>()> make_writer = {})
      : dialect_(dialect),
        pool_(std::move(make), max_open),
        writer_pool_(make_writer ? std::make_unique<ConnectionPool>(std::move(make_writer), 1)
                                 : nullptr),
        group_commit_(concurrent_commits, kMaxGroupEvents,
                      [this](const std::vector<const StoredEvent*>& events) {
                        return StoreEventBatch(events);
                      }) {}

  ~PocoStore() override { StopIndexWriter(); }

  // After Migrate: starts the index writer (PostgreSQL).
  void StartIndexWriter() {
    if (dialect_ != Dialect::kPostgres) return;
    index_writer_ = std::thread([this] { IndexWriterLoop(); });
  }

  Status Migrate() {
    return ToStatus(Run<bool>("migrating the database schema", true, [&](Session& s) {
      Sql(s, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      s.begin();
      Poco::Int64 current = 0;
      Statement(s) << Q("SELECT COALESCE(MAX(version), 0) FROM schema_version"), into(current), now;
      const int newest = Migrations().back().version;
      if (current > newest) {
        throw Poco::Exception("the database schema is version " + std::to_string(current) +
                              ", newer than this sendguard-central knows (" +
                              std::to_string(newest) + ")");
      }
      for (const Migration& m : Migrations()) {
        if (m.version <= current) continue;
        for (std::string sql : m.statements) {
          const std::size_t at = sql.find("{serial}");
          if (at != std::string::npos) {
            sql.replace(at, 8, dialect_ == Dialect::kSqlite ? "INTEGER" : "BIGSERIAL");
          }
          const std::size_t wr = sql.find("{without_rowid}");
          if (wr != std::string::npos)
            sql.replace(wr, 15, dialect_ == Dialect::kSqlite ? " WITHOUT ROWID" : "");
          Sql(s, sql);
        }
        // The search index of the events stored before it existed: SQLite's event_terms
        // at 2; PostgreSQL's event_term_sets at 7, which replaces event_terms.
        const bool postgres = dialect_ == Dialect::kPostgres;
        if (m.version == 2 && !postgres) BackfillEventIndex(s, false);
        if (m.version == 7 && postgres) {
          MoveEventIndexToTermSets(s);
          if (current < 2) BackfillEventIndex(s, true);
        }
        int version = m.version;
        Statement(s) << Q("INSERT INTO schema_version (version) VALUES (?)"), use(version), now;
      }
      s.commit();
      return true;
    }));
  }

  Status EnrollAgent(const std::string& name, const std::string& token_hash,
                     Micros now_us) override {
    auto r = Run<bool>("enrolling agent " + name, true, [&](Session& s) {
      Poco::Int64 taken = 0;
      Statement(s) << Q("SELECT COUNT(*) FROM agents WHERE name = ?"), bind(name), into(taken), now;
      if (taken > 0) return false;
      Statement(s) << Q("INSERT INTO agents (name, token_hash, enrolled_at) VALUES (?, ?, ?)"),
          bind(name), bind(token_hash), bind(static_cast<Poco::Int64>(now_us)), now;
      return true;
    });
    if (!r.ok()) return Status::Error(r.error());
    if (!r.value()) return Status::Error("an agent named '" + name + "' is already enrolled");
    return Status::Ok();
  }

  Status RevokeAgent(const std::string& name) override {
    // No SHA-256 hex digest can equal "revoked:NAME" (and it stays unique per agent).
    return ReplaceAgentToken(name, "revoked:" + name);
  }

  Status ReplaceAgentToken(const std::string& name, const std::string& token_hash) override {
    auto r = Run<bool>("changing the token of agent " + name, true, [&](Session& s) {
      Poco::Int64 found = 0;
      Statement(s) << Q("SELECT COUNT(*) FROM agents WHERE name = ?"), bind(name), into(found), now;
      if (found == 0) return false;
      Statement(s) << Q("UPDATE agents SET token_hash = ? WHERE name = ?"), bind(token_hash),
          bind(name), now;
      return true;
    });
    if (!r.ok()) return Status::Error(r.error());
    if (!r.value()) return Status::Error("no agent named '" + name + "' is enrolled");
    return Status::Ok();
  }

  Result<std::optional<std::string>> AgentForTokenHash(const std::string& token_hash) override {
    return Run<std::optional<std::string>>("looking up an agent token", false, [&](Session& s) {
      std::vector<std::string> names;
      Statement(s) << Q("SELECT name FROM agents WHERE token_hash = ?"), bind(token_hash),
          into(names), now;
      return names.empty() ? std::nullopt : std::optional<std::string>(names.front());
    });
  }

  Status RecordHeartbeat(const std::string& agent, const Heartbeat& hb, Micros now_us) override {
    return ToStatus(Run<bool>("recording a heartbeat", true, [&](Session& s) {
      Statement(s) << Q(
          "UPDATE agents SET last_seen = ?, agent_version = ?, policy_version = ?, "
          "outbox_backlog = ?, host = ?, user_name = ? WHERE name = ?"),
          bind(static_cast<Poco::Int64>(now_us)), bind(hb.agent_version),
          bind(static_cast<Poco::Int64>(hb.policy_version)),
          bind(static_cast<Poco::Int64>(hb.outbox_backlog)), bind(hb.host), bind(hb.user),
          bind(agent), now;
      return true;
    }));
  }

  Result<std::vector<AgentInfo>> ListAgents() override {
    return Run<std::vector<AgentInfo>>("listing agents", false, [&](Session& s) {
      std::vector<std::string> name, version, host, user, token_hash;
      std::vector<Poco::Int64> enrolled, seen, policy, backlog;
      Statement(s) << Q(
          "SELECT name, enrolled_at, last_seen, agent_version, policy_version, "
          "outbox_backlog, host, user_name, token_hash FROM agents ORDER BY name"),
          into(name), into(enrolled), into(seen), into(version), into(policy), into(backlog),
          into(host), into(user), into(token_hash), now;
      std::vector<AgentInfo> out(name.size());
      for (std::size_t i = 0; i < name.size(); ++i) {
        out[i] = AgentInfo{name[i],    enrolled[i], seen[i],
                           version[i], policy[i],   backlog[i],
                           host[i],    user[i],     token_hash[i].rfind("revoked:", 0) == 0};
      }
      return out;
    });
  }

  Result<InsertCounts> InsertEvents(const std::vector<StoredEvent>& events) override {
    return group_commit_.Insert(events);
  }

  Result<std::vector<StoredEvent>> ListEvents(const EventFilter& filter) override {
    return Run<std::vector<StoredEvent>>("listing events", false, [&](Session& s) {
      std::string sql =
          "SELECT id, agent, kind, event_time, received_at, body FROM events WHERE 1 = 1";
      Statement stmt(s);
      if (filter.kind) sql += " AND kind = ?";
      if (filter.agent) sql += " AND agent = ?";
      if (filter.since) sql += " AND event_time >= ?";
      sql += " ORDER BY event_time DESC, received_at DESC, id DESC";
      stmt << Q(sql);
      if (filter.kind) stmt, bind(*filter.kind);
      if (filter.agent) stmt, bind(*filter.agent);
      if (filter.since) stmt, bind(static_cast<Poco::Int64>(*filter.since));
      std::vector<std::string> id, agent, kind, body;
      std::vector<Poco::Int64> time, received;
      stmt, into(id), into(agent), into(kind), into(time), into(received), into(body);
      stmt.execute();
      std::vector<StoredEvent> out(id.size());
      for (std::size_t i = 0; i < id.size(); ++i) {
        out[i] = StoredEvent{id[i], agent[i], kind[i], time[i], received[i], body[i]};
      }
      return out;
    });
  }

  Result<std::optional<PublishedPolicy>> LatestPolicy() override {
    return Run<std::optional<PublishedPolicy>>(
        "reading the published policy", false, [&](Session& s) {
          std::vector<Poco::Int64> version, published;
          std::vector<std::string> policy, signature;
          Statement(s) << Q(
              "SELECT version, policy, signature, published_at FROM policies ORDER BY "
              "version DESC LIMIT 1"),
              into(version), into(policy), into(signature), into(published), now;
          if (version.empty()) return std::optional<PublishedPolicy>();
          return std::optional<PublishedPolicy>(
              PublishedPolicy{version[0], policy[0], signature[0], published[0]});
        });
  }

  Status PublishPolicy(const PublishedPolicy& p) override {
    auto r = Run<bool>("publishing the policy", true, [&](Session& s) {
      s.begin();
      Poco::Int64 taken = 0;
      Statement(s) << Q("SELECT COUNT(*) FROM policies WHERE version >= ?"),
          bind(static_cast<Poco::Int64>(p.version)), into(taken), now;
      if (taken > 0) return false;
      Statement(s) << Q(
          "INSERT INTO policies (version, policy, signature, published_at) VALUES "
          "(?, ?, ?, ?)"),
          bind(static_cast<Poco::Int64>(p.version)), bind(p.policy), bind(p.signature),
          bind(static_cast<Poco::Int64>(p.published_at)), now;
      s.commit();
      return true;
    });
    if (!r.ok()) return Status::Error(r.error());
    if (!r.value()) {
      return Status::Error("policy version " + std::to_string(p.version) +
                           " is not newer than the last published one");
    }
    return Status::Ok();
  }

  Status RecordAccess(const AccessRecord& a) override {
    return ToStatus(Run<bool>("writing an access record", true, [&](Session& s) {
      Statement(s) << Q(
          "INSERT INTO access_log (at, who, action, result, peer) VALUES (?, ?, ?, "
          "?, ?)"),
          bind(static_cast<Poco::Int64>(a.time)), bind(a.who), bind(a.action), bind(a.result),
          bind(a.peer), now;
      return true;
    }));
  }

  Result<std::vector<AccessRecord>> ListAccess(Micros from, Micros to) override {
    return Run<std::vector<AccessRecord>>("reading access records", false, [&](Session& s) {
      std::vector<Poco::Int64> at;
      std::vector<std::string> who, action, peer;
      std::vector<int> result;
      Statement(s) << Q(
          "SELECT at, who, action, result, peer FROM access_log WHERE at >= ? AND "
          "at < ? ORDER BY at, seq"),
          bind(static_cast<Poco::Int64>(from)), bind(static_cast<Poco::Int64>(to)), into(at),
          into(who), into(action), into(result), into(peer), now;
      std::vector<AccessRecord> out(at.size());
      for (std::size_t i = 0; i < at.size(); ++i) {
        out[i] = AccessRecord{at[i], who[i], action[i], result[i], peer[i]};
      }
      return out;
    });
  }

 private:
  // SQL is written with '?' placeholders; PostgreSQL's connector wants $1, $2, ...
  std::string Q(const std::string& sql) const {
    if (dialect_ == Dialect::kSqlite) return sql;
    std::string out;
    int n = 0;
    bool quoted = false;
    for (char c : sql) {
      if (c == '\'') quoted = !quoted;
      if (c == '?' && !quoted)
        out += "$" + std::to_string(++n);
      else
        out.push_back(c);
    }
    return out;
  }

  void Sql(Session& s, const std::string& sql) { Statement(s) << sql, now; }

  static Status ToStatus(const Result<bool>& r) {
    return r.ok() ? Status::Ok() : Status::Error(r.error());
  }

  // THE path by which events enter the database (GroupCommit's StoreFunction): stores a
  // batch (distinct ids, in id order) in one transaction and commits it; for each event,
  // whether it was newly stored. What is derived from events (tables the console searches
  // by) belongs here too, written in the same transaction for the newly stored events.
  Result<std::vector<bool>> StoreEventBatch(const std::vector<const StoredEvent*>& events) {
    return RunOn<std::vector<bool>>("storing events", Access::kIdempotentWrite, [&](Connection& c) {
      Session& s = *c.session;
      s.begin();
      std::vector<bool> stored = InsertNewEvents(c, events);
      std::vector<const StoredEvent*> fresh;
      for (std::size_t i = 0; i < events.size(); ++i)
        if (stored[i]) fresh.push_back(events[i]);
      // PostgreSQL: the terms are written after the commit, off the reply's path (their
      // pending rows went in with the events), unless the index writer is that far behind
      // (or there is none): then now, as SQLite, one writer, always does. The intake then
      // goes at the pace of the index again, and the terms a search may have to write
      // first stay a few seconds' worth.
      const bool later = dialect_ == Dialect::kPostgres && IndexWriterHasRoom();
      if (!later && !fresh.empty()) {
        if (dialect_ == Dialect::kSqlite)
          IndexEventBatch(s, false, fresh);
        else
          IndexClaimed(s, IndexItems(fresh));
      }
      CountEventBatch(s, dialect_ == Dialect::kPostgres, fresh);
      QueueForReview(s, fresh);
      s.commit();
      if (later) QueueForIndex(fresh);
      return stored;
    });
  }

  // The index writer (PostgreSQL): writes the terms of events stored by this process after
  // their commit, from what the intake read; and sweeps what is pending from the stored
  // JSON at start (what an earlier run left) and every kSweepEvery (what a failed write or
  // another central left; only events older than kStaleAfter, which their own writer has
  // had time for).
  // Events waiting for the writer at most (a soft limit: groups being stored may add
  // theirs): about a second of a busy intake.
  static constexpr std::size_t kMaxQueuedIndexItems = 5000;
  // Events per write: a search waits for a write in progress that holds events it needs.
  static constexpr std::size_t kMaxIndexGroup = 5000;
  static constexpr std::chrono::seconds kSweepEvery{30};
  static constexpr std::chrono::milliseconds kIndexGather{200};
  static constexpr Micros kStaleAfter = 60 * 1000000LL;

  static std::vector<IndexItem> IndexItems(const std::vector<const StoredEvent*>& events) {
    std::vector<IndexItem> items;
    items.reserve(events.size());
    for (const StoredEvent* e : events)
      items.push_back(IndexItem{e->id, e->time, e->received_at, EventTerms(*e)});
    return items;
  }

  bool IndexWriterHasRoom() {
    std::lock_guard<std::mutex> lock(index_mutex_);
    return index_writer_.joinable() && !index_stopping_ &&
           index_queue_.size() < kMaxQueuedIndexItems;
  }

  void QueueForIndex(const std::vector<const StoredEvent*>& fresh) {
    if (fresh.empty()) return;
    std::vector<IndexItem> items = IndexItems(fresh);
    {
      std::lock_guard<std::mutex> lock(index_mutex_);
      for (IndexItem& item : items) index_queue_.push_back(std::move(item));
    }
    index_ready_.notify_one();
  }

  // Writes what is queued before it returns (a clean stop leaves nothing pending unless
  // the database is unreachable).
  void StopIndexWriter() {
    {
      std::lock_guard<std::mutex> lock(index_mutex_);
      index_stopping_ = true;
    }
    index_ready_.notify_one();
    if (index_writer_.joinable()) index_writer_.join();
  }

  void IndexWriterLoop() {
    bool sweep_all = true;  // at start
    auto next_sweep = std::chrono::steady_clock::now();
    while (true) {
      std::vector<IndexItem> items;
      bool stopping = false;
      {
        std::unique_lock<std::mutex> lock(index_mutex_);
        index_ready_.wait_until(lock, next_sweep,
                                [&] { return index_stopping_ || !index_queue_.empty(); });
        // Let a few groups gather: one write of many events costs the server less than
        // many small ones (a commit and a claim each; consecutive terms share pages).
        if (!index_queue_.empty())
          index_ready_.wait_for(lock, kIndexGather, [&] {
            return index_stopping_ || index_queue_.size() >= kMaxIndexGroup / 2;
          });
        const std::size_t n = std::min(index_queue_.size(), kMaxIndexGroup);
        items.assign(std::make_move_iterator(index_queue_.begin()),
                     std::make_move_iterator(index_queue_.begin() + static_cast<long>(n)));
        index_queue_.erase(index_queue_.begin(), index_queue_.begin() + static_cast<long>(n));
        stopping = index_stopping_;
      }
      if (!items.empty()) {
        auto written = RunOn<std::size_t>("writing the search terms of stored events",
                                          Access::kWrite, [&](Connection& c) {
                                            Session& s = *c.session;
                                            s.begin();
                                            const std::size_t n = IndexClaimed(s, items);
                                            s.commit();
                                            return n;
                                          });
        if (!written.ok()) {
          ReportIndexError(written.error());
          next_sweep = std::min(next_sweep, std::chrono::steady_clock::now() + kSweepEvery);
        }
        continue;  // what is queued first; the sweep when the queue is empty
      }
      if (stopping) return;
      if (std::chrono::steady_clock::now() < next_sweep) continue;
      const Micros now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
      auto swept = RunOn<std::size_t>(
          "writing the search terms of pending events", Access::kWrite, [&](Connection& c) {
            return IndexPendingEvents(*c.session,
                                      sweep_all ? PendingSweep::kAll : PendingSweep::kStale,
                                      now_us - kStaleAfter);
          });
      if (swept.ok())
        sweep_all = false;
      else
        ReportIndexError(swept.error());
      next_sweep = std::chrono::steady_clock::now() + kSweepEvery;
    }
  }

  // Only the error's first line: PostgreSQL's DETAIL line quotes the row's key values,
  // and a search term is a user's login or two characters of a mail's subject, which have
  // no place in the service's log.
  static void ReportIndexError(const std::string& error) {
    const std::string first_line = error.substr(0, error.find('\n'));
    std::fprintf(stderr,
                 "sendguard-central: 検索用の索引を書き込めませんでした。あとで書き直します "
                 "(could not write the search index; it is written again later): %s\n",
                 first_line.c_str());
  }

  // Queues the newly stored confirmed sends for the review sweep (migration 4), in the
  // open transaction.
  void QueueForReview(Session& s, const std::vector<const StoredEvent*>& fresh) {
    std::vector<std::string> ids;
    for (const StoredEvent* e : fresh)
      if (e->kind == "prompt_confirmed") ids.push_back(e->id);
    constexpr std::size_t kRows = 500;  // one statement per 500 (few in a batch, usually)
    for (std::size_t start = 0; start < ids.size(); start += kRows) {
      const std::size_t count = std::min(kRows, ids.size() - start);
      std::string sql = "INSERT INTO review_queue (event_id) VALUES (?)";
      for (std::size_t i = 1; i < count; ++i) sql += ", (?)";
      Statement stmt(s);
      stmt << Q(sql + " ON CONFLICT DO NOTHING");
      for (std::size_t i = start; i < start + count; ++i) stmt, bind(ids[i]);
      stmt.execute();
    }
  }

  // Inserts the events whose ids are not stored yet, in the open transaction; for each
  // event, whether it was inserted. PostgreSQL: one statement for the whole batch.
  std::vector<bool> InsertNewEvents(Connection& c, const std::vector<const StoredEvent*>& events) {
    if (dialect_ == Dialect::kPostgres) return PostgresEventInsert(*c.session).Run(events);
    // One prepared statement stepped per event (sqlite_insert.h).
    sql::SqliteInsert insert(*c.session,
                             "INSERT INTO events (id, agent, kind, event_time, received_at, body) "
                             "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
    std::vector<bool> stored(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
      const StoredEvent& e = *events[i];
      stored[i] = insert.Text(1, e.id)
                      .Text(2, e.agent)
                      .Text(3, e.kind)
                      .Int(4, e.time)
                      .Int(5, e.received_at)
                      .Text(6, e.json)
                      .Run() > 0;
    }
    return stored;
  }

  enum class Access {
    kRead,
    kWrite,
    // Safe to run twice (ids make event inserts so): retried once on a new connection
    // when the database connection was lost, as after a database restart.
    kIdempotentWrite,
  };

  // Runs `body` with a pooled connection; a Poco exception becomes an error naming `what`.
  // SQLite has one writer at a time: writes are serialised here rather than left to spin
  // on the busy timeout. A connection found dead closes the idle ones (they died with
  // it); reads and idempotent writes are then tried once more on a new connection.
  template <typename T, typename F>
  Result<T> RunOn(const std::string& what, Access access, F&& body) {
    std::unique_lock<std::mutex> write(write_mutex_, std::defer_lock);
    if (access != Access::kRead && dialect_ == Dialect::kSqlite) write.lock();
    for (int attempt = 0;; ++attempt) {
      bool lost = false;
      try {
        ConnectionPool& pool = access != Access::kRead && writer_pool_ ? *writer_pool_ : pool_;
        auto lease = pool.Take();
        try {
          return Result<T>(body(*lease));
        } catch (...) {
          lease.MarkFailed();
          lost = !lease->session->isConnected();
          if (lost) pool.CloseIdle();
          throw;
        }
      } catch (const Poco::Exception& e) {
        if (lost && attempt == 0 && access != Access::kWrite) continue;
        return Result<T>::Error(what + ": " + e.displayText());
      } catch (const std::exception& e) {
        if (lost && attempt == 0 && access != Access::kWrite) continue;
        return Result<T>::Error(what + ": " + e.what());
      }
    }
  }

  template <typename T, typename F>
  Result<T> Run(const std::string& what, bool writes, F&& body) {
    return RunOn<T>(what, writes ? Access::kWrite : Access::kRead,
                    [&](Connection& c) { return body(*c.session); });
  }

  // Events per group commit: 5 full agent batches (kMaxEventsPerBatch).
  static constexpr std::size_t kMaxGroupEvents = 5000;

  Dialect dialect_;
  ConnectionPool pool_;
  std::unique_ptr<ConnectionPool> writer_pool_;  // SQLite only
  std::mutex write_mutex_;
  std::mutex index_mutex_;  // guards index_queue_ and index_stopping_
  std::condition_variable index_ready_;
  std::deque<IndexItem> index_queue_;
  bool index_stopping_ = false;
  std::thread index_writer_;  // PostgreSQL only; stopped by ~PocoStore before the pools go
  GroupCommit group_commit_;  // last: its leaders use the members above
};

void RegisterConnectors() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
  });
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string LibpqValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace

Result<std::string> PostgresConnectionString(const std::string& url) {
  std::string rest;
  for (const char* scheme : {"postgresql://", "postgres://"}) {
    if (url.rfind(scheme, 0) == 0) rest = url.substr(std::string(scheme).size());
  }
  if (rest.empty()) {
    return Result<std::string>::Error(
        "expected postgresql://user[:password]@host[:port]/dbname, got '" + url + "'");
  }
  std::string query;
  if (const std::size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest.resize(q);
  }
  std::string dbname;
  if (const std::size_t slash = rest.find('/'); slash != std::string::npos) {
    dbname = rest.substr(slash + 1);
    rest.resize(slash);
  }
  std::string user, password;
  if (const std::size_t at = rest.rfind('@'); at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const std::size_t colon = userinfo.find(':');
    user = userinfo.substr(0, colon);
    if (colon != std::string::npos) password = userinfo.substr(colon + 1);
  }
  std::string host = rest, port;
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string::npos) return Result<std::string>::Error("bad IPv6 host in " + url);
    if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
    host = host.substr(1, close - 1);
  } else if (const std::size_t colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host.resize(colon);
  }
  if (!port.empty() && port.find_first_not_of("0123456789") != std::string::npos)
    return Result<std::string>::Error("bad port '" + port + "' in " + url);
  if (dbname.empty()) return Result<std::string>::Error("no database name in " + url);
  std::string out;
  auto add = [&](const std::string& key, const std::string& value) {
    if (value.empty()) return;
    if (!out.empty()) out += ' ';
    out += key + "=" + LibpqValue(value);
  };
  add("host", PercentDecode(host));
  add("port", port);
  add("user", PercentDecode(user));
  add("password", PercentDecode(password));
  add("dbname", PercentDecode(dbname));
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    const std::string pair = query.substr(start, amp - start);
    const std::size_t eq = pair.find('=');
    if (eq != std::string::npos)
      add(PercentDecode(pair.substr(0, eq)), PercentDecode(pair.substr(eq + 1)));
    start = amp + 1;
  }
  return out;
}

namespace {

// The database holds events and access records: readable by its owner only. Creates the
// file 0600 before SQLite does (SQLite gives its -wal and -shm files the database file's
// mode), and takes group and other permissions off an existing one and its -wal/-shm.
Status PrepareSqliteFile(const std::string& path) {
  if (path.rfind(':', 0) == 0 || path.rfind("file:", 0) == 0) return Status::Ok();  // :memory:
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  ::close(fd);
  for (const std::string& f : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    if (::stat(f.c_str(), &st) == 0 && (st.st_mode & 077) != 0 &&
        ::chmod(f.c_str(), st.st_mode & 0700) != 0)
      return Status::Error(f +
                           " is readable by others and cannot be made private (chmod 600 "
                           "it): " +
                           std::strerror(errno) + " / データベースの権限が広すぎます");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& db, const StoreOptions& options) {
  RegisterConnectors();
  std::unique_ptr<PocoStore> store;
  if (db.rfind("sqlite:", 0) == 0) {
    const std::string path = db.substr(7);
    if (path.empty())
      return Result<std::unique_ptr<Store>>::Error("--db sqlite: needs a file path");
    if (Status s = PrepareSqliteFile(path); !s.ok())
      return Result<std::unique_ptr<Store>>::Error(s.message());
    auto open = [path](int cache_kib) {
      auto s = std::make_unique<Session>("sqlite", path);
      s->setConnectionTimeout(10);  // SQLite's busy timeout, in seconds
      std::string mode;
      Statement(*s) << "PRAGMA journal_mode=WAL", into(mode), now;
      Statement(*s) << "PRAGMA synchronous=NORMAL", now;
      Statement(*s) << "PRAGMA cache_size=-" + std::to_string(cache_kib), now;
      return s;
    };
    // Readers keep SQLite's default 2 MiB of page cache each. The writer has 64 MiB: the
    // search index (event_terms) is written at keys spread over the whole table; with 2 MiB
    // most inserts wait for the disk. Before, any pooled connection could lead a group, so
    // on a large database each of them could come to hold 64 MiB.
    store = std::make_unique<PocoStore>(
        Dialect::kSqlite, [open] { return open(2000); },
        /*max_open=*/0, /*concurrent_commits=*/1,  // one writer: it serialises them anyway
        [open] { return open(65536); });
  } else if (db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0) {
    auto conn = PostgresConnectionString(db);
    if (!conn.ok()) return Result<std::unique_ptr<Store>>::Error("--db: " + conn.error());
    // Sized to the cores: more backends than cores only queue for them (and for the WAL
    // flush); two per core so that one can run while another waits for its commit.
    const std::size_t cores = std::max(2u, std::thread::hardware_concurrency());
    store = std::make_unique<PocoStore>(
        Dialect::kPostgres,
        [c = conn.value()] {
          auto s = std::make_unique<Session>("postgresql", c);
          // Quiet the server's NOTICEs ("relation ... already exists, skipping") on stderr.
          Statement(*s) << "SET client_min_messages = warning", now;
          return s;
        },
        /*max_open=*/2 * cores, /*concurrent_commits=*/static_cast<int>(cores));
  } else {
    return Result<std::unique_ptr<Store>>::Error(
        "--db: expected sqlite:PATH or postgresql://user@host:port/dbname, got '" + db + "'");
  }
  Status migrated = store->Migrate();
  if (!migrated.ok()) return Result<std::unique_ptr<Store>>::Error(migrated.message());
  if (options.index_writer) store->StartIndexWriter();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace central
