// Tests of TextStreamScanner (text/block_scanner.h) and Checker::CheckFile on large plain
// text: findings placed across the chunk boundaries are each reported exactly once, with the
// line number and the byte offset of the original file, in every supported encoding.
#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "doccheck/checker.h"
#include "synthetic_ids.h"
#include "text/block_scanner.h"
#include "text/decode.h"

namespace doccheck {
namespace {

using testing::MakeMyNumber;

constexpr std::size_t kChunk = 4u << 20;  // TextStreamScanner's default chunk
constexpr std::size_t kHead = 64u << 10;  // what CheckFile reads first to sniff

std::string Encode(const std::string& utf8, const std::string& to) {
  if (to == "UTF-8") return utf8;
  std::string out(utf8.size() * 4 + 16, '\0');
  UErrorCode status = U_ZERO_ERROR;
  const int32_t n = ucnv_convert(to.c_str(), "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                                 utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  out.resize(U_SUCCESS(status) ? static_cast<std::size_t>(n) : 0);
  return out;
}

struct StreamEncoding {
  const char* name;
  std::string icu;
  std::string bom;
  std::string eol;
  Charset charset;
};

struct Expected {
  std::string value;
  int line;
  std::uint64_t offset;
  bool operator==(const Expected& o) const {
    return value == o.value && line == o.line && offset == o.offset;
  }
};

void PrintTo(const Expected& e, std::ostream* os) {
  *os << "{" << e.value << ", line " << e.line << ", offset " << e.offset << "}";
}

// Builds an encoded document line by line, remembering where each My Number is.
class Doc {
 public:
  explicit Doc(const StreamEncoding& e) : e_(e) {
    bytes_ = e.bom;
    filler_ = Encode("見本の文章です。番号はありません。" + e.eol, e.icu);
    eol_ = Encode(e.eol, e.icu);
    unit_ = Encode("x", e.icu).size();
  }

  // Filler lines so that the document is exactly `target` bytes long.
  void FillTo(std::size_t target) {
    while (bytes_.size() + filler_.size() + 400 < target) {
      bytes_ += filler_;
      ++line_;
    }
    const std::size_t rem = target - bytes_.size();
    const std::size_t n = (rem - eol_.size()) / unit_;
    bytes_ += Encode(std::string(n, 'x'), e_.icu) + eol_;
    ++line_;
    ASSERT_EQ(bytes_.size(), target);
  }

  // A line "<prefix><value>" whose value's bytes straddle `boundary` (5 digits before).
  void ValueAcross(std::size_t boundary, const std::string& prefix, const std::string& value) {
    const std::string p = Encode(prefix, e_.icu);
    FillTo(boundary - p.size() - 5 * unit_);
    expected_.push_back({value, line_, bytes_.size() + p.size()});
    bytes_ += p + Encode(value, e_.icu) + eol_;
    ++line_;
  }

  // A label line ending just before `boundary`, the bare value on the next line.
  void LabelAboveAcross(std::size_t boundary, const std::string& label, const std::string& value) {
    const std::string l = Encode(label, e_.icu) + eol_;
    FillTo(boundary - l.size());
    bytes_ += l;
    ++line_;
    expected_.push_back({value, line_, bytes_.size()});
    bytes_ += Encode(value, e_.icu) + eol_;
    ++line_;
  }

  void Finish(std::size_t target) { FillTo(target); }

  const std::string& bytes() const { return bytes_; }
  const std::vector<Expected>& expected() const { return expected_; }

 private:
  const StreamEncoding& e_;
  std::string bytes_;
  std::string filler_, eol_;
  std::size_t unit_ = 1;
  int line_ = 1;
  std::vector<Expected> expected_;
};

std::vector<Expected> MyNumbers(const std::vector<Finding>& findings, double min_confidence) {
  std::vector<Expected> out;
  for (const Finding& f : findings) {
    if (f.kind != Kind::kMyNumber) continue;
    EXPECT_GE(f.confidence, min_confidence) << f.normalized;
    out.push_back({f.normalized, f.location.line.value_or(-1), f.location.offset});
  }
  std::sort(out.begin(), out.end(),
            [](const Expected& a, const Expected& b) { return a.offset < b.offset; });
  return out;
}

// A ~9 MiB document with My Numbers across every boundary the scanner or CheckFile uses.
Doc BigDoc(const StreamEncoding& e) {
  Doc doc(e);
  doc.ValueAcross(kChunk, "個人番号 ", MakeMyNumber("10000000001"));
  doc.ValueAcross(kChunk + kHead, "個人番号：", MakeMyNumber("10000000002"));
  doc.LabelAboveAcross(2 * kChunk, "個人番号", MakeMyNumber("10000000003"));
  doc.ValueAcross(2 * kChunk + kHead, "マイナンバー ", MakeMyNumber("10000000004"));
  doc.LabelAboveAcross(2 * kChunk + 2 * kHead, "個人番号", MakeMyNumber("10000000005"));
  doc.Finish(2 * kChunk + 4 * kHead);
  return doc;
}

const StreamEncoding kStreamEncodings[] = {
    {"Utf8Lf", "UTF-8", "", "\n", Charset::kUtf8},
    {"Utf8Crlf", "UTF-8", "", "\r\n", Charset::kUtf8},
    {"Utf8BomCrlf", "UTF-8", "\xEF\xBB\xBF", "\r\n", Charset::kUtf8},
    {"Utf16LeBom", "UTF-16LE", "\xFF\xFE", "\n", Charset::kUtf16Le},
    {"Utf16BeBomCrlf", "UTF-16BE", "\xFE\xFF", "\r\n", Charset::kUtf16Be},
    {"ShiftJisCrlf", "windows-31j", "", "\r\n", Charset::kShiftJis},
    {"EucJp", "EUC-JP", "", "\n", Charset::kEucJp},
};

class StreamEncodingTest : public ::testing::TestWithParam<StreamEncoding> {};

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("doccheck_stream_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST_P(StreamEncodingTest, CheckFileFindsEachNumberAcrossChunkBoundariesOnce) {
  const Doc doc = BigDoc(GetParam());
  const std::string path = TempPath(std::string(GetParam().name) + ".txt");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(doc.bytes().data(), static_cast<std::streamsize>(doc.bytes().size()));
  }
  const FileReport report = Checker().CheckFile(path, "big.txt");
  std::filesystem::remove(path);
  EXPECT_EQ(report.format, "txt");
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(MyNumbers(report.findings, 0.9), doc.expected());
}

TEST_P(StreamEncodingTest, ScannerFedInChunkSizedPiecesFindsEachNumberOnce) {
  const Doc doc = BigDoc(GetParam());
  std::vector<Finding> out;
  TextStreamScanner scanner(GetParam().charset, Location{}, &out);
  const std::string_view all = doc.bytes();
  for (std::size_t p = 0; p < all.size(); p += kChunk) scanner.Feed(all.substr(p, kChunk), false);
  scanner.Feed({}, true);
  EXPECT_EQ(MyNumbers(out, 0.9), doc.expected());
}

TEST_P(StreamEncodingTest, ScannerFedInOddPiecesFindsEachNumberOnce) {
  const Doc doc = BigDoc(GetParam());
  std::vector<Finding> out;
  TextStreamScanner scanner(GetParam().charset, Location{}, &out);
  const std::string_view all = doc.bytes();
  constexpr std::size_t kOdd = 999983;  // splits multi-byte characters somewhere
  for (std::size_t p = 0; p < all.size(); p += kOdd) scanner.Feed(all.substr(p, kOdd), false);
  scanner.Feed({}, true);
  EXPECT_EQ(MyNumbers(out, 0.9), doc.expected());
}

INSTANTIATE_TEST_SUITE_P(Encodings, StreamEncodingTest, ::testing::ValuesIn(kStreamEncodings),
                         [](const ::testing::TestParamInfo<StreamEncoding>& info) {
                           return std::string(info.param.name);
                         });

// Small chunks make every line a boundary: whatever the chunk size and the size of the
// pieces fed, the findings are those of one whole-text scan.
class SmallChunkTest
    : public ::testing::TestWithParam<std::tuple<StreamEncoding, std::size_t, std::size_t>> {};

TEST_P(SmallChunkTest, SameFindingsAsOneWholeScan) {
  const auto& [enc, chunk, piece] = GetParam();
  Doc doc(enc);
  for (int i = 0; i < 12; ++i) {
    const std::string value = MakeMyNumber("2000000000" + std::to_string(i % 10));
    if (i % 3 == 0) {
      doc.LabelAboveAcross(300 + i * 700, "個人番号", value);
    } else {
      doc.ValueAcross(300 + i * 700, i % 3 == 1 ? "個人番号 " : "マイナンバー：", value);
    }
  }
  doc.Finish(300 + 12 * 700 + 500);
  std::vector<Finding> out;
  TextStreamScanner scanner(enc.charset, Location{}, &out, chunk);
  const std::string_view all = doc.bytes();
  for (std::size_t p = 0; p < all.size(); p += piece) scanner.Feed(all.substr(p, piece), false);
  scanner.Feed({}, true);
  EXPECT_EQ(MyNumbers(out, 0.9), doc.expected());
}

INSTANTIATE_TEST_SUITE_P(
    Sweep, SmallChunkTest,
    ::testing::Combine(
        ::testing::Values(kStreamEncodings[0], kStreamEncodings[1], kStreamEncodings[3],
                          kStreamEncodings[5]),
        ::testing::Values(std::size_t{64}, std::size_t{100}, std::size_t{257}, std::size_t{1000}),
        ::testing::Values(std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{4096})),
    [](const auto& info) {
      return std::string(std::get<0>(info.param).name) + "_chunk" +
             std::to_string(std::get<1>(info.param)) + "_piece" +
             std::to_string(std::get<2>(info.param));
    });

// Every finding with everything a report shows of it, in the order the sink got them.
std::vector<std::string> Described(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) {
    out.push_back(std::to_string(static_cast<int>(f.kind)) + " " + f.normalized + " " + f.masked +
                  " " + std::to_string(f.confidence) + " @" + std::to_string(f.location.offset) +
                  " L" + std::to_string(f.location.line.value_or(-1)));
  }
  return out;
}

// A small document with findings on nearly every line (so that every chunk, the last
// ones too, has some: findings out of order would show), lines of every length.
std::string BusyDoc(const StreamEncoding& enc) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    const std::string n = std::to_string(1000 + i);
    text += std::string(static_cast<std::size_t>(i % 37), 'x');
    if (i % 5 == 0) text += "個人番号 " + MakeMyNumber("200000" + n + "0") + " ";
    if (i % 3 != 2) text += "電話 03-5555-" + n + " ";
    text += "〒100-" + std::to_string(8000 + i) + enc.eol;
  }
  return enc.bom + Encode(text, enc.icu);
}

