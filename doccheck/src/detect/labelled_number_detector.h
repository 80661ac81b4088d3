// A detector for identifiers that are plain digit runs told apart only by their label:
// driver's licence, basic pension, health insurance, bank account numbers. Each kind's
// file supplies a spec; this class does the scanning. Immutable; thread-safe.
#ifndef DOCCHECK_SRC_DETECT_LABELLED_NUMBER_DETECTOR_H_
#define DOCCHECK_SRC_DETECT_LABELLED_NUMBER_DETECTOR_H_

#include <initializer_list>
#include <string_view>
#include <vector>

#include "detect/detector.h"

namespace doccheck {

struct LabelledNumberSpec {
  std::string_view name;
  Kind kind;
  std::vector<std::string_view> labels;              // any of these must label the number
  std::vector<std::string_view> not_labels;          // none of these may (e.g. 支店番号)
  std::vector<std::vector<unsigned char>> shapes;    // accepted digit groupings
  bool (*valid)(std::string_view digits) = nullptr;  // extra check (check digit), optional
  double confidence = 0.9;
};

class LabelledNumberDetector final : public Detector {
 public:
  explicit LabelledNumberDetector(LabelledNumberSpec spec) : spec_(spec) {
    // For the quick "any label in this block?" test, a label holding a shorter one
    // (口座番号 holds 口座) need not be searched.
    for (std::string_view l : spec_.labels) {
      bool covered = false;
      for (std::string_view other : spec_.labels) {
        covered = covered || (other.size() < l.size() && l.find(other) != std::string_view::npos);
      }
      if (!covered) minimal_labels_.push_back(l);
    }
  }
  std::string_view name() const override { return spec_.name; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override;
  std::vector<std::string_view> RequiredWords() const override { return minimal_labels_; }

 private:
  LabelledNumberSpec spec_;
  std::vector<std::string_view> minimal_labels_;
};

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_LABELLED_NUMBER_DETECTOR_H_
