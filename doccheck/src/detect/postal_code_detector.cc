// Postal codes (郵便番号): NNN-NNNN, or seven digits, after 〒 or labelled 郵便番号 / 住所
// (a bare NNN-NNNN is too often something else to report on its own).
#include "detect/context.h"
#include "detect/detectors.h"
#include "detect/labels.h"
#include "detect/numeric_common.h"

namespace doccheck {
namespace {

class PostalCodeDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "postal_code"; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    for (const NumberToken& t : *scan.numbers) {
      if (t.digits.size() != 7 || !ShapeIs(t, {{3, 4}, {7}})) continue;
      if (t.groups.size() == 2 && t.separator != '-') continue;
      if (LooksLikeAmount(scan.text, t) || GluedToAlphanumeric(scan.text, t)) continue;
      const std::string_view before = WindowBefore(scan.text, t.begin, 3);
      const bool mark = before.find("〒") != std::string_view::npos;
      if (!mark && !LabelPartsAt(scan, t.begin).Has({"郵便番号", "〒", "郵便", "住所", "所在地"}))
        continue;
      Emit(out, Kind::kPostalCode, t.begin, t.end, std::string(t.digits), mark ? 0.95 : 0.9);
    }
  }
};

}  // namespace

const Detector& PostalCodeDetector() {
  static const PostalCodeDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
