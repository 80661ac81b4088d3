// Checker::CheckFile sizes its read buffers to the file (a small file no longer costs a
// zeroed 4 MiB chunk): a My Number written as the last bytes of a file must be found
// whatever the file's size around the 64 KiB sniff head, and an empty file is checked.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "doccheck/checker.h"

namespace doccheck {
namespace {

TEST(CheckFileSizesTest, FindsTheLastBytesAtEverySizeAroundTheHead) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "doccheck_sizes_test.txt").string();
  const std::string tail = "\n個人番号：123456789018";
  Options options;
  options.reveal = true;
  const Checker checker(options);
  for (const std::size_t size :
       {tail.size(), tail.size() + 1, std::size_t{65535}, std::size_t{65536}, std::size_t{65537},
        std::size_t{65536 * 3 + 7}, std::size_t{(4u << 20) + 65537}}) {
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << std::string(size - tail.size(), 'a') << tail;
    }
    const FileReport r = checker.CheckFile(path);
    EXPECT_EQ(r.format, "txt") << size;
    EXPECT_FALSE(r.HasErrors()) << size;
    ASSERT_EQ(r.CountKind(Kind::kMyNumber), 1) << size;
  }
  { std::ofstream out(path, std::ios::binary | std::ios::trunc); }
  const FileReport empty = checker.CheckFile(path);
  EXPECT_FALSE(empty.HasErrors());
  EXPECT_FALSE(empty.HasFindings());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace doccheck