// The pipeline (threads scanning while the calling thread reads the next chunk) hands the
// findings to the sink in text order, exactly as one thread does, whatever the chunk size
// and however the bytes are fed, through Feed or straight into the buffer with Reserve.
class PipelineTest
    : public ::testing::TestWithParam<std::tuple<StreamEncoding, std::size_t, std::size_t>> {};

TEST_P(PipelineTest, ThreadsAndReserveGiveWhatOneThreadFedGives) {
  const auto& [enc, chunk, piece] = GetParam();
  const std::string doc = BusyDoc(enc);
  const std::string_view all = doc;
  std::vector<Finding> one;
  {
    TextStreamScanner scanner(enc.charset, Location{}, &one, chunk, 1);
    for (std::size_t p = 0; p < all.size(); p += piece) scanner.Feed(all.substr(p, piece), false);
    scanner.Feed({}, true);
  }
  ASSERT_EQ(MyNumbers(one, 0.0).size(), 40u);
  ASSERT_GT(one.size(), 300u);
  ASSERT_GT(one.back().location.offset, all.size() - 100);  // the last chunk has findings too
  for (const int threads : {1, 2, 3}) {
    for (const bool reserve : {false, true}) {
      std::vector<Finding> out;
      TextStreamScanner scanner(enc.charset, Location{}, &out, chunk, threads);
      for (std::size_t p = 0; p < all.size(); p += piece) {
        const std::string_view bytes = all.substr(p, piece);
        if (!reserve) {
          scanner.Feed(bytes, false);
          continue;
        }
        // More room than is used, as when a read returns less than asked.
        char* room = scanner.Reserve(bytes.size() + 13);
        std::copy(bytes.begin(), bytes.end(), room);
        scanner.Commit(bytes.size(), false);
      }
      if (reserve) {
        scanner.Reserve(100);
        scanner.Commit(0, true);
      } else {
        scanner.Feed({}, true);
      }
      EXPECT_EQ(Described(out), Described(one)) << threads << " threads, reserve " << reserve;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Sweep, PipelineTest,
    ::testing::Combine(::testing::Values(kStreamEncodings[0], kStreamEncodings[2],
                                         kStreamEncodings[5]),
                       ::testing::Values(std::size_t{64}, std::size_t{257}, std::size_t{1000}),
                       ::testing::Values(std::size_t{1}, std::size_t{61}, std::size_t{4096})),
    [](const auto& info) {
      return std::string(std::get<0>(info.param).name) + "_chunk" +
             std::to_string(std::get<1>(info.param)) + "_piece" +
             std::to_string(std::get<2>(info.param));
    });

// A text file over max_file_bytes: the bytes read past the limit into the scanner's
// buffer are given back (Commit with fewer bytes than were read), so a number just below
// the limit is found and one just above it is not, with one thread and with the pipeline.
TEST(StreamLimitTest, OnlyTheBytesBelowTheLimitAreChecked) {
  const std::string below = MakeMyNumber("40000000001");
  const std::string above = MakeMyNumber("40000000002");
  const std::size_t limit = 150000;  // past the 64 KiB head, inside the first read
  std::string text;
  while (text.size() < limit - 200) text += "見本の文章です。番号はありません。\n";
  text += "個人番号 " + below + "\n";
  const std::size_t below_at = text.rfind(below);
  while (text.size() < limit + 100) text += "見本の文章です。番号はありません。\n";
  text += "個人番号 " + above + "\n";
  while (text.size() < 400000) text += "見本の文章です。番号はありません。\n";
  ASSERT_LT(below_at + 13, limit);
  const std::string path = TempPath("limit.txt");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  for (const int threads : {1, 2}) {
    Options options;
    options.reveal = true;
    options.threads_per_file = threads;
    options.limits.max_file_bytes = limit;
    const FileReport report = Checker(options).CheckFile(path);
    EXPECT_EQ(MyNumbers(report.findings, 0.9),
              (std::vector<Expected>{
                  {below,
                   static_cast<int>(
                       std::count(text.begin(), text.begin() + static_cast<long>(below_at), '\n')) +
                       1,
                   below_at}}))
        << threads;
    ASSERT_EQ(report.errors.size(), 1u) << threads;
    EXPECT_EQ(report.errors[0].code, ErrorCode::kLimit);
  }
  std::filesystem::remove(path);
}

TEST(StreamLongLineTest, NumberAcrossAForcedCutInALineWithoutBreaksIsFound) {
  // A single line longer than four chunks is cut anyway; a number on the cut must not be lost.
  const std::string value = MakeMyNumber("30000000001");
  std::string text(240, 'x');
  text += " 個人番号 ";
  const std::size_t offset = text.size();
  text += value + " " + std::string(2000, 'y');
  // chunk 64: cut at 256 bytes, inside the number.
  ASSERT_LT(offset, 256u);
  ASSERT_GT(offset + value.size(), 256u);
  std::vector<Finding> out;
  TextStreamScanner scanner(Charset::kUtf8, Location{}, &out, 64);
  for (std::size_t p = 0; p < text.size(); p += 16) scanner.Feed(text.substr(p, 16), false);
  scanner.Feed({}, true);
  EXPECT_EQ(MyNumbers(out, 0.0), (std::vector<Expected>{{value, 1, offset}}));
}

TEST(StreamTableTest, ColumnHeaderLabelsRowsAfterTheFirstChunk) {
  // A TSV table in a .txt file: the header of the birth-date column is far above rows
  // that come after the first chunk boundary.
  std::string text = "氏名\t生年月日\t備考\n";
  std::string row = "見本\t1985/11/20\tなし\n";
  std::size_t rows = 0;
  while (text.size() < kChunk + kHead + 4096) {
    text += row;
    ++rows;
  }
  const std::string path = TempPath("table.txt");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  const FileReport report = Checker().CheckFile(path);
  std::filesystem::remove(path);
  EXPECT_EQ(report.CountKind(Kind::kBirthDate), static_cast<int>(rows));
}

TEST(StreamTableTest, OrderNumberColumnStaysExcludedAfterTheFirstChunk) {
  // 12-digit order numbers with valid My Number check digits in an 注文番号 column.
  std::string text = "注文番号\t品名\t数量\n";
  const std::string row = MakeMyNumber("40000000001") + "\t見本品\t1\n";
  while (text.size() < kChunk + kHead + 4096) text += row;
  const std::string path = TempPath("orders.txt");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  const FileReport report = Checker().CheckFile(path);
  std::filesystem::remove(path);
  EXPECT_EQ(report.CountKind(Kind::kMyNumber), 0);
}

}  // namespace
}  // namespace doccheck
