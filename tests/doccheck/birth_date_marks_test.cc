// The birth-date detector skips the label lookup of a date when no label mark (生, "rth",
// "DOB") is in the bytes the lookup reads; the marks are found 16 bytes at a time. Both
// must change nothing: on random texts with labels of every kind at every distance,
// alignment and layout (inline, a line above, a table column, a key-value cell), the
// detector finds exactly what it finds without the filter.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "detect/context.h"
#include "detect/detector.h"
#include "detect/detectors.h"
#include "detect/labels.h"
#include "detect/number_tokens.h"
#include "text/normalize.h"

namespace doccheck {
namespace {

std::vector<std::string> Found(const Detector& d, const std::string& text,
                               std::string_view header) {
  std::vector<NumberToken> numbers;
  std::string pool;
  FindNumberTokens(text, &numbers, &pool);
  TableIndex tables;
  const ScanText scan{text, header, &numbers, &tables};
  std::vector<Candidate> out;
  d.Detect(scan, out);
  std::vector<std::string> found;
  for (const Candidate& c : out) {
    found.push_back(std::to_string(c.begin) + "-" + std::to_string(c.end) + " " + c.normalized +
                    " " + std::to_string(c.confidence));
  }
  return found;
}

std::string RandomText(std::mt19937& rng) {
  const std::vector<std::string> labels = {"生年月日", "誕生日", "生まれ", "出生", "生年", "Birth",
                                           "birth",    "DOB",    "申請日", "生",   "rth",  "DO",
                                           "年月",     "",       "",       ""};
  const std::vector<std::string> dates = {"1985年11月20日", "1985/11/20", "昭和60年11月20日",
                                          "平成元年1月8日", "S60.11.20",  "1985-11-20",
                                          "H1/1/8",         "2001.2.3",   "令和 3年 4月 5日"};
  const std::vector<std::string> fillers = {"あ", "x", " ", "：", ":", "、", "本日", "議事", "12"};
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto filler = [&](int max) {
    std::string f;
    const int n = static_cast<int>(rng() % static_cast<unsigned>(max + 1));
    for (int i = 0; i < n; ++i) f += pick(fillers);
    return f;
  };
  std::string text;
  while (text.size() < (48u << 10)) {
    switch (rng() % 6) {
      case 0:  // inline, at some distance
        text += filler(20) + pick(labels) + filler(24) + pick(dates) + filler(3) + "\n";
        break;
      case 1:  // a label line above (short or not), maybe a line between
        text += filler(6) + pick(labels) + filler(14) + "\n";
        if (rng() % 3 == 0) text += filler(5) + "\n";
        text += filler(2) + pick(dates) + filler(8) + "\n";
        break;
      case 2: {  // a table: the header line, then rows
        text += "氏名\t" + pick(labels) + "\t備考\n";
        const int rows = 1 + static_cast<int>(rng() % 6);
        for (int r = 0; r < rows; ++r) text += "見本\t" + pick(dates) + "\t" + filler(4) + "\n";
        break;
      }
      case 3:  // a key-value cell
        text += pick(labels) + filler(3) + "\t" + filler(1) + pick(dates) + "\n";
        break;
      case 4:  // filler lines, long and short
        text += filler(60) + "\n";
        break;
      default:  // a date far from any label
        text += std::string(rng() % 200, 'y') + pick(dates) + "\n";
        break;
    }
  }
  return NormalizeForDetection(text);
}

TEST(BirthDateMarksTest, FindsWhatTheUnfilteredDetectorFinds) {
  std::mt19937 rng(1985);
  std::size_t found = 0, dates = 0;
  for (int round = 0; round < 40; ++round) {
    const std::string text = RandomText(rng);
    const auto fast = Found(BirthDateDetector(), text, "");
    const auto slow = Found(BirthDateDetectorWithoutMarksForTest(), text, "");
    ASSERT_EQ(fast, slow) << round;
    found += fast.size();
    for (std::size_t p = text.find('/'); p != std::string::npos; p = text.find('/', p + 1)) ++dates;
  }
  EXPECT_GT(found, 2000u);
  EXPECT_GT(dates, found);  // and many dates were not birth dates
}

TEST(BirthDateMarksTest, MarksAreFoundAtEveryPosition) {
  // One label, moved through every position of the 16-byte steps, with a date on the next
  // line: found at every offset, as without the filter.
  for (const std::string label : {"生年月日", "誕生日", "Birth", "birth", "DOB", "出生"}) {
    for (std::size_t pad = 0; pad < 40; ++pad) {
      const std::string text = std::string(pad, 'x') + "\n" + std::string(pad % 7, ' ') + label +
                               "\n1985/11/20\n" + std::string(100, 'z') + "\n";
      const auto fast = Found(BirthDateDetector(), text, "");
      ASSERT_EQ(fast.size(), 1u) << label << " " << pad;
      ASSERT_EQ(fast, Found(BirthDateDetectorWithoutMarksForTest(), text, ""));
      const std::string row = std::string(pad, 'x') + " " + label + " 1985年11月20日\n";
      ASSERT_EQ(Found(BirthDateDetector(), row, "").size(), 1u) << label << " " << pad;
    }
  }
}

TEST(BirthDateMarksTest, AHeadingThatLabelsEveryDateIsNotFiltered) {
  const std::string text = std::string(300, 'x') + "\n2001/2/3\n";
  EXPECT_EQ(Found(BirthDateDetector(), text, "生年月日").size(), 1u);
  EXPECT_EQ(Found(BirthDateDetector(), text, "").size(), 0u);
}

// LineStart (memrchr) says what the byte-by-byte rfind said, at every position.
TEST(LineStartTest, SameAsRfindAtEveryPosition) {
  const std::string text = "\nab\n\n生年月日\n" + std::string(40, 'x') + "\n1985/11/20 y\n\nz";
  for (std::size_t pos = 0; pos <= text.size() + 2; ++pos) {
    const std::size_t clipped = std::min(pos, text.size());
    const std::size_t nl = clipped == 0 ? std::string::npos : text.rfind('\n', clipped - 1);
    const std::size_t want = nl == std::string::npos ? 0 : nl + 1;
    EXPECT_EQ(LineStart(text, pos), want) << pos;
  }
  EXPECT_EQ(LineStart("", 0), 0u);
  EXPECT_EQ(LineStart("abc", 3), 0u);
}

}  // namespace
}  // namespace doccheck
