// Person names read with MeCab + IPAdic: names in prose before an honorific (with or
// without a space), surnames not on the built-in list, given names, and values under a
// name label that the dictionary knows as ordinary words. Skipped where the dictionary
// is not installed (the detector then keeps its own rules; see CliTest.*WithoutMecab*).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "detect/name_morphology.h"
#include "detect/person_name_detector.h"
#include "detect/surnames.h"
#include "text/normalize.h"

namespace doccheck {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

std::vector<Candidate> Detect(std::string_view raw, std::string_view header = "") {
  const std::string text = NormalizeForDetection(raw);
  const std::string head = NormalizeForDetection(header);
  std::vector<Candidate> out;
  PersonNameDetector().Detect(ScanText{text, head}, out);
  return out;
}

std::vector<std::string> Names(std::string_view raw, std::string_view header = "") {
  std::vector<std::string> values;
  for (const Candidate& c : Detect(raw, header)) {
    if (c.confidence >= 0.5) values.push_back(c.normalized);
  }
  return values;
}

double ConfidenceOf(std::string_view raw, std::string_view header = "") {
  const auto found = Detect(raw, header);
  return found.size() == 1 ? found[0].confidence : -1;
}

class PersonNameMecabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NameMorphology::Available()) GTEST_SKIP() << "mecab-ipadic-utf8 is not installed";
  }
};

TEST_F(PersonNameMecabTest, NamesInProseWithoutASpace) {
  EXPECT_THAT(Names("本日、山田太郎様から電話がありました。"), ElementsAreArray({"山田太郎"}));
  EXPECT_THAT(Names("会議には佐藤花子さんが出席します。"), ElementsAreArray({"佐藤花子"}));
  EXPECT_THAT(Names("鈴木一郎氏の発言"), ElementsAreArray({"鈴木一郎"}));
  EXPECT_THAT(Names("高橋健二先生にご確認ください"), ElementsAreArray({"高橋健二"}));
}

TEST_F(PersonNameMecabTest, NamesInProseWithASpace) {
  EXPECT_THAT(Names("本日、山田 太郎 様から電話"), ElementsAreArray({"山田太郎"}));
  EXPECT_THAT(Names("会議には佐藤 花子さんが"), ElementsAreArray({"佐藤花子"}));
}

TEST_F(PersonNameMecabTest, SurnamesNotOnTheListBeforeAnHonorific) {
  for (const char* surname : {"豊田", "織田", "毛利", "緒方", "目黒"}) {
    const std::string text = std::string("先ほど") + surname + "様からご連絡がありました。";
    EXPECT_THAT(Names(text), ElementsAreArray({surname})) << text;
  }
  EXPECT_FALSE(IsCommonSurname("織田"));
}

TEST_F(PersonNameMecabTest, GivenNameBeforeAnHonorific) {
  EXPECT_THAT(Names("昨日は花子さんと話した。"), ElementsAreArray({"花子"}));
}

TEST_F(PersonNameMecabTest, FullNameScoresAboveSurnameAboveGivenName) {
  const double full = ConfidenceOf("先ほど山田太郎様から");
  const double surname = ConfidenceOf("先ほど緒方様から");
  const double given = ConfidenceOf("昨日は花子さんと");
  EXPECT_GT(full, surname);
  EXPECT_GT(surname, given);
}

TEST_F(PersonNameMecabTest, UnlistedSurnameAndGivenNameInAList) {
  EXPECT_THAT(Names("出席者\n豊田 一郎\n緒方 美咲\n"), ElementsAreArray({"豊田一郎", "緒方美咲"}));
}

TEST_F(PersonNameMecabTest, OrdinaryNounsUnderANameLabelAreNotNames) {
  for (const char* text : {"氏名：水門", "氏名：周辺", "名前：会議室", "氏名：市役所"}) {
    EXPECT_THAT(Names(text), IsEmpty()) << text;
  }
  EXPECT_THAT(Names("周辺", "氏名"), IsEmpty());
  EXPECT_THAT(Names("氏名,備考\n水門,なし\n山田 太郎,なし\n"), ElementsAreArray({"山田太郎"}));
}

