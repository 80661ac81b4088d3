// Table-driven tests of the numeric and label detectors (everything but address and
// person_name), mostly through the public API: a plain-text document goes through
// doccheck::Checker::CheckBytes and the findings of one kind are compared with what the
// rules of the issue and CONTRACTS.md §1 require. Every value is synthetic; check digits
// are computed in synthetic_ids.h with an implementation independent of the library's.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "detect/detector.h"
#include "doccheck/report.h"
#include "mask.h"
#include "synthetic_ids.h"
#include "text/block_scanner.h"

namespace doccheck {
namespace {

using testing::BreakLastDigit;
using testing::FindingsOf;
using testing::FullWidth;
using testing::Group;
using testing::MakeCorporateNumber;
using testing::MakeInsurerNumber;
using testing::MakeLuhn;
using testing::MakeMyNumber;
using testing::NormalizedOf;

using Values = std::vector<std::string>;

// Synthetic identifiers shared by the tables.
const std::string kMn = MakeMyNumber("20481357924");   // 204813579248
const std::string kMn2 = MakeMyNumber("58203317460");  // 582033174607
const std::string kCn = MakeCorporateNumber("480013572468");
const std::string kVisa = MakeLuhn("498012345678901");
const std::string kMaster = MakeLuhn("535012345678901");
const std::string kMaster2 = MakeLuhn("222100012345678");
const std::string kAmex = MakeLuhn("37123456789012");  // 15 digits
const std::string kJcb = MakeLuhn("353012345678901");
const std::string kDiners = MakeLuhn("3612345678901");  // 14 digits

struct Case {
  std::string name;
  std::string text;
  Values expected;            // normalized values, in order
  const char* bug = nullptr;  // set when the library is known to fail this case
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name << ": " << c.text; }

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

// One parameterised suite per kind: each case is one behaviour of that detector.
#define DETECTOR_SUITE(Suite, kind_value, cases_fn)                           \
  class Suite : public ::testing::TestWithParam<Case> {};                     \
  TEST_P(Suite, FindsExactlyTheExpectedValues) {                              \
    EXPECT_EQ(NormalizedOf(kind_value, GetParam().text), GetParam().expected) \
        << "text: " << GetParam().text;                                       \
  }                                                                           \
  INSTANTIATE_TEST_SUITE_P(Cases, Suite, ::testing::ValuesIn(cases_fn()), CaseName)

// ---------------------------------------------------------------------------------------
// The independent check-digit implementations agree with the issue's examples.

TEST(SyntheticIdsTest, MyNumberExampleFromTheIssueIsValid) {
  EXPECT_EQ(MakeMyNumber("12345678901"), "123456789018");
}

TEST(SyntheticIdsTest, CorporateNumberExampleFromTheIssueIsValid) {
  EXPECT_EQ(MakeCorporateNumber("123456789012"), "7123456789012");
}

// ---------------------------------------------------------------------------------------
// my_number

std::vector<Case> MyNumberCases() {
  const std::string g = Group(kMn, {4, 4, 4}, "-");
  return {
      {"LabelledPlain", "個人番号 " + kMn + "\n", {kMn}},
      {"IssueExample", "個人番号：123456789018\n", {"123456789018"}},
      {"LabelledKatakana", "マイナンバー：" + kMn + "\n", {kMn}},
      {"UnlabelledStillFound", "参考 " + kMn + "\n", {kMn}},
      {"AloneOnALine", kMn + "\n", {kMn}},
      {"GroupedWithHyphens", "個人番号 " + g + "\n", {kMn}},
      {"GroupedWithSpaces", "個人番号 " + Group(kMn, {4, 4, 4}, " ") + "\n", {kMn}},
      {"FullWidthDigits", "個人番号 " + FullWidth(kMn) + "\n", {kMn}},
      {"FullWidthDigitsAndHyphens", "個人番号 " + FullWidth(g) + "\n", {kMn}},
      {"FullWidthDigitsAndIdeographicSpaces",
       "個人番号 " + Group(FullWidth(kMn), {12, 12, 12}, "　") + "\n",
       {kMn}},
      {"ChoonBetweenDigits", "個人番号 " + Group(kMn, {4, 4, 4}, "ー") + "\n", {kMn}},
      {"ChoonBetweenFullWidthDigits",
       "個人番号 " + Group(FullWidth(kMn), {12, 12, 12}, "ー") + "\n",
       {kMn}},
      {"Hyphen2010", "個人番号 " + Group(kMn, {4, 4, 4}, "‐") + "\n", {kMn}},
      {"MinusSign2212", "個人番号 " + Group(kMn, {4, 4, 4}, "−") + "\n", {kMn}},
      {"EnDash2013", "個人番号 " + Group(kMn, {4, 4, 4}, "–") + "\n", {kMn}},
      {"EmDash2014", "個人番号 " + Group(kMn, {4, 4, 4}, "—") + "\n", {kMn}},
      {"HorizontalBar2015", "個人番号 " + Group(kMn, {4, 4, 4}, "―") + "\n", {kMn}},
      {"TwoNumbersOnALine", "個人番号 " + kMn + "、" + kMn2 + "\n", {kMn, kMn2}},
      {"SameNumberTwiceIsTwoFindings", "個人番号 " + kMn + "\n個人番号 " + kMn + "\n", {kMn, kMn}},
      {"TsvColumnHeader", "氏名\t個人番号\t備考\n見本\t" + kMn + "\tなし\n", {kMn}},
      {"LabelLineAbove", "個人番号\n" + kMn + "\n", {kMn}},
      // Negatives.
      {"WrongCheckDigit", "個人番号 " + BreakLastDigit(kMn) + "\n", {}},
      {"WrongCheckDigitGrouped",
       "個人番号 " + Group(BreakLastDigit(kMn), {4, 4, 4}, "-") + "\n",
       {}},
      {"ElevenDigits", "個人番号 " + kMn.substr(0, 11) + "\n", {}},
      {"InsideThirteenDigitRunBefore", "番 9" + kMn + "\n", {}},
      {"InsideThirteenDigitRunAfter", "番 " + kMn + "5\n", {}},
      {"InsideLongRun", "記録 3" + kMn + kMn2 + "\n", {}},
      {"GluedToLettersBefore", "ID AB" + kMn + "\n", {}},
      {"GluedToLettersAfter", "参考 " + kMn + "X\n", {}},
      {"DecimalFraction", "値 1." + kMn + "\n", {}},
      {"CommaGroupedAmount", "計 " + Group(kMn, {3, 3, 3, 3}, ",") + "\n", {}},
      {"YenSignBefore", "¥" + kMn + "\n", {}},
      {"FullWidthYenSignBefore", "￥" + kMn + "\n", {}},
      {"YenSignWithSpace", "¥ " + kMn + "\n", {}},
      {"EnBefore", kMn + "円\n", {}},
      {"OrderNumberLabel", "注文番号 " + kMn + "\n", {}},
      {"ReceiptNumberLabel", "受付番号：" + kMn + "\n", {}},
      {"OrderNumberTableColumn", "注文番号\t品名\t数量\n" + kMn + "\t見本品\t1\n", {}},
      {"OrderNumberCommaTableColumn", "注文番号,品名,数量\n" + kMn + ",見本品,1\n", {}},
      {"JanColumnTwelveDigits", "JANコード\t品名\t単価\n" + kMn + "\t見本品\t100\n", {}},
      {"PhoneLabel", "電話 " + kMn + "\n", {}},
      {"InvoiceTPrefixTwelveDigits", "T" + kMn + "\n", {}},
      {"ShapeThreeFourFive", "個人番号 " + Group(kMn, {3, 4, 5}, "-") + "\n", {}},
      {"ShapeFourEight", "個人番号 " + Group(kMn, {4, 8}, "-") + "\n", {}},
      {"MixedSeparators",
       "個人番号 " + kMn.substr(0, 4) + "-" + kMn.substr(4, 4) + " " + kMn.substr(8) + "\n",
       {}},
  };
}
DETECTOR_SUITE(MyNumberDetectorTest, Kind::kMyNumber, MyNumberCases);

TEST(MyNumberDetectorTest, LabelRaisesConfidence) {
  const auto labelled = FindingsOf(Kind::kMyNumber, "個人番号 " + kMn + "\n");
  const auto bare = FindingsOf(Kind::kMyNumber, "参考 " + kMn + "\n");
  ASSERT_EQ(labelled.size(), 1u);
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_GT(labelled[0].confidence, bare[0].confidence);
  EXPECT_GE(labelled[0].confidence, 0.9);
}

TEST(MyNumberDetectorTest, OffsetAndLineOfASecondLineFinding) {
  const std::string text = "見出し\n個人番号 " + Group(FullWidth(kMn), {12, 12, 12}, "－") + "\n";
  const auto found = FindingsOf(Kind::kMyNumber, text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].location.offset, text.find("個人番号 ") + std::string("個人番号 ").size());
  EXPECT_EQ(found[0].location.line, 2);
}

TEST(MyNumberDetectorTest, OffsetAfterComposedHalfWidthKanaPointsAtTheNumber) {
  const std::string text = "ﾔﾏﾀﾞ ﾀﾛｳ 個人番号 " + kMn + "\n";
  const auto found = FindingsOf(Kind::kMyNumber, text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].location.offset, text.find(kMn));
}

