// EhloCapabilities: an upstream's EHLO reply read as RFC 5321 §4.1.1.1 keywords.
#include <gtest/gtest.h>

#include "agent/upstream_client.h"

namespace agent {
namespace {

TEST(EhloCapabilitiesTest, TheGreetingLineOffersNothing) {
  const EhloCapabilities caps = EhloCapabilities::Parse(
      "250-auth.pipelining.starttls.smtputf8.8bitmime.size.example Hello\r\n"
      "250 ENHANCEDSTATUSCODES\r\n");
  for (const char* k : {"AUTH", "PIPELINING", "STARTTLS", "SMTPUTF8", "8BITMIME", "SIZE"})
    EXPECT_FALSE(caps.Has(k)) << k;
  EXPECT_TRUE(caps.Has("ENHANCEDSTATUSCODES"));
  EXPECT_FALSE(caps.HasAuthMechanism("PLAIN"));
}

TEST(EhloCapabilitiesTest, ASingleLineReplyOffersNothing) {
  const EhloCapabilities caps = EhloCapabilities::Parse("250 pipelining.example\r\n");
  EXPECT_FALSE(caps.Has("PIPELINING"));
}

TEST(EhloCapabilitiesTest, KeywordsAreWholeWordsCaseInsensitiveWithParameters) {
  const EhloCapabilities caps = EhloCapabilities::Parse(
      "250-mail.example.jp\r\n"
      "250-pipelining\r\n"
      "250-SIZE 10240000\r\n"
      "250-Auth plain LOGIN  XOAUTH2\r\n"
      "250-X-PIPELINING-NOT\r\n"
      "250 8BITMIME\r\n");
  EXPECT_TRUE(caps.Has("PIPELINING"));
  EXPECT_TRUE(caps.Has("Pipelining"));
  EXPECT_TRUE(caps.Has("8bitmime"));
  EXPECT_TRUE(caps.Has("X-PIPELINING-NOT"));
  EXPECT_FALSE(caps.Has("STARTTLS"));
  EXPECT_FALSE(caps.Has("SMTPUTF8"));
  EXPECT_TRUE(caps.HasAuthMechanism("PLAIN"));
  EXPECT_TRUE(caps.HasAuthMechanism("login"));
  EXPECT_TRUE(caps.HasAuthMechanism("XOAUTH2"));
  EXPECT_FALSE(caps.HasAuthMechanism("CRAM-MD5"));
  EXPECT_EQ(caps.Params("AUTH").size(), 3u);
  EXPECT_EQ(caps.SizeLimit(), 10240000u);
}

TEST(EhloCapabilitiesTest, SizeWithoutALimitAndNoSize) {
  EXPECT_EQ(EhloCapabilities::Parse("250-h\r\n250 SIZE\r\n").SizeLimit(), 0u);
  EXPECT_EQ(EhloCapabilities::Parse("250-h\r\n250 SIZE lots\r\n").SizeLimit(), 0u);
  EXPECT_FALSE(EhloCapabilities::Parse("250-h\r\n250 DSN\r\n").SizeLimit().has_value());
}

TEST(EhloCapabilitiesTest, ObsoleteAuthEqualsFormCountsAsAuth) {
  const EhloCapabilities caps =
      EhloCapabilities::Parse("250-h\r\n250-AUTH=PLAIN LOGIN\r\n250 AUTH CRAM-MD5\r\n");
  EXPECT_TRUE(caps.Has("AUTH"));
  EXPECT_TRUE(caps.HasAuthMechanism("PLAIN"));
  EXPECT_TRUE(caps.HasAuthMechanism("LOGIN"));
  EXPECT_TRUE(caps.HasAuthMechanism("CRAM-MD5"));
}

TEST(EhloCapabilitiesTest, MalformedLinesAreIgnored) {
  const EhloCapabilities caps = EhloCapabilities::Parse(
      "250-h\r\n250-\r\n25\r\n250-STARTTLS=yes\r\n250-<PIPELINING>\r\n250 DSN");
  EXPECT_FALSE(caps.Has("STARTTLS"));
  EXPECT_FALSE(caps.Has("PIPELINING"));
  EXPECT_TRUE(caps.Has("DSN"));  // the last line without CRLF still counts
}

}  // namespace
}  // namespace agent
