// A statement prepared once on a Poco SQLite session's connection and stepped once per
// row: the event intake's inserts on SQLite. Poco 1.11 compiles a statement again at each
// execute(), which cost more than the inserts themselves (docs/PERFORMANCE.md, "Central
// on SQLite"). Errors are thrown as Poco's SQLite exceptions, as from Poco's statements.
#ifndef CENTRAL_SQLITE_INSERT_H_
#define CENTRAL_SQLITE_INSERT_H_

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace Poco::Data {
class Session;
}

namespace central::sql {

class SqliteInsert {
 public:
  // `session` must be a SQLite session; `sql` one statement with `?` parameters.
  SqliteInsert(Poco::Data::Session& session, const std::string& sql);
  ~SqliteInsert();
  SqliteInsert(const SqliteInsert&) = delete;
  SqliteInsert& operator=(const SqliteInsert&) = delete;

  // Parameters are numbered from 1. Text is not copied: it must live until Run().
  SqliteInsert& Text(int parameter, std::string_view value);
  SqliteInsert& Int(int parameter, std::int64_t value);
  // Runs the statement with the values bound; the rows it inserted (0 when a conflict
  // clause left the row out). The statement is then ready for the next values.
  int Run();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace central::sql

#endif  // CENTRAL_SQLITE_INSERT_H_