TEST(MyNumberDetectorTest, ValueIsMaskedAsInTheContract) {
  const auto found = FindingsOf(Kind::kMyNumber, "個人番号 123456789018\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].masked, "1234 **** ***8");
}

TEST(MyNumberDetectorTest, BlockHeaderLabelsACell) {
  // Spreadsheet cells come as blocks whose header is their column heading.
  std::vector<Finding> out;
  BlockInfo info;
  info.header = "個人番号";
  info.where.cell = "C2";
  ScanTextBlock(kMn, info, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, Kind::kMyNumber);
  EXPECT_EQ(out[0].location.cell, "C2");
  EXPECT_FALSE(out[0].location.line.has_value());
  EXPECT_GE(out[0].confidence, 0.9);
}

TEST(MyNumberDetectorTest, OrderNumberBlockHeaderRulesACellOut) {
  std::vector<Finding> out;
  BlockInfo info;
  info.header = "注文番号";
  ScanTextBlock(kMn, info, &out);
  EXPECT_TRUE(out.empty());
}

TEST(MyNumberDetectorTest, BlockOffsetsAreMappedThroughSourceOffsets) {
  // A block whose bytes came from elsewhere in the part (e.g. decoded XML).
  const std::string text = "個人番号 " + kMn;
  std::vector<std::uint32_t> offsets(text.size() + 1);
  for (std::size_t i = 0; i < offsets.size(); ++i)
    offsets[i] = static_cast<std::uint32_t>(500 + 2 * i);
  std::vector<Finding> out;
  BlockInfo info;
  info.source_offsets = offsets.data();
  info.base_offset = 7;
  ScanTextBlock(text, info, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].location.offset, 7 + 500 + 2 * text.find(kMn));
}

TEST(MyNumberDetectorTest, ReportFromDropsEarlierFindings) {
  const std::string text = kMn + "\n" + kMn2 + "\n";
  std::vector<Finding> out;
  BlockInfo info;
  info.report_from = kMn.size() + 1;
  ScanTextBlock(text, info, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].normalized, kMn2);
  EXPECT_EQ(out[0].location.line, 2);
}

