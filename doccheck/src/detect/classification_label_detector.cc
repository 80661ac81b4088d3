// Classification labels that mark a document's secrecy: 極秘 and 厳秘 (class 1), 秘, 部外秘,
// 庁外秘, 社外秘, 取扱注意, 関係者限り… (class 2). A label stands as a label: the bare 秘 only
// when set apart (【秘】, (秘), 秘 alone in its line or cell), longer labels when not run
// into a following word (秘書広報課, 極秘裏, 極秘に and 取扱注意事項 are not labels).
#include "detect/context.h"
#include "detect/detectors.h"
#include "detect/numeric_common.h"

namespace doccheck {
namespace {

// Longest first, so 部外秘 wins over 秘 at the same place.
constexpr std::string_view kLabels[] = {
    "取り扱い注意", "取扱い注意", "関係者外秘", "関係者限り", "取扱注意", "部外秘", "庁外秘",
    "社外秘",       "課外秘",     "局外秘",     "所外秘",     "厳秘",     "極秘",   "秘"};

bool IsOpen(char32_t c) {
  return c == 0 || c == ' ' || c == '\t' || c == '\n' || c == 0x3010 /*【*/ || c == '[' ||
         c == '(' || c == 0x300C /*「*/ || c == 0x300E /*『*/ || c == 0x3014 /*〔*/ ||
         c == 0x300A /*《*/ || c == '<' || c == 0x3008 || c == ':' || c == '|' || c == 0x25A0 ||
         c == 0x25C6 || c == '*';
}
bool IsClose(char32_t c) {
  return c == 0 || c == ' ' || c == '\t' || c == '\n' || c == 0x3011 /*】*/ || c == ']' ||
         c == ')' || c == 0x300D /*」*/ || c == 0x300F /*』*/ || c == 0x3015 /*〕*/ ||
         c == 0x300B /*》*/ || c == '>' || c == 0x3009 || c == ':' || c == '|' || c == 0x3002 ||
         c == 0x3001 || c == '*';
}

class ClassificationLabelDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "classification_label"; }
  // Every label ends with one of these.
  std::vector<std::string_view> RequiredWords() const override { return {"秘", "注意", "限り"}; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    // Each label ends with one of these; find the ending, then match the label backwards.
    for (std::string_view ending : RequiredWords()) {
      const std::string_view t = scan.text;
      for (std::size_t q = FindText(t, ending); q != std::string_view::npos;
           q = FindText(t, ending, q + 1)) {
        const std::size_t end = q + ending.size();
        for (std::string_view label : kLabels) {
          if (label.size() > end || t.compare(end - label.size(), label.size(), label) != 0)
            continue;
          const std::size_t p = end - label.size();
          std::size_t n = 0;
          const char32_t before = CodePointBefore(t, p, &n);
          const char32_t after = CodePointAt(t, end, &n);
          const bool bare = label == "秘";
          // "部外秘です" marks the document; "極秘に進める" (secretly) does not.
          const bool adverb = (label == "極秘" || label == "厳秘") && after == 0x306B /*に*/;
          const bool ok = bare ? (IsOpen(before) && IsClose(after)) : !IsKanji(after) && !adverb;
          if (ok)
            Emit(out, Kind::kClassificationLabel, p, end, std::string(label), bare ? 0.8 : 0.95);
          break;
        }
      }
    }
  }
};

}  // namespace

const Detector& ClassificationLabelDetector() {
  static const ClassificationLabelDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
