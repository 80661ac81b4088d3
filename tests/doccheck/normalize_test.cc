// Tests of text/normalize.h: the width folding detectors rely on, and the map from every
// normalised byte back to its source byte.
#include "text/normalize.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace doccheck {
namespace {

struct FoldCase {
  const char* name;
  std::string input;
  std::string expected;
};

class NormalizeFoldTest : public ::testing::TestWithParam<FoldCase> {};

TEST_P(NormalizeFoldTest, FoldsAsDocumented) {
  EXPECT_EQ(NormalizeForDetection(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NormalizeFoldTest,
    ::testing::Values(
        FoldCase{"AsciiUnchanged", "abc 123-xyz", "abc 123-xyz"},
        FoldCase{"FullWidthDigits", "０１２３４５６７８９", "0123456789"},
        FoldCase{"FullWidthUpperLetters", "ＡＢＣＸＹＺ", "ABCXYZ"},
        FoldCase{"FullWidthLowerLetters", "ａｂｃｘｙｚ", "abcxyz"},
        FoldCase{"FullWidthPunctuation", "＠．－（）：／＋", "@.-():/+"},
        FoldCase{"FullWidthExclamationFirst", "！", "!"}, FoldCase{"FullWidthTildeLast", "～", "~"},
        FoldCase{"IdeographicSpace", "極　秘", "極 秘"},
        FoldCase{"CarriageReturnDropped", "a\r\nb\r\n", "a\nb\n"},
        FoldCase{"Hyphen2010", "1‐2", "1-2"}, FoldCase{"NonBreakingHyphen2011", "1‑2", "1-2"},
        FoldCase{"FigureDash2012", "1‒2", "1-2"}, FoldCase{"EnDash2013", "1–2", "1-2"},
        FoldCase{"EmDash2014", "1—2", "1-2"}, FoldCase{"HorizontalBar2015", "1―2", "1-2"},
        FoldCase{"MinusSign2212", "1−2", "1-2"}, FoldCase{"BoxDrawing2500", "1─2", "1-2"},
        FoldCase{"SmallHyphenMinusFE63", "1﹣2", "1-2"},
        FoldCase{"DashVariantsAlsoAwayFromDigits", "a—b", "a-b"},
        FoldCase{"ChoonBetweenAsciiDigits", "1234ー5678", "1234-5678"},
        FoldCase{"ChoonBetweenFullWidthDigits", "１２ー３４", "12-34"},
        FoldCase{"HalfWidthChoonBetweenDigits", "12ｰ34", "12-34"},
        FoldCase{"ChoonInKatakanaWordKept", "ラーメン", "ラーメン"},
        FoldCase{"ChoonAfterDigitBeforeKanaKept", "1ーア", "1ーア"},
        FoldCase{"ChoonBeforeDigitAfterKanaKept", "アー1", "アー1"},
        FoldCase{"ChoonAtEndAfterDigitKept", "12ー", "12ー"},
        FoldCase{"HalfWidthChoonInWordIsFullWidthChoon", "ﾗｰﾒﾝ", "ラーメン"},
        FoldCase{"HalfWidthKatakana", "ｱｲｳｴｵｦﾝ", "アイウエオヲン"},
        FoldCase{"HalfWidthSmallKana", "ｧｨｩｪｫｬｭｮｯ", "ァィゥェォャュョッ"},
        FoldCase{"HalfWidthVoicedComposed", "ｶﾞｷﾞｸﾞｹﾞｺﾞ", "ガギグゲゴ"},
        FoldCase{"HalfWidthVoicedTa", "ﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞ", "ダヂヅデド"},
        FoldCase{"HalfWidthVoicedHa", "ﾊﾞﾋﾞﾌﾞﾍﾞﾎﾞ", "バビブベボ"},
        FoldCase{"HalfWidthSemiVoiced", "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "パピプペポ"},
        FoldCase{"HalfWidthVu", "ｳﾞ", "ヴ"},
        FoldCase{"HalfWidthVoicedMarkAloneIsCombining", "aﾞ", "a\xE3\x82\x99"},
        FoldCase{"HalfWidthSemiVoicedOnKaIsCombining", "ｶﾟ", "カ\xE3\x82\x9A"},
        FoldCase{"HalfWidthPunctuation", "｡｢｣､･", "。「」、・"},
        FoldCase{"HalfWidthKanaName", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"},
        FoldCase{"EraLigatureHeisei", "㍻2年", "平成2年"},
        FoldCase{"EraLigatureShowa", "㍼60年", "昭和60年"},
        FoldCase{"EraLigatureTaisho", "㍽元年", "大正元年"},
        FoldCase{"EraLigatureMeiji", "㍾45年", "明治45年"},
        FoldCase{"EraLigatureReiwa", "㋿3年", "令和3年"},
        FoldCase{"FullWidthYenToYen", "￥1000", "¥1000"},
        FoldCase{"KanjiUnchanged", "個人番号　極秘", "個人番号 極秘"},
        FoldCase{"FourByteUnchanged", "𠮷野家", "𠮷野家"},
        FoldCase{"InvalidByteCopied",
                 std::string("a\xFF"
                             "b"),
                 std::string("a\xFF"
                             "b")},
        FoldCase{"TruncatedSequenceCopied", std::string("1\xE3\x80"), std::string("1\xE3\x80")},
        FoldCase{"EmptyStaysEmpty", "", ""}),
    [](const ::testing::TestParamInfo<FoldCase>& info) { return std::string(info.param.name); });

// SourceOffset(n) for every n in [0, text.size()].
std::vector<std::uint32_t> Offsets(const NormalizedText& nt) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i <= nt.text.size(); ++i) out.push_back(nt.SourceOffset(i));
  return out;
}

TEST(NormalizeOffsetsTest, AsciiMapsOneToOneWithEndEntry) {
  NormalizedText nt;
  NormalizeForDetection("ab1", &nt);
  EXPECT_EQ(nt.text, "ab1");
  EXPECT_EQ(Offsets(nt), (std::vector<std::uint32_t>{0, 1, 2, 3}));
}

TEST(NormalizeOffsetsTest, FullWidthCharactersMapToTheirFirstSourceByte) {
  NormalizedText nt;
  NormalizeForDetection("Ａ１2", &nt);  // 3 + 3 + 1 source bytes
  EXPECT_EQ(nt.text, "A12");
  EXPECT_EQ(Offsets(nt), (std::vector<std::uint32_t>{0, 3, 6, 7}));
}

TEST(NormalizeOffsetsTest, TextAfterAFoldKeepsItsSourceOffsets) {
  NormalizedText nt;
  NormalizeForDetection("１あ23", &nt);  // １ 0..3, あ 3..6, 2 at 6, 3 at 7
  ASSERT_EQ(nt.text, "1あ23");
  EXPECT_EQ(Offsets(nt), (std::vector<std::uint32_t>{0, 3, 4, 5, 6, 7, 8}));
}

TEST(NormalizeOffsetsTest, DroppedCarriageReturnShiftsTheRest) {
  NormalizedText nt;
  NormalizeForDetection("a\r\nb", &nt);
  EXPECT_EQ(nt.text, "a\nb");
  EXPECT_EQ(Offsets(nt), (std::vector<std::uint32_t>{0, 2, 3, 4}));
}

TEST(NormalizeOffsetsTest, TextAfterALigatureExpansionKeepsItsSourceOffsets) {
  NormalizedText nt;
  NormalizeForDetection("x㍻1年", &nt);  // ㍻ is 3 bytes at 1; 平成 is 6 bytes
  ASSERT_EQ(nt.text, "x平成1年");
  EXPECT_EQ(nt.SourceOffset(0), 0u);
  EXPECT_EQ(nt.SourceOffset(1), 1u);  // 平 starts where ㍻ does
  EXPECT_EQ(nt.SourceOffset(7), 4u);  // 1
  EXPECT_EQ(nt.SourceOffset(8), 5u);  // 年
  EXPECT_EQ(nt.SourceOffset(nt.text.size()), 8u);
}

TEST(NormalizeOffsetsTest, ComposedHalfWidthKanaMapsToItsBaseCharacter) {
  NormalizedText nt;
  NormalizeForDetection("aｶﾞb", &nt);  // ｶ at 1, ﾞ at 4, b at 7
  ASSERT_EQ(nt.text, "aガb");
  EXPECT_EQ(nt.SourceOffset(0), 0u);
  EXPECT_EQ(nt.SourceOffset(1), 1u);
  EXPECT_EQ(nt.SourceOffset(4), 7u);
  EXPECT_EQ(nt.SourceOffset(5), 8u);
}

TEST(NormalizeOffsetsTest, BaseIsAddedAfterAFold) {
  NormalizedText nt;
  NormalizeForDetection("１2", &nt, 100);
  EXPECT_EQ(Offsets(nt), (std::vector<std::uint32_t>{100, 103, 104}));
}

TEST(NormalizeOffsetsTest, BaseIsAddedWithoutAnyFold) {
  NormalizedText nt;
  NormalizeForDetection("12", &nt, 100);
  EXPECT_EQ(Offsets(nt), (std::vector<std::uint32_t>{100, 101, 102}));
}

TEST(NormalizeOffsetsTest, BaseIsAddedBeforeTheFirstFold) {
  NormalizedText nt;
  NormalizeForDetection("ab１", &nt, 100);
  EXPECT_EQ(Offsets(nt), (std::vector<std::uint32_t>{100, 101, 102, 105}));
}

TEST(NormalizeOffsetsTest, SourceOffsetPastTheEndIsTheSourceEnd) {
  NormalizedText nt;
  NormalizeForDetection("１２", &nt);
  EXPECT_EQ(nt.SourceOffset(2), 6u);
  EXPECT_EQ(nt.SourceOffset(1000), 6u);
}

TEST(NormalizeOffsetsTest, OutputReplacesPreviousContents) {
  NormalizedText nt;
  NormalizeForDetection("ｶﾞ first text １", &nt);
  NormalizeForDetection("a２", &nt);
  EXPECT_EQ(nt.text, "a2");
  EXPECT_EQ(Offsets(nt), (std::vector<std::uint32_t>{0, 1, 4}));
}

// The fold is found 16 bytes at a time: whatever the position of a character in those 16
// bytes, or across the last ones read one by one, it folds the same and maps back to the
// same source byte. Each sample is shifted by 0..40 ASCII bytes and compared with itself.
TEST(NormalizeOffsetsTest, FoldsTheSameAtEveryPositionInThe16ByteSteps) {
  const std::vector<std::string> samples = {
      "電話０３－１２３４－５６７８、平成３０年（２０１８年）　担当：ｶﾞｽ課\r\n",
      "ひらがなとカタカナのメールアドレス：ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ。",
      "〒１００ー０００１　東京都千代田区１ー１ー１　コーヒー　ｺｰﾋｰ",
      "㍻３年㋿元年㍼㍽㍾　￥１，０００円",
      "—税込み−割引─以上﹣「」『』〜",
      "半角ｶﾀｶﾅﾊﾟﾋﾟﾌﾟ｡｢｣､･ｦｧｨ ﾞﾟ\r\r\n\r",
      std::string("\xE3\x81\xE3\x80\xEF\xBC\xE2\x80\x41\xE3\x83\xBC\xE3\x80\x80x") +
          "\xEF\xBC\x91\xE3"};  // cut and broken sequences among real ones
  for (const std::string& sample : samples) {
    NormalizedText alone;
    NormalizeForDetection(sample, &alone);
    for (std::size_t pad = 0; pad <= 40; ++pad) {
      const std::string prefix(pad, 'a');
      NormalizedText shifted;
      NormalizeForDetection(prefix + sample, &shifted);
      ASSERT_EQ(shifted.text, prefix + alone.text) << "pad " << pad;
      for (std::size_t k = 0; k <= alone.text.size(); ++k) {
        ASSERT_EQ(shifted.SourceOffset(pad + k), pad + alone.SourceOffset(k))
            << "pad " << pad << " byte " << k;
      }
    }
  }
}

struct NfkcCase {
  const char* name;
  std::string input;
  std::string expected;
};

class NfkcWithoutSpacesTest : public ::testing::TestWithParam<NfkcCase> {};

TEST_P(NfkcWithoutSpacesTest, Canonicalises) {
  EXPECT_EQ(NfkcWithoutSpaces(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NfkcWithoutSpacesTest,
    ::testing::Values(NfkcCase{"AsciiSpacesRemoved", "a b\tc\nd", "abcd"},
                      NfkcCase{"IdeographicSpaceRemoved", "極　秘", "極秘"},
                      NfkcCase{"FullWidthFolded", "ＡＢＣ１２３", "ABC123"},
                      NfkcCase{"HalfWidthKanaComposed", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ"},
                      NfkcCase{"EraLigatureExpanded", "㍻", "平成"},
                      NfkcCase{"CircledKanjiFolded", "㊙", "秘"},
                      NfkcCase{"AddressSpacesRemoved", "埼玉県 見本市 本町１－２－３",
                               "埼玉県見本市本町1-2-3"},
                      NfkcCase{"Empty", "", ""}),
    [](const ::testing::TestParamInfo<NfkcCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace doccheck
