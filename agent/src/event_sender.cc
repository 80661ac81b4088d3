#include "agent/event_sender.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdio>
#include <random>

namespace agent {
namespace {

// The ids and errors of the events central rejected; false when the body is not the
// documented answer.
bool ParseAnswer(const std::string& body, std::vector<std::string>* rejected) {
  try {
    Poco::JSON::Parser parser;
    const auto root = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
    if (!root || !root->has("stored")) return false;
    if (const auto list = root->getArray("rejected")) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const auto r = list->getObject(static_cast<unsigned>(i));
        if (!r) continue;
        rejected->push_back(r->optValue<std::string>("id", "?") + ": " +
                            r->optValue<std::string>("error", "?"));
      }
    }
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

EventSender::EventSender(Outbox& outbox, CentralClient& client, EventSenderOptions options)
    : outbox_(outbox), client_(client), options_(options) {}

EventSender::~EventSender() { Stop(); }

void EventSender::Start() {
  thread_ = std::thread([this] { Run(); });
}

void EventSender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  outbox_.Wake();
  if (thread_.joinable()) thread_.join();
}

void EventSender::Nudge() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    nudged_ = true;
  }
  wake_.notify_all();
}

bool EventSender::SendOnce() {
  const std::vector<Outbox::Item> batch = outbox_.NextBatch();
  if (batch.empty()) return true;
  std::string body = "{\"events\":[";
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (i) body += ",";
    body += batch[i].json;
  }
  body += "]}";
  const HttpReply reply = client_.Post("/api/v1/events", body);
  std::vector<std::string> rejected;
  if (reply.status != 200 || !ParseAnswer(reply.body, &rejected)) {
    const std::string why = reply.status == 0 ? reply.error
                                              : "HTTP " + std::to_string(reply.status) + " " +
                                                    reply.body.substr(0, 200);
    std::fprintf(stderr,
                 "sendguard-agent: central %s did not take %zu events (%s); kept, will retry\n",
                 client_.base_url().c_str(), batch.size(), why.c_str());
    return false;
  }
  for (const std::string& r : rejected)
    std::fprintf(stderr, "sendguard-agent: central rejected event %s; dropped from the outbox\n",
                 r.c_str());
  std::vector<std::uint64_t> done;
  for (const Outbox::Item& item : batch) done.push_back(item.sequence);
  outbox_.Remove(done);
  return true;
}

void EventSender::Run() {
  std::mt19937_64 random(std::random_device{}());
  std::chrono::milliseconds backoff = options_.initial_backoff;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
    }
    if (outbox_.pending() == 0) {
      outbox_.WaitForEvents(std::chrono::seconds(5));
      continue;
    }
    if (SendOnce()) {
      backoff = options_.initial_backoff;
      continue;
    }
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    const auto wait = std::chrono::milliseconds(
        static_cast<long long>(static_cast<double>(backoff.count()) * jitter(random)));
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, wait, [&] { return stopping_ || nudged_; });
      if (stopping_) return;
      if (nudged_)
        backoff = options_.initial_backoff;
      else
        backoff = std::min(backoff * 2, options_.max_backoff);
      nudged_ = false;
    }
  }
}

}  // namespace agent
