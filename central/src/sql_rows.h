// Placeholders for a multi-row INSERT: "(?, ?), (?, ?)" on SQLite, "($1, $2), ($3, $4)"
// on PostgreSQL. Internal to central_core.
#ifndef CENTRAL_SRC_SQL_ROWS_H_
#define CENTRAL_SRC_SQL_ROWS_H_

#include <cstddef>
#include <string>

namespace central::sql {

inline std::string RowPlaceholders(bool postgres, std::size_t rows, int columns) {
  std::string sql;
  int n = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (int c = 0; c < columns; ++c) {
      if (c > 0) sql += ", ";
      sql += postgres ? "$" + std::to_string(++n) : std::string("?");
    }
    sql += ")";
  }
  return sql;
}

}  // namespace central::sql

#endif  // CENTRAL_SRC_SQL_ROWS_H_
