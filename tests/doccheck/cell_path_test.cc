// The XLSX cell path's fast paths (issue #17): each must give the findings the plain
// path gives, on friendly and on hostile input. CellScanner's text ids (XLSX shared-string
// indexes) only say which cells may repeat; the cache still compares text and heading.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detect/detector.h"
#include "detect/required_words.h"
#include "doccheck/checker.h"
#include "doccheck/extract_recording_sink.h"
#include "doccheck/extract_zip_builder.h"
#include "extract/container_extractors.h"
#include "extract/lean_xml.h"
#include "extract/xml_text.h"
#include "extract/zip_reader.h"
#include "text/block_scanner.h"
#include "text/normalize.h"

namespace doccheck {
namespace {

Location CellAt(const std::string& cell) {
  Location where;
  where.part = "xl/worksheets/sheet1.xml";
  where.sheet = "S";
  where.cell = cell;
  return where;
}

// Every finding as one line: kind, masked and normalised value, confidence, location.
std::string Describe(const std::vector<Finding>& found, const std::vector<Kind>& counted) {
  std::string out;
  for (const Finding& f : found) {
    out += std::to_string(static_cast<int>(f.kind)) + " " + f.masked + " " + f.normalized + " " +
           std::to_string(f.confidence) + " " + f.location.cell + "+" +
           std::to_string(f.location.offset) + "\n";
  }
  for (const Kind k : counted) out += "counted " + std::to_string(static_cast<int>(k)) + "\n";
  return out;
}

struct Cell {
  std::string text, header;
  std::uint64_t id;
};

// The findings of `cells` scanned one by one by a CellScanner, with their ids or without.
std::string ScanAll(const std::vector<Cell>& cells, bool with_ids, std::size_t detailed,
                    std::size_t* scanned = nullptr) {
  CellScanner scanner;
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::vector<Finding> found;
    std::vector<Kind> counted;
    scanner.Scan(cells[i].text, cells[i].header, CellAt("A" + std::to_string(i + 1)), detailed,
                 &found, &counted, with_ids ? cells[i].id : 0);
    out += Describe(found, counted);
  }
  if (scanned != nullptr) *scanned = scanner.blocks_scanned();
  return out;
}

// Cells of every kind the bench has, at the 256- and 512-byte boundaries, and empty.
std::vector<Cell> MixedCells() {
  std::vector<Cell> cells;
  // With a classification label (always reported whole, past the cap too) and with five
  // findings in one cell (more than the cache keeps inline).
  const std::string texts[] = {
      "山田 太郎",
      "090-1234-5678",
      "815908301661",
      "埼玉県本庄市本庄3丁目5番7号",
      "",
      "SMITH JOHN",
      "【秘】 090-1234-5678",
      "090-1234-5678 0495-25-1111 080-2222-3333 03-1234-5678 06-6123-4567"};
  const std::string headers[] = {"氏名", "電話番号", "個人番号", "住所",
                                 "",     "備考",     "メモ",     "連絡先"};
  for (int r = 0; r < 30; ++r) {
    for (int c = 0; c < 8; ++c) {
      // Ten rows under one heading, then the next: ids repeat under one heading and
      // under others.
      cells.push_back({texts[c], headers[(c + r / 10) % 8], static_cast<std::uint64_t>(c + 1)});
    }
  }
  for (std::size_t size : {255u, 256u, 257u, 511u, 512u, 513u, 4000u}) {
    std::string text(size - 14, 'x');
    text += " 0495-25-1111";  // 13 bytes + the space
    text.resize(size, ' ');
    for (int k = 0; k < 3; ++k) cells.push_back({text, "電話", 100 + size});
  }
  return cells;
}

TEST(CellScannerTextIdTest, SameFindingsWithIdsAsWithout) {
  const std::vector<Cell> cells = MixedCells();
  for (std::size_t detailed : {std::size_t{0}, std::size_t{1}, std::size_t{1000}}) {
    EXPECT_EQ(ScanAll(cells, true, detailed), ScanAll(cells, false, detailed)) << detailed;
  }
  const std::string all = ScanAll(cells, true, 1000);
  EXPECT_NE(all.find("山田太郎"), std::string::npos);
  EXPECT_NE(all.find("0661234567"), std::string::npos) << all;
  // Past the cap, the label still comes whole from the cache; the phone numbers as kinds.
  const std::string capped = ScanAll(cells, true, 0);
  EXPECT_NE(capped.find(" 秘 "), std::string::npos) << capped;
}

// More repeated cells than the cache's 8 MiB: it starts afresh and still gives each cell
// its own findings (and remembers again).
TEST(CellScannerTextIdTest, CacheStartsAfreshPastItsBudget) {
  std::vector<Cell> cells;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 24000; ++i) {
      std::string text = "埼玉県本庄市本庄" + std::to_string(1 + i % 9) + "丁目" +
                         std::to_string(1 + i % 97) + "番" + std::to_string(1 + i / 97) + "号 " +
                         std::string(200, 'x');
      cells.push_back({text, "住所", static_cast<std::uint64_t>(1 + i)});
    }
  }
  std::size_t scanned = 0;
  const std::string with_ids = ScanAll(cells, true, 100, &scanned);
  EXPECT_EQ(with_ids, ScanAll(cells, false, 100));
  EXPECT_GT(scanned, 48000u);  // the third round was (here wholly) forgotten
  // After the resets a repeated cell is remembered again: of four sightings, two scans.
  for (int k = 0; k < 4; ++k) cells.push_back({"山田 太郎", "氏名", 999999});
  std::size_t scanned_more = 0;
  ScanAll(cells, true, 100, &scanned_more);
  EXPECT_EQ(scanned_more, scanned + 2);
}

