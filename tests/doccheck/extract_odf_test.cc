// Tests of the ODT, ODS and ODP extractors.
#include <gtest/gtest.h>

#include <string>

#include "doccheck/extract_recording_sink.h"
#include "doccheck/extract_zip_builder.h"
#include "extract/container_extractors.h"

namespace doccheck {
namespace {

RecordingSink ExtractWith(const Extractor& extractor, const std::string& bytes) {
  RecordingSink sink;
  extractor.Extract(bytes, sink);
  return sink;
}

TEST(OdtExtractorTest, CorpusGolden) {
  RecordingSink sink = ExtractWith(OdtExtractor(), CorpusFile("11_bank_transfer.odt"));
  ExpectGolden("11_bank_transfer.odt.txt", FormatRecording(sink));
  EXPECT_TRUE(sink.errors.empty());
}

TEST(OdtExtractorTest, HeaderFooterNotesAndComments) {
  RecordingSink sink = ExtractWith(OdtExtractor(), ExtractData("sample.odt"));
  ExpectGolden("sample.odt.txt", FormatRecording(sink));
  ASSERT_EQ(sink.blocks.size(), 2u);
  EXPECT_NE(sink.blocks[0].text.find("氏名\t見本 太郎\n"), std::string::npos);
  EXPECT_NE(sink.blocks[0].text.find("2026年4月1日"), std::string::npos);
  EXPECT_EQ(sink.blocks[0].text.find("Tester"), std::string::npos);  // comment author left out
  EXPECT_EQ(sink.blocks[1].where.part, "styles.xml");
  EXPECT_NE(sink.blocks[1].text.find("【取扱注意】"), std::string::npos);
}

TEST(OdtExtractorTest, PasswordProtectedIsEncrypted) {
  std::string odt = ZipBuilder()
                        .Add("mimetype", "application/vnd.oasis.opendocument.text", false)
                        .Add("META-INF/manifest.xml",
                             "<manifest:manifest xmlns:manifest=\"urn:m\"><manifest:file-entry "
                             "manifest:full-path=\"content.xml\"><manifest:encryption-data/>"
                             "</manifest:file-entry></manifest:manifest>")
                        .Add("content.xml", "\x01\x02 encrypted bytes")
                        .Build();
  RecordingSink sink = ExtractWith(OdtExtractor(), odt);
  EXPECT_TRUE(sink.HasError(ErrorCode::kEncrypted));
  EXPECT_TRUE(sink.blocks.empty());
}

TEST(OdsExtractorTest, CorpusGolden) {
  RecordingSink sink = ExtractWith(OdsExtractor(), CorpusFile("12_residents.ods"));
  ExpectGolden("12_residents.ods.txt", FormatRecording(sink));
  const RecordedBlock* number = sink.Cell("名簿", "H3");
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(number->header, "個人番号");
}

TEST(OdsExtractorTest, RepeatedRowsAndColumnsGiveTheRightCells) {
  RecordingSink sink = ExtractWith(OdsExtractor(), ExtractData("sample.ods"));
  ExpectGolden("sample.ods.txt", FormatRecording(sink));
  const RecordedBlock* phone = sink.Cell("Sheet2", "C14");
  ASSERT_NE(phone, nullptr);
  EXPECT_EQ(phone->text, "080-0000-5678");
  EXPECT_EQ(phone->header, "連絡先");
  // <table-cell number-columns-repeated="2"> in a row repeated twice: four cells.
  for (const char* cell : {"B4", "C4", "B5", "C5"}) {
    ASSERT_NE(sink.Cell("名簿", cell), nullptr) << cell;
    EXPECT_EQ(sink.Cell("名簿", cell)->text, "同上");
  }
}

TEST(OdsExtractorTest, HugeEmptyRepeatsCostNothing) {
  std::string content =
      "<office:document-content xmlns:office=\"urn:o\" xmlns:table=\"urn:t\" "
      "xmlns:text=\"urn:x\"><office:body><office:spreadsheet><table:table table:name=\"S\">"
      "<table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell "
      "table:number-columns-repeated=\"16384\"/></table:table-row><table:table-row>"
      "<table:table-cell table:number-columns-repeated=\"3\"/><table:table-cell "
      "office:value-type=\"string\"><text:p>end</text:p></table:table-cell></table:table-row>"
      "</table:table></office:spreadsheet></office:body></office:document-content>";
  RecordingSink sink =
      ExtractWith(OdsExtractor(), ZipBuilder().Add("content.xml", content).Build());
  ASSERT_EQ(sink.blocks.size(), 1u);
  EXPECT_EQ(sink.blocks[0].where.cell, "D1048576");
}

TEST(OdsExtractorTest, HostileRepeatsOfTextAreBounded) {
  std::string content =
      "<office:document-content xmlns:office=\"urn:o\" xmlns:table=\"urn:t\" "
      "xmlns:text=\"urn:x\"><office:body><office:spreadsheet><table:table table:name=\"S\">";
  for (int i = 0; i < 50; ++i) {
    content +=
        "<table:table-row table:number-rows-repeated=\"16777216\"><table:table-cell "
        "table:number-columns-repeated=\"16384\" office:value-type=\"string\"><text:p>x</text:p>"
        "</table:table-cell></table:table-row>";
  }
  content += "</table:table></office:spreadsheet></office:body></office:document-content>";
  RecordingSink sink =
      ExtractWith(OdsExtractor(), ZipBuilder().Add("content.xml", content).Build());
  EXPECT_LE(sink.blocks.size(), 1000000u + 50u * 16384u);
  EXPECT_GE(sink.blocks.size(), 50u);
}

TEST(OdpExtractorTest, CorpusGoldenWithPages) {
  RecordingSink sink = ExtractWith(OdpExtractor(), CorpusFile("23_personnel_plan.odp"));
  ExpectGolden("23_personnel_plan.odp.txt", FormatRecording(sink));
  ASSERT_EQ(sink.blocks.size(), 2u);
  EXPECT_EQ(sink.blocks[0].where.page, 1);
  EXPECT_EQ(sink.blocks[1].where.page, 2);
  EXPECT_NE(sink.blocks[1].text.find("極秘"), std::string::npos);
}

TEST(OdpExtractorTest, NotesStayOnTheirSlide) {
  RecordingSink sink = ExtractWith(OdpExtractor(), ExtractData("sample.odp"));
  ExpectGolden("sample.odp.txt", FormatRecording(sink));
  ASSERT_EQ(sink.blocks.size(), 2u);
  EXPECT_NE(sink.blocks[0].text.find("内線1234"), std::string::npos);
}

}  // namespace
}  // namespace doccheck
