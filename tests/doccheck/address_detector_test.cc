#include "detect/address_detector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "detect/municipalities.h"
#include "detector_corpus_util.h"
#include "text/normalize.h"

namespace doccheck {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

std::vector<std::string> Addresses(std::string_view raw, std::string_view header = "") {
  std::string text = NormalizeForDetection(raw);
  std::vector<Candidate> out;
  AddressDetector().Detect(ScanText{text, header}, out);
  std::vector<std::string> values;
  for (const Candidate& c : out) {
    EXPECT_EQ(c.kind, Kind::kAddress);
    EXPECT_LE(c.begin, c.end);
    EXPECT_LE(c.end, text.size());
    values.push_back(c.normalized);
  }
  return values;
}

struct Case {
  const char* text;
  std::vector<std::string> want;
};

class AddressPositiveTest : public ::testing::TestWithParam<Case> {};

TEST_P(AddressPositiveTest, FindsExactlyTheAddress) {
  EXPECT_THAT(Addresses(GetParam().text), ElementsAreArray(GetParam().want)) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Notations, AddressPositiveTest,
    ::testing::Values(
        Case{"住所：北海道札幌市中央区北一条西2丁目1番", {"北海道札幌市中央区北一条西2丁目1番"}},
        Case{"住所　大阪府堺市北区百舌鳥梅町３丁４５－６", {"大阪府堺市北区百舌鳥梅町3丁45-6"}},
        Case{"所在地 福岡県北九州市小倉北区大手町1-1", {"福岡県北九州市小倉北区大手町1-1"}},
        Case{"長野県上伊那郡南箕輪村3456番地", {"長野県上伊那郡南箕輪村3456番地"}},
        Case{"長野県南箕輪村３４５６番地の２", {"長野県南箕輪村3456番地の2"}},
        Case{"東京都新宿区西新宿二丁目8番1号", {"東京都新宿区西新宿二丁目8番1号"}},
        Case{"東京都東村山市本町１－２－３", {"東京都東村山市本町1-2-3"}},
        Case{"〒330-0063 埼玉県さいたま市浦和区高砂3丁目15番1号",
             {"埼玉県さいたま市浦和区高砂3丁目15番1号"}},
        Case{"前橋市大手町一丁目", {"前橋市大手町一丁目"}},
        Case{"福島県郡山市朝日１丁目２３番７号　メゾン朝日２０１",
             {"福島県郡山市朝日1丁目23番7号メゾン朝日201"}},
        Case{"栃木県宇都宮市旭1-1-5 サンプル荘 12", {"栃木県宇都宮市旭1-1-5サンプル荘12"}},
        Case{"群馬県前橋市大手町 1 丁目 1 番 1 号", {"群馬県前橋市大手町1丁目1番1号"}},
        Case{"宇都宮市旭2丁目9番8号", {"宇都宮市旭2丁目9番8号"}},
        Case{"送付先：埼玉県秩父郡皆野町大字皆野１２３４", {"埼玉県秩父郡皆野町大字皆野1234"}},
        Case{"静岡県浜松市中区元城町103-2 第2ビル305号室",
             {"静岡県浜松市中区元城町103-2第2ビル305号室"}},
        Case{"京都府京都市左京区吉田本町36-1", {"京都府京都市左京区吉田本町36-1"}},
        Case{"埼玉県秩父市\n熊木町8番15号", {"埼玉県秩父市熊木町8番15号"}},
        Case{"埼玉県秩父市熊木町\n8番15号", {"埼玉県秩父市熊木町8番15号"}},
        Case{"住所\t北海道札幌市中央区北1条西2丁目1番地", {"北海道札幌市中央区北1条西2丁目1番地"}},
        Case{"住　所 埼玉県行田市本丸2番5号", {"埼玉県行田市本丸2番5号"}},
        Case{"A: 茨城県水戸市笠原町978-6、B: 千葉県千葉市中央区市場町1-1",
             {"茨城県水戸市笠原町978-6", "千葉県千葉市中央区市場町1-1"}}));

class AddressNegativeTest : public ::testing::TestWithParam<const char*> {};

TEST_P(AddressNegativeTest, FindsNothing) { EXPECT_THAT(Addresses(GetParam()), IsEmpty()); }

INSTANTIATE_TEST_SUITE_P(ProseAndOffices, AddressNegativeTest,
                         ::testing::Values("本庄市役所 総務部 総務課", "本庄市役所", "埼玉県本庄市",
                                           "秩父市長 2名が出席した", "前橋市内3か所で実施",
                                           "高崎市 2026年4月1日", "深谷市の人口は14万人",
                                           "令和8年度 熊谷市予算 1200万円",
                                           "新宿区役所 03-3209-1111", "東村山市民 12名",
                                           "市町村 1-2-3", "大本庄市1-2-3", "熊谷市条例第3条",
                                           "行田市議会 3月定例会"));

TEST(AddressDetectorTest, LabelLetsABareBlockNumberCount) {
  EXPECT_THAT(Addresses("住所：埼玉県熊谷市宮町4321"), ElementsAreArray({"埼玉県熊谷市宮町4321"}));
  EXPECT_THAT(Addresses("埼玉県熊谷市宮町4321"), IsEmpty());
  EXPECT_THAT(Addresses("熊谷市宮町4321", "住所"), ElementsAreArray({"熊谷市宮町4321"}));
}

TEST(AddressDetectorTest, LabelRaisesConfidence) {
  std::string plain = NormalizeForDetection("群馬県桐生市織姫町1番1号");
  std::string labelled = NormalizeForDetection("住所：群馬県桐生市織姫町1番1号");
  std::vector<Candidate> a, b;
  AddressDetector().Detect(ScanText{plain, ""}, a);
  AddressDetector().Detect(ScanText{labelled, ""}, b);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_LT(a[0].confidence, b[0].confidence);
}

TEST(AddressDetectorTest, OffsetsCoverTheAddressOnly) {
  std::string text = NormalizeForDetection("住所：東京都港区芝公園4-2-8\t電話");
  std::vector<Candidate> out;
  AddressDetector().Detect(ScanText{text, ""}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(text.substr(out[0].begin, out[0].end - out[0].begin), "東京都港区芝公園4-2-8");
}

TEST(MunicipalitiesTest, TablesAreComplete) {
  EXPECT_EQ(Prefectures().size(), 47u);
  for (const char* name :
       {"本庄市", "千代田区", "八王子市", "児玉郡神川町", "神川町", "さいたま市見沼区",
        "さいたま市", "桧原村", "檜原村", "南相馬市", "那須塩原市", "小笠原村",
        "上浮穴郡久万高原町", "府中市", "鶴ヶ島市", "鶴ケ島市"}) {
    EXPECT_TRUE(IsMunicipality(name)) << name;
  }
  for (const char* name : {"本庄", "市", "浦和市", "埼玉県"}) {
    EXPECT_FALSE(IsMunicipality(name)) << name;
  }
  EXPECT_GT(Municipalities().size(), 1900u);
}

// The hashed lookup says what a binary search of the sorted tables says: for every name,
// every piece of it cut at character boundaries, and every name with a character more.
TEST(MunicipalitiesTest, LookupAgreesWithTheSortedTables) {
  for (const auto& [table, is] :
       {std::pair{Municipalities(), &IsMunicipality}, std::pair{Prefectures(), &IsPrefecture}}) {
    const auto listed = [&](std::string_view s) {
      return std::binary_search(table.begin(), table.end(), s);
    };
    std::size_t asked = 0;
    for (const std::string_view name : table) {
      ASSERT_TRUE(is(name)) << name;
      for (std::size_t b = 0; b <= name.size(); ++b) {
        if (b < name.size() && (static_cast<unsigned char>(name[b]) & 0xC0) == 0x80) continue;
        for (std::size_t e = b; e <= name.size(); ++e) {
          if (e < name.size() && (static_cast<unsigned char>(name[e]) & 0xC0) == 0x80) continue;
          const std::string_view piece = name.substr(b, e - b);
          ASSERT_EQ(is(piece), listed(piece)) << piece;
          ++asked;
        }
      }
      for (const char* more : {"市", "区", "町", "村", "x", "ヶ"}) {
        const std::string longer = std::string(name) + more;
        ASSERT_EQ(is(longer), listed(longer)) << longer;
        const std::string before = more + std::string(name);
        ASSERT_EQ(is(before), listed(before)) << before;
      }
    }
    EXPECT_GT(asked, table.size() * 5);
  }
}

// Every expected address of a corpus text file is found, and nothing else.
class AddressCorpusTest : public ::testing::TestWithParam<const char*> {};

TEST_P(AddressCorpusTest, MatchesManifest) {
  testing::ExpectMatchesManifest(AddressDetector(), GetParam(), "address");
}

INSTANTIATE_TEST_SUITE_P(TextFiles, AddressCorpusTest,
                         ::testing::Values("01_application_utf8.txt", "02_licence_check_cp932.txt",
                                           "03_pension_consult_eucjp.txt",
                                           "04_memo_label_iso2022jp.txt",
                                           "05_staff_list_utf16le.txt", "06_residents_cp932.csv",
                                           "21_order_list_negatives.txt",
                                           "22_invoice_corporate.txt"));

}  // namespace
}  // namespace doccheck
