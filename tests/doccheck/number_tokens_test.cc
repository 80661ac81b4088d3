// Tests of detect/number_tokens.h's digit runs: the skip to the next digit reads 16 bytes
// at a time, so a run must be found the same wherever it starts, after bytes that are
// next to the digits in ASCII ('/' and ':') or that differ from a digit only in their
// high bits (0xB0-0xB9 in UTF-8 continuation bytes).
#include "detect/number_tokens.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace doccheck {
namespace {

TEST(FindNumberTokensTest, RunsAreFoundTheSameAtEveryPosition) {
  // Runs starting with every digit, '0' and '9' (the ends of the range) among them.
  const std::string sample =
      "電話 0495-12-3456、金額 1,234,567円、〒367-0053 ｘ 12 番号 9876 、2 4 5 6 7 8 ";
  std::vector<NumberToken> alone;
  FindNumberTokens(sample, &alone);
  ASSERT_EQ(alone.size(), 6u);
  EXPECT_EQ(alone[0].digits, "0495123456");
  EXPECT_TRUE(alone[1].has_comma);
  EXPECT_EQ(alone[2].digits, "3670053");
  EXPECT_EQ(alone[3].digits, "12");
  EXPECT_EQ(alone[4].digits, "9876");
  EXPECT_EQ(alone[5].digits, "245678");
  // 0xB0-0xB9 continuation bytes: 対 (E5 AF BE), 逸 (E9 80 B8), 田 (E7 94 B0), 年 (E5 B9 B4).
  const std::string fillers[] = {"/", ":", "対", "逸", "田年", "a", " "};
  for (std::size_t pad = 0; pad <= 40; ++pad) {
    std::string prefix;
    for (std::size_t k = 0; prefix.size() < pad; ++k) prefix += fillers[k % 7];
    prefix += " ";  // nothing glued to the first run
    std::vector<NumberToken> shifted;
    FindNumberTokens(prefix + sample, &shifted);
    ASSERT_EQ(shifted.size(), alone.size()) << prefix;
    for (std::size_t i = 0; i < alone.size(); ++i) {
      EXPECT_EQ(shifted[i].begin, alone[i].begin + prefix.size()) << prefix << " " << i;
      EXPECT_EQ(shifted[i].end, alone[i].end + prefix.size()) << prefix << " " << i;
      EXPECT_EQ(shifted[i].digits, alone[i].digits) << prefix << " " << i;
      EXPECT_TRUE(shifted[i].groups ==
                  std::vector<unsigned char>(alone[i].groups.begin(), alone[i].groups.end()));
    }
  }
  std::vector<NumberToken> none;
  FindNumberTokens("対逸田年/:/:abc 対逸田年/:/:abc 対逸田年", &none);
  EXPECT_TRUE(none.empty());
}

TEST(FindNumberTokensTest, LongRunsKeepSixtyFourDigitsAndTheirLength) {
  std::string run;
  for (int i = 0; i < 300; ++i) run.push_back(static_cast<char>('0' + i % 10));
  std::vector<NumberToken> tokens;
  FindNumberTokens("番号 " + run + " 以上", &tokens);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].digits, run.substr(0, 64));
  ASSERT_EQ(tokens[0].groups.size(), 1u);
  EXPECT_EQ(tokens[0].groups[0], 255);  // counted up to 255
  EXPECT_EQ(tokens[0].end - tokens[0].begin, run.size());
}

}  // namespace
}  // namespace doccheck
