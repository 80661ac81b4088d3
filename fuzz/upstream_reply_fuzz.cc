// Fuzzes what the agent reads from upstream and from mail it refuses: an EHLO reply
// parsed into capabilities (a hostile upstream), and arbitrary text (reasons carrying
// attachment file names) turned into reply lines, which must stay valid UTF-8, free of
// CR/LF and shorter than RFC 5321's 512 octets.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "agent/smtp_session.h"
#include "agent/upstream_client.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const agent::EhloCapabilities caps = agent::EhloCapabilities::Parse(in);
  for (const char* k : {"AUTH", "PIPELINING", "STARTTLS", "SIZE", "8BITMIME", "SMTPUTF8"}) {
    if (!caps.Has(k) && !caps.Params(k).empty()) std::abort();
  }
  (void)caps.HasAuthMechanism("PLAIN");
  (void)caps.SizeLimit();

  const std::size_t max = size ? 16 + data[0] % 200 : 16;
  const std::string reply = agent::MultiLineReply(550, "5.7.1", {std::string(in), "x"}, max);
  std::size_t start = 0;
  while (start < reply.size()) {
    const std::size_t end = reply.find("\r\n", start);
    if (end == std::string::npos) std::abort();
    const std::string_view line = std::string_view(reply).substr(start, end - start);
    if (line.size() + 2 > 512 || line.find('\n') != std::string_view::npos ||
        line.find('\r') != std::string_view::npos || agent::ReplyText(line) != line)
      std::abort();
    start = end + 2;
  }
  return 0;
}
