// Basic pension number (基礎年金番号): 10 digits written 4-6, labelled with 年金.
#include "detect/detectors.h"
#include "detect/labelled_number_detector.h"

namespace doccheck {

const Detector& PensionNumberDetector() {
  static const LabelledNumberDetector detector({
      .name = "pension_number",
      .kind = Kind::kPensionNumber,
      .labels = {"年金番号", "年金手帳", "基礎年金", "年金"},
      .not_labels = {"金額", "年金額", "受給額"},
      .shapes = {{10}, {4, 6}},
      .valid = nullptr,
      .confidence = 0.95,
  });
  return detector;
}

}  // namespace doccheck
