// Tests of text/count_bytes.h: counted 16 bytes at a time, with the lane sums taken every
// 255 steps, CountByte must say what std::count says for every length and position.
#include "text/count_bytes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace doccheck {
namespace {

TEST(CountByteTest, AgreesWithStdCountAtEveryLengthAndAcrossTheLaneSums) {
  std::uint32_t state = 7;
  std::string text;
  // Past 255 * 16 bytes, so that the lanes are summed more than once; newlines dense
  // enough that a lane would overflow at 256.
  for (int i = 0; i < 9000; ++i) {
    state = state * 1664525u + 1013904223u;
    text.push_back((state >> 24) % 3 == 0 ? '\n' : static_cast<char>(0x80 + (state >> 26)));
  }
  for (std::size_t len = 0; len <= text.size(); len += (len < 100 ? 1 : 97)) {
    for (std::size_t from : {std::size_t{0}, std::size_t{1}, std::size_t{15}}) {
      if (from > len) continue;
      const std::string_view s = std::string_view(text).substr(from, len - from);
      ASSERT_EQ(CountByte(s, '\n'), static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')))
          << from << " " << len;
    }
  }
  const std::string all(255 * 16 * 2 + 5, '\n');
  EXPECT_EQ(CountByte(all, '\n'), all.size());
  EXPECT_EQ(CountByte(all, '\x80'), 0u);
  EXPECT_EQ(CountByte(std::string(40, '\xFF'), '\xFF'), 40u);
}

}  // namespace
}  // namespace doccheck