// ---------------------------------------------------------------------------------------
// corporate_number

std::vector<Case> CorporateNumberCases() {
  return {
      {"IssueExampleLabelled", "法人番号 7123456789012\n", {"7123456789012"}},
      {"LabelledPlain", "法人番号：" + kCn + "\n", {kCn}},
      {"LabelledGroupedOneFourFourFour", "法人番号 " + Group(kCn, {1, 4, 4, 4}, "-") + "\n", {kCn}},
      {"RegistrationNumberLabel", "登録番号 " + kCn + "\n", {kCn}},
      {"InvoiceNumberTPrefix", "T" + kCn + "\n", {kCn}},
      {"InvoiceNumberInSentence", "適格請求書発行事業者登録番号：T" + kCn + "\n", {kCn}},
      {"FullWidthInvoiceNumber", FullWidth("T" + kCn) + "\n", {kCn}},
      {"TableColumn", "事業者名\t法人番号\t所在地\n見本商事\t" + kCn + "\t見本市\n", {kCn}},
      // Negatives.
      {"UnlabelledThirteenDigits", "参考 " + kCn + "\n", {}},
      {"WrongCheckDigitLabelled",
       "法人番号 " + std::to_string((kCn[0] - '0' + 1) % 10) + kCn.substr(1) + "\n",
       {}},
      {"TwoLettersBeforeT", "AT" + kCn + "\n", {}},
      {"JanCodeColumn", "JANコード\t品名\t単価\n" + kCn + "\t見本品\t100\n", {}},
      {"FourteenDigits", "法人番号 " + kCn + "1\n", {}},
  };
}
DETECTOR_SUITE(CorporateNumberDetectorTest, Kind::kCorporateNumber, CorporateNumberCases);

class CorporateNumberNeverMyNumberTest : public ::testing::TestWithParam<Case> {};

TEST_P(CorporateNumberNeverMyNumberTest, ReportsNoMyNumber) {
  EXPECT_TRUE(FindingsOf(Kind::kMyNumber, GetParam().text).empty()) << GetParam().text;
}

// Corporate numbers whose last twelve digits are a valid My Number: only the label or the T
// prefix tells them apart, and they must never be reported as one.
std::vector<Case> CorporateNumberNeverMyNumberCases() {
  const std::string cn = MakeCorporateNumber(kMn);
  return {
      {"Labelled", "法人番号 " + cn + "\n", {}},
      {"Invoice", "T" + cn + "\n", {}},
      {"InvoiceGroupedOneFourFourFour", "T" + Group(cn, {1, 4, 4, 4}, "-") + "\n", {}},
      {"LabelledGroupedOneFourFourFour", "法人番号 " + Group(cn, {1, 4, 4, 4}, "-") + "\n", {}},
      {"Unlabelled", "参考 " + cn + "\n", {}},
  };
}
INSTANTIATE_TEST_SUITE_P(Cases, CorporateNumberNeverMyNumberTest,
                         ::testing::ValuesIn(CorporateNumberNeverMyNumberCases()), CaseName);

TEST(CorporateNumberDetectorTest, InvoiceFindingStartsAtTheT) {
  const std::string text = "登録番号：T" + kCn + "\n";
  const auto found = FindingsOf(Kind::kCorporateNumber, text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].location.offset, text.find('T'));
}

// ---------------------------------------------------------------------------------------
// drivers_license

std::vector<Case> DriversLicenseCases() {
  const std::string lic = "305012345670";
  return {
      {"Labelled", "運転免許証番号 " + lic + "\n", {lic}},
      {"LabelledGrouped", "免許証番号：" + Group(lic, {4, 4, 4}, "-") + "\n", {lic}},
      {"FullWidth", "免許証番号 " + FullWidth(lic) + "\n", {lic}},
      {"LabelledWithValidMyNumberCheckDigit", "運転免許証番号 " + kMn + "\n", {kMn}},
      {"Unlabelled", "参考 " + lic + "\n", {}},
      {"ElevenDigits", "免許証番号 " + lic.substr(1) + "\n", {}},
      {"ThirteenDigits", "免許証番号 " + lic + "1\n", {}},
  };
}
DETECTOR_SUITE(DriversLicenseDetectorTest, Kind::kDriversLicense, DriversLicenseCases);

TEST(DriversLicenseDetectorTest, LabelledLicenceIsNotAlsoAMyNumber) {
  EXPECT_TRUE(FindingsOf(Kind::kMyNumber, "運転免許証番号 " + kMn + "\n").empty());
}

// ---------------------------------------------------------------------------------------
// passport

std::vector<Case> PassportCases() {
  return {
      {"Labelled", "旅券番号 XP7654321\n", {"XP7654321"}},
      {"LabelledKatakana", "パスポート番号：XP7654321\n", {"XP7654321"}},
      {"LabelledEnglish", "Passport No. XP7654321\n", {"XP7654321"}},
      {"SpaceBetweenLettersAndDigits", "旅券番号 XP 7654321\n", {"XP7654321"}},
      {"FullWidth", "旅券番号 " + FullWidth("XP7654321") + "\n", {"XP7654321"}},
      {"TableColumn", "氏名\t旅券番号\t備考\n見本\tXP7654321\tなし\n", {"XP7654321"}},
      {"Unlabelled", "参考 XP7654321\n", {}},
      {"LowerCase", "旅券番号 xp7654321\n", {}},
      {"ThreeLetters", "旅券番号 AXP7654321\n", {}},
      {"EightDigits", "旅券番号 XP76543210\n", {}},
      {"SixDigits", "旅券番号 XP765432\n", {}},
      {"LetterAfter", "旅券番号 XP7654321A\n", {}},
  };
}
DETECTOR_SUITE(PassportDetectorTest, Kind::kPassport, PassportCases);

