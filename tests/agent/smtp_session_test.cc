// The SMTP session state machine, fed lines as a client would send them.
#include "agent/smtp_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace agent {
namespace {

struct Delivered {
  SmtpEnvelope envelope;
  std::string message;
};

class SessionTest : public ::testing::Test {
 protected:
  SmtpSession MakeSession(SessionLimits limits = {}) {
    return SmtpSession(limits, "test.local", [this](const SmtpEnvelope& e, std::string&& m) {
      delivered_.push_back({e, m});
      return std::string("250 2.0.0 Ok: queued\r\n");
    });
  }
  static std::string Feed(SmtpSession& s, std::initializer_list<std::string_view> lines) {
    std::string out;
    for (std::string_view l : lines) out += s.OnLine(l);
    return out;
  }
  std::vector<Delivered> delivered_;
};

TEST_F(SessionTest, GreetsAndAdvertisesExtensions) {
  SmtpSession s = MakeSession();
  EXPECT_EQ(s.Greeting().substr(0, 4), "220 ");
  const std::string ehlo = s.OnLine("EHLO [127.0.0.1]");
  for (const char* ext :
       {"PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "SIZE ", "DSN"}) {
    EXPECT_NE(ehlo.find(ext), std::string::npos) << ext;
  }
  EXPECT_NE(ehlo.find("250 "), std::string::npos);  // last line
}

TEST_F(SessionTest, DeliversOneMessageWithEnvelopeAndUnstuffedDots) {
  SmtpSession s = MakeSession();
  const std::string out = Feed(s, {"EHLO client", "MAIL FROM:<a@x.jp> BODY=8BITMIME SIZE=100",
                                   "RCPT TO:<b@y.jp> NOTIFY=SUCCESS,FAILURE", "RCPT TO:<c@z.jp>",
                                   "DATA", "Subject: t", "", "..leading dot", ".", "QUIT"});
  ASSERT_EQ(delivered_.size(), 1u);
  EXPECT_EQ(delivered_[0].envelope.mail_from, "a@x.jp");
  EXPECT_TRUE(delivered_[0].envelope.body_8bit);
  EXPECT_EQ(delivered_[0].envelope.rcpt_to, (std::vector<std::string>{"b@y.jp", "c@z.jp"}));
  EXPECT_EQ(delivered_[0].envelope.rcpt_params[0], "NOTIFY=SUCCESS,FAILURE");
  EXPECT_EQ(delivered_[0].message, "Subject: t\r\n\r\n.leading dot\r\n");
  EXPECT_NE(out.find("250 2.0.0 Ok: queued"), std::string::npos);
  EXPECT_TRUE(s.closed());
}

TEST_F(SessionTest, SeveralMessagesOnOneConnection) {
  SmtpSession s = MakeSession();
  Feed(s, {"EHLO c", "MAIL FROM:<a@x.jp>", "RCPT TO:<b@y.jp>", "DATA", "one", ".",
           "MAIL FROM:<a@x.jp>", "RCPT TO:<c@y.jp>", "DATA", "two", "."});
  ASSERT_EQ(delivered_.size(), 2u);
  EXPECT_EQ(delivered_[1].envelope.rcpt_to, (std::vector<std::string>{"c@y.jp"}));
  EXPECT_EQ(delivered_[1].message, "two\r\n");
}

TEST_F(SessionTest, CommandsOutOfOrderAreRefused) {
  SmtpSession s = MakeSession();
  EXPECT_EQ(s.OnLine("MAIL FROM:<a@x.jp>").substr(0, 3), "503");
  s.OnLine("EHLO c");
  EXPECT_EQ(s.OnLine("RCPT TO:<b@y.jp>").substr(0, 3), "503");
  EXPECT_EQ(s.OnLine("DATA").substr(0, 3), "503");
  s.OnLine("MAIL FROM:<a@x.jp>");
  EXPECT_EQ(s.OnLine("MAIL FROM:<a@x.jp>").substr(0, 3), "503");
  EXPECT_EQ(s.OnLine("DATA").substr(0, 3), "554");
  EXPECT_EQ(s.OnLine("RSET").substr(0, 3), "250");
  EXPECT_EQ(s.OnLine("RCPT TO:<b@y.jp>").substr(0, 3), "503");
}

TEST_F(SessionTest, BadSyntaxGetsFiveOhOne) {
  SmtpSession s = MakeSession();
  EXPECT_EQ(s.OnLine("EHLO").substr(0, 3), "501");
  s.OnLine("EHLO c");
  EXPECT_EQ(s.OnLine("MAIL FROM:a@x.jp").substr(0, 3), "501");
  EXPECT_EQ(s.OnLine("MAIL TO:<a@x.jp>").substr(0, 3), "501");
  s.OnLine("MAIL FROM:<>");  // the null sender is valid
  EXPECT_EQ(s.OnLine("RCPT TO:<>").substr(0, 3), "501");
  EXPECT_EQ(s.OnLine("RCPT TO:<b@y.jp").substr(0, 3), "501");
  EXPECT_EQ(s.OnLine("FOO").substr(0, 3), "500");
  EXPECT_EQ(s.OnLine(std::string_view("NO\0OP", 5)).substr(0, 3), "500");
}

TEST_F(SessionTest, DeclaredSizeOverTheLimitIsRefused) {
  SessionLimits limits;
  limits.max_message_bytes = 1000;
  SmtpSession s = MakeSession(limits);
  s.OnLine("EHLO c");
  EXPECT_EQ(s.OnLine("MAIL FROM:<a@x.jp> SIZE=5000").substr(0, 3), "552");
}

TEST_F(SessionTest, MessageOverTheLimitIsRefusedAndNotDelivered) {
  SessionLimits limits;
  limits.max_message_bytes = 100;
  SmtpSession s = MakeSession(limits);
  Feed(s, {"EHLO c", "MAIL FROM:<a@x.jp>", "RCPT TO:<b@y.jp>", "DATA"});
  for (int i = 0; i < 20; ++i) s.OnLine("0123456789");
  EXPECT_EQ(s.OnLine(".").substr(0, 3), "552");
  EXPECT_TRUE(delivered_.empty());
  EXPECT_EQ(s.OnLine("NOOP").substr(0, 3), "250");  // the session goes on
}

TEST_F(SessionTest, TooManyRecipientsGetFourFiftyTwo) {
  SessionLimits limits;
  limits.max_recipients = 2;
  SmtpSession s = MakeSession(limits);
  Feed(s, {"EHLO c", "MAIL FROM:<a@x.jp>", "RCPT TO:<1@y.jp>", "RCPT TO:<2@y.jp>"});
  EXPECT_EQ(s.OnLine("RCPT TO:<3@y.jp>").substr(0, 3), "452");
}

TEST_F(SessionTest, OverlongLineClosesTheSession) {
  SmtpSession s = MakeSession();
  EXPECT_EQ(s.OnOverlongLine().substr(0, 3), "500");
  EXPECT_TRUE(s.closed());
  EXPECT_EQ(s.OnLine("NOOP"), "");
}

TEST_F(SessionTest, CarriageReturnsAreStrippedFromLines) {
  SmtpSession s = MakeSession();
  EXPECT_EQ(s.OnLine("EHLO c\r").substr(0, 3), "250");
  EXPECT_EQ(s.OnLine("NOOP\r").substr(0, 3), "250");
}

TEST(ParsePathTest, SourceRoutesAndParameters) {
  std::string path, params;
  ASSERT_TRUE(ParsePathAndParams("<@a.jp,@b.jp:user@c.jp> RET=HDRS", &path, &params));
  EXPECT_EQ(path, "user@c.jp");
  EXPECT_EQ(params, "RET=HDRS");
  EXPECT_FALSE(ParsePathAndParams("user@c.jp", &path, &params));
  EXPECT_FALSE(ParsePathAndParams("<a b@c.jp>", &path, &params));
}

}  // namespace
}  // namespace agent