// The id decides only whether a cell may have been seen: a repeated one is scanned once
// more (then remembered), later ones come from the cache.
TEST(CellScannerTextIdTest, RepeatedIdIsScannedTwiceThenRemembered) {
  std::vector<Cell> cells;
  for (int i = 0; i < 50; ++i) cells.push_back({"埼玉県本庄市本庄3丁目5番7号", "住所", 7});
  std::size_t scanned = 0;
  const std::string with_ids = ScanAll(cells, true, 1000, &scanned);
  EXPECT_EQ(scanned, 2u);
  EXPECT_EQ(with_ids, ScanAll(cells, false, 1000));
  // Thousands of unique cells between two sightings do not make the id forgotten.
  cells.clear();
  cells.push_back({"埼玉県本庄市本庄3丁目5番7号", "住所", 1});
  for (int i = 0; i < 40000; ++i) cells.push_back({std::to_string(100000 + i), "", 2u + i});
  for (int i = 0; i < 3; ++i) cells.push_back({"埼玉県本庄市本庄3丁目5番7号", "住所", 1});
  ScanAll(cells, true, 0, &scanned);
  EXPECT_EQ(scanned, 40000u + 2u);
}

// Hostile or mistaken ids: one id for different texts, or one text under two headings,
// or ids past the bitmap's range: still each cell's own findings.
TEST(CellScannerTextIdTest, IdsThatLieChangeNoFinding) {
  std::vector<Cell> cells;
  for (int i = 0; i < 20; ++i) {
    cells.push_back({"山田 太郎", "氏名", 5});
    cells.push_back({"山田 太郎", "氏名", 5});
    cells.push_back({"佐藤 花子", "氏名", 5});  // same id and heading, another text
    cells.push_back({"090-1234-5678", "電話", 5});
    cells.push_back({"山田 太郎", "", 5});
    cells.push_back({"080-2222-3333", "電話", ~std::uint64_t{0}});
    cells.push_back({"佐藤 花子", "氏名", std::uint64_t{1} << 24});
    cells.push_back({"佐藤 花子", "氏名", (std::uint64_t{1} << 24) - 1});
  }
  const std::string with_ids = ScanAll(cells, true, 1000);
  EXPECT_EQ(with_ids, ScanAll(cells, false, 1000));
  EXPECT_NE(with_ids.find("09012345678"), std::string::npos);
  EXPECT_NE(with_ids.find("佐藤花子"), std::string::npos);
}

