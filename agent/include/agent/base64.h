// Base64 for SMTP AUTH (RFC 4954), over Poco's codec. Decoding never throws.
#ifndef AGENT_BASE64_H_
#define AGENT_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace agent {

std::string Base64Encode(std::string_view data);
// nullopt on malformed input.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace agent

#endif  // AGENT_BASE64_H_
