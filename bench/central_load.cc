// Whole-process load on a running sendguard-central: N agents (threads, each with its own
// keep-alive connection and token) post batches of B events for T seconds; prints events
// stored per second and request latency percentiles. Not a Google Benchmark: what is
// measured is the server process, database included.
//
//   central_load --port PORT --tokens FILE [--agents 50] [--batch 100] [--seconds 10]
//                [--rate EVENTS_PER_SECOND]
//
// Without --rate every agent posts back to back (the most central can take; latency is
// then mostly queueing); with --rate the agents together offer that many events per
// second, and the latencies are those at that load.
// FILE holds one agent token per line (sendguard-central agent enroll); agents use them
// round-robin.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "typical_event.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  std::string tokens_file;
  int agents = 50;
  int batch = 100;
  double seconds = 10;
  double rate = 0;  // events/s offered by all agents together; 0: each posts back to back
};

struct AgentResult {
  long long events = 0, requests = 0, errors = 0;
  std::vector<double> latencies_ms;
};

void RunAgent(const Options& o, const std::string& token, int index, Clock::time_point end,
              AgentResult* result) {
  std::mt19937_64 rng(static_cast<unsigned long long>(index) * 7919 +
                      static_cast<unsigned long long>(Clock::now().time_since_epoch().count()));
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%016llx", static_cast<unsigned long long>(rng()));
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(o.port));
  session.setKeepAlive(true);
  session.setTimeout(Poco::Timespan(30, 0));
  long long seq = 0;
  // At a fixed offered rate each agent posts one batch per period, starting at a random
  // phase so that the agents do not post in lockstep.
  const auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(o.rate > 0 ? o.agents * o.batch / o.rate : 0));
  auto next = Clock::now() +
              (o.rate > 0 ? period * static_cast<long>(rng() % 1000) / 1000 : Clock::duration(0));
  while (Clock::now() < end) {
    if (o.rate > 0) {
      std::this_thread::sleep_until(next);
      next += period;
      if (Clock::now() >= end) break;
    }
    std::string body = R"({"events":[)";
    for (int i = 0; i < o.batch; ++i) {
      body += (i ? "," : "") + TypicalEvent(std::string(prefix) + "-" + std::to_string(seq++));
    }
    body += "]}";
    const auto start = Clock::now();
    try {
      Poco::Net::HTTPRequest req("POST", "/api/v1/events", Poco::Net::HTTPMessage::HTTP_1_1);
      req.set("Authorization", "Bearer " + token);
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
      req.setKeepAlive(true);
      session.sendRequest(req) << body;
      Poco::Net::HTTPResponse res;
      std::istream& in = session.receiveResponse(res);
      std::ostringstream reply;
      Poco::StreamCopier::copyStream(in, reply);
      if (res.getStatus() == 200) {
        const std::string r = reply.str();
        result->events += std::atoll(r.c_str() + r.find(':') + 1);  // "stored":N
      } else {
        ++result->errors;
      }
    } catch (const std::exception&) {
      ++result->errors;
      session.reset();
    }
    ++result->requests;
    result->latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
}

int Usage() {
  std::fputs(
      "usage: central_load --port PORT --tokens FILE [--agents 50] [--batch 100] [--seconds 10]\n"
      "                    [--rate EVENTS_PER_SECOND]\n",
      stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--port")
      o.port = std::atoi(v.c_str());
    else if (a == "--tokens")
      o.tokens_file = v;
    else if (a == "--agents")
      o.agents = std::atoi(v.c_str());
    else if (a == "--batch")
      o.batch = std::atoi(v.c_str());
    else if (a == "--seconds")
      o.seconds = std::atof(v.c_str());
    else if (a == "--rate")
      o.rate = std::atof(v.c_str());
    else
      return Usage();
  }
  if (argc % 2 == 0 || o.port <= 0 || o.tokens_file.empty() || o.agents < 1 || o.batch < 1)
    return Usage();
  std::vector<std::string> tokens;
  std::ifstream in(o.tokens_file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) tokens.push_back(line);
  if (tokens.empty()) {
    std::fprintf(stderr, "central_load: no tokens in %s\n", o.tokens_file.c_str());
    return 1;
  }
  std::vector<AgentResult> results(static_cast<std::size_t>(o.agents));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  for (int i = 0; i < o.agents; ++i) {
    threads.emplace_back(RunAgent, std::cref(o),
                         tokens[static_cast<std::size_t>(i) % tokens.size()], i, end,
                         &results[static_cast<std::size_t>(i)]);
  }
  for (auto& t : threads) t.join();
  // At a fixed rate the agents wait out their last period after the end: count the
  // configured duration, in which every batch was sent.
  const double elapsed =
      o.rate > 0 ? o.seconds : std::chrono::duration<double>(Clock::now() - start).count();
  AgentResult total;
  for (const AgentResult& r : results) {
    total.events += r.events;
    total.requests += r.requests;
    total.errors += r.errors;
    total.latencies_ms.insert(total.latencies_ms.end(), r.latencies_ms.begin(),
                              r.latencies_ms.end());
  }
  std::sort(total.latencies_ms.begin(), total.latencies_ms.end());
  auto percentile = [&](double p) {
    if (total.latencies_ms.empty()) return 0.0;
    return total.latencies_ms[static_cast<std::size_t>(p * (total.latencies_ms.size() - 1))];
  };
  std::printf(
      "agents %d, batch %d, offered %s, %.1f s: %lld events stored, %.0f events/s, %lld requests "
      "(%.0f/s), %lld errors, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      o.agents, o.batch,
      o.rate > 0 ? (std::to_string(static_cast<long>(o.rate)) + " events/s").c_str() : "max",
      elapsed, total.events, total.events / elapsed, total.requests, total.requests / elapsed,
      total.errors, percentile(0.5), percentile(0.99),
      total.latencies_ms.empty() ? 0.0 : total.latencies_ms.back());
  return total.errors ? 1 : 0;
}
