// The table of every detector, in the order overlapping findings are preferred when
// their confidence is equal.
#include "detect/address_detector.h"
#include "detect/detector.h"
#include "detect/detectors.h"
#include "detect/person_name_detector.h"

namespace doccheck {

const std::vector<const Detector*>& AllDetectors() {
  static const std::vector<const Detector*> kDetectors = {
      &MyNumberDetector(),        &CorporateNumberDetector(),
      &DriversLicenseDetector(),  &PassportDetector(),
      &ResidenceCardDetector(),   &PensionNumberDetector(),
      &HealthInsuranceDetector(), &BankAccountDetector(),
      &CreditCardDetector(),      &PhoneDetector(),
      &EmailDetector(),           &PostalCodeDetector(),
      &BirthDateDetector(),       &AddressDetector(),
      &PersonNameDetector(),      &ClassificationLabelDetector(),
  };
  return kDetectors;
}

}  // namespace doccheck