// ---------------------------------------------------------------------------------------
// residence_card

std::vector<Case> ResidenceCardCases() {
  return {
      {"Labelled", "在留カード番号 AB12345678CD\n", {"AB12345678CD"}},
      {"UnlabelledShapeIsEnough", "参考 AB12345678CD\n", {"AB12345678CD"}},
      {"SpacesBetweenParts", "在留カード番号 AB 12345678 CD\n", {"AB12345678CD"}},
      {"FullWidth", "在留カード番号 " + FullWidth("AB12345678CD") + "\n", {"AB12345678CD"}},
      {"LowerCase", "在留カード番号 ab12345678cd\n", {}},
      {"SevenDigits", "在留カード番号 AB1234567CD\n", {}},
      {"NineDigits", "在留カード番号 AB123456789CD\n", {}},
      {"OneTrailingLetter", "在留カード番号 AB12345678C\n", {}},
      {"ThreeLeadingLetters", "在留カード番号 XAB12345678CD\n", {}},
  };
}
DETECTOR_SUITE(ResidenceCardDetectorTest, Kind::kResidenceCard, ResidenceCardCases);

TEST(ResidenceCardDetectorTest, LabelRaisesConfidence) {
  const auto labelled = FindingsOf(Kind::kResidenceCard, "在留カード番号 AB12345678CD\n");
  const auto bare = FindingsOf(Kind::kResidenceCard, "参考 AB12345678CD\n");
  ASSERT_EQ(labelled.size(), 1u);
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_GT(labelled[0].confidence, bare[0].confidence);
}

// ---------------------------------------------------------------------------------------
// pension_number

std::vector<Case> PensionNumberCases() {
  return {
      {"LabelledFourSix", "基礎年金番号 1234-567890\n", {"1234567890"}},
      {"LabelledPlain", "年金番号：1234567890\n", {"1234567890"}},
      {"FullWidth", "基礎年金番号 " + FullWidth("1234-567890") + "\n", {"1234567890"}},
      {"CellBefore", "基礎年金番号\t1234567890\n", {"1234567890"}},
      {"Unlabelled", "参考 1234-567890\n", {}},
      {"PensionAmountLabel", "年金額 1234567890\n", {}},
      {"OtherShape", "基礎年金番号 123-4567890\n", {}},
      {"NineDigits", "基礎年金番号 123456789\n", {}},
  };
}
DETECTOR_SUITE(PensionNumberDetectorTest, Kind::kPensionNumber, PensionNumberCases);

// ---------------------------------------------------------------------------------------
// health_insurance

std::vector<Case> HealthInsuranceCases() {
  const std::string insurer8 = MakeInsurerNumber("0613001");
  const std::string insurer6 = MakeInsurerNumber("13800");
  return {
      {"InsurerEightDigits", "保険者番号 " + insurer8 + "\n", {insurer8}},
      {"InsurerSixDigits", "保険者番号：" + insurer6 + "\n", {insurer6}},
      {"InsurerWrongCheckDigit", "保険者番号 " + BreakLastDigit(insurer8) + "\n", {}},
      {"InsuredPersonNumber", "被保険者番号 1234567\n", {"1234567"}},
      {"InsuredSymbolNumber", "記号・番号 20481\n", {"20481"}},
      {"InsuredCheckDigitValidCountedOnce", "被保険者番号 " + insurer8 + "\n", {insurer8}},
      {"Unlabelled", "参考 " + insurer8 + "\n", {}},
      {"ThreeDigits", "被保険者番号 123\n", {}},
  };
}
DETECTOR_SUITE(HealthInsuranceDetectorTest, Kind::kHealthInsurance, HealthInsuranceCases);

// ---------------------------------------------------------------------------------------
// bank_account

std::vector<Case> BankAccountCases() {
  return {
      {"Labelled", "口座番号 1234567\n", {"1234567"}},
      {"FutsuLabel", "普通 7654321\n", {"7654321"}},
      {"FullWidth", "口座番号 " + FullWidth("1234567") + "\n", {"1234567"}},
      {"CellBefore", "口座番号\t2315580\n", {"2315580"}},
      {"SixDigits", "口座番号 123456\n", {"123456"}},
      {"BranchNumberBefore", "支店番号 123 口座番号 1234567\n", {"1234567"}},
      {"BranchNumberAfterIsNotAnAccount", "口座番号 1234567 支店番号 654321\n", {"1234567"}},
      {"Unlabelled", "参考 1234567\n", {}},
      {"FiveDigits", "口座番号 12345\n", {}},
      {"NineDigits", "口座番号 123456789\n", {}},
      {"BalanceAmount", "口座残高 1,234,567円\n", {}},
      {"BalanceWithoutComma", "口座残高 1234567円\n", {}},
  };
}
DETECTOR_SUITE(BankAccountDetectorTest, Kind::kBankAccount, BankAccountCases);

// ---------------------------------------------------------------------------------------
// credit_card

