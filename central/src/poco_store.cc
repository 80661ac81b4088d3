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

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>

#include "central/event_index.h"
#include "central/store.h"

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
  };
  return kMigrations;
}

// Sessions for one database, handed out one per caller at a time. Sessions are created on
// demand (each set up by `make`) and reused; one that failed is dropped.
class SessionPool {
 public:
  explicit SessionPool(std::function<std::unique_ptr<Session>()> make) : make_(std::move(make)) {}

  class Lease {
   public:
    Lease(SessionPool& pool, std::unique_ptr<Session> session)
        : pool_(pool), session_(std::move(session)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.Return(std::move(session_), failed_); }
    Session& operator*() { return *session_; }
    Session* operator->() { return session_.get(); }
    void MarkFailed() { failed_ = true; }

   private:
    SessionPool& pool_;
    std::unique_ptr<Session> session_;
    bool failed_ = false;
  };

  Lease Take() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        auto s = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(s));
      }
    }
    return Lease(*this, make_());
  }

 private:
  void Return(std::unique_ptr<Session> session, bool failed) {
    if (!session) return;
    try {
      if (session->isTransaction()) session->rollback();
    } catch (const Poco::Exception&) {
      failed = true;
    }
    if (failed) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(session));
  }

  static constexpr std::size_t kMaxIdle = 64;
  std::function<std::unique_ptr<Session>()> make_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Session>> idle_;
};

class PocoStore : public Store {
 public:
  PocoStore(Dialect dialect, std::function<std::unique_ptr<Session>()> make)
      : dialect_(dialect), pool_(std::move(make)) {}

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
        if (m.version == 2) BackfillEventIndex(s, dialect_ == Dialect::kPostgres);
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
    return Run<InsertCounts>("storing events", true, [&](Session& s) {
      InsertCounts counts;
      if (events.empty()) return counts;
      std::string id, agent, kind, body;
      Poco::Int64 time = 0, received = 0;
      s.begin();
      Statement insert =
          (s << Q("INSERT INTO events (id, agent, kind, event_time, received_at, body) VALUES "
                  "(?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"),
           use(id), use(agent), use(kind), use(time), use(received), use(body));
      std::vector<const StoredEvent*> stored;
      for (const StoredEvent& e : events) {
        id = e.id;
        agent = e.agent;
        kind = e.kind;
        time = e.time;
        received = e.received_at;
        body = e.json;
        if (insert.execute() > 0) {
          ++counts.stored;
          stored.push_back(&e);
        } else {
          ++counts.duplicates;
        }
      }
      IndexEventBatch(s, dialect_ == Dialect::kPostgres, stored);
      s.commit();
      return counts;
    });
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

  // Runs `body` with a pooled session; a Poco exception becomes an error naming `what`.
  // SQLite has one writer at a time: writes are serialised here rather than left to spin
  // on the busy timeout.
  template <typename T, typename F>
  Result<T> Run(const std::string& what, bool writes, F&& body) {
    std::unique_lock<std::mutex> write(write_mutex_, std::defer_lock);
    if (writes && dialect_ == Dialect::kSqlite) write.lock();
    try {
      auto lease = pool_.Take();
      try {
        return Result<T>(body(*lease));
      } catch (...) {
        lease.MarkFailed();
        throw;
      }
    } catch (const Poco::Exception& e) {
      return Result<T>::Error(what + ": " + e.displayText());
    } catch (const std::exception& e) {
      return Result<T>::Error(what + ": " + e.what());
    }
  }

  Dialect dialect_;
  SessionPool pool_;
  std::mutex write_mutex_;
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

Result<std::unique_ptr<Store>> OpenStore(const std::string& db) {
  RegisterConnectors();
  std::unique_ptr<PocoStore> store;
  if (db.rfind("sqlite:", 0) == 0) {
    const std::string path = db.substr(7);
    if (path.empty())
      return Result<std::unique_ptr<Store>>::Error("--db sqlite: needs a file path");
    if (Status s = PrepareSqliteFile(path); !s.ok())
      return Result<std::unique_ptr<Store>>::Error(s.message());
    store = std::make_unique<PocoStore>(Dialect::kSqlite, [path] {
      auto s = std::make_unique<Session>("sqlite", path);
      s->setConnectionTimeout(10);  // SQLite's busy timeout, in seconds
      std::string mode;
      Statement(*s) << "PRAGMA journal_mode=WAL", into(mode), now;
      Statement(*s) << "PRAGMA synchronous=NORMAL", now;
      // 64 MiB of page cache: the search index (event_terms) is written at keys spread over
      // the whole table; with SQLite's default 2 MiB most inserts would wait for the disk.
      Statement(*s) << "PRAGMA cache_size=-65536", now;
      return s;
    });
  } else if (db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0) {
    auto conn = PostgresConnectionString(db);
    if (!conn.ok()) return Result<std::unique_ptr<Store>>::Error("--db: " + conn.error());
    store = std::make_unique<PocoStore>(Dialect::kPostgres, [c = conn.value()] {
      auto s = std::make_unique<Session>("postgresql", c);
      // Quiet the server's NOTICEs ("relation ... already exists, skipping") on stderr.
      Statement(*s) << "SET client_min_messages = warning", now;
      return s;
    });
  } else {
    return Result<std::unique_ptr<Store>>::Error(
        "--db: expected sqlite:PATH or postgresql://user@host:port/dbname, got '" + db + "'");
  }
  Status migrated = store->Migrate();
  if (!migrated.ok()) return Result<std::unique_ptr<Store>>::Error(migrated.message());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace central
