// Residence card numbers (在留カード番号): two letters, eight digits, two letters
// ("AB12345678CD"), optionally with spaces between the parts. The shape is specific enough
// to report without a label; 在留カード / 特別永住者証明書 nearby raises confidence.
#include "detect/context.h"
#include "detect/detectors.h"
#include "detect/labels.h"
#include "detect/numeric_common.h"

namespace doccheck {
namespace {

bool Upper(char c) { return c >= 'A' && c <= 'Z'; }

class ResidenceCardDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "residence_card"; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    const std::string_view t = scan.text;
    for (const NumberToken& tok : *scan.numbers) {
      if (tok.digits.size() != 8 || !ShapeIs(tok, {{8}})) continue;
      std::size_t p = tok.begin;
      if (p >= 1 && t[p - 1] == ' ') --p;
      if (p < 2 || !Upper(t[p - 1]) || !Upper(t[p - 2])) continue;
      const std::size_t begin = p - 2;
      std::size_t q = tok.end;
      if (q < t.size() && t[q] == ' ') ++q;
      if (q + 2 > t.size() || !Upper(t[q]) || !Upper(t[q + 1])) continue;
      const std::size_t end = q + 2;
      if (begin > 0 && (IsAsciiAlpha(t[begin - 1]) || IsAsciiDigit(t[begin - 1]))) continue;
      if (end < t.size() && (IsAsciiAlpha(t[end]) || IsAsciiDigit(t[end]))) continue;
      const LabelParts label = LabelPartsAt(scan, begin);
      const bool labelled = label.Has({"在留", "特別永住", "Residence", "residence"});
      std::string norm{t[begin], t[begin + 1]};
      norm += tok.digits;
      norm.push_back(t[q]);
      norm.push_back(t[q + 1]);
      Emit(out, Kind::kResidenceCard, begin, end, std::move(norm), labelled ? 0.95 : 0.8);
    }
  }
};

}  // namespace

const Detector& ResidenceCardDetector() {
  static const ResidenceCardDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
