// Telephone numbers under the Japanese numbering plan: fixed lines (0 + area code +
// subscriber, 10 digits), 050 IP phones and 060/070/080/090 mobiles (11 digits), 0120 /
// 0570 (10) and 0800 (11) free-dial, and the international +81 forms (+81 90-…, +81-3-…).
// Normalised to national digits starting with 0.
#include "detect/detectors.h"
#include "detect/labels.h"
#include "detect/numeric_common.h"

namespace doccheck {
namespace {

bool ValidNational(std::string_view d) {
  if (d.size() < 10 || d.size() > 11 || d[0] != '0' || d[1] == '0') return false;
  const bool eleven_prefix = d.substr(0, 3) == "050" || d.substr(0, 3) == "060" ||
                             d.substr(0, 3) == "070" || d.substr(0, 3) == "080" ||
                             d.substr(0, 3) == "090" || d.substr(0, 4) == "0800";
  if (d.size() == 11) return eleven_prefix;
  return !eleven_prefix;  // 10 digits: fixed lines, 0120, 0570…
}

// An ISBN-10 (0-13-951294-2, ISBN 4-00-000000-0) is no phone number: "ISBN" just
// before it, or four groups ending in one check digit that the ISBN-10 sum accepts.
bool LooksLikeIsbn(std::string_view text, const NumberToken& t) {
  const std::size_t from = t.begin >= 12 ? t.begin - 12 : 0;
  const std::string_view before = text.substr(from, t.begin - from);
  for (std::string_view isbn : {"ISBN", "isbn", "Isbn"}) {
    if (before.find(isbn) != std::string_view::npos) return true;
  }
  if (t.groups.size() != 4 || t.groups[3] != 1 || t.digits.size() != 10) return false;
  int sum = 0;
  for (std::size_t i = 0; i < 10; ++i) sum += static_cast<int>(10 - i) * (t.digits[i] - '0');
  return sum % 11 == 0;
}

// The digits in order (0123456789): an example or a character class, not a number.
bool IsDigitSequence(std::string_view digits) {
  if (digits.size() < 10) return false;
  for (std::size_t i = 1; i < digits.size(); ++i) {
    if (digits[i] - '0' != static_cast<int>(i % 10)) return false;
  }
  return digits[0] == '0';
}

class PhoneDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "phone"; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    const std::string_view text = scan.text;
    for (const NumberToken& t : *scan.numbers) {
      // ValidNational below takes 10 or 11 digits: 10 or 11 in the token, or 11 to 13 with
      // +81 (and a 0 after it) dropped. Tested first, on the token alone: the text around
      // most numbers is then not read (cache misses in a block of 4 MiB).
      if (t.digits.size() < 10 || t.digits.size() > 13) continue;
      const bool international = t.begin > 0 && text[t.begin - 1] == '+';
      if (t.has_comma || t.groups.size() > (international ? 5u : 4u)) continue;
      std::string national;
      std::size_t begin = t.begin;
      // +81 forms: "+81 90-1234-5678", "+81-3-1234-5678", "+81(0)3…" (the 0 dropped).
      if (international && t.digits.rfind("81", 0) == 0) {
        std::string rest(t.digits.substr(2));
        if (!rest.empty() && rest[0] == '0') rest.erase(0, 1);
        national = "0" + rest;
        begin = t.begin - 1;
      } else {
        // The digits' test first: most numbers starting with 0 ("02:15") are not 10 or 11
        // digits long, and the others are pure tests too, so the order does not matter.
        if (t.digits[0] != '0' || !ValidNational(t.digits)) continue;
        if (LooksLikeAmount(text, t) || GluedToAlphanumeric(text, t)) continue;
        if (LooksLikeIsbn(text, t) || IsDigitSequence(t.digits)) continue;
        national = t.digits;
      }
      if (!ValidNational(national)) continue;
      // A grouped number must start with a group holding the leading 0 and have 2–4 groups.
      if (t.groups.size() == 2 && t.separator != '(') continue;
      const LabelParts label = LabelPartsAt(scan, t.begin);
      const bool labelled = label.Has({"電話", "TEL", "Tel", "tel", "携帯", "連絡先", "FAX", "Fax",
                                       "ファクス", "ファックス", "直通", "代表", "内線"});
      Emit(out, Kind::kPhone, begin, t.end, national, labelled ? 0.95 : 0.8);
    }
  }
};

}  // namespace

const Detector& PhoneDetector() {
  static const PhoneDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
