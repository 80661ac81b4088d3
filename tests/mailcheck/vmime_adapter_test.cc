#include "vmime_adapter.h"

#include <gtest/gtest.h>

namespace mailcheck {
namespace {

std::vector<std::string> Addresses(const std::vector<ParsedMailbox>& list) {
  std::vector<std::string> out;
  for (const ParsedMailbox& m : list) out.push_back(m.Address());
  return out;
}

TEST(ParseAddressListTest, ExpandsGroups) {
  auto list = ParseAddressList(
      R"( project-team: "Makoto Yoshida" <yoshida-m@city.honjo.lg.jp>, k.kato@example.ne.jp;, x@y.example)");
  EXPECT_EQ(Addresses(list), (std::vector<std::string>{"yoshida-m@city.honjo.lg.jp",
                                                       "k.kato@example.ne.jp", "x@y.example"}));
  EXPECT_EQ(list[0].group, "project-team");
  EXPECT_EQ(list[0].display_name, "Makoto Yoshida");
}

TEST(ParseAddressListTest, EmptyGroupGivesNothing) {
  EXPECT_TRUE(ParseAddressList(" undisclosed-recipients:;").empty());
}

TEST(ParseAddressListTest, DecodesIso2022JpAndRawUtf8DisplayNames) {
  auto list = ParseAddressList(
      " =?ISO-2022-JP?B?GyRCTmtMWhsoQiAbJEJEPjx5GyhC?= <n.suzuki@pref.example.lg.jp>,"
      " =?UTF-8?B?5bGx55Sw?= <a@example.com>, 山田 太郎 <t@example.net>");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].display_name, "鈴木 直樹");
  EXPECT_EQ(list[1].display_name, "山田");
  EXPECT_EQ(list[2].display_name, "山田 太郎");
}

TEST(ParseAddressListTest, HandlesCommentsQuotingAndFolding) {
  auto list = ParseAddressList(
      " a@b.example (comment, with comma),\r\n \"odd, \\\"quoted\\\"\" <X@Y.Example>,\r\n"
      "\t\"weird@name\" <z@q.example>, Mary (Comment) Smith <mary@x.example>");
  EXPECT_EQ(Addresses(list), (std::vector<std::string>{"a@b.example", "X@Y.Example", "z@q.example",
                                                       "mary@x.example"}));
  EXPECT_EQ(list[1].display_name, "odd, \"quoted\"");
}

TEST(ParseAddressListTest, AddressWithoutDomainKeepsNoDomain) {
  auto list = ParseAddressList(" bogus");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].domain, "");
  EXPECT_EQ(list[0].Address(), "bogus");
}

TEST(ParseAddressListTest, DropsObsoleteSourceRoute) {
  auto list = ParseAddressList(" <@route.example:joe@a.example>");
  EXPECT_EQ(Addresses(list), std::vector<std::string>{"joe@a.example"});
}

TEST(ParseAddressListTest, IdnDomainsAreKeptAsWritten) {
  auto list = ParseAddressList(" taro@例え.jp");
  EXPECT_EQ(Addresses(list), std::vector<std::string>{"taro@例え.jp"});
}

TEST(DecodeHeaderTextTest, DecodesEncodedWords) {
  EXPECT_EQ(DecodeHeaderText(" =?ISO-2022-JP?B?GyRCIVokNDBGRmIhW0BiTEAycSROMys6RSRLJEQkJCRGGyhC?="),
            "【ご案内】説明会の開催について");
  EXPECT_EQ(DecodeHeaderText(" plain\r\n subject"), "plain subject");
}

TEST(ExtractPartsTest, FindsBodiesAndAttachmentsDecoded) {
  const std::string msg =
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
      "--b1\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
      "\x1b$B$3$s$K$A$O\x1b(B\r\n"
      "--b1\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\n"
      "Content-Disposition: attachment; filename*=UTF-8''%E5%90%8D%E7%B0%BF.xlsx\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n"
      "--b1--\r\n";
  std::vector<MessagePart> parts = ExtractParts(msg);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_TRUE(parts[0].is_body);
  EXPECT_EQ(parts[0].name, "body.txt");
  EXPECT_NE(parts[0].content.find("こんにちは"), std::string::npos);
  EXPECT_FALSE(parts[1].is_body);
  EXPECT_EQ(parts[1].name, "名簿.xlsx");
  EXPECT_EQ(parts[1].content, "hello");
}

TEST(ExtractPartsTest, AttachedMessageIsOneAttachment) {
  const std::string msg =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
      "hi\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n"
      "--b--\r\n";
  std::vector<MessagePart> parts = ExtractParts(msg);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_FALSE(parts[1].is_body);
  EXPECT_EQ(parts[1].name, "attachment-2.eml");
  EXPECT_NE(parts[1].content.find("inner body"), std::string::npos);
}

}  // namespace
}  // namespace mailcheck
