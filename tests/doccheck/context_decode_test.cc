// CodePointAt and CodePointBefore (detect/context.h) decode ASCII and three-byte
// characters inline; everything else goes to the general decoders. At every position of
// random bytes (well-formed and malformed UTF-8 mixed), they give what the general
// decoders give.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "detect/context.h"

namespace doccheck {
namespace {

TEST(CodePointTest, InlinePathsDecodeAsTheGeneralDecoders) {
  std::mt19937 rng(3000);
  const std::string pieces[] = {
      "a",        " ",        "0",      "\x7F", "é",           "生",           "ー",
      "𠮷",       "\xE3\x81", "\x81",   "\xBF", "\xE0",        "\xEF\xBF\xBD", "\xC2",
      "\xF0\x9F", "\xFF",     "年月日", "¥",    "\xED\xA0\x80"};
  std::size_t three_byte = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int parts = static_cast<int>(rng() % 24);
    for (int p = 0; p < parts; ++p) text += pieces[rng() % std::size(pieces)];
    for (std::size_t pos = 0; pos <= text.size() + 1; ++pos) {
      std::size_t n1 = 99, n2 = 99;
      ASSERT_EQ(CodePointAt(text, pos, &n1), DecodeCodePointAt(text, pos, &n2)) << pos;
      ASSERT_EQ(n1, n2) << pos;
      n1 = 99, n2 = 99;
      const char32_t before = CodePointBefore(text, pos, &n1);
      ASSERT_EQ(before, DecodeCodePointBefore(text, pos, &n2)) << pos;
      ASSERT_EQ(n1, n2) << pos;
      if (n1 == 3) ++three_byte;
      EXPECT_EQ(CodePointAt(text, pos, nullptr), DecodeCodePointAt(text, pos, nullptr));
      EXPECT_EQ(CodePointBefore(text, pos, nullptr), DecodeCodePointBefore(text, pos, nullptr));
    }
  }
  EXPECT_GT(three_byte, 1000u);
}

}  // namespace
}  // namespace doccheck
