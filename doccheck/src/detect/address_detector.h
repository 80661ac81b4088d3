// AddressDetector: postal addresses in Japanese text.
//
// An address is an optional prefecture, a municipality from the table in
// municipalities.h (市, 特別区, 郡+町/村, designated-city 区), a town name and block
// numbers in any notation (1丁目1番23号, 4-29-3, 1912番地, 4 丁目 14 番 24 号), and an
// optional building with its room (コーポ見本106). A municipality or town without block
// numbers (本庄市役所, 埼玉県本庄市) is not reported. A label (住所, 所在地, 住居地, ...)
// before it, or a column heading 住所, raises the confidence and also lets a single bare
// block number (宮町2967) count. `normalized` is NFKC without spaces or line breaks.
// Stateless and thread-safe.
#ifndef DOCCHECK_SRC_DETECT_ADDRESS_DETECTOR_H_
#define DOCCHECK_SRC_DETECT_ADDRESS_DETECTOR_H_

#include "detect/detector.h"

namespace doccheck {

const Detector& AddressDetector();

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_ADDRESS_DETECTOR_H_
