// PocoDb: the Poco::Data plumbing that central's console-side stores share (the console's
// ConsoleStore and the incident store): a pool of sessions on one --db value (SQLite or
// PostgreSQL), '?' placeholders rewritten for PostgreSQL, a Run() that turns Poco's
// exceptions into Result errors, and numbered migrations kept in a version table of the
// store's own. Internal to central_core (not a public header).
//
// Thread-safe: Run may be called from many threads; SQLite writes are serialised.
#ifndef CENTRAL_SRC_POCO_DB_H_
#define CENTRAL_SRC_POCO_DB_H_

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "central/result.h"

namespace central {

class PocoDb {
 public:
  enum class Dialect { kSqlite, kPostgres };
  using DbSession = Poco::Data::Session;

  // Sessions for the --db value (sqlite:PATH or postgresql://...); connectors registered.
  static Result<std::unique_ptr<PocoDb>> Open(const std::string& db);

  PocoDb(Dialect dialect, std::function<std::unique_ptr<DbSession>()> make)
      : dialect_(dialect), make_(std::move(make)) {}
  PocoDb(PocoDb&&) = delete;

  Dialect dialect() const { return dialect_; }

  // Brings the schema to migrations.size(): version N runs migrations[N-1], recorded in
  // `version_table`. A new version appends, never edits. "{serial}" in a statement is the
  // dialect's auto-increment key type.
  Status Migrate(const std::string& version_table, const std::string& what,
                 const std::vector<std::vector<std::string>>& migrations);

  // SQL is written with '?' placeholders; PostgreSQL's connector wants $1, $2, ...
  std::string Q(const std::string& sql) const;

  static void Sql(DbSession& s, const std::string& sql) {
    Poco::Data::Statement(s) << sql, Poco::Data::Keywords::now;
  }

  static Status ToStatus(const Result<bool>& r) {
    return r.ok() ? Status::Ok() : Status::Error(r.error());
  }

  // Runs `body` with a pooled session; a Poco exception becomes an error naming `what`.
  // SQLite writes are serialised here (one writer at a time).
  template <typename T, typename F>
  Result<T> Run(const std::string& what, bool writes, F&& body) {
    std::unique_lock<std::mutex> write(write_mutex_, std::defer_lock);
    if (writes && dialect_ == Dialect::kSqlite) write.lock();
    std::unique_ptr<DbSession> session;
    bool failed = false;
    Result<T> out = Result<T>::Error(what + ": not run");
    try {
      session = Take();
      out = Result<T>(body(*session));
    } catch (const Poco::Exception& e) {
      failed = true;
      out = Result<T>::Error(what + ": " + e.displayText());
    } catch (const std::exception& e) {
      failed = true;
      out = Result<T>::Error(what + ": " + e.what());
    }
    Return(std::move(session), failed);
    return out;
  }

 private:
  std::unique_ptr<DbSession> Take();
  void Return(std::unique_ptr<DbSession> s, bool failed);

  Dialect dialect_;
  std::function<std::unique_ptr<DbSession>()> make_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<DbSession>> idle_;
  std::mutex write_mutex_;
};

}  // namespace central

#endif  // CENTRAL_SRC_POCO_DB_H_
