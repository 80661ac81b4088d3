// Clock: where the agent reads the wall-clock time it writes into events and the audit
// log — the seam that lets tests fix the time (leveldb's Env pattern). SystemClock() is the
// real one. Implementations must be thread-safe.
#ifndef AGENT_CLOCK_H_
#define AGENT_CLOCK_H_

#include <chrono>
#include <string>

namespace agent {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

// The system's clock; lives for the whole process.
const Clock& SystemClock();

// `t` as RFC 3339 UTC to the second: "2026-11-29T14:00:00Z".
std::string Rfc3339(std::chrono::system_clock::time_point t);

}  // namespace agent

#endif  // AGENT_CLOCK_H_
