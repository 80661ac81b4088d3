// My Number (個人番号): 12 digits, plain or 4-4-4, with the check digit of the
// My Number Act ordinance (weights 6,5,4,3,2,7,6,5,4,3,2; r = sum mod 11; check 0 if r <= 1
// else 11 - r). A check digit passes for one random number in eleven, so a number that a
// label names as something else (order, receipt, licence…) or that is an amount is not one.
#include "detect/detectors.h"
#include "detect/labels.h"
#include "detect/number_tokens.h"
#include "detect/numeric_common.h"

namespace doccheck {
namespace {

class MyNumberDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "my_number"; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    for (const NumberToken& t : *scan.numbers) {
      if (t.digits.size() != 12 || !ShapeIs(t, {{12}, {4, 4, 4}})) continue;
      // The check digit first: it reads only the token, the tests around it the text.
      if (!MyNumberCheckDigitValid(t.digits)) continue;
      if (LooksLikeAmount(scan.text, t) || GluedToAlphanumeric(scan.text, t)) continue;
      const LabelParts label = LabelPartsAt(scan, t.begin);
      double confidence = 0.7;
      if (label.Has({"個人番号", "マイナンバー", "MyNumber", "My Number", "my number"})) {
        confidence = 0.95;
      } else if (label.Has(kOtherNumberLabels)) {
        continue;
      }
      Emit(out, Kind::kMyNumber, t.begin, t.end, std::string(t.digits), confidence);
    }
  }
};

}  // namespace

const Detector& MyNumberDetector() {
  static const MyNumberDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
