// SmtpSession against input that is not SMTP: HTTP requests (a web page posting a form to
// the SMTP port) and clients that only produce errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/smtp_session.h"

namespace agent {
namespace {

SmtpSession MakeSession(int* delivered, SessionLimits limits = {}) {
  return SmtpSession(limits, "test.local", [delivered](const SmtpEnvelope&, std::string&&) {
    ++*delivered;
    return std::string("250 2.0.0 Ok\r\n");
  });
}

TEST(SmtpSessionHardeningTest, HttpRequestLineClosesAtOnce) {
  for (const char* line : {"POST / HTTP/1.1", "GET /index.html HTTP/1.0", "put /x HTTP/1.1",
                           "HEAD / HTTP/1.1", "OPTIONS * HTTP/1.1", "CONNECT a:25 HTTP/1.1"}) {
    int delivered = 0;
    SmtpSession s = MakeSession(&delivered);
    const std::string reply = s.OnLine(line);
    EXPECT_EQ(reply.substr(0, 4), "554 ") << line;
    EXPECT_TRUE(s.closed()) << line;
    // Whatever follows is not read as SMTP.
    EXPECT_EQ(s.OnLine("EHLO x"), "");
  }
}

TEST(SmtpSessionHardeningTest, HttpHeaderLineClosesEvenAfterAGoodStart) {
  for (const char* line : {"Host: 127.0.0.1:2525", "User-Agent: Mozilla/5.0",
                           "Content-Type: multipart/form-data; boundary=x", "origin:null"}) {
    int delivered = 0;
    SmtpSession s = MakeSession(&delivered);
    EXPECT_EQ(s.OnLine("EHLO client").substr(0, 4), "250-");
    EXPECT_EQ(s.OnLine(line).substr(0, 4), "554 ") << line;
    EXPECT_TRUE(s.closed()) << line;
  }
}

TEST(SmtpSessionHardeningTest, SmtpCommandsWithColonsAreNotHttp) {
  for (const char* line : {"MAIL FROM:<a@x.jp>", "RCPT TO:<b@y.jp>", "mail from:<>",
                           "EHLO [IPv6:::1]", "HELO host", "QUIT", "AUTH PLAIN AGEAYg=="}) {
    EXPECT_FALSE(LooksLikeHttp(line)) << line;
  }
}

TEST(SmtpSessionHardeningTest, MessageLinesThatLookLikeHttpAreJustMessage) {
  int delivered = 0;
  SmtpSession s = MakeSession(&delivered);
  for (const char* line : {"EHLO c", "MAIL FROM:<a@x.jp>", "RCPT TO:<b@y.jp>", "DATA",
                           "Subject: GET / HTTP/1.1", "Host: x", "", "POST / HTTP/1.1", "."})
    s.OnLine(line);
  EXPECT_EQ(delivered, 1);
  EXPECT_FALSE(s.closed());
}

TEST(SmtpSessionHardeningTest, TooManyErrorsEndTheSessionWith421) {
  int delivered = 0;
  SmtpSession s = MakeSession(&delivered);
  std::string out;
  for (int i = 0; i < 9; ++i) out += s.OnLine("BOGUS");
  EXPECT_FALSE(s.closed());
  out = s.OnLine("BOGUS");
  EXPECT_NE(out.find("500 "), std::string::npos) << out;
  EXPECT_NE(out.find("\r\n421 4.7.0 "), std::string::npos) << out;
  EXPECT_TRUE(s.closed());
}

TEST(SmtpSessionHardeningTest, GoodCommandsAndRecipientLimitsDoNotCountAsErrors) {
  int delivered = 0;
  SessionLimits limits;
  limits.max_recipients = 1;
  SmtpSession s = MakeSession(&delivered, limits);
  s.OnLine("EHLO c");
  s.OnLine("MAIL FROM:<a@x.jp>");
  s.OnLine("RCPT TO:<b@y.jp>");
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(s.OnLine("RCPT TO:<c@y.jp>").substr(0, 3), "452");  // "too many recipients"
  for (int i = 0; i < 9; ++i) s.OnLine("NOOP x");
  EXPECT_FALSE(s.closed());
  s.OnLine("DATA");
  s.OnLine(".");
  EXPECT_EQ(delivered, 1);
}

TEST(ReplyTextTest, KeepsJapaneseAndStripsControlsAndInvalidBytes) {
  EXPECT_EQ(ReplyText("添付ファイル 住民名簿.csv"), "添付ファイル 住民名簿.csv");
  EXPECT_EQ(ReplyText("a\r\n250 ok\tb\x7f"), "a  250 ok b ");
  EXPECT_EQ(ReplyText("bad \xff\xfe and cut \xe4\xbd"), "bad ?? and cut ??");
  EXPECT_EQ(ReplyText("overlong \xc0\xaf"), "overlong ??");
  // A right-to-left override would show "exe.csv" as something else.
  EXPECT_EQ(ReplyText("名簿\u202eexe.csv"), "名簿 exe.csv");
  EXPECT_EQ(ReplyText("c1\u0085x"), "c1 x");
}

TEST(MultiLineReplyTest, JoinsLinesWithTheRightSeparators) {
  EXPECT_EQ(MultiLineReply(550, "5.7.1", {"一行目", "second"}),
            "550-5.7.1 一行目\r\n550 5.7.1 second\r\n");
  EXPECT_EQ(MultiLineReply(451, "4.3.0", {"only"}), "451 4.3.0 only\r\n");
}

TEST(MultiLineReplyTest, LongTextIsSplitAtCharacterBoundariesIntoShortLines) {
  std::string name;
  for (int i = 0; i < 300; ++i) name += "名";  // 900 bytes, no space
  const std::string reply =
      MultiLineReply(550, "5.7.1", {"添付ファイル " + name + ".csv に個人番号が含まれています。"});
  std::size_t lines = 0, start = 0;
  std::string joined;
  while (start < reply.size()) {
    const std::size_t end = reply.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    const std::string line = reply.substr(start, end - start);
    EXPECT_LE(line.size() + 2, 512u) << line;
    EXPECT_EQ(ReplyText(line), line) << "a line holds a broken UTF-8 sequence";
    EXPECT_EQ(line.substr(0, 10), end + 2 < reply.size() ? "550-5.7.1 " : "550 5.7.1 ");
    joined += line.substr(10);
    ++lines;
    start = end + 2;
  }
  EXPECT_GE(lines, 3u);
  // Split inside the name (no space in the second half of a line): nothing is lost.
  EXPECT_TRUE(joined == "添付ファイル " + name + ".csv に個人番号が含まれています。");
}

}  // namespace
}  // namespace agent
