// The lean XML scanner (extract/lean_xml.h): the same events as the expat-based ParseXml
// on well-formed parts, and a clear kCorrupt for hostile ones; the XLSX extractor's use of
// it (shared strings out of range) and the cell findings cache (same findings, cap kept).
#include "extract/lean_xml.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "doccheck/checker.h"
#include "doccheck/extract_recording_sink.h"
#include "doccheck/extract_zip_builder.h"
#include "extract/container_extractors.h"

namespace doccheck {
namespace {

// Writes every event as a line; adjacent character data is merged (parsers may split it).
class EventLog : public XmlHandler {
 public:
  bool StartElement(std::string_view local, const XmlAttributes& a) override {
    log += "<" + std::string(local);
    for (const char* name : {"r", "t", "s", "id", "val", "name"}) {
      if (auto v = a.Get(name)) log += " " + std::string(name) + "=[" + std::string(*v) + "]";
    }
    log += ">\n";
    in_text_ = false;
    return true;
  }
  bool EndElement(std::string_view local) override {
    log += "</" + std::string(local) + ">\n";
    in_text_ = false;
    return true;
  }
  bool Characters(std::string_view text) override {
    if (!in_text_) log += "text:";
    log += std::string(text);
    in_text_ = true;
    return true;
  }
  std::string log;

