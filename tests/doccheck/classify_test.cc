// Tests of the Article 10 classification (classify.h) on findings built by hand, and of
// the classes the public Checker gives whole documents (CONTRACTS.md §1).
#include "classify.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "doccheck/checker.h"
#include "synthetic_ids.h"

namespace doccheck {
namespace {

Finding Make(Kind kind, std::string normalized = "x") {
  Finding f;
  f.kind = kind;
  f.normalized = std::move(normalized);
  return f;
}

struct ClassCase {
  const char* name;
  std::vector<Finding> findings;
  int expected;
};

class ClassifyFindingsTest : public ::testing::TestWithParam<ClassCase> {};

TEST_P(ClassifyFindingsTest, DefaultRules) {
  EXPECT_EQ(ClassifyFindings(GetParam().findings, ClassRules{}), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClassifyFindingsTest,
    ::testing::Values(
        ClassCase{"NothingIsClass4", {}, 4}, ClassCase{"MyNumber", {Make(Kind::kMyNumber)}, 1},
        ClassCase{"DriversLicense", {Make(Kind::kDriversLicense)}, 1},
        ClassCase{"Passport", {Make(Kind::kPassport)}, 1},
        ClassCase{"ResidenceCard", {Make(Kind::kResidenceCard)}, 1},
        ClassCase{"PensionNumber", {Make(Kind::kPensionNumber)}, 1},
        ClassCase{"HealthInsurance", {Make(Kind::kHealthInsurance)}, 1},
        ClassCase{"BankAccount", {Make(Kind::kBankAccount)}, 1},
        ClassCase{"CreditCard", {Make(Kind::kCreditCard)}, 1},
        ClassCase{"BirthDate", {Make(Kind::kBirthDate)}, 1},
        ClassCase{"CorporateNumberAloneIsNotPersonal", {Make(Kind::kCorporateNumber)}, 4},
        ClassCase{"PhoneAlone", {Make(Kind::kPhone)}, 4},
        ClassCase{"EmailAlone", {Make(Kind::kEmail)}, 4},
        ClassCase{"PostalCodeAlone", {Make(Kind::kPostalCode)}, 4},
        ClassCase{"AddressAlone", {Make(Kind::kAddress)}, 4},
        ClassCase{
            "OfficeContactLine",
            {Make(Kind::kPostalCode), Make(Kind::kAddress), Make(Kind::kPhone), Make(Kind::kEmail)},
            4},
        ClassCase{"NameAlone", {Make(Kind::kPersonName)}, 4},
        ClassCase{"NameWithPhone", {Make(Kind::kPersonName), Make(Kind::kPhone)}, 1},
        ClassCase{"NameWithEmail", {Make(Kind::kPersonName), Make(Kind::kEmail)}, 1},
        ClassCase{"NameWithAddress", {Make(Kind::kPersonName), Make(Kind::kAddress)}, 1},
        ClassCase{"NameWithPostalCodeOnly", {Make(Kind::kPersonName), Make(Kind::kPostalCode)}, 4},
        ClassCase{"Gokuhi", {Make(Kind::kClassificationLabel, "極秘")}, 1},
        ClassCase{"Genpi", {Make(Kind::kClassificationLabel, "厳秘")}, 1},
        ClassCase{"Hi", {Make(Kind::kClassificationLabel, "秘")}, 2},
        ClassCase{"Bugaihi", {Make(Kind::kClassificationLabel, "部外秘")}, 2},
        ClassCase{"Chogaihi", {Make(Kind::kClassificationLabel, "庁外秘")}, 2},
        ClassCase{"Toriatsukaichui", {Make(Kind::kClassificationLabel, "取扱注意")}, 2},
        ClassCase{"Kankeishakagiri", {Make(Kind::kClassificationLabel, "関係者限り")}, 2},
        ClassCase{"LabelClass2ThenIdentifierIsClass1",
                  {Make(Kind::kClassificationLabel, "部外秘"), Make(Kind::kMyNumber)},
                  1},
        ClassCase{"IdentifierThenLabelClass2StaysClass1",
                  {Make(Kind::kMyNumber), Make(Kind::kClassificationLabel, "部外秘")},
                  1},
        ClassCase{
            "Class2ThenGokuhiIsClass1",
            {Make(Kind::kClassificationLabel, "秘"), Make(Kind::kClassificationLabel, "極秘")},
            1}),
    [](const ::testing::TestParamInfo<ClassCase>& info) { return std::string(info.param.name); });

TEST(ClassRulesTest, IdentifierRuleOffLeavesIdentifiersClass4) {
  ClassRules rules;
  rules.identifier_numbers_class1 = false;
  EXPECT_EQ(ClassifyFindings({Make(Kind::kMyNumber)}, rules), 4);
}

TEST(ClassRulesTest, BirthDateRuleOffLeavesBirthDatesClass4) {
  ClassRules rules;
  rules.birth_date_class1 = false;
  EXPECT_EQ(ClassifyFindings({Make(Kind::kBirthDate)}, rules), 4);
}

TEST(ClassRulesTest, PeopleListRuleOffLeavesNamesWithPhonesClass4) {
  ClassRules rules;
  rules.people_list_class1 = false;
  EXPECT_EQ(ClassifyFindings({Make(Kind::kPersonName), Make(Kind::kPhone)}, rules), 4);
}

TEST(ClassRulesTest, MinPeopleForListCountsNames) {
  ClassRules rules;
  rules.min_people_for_list = 3;
  const std::vector<Finding> two = {Make(Kind::kPersonName), Make(Kind::kPersonName),
                                    Make(Kind::kEmail)};
  EXPECT_EQ(ClassifyFindings(two, rules), 4);
  std::vector<Finding> three = two;
  three.push_back(Make(Kind::kPersonName));
  EXPECT_EQ(ClassifyFindings(three, rules), 1);
}

TEST(ClassRulesTest, LabelsClassifyEvenWithEveryOtherRuleOff) {
  ClassRules rules;
  rules.identifier_numbers_class1 = false;
  rules.birth_date_class1 = false;
  rules.people_list_class1 = false;
  EXPECT_EQ(ClassifyFindings({Make(Kind::kClassificationLabel, "極秘")}, rules), 1);
  EXPECT_EQ(ClassifyFindings({Make(Kind::kClassificationLabel, "部外秘")}, rules), 2);
}

// Whole documents through the public API.

struct DocCase {
  const char* name;
  std::string text;
  int expected;
};

class DocumentClassTest : public ::testing::TestWithParam<DocCase> {};

TEST_P(DocumentClassTest, ClassOfPlainText) {
  const FileReport r = Checker().CheckBytes("x.txt", GetParam().text);
  EXPECT_EQ(r.klass, GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DocumentClassTest,
    ::testing::Values(DocCase{"Plain", "本日の会議は午後三時からです。\n", 4},
                      DocCase{"MyNumber", "個人番号 " + testing::MakeMyNumber("20481357924") + "\n",
                              1},
                      DocCase{"BirthDate", "生年月日 昭和60年4月1日\n", 1},
                      DocCase{"GokuhiLabel", "【極秘】\n本日の会議資料です。\n", 1},
                      DocCase{"BugaihiLabel", "【部外秘】\n本日の会議資料です。\n", 2},
                      DocCase{"ToriatsukaichuiLabel", "取扱注意\n本日の会議資料です。\n", 2},
                      DocCase{"KankeishakagiriLabel", "関係者限り\n本日の会議資料です。\n", 2},
                      DocCase{"HishokaIsNoLabel", "秘書課からのお知らせです。\n", 4},
                      DocCase{"GokuhiriIsNoLabel", "極秘裏に準備を進めています。\n", 4},
                      DocCase{"CorporateNumberOnly", "法人番号 7123456789012\n", 4},
                      DocCase{"OfficeContactLine",
                              "見本市役所 総務課 〒123-4567 埼玉県見本市本町1-2-3 TEL 048-555-0123 "
                              "soumu@city.mihon.example.lg.jp\n",
                              4}),
    [](const ::testing::TestParamInfo<DocCase>& info) { return std::string(info.param.name); });

TEST(DocumentClassTest, ContainerTakesTheHighestClassOfItsChildren) {
  const std::string mail =
      "From: a@example.jp\r\n"
      "To: b@example.jp\r\n"
      "Subject: test\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"BOUNDARY\"\r\n"
      "\r\n"
      "--BOUNDARY\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "\r\n"
      "資料を送ります。\r\n"
      "--BOUNDARY\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Disposition: attachment; filename=\"a.txt\"\r\n"
      "\r\n"
      "個人番号 " +
      testing::MakeMyNumber("20481357924") +
      "\r\n"
      "--BOUNDARY--\r\n";
  const FileReport r = Checker().CheckBytes("m.eml", mail);
  ASSERT_EQ(r.format, "eml");
  ASSERT_FALSE(r.children.empty());
  EXPECT_EQ(r.klass, 1);
}

}  // namespace
}  // namespace doccheck