// Shared-string cells carry their index + 1; inline strings and numbers carry none.
TEST(XlsxTextIdTest, SharedStringCellsCarryTheirIndex) {
  const std::string xlsx = XlsxWith(
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c>"
      "<c r=\"B1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"inlineStr\"><is><t>x</t></is></c>"
      "<c r=\"D1\"><v>12</v></c><c r=\"E1\" t=\"s\"><v>1</v></c></row></sheetData></worksheet>",
      "<sst><si><t>氏名</t></si><si><t>電話</t></si></sst>");
  RecordingSink sink(Limits{});
  XlsxExtractor().Extract(xlsx, sink);
  ASSERT_NE(sink.Cell("S", "E1"), nullptr);
  EXPECT_EQ(sink.Cell("S", "A1")->text_id, 2u);
  EXPECT_EQ(sink.Cell("S", "B1")->text_id, 1u);
  EXPECT_EQ(sink.Cell("S", "C1")->text_id, 0u);
  EXPECT_EQ(sink.Cell("S", "D1")->text_id, 0u);
  EXPECT_EQ(sink.Cell("S", "E1")->text_id, 2u);
}

// Resolve sorts even two candidates (it returns early only for fewer): findings come in
// text order, not in the order of the detectors that found them.
TEST(CellScannerTextIdTest, TwoFindingsOfACellComeInTextOrder) {
  std::vector<Finding> found;
  BlockInfo info;
  ScanTextBlock("埼玉県本庄市本庄3丁目5番7号 090-1234-5678", info, &found);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].kind, Kind::kAddress);
  EXPECT_EQ(found[1].kind, Kind::kPhone);
  found.clear();
  ScanTextBlock("090-1234-5678", info, &found);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, Kind::kPhone);
}

// Texts without a letter, as cells hold them (and as their normalised form is: full-width
// digits and dashes fold to ASCII), and some with one.
std::vector<std::string> LetterlessTexts() {
  std::vector<std::string> texts = {"0495-25-1111",
                                    "090-1234-5678",
                                    "815908301661",
                                    "8159 0830 1661",
                                    "1985/04/01",
                                    "1985-04-01",
                                    "367-0031",
                                    "03(1234)5678",
                                    "4111 1111 1111 1111",
                                    "1,234,567",
                                    "１２３４５６７８９０１８",
                                    "０９０－１２３４－５６７８",
                                    "(0)",
                                    "-",
                                    "12.5",
                                    "1234567890123",
                                    "0120-123-456",
                                    "#1 @2 %3",
                                    "2024/1/1 12:00",
                                    "\t123\n456"};
  std::string digits;
  for (int i = 0; i < 300; ++i) digits += static_cast<char>('0' + (i * 7) % 10);
  for (std::size_t n : {200u, 254u, 255u, 256u, 257u, 300u}) texts.push_back(digits.substr(0, n));
  return texts;
}

const char* const kHeadings[] = {"",         "氏名",     "住所",       "電話番号", "個人番号",
                                 "生年月日", "口座番号", "保険者番号", "備考",     "Name"};

// What Detector::NeedsLetter promises: nothing found in a text without a letter, under any
// heading. (The text layer skips these detectors for such short blocks.)
TEST(ShortCellPrefilterTest, DetectorsThatNeedALetterFindNothingWithoutOne) {
  int needing = 0;
  for (const Detector* d : AllDetectors()) {
    if (!d->NeedsLetter()) continue;
    ++needing;
    for (const std::string& text : LetterlessTexts()) {
      for (const char* heading : kHeadings) {
        const std::string normalized = NormalizeForDetection(text);
        const std::string header = NormalizeForDetection(heading);
        // No number tokens: neither detector that needs a letter reads them (a detector
        // that did would be caught by ShortBlocksFindWhatLongBlocksFind, which runs the
        // whole text layer).
        const std::vector<NumberToken> numbers;
        ScanText scan{normalized, header, &numbers, nullptr};
        std::vector<Candidate> out;
        d->Detect(scan, out);
        EXPECT_TRUE(out.empty()) << d->name() << " found something in " << text << " under "
                                 << heading;
      }
    }
  }
  EXPECT_GE(needing, 2);  // person names and addresses
}

