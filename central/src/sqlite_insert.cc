#include "sqlite_insert.h"

#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <sqlite3.h>

namespace central::sql {

using Poco::Data::SQLite::Utility;

SqliteInsert::SqliteInsert(Poco::Data::Session& session, const std::string& sql)
    : db_(Utility::dbHandle(session)) {
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    Utility::throwException(db_, rc, sql);
  }
}

SqliteInsert::~SqliteInsert() { sqlite3_finalize(stmt_); }

SqliteInsert& SqliteInsert::Text(int parameter, std::string_view value) {
  // A null pointer would bind SQL NULL; an empty value is the empty text.
  const char* text = value.data() ? value.data() : "";
  const int rc =
      sqlite3_bind_text64(stmt_, parameter, text, value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) Utility::throwException(db_, rc);
  return *this;
}

SqliteInsert& SqliteInsert::Int(int parameter, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, parameter, value);
  if (rc != SQLITE_OK) Utility::throwException(db_, rc);
  return *this;
}

int SqliteInsert::Run() {
  const int rc = sqlite3_step(stmt_);
  sqlite3_reset(stmt_);
  if (rc != SQLITE_DONE) Utility::throwException(db_, rc == SQLITE_ROW ? SQLITE_MISUSE : rc);
  sqlite3_clear_bindings(stmt_);
  return sqlite3_changes(db_);
}

}  // namespace central::sql
