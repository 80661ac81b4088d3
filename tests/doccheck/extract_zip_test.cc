// Tests of the ZIP reader, the ZIP archive extractor and ZIP format sniffing.
#include <gtest/gtest.h>

#include <string>

#include "doccheck/extract_recording_sink.h"
#include "doccheck/extract_zip_builder.h"
#include "extract/container_extractors.h"
#include "extract/zip_reader.h"
#include "extract/zip_sniff.h"

namespace doccheck {
namespace {

TEST(ZipReaderTest, ReadsStoredAndDeflatedEntries) {
  std::string zip = ZipBuilder().Add("a.txt", "hello", false).Add("b.txt", "world world").Build();
  ZipArchive archive(zip);
  ASSERT_TRUE(archive.ok());
  EXPECT_FALSE(archive.damaged());
  ASSERT_EQ(archive.entries().size(), 2u);
  Budget budget{Limits{}};
  std::string out;
  EXPECT_FALSE(archive.Read(archive.entries()[0], budget, 1000, &out));
  EXPECT_EQ(out, "hello");
  EXPECT_FALSE(archive.Read(*archive.Find("b.txt"), budget, 1000, &out));
  EXPECT_EQ(out, "world world");
  EXPECT_EQ(budget.bytes_used(), 16u);
}

TEST(ZipReaderTest, BadCrcIsCorrupt) {
  ZipBuilderEntry entry{"a.txt", "hello"};
  entry.declared_crc = 1234;
  std::string zip = ZipBuilder().Add(entry).Build();
  ZipArchive archive(zip);
  Budget budget{Limits{}};
  std::string out;
  auto error = archive.Read(archive.entries()[0], budget, 1000, &out);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kCorrupt);
  EXPECT_NE(error->message.find("a.txt"), std::string::npos);
}

TEST(ZipReaderTest, LyingSizeStopsAtTheLimitWhileInflating) {
  ZipBuilderEntry entry{"zeros.bin", std::string(8 << 20, '\0')};
  entry.declared_size = 10;  // claims to be tiny
  std::string zip = ZipBuilder().Add(entry).Build();
  ZipArchive archive(zip);
  Budget budget{Limits{}};
  std::string out;
  auto error = archive.Read(archive.entries()[0], budget, 1 << 20, &out);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kLimit);
  EXPECT_LE(out.size(), 1u << 20);
  EXPECT_LE(budget.bytes_used(), (1u << 20) + (64u << 10));
}

TEST(ZipReaderTest, TreeBudgetStopsReading) {
  std::string zip = ZipBuilder().Add("a.bin", std::string(300000, 'x')).Build();
  ZipArchive archive(zip);
  Limits limits;
  limits.max_tree_bytes = 100000;
  Budget budget(limits);
  std::string out;
  auto error = archive.Read(archive.entries()[0], budget, 1 << 20, &out);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kLimit);
}

TEST(ZipReaderTest, TruncatedArchiveIsSalvagedAndMarkedDamaged) {
  std::string zip = ZipBuilder().Add("a.txt", "first entry").Add("b.txt", "second").Build();
  std::string cut = zip.substr(0, zip.size() / 2 + 5);
  ZipArchive archive(cut);
  ASSERT_TRUE(archive.ok());
  EXPECT_TRUE(archive.damaged());
  ASSERT_GE(archive.entries().size(), 1u);
  Budget budget{Limits{}};
  std::string out;
  EXPECT_FALSE(archive.Read(archive.entries()[0], budget, 1000, &out));
  EXPECT_EQ(out, "first entry");
}

TEST(ZipReaderTest, GarbageIsNotOk) {
  ZipArchive archive("this is not a zip archive at all");
  EXPECT_FALSE(archive.ok());
}

TEST(ZipReaderTest, Cp932NamesBecomeUtf8) {
  // "名簿.csv" in CP932, without the UTF-8 flag.
  std::string zip = ZipBuilder().Add("\x96\xBC\x95\xEB.csv", "a,b").Build();
  // ZipBuilder always sets the UTF-8 flag; clear it in both headers.
  for (std::size_t at : {std::size_t{7}, zip.find("PK\x01\x02") + 9}) zip[at] = 0;
  ZipArchive archive(zip);
  ASSERT_EQ(archive.entries().size(), 1u);
  EXPECT_EQ(archive.entries()[0].name, "名簿.csv");
}

TEST(ZipArchiveExtractorTest, EntriesBecomeChildren) {
  RecordingSink sink;
  ZipArchiveExtractor().Extract(CorpusFile("14_bundle.zip"), sink);
  ExpectGolden("14_bundle.zip.txt", FormatRecording(sink));
  ASSERT_EQ(sink.children.size(), 2u);
  EXPECT_EQ(sink.children[0].name, "申請書/shinsei.docx");
  EXPECT_TRUE(sink.errors.empty());
}

TEST(ZipArchiveExtractorTest, NestedArchiveIsEmbedded) {
  RecordingSink sink;
  ZipArchiveExtractor().Extract(CorpusFile("15_nested.zip"), sink);
  ExpectGolden("15_nested.zip.txt", FormatRecording(sink));
  ASSERT_EQ(sink.children.size(), 2u);
  EXPECT_EQ(sink.children[1].name, "inner/archive.zip");
  EXPECT_EQ(SniffZipFormat(sink.children[1].bytes), "zip");
}

