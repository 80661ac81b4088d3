// Writes a parsed Poco JSON value as text, byte for byte what Poco's own
// Object::stringify(out) gives (no indentation, insertion order for objects parsed with
// key order kept, Poco's number forms and string escapes), several times faster: Poco
// writes every token through an ostream. The event intake stores each accepted event
// this way (docs/PERFORMANCE.md, "Central on SQLite"); tests/central/json_writer_test.cc
// and fuzz/central_events_fuzz.cc compare the two.
#ifndef CENTRAL_JSON_WRITER_H_
#define CENTRAL_JSON_WRITER_H_

#include <Poco/Dynamic/Var.h>

#include <string>

namespace central::json {

// Appends `value` (an Object::Ptr, Array::Ptr, string, number, boolean or empty for null)
// to `out`.
void Append(const Poco::Dynamic::Var& value, std::string* out);

}  // namespace central::json

#endif  // CENTRAL_JSON_WRITER_H_
