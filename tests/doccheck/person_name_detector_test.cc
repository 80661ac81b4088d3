#include "detect/person_name_detector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detect/name_morphology.h"
#include "detect/surnames.h"
#include "detector_corpus_util.h"
#include "text/normalize.h"

namespace doccheck {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

constexpr double kNeutral = 0.5;  // below this a finding is a reading (may item)

// Names found with a confidence that counts; readings are left out.
std::vector<std::string> Names(std::string_view raw, std::string_view header = "",
                               bool with_readings = false) {
  std::string text = NormalizeForDetection(raw);
  std::vector<Candidate> out;
  PersonNameDetector().Detect(ScanText{text, header}, out);
  std::vector<std::string> values;
  for (const Candidate& c : out) {
    EXPECT_EQ(c.kind, Kind::kPersonName);
    EXPECT_LE(c.end, text.size());
    if (with_readings || c.confidence >= kNeutral) values.push_back(c.normalized);
  }
  return values;
}

struct Case {
  const char* text;
  std::vector<std::string> want;
};

class PersonNamePositiveTest : public ::testing::TestWithParam<Case> {};

TEST_P(PersonNamePositiveTest, FindsExactlyTheNames) {
  EXPECT_THAT(Names(GetParam().text), ElementsAreArray(GetParam().want)) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Labels, PersonNamePositiveTest,
    ::testing::Values(
        Case{"氏名：大川　誠司", {"大川誠司"}}, Case{"氏名:大川誠司", {"大川誠司"}},
        Case{"お名前 桐島 りょう", {"桐島りょう"}}, Case{"申請者氏名\t宇佐美 健", {"宇佐美健"}},
        Case{"相談者：芦田 久美子 様", {"芦田久美子"}},
        Case{"世帯主　野々宮圭吾殿", {"野々宮圭吾"}}, Case{"届出人 東雲 一", {"東雲一"}},
        Case{"被保険者氏名：五百旗頭 真", {"五百旗頭真"}},
        Case{"氏名\n日向 夏海\n生年月日", {"日向夏海"}},
        Case{"氏名　　　　ガルシア　マリア", {"ガルシアマリア"}},
        Case{"氏名：ｽﾐｽ ｼﾞｮﾝ", {"スミスジョン"}}, Case{"【氏名】堀北 真希子", {"堀北真希子"}},
        Case{"担当：吉岡 正人（市民課）", {"吉岡正人"}}, Case{"口座名義 八神 浩二", {"八神浩二"}},
        Case{"氏　名　真壁　一誠", {"真壁一誠"}}, Case{"氏名：ジョン・スミス", {"ジョン・スミス"}},
        Case{"氏名 SMITH JOHN", {"SMITHJOHN"}},
        Case{"申請者：Maria Garcia Lopez", {"MariaGarciaLopez"}}));

class PersonNameNegativeTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PersonNameNegativeTest, FindsNothing) {
  EXPECT_THAT(Names(GetParam(), "", true), IsEmpty()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(LabelsDepartmentsProse, PersonNameNegativeTest,
                         ::testing::Values("確認者 市民課窓口", "対応者　年金係", "担当 総務課",
                                           "担当：市民課", "氏名", "氏名欄に記入してください",
                                           "氏名変更届", "申請者は窓口へ", "申請者本人が来庁した",
                                           "氏名\t生年月日\t住所", "氏名：", "氏名：不明",
                                           "氏名 フリガナ 生年月日", "世帯主との続柄：長男",
                                           "作成：情報政策課", "配布先：秘書広報課、総務課",
                                           "口座名義（カナ）", "申請者の氏名及び住所を記載する",
                                           "相談者 男性", "担当者 不在", "申請者 各位",
                                           "世帯主 変更届", "相談者 計 25名",
                                           "氏名・住所・電話番号を記入すること。", "氏名（自署）"));

TEST(PersonNameDetectorTest, ColumnHeaderMakesTheCellAName) {
  EXPECT_THAT(Names("梶 美智子", "氏名"), ElementsAreArray({"梶美智子"}));
  EXPECT_THAT(Names("梶美智子", "職員名"), ElementsAreArray({"梶美智子"}));
  EXPECT_THAT(Names("総務課", "氏名"), IsEmpty());
  EXPECT_THAT(Names("梶 美智子", "備考"), IsEmpty());
}

TEST(PersonNameDetectorTest, CellMayCarryItsReadingInBrackets) {
  EXPECT_THAT(Names("梶 美智子（カジ ミチコ）", "氏名"), ElementsAreArray({"梶美智子"}));
  EXPECT_THAT(Names("梶 美智子", "申請者名"), ElementsAreArray({"梶美智子"}));
}

TEST(PersonNameDetectorTest, KatakanaNameOnItsOwnLineInALabelledBlock) {
  // PDF text without layout: labels first, values much later.
  EXPECT_THAT(Names("氏名\n国籍\n在留カード番号\n\nガルシア マリア\nブラジル\n"),
              ElementsAreArray({"ガルシアマリア"}));
  EXPECT_THAT(Names("サンプル ビル\n"), IsEmpty());
  EXPECT_THAT(Names("氏名\nフリガナ\nガルシア マリア\n"), IsEmpty());  // a reading
}

TEST(PersonNameDetectorTest, ReadingsAreNeutral) {
  std::string text = NormalizeForDetection("カジ ミチコ");
  std::vector<Candidate> out;
  PersonNameDetector().Detect(ScanText{text, "フリガナ"}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].normalized, "カジミチコ");
  EXPECT_LT(out[0].confidence, kNeutral);
  EXPECT_THAT(Names("フリガナ：オオカワ セイジ"), IsEmpty());
  EXPECT_THAT(Names("フリガナ：オオカワ セイジ", "", true), ElementsAreArray({"オオカワセイジ"}));
}

TEST(PersonNameDetectorTest, TableHeaderLineNamesTheColumn) {
  EXPECT_THAT(Names("部署\t職員名\t内線\n財政課\t梶 美智子\t201\n会計課\t都築 拓海\t202\n"),
              ElementsAreArray({"梶美智子", "都築拓海"}));
  EXPECT_THAT(Names("No,氏名,電話\n1,梶 美智子,0495-00-0000\n2,総務課,0495-00-0001"),
              ElementsAreArray({"梶美智子"}));
  EXPECT_THAT(Names("氏名              生年月日\n梶 美智子          1980/01/01\n都築拓海          "
                    "1990/02/02"),
              ElementsAreArray({"梶美智子", "都築拓海"}));
}

// A header word (名, 者, 主, 人, カナ, かな, よみ, ...) is looked for 16 positions at a
// time: the heading names its column wherever it stands in the line, and a line with none
// (or only part of one) is no heading.
TEST(PersonNameDetectorTest, TableHeaderWordIsFoundAtEveryPositionOfTheLine) {
  for (std::string_view heading : {"職員名", "申請者", "世帯主", "担当者", "氏名"}) {
    for (std::size_t pad = 0; pad <= 20; ++pad) {
      std::string lead;
      for (std::size_t k = 0; k < pad; ++k) lead += k % 3 == 0 ? "番" : "x";
      const std::string text = lead + "\t" + std::string(heading) + "\t内線\n" + lead +
                               "\t梶 美智子\t201\n" + lead + "\t都築 拓海\t202\n";
      EXPECT_THAT(Names(text), ElementsAreArray({"梶美智子", "都築拓海"}))
          << heading << " after " << lead;
    }
  }
  EXPECT_THAT(Names("部署\t職員\t内線\n財政課\t梶 美智子\t201\n会計課\t都築 拓海\t202\n"),
              IsEmpty());
}

// Outside a table the detector goes from one line holding a heading word to the next:
// lines split into cells without one (indented text, as in man pages) and lines with one
// but no cells are passed over, and a table after them is still read; so is a second
// table after the first has ended.
TEST(PersonNameDetectorTest, TablesAfterIndentedTextAndHeadingWordsWithoutCells) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "       設定  ファイル  の  説明  です\n";
  text += "ファイル名を指定する。\n";
  text += "番号  職員名  内線\n1  梶 美智子  201\n2  都築 拓海  202\n";
  text += "以上\n       説明  の  続き\n";
  text += "部署,申請者,電話\n総務課,水谷 沙織,0495-00-0000\n";
  EXPECT_THAT(Names(text), ElementsAreArray({"梶美智子", "都築拓海", "水谷沙織"}));
}