namespace agent {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  SmtpSession MakeSession() {
    return SmtpSession(
        SessionLimits{}, "test.local",
        [this](const SmtpEnvelope& e, std::string&&) {
          seen_user_ = e.auth_user;
          seen_password_ = e.auth_password;
          return std::string("250 2.0.0 Ok\r\n");
        },
        [this](const std::string& user, const std::string& password) {
          checked_.push_back(user + ":" + password);
          return std::string(password == "secret" ? "235 2.7.0 Ok\r\n"
                                                  : "535 5.7.8 Bad credentials\r\n");
        });
  }
  std::vector<std::string> checked_;
  std::string seen_user_, seen_password_;
};

TEST_F(AuthTest, LoginUsesThePromptsThunderbirdExpects) {
  SmtpSession s = MakeSession();
  EXPECT_NE(s.OnLine("EHLO c").find("AUTH PLAIN LOGIN"), std::string::npos);
  EXPECT_EQ(s.OnLine("AUTH LOGIN"), "334 VXNlcm5hbWU6\r\n");
  EXPECT_EQ(s.OnLine("c3RhZmY="), "334 UGFzc3dvcmQ6\r\n");  // "staff"
  EXPECT_EQ(s.OnLine("c2VjcmV0").substr(0, 3), "235");      // "secret"
  EXPECT_EQ(checked_, (std::vector<std::string>{"staff:secret"}));
}

