// PocoDb: opening, pooling and migrating; Poco exceptions end here or in Run.
#include "poco_db.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>

#include "central/store.h"

namespace central {

using Poco::Data::Statement;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

Result<std::unique_ptr<PocoDb>> PocoDb::Open(const std::string& db) {
  using R = Result<std::unique_ptr<PocoDb>>;
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
  });
  if (db.rfind("sqlite:", 0) == 0) {
    const std::string path = db.substr(7);
    if (path.empty()) return R::Error("--db sqlite: needs a file path");
    return std::make_unique<PocoDb>(Dialect::kSqlite, [path] {
      auto s = std::make_unique<DbSession>("sqlite", path);
      s->setConnectionTimeout(10);
      std::string mode;
      Statement(*s) << "PRAGMA journal_mode=WAL", into(mode), now;
      Statement(*s) << "PRAGMA synchronous=NORMAL", now;
      return s;
    });
  }
  if (db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0) {
    auto conn = PostgresConnectionString(db);
    if (!conn.ok()) return R::Error("--db: " + conn.error());
    return std::make_unique<PocoDb>(Dialect::kPostgres, [c = conn.value()] {
      auto s = std::make_unique<DbSession>("postgresql", c);
      Statement(*s) << "SET client_min_messages = warning", now;
      return s;
    });
  }
  return R::Error("--db: expected sqlite:PATH or postgresql://user@host:port/dbname, got '" + db +
                  "'");
}

Status PocoDb::Migrate(const std::string& version_table, const std::string& what,
                       const std::vector<std::vector<std::string>>& migrations) {
  return ToStatus(Run<bool>("migrating " + what, true, [&](DbSession& s) {
    Sql(s, "CREATE TABLE IF NOT EXISTS " + version_table + " (version INTEGER NOT NULL)");
    s.begin();
    Poco::Int64 current = 0;
    Statement(s) << "SELECT COALESCE(MAX(version), 0) FROM " + version_table, into(current), now;
    if (current > static_cast<Poco::Int64>(migrations.size())) {
      throw Poco::Exception(what + ": schema version " + std::to_string(current) +
                            " is newer than this sendguard-central knows");
    }
    for (std::size_t v = static_cast<std::size_t>(current); v < migrations.size(); ++v) {
      for (std::string sql : migrations[v]) {
        const std::size_t at = sql.find("{serial}");
        if (at != std::string::npos)
          sql.replace(at, 8, dialect_ == Dialect::kSqlite ? "INTEGER" : "BIGSERIAL");
        Sql(s, sql);
      }
      int version = static_cast<int>(v + 1);
      Statement(s) << Q("INSERT INTO " + version_table + " (version) VALUES (?)"), use(version),
          now;
    }
    s.commit();
    return true;
  }));
}

std::string PocoDb::Q(const std::string& sql) const {
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

std::unique_ptr<PocoDb::DbSession> PocoDb::Take() {
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (!idle_.empty()) {
      auto s = std::move(idle_.back());
      idle_.pop_back();
      return s;
    }
  }
  return make_();
}

void PocoDb::Return(std::unique_ptr<DbSession> s, bool failed) {
  if (!s) return;
  try {
    if (s->isTransaction()) s->rollback();
  } catch (const Poco::Exception&) {
    failed = true;
  }
  if (failed) return;
  std::lock_guard<std::mutex> lock(pool_mutex_);
  if (idle_.size() < 32) idle_.push_back(std::move(s));
}

}  // namespace central
