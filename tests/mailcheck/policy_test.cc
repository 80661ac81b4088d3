#include "mailcheck/policy.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace mailcheck {
namespace {

TEST(PolicyTest, CorpusPolicyCompiles) {
  auto p = LoadPolicyFile(testing::CorpusMailDir() + "/policy.json");
  ASSERT_TRUE(p.ok()) << p.error();
  const Policy& policy = *p.value();
  EXPECT_EQ(policy.version(), 1);
  EXPECT_EQ(policy.organization(), "本庄市");
  EXPECT_TRUE(policy.bcc_conversion().enabled);
  EXPECT_EQ(policy.bcc_conversion().min_to_recipients, 2);
  EXPECT_EQ(policy.bcc_conversion().to_header, ToHeaderMode::kUndisclosed);
  EXPECT_EQ(policy.lookalike_domains(), Verdict::kPrompt);  // default: key absent
  EXPECT_EQ(policy.external_attachments().my_number, Verdict::kBlock);
  EXPECT_EQ(policy.external_attachments().class1, Verdict::kPrompt);
  EXPECT_EQ(policy.internal_attachments().my_number, Verdict::kAllow);
  EXPECT_TRUE(policy.domains().IsInternal("kyoiku.city.honjo.lg.jp"));
}

TEST(PolicyTest, ShippedDefaultMatchesTheFileAndCompiles) {
  EXPECT_EQ(DefaultPolicyJson(), testing::ReadFile(std::string(SENDGUARD_SOURCE_DIR) +
                                                   "/mailcheck/default_policy.json"));
  std::shared_ptr<const Policy> p = DefaultPolicy();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->domains().internal_domains(), std::vector<std::string>{"city.honjo.lg.jp"});
  EXPECT_EQ(DefaultPolicy().get(), p.get());  // compiled once, shared
}

TEST(PolicyTest, MinimalPolicyTakesContractDefaults) {
  auto p = ParsePolicy(R"({"internal_domains": ["example.lg.jp"]})");
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p.value()->version(), 1);
  EXPECT_EQ(p.value()->bcc_conversion().min_to_recipients, 2);
  EXPECT_EQ(p.value()->external_attachments().unscannable, Verdict::kPrompt);
  EXPECT_EQ(p.value()->internal_attachments().class1, Verdict::kAllow);
}

TEST(PolicyTest, ReadsEveryKey) {
  auto p = ParsePolicy(R"({"version": 7, "organization": "会津美里町",
      "internal_domains": ["town.aizumisato.fukushima.jp", "example.lg.jp"],
      "bcc_conversion": {"enabled": false, "min_to_recipients": 3, "to_header": "sender"},
      "lookalike_domains": "block",
      "attachments": {"external": {"my_number": "prompt", "class1": "block", "class2": "allow",
                                   "unscannable": "block"},
                      "internal": {"my_number": "prompt", "class1": "prompt"}},
      "future_key": {"anything": true}})");
  ASSERT_TRUE(p.ok()) << p.error();
  const Policy& policy = *p.value();
  EXPECT_EQ(policy.version(), 7);
  EXPECT_FALSE(policy.bcc_conversion().enabled);
  EXPECT_EQ(policy.bcc_conversion().min_to_recipients, 3);
  EXPECT_EQ(policy.bcc_conversion().to_header, ToHeaderMode::kSender);
  EXPECT_EQ(policy.lookalike_domains(), Verdict::kBlock);
  EXPECT_EQ(policy.external_attachments().my_number, Verdict::kPrompt);
  EXPECT_EQ(policy.external_attachments().class1, Verdict::kBlock);
  EXPECT_EQ(policy.external_attachments().class2, Verdict::kAllow);
  EXPECT_EQ(policy.internal_attachments().my_number, Verdict::kPrompt);
  EXPECT_EQ(policy.internal_attachments().class2, Verdict::kAllow);
  EXPECT_TRUE(policy.domains().IsInternal("example.lg.jp"));
}

struct BadPolicy {
  const char* json;
  const char* error;  // a line the error must contain
};

class PolicyValidationTest : public ::testing::TestWithParam<BadPolicy> {};

TEST_P(PolicyValidationTest, NamesTheKeyAndTheProblem) {
  auto p = ParsePolicy(GetParam().json);
  ASSERT_FALSE(p.ok()) << GetParam().json;
  EXPECT_NE(p.error().find(GetParam().error), std::string::npos) << "error was: " << p.error();
}