TEST(PersonNameDetectorTest, CommonSurnameWithGivenNameInAList) {
  EXPECT_THAT(Names("現所属 氏名 異動先\n財政課長 佐藤 明 会計課長\n財政係長 林 さくら 税務課長"),
              ElementsAreArray({"佐藤明", "林さくら"}));
  EXPECT_THAT(Names("佐藤 課長に報告する"), IsEmpty());
  EXPECT_THAT(Names("田中 部長"), IsEmpty());
  // A surname before an honorific is a name (read by MeCab), not a listed full name.
  if (NameMorphology::Available()) {
    EXPECT_THAT(Names("大野 さん"), ElementsAreArray({"大野"}));
  } else {
    EXPECT_THAT(Names("大野 さん"), IsEmpty());
  }
  for (const char* words : {"森 林", "東 京", "谷 中", "西 日本", "南 口"}) {
    EXPECT_THAT(Names(words), IsEmpty()) << words;
  }
  EXPECT_THAT(Names("森 健太郎"), ElementsAreArray({"森健太郎"}));
}

// A listed name starts after a space, a line break, ASCII punctuation or one of five
// Japanese marks (compared byte by byte), and not after other characters whose last
// byte is a continuation byte. The text is not normalised, so "：" and "（" stay.
TEST(PersonNameDetectorTest, ListedNameAfterEachBoundaryCharacter) {
  for (const char* before : {"：", "、", "（", "「", "【", " ", "\n", ",", ":", "("}) {
    const std::string text = std::string("記録") + before + "佐藤 明\n";
    std::vector<Candidate> out;
    PersonNameDetector().Detect(ScanText{text, ""}, out);
    ASSERT_EQ(out.size(), 1u) << before;
    EXPECT_EQ(out[0].normalized, "佐藤明") << before;
  }
  for (const char* before : {"」", "】", "。", "ア", "〇", "：」", "＊"}) {
    const std::string text = std::string("記録") + before + "佐藤 明\n";
    std::vector<Candidate> out;
    PersonNameDetector().Detect(ScanText{text, ""}, out);
    EXPECT_THAT(out, IsEmpty()) << before;
  }
}

