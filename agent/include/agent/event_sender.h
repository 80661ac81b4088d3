// EventSender: the background thread that delivers the Outbox to central
// (POST /api/v1/events, docs/CENTRAL_API.md). It sends the oldest batch, and removes the
// events central acknowledged — stored, duplicate, or rejected (permanently bad; logged) —
// only after a 200. No answer, a 5xx or any other status keeps the batch and retries with
// exponential backoff (initial_backoff doubling to max_backoff, ±20 % jitter); Nudge()
// (called when central answers a policy poll) retries at once. Stop() ends the thread
// promptly, even in the middle of a backoff (a request in flight finishes first: at most
// the client's 30 s timeout).
#ifndef AGENT_EVENT_SENDER_H_
#define AGENT_EVENT_SENDER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "agent/central_client.h"
#include "agent/outbox.h"

namespace agent {

struct EventSenderOptions {
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{5 * 60 * 1000};
};

class EventSender {
 public:
  EventSender(Outbox& outbox, CentralClient& client, EventSenderOptions options = {});
  ~EventSender();
  EventSender(const EventSender&) = delete;
  EventSender& operator=(const EventSender&) = delete;

  void Start();
  void Stop();
  // Central is reachable again: end the current backoff.
  void Nudge();

  // Sends one batch now (the thread's step; exposed for tests). True when central
  // acknowledged it or nothing was pending.
  bool SendOnce();

 private:
  void Run();

  Outbox& outbox_;
  CentralClient& client_;
  const EventSenderOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool nudged_ = false;
  std::thread thread_;
};

}  // namespace agent

#endif  // AGENT_EVENT_SENDER_H_