// The short path (a block under 256 bytes, looked at whole first) gives what the long path
// gives: the same cell padded past 256 bytes with trailing spaces.
TEST(ShortCellPrefilterTest, ShortBlocksFindWhatLongBlocksFind) {
  std::vector<std::string> texts = LetterlessTexts();
  for (const char* t : {"山田 太郎", "SMITH JOHN", "埼玉県本庄市本庄3丁目5番7号", "taro@example.jp",
                        "秘", "Tel 0495-25-1111", "本庄市 1-2-3", "ｻﾄｳ ﾀﾛｳ"}) {
    texts.push_back(t);
  }
  int found_some = 0;
  for (const std::string& text : texts) {
    if (text.size() >= 256) continue;
    for (const char* heading : kHeadings) {
      BlockInfo info;
      info.header = heading;
      std::vector<Finding> short_found, long_found;
      ScanTextBlock(text, info, &short_found);
      ScanTextBlock(text + std::string(300, ' '), info, &long_found);
      ASSERT_EQ(short_found.size(), long_found.size()) << text << " under " << heading;
      for (std::size_t i = 0; i < short_found.size(); ++i) {
        EXPECT_EQ(short_found[i].kind, long_found[i].kind) << text;
        EXPECT_EQ(short_found[i].normalized, long_found[i].normalized) << text;
        EXPECT_EQ(short_found[i].location.offset, long_found[i].location.offset) << text;
        EXPECT_EQ(short_found[i].confidence, long_found[i].confidence) << text;
      }
      found_some += short_found.empty() ? 0 : 1;
    }
  }
  EXPECT_GT(found_some, 20);
}

// What the prefilter relies on for required words: a text without a letter holds none, so
// the heading alone decides.
TEST(ShortCellPrefilterTest, RequiredWordsAreNeverFoundInATextWithoutALetter) {
  const RequiredWords& words = RequiredWords::ForAllDetectors();
  for (const std::string& text : LetterlessTexts()) {
    for (const char* heading : kHeadings) {
      EXPECT_EQ(words.Present(text, heading), words.Present("", heading)) << text;
    }
  }
}

// Shared-string cells are views of the table, not copies: headings, first texts and the
// cells themselves must still read right, over rows enough to regrow every buffer.
TEST(XlsxTextIdTest, SharedStringCellsKeepTheirTextHeadingsAndFirstTexts) {
  std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>2</v></c></row>"
      "<row r=\"3\"><c r=\"C3\" t=\"s\"><v>5</v></c></row>";
  for (int r = 4; r < 200; ++r) {
    const std::string n = std::to_string(r);
    rows += "<row r=\"" + n + "\"><c r=\"A" + n + "\" t=\"s\"><v>3</v></c><c r=\"B" + n +
            "\" t=\"s\"><v>4</v></c><c r=\"C" + n + "\" t=\"inlineStr\"><is><t>" + n +
            "</t></is></c><c r=\"D" + n + "\" t=\"s\"><v>" + std::to_string(r % 2 ? 5 : 3) +
            "</v></c></row>";
  }
  const std::string xlsx =
      XlsxWith("<worksheet><sheetData>" + rows + "</sheetData></worksheet>",
               "<sst><si><t>名簿</t></si><si><t>氏名</t></si><si><t>電話番号</t></si>"
               "<si><t>山田 太郎</t></si><si><t>090-1234-5678</t></si><si><t>メモ欄</t></si>"
               "</sst>");
  RecordingSink sink(Limits{});
  XlsxExtractor().Extract(xlsx, sink);
  ASSERT_NE(sink.Cell("S", "D199"), nullptr);
  EXPECT_EQ(sink.Cell("S", "A1")->text, "名簿");
  EXPECT_EQ(sink.Cell("S", "A2")->header, "");
  EXPECT_EQ(sink.Cell("S", "C3")->text, "メモ欄");
  for (int r = 4; r < 200; ++r) {
    const std::string n = std::to_string(r);
    EXPECT_EQ(sink.Cell("S", "A" + n)->text, "山田 太郎");
    EXPECT_EQ(sink.Cell("S", "A" + n)->header, "氏名");
    EXPECT_EQ(sink.Cell("S", "B" + n)->text, "090-1234-5678");
    EXPECT_EQ(sink.Cell("S", "B" + n)->header, "電話番号");
    EXPECT_EQ(sink.Cell("S", "C" + n)->text, n);
    EXPECT_EQ(sink.Cell("S", "C" + n)->header, "メモ欄");  // the column's first text
    EXPECT_EQ(sink.Cell("S", "D" + n)->text, r % 2 ? "メモ欄" : "山田 太郎");
    EXPECT_EQ(sink.Cell("S", "D" + n)->header, r == 4 ? "" : "山田 太郎");  // D4 is its first
  }
}