TEST_F(AuthTest, PlainWithInitialResponseAndCredentialsReachTheTransaction) {
  SmtpSession s = MakeSession();
  s.OnLine("EHLO c");
  // "\0staff\0secret"
  EXPECT_EQ(s.OnLine("AUTH PLAIN AHN0YWZmAHNlY3JldA==").substr(0, 3), "235");
  for (const char* l : {"MAIL FROM:<a@x.jp>", "RCPT TO:<b@y.jp>", "DATA", "x", "."}) s.OnLine(l);
  EXPECT_EQ(seen_user_, "staff");
  EXPECT_EQ(seen_password_, "secret");
}

TEST_F(AuthTest, PlainWithoutInitialResponseAsksForIt) {
  SmtpSession s = MakeSession();
  s.OnLine("EHLO c");
  EXPECT_EQ(s.OnLine("AUTH PLAIN"), "334 \r\n");
  EXPECT_EQ(s.OnLine("AHN0YWZmAHNlY3JldA==").substr(0, 3), "235");
}

TEST_F(AuthTest, WrongPasswordIsRefusedAndCanBeRetried) {
  SmtpSession s = MakeSession();
  s.OnLine("EHLO c");
  EXPECT_EQ(s.OnLine("AUTH PLAIN AHN0YWZmAHdyb25n").substr(0, 3), "535");  // "\0staff\0wrong"
  EXPECT_EQ(s.OnLine("AUTH PLAIN AHN0YWZmAHNlY3JldA==").substr(0, 3), "235");
}

TEST_F(AuthTest, BadBase64AndCancelAreSyntaxErrors) {
  SmtpSession s = MakeSession();
  s.OnLine("EHLO c");
  EXPECT_EQ(s.OnLine("AUTH PLAIN !!!").substr(0, 3), "501");
  EXPECT_EQ(s.OnLine("AUTH LOGIN"), "334 VXNlcm5hbWU6\r\n");
  EXPECT_EQ(s.OnLine("*").substr(0, 3), "501");
  EXPECT_EQ(s.OnLine("AUTH CRAM-MD5").substr(0, 3), "504");
  EXPECT_TRUE(checked_.empty());
}

TEST(AuthOfferTest, NoAuthenticatorMeansNoAuth) {
  SmtpSession s(SessionLimits{}, "t",
                [](const SmtpEnvelope&, std::string&&) { return std::string(); });
  EXPECT_EQ(s.OnLine("EHLO c").find("AUTH"), std::string::npos);
  EXPECT_EQ(s.OnLine("AUTH PLAIN AHN0YWZmAHNlY3JldA==").substr(0, 3), "502");
}

}  // namespace
}  // namespace agent

#include "agent/base64.h"

namespace agent {
namespace {

TEST(Base64Test, RoundTripsAndRefusesMalformedInput) {
  for (std::string s : {std::string(""), std::string("a"), std::string("ab"), std::string("abc"),
                        std::string("\0staff\0secret", 13)}) {
    EXPECT_EQ(Base64Decode(Base64Encode(s)), s);
  }
  EXPECT_EQ(Base64Decode("c3RhZmY="), "staff");
  EXPECT_FALSE(Base64Decode("c3RhZmY"));   // not a multiple of 4
  EXPECT_FALSE(Base64Decode("c3Rh!mY="));  // bad character
  EXPECT_FALSE(Base64Decode("c3=hZmY="));  // padding inside
  EXPECT_FALSE(Base64Decode("c3RhZmY= "));
}

}  // namespace
}  // namespace agent
