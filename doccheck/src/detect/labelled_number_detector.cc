#include "detect/labelled_number_detector.h"

#include "detect/context.h"
#include "detect/labels.h"
#include "detect/numeric_common.h"

namespace doccheck {
namespace {

bool AnyIn(std::string_view text, const std::vector<std::string_view>& words) {
  for (std::string_view w : words) {
    if (text.find(w) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

void LabelledNumberDetector::Detect(const ScanText& scan, std::vector<Candidate>& out) const {
  // Every label comes from the block itself (inline, a header line, a label line) or from
  // its column heading: without one of the words anywhere, no number here can qualify.
  bool any = AnyIn(scan.header, spec_.labels);
  for (std::size_t i = 0; !any && i < minimal_labels_.size(); ++i) {
    any = FindText(scan.text, minimal_labels_[i]) != std::string_view::npos;
  }
  if (!any) return;
  for (const NumberToken& t : *scan.numbers) {
    bool shape = false;
    for (const auto& g : spec_.shapes) shape = shape || g == t.groups;
    if (!shape) continue;
    if (spec_.valid && !spec_.valid(t.digits)) continue;  // before reading the text
    if (LooksLikeAmount(scan.text, t) || GluedToAlphanumeric(scan.text, t)) continue;
    const LabelParts label = LabelPartsAt(scan, t.begin);
    if (!AnyIn(label.header, spec_.labels) && !AnyIn(label.column, spec_.labels) &&
        !AnyIn(label.inline_label, spec_.labels) && !AnyIn(label.above, spec_.labels))
      continue;
    // The nearest label decides: "口座番号 1234567 支店番号 123" must not make 123 an account.
    const std::string_view nearest = InlineLabel(scan.text, t.begin, 8);
    if (AnyIn(nearest, spec_.not_labels)) continue;
    Emit(out, spec_.kind, t.begin, t.end, std::string(t.digits), spec_.confidence);
  }
}

}  // namespace doccheck