// Cell references, written into a reused string (once per cell): short after long, the
// last column of a sheet, and past it.
TEST(XlsxTextIdTest, CellReferencesReuseTheirString) {
  std::string ref = "a much longer earlier value than any reference";
  AssignCellRef(0, 1, &ref);
  EXPECT_EQ(ref, "A1");
  AssignCellRef(25, 10, &ref);
  EXPECT_EQ(ref, "Z10");
  AssignCellRef(26, 1, &ref);
  EXPECT_EQ(ref, "AA1");
  AssignCellRef(16383, 1048576, &ref);
  EXPECT_EQ(ref, "XFD1048576");
  AssignCellRef(0, 18446744073709551615u, &ref);
  EXPECT_EQ(ref, "A18446744073709551615");
  EXPECT_EQ(CellRef(701, 7), "ZZ7");
  EXPECT_EQ(CellRef(702, 7), "AAA7");
  std::uint64_t column = 0, row = 0;
  ASSERT_TRUE(ParseCellRef(CellRef(16383, 1048576), &column, &row));
  EXPECT_EQ(column, 16383u);
  EXPECT_EQ(row, 1048576u);
}

// Cell values as sheets write them, and as hostile ones might: the quick reading of plain
// digits must agree with strtoul on everything else (spaces, signs, 10+ digits, overflow).
TEST(XlsxTextIdTest, SharedStringIndexesReadAsStrtoulReadsThem) {
  const std::string xlsx = XlsxWith(
      "<worksheet><sheetData><row r=\" 7\"><c t=\"s\"><v>1</v></c>"
      "<c t=\"s\"><v> 1</v></c><c t=\"s\"><v>-1</v></c><c t=\"s\"><v>1x</v></c>"
      "<c t=\"s\"><v>0000000001</v></c><c t=\"s\"><v>18446744073709551617</v></c>"
      "<c t=\"s\"><v>000000000</v></c><c t=\"s\"><v></v></c><c t=\"s\"><v>+1</v></c>"
      "</row><row r=\"x\"><c t=\"s\" s=\" 1\"><v>0</v></c></row></sheetData></worksheet>",
      "<sst><si><t>氏名</t></si><si><t>電話</t></si></sst>");
  RecordingSink sink(Limits{});
  XlsxExtractor().Extract(xlsx, sink);
  const char* const expected[][2] = {
      {"A7", "電話"},  {"B7", "電話"}, {"C7", nullptr}, {"D7", "電話"}, {"E7", "電話"},
      {"F7", nullptr}, {"G7", "氏名"}, {"H7", nullptr}, {"I7", "電話"}, {"A8", "氏名"}};
  for (const auto& [cell, text] : expected) {
    const RecordedBlock* b = sink.Cell("S", cell);
    if (text == nullptr) {
      EXPECT_EQ(b, nullptr) << cell;
    } else {
      ASSERT_NE(b, nullptr) << cell;
      EXPECT_EQ(b->text, text) << cell;
    }
  }
  bool named = false;
  for (const auto& e : sink.errors) {
    named = named || e.message.find("3 cell(s)") != std::string::npos;
  }
  EXPECT_TRUE(named);
}

