// Driver's licence number (運転免許証番号): 12 digits, labelled with 免許.
#include "detect/detectors.h"
#include "detect/labelled_number_detector.h"

namespace doccheck {

const Detector& DriversLicenseDetector() {
  static const LabelledNumberDetector detector({
      .name = "drivers_license",
      .kind = Kind::kDriversLicense,
      .labels = {"免許"},
      .not_labels = {},
      .shapes = {{12}, {4, 4, 4}, {2, 2, 6, 1, 1}},
      .valid = nullptr,
      .confidence = 0.95,
  });
  return detector;
}

}  // namespace doccheck
