// FindInText / MaskFindingsInText: doccheck's detectors over a short free text, with the
// byte spans of what they find, so that callers can mask subjects and file names in place.
#include "doccheck/text_scan.h"

#include <gtest/gtest.h>

#include <string>

namespace doccheck {
namespace {

TEST(FindInTextTest, GivesTheSpanAndTheMaskOfEachFinding) {
  const std::string text = "マイナンバー 3739 6401 7574 の件";
  const auto spans = FindInText(text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].kind, Kind::kMyNumber);
  EXPECT_EQ(text.substr(spans[0].begin, spans[0].end - spans[0].begin), "3739 6401 7574");
  EXPECT_EQ(spans[0].masked, "3739 **** ***4");
}

TEST(FindInTextTest, SpansAreInTheOriginalBytesAfterWidthFolding) {
  const std::string text = "電話 ０９０－１２３４－５６７８ まで";
  const auto spans = FindInText(text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].kind, Kind::kPhone);
  EXPECT_EQ(text.substr(spans[0].begin, spans[0].end - spans[0].begin),
            "０９０－１２３４－５６７８");
}

TEST(MaskFindingsInTextTest, ReplacesEachFindingWithItsMask) {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"3739-6401-7574", "3739 **** ***4"},
      {"氏名: 山田 太郎 の件", "氏名: 山＊＊＊ の件"},
      {"会議のお知らせ", "会議のお知らせ"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(MaskFindingsInText(c.in), c.out) << c.in;
}

}  // namespace
}  // namespace doccheck
