// Factories of the detectors written in this folder, one per file. The registry table in
// registry.cc lists them; nothing registers itself.
#ifndef DOCCHECK_SRC_DETECT_DETECTORS_H_
#define DOCCHECK_SRC_DETECT_DETECTORS_H_

#include "detect/detector.h"

namespace doccheck {

const Detector& MyNumberDetector();
const Detector& CorporateNumberDetector();
const Detector& DriversLicenseDetector();
const Detector& PassportDetector();
const Detector& ResidenceCardDetector();
const Detector& PensionNumberDetector();
const Detector& HealthInsuranceDetector();
const Detector& BankAccountDetector();
const Detector& CreditCardDetector();
const Detector& PhoneDetector();
const Detector& EmailDetector();
const Detector& PostalCodeDetector();
const Detector& BirthDateDetector();
// The same without its filter on label marks, which must not change what it finds.
const Detector& BirthDateDetectorWithoutMarksForTest();
const Detector& ClassificationLabelDetector();

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_DETECTORS_H_
