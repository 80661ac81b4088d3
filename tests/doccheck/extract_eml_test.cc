// Tests of the EML extractor (vmime): body charsets, attachment names, structure.
#include <gtest/gtest.h>

#include <string>

#include "doccheck/extract_recording_sink.h"
#include "extract/container_extractors.h"
#include "extract/zip_sniff.h"

namespace doccheck {
namespace {

RecordingSink ExtractEml(const std::string& bytes) {
  RecordingSink sink;
  EmlExtractor().Extract(bytes, sink);
  return sink;
}

const RecordedBlock* Part(const RecordingSink& sink, std::string_view part) {
  for (const RecordedBlock& b : sink.blocks) {
    if (b.where.part == part) return &b;
  }
  return nullptr;
}

TEST(EmlExtractorTest, CorpusGolden) {
  RecordingSink sink = ExtractEml(CorpusFile("19_mail_with_docx.eml"));
  ExpectGolden("19_mail_with_docx.eml.txt", FormatRecording(sink));
  const RecordedBlock* body = Part(sink, "body");
  ASSERT_NE(body, nullptr);
  EXPECT_FALSE(body->raw);
  EXPECT_NE(body->text.find("070-7585-3904"), std::string::npos);
  EXPECT_NE(body->text.find("本庄市福祉課"), std::string::npos);
  const RecordedBlock* header = Part(sink, "header");
  ASSERT_NE(header, nullptr);
  EXPECT_EQ(header->text, "Subject: 申請書の送付について\n");
  ASSERT_EQ(sink.children.size(), 1u);
  EXPECT_EQ(sink.children[0].name, "shinsei.docx");
  EXPECT_EQ(SniffZipFormat(sink.children[0].bytes), "docx");
}

TEST(EmlExtractorTest, AttachmentNamesAreDecoded) {
  std::string mail =
      "From: a@example.com\r\nTo: b@example.com\r\nSubject: names\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
      "--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee attached\r\n"
      "--b1\r\nContent-Type: text/csv\r\n"
      "Content-Disposition: attachment; filename*=UTF-8''%E5%90%8D%E7%B0%BF.csv\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\nYSxiCg==\r\n"
      "--b1\r\nContent-Type: text/csv; name=\"=?ISO-2022-JP?B?GyRCTD5KbRsoQi5jc3Y=?=\"\r\n"
      "Content-Disposition: attachment\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\nc=3Dd\r\n"
      "--b1--\r\n";
  RecordingSink sink = ExtractEml(mail);
  ASSERT_EQ(sink.children.size(), 2u);
  EXPECT_EQ(sink.children[0].name, "名簿.csv");
  EXPECT_EQ(sink.children[0].bytes, "a,b\n");
  EXPECT_EQ(sink.children[1].name, "名簿.csv");
  EXPECT_EQ(sink.children[1].bytes, "c=d");
}

TEST(EmlExtractorTest, AlternativeReadsThePlainTextOnly) {
  std::string mail =
      "From: a@example.com\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
      "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n電話 090-0000-1234\r\n"
      "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>電話 090-0000-1234</p>\r\n"
      "--b1--\r\n";
  RecordingSink sink = ExtractEml(mail);
  EXPECT_TRUE(sink.children.empty());
  const RecordedBlock* body = Part(sink, "body");
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->text, "電話 090-0000-1234");
}

TEST(EmlExtractorTest, HtmlOnlyBodyIsAnHtmlChild) {
  std::string mail =
      "From: a@example.com\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/html; charset=utf-8\r\n\r\n<p>本文</p>\r\n";
  RecordingSink sink = ExtractEml(mail);
  ASSERT_EQ(sink.children.size(), 1u);
  EXPECT_EQ(sink.children[0].name, "body-1.html");
}

TEST(EmlExtractorTest, AttachedMessageIsAnEmlChild) {
  std::string mail =
      "From: a@example.com\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
      "--b1\r\nContent-Type: message/rfc822\r\n\r\n"
      "From: c@example.com\r\nSubject: inner\r\n\r\ninner body\r\n"
      "--b1--\r\n";
  RecordingSink sink = ExtractEml(mail);
  ASSERT_EQ(sink.children.size(), 1u);
  EXPECT_EQ(sink.children[0].name, "attachment-1.eml");
  EXPECT_NE(sink.children[0].bytes.find("inner body"), std::string::npos);
}

TEST(EmlExtractorTest, ShiftJisBodyIsDecodedAsCp932) {
  std::string mail =
      "From: a@example.com\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
      "\x93\x64\x98\x62\x87\x40\x30\x39\x30\x2D\x30\x30\x30\x30\x2D\x31\x32\x33\x34\r\n";
  RecordingSink sink = ExtractEml(mail);
  const RecordedBlock* body = Part(sink, "body");
  ASSERT_NE(body, nullptr);
  EXPECT_FALSE(body->raw);
  EXPECT_EQ(body->text, "電話①090-0000-1234\r\n");
}

TEST(EmlExtractorTest, UnknownCharsetIsPassedRaw) {
  std::string mail =
      "From: a@example.com\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=x-unheard-of\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
      "\x93\x64\x98\x62\r\n";
  RecordingSink sink = ExtractEml(mail);
  const RecordedBlock* body = Part(sink, "body");
  ASSERT_NE(body, nullptr);
  EXPECT_TRUE(body->raw);
}

TEST(EmlExtractorTest, GarbageDoesNotThrow) {
  RecordingSink empty = ExtractEml("");
  RecordingSink junk = ExtractEml(std::string("\0\xff\xfe--\r\n\r\n", 9));
  SUCCEED();
}

}  // namespace
}  // namespace doccheck
