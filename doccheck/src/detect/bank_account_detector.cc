// Bank account number (口座番号): 6–8 digits (7 for 普通/当座), labelled with 口座.
// 支店番号 / 店番 next to it are not accounts.
#include "detect/detectors.h"
#include "detect/labelled_number_detector.h"

namespace doccheck {

const Detector& BankAccountDetector() {
  static const LabelledNumberDetector detector({
      .name = "bank_account",
      .kind = Kind::kBankAccount,
      .labels = {"口座番号", "口座", "普通", "当座", "預金"},
      .not_labels = {"支店", "店番", "金融機関コード", "銀行コード", "円"},
      .shapes = {{6}, {7}, {8}},
      .valid = nullptr,
      .confidence = 0.9,
  });
  return detector;
}

}  // namespace doccheck
