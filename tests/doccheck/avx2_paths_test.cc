// The 32-byte (AVX2) scanners give what the 16-byte ones give: the normaliser's fold
// filter, the birth-date label marks, the person-name detector's label anchors, heading
// words, honorifics and spaces after Japanese, the address detector's 市区町村 search and
// the required-word filter. Random texts made of pieces holding all of these are scanned
// with the 32-byte paths switched on and off, shifted through every position of a
// 32-byte step. Skipped where the processor has no AVX2.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "detect/address_detector.h"
#include "detect/detector.h"
#include "detect/detectors.h"
#include "detect/labels.h"
#include "detect/number_tokens.h"
#include "detect/person_name_detector.h"
#include "detect/required_words.h"
#include "text/cpu.h"
#include "text/normalize.h"

namespace doccheck {
namespace {

// Pieces of text (synthetic names and numbers only) holding what each scanner looks for.
// clang-format off
constexpr const char* kPieces[] = {
    "山田太郎様", "佐藤花子さん", "田中一郎氏", "鈴木殿", "高橋君", "伊藤先生", "渡辺くん",
    "中村ちゃん", "氏名：", "お名前：", "担当者：", "フリガナ：", "ふりがな", "よみがな",
    "名前", "申請者", "世帯主", "口座名義人", "氏名\t住所\n", "山本 一郎\t本庄市\n",
    "\n加藤 花子\n", "、小林 誠。", "\n豊田 一郎\n", "吉田 課長", "埼玉県本庄市銀座1丁目2番3号",
    "新宿区", "町田市", "村上村", "市民課", "0495-25-1111", "090-1234-5678", "12,345,000",
    "2026/10/16", "123456789012", " 42 ", "（税込）", "：", "ー", "ｶﾀｶﾅ", "\r\n", "\n", "  ",
    " ", "abc", "x", "。", "、", "年金", "口座", "生年月日", "個人番号", "平成", "㍻", "－",
    "１２３", "電話", "〒", "保険者番号", "旅券", "在留カード", "法人番号", "カード番号",
    "名 前", "出席者12名", "かな", "よみ", "読み", "主", "人", "者", "様式", "氏名変更届",
    "<a@b.jp>", "棚橋誠治 (tana@example.jp)", "ナ", "な", "み", "あいう", "漢字",
    "\n生年月日：昭和45年3月2日\n", "\n誕生日\n1985/11/20\n", "\nDOB 1990-01-02\n",
    "\nBirth: 1970/5/6\n", "出生", "生まれ", "1985年11月20日", "S60.4.1", "平成元年12月14日",
    "\n氏名\t生年月日\n山田\t2001/2/3\n"};
// clang-format on

std::string RandomText(std::mt19937& rng) {
  std::uniform_int_distribution<std::size_t> piece(0, std::size(kPieces) - 1);
  std::uniform_int_distribution<int> count(20, 120);
  std::string text;
  for (int n = count(rng); n > 0; --n) text += kPieces[piece(rng)];
  return text;
}

struct Scanned {
  NormalizedText normalized;
  std::vector<NumberToken> numbers;
  std::string pool;
  std::vector<Candidate> names, addresses, births;
  std::uint64_t words = 0;
};

Scanned Scan(const std::string& raw, bool avx2) {
  SetAvx2Enabled(avx2);
  Scanned s;
  NormalizeForDetection(raw, &s.normalized);
  const std::string_view text = s.normalized.text;
  FindNumberTokens(text, &s.numbers, &s.pool);
  TableIndex tables;
  ScanText scan{text, "", &s.numbers, &tables};
  PersonNameDetector().Detect(scan, s.names);
  BirthDateDetector().Detect(scan, s.births);
  AddressDetector().Detect(scan, s.addresses);
  s.words = RequiredWords::ForAllDetectors().Present(text, "");
  SetAvx2Enabled(true);
  return s;
}

void ExpectSame(const std::vector<Candidate>& a, const std::vector<Candidate>& b,
                const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].begin, b[i].begin) << what << " " << i;
    EXPECT_EQ(a[i].end, b[i].end) << what << " " << i;
    EXPECT_EQ(a[i].normalized, b[i].normalized) << what << " " << i;
    EXPECT_EQ(a[i].confidence, b[i].confidence) << what << " " << i;
  }
}

