// Payment card numbers: 14–16 digits (13–19 when labelled カード), Luhn-valid, with an
// issuer prefix of a real brand (Visa 4, Mastercard 51–55/2221–2720, Amex 34/37, JCB
// 3528–3589, Diners 30/36/38/39, Discover 6011/65, UnionPay 62).
#include "detect/detectors.h"
#include "detect/labels.h"
#include "detect/number_tokens.h"
#include "detect/numeric_common.h"

namespace doccheck {
namespace {

bool KnownIssuer(std::string_view d) {
  auto prefix = [&](int n) { return std::stoi(std::string(d.substr(0, n))); };
  if (d[0] == '4') return true;
  const int p2 = prefix(2), p4 = prefix(4);
  if (p2 >= 51 && p2 <= 55) return true;
  if (p4 >= 2221 && p4 <= 2720) return true;
  if (p2 == 34 || p2 == 37) return d.size() == 15;
  if (p4 >= 3528 && p4 <= 3589) return true;
  if (p2 == 30 || p2 == 36 || p2 == 38 || p2 == 39) return true;
  if (p4 == 6011 || p2 == 65 || p2 == 62) return true;
  return false;
}

class CreditCardDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "credit_card"; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    for (const NumberToken& t : *scan.numbers) {
      const std::size_t n = t.digits.size();
      if (n < 13 || n > 19) continue;
      if (!LuhnValid(t.digits) || !KnownIssuer(t.digits)) continue;  // before reading the text
      if (LooksLikeAmount(scan.text, t) || GluedToAlphanumeric(scan.text, t)) continue;
      const bool grouped = ShapeIs(t, {{4, 4, 4, 4}, {4, 6, 5}, {4, 6, 4}});
      const bool plain = t.groups.size() == 1;
      if (!grouped && !plain) continue;
      const LabelParts label = LabelPartsAt(scan, t.begin);
      const bool labelled = label.Has({"カード", "クレジット", "card", "Card", "CARD"});
      if (!labelled && (n < 14 || n > 16 || label.Has({"JAN", "製造", "シリアル", "注文"})))
        continue;
      Emit(out, Kind::kCreditCard, t.begin, t.end, std::string(t.digits), labelled ? 0.95 : 0.8);
    }
  }
};

}  // namespace

const Detector& CreditCardDetector() {
  static const CreditCardDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
