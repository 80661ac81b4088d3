// The table of every detector, in the order overlapping findings are preferred when
// their confidence is equal.
#include "detect/detector.h"
#include "detect/detectors.h"

namespace doccheck {

const std::vector<const Detector*>& AllDetectors() {
  static const std::vector<const Detector*> kDetectors = {
      &MyNumberDetector(),      &CorporateNumberDetector(), &DriversLicenseDetector(),
      &PassportDetector(),      &ResidenceCardDetector(),   &PensionNumberDetector(),
      &HealthInsuranceDetector(), &BankAccountDetector(),   &CreditCardDetector(),
      &PhoneDetector(),         &EmailDetector(),           &PostalCodeDetector(),
      &BirthDateDetector(),     &ClassificationLabelDetector(),
  };
  return kDetectors;
}

}  // namespace doccheck