 private:
  bool in_text_ = false;
};

struct Parsed {
  std::string log;
  std::optional<FileError> error;
};

Parsed Lean(std::string_view xml) {
  Budget budget{Limits{}};
  EventLog log;
  Parsed p;
  p.error = ParseLeanXml(xml, "part.xml", log, budget);
  p.log = log.log;
  return p;
}

Parsed Expat(std::string_view xml) {
  Budget budget{Limits{}};
  EventLog log;
  Parsed p;
  p.error = ParseXml(xml, "part.xml", log, budget);
  p.log = log.log;
  return p;
}

TEST(LeanXmlTest, SameEventsAsExpatOnWellFormedParts) {
  const std::vector<std::string> parts = {
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
      "<worksheet xmlns=\"urn:main\" xmlns:r=\"urn:r\"><sheetData><row r=\"1\">"
      "<c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"3\"><v>12.5</v></c></row>"
      "</sheetData></worksheet>",
      "\xEF\xBB\xBF<sst><si><t xml:space=\"preserve\"> 山田 太郎 </t></si>"
      "<si><r><t>佐藤</t></r><r><t>花子</t></r><rPh sb=\"0\" "
      "eb=\"2\"><t>サトウ</t></rPh></si></sst>",
      "<a>&lt;&gt;&amp;&apos;&quot;&#x5C71;&#30000;&#x1F600;</a>",
      "<a>line1\r\nline2\rline3\n</a>",
      "<a><![CDATA[<not a tag> & ]] \r\n]]>after</a>",
      "<!-- lead --><?pi data?><a t='x&amp;y' s=\"a\tb\r\nc&#10;d\"><!--c--><?p?><b/></a>"
      "<!-- tail -->\n",
      "<x:a x:r=\"1\" xmlns:x=\"urn:x\"><x:b id=\"2\"/></x:a>",
      "<a r=\"1\"   t = \"2\" >text<b\n/>more</a\n>",
  };
  for (const std::string& xml : parts) {
    const Parsed expat = Expat(xml);
    ASSERT_FALSE(expat.error) << xml << ": " << expat.error->message;
    const Parsed lean = Lean(xml);
    EXPECT_FALSE(lean.error) << xml << ": " << lean.error->message;
    EXPECT_EQ(lean.log, expat.log) << xml;
  }
}

TEST(LeanXmlTest, DecodesReferencesLineEndsAndAttributeWhitespace) {
  const Parsed p = Lean("<a val=\"x&#10;y\tz\r\nw\">&#x41;&amp;B\r\nC<![CDATA[&lt;]]></a>");
  ASSERT_FALSE(p.error);
  EXPECT_EQ(p.log, "<a val=[x\ny z w]>\ntext:A&B\nC&lt;</a>\n");
}

void ExpectCorrupt(std::string_view xml, std::string_view words) {
  const Parsed p = Lean(xml);
  ASSERT_TRUE(p.error) << xml;
  EXPECT_EQ(p.error->code, ErrorCode::kCorrupt) << xml;
  EXPECT_NE(p.error->message.find("part.xml"), std::string::npos) << p.error->message;
  EXPECT_NE(p.error->message.find(words), std::string::npos) << p.error->message;
}

TEST(LeanXmlTest, HostileAndMalformedPartsAreCorrupt) {
  ExpectCorrupt(
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
      "<lolz>&lol2;</lolz>",
      "DOCTYPE");
  ExpectCorrupt("<a><!DOCTYPE x></a>", "DOCTYPE");
  ExpectCorrupt("<a>&lol;</a>", "undefined entity");
  ExpectCorrupt("<a>&#0;</a>", "character reference");
  ExpectCorrupt("<a>&#x110000;</a>", "character reference");
  ExpectCorrupt("<a>&amp</a>", "entity reference");
  ExpectCorrupt("<a><b></a>", "mismatched end tag");
  ExpectCorrupt("<a><b", "unterminated");
  ExpectCorrupt("<a r=\"1", "unterminated attribute value");
  ExpectCorrupt("<a>text", "unterminated element");
  ExpectCorrupt("<a r=\"1\" r=\"2\"/>", "duplicate attribute");
  ExpectCorrupt("<a r=\"<\"/>", "'<' in an attribute value");
  ExpectCorrupt("<a>\xFF\xFE</a>", "invalid character");
  ExpectCorrupt("<a>\x01</a>", "invalid character");
  ExpectCorrupt("<a>]]></a>", "']]>'");
  ExpectCorrupt("<a/><b/>", "after the root element");
  ExpectCorrupt("text<a/>", "outside the root element");
  ExpectCorrupt("", "no root element");
  ExpectCorrupt("<a><!-- x -- y --></a>", "'--'");
  ExpectCorrupt("<a><?xml version=\"1.0\"?></a>", "XML declaration");
}

TEST(LeanXmlTest, EventsBeforeAnErrorAreDelivered) {
  const Parsed p = Lean("<a><b>kept</b><c>&bogus;</c></a>");
  ASSERT_TRUE(p.error);
  EXPECT_NE(p.log.find("text:kept"), std::string::npos) << p.log;
}

TEST(LeanXmlTest, ManyAndHugeAttributesAreBounded) {
  std::string many = "<a";
  for (int i = 0; i < 20000; ++i) many += " a" + std::to_string(i) + "=\"v\"";
  many += "/>";
  EXPECT_FALSE(Lean(many).error);
  ExpectCorrupt(many.substr(0, many.size() - 2) + " a7=\"w\"/>", "duplicate attribute");
  const std::string huge = "<a val=\"" + std::string(8u << 20, 'x') + "\"/>";
  const Parsed p = Lean(huge);
  EXPECT_FALSE(p.error);
  EXPECT_EQ(p.log.size(), (8u << 20) + 16);  // "<a val=[" ... "]>\n</a>\n"
}

TEST(LeanXmlTest, OtherEncodingsAreLeftToExpat) {
  EXPECT_TRUE(LeanXmlApplies("<a/>"));
  EXPECT_TRUE(LeanXmlApplies("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>"));
  EXPECT_TRUE(LeanXmlApplies("\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8'?><a/>"));
  EXPECT_FALSE(LeanXmlApplies("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a/>"));
  EXPECT_FALSE(LeanXmlApplies(std::string("\xFF\xFE<\0a\0/\0>\0", 10)));
  EXPECT_FALSE(LeanXmlApplies(std::string("<\0a\0/\0>\0", 8)));
}

TEST(LeanXmlTest, SharedStringOutOfRangeIsReportedAndTheRestRead) {
  const std::string xlsx = XlsxWith(
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
      "<c r=\"B1\" t=\"s\"><v>4294967296</v></c><c r=\"C1\" t=\"s\"><v>1</v></c>"
      "<c r=\"D1\" t=\"s\"><v>x</v></c></row></sheetData></worksheet>",
      "<sst><si><t>氏名</t></si><si><t>電話</t></si></sst>");
  RecordingSink sink(Limits{});
  XlsxExtractor().Extract(xlsx, sink);
  ASSERT_NE(sink.Cell("S", "A1"), nullptr);
  ASSERT_NE(sink.Cell("S", "C1"), nullptr);
  EXPECT_EQ(sink.Cell("S", "C1")->text, "電話");
  EXPECT_EQ(sink.Cell("S", "B1"), nullptr);
  ASSERT_TRUE(sink.HasError(ErrorCode::kCorrupt));
  bool named = false;
  for (const auto& e : sink.errors) {
    named = named || (e.message.find("2 cell(s)") != std::string::npos &&
                      e.message.find("B1") != std::string::npos);
  }
  EXPECT_TRUE(named);
}

TEST(LeanXmlTest, MalformedSheetIsCorruptAndCellsBeforeTheErrorAreRead) {
  const std::string xlsx = XlsxWith(
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
      "<c r=\"B1\" t=\"s\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\">"
      "<is><t>&undefined;</t></is></c></row>",
      "<sst><si><t>氏名</t></si><si><t>電話</t></si></sst>");
  RecordingSink sink(Limits{});
  XlsxExtractor().Extract(xlsx, sink);
  EXPECT_NE(sink.Cell("S", "B1"), nullptr);
  EXPECT_TRUE(sink.HasError(ErrorCode::kCorrupt));
}

// Repeated cells come from the cache: the same findings, each at its own cell, and the
// findings cap still keeps the first ones complete and only counts the rest.
TEST(CellScannerTest, RepeatedCellsGiveTheSameFindingsAtTheirOwnCells) {
  std::string rows;
  std::string shared =
      "<sst><si><t>氏名</t></si><si><t>電話番号</t></si>"
      "<si><t>山田 太郎</t></si><si><t>090-1234-5678</t></si></sst>";
  rows += "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>";
  for (int r = 2; r <= 41; ++r) {
    const std::string n = std::to_string(r);
    rows += "<row r=\"" + n + "\"><c r=\"A" + n + "\" t=\"s\"><v>2</v></c><c r=\"B" + n +
            "\" t=\"s\"><v>3</v></c></row>";
  }
  const std::string xlsx =
      XlsxWith("<worksheet><sheetData>" + rows + "</sheetData></worksheet>", shared);
  const FileReport all = Checker().CheckBytes("x.xlsx", xlsx);
  EXPECT_EQ(all.CountKind(Kind::kPersonName), 40);
  EXPECT_EQ(all.CountKind(Kind::kPhone), 40);
  ASSERT_EQ(all.findings.size(), 80u);
  for (std::size_t i = 0; i < all.findings.size(); ++i) {
    const Finding& f = all.findings[i];
    const std::string row = std::to_string(2 + i / 2);
    EXPECT_EQ(f.location.cell, (i % 2 == 0 ? "A" : "B") + row);
    EXPECT_EQ(f.location.sheet, "S");
    EXPECT_EQ(f.location.part, "xl/worksheets/sheet1.xml");
    EXPECT_EQ(f.normalized, i % 2 == 0 ? "山田太郎" : "09012345678");
    EXPECT_EQ(f.masked, all.findings[i % 2].masked);
  }
  Options options;
  options.limits.max_findings = 7;
  const FileReport capped = Checker(options).CheckBytes("x.xlsx", xlsx);
  ASSERT_EQ(capped.findings.size(), 7u);
  EXPECT_EQ(capped.findings_omitted, 73u);
  EXPECT_EQ(capped.CountKind(Kind::kPhone), 40);
  for (std::size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(capped.findings[i].location.cell, all.findings[i].location.cell);
    EXPECT_EQ(capped.findings[i].masked, all.findings[i].masked);
  }
}

}  // namespace
}  // namespace doccheck
