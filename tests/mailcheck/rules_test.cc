// Rule tests with hand-made facts: what each rule concludes, without doccheck.
#include <gtest/gtest.h>

#include "rule.h"
#include "test_util.h"

namespace mailcheck {
namespace {

std::shared_ptr<const Policy> CorpusPolicy() {
  auto p = LoadPolicyFile(testing::CorpusMailDir() + "/policy.json");
  EXPECT_TRUE(p.ok()) << p.error();
  return p.value();
}

RecipientFacts Rcpt(const std::string& address, bool external) {
  RecipientFacts r;
  r.recipient.address = address;
  r.recipient.external = external;
  return r;
}

doccheck::Finding MyNumber() {
  doccheck::Finding f;
  f.kind = doccheck::Kind::kMyNumber;
  f.masked = "1234 **** ***8";
  return f;
}

TEST(RegistryTest, ListsEveryRuleOnce) {
  std::vector<std::string> names;
  for (const Rule* r : AllRules()) names.push_back(std::string(r->name()));
  EXPECT_EQ(names, (std::vector<std::string>{"bcc_conversion", "lookalike_domain", "attachments"}));
}

TEST(BccConversionRuleTest, ConvertsTwoToWithAnExternal) {
  auto policy = CorpusPolicy();
  MessageFacts facts;
  facts.to_addresses = {"a@city.honjo.lg.jp", "b@example.com"};
  RuleOutcome o = BccConversionRule().Evaluate(*policy, facts);
  ASSERT_TRUE(o.bcc_conversion.has_value());
  EXPECT_EQ(o.bcc_conversion->moved, facts.to_addresses);
  EXPECT_EQ(o.bcc_conversion->to_header, "undisclosed-recipients:;");
  ASSERT_EQ(o.reasons.size(), 1u);
  EXPECT_EQ(o.reasons[0].verdict, Verdict::kConvert);
  EXPECT_NE(o.reasons[0].message_ja.find("example.com"), std::string::npos);
}

TEST(BccConversionRuleTest, LeavesInternalOnlyAndSingleToAlone) {
  auto policy = CorpusPolicy();
  MessageFacts facts;
  facts.to_addresses = {"a@city.honjo.lg.jp", "b@kyoiku.city.honjo.lg.jp"};
  EXPECT_FALSE(BccConversionRule().Evaluate(*policy, facts).bcc_conversion);
  facts.to_addresses = {"b@example.com"};
  EXPECT_FALSE(BccConversionRule().Evaluate(*policy, facts).bcc_conversion);
}

TEST(BccConversionRuleTest, SenderModeAndThreshold) {
  auto p = ParsePolicy(R"({"internal_domains": ["city.honjo.lg.jp"],
      "bcc_conversion": {"min_to_recipients": 3, "to_header": "sender"}})");
  ASSERT_TRUE(p.ok()) << p.error();
  MessageFacts facts;
  facts.sender = "me@city.honjo.lg.jp";
  facts.to_addresses = {"a@example.com", "b@example.com"};
  EXPECT_FALSE(BccConversionRule().Evaluate(*p.value(), facts).bcc_conversion);
  facts.to_addresses.push_back("c@example.com");
  RuleOutcome o = BccConversionRule().Evaluate(*p.value(), facts);
  ASSERT_TRUE(o.bcc_conversion);
  EXPECT_EQ(o.bcc_conversion->to_header, "me@city.honjo.lg.jp");
}

TEST(LookalikeRuleTest, PromptsOncePerDomain) {
  auto policy = CorpusPolicy();
  MessageFacts facts;
  for (const char* a : {"x@city.honjo.lg.jp.example.net", "y@city.honjo.lg.jp.example.net"}) {
    RecipientFacts r = Rcpt(a, true);
    r.lookalike = Lookalike{Lookalike::Why::kInternalPrefix, "city.honjo.lg.jp"};
    facts.recipients.push_back(r);
  }
  RuleOutcome o = LookalikeDomainRule().Evaluate(*policy, facts);
  ASSERT_EQ(o.reasons.size(), 1u);
  EXPECT_EQ(o.reasons[0].code, "lookalike_domain");
  EXPECT_EQ(o.reasons[0].verdict, Verdict::kPrompt);
  EXPECT_NE(o.reasons[0].message.find("x@city.honjo.lg.jp.example.net"), std::string::npos);
}

TEST(AttachmentRuleTest, MyNumberToOutsideBlocksAndNamesEverything) {
  auto policy = CorpusPolicy();
  doccheck::FileReport report;
  report.path = "名簿.xlsx";
  report.klass = 1;
  report.findings = {MyNumber(), MyNumber(), MyNumber()};
  MessageFacts facts;
  facts.recipients = {Rcpt("a@example.com", true)};
  facts.parts = {ScannedPart{"名簿.xlsx", false, &report}};
  RuleOutcome o = AttachmentRule().Evaluate(*policy, facts);
  ASSERT_EQ(o.reasons.size(), 1u);  // class 1 adds nothing to the stricter My Number reason
  EXPECT_EQ(o.reasons[0].code, "my_number");
  EXPECT_EQ(o.reasons[0].verdict, Verdict::kBlock);
  EXPECT_EQ(o.reasons[0].message_ja,
            "添付ファイル 名簿.xlsx に個人番号が 3 件含まれています (例: 1234 **** ***8)。"
            "庁外の宛先 (example.com) には送信できません。");
  EXPECT_EQ(o.reasons[0].message,
            "Attachment 名簿.xlsx contains 3 My Numbers (e.g. 1234 **** ***8). It cannot be "
            "sent to outside recipients (example.com).");
}

TEST(AttachmentRuleTest, MyNumberInChildOfArchiveCounts) {
  auto policy = CorpusPolicy();
  doccheck::FileReport report;
  report.klass = 1;
  report.children.resize(1);
  report.children[0].findings = {MyNumber()};
  MessageFacts facts;
  facts.recipients = {Rcpt("a@example.com", true)};
  facts.parts = {ScannedPart{"bundle.zip", false, &report}};
  RuleOutcome o = AttachmentRule().Evaluate(*policy, facts);
  ASSERT_FALSE(o.reasons.empty());
  EXPECT_EQ(o.reasons[0].verdict, Verdict::kBlock);
}

TEST(AttachmentRuleTest, InternalRecipientsUseInternalActions) {
  auto policy = CorpusPolicy();
  doccheck::FileReport report;
  report.klass = 1;
  report.findings = {MyNumber()};
  MessageFacts facts;
  facts.recipients = {Rcpt("a@city.honjo.lg.jp", false)};
  facts.parts = {ScannedPart{"a.docx", false, &report}};
  EXPECT_TRUE(AttachmentRule().Evaluate(*policy, facts).reasons.empty());
}

TEST(AttachmentRuleTest, RecipientsOutsideTheEnvelopeDoNotCount) {
  auto policy = CorpusPolicy();
  doccheck::FileReport report;
  report.klass = 2;
  MessageFacts facts;
  facts.recipients = {Rcpt("a@example.com", true)};
  facts.recipients[0].recipient.in_envelope = false;
  facts.parts = {ScannedPart{"a.pptx", false, &report}};
  EXPECT_TRUE(AttachmentRule().Evaluate(*policy, facts).reasons.empty());
}

TEST(AttachmentRuleTest, ClassTwoAndUnscannablePrompt) {
  auto policy = CorpusPolicy();
  doccheck::FileReport label;
  label.klass = 2;
  doccheck::Finding f;
  f.kind = doccheck::Kind::kClassificationLabel;
  f.masked = "秘";
  label.findings = {f};
  doccheck::FileReport encrypted;
  encrypted.errors = {{doccheck::ErrorCode::kEncrypted, "archive entry a.docx is encrypted"}};
  MessageFacts facts;
  facts.recipients = {Rcpt("a@example.com", true), Rcpt("b@city.honjo.lg.jp", false)};
  facts.parts = {ScannedPart{"slides.pptx", false, &label},
                 ScannedPart{"data.zip", false, &encrypted}};
  RuleOutcome o = AttachmentRule().Evaluate(*policy, facts);
  ASSERT_EQ(o.reasons.size(), 2u);
  EXPECT_EQ(o.reasons[0].code, "class2");
  EXPECT_EQ(o.reasons[0].verdict, Verdict::kPrompt);
  EXPECT_NE(o.reasons[0].message_ja.find("秘密区分の表示 1 件"), std::string::npos);
  EXPECT_EQ(o.reasons[1].code, "unscannable");
  EXPECT_NE(o.reasons[1].message_ja.find("暗号化されている"), std::string::npos);
  EXPECT_NE(o.reasons[1].message.find("encrypted"), std::string::npos);
}

TEST(AttachmentRuleTest, BodyIsNamedAsTheBody) {
  auto policy = CorpusPolicy();
  doccheck::FileReport body;
  body.klass = 1;
  body.findings = {MyNumber()};
  MessageFacts facts;
  facts.recipients = {Rcpt("a@example.com", true)};
  facts.parts = {ScannedPart{"body.txt", true, &body}};
  RuleOutcome o = AttachmentRule().Evaluate(*policy, facts);
  ASSERT_FALSE(o.reasons.empty());
  EXPECT_EQ(o.reasons[0].message_ja.rfind("本文に個人番号が 1 件", 0), 0u);
}

TEST(VerdictTest, StrictestWinsAndExitCodes) {
  EXPECT_EQ(Strictest(Verdict::kConvert, Verdict::kPrompt), Verdict::kPrompt);
  EXPECT_EQ(Strictest(Verdict::kBlock, Verdict::kPrompt), Verdict::kBlock);
  EXPECT_EQ(Strictest(Verdict::kAllow, Verdict::kConvert), Verdict::kConvert);
  EXPECT_EQ(ExitCodeFor(Verdict::kAllow), 0);
  EXPECT_EQ(ExitCodeFor(Verdict::kConvert), 0);
  EXPECT_EQ(ExitCodeFor(Verdict::kPrompt), 1);
  EXPECT_EQ(ExitCodeFor(Verdict::kBlock), 2);
  EXPECT_EQ(VerdictFromName("prompt"), Verdict::kPrompt);
  EXPECT_FALSE(VerdictFromName("deny").has_value());
}

}  // namespace
}  // namespace mailcheck