// Every event and attribute, to compare the lean scanner with expat.
class AttributeLog : public XmlHandler {
 public:
  bool StartElement(std::string_view local, const XmlAttributes& a) override {
    log += "<" + std::string(local);
    for (const char* name : {"a", "b", "c", "d", "e", "f", "g", "h", "属性"}) {
      if (auto v = a.Get(name)) log += " " + std::string(name) + "=[" + std::string(*v) + "]";
    }
    log += ">";
    return true;
  }
  bool EndElement(std::string_view local) override {
    log += "</" + std::string(local) + ">";
    return true;
  }
  bool Characters(std::string_view text) override {
    log += std::string(text);
    return true;
  }
  std::string log;
};

std::string LeanLog(std::string_view xml, std::string* error) {
  Budget budget{Limits{}};
  AttributeLog log;
  auto e = ParseLeanXml(xml, "part.xml", log, budget);
  *error = e ? e->message : "";
  return log.log;
}

// The scanner's quick paths (plain attribute values, ASCII names) and the general ones
// they leave the rest to: the same events as expat, the same errors at the same bytes.
TEST(LeanXmlQuickPathTest, PlainValuesAndNamesGiveWhatExpatGives) {
  const std::string parts[] = {
      "<r a=\"it's\" b='say \"hi\"' c=\"x&#9;y\" d=\"\" e=\"~ !\" f=\"\x7F\" g=\"山田\" "
      "h=\"A1\"/>",
      "<名前 属性=\"1\" a='q'><x:b x:a=\"v\" xmlns:x=\"u\">t</x:b></名前>",
      "<r a=\"x\ty\" b=\"1&amp;2\" c=\"&lt;\"/>",
      "<a><b>12</b><b >3</b ><x:c xmlns:x=\"u\">山田</x:c><d>a&amp;b</d><e>]x</e>t</a>",
      "<a>\n  <b/>\n  <c>text</c>\n</a>",
  };
  for (const std::string& xml : parts) {
    Budget budget{Limits{}};
    AttributeLog expat;
    ASSERT_FALSE(ParseXml(xml, "part.xml", expat, budget)) << xml;
    std::string error;
    EXPECT_EQ(LeanLog(xml, &error), expat.log) << xml;
    EXPECT_EQ(error, "") << xml;
  }
  const std::pair<std::string, std::string> bad[] = {
      {"<r a=\"<\"/>", "('<' in an attribute value at byte 5)"},
      {"<r a=\"1", "(unterminated attribute value at byte 5)"},
      {"<r a=\"1\" a='2'/>", "(duplicate attribute at byte 9)"},
      {"<r a=\"\x01\"/>", "(invalid character at byte 6)"},
      {"<r a=\"\xC3\"/>", "(invalid character at byte 6)"},
      {"<r\xFF/>", "(invalid character in a name at byte 2)"},
      {"<r\xE5\xB1/>", "(invalid character in a name at byte 2)"},
      {"<r a=\"1\"b=\"2\"/>", "(space expected between attributes at byte 8)"},
      {"<a><b></bb></a>", "(mismatched end tag at byte 6)"},
      {"<a><bc></b></a>", "(mismatched end tag at byte 7)"},
      {"<a><b></b", "(unterminated end tag at byte 6)"},
      {"<a><b></a></b>", "(mismatched end tag at byte 6)"},
      {"<a>text", "(unterminated element at byte 3)"},
      {"<a>x]]>y</a>", "(']]>' in character data at byte 4)"},
      {"<a>x\x01</a>", "(invalid character at byte 4)"},
  };
  for (const auto& [xml, words] : bad) {
    std::string error;
    LeanLog(xml, &error);
    EXPECT_EQ(error, "part.xml is not well-formed XML " + words) << xml;
  }
}

// ZipArchive::Read inflates an intact entry of known size in one call (libdeflate); every
// entry must come out as Stream gives it: the same bytes, error and budget charged,
// whether intact, lying about its size or CRC, truncated, corrupt or over a limit.
struct ReadResult {
  std::string bytes;
  std::string error;
  std::uint64_t charged = 0;
};