std::vector<Case> CreditCardCases() {
  const std::string visa13 = MakeLuhn("498012345678");
  return {
      {"VisaPlainUnlabelled", "参考 " + kVisa + "\n", {kVisa}},
      {"VisaGroupedSpaces", "カード番号 " + Group(kVisa, {4, 4, 4, 4}, " ") + "\n", {kVisa}},
      {"VisaGroupedHyphens", "カード番号 " + Group(kVisa, {4, 4, 4, 4}, "-") + "\n", {kVisa}},
      {"VisaFullWidth", "カード番号 " + FullWidth(Group(kVisa, {4, 4, 4, 4}, "-")) + "\n", {kVisa}},
      {"Mastercard51To55", "カード番号 " + kMaster + "\n", {kMaster}},
      {"Mastercard2221To2720", "カード番号 " + kMaster2 + "\n", {kMaster2}},
      {"AmexFourSixFive", "カード番号 " + Group(kAmex, {4, 6, 5}, " ") + "\n", {kAmex}},
      {"Jcb", "カード番号 " + kJcb + "\n", {kJcb}},
      {"DinersFourteenDigits", "カード番号 " + kDiners + "\n", {kDiners}},
      {"ThirteenDigitsLabelled", "クレジットカード " + visa13 + "\n", {visa13}},
      // Negatives.
      {"ThirteenDigitsUnlabelled", "参考 " + visa13 + "\n", {}},
      {"LuhnInvalid", "カード番号 " + BreakLastDigit(kVisa) + "\n", {}},
      {"UnknownIssuer", "カード番号 " + MakeLuhn("912345678901234") + "\n", {}},
      {"AmexPrefixSixteenDigits", "カード番号 " + MakeLuhn("371234567890123") + "\n", {}},
      {"OrderNumberLabel", "注文番号 " + kVisa + "\n", {}},
      {"GluedToLetters", "参考 X" + kVisa + "\n", {}},
      {"CommaGrouped", "参考 " + Group(kVisa, {1, 3, 3, 3, 3, 3}, ",") + "\n", {}},
      {"OddGrouping", "カード番号 " + Group(kVisa, {8, 8}, "-") + "\n", {}},
      {"TwentyDigits", "カード番号 " + MakeLuhn("4980123456789012345") + "\n", {}},
  };
}
DETECTOR_SUITE(CreditCardDetectorTest, Kind::kCreditCard, CreditCardCases);

// ---------------------------------------------------------------------------------------
// phone

std::vector<Case> PhoneCases() {
  return {
      {"FixedLineHyphens", "電話 03-1234-5678\n", {"0312345678"}},
      {"FixedLinePlain", "電話 0312345678\n", {"0312345678"}},
      {"FixedLineUnlabelled", "見本市役所 0495-55-0123\n", {"0495550123"}},
      {"AreaCodeInParentheses", "電話 (049)555-0123\n", {"0495550123"}},
      {"LocalCodeInParentheses", "電話 03(1234)5678\n", {"0312345678"}},
      {"Mobile090", "携帯 090-1234-5678\n", {"09012345678"}},
      {"Mobile080", "携帯 080-1234-5678\n", {"08012345678"}},
      {"Mobile070", "携帯 070-1234-5678\n", {"07012345678"}},
      {"Mobile060", "携帯 060-1234-5678\n", {"06012345678"}},
      {"Ip050", "電話 050-1234-5678\n", {"05012345678"}},
      {"FreeDial0120", "フリーダイヤル 0120-123-456\n", {"0120123456"}},
      {"FreeDial0800", "フリーダイヤル 0800-123-4567\n", {"08001234567"}},
      {"Navi0570", "電話 0570-123-456\n", {"0570123456"}},
      {"FullWidth", "電話 " + FullWidth("03-1234-5678") + "\n", {"0312345678"}},
      {"ChoonSeparators", "電話 ０３ー１２３４ー５６７８\n", {"0312345678"}},
      {"SpaceSeparators", "電話 03 1234 5678\n", {"0312345678"}},
      {"InternationalAllHyphens", "TEL +81-90-1234-5678\n", {"09012345678"}},
      {"InternationalAllSpaces", "TEL +81 90 1234 5678\n", {"09012345678"}},
      {"InternationalFixedAllHyphens", "TEL +81-3-1234-5678\n", {"0312345678"}},
      {"InternationalPlain", "TEL +819012345678\n", {"09012345678"}},
      // 13 digits with the trunk 0 kept after +81: the longest token that can be a phone.
      {"InternationalWithTrunkZero", "TEL +81-090-1234-5678\n", {"09012345678"}},
      {"InternationalSpaceThenHyphens",
       "TEL +81 90-1234-5678\n",
       {"09012345678"},
       "the tokenizer ends a number when the separator changes, so \"+81 90-1234-5678\" is split "
       "into \"81 90\" and \"1234-5678\" and no phone is found"},
      {"InternationalFixedSpaceThenHyphens",
       "TEL +81 3-1234-5678\n",
       {"0312345678"},
       "\"+81 3-1234-5678\" (space after the country code, hyphens after) is not found: a "
       "separator change ends the token"},
      {"InternationalWithTrunkZeroInParentheses",
       "TEL +81(0)3-1234-5678\n",
       {"0312345678"},
       "\"+81(0)3-1234-5678\" gives 5 digit groups and PhoneDetector drops tokens with more than 4 "
       "groups, although its comment promises this form"},
      {"TwoNumbersOnALine", "TEL 03-1234-5678 FAX 03-1234-5679\n", {"0312345678", "0312345679"}},
      // Negatives.
      {"MobileTenDigits", "携帯 090-1234-567\n", {}},
      {"FixedElevenDigits", "電話 03-1234-56789\n", {}},
      {"NoLeadingZero", "電話 1234-5678\n", {}},
      {"DoubleZeroPrefix", "電話 00-1234-5678\n", {}},
      {"TwoGroups", "電話 0312-345678\n", {}},
      {"Amount", "計 0312345678円\n", {}},
      {"GluedToLetters", "型番 A03-1234-5678\n", {}},
      {"InsideLongerRun", "記録 103-1234-5678\n", {}},
      {"IsoDate", "日付 2024-04-01\n", {}},
  };
}
DETECTOR_SUITE(PhoneDetectorTest, Kind::kPhone, PhoneCases);

