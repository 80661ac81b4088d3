// Fuzzes the agent's SMTP session state machine with arbitrary client input, split into
// lines as the server does (with its line-length limit), including AUTH exchanges.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/smtp_session.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  agent::SessionLimits limits;
  limits.max_message_bytes = 4096;
  limits.max_recipients = 8;
  agent::SmtpSession session(
      limits, "fuzz",
      [](const agent::SmtpEnvelope&, std::string&& m) { return std::string(m.size() % 2 ? "250 ok\r\n" : "451 no\r\n"); },
      [](const std::string& u, const std::string& p) {
        return std::string(u == p ? "235 ok\r\n" : "535 no\r\n");
      });
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::size_t start = 0;
  while (!session.closed() && start < in.size()) {
    const std::size_t nl = in.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? in.size() : nl;
    if (end - start > session.max_line()) {
      session.OnOverlongLine();
      break;
    }
    session.OnLine(in.substr(start, end - start));
    start = end + 1;
  }
  return 0;
}