TEST_F(PersonNameMecabTest, AnalysedNameScoresAboveALayoutGuess) {
  // Both are laid out as names under a label; only the first is read as one by MeCab.
  EXPECT_GT(ConfidenceOf("氏名：山田 太郎"), ConfidenceOf("届出人 東雲 一"));
  EXPECT_GE(ConfidenceOf("氏名：山田 太郎"), 0.9);
}

TEST_F(PersonNameMecabTest, UnlistedSurnameAfterAWeakLabel) {
  EXPECT_THAT(Names("担当：豊田"), ElementsAreArray({"豊田"}));
  EXPECT_THAT(Names("担当者 緒方"), ElementsAreArray({"緒方"}));
  EXPECT_THAT(Names("担当：総務課"), IsEmpty());
  EXPECT_THAT(Names("担当：窓口業務"), IsEmpty());
}

TEST_F(PersonNameMecabTest, OrganisationSuffixDoesNotCutAGivenName) {
  EXPECT_THAT(Names("氏名：生越 種市"), ElementsAreArray({"生越種市"}));
  EXPECT_THAT(Names("生越 種市", "氏名"), ElementsAreArray({"生越種市"}));
}

TEST_F(PersonNameMecabTest, WordsBeforeHonorificsThatAreNotNames) {
  for (const char* text : {"皆様へのお知らせ", "お客様各位", "担当者様", "市民の皆さん", "お父さん",
                           "仕様書の様式を確認", "名前 容量 シリンダー", "関係各位殿",
                           "株式会社山田商事様", "王様とお姫様", "会員様限定", "彼氏と彼女",
                           "校長先生", "田中工務店様", "ご苦労様でした", "大阪さんからの依頼"}) {
    EXPECT_THAT(Names(text), IsEmpty()) << text;
  }
}

// The honorifics' characters are found for all eight in one pass, 16 positions at a
// time: every honorific gives the same names wherever it stands, in the order the
// detector gave them one honorific after the other.
TEST_F(PersonNameMecabTest, HonorificsAreFoundAtEveryPosition) {
  std::string sample;
  for (const char* h : {"様", "さん", "氏", "殿", "君", "先生", "くん", "ちゃん"}) {
    sample += std::string("本日、山田太郎") + h + "から電話。会議には佐藤花子" + h + "が。\n";
  }
  const std::string text = NormalizeForDetection(sample);
  std::vector<Candidate> alone;
  PersonNameDetector().Detect(ScanText{text, ""}, alone);
  ASSERT_GE(alone.size(), 10u);
  for (std::size_t pad = 0; pad <= 20; ++pad) {
    const std::string prefix(pad, 'x');
    const std::string shifted_text = prefix + "\n" + text;
    std::vector<Candidate> shifted;
    PersonNameDetector().Detect(ScanText{shifted_text, ""}, shifted);
    ASSERT_EQ(shifted.size(), alone.size()) << pad;
    for (std::size_t i = 0; i < alone.size(); ++i) {
      EXPECT_EQ(shifted[i].normalized, alone[i].normalized) << pad << " " << i;
      EXPECT_EQ(shifted[i].begin, alone[i].begin + pad + 1) << pad << " " << i;
      EXPECT_EQ(shifted[i].confidence, alone[i].confidence) << pad << " " << i;
    }
  }
}

TEST_F(PersonNameMecabTest, SameResultsFromManyThreads) {
  const std::string text = NormalizeForDetection(
      "本日、山田太郎様から電話。会議には佐藤花子さんが。\n豊田 一郎\n氏名：生越 種市\n");
  std::vector<Candidate> want;
  PersonNameDetector().Detect(ScanText{text, ""}, want);
  ASSERT_EQ(want.size(), 4u);
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::vector<Candidate> got;
        PersonNameDetector().Detect(ScanText{text, ""}, got);
        if (got.size() != want.size()) return;
        for (std::size_t k = 0; k < got.size(); ++k) {
          if (got[k].normalized != want[k].normalized) return;
        }
      }
      ok[static_cast<std::size_t>(t)] = 1;
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_THAT(ok, ::testing::Each(1));
}

}  // namespace
}  // namespace doccheck
