// Health insurance numbers: the insurer number (保険者番号, 6 or 8 digits with a check
// digit) and the insured person's number (被保険者番号 / 記号・番号, labelled).
#include "detect/detectors.h"
#include "detect/labelled_number_detector.h"
#include "detect/labels.h"
#include "detect/number_tokens.h"
#include "detect/numeric_common.h"

namespace doccheck {
namespace {

class HealthInsuranceDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "health_insurance"; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    insurer_.Detect(scan, out);
    insured_.Detect(scan, out);
  }
  std::vector<std::string_view> RequiredWords() const override {
    std::vector<std::string_view> words = insurer_.RequiredWords();
    for (std::string_view w : insured_.RequiredWords()) words.push_back(w);
    return words;
  }

 private:
  // 保険者番号 but not 被保険者番号: the nearest label must not carry 被.
  static bool InsurerValid(std::string_view d) { return InsurerNumberCheckDigitValid(d); }
  LabelledNumberDetector insurer_{{
      .name = "health_insurance",
      .kind = Kind::kHealthInsurance,
      .labels = {"保険者番号"},
      .not_labels = {"被保険者"},
      .shapes = {{6}, {8}},
      .valid = &InsurerValid,
      .confidence = 0.9,
  }};
  LabelledNumberDetector insured_{{
      .name = "health_insurance",
      .kind = Kind::kHealthInsurance,
      .labels = {"被保険者番号", "被保険者証", "保険証番号", "記号番号", "記号・番号"},
      .not_labels = {},
      .shapes = {{4}, {5}, {6}, {7}, {8}, {9}, {10}},
      .valid = nullptr,
      .confidence = 0.85,
  }};
};

}  // namespace

const Detector& HealthInsuranceDetector() {
  static const HealthInsuranceDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
