#include "reason_text.h"

#include <algorithm>

namespace mailcheck {

std::string DomainOf(std::string_view address) {
  std::size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(address.substr(at + 1));
}

std::vector<std::string> DistinctDomains(const std::vector<std::string>& addresses) {
  std::vector<std::string> out;
  for (const std::string& address : addresses) {
    std::string domain = DomainOf(address);
    if (domain.empty()) domain = address;
    if (std::find(out.begin(), out.end(), domain) == out.end()) out.push_back(domain);
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& items, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  if (items.size() > max) out += ", … (+" + std::to_string(items.size() - max) + ")";
  return out;
}

std::string CountNoun(std::size_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

}  // namespace mailcheck