#define DOMAINS R"("internal_domains": ["city.honjo.lg.jp"])"
INSTANTIATE_TEST_SUITE_P(
    Table, PolicyValidationTest,
    ::testing::Values(
        BadPolicy{"{", "policy: not valid JSON"}, BadPolicy{"[1]", "policy: must be a JSON object"},
        BadPolicy{"{}", "internal_domains: is required"},
        BadPolicy{R"({"internal_domains": "city.honjo.lg.jp"})",
                  "internal_domains: must be an array"},
        BadPolicy{R"({"internal_domains": []})", "internal_domains: must list at least one"},
        BadPolicy{R"({"internal_domains": ["ok.example", 3]})",
                  "internal_domains[1]: must be a string"},
        BadPolicy{R"({"internal_domains": ["bad domain"]})",
                  "internal_domains[0]: \"bad domain\" is not a valid domain name"},
        BadPolicy{"{" DOMAINS R"(, "version": 0})", "version: must be an integer ≥ 1"},
        BadPolicy{"{" DOMAINS R"(, "version": "2"})", "version: must be an integer ≥ 1"},
        BadPolicy{"{" DOMAINS R"(, "bcc_conversion": {"min_to_recipients": 0}})",
                  "bcc_conversion.min_to_recipients: must be an integer ≥ 1"},
        BadPolicy{"{" DOMAINS R"(, "bcc_conversion": {"min_to_recipients": 2.5}})",
                  "bcc_conversion.min_to_recipients: must be an integer ≥ 1"},
        BadPolicy{"{" DOMAINS R"(, "bcc_conversion": {"min_to_recipients": "2"}})",
                  "bcc_conversion.min_to_recipients: must be an integer ≥ 1"},
        BadPolicy{"{" DOMAINS R"(, "bcc_conversion": {"enabled": "yes"}})",
                  "bcc_conversion.enabled: must be true or false"},
        BadPolicy{"{" DOMAINS R"(, "bcc_conversion": {"to_header": "bcc"}})",
                  "bcc_conversion.to_header: must be \"undisclosed\" or \"sender\""},
        BadPolicy{"{" DOMAINS R"(, "bcc_conversion": true})", "bcc_conversion: must be an object"},
        BadPolicy{"{" DOMAINS R"(, "lookalike_domains": "convert"})",
                  "lookalike_domains: must be one of \"allow\", \"prompt\", \"block\""},
        BadPolicy{"{" DOMAINS R"(, "attachments": {"external": {"my_number": "deny"}}})",
                  "attachments.external.my_number: must be one of"},
        BadPolicy{"{" DOMAINS R"(, "attachments": {"internal": {"class2": 1}}})",
                  "attachments.internal.class2: must be one of"},
        BadPolicy{"{" DOMAINS R"(, "attachments": {"internal": []}})",
                  "attachments.internal: must be an object"},
        BadPolicy{"{" DOMAINS R"(, "attachments": 1})", "attachments: must be an object"}));
#undef DOMAINS

TEST(PolicyTest, ReportsEveryProblemAtOnce) {
  auto p = ParsePolicy(R"({"internal_domains": ["x.example"], "version": -1,
                           "lookalike_domains": "maybe"})");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().find("version:"), std::string::npos);
  EXPECT_NE(p.error().find("lookalike_domains:"), std::string::npos);
}

TEST(PolicyTest, FileErrorsNameTheFile) {
  auto p = LoadPolicyFile("/nonexistent/policy.json");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().find("/nonexistent/policy.json"), std::string::npos);
}

#ifdef MAILCHECK_BINARY
TEST(CheckConfigTest, SaysConfigurationOkForAGoodPolicy) {
  auto r = testing::Run(
      {MAILCHECK_BINARY, "--check-config", "--policy", testing::CorpusMailDir() + "/policy.json"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "configuration OK\n");
}

TEST(CheckConfigTest, ExitsThreeForABadPolicy) {
  std::string dir = testing::MakeTempDir("policy");
  std::string path = dir + "/bad.json";
  testing::WriteFile(path, R"({"internal_domains": ["x.example"],
                               "bcc_conversion": {"min_to_recipients": 0}})");
  auto r = testing::Run({MAILCHECK_BINARY, "--check-config", "--policy", path});
  EXPECT_EQ(r.exit_code, 3);
  std::filesystem::remove_all(dir);
}

TEST(CheckConfigTest, DefaultPolicyIsUsedWithoutPolicyFlag) {
  auto r = testing::Run({MAILCHECK_BINARY, "--check-config"});
  EXPECT_EQ(r.exit_code, 0);
}
#endif

}  // namespace
}  // namespace mailcheck