TEST(PersonNameDetectorTest, OffsetsCoverTheNameWithoutHonorific) {
  std::string text = NormalizeForDetection("相談者：芦田 久美子 様");
  std::vector<Candidate> out;
  PersonNameDetector().Detect(ScanText{text, ""}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(text.substr(out[0].begin, out[0].end - out[0].begin), "芦田 久美子");
}

TEST(SurnamesTest, CommonSurnames) {
  EXPECT_TRUE(IsCommonSurname("佐藤"));
  EXPECT_TRUE(IsCommonSurname("佐々木"));
  EXPECT_TRUE(IsCommonSurname("林"));
  EXPECT_FALSE(IsCommonSurname("総務"));
  EXPECT_EQ(CommonSurnameAt("長谷川 一", 0), std::string_view("長谷川").size());
}

// Every expected name of a corpus text file is found, and nothing that is not expected or
// neutral (a reading).
class PersonNameCorpusTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PersonNameCorpusTest, MatchesManifest) {
  testing::ExpectMatchesManifest(PersonNameDetector(), GetParam(), "person_name");
}

INSTANTIATE_TEST_SUITE_P(TextFiles, PersonNameCorpusTest,
                         ::testing::Values("01_application_utf8.txt", "02_licence_check_cp932.txt",
                                           "03_pension_consult_eucjp.txt",
                                           "04_memo_label_iso2022jp.txt",
                                           "05_staff_list_utf16le.txt", "06_residents_cp932.csv",
                                           "21_order_list_negatives.txt",
                                           "22_invoice_corporate.txt"));

}  // namespace
}  // namespace doccheck
