// Tests of the PDF extractor (poppler-cpp).
#include <gtest/gtest.h>

#include <string>

#include "doccheck/extract_recording_sink.h"
#include "extract/container_extractors.h"

namespace doccheck {
namespace {

RecordingSink ExtractPdf(const std::string& bytes) {
  RecordingSink sink;
  PdfExtractor().Extract(bytes, sink);
  return sink;
}

TEST(PdfExtractorTest, CorpusGolden) {
  RecordingSink sink = ExtractPdf(CorpusFile("13_passport_residence.pdf"));
  ExpectGolden("13_passport_residence.pdf.txt", FormatRecording(sink));
  ASSERT_EQ(sink.blocks.size(), 1u);
  EXPECT_EQ(sink.blocks[0].where.page, 1);
  EXPECT_NE(sink.blocks[0].text.find("ZT39064979WH"), std::string::npos);
  EXPECT_TRUE(sink.errors.empty());
}

TEST(PdfExtractorTest, OfficeSuiteOutputWithHeaderAndFootnote) {
  RecordingSink sink = ExtractPdf(ExtractData("sample.pdf"));
  ASSERT_EQ(sink.blocks.size(), 1u);
  EXPECT_NE(sink.blocks[0].text.find("【取扱注意】"), std::string::npos);
  EXPECT_NE(sink.blocks[0].text.find("見本 太郎"), std::string::npos);
}

TEST(PdfExtractorTest, PageWithoutTextIsReported) {
  RecordingSink sink = ExtractPdf(ExtractData("scanned.pdf"));
  ASSERT_EQ(sink.blocks.size(), 1u);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].code, ErrorCode::kUnsupported);
  EXPECT_NE(sink.errors[0].message.find("page 2 "), std::string::npos);
}

TEST(PdfExtractorTest, UserPasswordIsEncrypted) {
  RecordingSink sink = ExtractPdf(ExtractData("locked.pdf"));
  EXPECT_TRUE(sink.HasError(ErrorCode::kEncrypted));
  EXPECT_TRUE(sink.blocks.empty());
}

TEST(PdfExtractorTest, OwnerPasswordOnlyIsRead) {
  RecordingSink sink = ExtractPdf(ExtractData("owner_password.pdf"));
  EXPECT_TRUE(sink.errors.empty());
  ASSERT_FALSE(sink.blocks.empty());
  EXPECT_NE(sink.blocks[0].text.find("見本 太郎"), std::string::npos);
}

TEST(PdfExtractorTest, GarbageAndTruncationAreCorrupt) {
  EXPECT_TRUE(ExtractPdf("%PDF-1.4 nothing more").HasError(ErrorCode::kCorrupt));
  EXPECT_TRUE(ExtractPdf("").HasError(ErrorCode::kCorrupt));
}

TEST(PdfExtractorTest, TruncatedFileNeverCrashes) {
  std::string pdf = CorpusFile("13_passport_residence.pdf");
  for (std::size_t cut : {pdf.size() / 4, pdf.size() / 2, pdf.size() - 100}) {
    RecordingSink sink = ExtractPdf(pdf.substr(0, cut));
    EXPECT_TRUE(!sink.errors.empty() || !sink.blocks.empty()) << cut;
  }
}

}  // namespace
}  // namespace doccheck
