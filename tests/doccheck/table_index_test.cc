// TableIndex (detect/labels.h) skips lines with a digit while no table is open and finds
// delimiters 16 bytes at a time: on random text of lines with tabs, commas and digits, at
// every position, it finds the tables that the simple line-by-line reading finds.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "detect/labels.h"

namespace doccheck {
namespace {

// The reading before the skips: every line, its tabs and commas counted.
std::vector<TableIndex::Table> ReferenceTables(std::string_view text) {
  std::vector<TableIndex::Table> tables;
  TableIndex::Table current;
  bool open = false;
  int commas_in_header = 0;
  std::size_t line = 0;
  while (line <= text.size()) {
    std::size_t eol = text.find('\n', line);
    const bool last = eol == std::string_view::npos;
    if (last) eol = text.size();
    const std::string_view l = text.substr(line, eol - line);
    const int tabs = static_cast<int>(std::count(l.begin(), l.end(), '\t'));
    const int commas = tabs ? 0 : static_cast<int>(std::count(l.begin(), l.end(), ','));
    const bool continues =
        open && ((current.delimiter == '\t' && tabs > 0) ||
                 (current.delimiter == ',' && tabs == 0 && commas == commas_in_header));
    if (continues) {
      current.end = eol;
    } else {
      if (open && current.end > current.header_end) tables.push_back(current);
      open = (tabs >= 2 || (tabs == 0 && commas >= 2)) &&
             std::none_of(l.begin(), l.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (open) {
        current = TableIndex::Table{line, eol, eol, tabs ? '\t' : ','};
        commas_in_header = commas;
      }
    }
    if (last) break;
    line = eol + 1;
  }
  if (open && current.end > current.header_end) tables.push_back(current);
  return tables;
}

const TableIndex::Table* ReferenceFind(const std::vector<TableIndex::Table>& tables,
                                       std::size_t pos) {
  const TableIndex::Table* found = nullptr;
  for (const TableIndex::Table& t : tables) {
    if (t.begin <= pos) found = &t;
  }
  return found != nullptr && pos < found->end ? found : nullptr;
}

TEST(TableIndexTest, SameTablesAsTheLineByLineReading) {
  std::mt19937 rng(17);
  const std::string pieces[] = {"\t",  ",",    "氏名", "生年月日", "1", "2024", "a", " ",
                                "x,y", "\t\t", ",,",   "番号",     "9", ":",    "/"};
  std::size_t tables_seen = 0;
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int lines = 1 + static_cast<int>(rng() % 40);
    for (int i = 0; i < lines; ++i) {
      const int parts = static_cast<int>(rng() % 12);
      for (int p = 0; p < parts; ++p) text += pieces[rng() % std::size(pieces)];
      if (rng() % 4 == 0) text += std::string(rng() % 40, 'z');  // past 16-byte steps
      if (i + 1 < lines || rng() % 2 == 0) text += "\n";
    }
    const std::vector<TableIndex::Table> want = ReferenceTables(text);
    tables_seen += want.size();
    TableIndex index;
    for (std::size_t pos = 0; pos <= text.size(); ++pos) {
      const TableIndex::Table* got = index.Find(text, pos);
      const TableIndex::Table* ref = ReferenceFind(want, pos);
      ASSERT_EQ(got == nullptr, ref == nullptr) << round << " @" << pos << "\n" << text;
      if (got == nullptr) continue;
      EXPECT_EQ(got->begin, ref->begin) << round << " @" << pos;
      EXPECT_EQ(got->end, ref->end) << round << " @" << pos;
      EXPECT_EQ(got->header_end, ref->header_end) << round << " @" << pos;
      EXPECT_EQ(got->delimiter, ref->delimiter) << round << " @" << pos;
    }
  }
  EXPECT_GT(tables_seen, 100u);
}

TEST(TableIndexTest, ADigitAtEveryPositionKeepsAHeaderLineFromOpeningATable) {
  for (std::size_t pad = 0; pad < 40; ++pad) {
    for (const bool digit : {false, true}) {
      const std::string text = std::string(pad % 5, 'w') + "\n氏名\t" + std::string(pad, 'z') +
                               (digit ? "7" : "") + std::string(40 - pad, 'z') +
                               "\t備考\n見本\t1\t2\n";
      TableIndex index;
      const std::size_t row = text.rfind("見本");
      EXPECT_EQ(index.Find(text, row) != nullptr, !digit) << pad;
      EXPECT_EQ(ReferenceFind(ReferenceTables(text), row) != nullptr, !digit) << pad;
    }
  }
}

// A header whose two delimiters stand side by side, at every position of the 32-byte
// steps (AVX2) and of the 16-byte ones, after a long line without any: the delimiter
// search must stop at them, or the table is not seen.
TEST(TableIndexTest, AHeaderIsFoundAtEveryPositionOfTheDelimiterSearch) {
  for (const char* delimiters : {"\t\t", ",,"}) {
    for (std::size_t pad = 0; pad < 70; ++pad) {
      const std::string d = delimiters;
      const std::string text = std::string(100, 'z') + "\n" + std::string(pad, 'w') + "氏名" + d +
                               "住所\n" + "山田" + d + "本庄\n" + "佐藤" + d + "深谷\n";
      TableIndex index;
      const std::size_t row = text.rfind("佐藤");
      const TableIndex::Table* got = index.Find(text, row);
      const std::vector<TableIndex::Table> want = ReferenceTables(text);
      ASSERT_NE(ReferenceFind(want, row), nullptr) << pad;
      ASSERT_NE(got, nullptr) << pad << " " << (d[0] == ',' ? "," : "tab");
      EXPECT_EQ(got->begin, text.find('\n') + 1) << pad << " " << (d[0] == ',' ? "," : "tab");
      EXPECT_EQ(got->begin, ReferenceFind(want, row)->begin) << pad;
    }
  }
}

}  // namespace
}  // namespace doccheck
