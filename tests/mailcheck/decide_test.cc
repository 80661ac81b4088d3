// Decide end to end on small hand-written messages: recipients, envelope, limits,
// threads, and the JSON/text writers.
#include "mailcheck/decide.h"

#include <gtest/gtest.h>

#include <thread>

#include "doccheck/checker.h"
#include "mailcheck/report_writer.h"
#include "test_util.h"

namespace mailcheck {
namespace {

std::shared_ptr<const Policy> Compile(const std::string& json) {
  auto p = ParsePolicy(json);
  EXPECT_TRUE(p.ok()) << p.error();
  return p.value();
}

const char kPolicy[] = R"({"internal_domains": ["city.honjo.lg.jp"]})";

TEST(DecideTest, EmptyInputIsAnError) {
  doccheck::Checker checker;
  EXPECT_FALSE(Decide(*Compile(kPolicy), checker, "").ok());
}

TEST(DecideTest, DistinctAddressesAreCountedOnceWhateverTheirCase) {
  doccheck::Checker checker;
  auto d = Decide(*Compile(kPolicy), checker,
                  "To: A.Yamada@Example.ne.jp, a.yamada@example.NE.JP, <a.yamada@example.ne.jp>"
                  "\r\n\r\nhi\r\n");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().verdict, Verdict::kAllow);
  ASSERT_EQ(d.value().recipients.size(), 1u);
  EXPECT_EQ(d.value().recipients[0].address, "a.yamada@example.ne.jp");
}

TEST(DecideTest, CcIsNeverConvertedAndToIsLeftAlone) {
  doccheck::Checker checker;
  const std::string msg = "To: a@example.com\r\nCc: b@example.org, c@example.net\r\n\r\nhi\r\n";
  auto d = Decide(*Compile(kPolicy), checker, msg);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().verdict, Verdict::kAllow);
  EXPECT_EQ(d.value().transmit_bytes, msg);
}

TEST(DecideTest, LookalikeAmongInternalToPromptsAndStillConverts) {
  doccheck::Checker checker;
  auto d = Decide(*Compile(kPolicy), checker,
                  "To: a@city.honjo.lg.jp, b@xcity.honjo.lg.jp\r\n\r\nhi\r\n");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().verdict, Verdict::kPrompt);
  EXPECT_TRUE(d.value().bcc_conversion.applied);
  EXPECT_NE(d.value().transmit_bytes.find("To: undisclosed-recipients:;\r\n"), std::string::npos);
  ASSERT_EQ(d.value().reasons.size(), 2u);
  EXPECT_EQ(d.value().reasons[1].code, "lookalike_domain");
}

TEST(DecideTest, LookalikeActionComesFromPolicy) {
  doccheck::Checker checker;
  auto d = Decide(*Compile(R"({"internal_domains": ["city.honjo.lg.jp"],
                               "lookalike_domains": "block"})"),
                  checker, "To: b@city-honjo.lg.jp\r\n\r\nhi\r\n");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().verdict, Verdict::kBlock);
}

TEST(DecideTest, TooManyPartsAreUnscannable) {
  doccheck::Checker checker(Compile(R"({"internal_domains": ["city.honjo.lg.jp"],
                                       "doccheck": {"limits": {"max_entries": 2}}})")
                                ->doccheck_options());
  std::string msg = "To: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (int i = 0; i < 4; ++i) {
    msg += "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=f" +
           std::to_string(i) + ".txt\r\n\r\nnothing here\r\n";
  }
  msg += "--b--\r\n";
  auto d = Decide(*Compile(kPolicy), checker, msg);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d.value().attachments.size(), 3u);
  EXPECT_TRUE(d.value().attachments.back().HasErrors());
  EXPECT_EQ(d.value().verdict, Verdict::kPrompt);
  EXPECT_EQ(d.value().reasons.back().code, "unscannable");
}