TEST(ZipArchiveExtractorTest, EncryptedEntryIsReportedByName) {
  RecordingSink sink;
  ZipArchiveExtractor().Extract(CorpusFile("16_encrypted.zip"), sink);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].code, ErrorCode::kEncrypted);
  EXPECT_NE(sink.errors[0].message.find("shinsei.docx"), std::string::npos);
  EXPECT_TRUE(sink.children.empty());
}

TEST(ZipArchiveExtractorTest, EncryptedEntryDoesNotStopTheOthers) {
  ZipBuilderEntry secret{"secret.txt", "x"};
  secret.extra_flags = 1;
  std::string zip = ZipBuilder().Add(secret).Add("open.txt", "visible").Build();
  RecordingSink sink;
  ZipArchiveExtractor().Extract(zip, sink);
  EXPECT_TRUE(sink.HasError(ErrorCode::kEncrypted));
  ASSERT_EQ(sink.children.size(), 1u);
  EXPECT_EQ(sink.children[0].bytes, "visible");
}

TEST(ZipArchiveExtractorTest, BombStopsAtTheLimitWithBoundedWork) {
  RecordingSink sink;
  ZipArchiveExtractor().Extract(CorpusFile("18_bomb.zip"), sink);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].code, ErrorCode::kLimit);
  EXPECT_NE(sink.errors[0].message.find("zeros.bin"), std::string::npos);
  EXPECT_TRUE(sink.children.empty());
  // Nothing near the 2000 MiB was unpacked.
  EXPECT_LE(sink.budget().bytes_used(), sink.budget().limits().max_file_bytes);
}

TEST(ZipArchiveExtractorTest, OverLimitEntryIsSkippedAndTheRestRead) {
  Limits limits;
  limits.max_file_bytes = 1000;
  std::string zip =
      ZipBuilder().Add("big.txt", std::string(5000, 'a')).Add("small.txt", "ok").Build();
  RecordingSink sink(limits);
  ZipArchiveExtractor().Extract(zip, sink);
  EXPECT_TRUE(sink.HasError(ErrorCode::kLimit));
  ASSERT_EQ(sink.children.size(), 1u);
  EXPECT_EQ(sink.children[0].name, "small.txt");
}

TEST(ZipArchiveExtractorTest, EntryLimit) {
  Limits limits;
  limits.max_entries = 2;
  std::string zip = ZipBuilder().Add("1", "a").Add("2", "b").Add("3", "c").Build();
  RecordingSink sink(limits);
  ZipArchiveExtractor().Extract(zip, sink);
  EXPECT_TRUE(sink.HasError(ErrorCode::kLimit));
  EXPECT_EQ(sink.children.size(), 2u);
}

TEST(ZipArchiveExtractorTest, DepthLimit) {
  Limits limits;
  limits.max_depth = 3;
  RecordingSink sink(limits, /*depth=*/3);
  ZipArchiveExtractor().Extract(ZipBuilder().Add("a.txt", "a").Build(), sink);
  EXPECT_TRUE(sink.HasError(ErrorCode::kLimit));
  EXPECT_TRUE(sink.children.empty());
}

TEST(ZipArchiveExtractorTest, DirectoriesAreSkipped) {
  RecordingSink sink;
  ZipArchiveExtractor().Extract(ZipBuilder().Add("dir/", "", false).Add("dir/a.txt", "a").Build(),
                                sink);
  ASSERT_EQ(sink.children.size(), 1u);
  EXPECT_EQ(sink.children[0].name, "dir/a.txt");
}

TEST(ZipArchiveExtractorTest, GarbageIsCorrupt) {
  RecordingSink sink;
  ZipArchiveExtractor().Extract("PK\x03\x04 but nothing after", sink);
  EXPECT_TRUE(sink.HasError(ErrorCode::kCorrupt));
}

TEST(SniffZipFormatTest, CorpusFiles) {
  EXPECT_EQ(SniffZipFormat(CorpusFile("08_application.docx")), "docx");
  EXPECT_EQ(SniffZipFormat(CorpusFile("09_residents.xlsx")), "xlsx");
  EXPECT_EQ(SniffZipFormat(CorpusFile("10_secret_slides.pptx")), "pptx");
  EXPECT_EQ(SniffZipFormat(CorpusFile("11_bank_transfer.odt")), "odt");
  EXPECT_EQ(SniffZipFormat(CorpusFile("12_residents.ods")), "ods");
  EXPECT_EQ(SniffZipFormat(CorpusFile("23_personnel_plan.odp")), "odp");
  EXPECT_EQ(SniffZipFormat(CorpusFile("14_bundle.zip")), "zip");
  EXPECT_EQ(SniffZipFormat(CorpusFile("16_encrypted.zip")), "zip");
  EXPECT_EQ(SniffZipFormat(CorpusFile("18_bomb.zip")), "zip");
}

TEST(SniffZipFormatTest, TruncatedDocxIsStillDocx) {
  EXPECT_EQ(SniffZipFormat(CorpusFile("17_truncated.docx")), "docx");
}

TEST(SniffZipFormatTest, FixturesMadeByLibreOffice) {
  for (const char* ext : {"docx", "xlsx", "pptx", "odt", "ods", "odp"}) {
    EXPECT_EQ(SniffZipFormat(ExtractData(std::string("sample.") + ext)), ext);
  }
}

}  // namespace
}  // namespace doccheck
