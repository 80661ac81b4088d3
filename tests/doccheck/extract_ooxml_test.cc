// Tests of the DOCX, XLSX and PPTX extractors: golden text of the corpus and of
// LibreOffice-made fixtures, locations and headers, and hostile packages.
#include <gtest/gtest.h>

#include <string>

#include "doccheck/extract_recording_sink.h"
#include "doccheck/extract_zip_builder.h"
#include "extract/container_extractors.h"

namespace doccheck {
namespace {

RecordingSink ExtractWith(const Extractor& extractor, const std::string& bytes,
                          Limits limits = {}) {
  RecordingSink sink(limits);
  extractor.Extract(bytes, sink);
  return sink;
}

TEST(DocxExtractorTest, CorpusGoldens) {
  for (const char* name : {"08_application.docx", "20_minutes_clean.docx"}) {
    RecordingSink sink = ExtractWith(DocxExtractor(), CorpusFile(name));
    ExpectGolden(std::string(name) + ".txt", FormatRecording(sink));
    EXPECT_TRUE(sink.errors.empty()) << name;
  }
}

TEST(DocxExtractorTest, TableCellsOfARowAreTabSeparated) {
  RecordingSink sink = ExtractWith(DocxExtractor(), CorpusFile("08_application.docx"));
  ASSERT_FALSE(sink.blocks.empty());
  EXPECT_NE(sink.blocks[0].text.find("氏名\t佐々木　花子\n"), std::string::npos);
  // A number in its own run is joined to the kanji around it.
  EXPECT_NE(sink.blocks[0].text.find("2026年11月6日"), std::string::npos);
}

TEST(DocxExtractorTest, HeadersFootersFootnotesAndComments) {
  RecordingSink sink = ExtractWith(DocxExtractor(), ExtractData("sample.docx"));
  ExpectGolden("sample.docx.txt", FormatRecording(sink));
  std::vector<std::string> parts;
  for (const RecordedBlock& b : sink.blocks) parts.push_back(b.where.part);
  EXPECT_EQ(parts,
            (std::vector<std::string>{"word/document.xml", "word/header1.xml", "word/footer1.xml",
                                      "word/footnotes.xml", "word/comments.xml"}));
}

TEST(DocxExtractorTest, TruncatedIsCorruptAndSalvagesWhatItCan) {
  RecordingSink sink = ExtractWith(DocxExtractor(), CorpusFile("17_truncated.docx"));
  EXPECT_TRUE(sink.HasError(ErrorCode::kCorrupt));
  ExpectGolden("17_truncated.docx.txt", FormatRecording(sink));
}

std::string DocxWithBody(const std::string& document_xml) {
  return ZipBuilder()
      .Add("[Content_Types].xml",
           "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>")
      .Add("word/document.xml", document_xml)
      .Build();
}

TEST(DocxExtractorTest, BillionLaughsIsRefusedQuickly) {
  std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">";
  for (int i = 1; i <= 9; ++i) {
    xml += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) xml += i == 1 ? "&lol;" : "&lol" + std::to_string(i - 1) + ";";
    xml += "\">";
  }
  xml +=
      "]>\n<w:document xmlns:w=\"urn:w\"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
      "</w:body></w:document>";
  RecordingSink sink = ExtractWith(DocxExtractor(), DocxWithBody(xml));
  EXPECT_TRUE(sink.HasError(ErrorCode::kCorrupt));
  EXPECT_TRUE(sink.blocks.empty());
}

TEST(DocxExtractorTest, DoctypeHiddenInUtf16IsRefusedToo) {
  std::string ascii =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE d [<!ENTITY a \"aaaa\">]>"
      "<d><p><r><t>&a;</t></r></p></d>";
  std::string utf16 = "\xFF\xFE";
  for (char c : ascii) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  RecordingSink sink = ExtractWith(DocxExtractor(), DocxWithBody(utf16));
  EXPECT_TRUE(sink.HasError(ErrorCode::kCorrupt));
  EXPECT_TRUE(sink.blocks.empty());
}

TEST(DocxExtractorTest, MalformedXmlIsCorrupt) {
  RecordingSink sink = ExtractWith(DocxExtractor(), DocxWithBody("<w:document><w:body><w:p>"));
  EXPECT_TRUE(sink.HasError(ErrorCode::kCorrupt));
}

TEST(DocxExtractorTest, FallbackContentIsNotCountedTwice) {
  RecordingSink sink = ExtractWith(
      DocxExtractor(),
      DocxWithBody("<w:document xmlns:w=\"urn:w\" xmlns:mc=\"urn:mc\"><w:body><w:p><w:r>"
                   "<mc:AlternateContent><mc:Choice><w:t>090-0000-1111</w:t></mc:Choice>"
                   "<mc:Fallback><w:t>090-0000-1111</w:t></mc:Fallback></mc:AlternateContent>"
                   "</w:r></w:p></w:body></w:document>"));
  ASSERT_EQ(sink.blocks.size(), 1u);
  EXPECT_EQ(sink.blocks[0].text, "090-0000-1111");
}

TEST(DocxExtractorTest, EmbeddedWorkbookIsAChild) {
  std::string inner = ExtractData("sample.xlsx");
  std::string docx = ZipBuilder()
                         .Add("word/document.xml", "<document><body/></document>")
                         .Add("word/embeddings/Microsoft_Excel_Worksheet.xlsx", inner)
                         .Add("word/media/image1.png", "png")
                         .Build();
  RecordingSink sink = ExtractWith(DocxExtractor(), docx);
  ASSERT_EQ(sink.children.size(), 1u);
  EXPECT_EQ(sink.children[0].name, "word/embeddings/Microsoft_Excel_Worksheet.xlsx");
  EXPECT_EQ(sink.children[0].bytes, inner);
}

TEST(DocxExtractorTest, NotAZipIsCorrupt) {
  RecordingSink sink = ExtractWith(DocxExtractor(), "not a document");
  EXPECT_TRUE(sink.HasError(ErrorCode::kCorrupt));
}

TEST(XlsxExtractorTest, CorpusGolden) {
  RecordingSink sink = ExtractWith(XlsxExtractor(), CorpusFile("09_residents.xlsx"));
  ExpectGolden("09_residents.xlsx.txt", FormatRecording(sink));
  EXPECT_TRUE(sink.errors.empty());
}

TEST(XlsxExtractorTest, CellsCarrySheetCellAndColumnHeading) {
  RecordingSink sink = ExtractWith(XlsxExtractor(), CorpusFile("09_residents.xlsx"));
  const RecordedBlock* name = sink.Cell("見守り対象者", "B3");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->text, "高橋　誠");
  EXPECT_EQ(name->header, "氏名");
  EXPECT_EQ(name->where.part, "xl/worksheets/sheet1.xml");
  // The heading row itself is emitted, without a heading; the title above it is not one.
  const RecordedBlock* heading = sink.Cell("見守り対象者", "B2");
  ASSERT_NE(heading, nullptr);
  EXPECT_EQ(heading->text, "氏名");
  EXPECT_EQ(heading->header, "");
}

TEST(XlsxExtractorTest, SecondSheetLocationsAndNumbers) {
  RecordingSink sink = ExtractWith(XlsxExtractor(), ExtractData("sample.xlsx"));
  ExpectGolden("sample.xlsx.txt", FormatRecording(sink));
  const RecordedBlock* phone = sink.Cell("Sheet2", "C14");
  ASSERT_NE(phone, nullptr);
  EXPECT_EQ(phone->text, "080-0000-5678");
  EXPECT_EQ(phone->header, "連絡先");
  const RecordedBlock* number = sink.Cell("名簿", "D3");
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(number->text, "123456789018");  // stored as a number
  const RecordedBlock* date = sink.Cell("名簿", "C3");
  ASSERT_NE(date, nullptr);
  EXPECT_EQ(date->text, "1980/04/01");  // a date serial with a date style
}

TEST(XlsxExtractorTest, InlineStringsAndExponentNumbers) {
  std::string xlsx =
      ZipBuilder()
          .Add("xl/workbook.xml",
               "<workbook xmlns:r=\"urn:r\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
               "</sheets></workbook>")
          .Add("xl/_rels/workbook.xml.rels",
               "<Relationships><Relationship Id=\"rId1\" Type=\"urn:x/worksheet\" "
               "Target=\"worksheets/sheet1.xml\"/></Relationships>")
          .Add("xl/worksheets/sheet1.xml",
               "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>番号</t></is>"
               "</c><c r=\"B1\" t=\"inlineStr\"><is><t>電話</t></is></c></row><row r=\"2\">"
               "<c r=\"A2\"><v>1.23456789018E+11</v></c><c><v>9012345678</v></c>"
               "<c r=\"D2\" t=\"d\"><v>1980-04-01T00:00:00</v></c></row>"
               "</sheetData></worksheet>")
          .Build();
  RecordingSink sink = ExtractWith(XlsxExtractor(), xlsx);
  ASSERT_NE(sink.Cell("S", "A2"), nullptr);
  EXPECT_EQ(sink.Cell("S", "A2")->text, "123456789018");
  EXPECT_EQ(sink.Cell("S", "A2")->header, "番号");
  ASSERT_NE(sink.Cell("S", "B2"), nullptr);  // no r attribute: the next column
  EXPECT_EQ(sink.Cell("S", "B2")->text, "9012345678");
  EXPECT_EQ(sink.Cell("S", "B2")->header, "電話");
  ASSERT_NE(sink.Cell("S", "D2"), nullptr);  // t="d": an ISO date as text
  EXPECT_EQ(sink.Cell("S", "D2")->text, "1980-04-01T00:00:00");
}

TEST(PptxExtractorTest, CorpusGolden) {
  RecordingSink sink = ExtractWith(PptxExtractor(), CorpusFile("10_secret_slides.pptx"));
  ExpectGolden("10_secret_slides.pptx.txt", FormatRecording(sink));
  ASSERT_EQ(sink.blocks.size(), 2u);
  EXPECT_EQ(sink.blocks[1].where.page, 2);
  EXPECT_EQ(sink.blocks[1].where.part, "ppt/slides/slide2.xml");
}

TEST(PptxExtractorTest, NotesHaveTheirSlidesPage) {
  RecordingSink sink = ExtractWith(PptxExtractor(), ExtractData("sample.pptx"));
  ExpectGolden("sample.pptx.txt", FormatRecording(sink));
  bool found = false;
  for (const RecordedBlock& b : sink.blocks) {
    if (b.where.part.find("notesSlide") != std::string::npos) {
      found = true;
      EXPECT_EQ(b.where.page, 1);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace doccheck