class Avx2PathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetAvx2Enabled(true);
    if (!Avx2Enabled()) GTEST_SKIP() << "no AVX2 on this processor";
  }
  void TearDown() override { SetAvx2Enabled(true); }
};

TEST_F(Avx2PathsTest, SameAsTheSixteenByteScannersAtEveryPosition) {
  std::mt19937 rng(20261203);
  std::size_t names = 0, addresses = 0, numbers = 0, births = 0;
  for (int round = 0; round < 40; ++round) {
    const std::string body = RandomText(rng);
    for (std::size_t pad = 0; pad < 33; ++pad) {
      // ASCII, or kanji and ASCII, before the text: every piece starts at every lane.
      std::string raw;
      if (round % 2 == 0) {
        raw.assign(pad, 'x');
      } else {
        raw.assign(pad % 3, 'y');
        for (std::size_t i = 0; i < pad / 3; ++i) raw += "漢";
      }
      raw += body;
      const std::string what = "round " + std::to_string(round) + " pad " + std::to_string(pad);
      const Scanned wide = Scan(raw, true);
      const Scanned narrow = Scan(raw, false);
      ASSERT_EQ(wide.normalized.text, narrow.normalized.text) << what;
      ASSERT_EQ(wide.normalized.anchors.size(), narrow.normalized.anchors.size()) << what;
      for (std::size_t i = 0; i < wide.normalized.anchors.size(); ++i) {
        EXPECT_EQ(wide.normalized.anchors[i].normalized, narrow.normalized.anchors[i].normalized);
        EXPECT_EQ(wide.normalized.anchors[i].source, narrow.normalized.anchors[i].source);
      }
      ASSERT_EQ(wide.numbers.size(), narrow.numbers.size()) << what;
      for (std::size_t i = 0; i < wide.numbers.size(); ++i) {
        EXPECT_EQ(wide.numbers[i].begin, narrow.numbers[i].begin) << what << " " << i;
        EXPECT_EQ(wide.numbers[i].end, narrow.numbers[i].end) << what << " " << i;
        EXPECT_EQ(wide.numbers[i].digits, narrow.numbers[i].digits) << what << " " << i;
      }
      ExpectSame(wide.names, narrow.names, what + " names");
      ExpectSame(wide.addresses, narrow.addresses, what + " addresses");
      ExpectSame(wide.births, narrow.births, what + " birth dates");
      EXPECT_EQ(wide.words, narrow.words) << what;
      names += wide.names.size();
      addresses += wide.addresses.size();
      numbers += wide.numbers.size();
      births += wide.births.size();
    }
  }
  // The texts did hold what the scanners look for.
  EXPECT_GT(names, 1000u) << names;
  EXPECT_GT(addresses, 500u) << addresses;
  EXPECT_GT(numbers, 10000u) << numbers;
  EXPECT_GT(births, 1000u) << births;
}

// One required word alone in a long text without the others, at every position of a
// 32-byte step: the filter must let it through (its detector's bit), with either width.
TEST_F(Avx2PathsTest, EveryRequiredWordIsFoundAtEveryPosition) {
  const RequiredWords& all = RequiredWords::ForAllDetectors();
  const std::string filler_piece = "ぁぃぅぇぉ ";  // no word holds these
  std::string filler;
  while (filler.size() < 400) filler += filler_piece;
  const std::uint64_t none = all.Present(filler + filler, "");
  std::size_t checked = 0;
  for (const Detector* d : AllDetectors()) {
    for (std::string_view word : d->RequiredWords()) {
      if (word.size() < 3 || static_cast<unsigned char>(word[0]) < 0xC0) continue;
      for (std::size_t pad = 0; pad < 40; ++pad) {
        const std::string text = filler + std::string(pad, 'x') + std::string(word) + filler;
        SetAvx2Enabled(false);
        const std::uint64_t narrow = all.Present(text, "");
        SetAvx2Enabled(true);
        const std::uint64_t wide = all.Present(text, "");
        EXPECT_EQ(wide, narrow) << word << " " << pad;
        EXPECT_NE(wide, none) << word << " " << pad;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100u);
}

}  // namespace
}  // namespace doccheck
