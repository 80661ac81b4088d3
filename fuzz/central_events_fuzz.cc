// Fuzzes central's event intake: the body of POST /api/v1/events, which any enrolled
// agent (or anyone holding a stolen token) can send. Every input must give a status and
// never crash, hang or grow without bound, every accepted event is stored as Poco's writer
// would write it, and no accepted event may carry a string
// (other than its id) with 10 digits in a row: what the intake promises to reject.
#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "central/event_intake.h"

namespace {

// Aborts when a string value anywhere below `v` (the top-level "id" excepted) looks like
// an unmasked identifier.
void CheckStrings(const Poco::Dynamic::Var& v, bool top) {
  if (v.isString()) {
    if (central::HasUnmaskedIdentifier(v.extract<std::string>())) std::abort();
  } else if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
    const auto object = v.extract<Poco::JSON::Object::Ptr>();
    for (const auto& [key, value] : *object) {
      if (!(top && key == "id")) CheckStrings(value, false);
    }
  } else if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    for (const auto& item : *v.extract<Poco::JSON::Array::Ptr>()) CheckStrings(item, false);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const central::EventBatch batch = central::ParseEventBatch(body, "fuzz-agent", 1);
  if (batch.status != 200 && batch.status != 400 && batch.status != 413) std::abort();
  for (const central::StoredEvent& e : batch.accepted) {
    if (e.id.empty()) std::abort();
    CheckStrings(Poco::JSON::Parser().parse(e.json), true);  // accepted JSON must parse
    // The stored text is what Poco's own writer gives for it (central/json_writer.h).
    const auto again = Poco::JSON::Parser(new Poco::JSON::ParseHandler(true)).parse(e.json);
    std::ostringstream poco;
    again.extract<Poco::JSON::Object::Ptr>()->stringify(poco);
    if (poco.str() != e.json) std::abort();
  }
  if (batch.status == 200) {
    central::InsertCounts counts;
    counts.stored = static_cast<int>(batch.accepted.size());
    (void)central::EventBatchReply(counts, batch.rejected);
  }
  return 0;
}
