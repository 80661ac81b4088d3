// Japanese passport numbers (旅券番号): two capital letters and seven digits ("TK1234567",
// also "TK 1234567"), labelled 旅券 / パスポート / Passport: without a label the shape is
// shared by too many product and document codes.
#include "detect/context.h"
#include "detect/detectors.h"
#include "detect/labels.h"
#include "detect/numeric_common.h"

namespace doccheck {
namespace {

bool Upper(char c) { return c >= 'A' && c <= 'Z'; }

class PassportDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "passport"; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    const std::string_view t = scan.text;
    for (const NumberToken& tok : *scan.numbers) {
      if (tok.digits.size() != 7 || !ShapeIs(tok, {{7}})) continue;
      std::size_t p = tok.begin;
      if (p >= 1 && t[p - 1] == ' ') --p;
      if (p < 2 || !Upper(t[p - 1]) || !Upper(t[p - 2])) continue;
      const std::size_t begin = p - 2;
      if (begin > 0 && (IsAsciiAlpha(t[begin - 1]) || IsAsciiDigit(t[begin - 1]))) continue;
      if (tok.end < t.size() && (IsAsciiAlpha(t[tok.end]) || IsAsciiDigit(t[tok.end]))) continue;
      const LabelParts label = LabelPartsAt(scan, begin);
      if (!label.Has({"旅券", "パスポート", "Passport", "PASSPORT", "passport"})) continue;
      std::string norm{t[begin], t[begin + 1]};
      norm += tok.digits;
      Emit(out, Kind::kPassport, begin, tok.end, std::move(norm), 0.95);
    }
  }
};

}  // namespace

const Detector& PassportDetector() {
  static const PassportDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
