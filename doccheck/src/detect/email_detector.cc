// E-mail addresses: local@domain with a dotted domain and an alphabetic top-level label.
// Normalised to lower case.
#include "detect/context.h"
#include "detect/detectors.h"
#include "detect/numeric_common.h"

namespace doccheck {
namespace {

bool LocalChar(char c) {
  return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
         c == '-' || c == '\'';
}
bool DomainChar(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '.' || c == '-'; }

class EmailDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "email"; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    const std::string_view t = scan.text;
    std::size_t at = t.find('@');
    while (at != std::string_view::npos) {
      std::size_t b = at;
      while (b > 0 && LocalChar(t[b - 1]) && at - b < 64) --b;
      while (b < at && (t[b] == '.' || t[b] == '\'')) ++b;
      std::size_t e = at + 1;
      while (e < t.size() && DomainChar(t[e]) && e - at < 255) ++e;
      while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) --e;
      const std::string_view domain = t.substr(at + 1, e - at - 1);
      const std::size_t dot = domain.rfind('.');
      bool ok = b < at && dot != std::string_view::npos && dot > 0 && domain.size() - dot - 1 >= 2;
      if (ok) {
        for (char c : domain.substr(dot + 1)) ok = ok && IsAsciiAlpha(c);
      }
      if (ok) {
        std::string norm(t.substr(b, e - b));
        for (char& c : norm) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        Emit(out, Kind::kEmail, b, e, std::move(norm), 0.95);
      }
      at = t.find('@', at + 1);
    }
  }
};

}  // namespace

const Detector& EmailDetector() {
  static const EmailDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
