// Tests of detect/number_tokens.h's digit runs: the skip to the next digit reads 16 bytes
// at a time, so a run must be found the same wherever it starts, after bytes that are
// next to the digits in ASCII ('/' and ':') or that differ from a digit only in their
// high bits (0xB0-0xB9 in UTF-8 continuation bytes).
#include "detect/number_tokens.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace doccheck {
namespace {

TEST(FindNumberTokensTest, RunsAreFoundTheSameAtEveryPosition) {
  // Runs starting with every digit, '0' and '9' (the ends of the range) among them.
  const std::string sample =
      "電話 0495-12-3456、金額 1,234,567円、〒367-0053 ｘ 12 番号 9876 、2 4 5 6 7 8 ";
  std::vector<NumberToken> alone;
  std::string pool;
  FindNumberTokens(sample, &alone, &pool);
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
    const std::string text = prefix + sample;
    std::string shifted_pool;
    FindNumberTokens(text, &shifted, &shifted_pool);
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
  FindNumberTokens("対逸田年/:/:abc 対逸田年/:/:abc 対逸田年", &none, &pool);
  EXPECT_TRUE(none.empty());
}

TEST(FindNumberTokensTest, LongRunsKeepSixtyFourDigitsAndTheirLength) {
  std::string run;
  for (int i = 0; i < 300; ++i) run.push_back(static_cast<char>('0' + i % 10));
  std::vector<NumberToken> tokens;
  const std::string text = "番号 " + run + " 以上";
  std::string pool;
  FindNumberTokens(text, &tokens, &pool);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].digits, run.substr(0, 64));
  ASSERT_EQ(tokens[0].groups.size(), 1u);
  EXPECT_EQ(tokens[0].groups[0], 255);  // counted up to 255
  EXPECT_EQ(tokens[0].end - tokens[0].begin, run.size());
}

// The reading before digits became views (a std::string per token), kept as the simple
// reading to compare with: same tokens, same digits, same groups, on random text made of
// digits and everything that joins or ends them.
struct Reference {
  std::size_t begin = 0, end = 0;
  std::string digits;
  std::vector<unsigned char> groups;
  char separator = 0;
  bool has_comma = false;
};

std::vector<Reference> ReferenceTokens(std::string_view t) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::vector<Reference> out;
  const std::size_t n = t.size();
  std::size_t i = 0;
  while (i < n) {
    while (i < n && !digit(t[i])) ++i;
    if (i >= n) break;
    Reference tok;
    tok.begin = i;
    std::size_t end = i;
    auto group = [&](std::size_t g) {
      if (tok.groups.size() < 8) {
        tok.groups.push_back(static_cast<unsigned char>(g > 255 ? 255 : g));
      } else {
        tok.groups.back() = static_cast<unsigned char>(tok.groups.back() + (g > 255 ? 255 : g));
      }
    };
    while (true) {
      const std::size_t run_begin = end;
      while (end < n && digit(t[end])) ++end;
      const std::size_t g = end - run_begin;
      for (std::size_t d = run_begin; d < end && tok.digits.size() < 64; ++d)
        tok.digits.push_back(t[d]);
      group(g);
      if (end >= n || tok.digits.size() > 24) break;
      const char c = t[end];
      if (c == ',' && end + 1 < n && digit(t[end + 1])) {
        std::size_t k = end + 1;
        while (k < n && digit(t[k])) ++k;
        if (k - end - 1 == 3) {
          tok.has_comma = true;
          ++end;
          continue;
        }
        break;
      }
      if ((c == '-' || c == ' ') && end + 1 < n && digit(t[end + 1])) {
        const bool international = tok.begin > 0 && t[tok.begin - 1] == '+';
        if (tok.separator == 0 || tok.separator == c || (tok.separator == '(' && c == '-') ||
            international) {
          if (tok.separator == 0) tok.separator = c;
          ++end;
          continue;
        }
        break;
      }
      if (c == ')' && tok.groups.size() == 1 && tok.begin > 0 && t[tok.begin - 1] == '(' &&
          end + 1 < n && digit(t[end + 1])) {
        tok.separator = '(';
        --tok.begin;
        ++end;
        continue;
      }
      const bool plus = tok.begin > 0 && t[tok.begin - 1] == '+';
      if (c == '(' && end + 1 < n && digit(t[end + 1]) && (tok.groups.size() == 1 || plus)) {
        std::size_t k = end + 1;
        while (k < n && digit(t[k])) ++k;
        if (k < n && t[k] == ')' && k + 1 < n && digit(t[k + 1])) {
          for (std::size_t d = end + 1; d < k; ++d) tok.digits.push_back(t[d]);
          group(k - end - 1);
          tok.separator = '(';
          end = k + 1;
          continue;
        }
      }
      break;
    }
    tok.end = end;
    out.push_back(tok);
    i = end;
  }
  return out;
}

TEST(FindNumberTokensTest, SameAsTheSimpleReadingOnRandomText) {
  std::mt19937 rng(16);
  const std::string pieces[] = {"0",  "1", "5",  "9",     "12",   "345",   "6789",
                                "-",  " ", ",",  "(",     ")",    "+",     "+81 ",
                                "年", "a", "\n", "1,234", "(03)", "0120(", "."};
  std::size_t tokens_seen = 0, pooled = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    // Some texts long enough for the 64-byte windows and their boundaries.
    const int parts = 1 + static_cast<int>(rng() % (round % 4 == 0 ? 400 : 40));
    for (int p = 0; p < parts; ++p) text += pieces[rng() % std::size(pieces)];
    if (round % 100 == 0) text += std::string(70 + rng() % 200, '7');  // past 64 digits
    if (round % 150 == 0) text += "(" + std::string(80, '4') + ")5";   // parentheses past 64
    std::vector<NumberToken> got;
    std::string pool;
    FindNumberTokens(text, &got, &pool);
    const std::vector<Reference> want = ReferenceTokens(text);
    ASSERT_EQ(got.size(), want.size()) << text;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].begin, want[i].begin) << text;
      EXPECT_EQ(got[i].end, want[i].end) << text;
      EXPECT_EQ(got[i].digits, want[i].digits) << text;
      EXPECT_TRUE(got[i].groups == want[i].groups) << text;
      EXPECT_EQ(got[i].separator, want[i].separator) << text;
      EXPECT_EQ(got[i].has_comma, want[i].has_comma) << text;
      const bool in_text =
          got[i].digits.data() >= text.data() && got[i].digits.data() < text.data() + text.size();
      pooled += in_text ? 0 : 1;
    }
    EXPECT_LE(pool.size(), text.size());
    tokens_seen += got.size();
  }
  EXPECT_GT(tokens_seen, 50000u);
  EXPECT_GT(pooled, 1000u);  // both kinds of digits were compared
}

}  // namespace
}  // namespace doccheck
