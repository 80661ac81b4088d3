// Scanning one large text file with several threads must give exactly what one thread
// gives: the same findings, in the same order, at the same lines and offsets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "doccheck/checker.h"

namespace doccheck {
namespace {

std::string MakeText() {
  std::string s;
  int i = 0;
  while (s.size() < (13u << 20)) {  // a bit over three 4 MiB chunks
    if (i % 997 == 0) {
      s += "個人番号：123456789018\n";
    } else if (i % 1499 == 0) {
      s += "連絡先　０９０－１２３４－５６７８\n";
    } else if (i % 2003 == 0) {
      s += "生年月日：平成元年12月14日\r\n";
    } else {
      s += "本日の議事は予算案の審議である。次回は12月15日。\n";
    }
    ++i;
  }
  return s;
}

TEST(ParallelScanTest, ThreadsGiveTheSameFindingsAsOneThread) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "doccheck_parallel_test.txt").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << MakeText();
  }
  Options one;
  one.reveal = true;
  Options three = one;
  three.threads_per_file = 3;
  const FileReport a = Checker(one).CheckFile(path);
  const FileReport b = Checker(three).CheckFile(path);
  std::remove(path.c_str());

  ASSERT_GT(a.findings.size(), 100u);
  ASSERT_EQ(a.findings.size(), b.findings.size());
  for (std::size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i].kind, b.findings[i].kind) << i;
    EXPECT_EQ(a.findings[i].normalized, b.findings[i].normalized) << i;
    EXPECT_EQ(a.findings[i].location.offset, b.findings[i].location.offset) << i;
    EXPECT_EQ(a.findings[i].location.line, b.findings[i].location.line) << i;
  }
  EXPECT_EQ(a.CountKind(Kind::kMyNumber), b.CountKind(Kind::kMyNumber));
}

TEST(ParallelScanTest, FindingsPointAtTheirLineAndByte) {
  const std::string text = MakeText();
  const std::string path =
      (std::filesystem::temp_directory_path() / "doccheck_parallel_lines.txt").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  Options options;
  options.reveal = true;
  options.threads_per_file = 2;
  const FileReport r = Checker(options).CheckFile(path);
  std::remove(path.c_str());
  int checked = 0;
  for (const Finding& f : r.findings) {
    if (f.kind != Kind::kMyNumber) continue;
    ASSERT_LT(f.location.offset, text.size());
    EXPECT_EQ(text.compare(f.location.offset, 12, "123456789018"), 0) << f.location.offset;
    const auto line =
        1 + std::count(text.begin(), text.begin() + static_cast<long>(f.location.offset), '\n');
    EXPECT_EQ(f.location.line, static_cast<int>(line));
    ++checked;
  }
  EXPECT_GT(checked, 10);
}

}  // namespace
}  // namespace doccheck