TEST(PhoneDetectorTest, InternationalFindingStartsAtThePlus) {
  const std::string text = "TEL +81-90-1234-5678\n";
  const auto found = FindingsOf(Kind::kPhone, text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].location.offset, text.find('+'));
}

TEST(PhoneDetectorTest, ParenthesisedAreaCodeFindingStartsAtTheParenthesis) {
  const std::string text = "電話 (049)555-0123\n";
  const auto found = FindingsOf(Kind::kPhone, text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].location.offset, text.find('('));
}

TEST(PhoneDetectorTest, LabelRaisesConfidence) {
  const auto labelled = FindingsOf(Kind::kPhone, "TEL 03-1234-5678\n");
  const auto bare = FindingsOf(Kind::kPhone, "見本 03-1234-5678\n");
  ASSERT_EQ(labelled.size(), 1u);
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_GT(labelled[0].confidence, bare[0].confidence);
}

// ---------------------------------------------------------------------------------------
// email

std::vector<Case> EmailCases() {
  return {
      {"Plain", "連絡先 mihon.taro@example.jp\n", {"mihon.taro@example.jp"}},
      {"UpperCaseLowered", "Mihon.Taro@Example.CO.JP\n", {"mihon.taro@example.co.jp"}},
      {"FullWidth", FullWidth("mihon@example.jp") + "\n", {"mihon@example.jp"}},
      {"InAngleBrackets", "<a+b_c@mail.example.lg.jp>\n", {"a+b_c@mail.example.lg.jp"}},
      {"TrailingPeriodExcluded", "連絡は mihon@example.jp.\n", {"mihon@example.jp"}},
      {"JapaneseAround", "メールはmihon@example.jpまで\n", {"mihon@example.jp"}},
      {"TwoAddresses", "a@example.jp, b@example.jp\n", {"a@example.jp", "b@example.jp"}},
      {"NoDotInDomain", "user@localhost\n", {}},
      {"NoLocalPart", "@example.jp\n", {}},
      {"OneLetterTld", "user@example.j\n", {}},
      {"NumericTld", "user@example.123\n", {}},
      {"JapaneseLocalPart", "見本@\n", {}},
  };
}
DETECTOR_SUITE(EmailDetectorTest, Kind::kEmail, EmailCases);

// ---------------------------------------------------------------------------------------
// postal_code

std::vector<Case> PostalCodeCases() {
  return {
      {"PostMark", "〒123-4567 見本市本町\n", {"1234567"}},
      {"PostMarkSpace", "〒 123-4567\n", {"1234567"}},
      {"PostMarkPlain", "〒1234567\n", {"1234567"}},
      {"Label", "郵便番号 123-4567\n", {"1234567"}},
      {"LabelFullWidth", "郵便番号：" + FullWidth("123-4567") + "\n", {"1234567"}},
      {"PostMarkChoon", "〒１２３ー４５６７\n", {"1234567"}},
      {"LabelCellBefore", "郵便番号\t123-4567\n", {"1234567"}},
      {"Unlabelled", "参考 123-4567\n", {}},
      {"WrongGrouping", "〒12-34567\n", {}},
      {"EightDigits", "〒123-45678\n", {}},
      {"SixDigits", "〒123-456\n", {}},
  };
}
DETECTOR_SUITE(PostalCodeDetectorTest, Kind::kPostalCode, PostalCodeCases);

