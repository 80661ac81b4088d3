// An UpstreamTransport for in-process tests: accepts every message and counts the sends.
#ifndef TESTS_AGENT_COUNTING_TRANSPORT_H_
#define TESTS_AGENT_COUNTING_TRANSPORT_H_

#include <atomic>
#include <string>
#include <string_view>

#include "agent/upstream_transport.h"

namespace agent {

class CountingTransport : public UpstreamTransport {
 public:
  std::string Send(const SmtpEnvelope&, std::string_view) const override {
    ++sends;
    return "250 2.0.0 Ok\r\n";
  }
  std::string Verify(const std::string&, const std::string&) const override {
    return "235 2.7.0 Ok\r\n";
  }
  mutable std::atomic<int> sends{0};
};

}  // namespace agent

#endif  // TESTS_AGENT_COUNTING_TRANSPORT_H_
