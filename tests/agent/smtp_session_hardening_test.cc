// SmtpSession against input that is not SMTP: HTTP requests (a web page posting a form to
// the SMTP port) and clients that only produce errors.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace agent