ReadResult ReadEntry(const std::string& zip, const Limits& limits, std::uint64_t max_bytes,
                     bool streamed) {
  ZipArchive archive(zip);
  EXPECT_TRUE(archive.ok());
  Budget budget(limits);
  ReadResult r;
  std::optional<FileError> e;
  if (streamed) {
    e = archive.Stream(archive.entries()[0], budget, max_bytes, [&](std::string_view piece) {
      r.bytes.append(piece);
      return true;
    });
  } else {
    e = archive.Read(archive.entries()[0], budget, max_bytes, &r.bytes);
  }
  if (e) r.error = std::to_string(static_cast<int>(e->code)) + " " + e->message;
  r.charged = budget.bytes_used();
  return r;
}

TEST(ZipReadWholeTest, ReadGivesWhatStreamGives) {
  std::string sheet;
  for (int i = 0; sheet.size() < 300000; ++i) {
    sheet += "<c r=\"A" + std::to_string(i) + "\" t=\"s\"><v>" + std::to_string(i * 7) + "</v></c>";
  }
  std::vector<std::pair<std::string, ZipBuilderEntry>> cases;
  cases.push_back({"intact", ZipBuilderEntry("s.xml", sheet)});
  cases.push_back({"stored", ZipBuilderEntry("s.xml", sheet, false)});
  cases.push_back({"one byte", ZipBuilderEntry("s.xml", "x")});
  ZipBuilderEntry bad_crc("s.xml", sheet);
  bad_crc.declared_crc = 12345;
  cases.push_back({"bad crc", bad_crc});
  ZipBuilderEntry longer("s.xml", sheet);
  longer.declared_size = static_cast<std::uint32_t>(sheet.size() + 1);
  cases.push_back({"declared longer", longer});
  ZipBuilderEntry shorter("s.xml", sheet);
  shorter.declared_size = static_cast<std::uint32_t>(sheet.size() - 1);
  cases.push_back({"declared shorter", shorter});
  ZipBuilderEntry huge("s.xml", sheet);
  huge.declared_size = 0xFFFFFFF0u;
  cases.push_back({"declared huge", huge});
  for (const auto& [label, entry] : cases) {
    const std::string zip = ZipBuilder().Add(entry).Build();
    for (std::uint64_t tree :
         {std::uint64_t{1} << 40, std::uint64_t{200000}, std::uint64_t{65536}, std::uint64_t{1}}) {
      Limits limits;
      limits.max_tree_bytes = tree;
      for (std::uint64_t max_bytes : {std::uint64_t{1} << 30, std::uint64_t{100000}}) {
        const ReadResult read = ReadEntry(zip, limits, max_bytes, false);
        const ReadResult streamed = ReadEntry(zip, limits, max_bytes, true);
        EXPECT_EQ(read.error, streamed.error) << label << " " << tree << " " << max_bytes;
        EXPECT_EQ(read.bytes, streamed.bytes) << label << " " << tree << " " << max_bytes;
        EXPECT_EQ(read.charged, streamed.charged) << label << " " << tree << " " << max_bytes;
      }
    }
  }
  EXPECT_EQ(ReadEntry(ZipBuilder().Add("s.xml", sheet).Build(), Limits{}, 1u << 30, false).bytes,
            sheet);
  // Corrupt deflate data and a truncated archive.
  std::string zip = ZipBuilder().Add("s.xml", sheet).Build();
  for (std::size_t at : {std::size_t{40}, std::size_t{500}, zip.size() / 2}) {
    std::string broken = zip;
    broken[at] = static_cast<char>(broken[at] ^ 0x5A);
    for (const std::string& z : {broken, zip.substr(0, zip.size() / 2)}) {
      ZipArchive archive(z);
      if (!archive.ok() || archive.entries().empty()) continue;
      const ReadResult read = ReadEntry(z, Limits{}, 1u << 30, false);
      const ReadResult streamed = ReadEntry(z, Limits{}, 1u << 30, true);
      EXPECT_EQ(read.error, streamed.error) << at;
      EXPECT_EQ(read.bytes, streamed.bytes) << at;
    }
  }
}

}  // namespace
}  // namespace doccheck