TEST(DecideTest, ScanOnlyWhenNeededSkipsInternalMailUnderAnAllowPolicyOnly) {
  auto policy = Compile(kPolicy);  // internal: allow everything; external: the defaults
  doccheck::Checker checker;
  const std::string msg =
      testing::ReadFile(testing::CorpusMailDir() + "/p13_residents_xlsx_internal.eml");
  DecideOptions lazy;
  lazy.scan_only_when_needed = true;
  auto internal = Decide(*policy, checker, msg, {}, lazy);
  ASSERT_TRUE(internal.ok());
  ASSERT_FALSE(internal.value().attachments.empty());
  EXPECT_EQ(internal.value().attachments[0].format, "not_checked");
  EXPECT_EQ(internal.value().verdict, Verdict::kAllow);
  // The same message checked fully: same verdict, the findings are there.
  auto full = Decide(*policy, checker, msg);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full.value().verdict, Verdict::kAllow);
  EXPECT_NE(full.value().attachments[0].format, "not_checked");
  EXPECT_FALSE(full.value().attachments[0].findings.empty());
  // One outside recipient in the envelope: the scan matters again, and finds the list.
  Envelope env;
  env.rcpt_to = {"somebody@example.com"};
  auto external = Decide(*policy, checker, msg, env, lazy);
  ASSERT_TRUE(external.ok());
  EXPECT_NE(external.value().attachments[0].format, "not_checked");
  EXPECT_NE(external.value().verdict, Verdict::kAllow);
}

TEST(DecideTest, ManyThreadsShareOnePolicyAndChecker) {
  auto policy = Compile(kPolicy);
  doccheck::Checker checker;
  const std::string msg = testing::ReadFile(testing::CorpusMailDir() + "/p15_long_folded_to.eml");
  auto expected = Decide(*policy, checker, msg);
  ASSERT_TRUE(expected.ok());
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto d = Decide(*policy, checker, msg);
        same[t] += d.ok() && d.value().transmit_bytes == expected.value().transmit_bytes &&
                   d.value().bcc_conversion.moved == expected.value().bcc_conversion.moved;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(same, std::vector<int>(4, 20));
}

TEST(ReportWriterTest, JsonHasTheContractKeysAndParses) {
  doccheck::Checker checker;
  auto d = Decide(*Compile(kPolicy), checker,
                  "From: me@city.honjo.lg.jp\r\nTo: a@example.com, b@example.org\r\n"
                  "Subject: =?UTF-8?B?6LOH5paZ?=\r\n\r\nhi\r\n");
  ASSERT_TRUE(d.ok());
  auto json = testing::ParseJson(DecisionToJson(d.value())).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(json->getValue<std::string>("verdict"), "convert");
  auto reason = json->getArray("reasons")->getObject(0);
  EXPECT_EQ(reason->getValue<std::string>("code"), "bcc_conversion");
  EXPECT_FALSE(reason->getValue<std::string>("message").empty());
  EXPECT_FALSE(reason->getValue<std::string>("message_ja").empty());
  auto bcc = json->getObject("bcc_conversion");
  EXPECT_TRUE(bcc->getValue<bool>("applied"));
  EXPECT_EQ(bcc->getValue<std::string>("to_header"), "undisclosed-recipients:;");
  auto rcpt = json->getArray("recipients")->getObject(0);
  EXPECT_EQ(rcpt->getValue<std::string>("address"), "a@example.com");
  EXPECT_EQ(rcpt->getValue<std::string>("field"), "to");
  EXPECT_TRUE(rcpt->getValue<bool>("external"));
  EXPECT_TRUE(json->isArray("attachments"));
  EXPECT_EQ(json->getValue<int>("policy_version"), 1);
  EXPECT_EQ(json->getValue<std::string>("subject"), "資料");
}

TEST(ReportWriterTest, TextNamesVerdictAndReasonsInBothLanguages) {
  doccheck::Checker checker;
  auto d = Decide(*Compile(kPolicy), checker, "To: a@example.com, b@example.org\r\n\r\nhi\r\n");
  ASSERT_TRUE(d.ok());
  const std::string text = DecisionToText(d.value());
  EXPECT_NE(text.find("convert"), std::string::npos);
  EXPECT_NE(text.find("Bcc に移しました"), std::string::npos);
  EXPECT_NE(text.find("moved to Bcc"), std::string::npos);
}

}  // namespace
}  // namespace mailcheck
