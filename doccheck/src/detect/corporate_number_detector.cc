// Corporate number (法人番号): 13 digits whose FIRST digit is the check digit
// (9 - (sum of the 12 base digits weighted 1,2,1,2… from the right) mod 9). It names an
// organisation, not a person: it is reported as corporate_number, never as my_number, and
// only when labelled (法人番号, 登録番号) or written as a qualified-invoice number T+13,
// since JAN codes and other 13-digit codes pass the check one time in nine.
#include "detect/detectors.h"
#include "detect/labels.h"
#include "detect/number_tokens.h"
#include "detect/numeric_common.h"

namespace doccheck {
namespace {

class CorporateNumberDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "corporate_number"; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    for (const NumberToken& t : *scan.numbers) {
      if (t.digits.size() != 13 || !ShapeIs(t, {{13}, {1, 4, 4, 4}})) continue;
      if (!CorporateNumberCheckDigitValid(t.digits)) continue;  // before reading the text
      if (LooksLikeAmount(scan.text, t)) continue;
      const bool invoice = t.begin > 0 && (scan.text[t.begin - 1] == 'T') &&
                           (t.begin < 2 || !IsAlnum(scan.text[t.begin - 2]));
      if (!invoice && GluedToAlphanumeric(scan.text, t)) continue;
      const LabelParts label = LabelPartsAt(scan, t.begin);
      if (!invoice && !label.Has({"法人番号", "会社法人等番号", "登録番号", "法人"})) continue;
      Emit(out, Kind::kCorporateNumber, invoice ? t.begin - 1 : t.begin, t.end,
           std::string(t.digits), 0.9);
    }
  }

 private:
  static bool IsAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
};

}  // namespace

const Detector& CorporateNumberDetector() {
  static const CorporateNumberDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