TEST(PostalCodeDetectorTest, MaskedKeepsOnlyTheFirstGroup) {
  const auto found = FindingsOf(Kind::kPostalCode, "〒123-4567\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].masked, "123-****");
}

// ---------------------------------------------------------------------------------------
// birth_date

std::vector<Case> BirthDateCases() {
  return {
      {"WesternKanji", "生年月日 1985年11月20日\n", {"1985-11-20"}},
      {"WesternSlash", "生年月日：1985/11/20\n", {"1985-11-20"}},
      {"WesternHyphen", "生年月日 1985-11-20\n", {"1985-11-20"}},
      {"WesternDot", "生年月日 1985.11.20\n", {"1985-11-20"}},
      {"WesternSingleDigitMonthDay", "生年月日 1985/4/1\n", {"1985-04-01"}},
      {"WesternFullWidth",
       "生年月日　" + FullWidth("1985") + "年" + FullWidth("11") + "月" + FullWidth("20") + "日\n",
       {"1985-11-20"}},
      {"WesternLeapDay", "生年月日 2000年2月29日\n", {"2000-02-29"}},
      {"Showa", "生年月日 昭和60年4月1日\n", {"1985-04-01"}},
      {"HeiseiGannen", "生年月日 平成元年1月8日\n", {"1989-01-08"}},
      {"ReiwaGannen", "生年月日 令和元年5月1日\n", {"2019-05-01"}},
      {"Taisho", "生年月日 大正15年12月24日\n", {"1926-12-24"}},
      {"Meiji", "生年月日 明治45年7月29日\n", {"1912-07-29"}},
      {"LigatureHeisei", "生年月日 ㍻2年3月4日\n", {"1990-03-04"}},
      {"LigatureShowa", "生年月日 ㍼50年6月7日\n", {"1975-06-07"}},
      {"LigatureReiwa", "生年月日 ㋿2年3月4日\n", {"2020-03-04"}},
      {"EraFullWidthDigits", "生年月日　昭和６０年４月１日\n", {"1985-04-01"}},
      {"EraSpacesAroundKanji", "生年月日 昭和 60 年 4 月 1 日\n", {"1985-04-01"}},
      {"WesternSpacesAroundKanji", "生年月日 1985 年 11 月 20 日\n", {"1985-11-20"}},
      {"InitialShowaDots", "生年月日 S60.4.1\n", {"1985-04-01"}},
      {"InitialHeiseiSlashes", "生年月日 H1/1/8\n", {"1989-01-08"}},
      {"EraKanjiHyphens",
       "生年月日 昭和60-4-1\n",
       {"1985-04-01"},
       "era dates with hyphens are not found (the token-based era pass needs a one-group token)"},
      {"InitialReiwaHyphens",
       "生年月日 R3-7-27\n",
       {"2021-07-27"},
       "era dates with hyphens (R3-7-27, 昭和60-4-1) are not found since the token-based era pass "
       "(commit 23944bf) requires a one-group token"},
      {"InitialTaisho", "生年月日 T15.12.24\n", {"1926-12-24"}},
      {"InitialMeiji", "生年月日 M45.7.29\n", {"1912-07-29"}},
      {"EraDotsKanji", "生年月日 昭和60.4.1\n", {"1985-04-01"}},
      {"BirthdayLabel", "誕生日 1985年11月20日\n", {"1985-11-20"}},
      {"TableColumnHeader", "氏名\t生年月日\t備考\n見本\t1985/11/20\tなし\n", {"1985-11-20"}},
      {"CommaTableColumnHeader", "氏名,生年月日,備考\n見本,1985/11/20,なし\n", {"1985-11-20"}},
      // Tables found after lines without a tab or comma (passed over 16 bytes at a time),
      // and a row after a table has ended is no longer under its heading.
      {"TableAfterProse",
       "本日の会議の議事録です。\n次回は未定。\nNote: a, b\n氏名\t生年月日\t備考\n見本\t1985/11/"
       "20\tなし\n",
       {"1985-11-20"}},
      {"SecondTableAfterProse",
       "氏名,申請日\n見本,2024/4/1\n以上です。\n氏名,生年月日,備考\n見本,1985/11/20,なし\n",
       {"1985-11-20"}},
      {"RowAfterTheTableEnded",
       "氏名\t生年月日\t備考\n見本\t1985/11/20\tなし\n以上\n見本\t1985/11/21\tなし\n",
       {"1985-11-20"}},
      {"CellBefore", "生年月日\t1985/11/20\n", {"1985-11-20"}},
      {"LabelLineAbove", "生年月日\n昭和60年4月1日\n", {"1985-04-01"}},
      {"OnlyTheLabelledDateOfALine",
       "生年月日 1985年11月20日 申請日 2024年4月1日\n",
       {"1985-11-20"}},
      // Negatives.
      {"ApplicationDate", "申請日 2024年4月1日\n", {}},
      {"CreationDateEra", "作成日：令和6年4月1日\n", {}},
      {"Unlabelled", "1985年11月20日\n", {}},
      {"UnlabelledEraInitial", "S60.4.1\n", {}},
      {"OtherColumnOfABirthDateTable",
       "生年月日\t申請日\t備考\n1985/11/20\t2024/4/1\tなし\n",
       {"1985-11-20"},
       "in the first data row of a table, a date in a non-birth column (申請日) is labelled a "
       "birth date by the label-line-above rule, because the header line mentions 生年月日"},
      {"ImpossibleDay", "生年月日 1985年2月30日\n", {}},
      {"ImpossibleMonth", "生年月日 1985年13月1日\n", {}},
      {"NotALeapYear", "生年月日 平成31年2月29日\n", {}},
      {"FutureYear", "生年月日 2999年1月1日\n", {}},
      {"BeforeMeiji", "生年月日 1800年1月1日\n", {}},
      {"LetterBeforeInitial", "生年月日 XS60.4.1\n", {}},
  };
}
DETECTOR_SUITE(BirthDateDetectorTest, Kind::kBirthDate, BirthDateCases);

TEST(BirthDateDetectorTest, MaskedKeepsOnlyTheYear) {
  const auto found = FindingsOf(Kind::kBirthDate, "生年月日 1985年11月20日\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].masked, "1985-**-**");
}

TEST(BirthDateDetectorTest, EraDateOffsetPointsAtTheEraName) {
  const std::string text = "生年月日 ㍼60年4月1日\n";
  const auto found = FindingsOf(Kind::kBirthDate, text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].location.offset, text.find("㍼"));
}

// ---------------------------------------------------------------------------------------
// classification_label

std::vector<Case> ClassificationLabelCases() {
  return {
      {"Gokuhi", "極秘\n", {"極秘"}},
      {"GokuhiInBrackets", "【極秘】会議資料\n", {"極秘"}},
      {"Genpi", "厳秘\n", {"厳秘"}},
      {"HiInBrackets", "【秘】\n", {"秘"}},
      {"HiInParentheses", "(秘) 会議資料\n", {"秘"}},
      {"HiAloneOnALine", "秘\n本文です。\n", {"秘"}},
      {"HiInCell", "区分\t秘\t備考\n", {"秘"}},
      {"Bugaihi", "部外秘\n", {"部外秘"}},
      {"BugaihiInBrackets", "【部外秘】資料\n", {"部外秘"}},
      {"Chogaihi", "庁外秘\n", {"庁外秘"}},
      {"Shagaihi", "社外秘\n", {"社外秘"}},
      {"Toriatsukaichui", "取扱注意\n", {"取扱注意"}},
      {"ToriatsukaichuiOkurigana", "取扱い注意\n", {"取扱い注意"}},
      {"Kankeishakagiri", "関係者限り\n", {"関係者限り"}},
      {"FullWidthBrackets", "［秘］\n", {"秘"}},
      // Negatives.
      {"Hishoka", "秘書課\n", {}},
      {"HishoKohoka", "秘書広報課より\n", {}},
      {"Gokuhiri", "極秘裏に進める\n", {}},
      {"GokuhiNiAdverb", "この件は極秘に進める。\n", {}},
      {"LabelBeforeCopula", "本資料は部外秘です。\n", {"部外秘"}},
      {"Himitsu", "秘密\n", {}},
      {"Benpi", "便秘\n", {}},
      {"ToriatsukaichuiJiko", "取扱注意事項\n", {}},
      {"HiInsideWord", "神秘的な\n", {}},
  };
}
DETECTOR_SUITE(ClassificationLabelDetectorTest, Kind::kClassificationLabel,
               ClassificationLabelCases);

// ---------------------------------------------------------------------------------------
// Masking: what may be shown never shows the whole value.

struct MaskCase {
  const char* name;
  Kind kind;
  std::string normalized;
};

class MaskTest : public ::testing::TestWithParam<MaskCase> {};

TEST_P(MaskTest, NeverShowsTheWholeValue) {
  if (GetParam().kind == Kind::kCorporateNumber) {
  }
  const std::string masked = MaskValue(GetParam().kind, GetParam().normalized);
  EXPECT_NE(masked, GetParam().normalized);
  EXPECT_EQ(masked.find(GetParam().normalized), std::string::npos) << masked;
  std::string digits_only;
  for (char c : masked) {
    if (c >= '0' && c <= '9') digits_only.push_back(c);
  }
  EXPECT_NE(digits_only, GetParam().normalized) << masked;
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, MaskTest,
    ::testing::Values(MaskCase{"MyNumber", Kind::kMyNumber, "123456789018"},
                      MaskCase{"CorporateNumber", Kind::kCorporateNumber, "7123456789012"},
                      MaskCase{"DriversLicense", Kind::kDriversLicense, "305012345670"},
                      MaskCase{"Passport", Kind::kPassport, "XP7654321"},
                      MaskCase{"ResidenceCard", Kind::kResidenceCard, "AB12345678CD"},
                      MaskCase{"PensionNumber", Kind::kPensionNumber, "1234567890"},
                      MaskCase{"HealthInsurance", Kind::kHealthInsurance, "1234567"},
                      MaskCase{"BankAccount", Kind::kBankAccount, "1234567"},
                      MaskCase{"BankAccountSixDigits", Kind::kBankAccount, "123456"},
                      MaskCase{"CreditCard", Kind::kCreditCard, "4980123456789010"},
                      MaskCase{"Phone", Kind::kPhone, "09012345678"},
                      MaskCase{"FixedPhone", Kind::kPhone, "0312345678"},
                      MaskCase{"Email", Kind::kEmail, "mihon.taro@example.jp"},
                      MaskCase{"ShortEmail", Kind::kEmail, "ab@example.jp"},
                      MaskCase{"PostalCode", Kind::kPostalCode, "1234567"},
                      MaskCase{"BirthDate", Kind::kBirthDate, "1985-11-20"}),
    [](const ::testing::TestParamInfo<MaskCase>& info) { return std::string(info.param.name); });

TEST(MaskTest, CreditCardKeepsFirstFourAndLastDigit) {
  EXPECT_EQ(MaskValue(Kind::kCreditCard, "4980123456789010"), "4980 **** **** ***0");
}

TEST(MaskTest, EmailKeepsFirstLetterAndDomain) {
  EXPECT_EQ(MaskValue(Kind::kEmail, "mihon.taro@example.jp"), "m***@example.jp");
}

TEST(MaskTest, PassportKeepsOnlyTheLetters) {
  EXPECT_EQ(MaskValue(Kind::kPassport, "XP7654321"), "XP*******");
}

TEST(MaskTest, ClassificationLabelIsShownAsIs) {
  EXPECT_EQ(MaskValue(Kind::kClassificationLabel, "部外秘"), "部外秘");
}

// ---------------------------------------------------------------------------------------
// Known false positives: none of these texts holds any numeric identifier.

class NoNumericFindingTest : public ::testing::TestWithParam<Case> {};

TEST_P(NoNumericFindingTest, ReportsNoIdentifierPhonePostalOrBirthDate) {
  for (Kind k :
       {Kind::kMyNumber, Kind::kCorporateNumber, Kind::kDriversLicense, Kind::kPassport,
        Kind::kResidenceCard, Kind::kPensionNumber, Kind::kHealthInsurance, Kind::kBankAccount,
        Kind::kCreditCard, Kind::kPhone, Kind::kPostalCode, Kind::kBirthDate}) {
    EXPECT_TRUE(FindingsOf(k, GetParam().text).empty())
        << KindName(k) << " in: " << GetParam().text;
  }
}

std::vector<Case> NoNumericFindingCases() {
  return {
      {"AmountWithCommas", "合計金額 1,234,567,890円\n", {}},
      {"AmountYen", "¥" + kMn + "\n", {}},
      {"IsoDate", "2024-04-01\n", {}},
      {"SlashDate", "2024/04/01 10:30\n", {}},
      {"EraDate", "令和6年4月1日\n", {}},
      {"CompactDateTime", "20240401103000\n", {}},
      {"InvoiceNumberTwelveDigitsAfterT", "T" + kMn + "\n", {}},
      {"OrderNumber", "注文番号：" + kMn + "\n", {}},
      {"ReceiptNumber", "受付番号 " + kMn + "\n", {}},
      {"JanCodeColumn",
       "JANコード\t商品名\t価格\n" + MakeCorporateNumber("490123456789") + "\t見本品\t100\n",
       {}},
      {"LongDigitRun", "記録 " + kMn + kMn2 + "\n", {}},
      {"VersionNumber", "version 1.2.3 build 20240401\n", {}},
  };
}
INSTANTIATE_TEST_SUITE_P(Cases, NoNumericFindingTest, ::testing::ValuesIn(NoNumericFindingCases()),
                         CaseName);

}  // namespace
}  // namespace doccheck
