// PostgreSQL array literals ({"a","b"}, {1,2}): a batch's column bound as one parameter
// and turned back into rows by unnest(), so that a batch is one statement however many
// rows it has (no per-row protocol work, no plan for a VALUES list of hundreds of rows).
// Internal to central_core.
#ifndef CENTRAL_SRC_PG_ARRAY_H_
#define CENTRAL_SRC_PG_ARRAY_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace central::pg {

// Start a literal with "{", append elements, end it with "}". A NUL byte is left out:
// PostgreSQL text cannot hold one, and inside the literal it would end the parameter
// (libpq sends C strings) and make the whole group's statement fail; a JSON string may
// carry one ("\u0000" in a user or subject the index reads).
inline void AppendText(std::string& array, std::string_view value) {
  if (array.size() > 1) array.push_back(',');
  array.push_back('"');
  for (char c : value) {
    if (c == '\0') continue;
    if (c == '"' || c == '\\') array.push_back('\\');
    array.push_back(c);
  }
  array.push_back('"');
}

inline void AppendNumber(std::string& array, std::int64_t value) {
  if (array.size() > 1) array.push_back(',');
  array += std::to_string(value);
}

}  // namespace central::pg

#endif  // CENTRAL_SRC_PG_ARRAY_H_
