// Golden files for the rewrite (tests/data/mailcheck/rewrite): NAME.in.eml is decided
// under the corpus policy (or NAME.policy.json) and the bytes to transmit must equal
// NAME.ref.eml exactly. To regenerate a reference after a deliberate change:
//   mailcheck --policy POLICY --rewrite NAME.ref.eml NAME.in.eml   (then review the diff)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "doccheck/checker.h"
#include "mailcheck/decide.h"
#include "mailcheck/policy.h"
#include "rewrite_check.h"
#include "test_util.h"

namespace mailcheck {
namespace {

std::string RewriteDir() { return testing::TestDataDir() + "/rewrite"; }

std::vector<std::string> GoldenNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(RewriteDir())) {
    const std::string file = entry.path().filename().string();
    if (file.ends_with(".in.eml")) names.push_back(file.substr(0, file.size() - 7));
  }
  std::sort(names.begin(), names.end());
  return names;
}

class RewriteGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RewriteGoldenTest, TransmitBytesMatchReference) {
  const std::string base = RewriteDir() + "/" + GetParam();
  std::string policy_path = base + ".policy.json";
  if (!std::filesystem::exists(policy_path)) {
    policy_path = testing::CorpusMailDir() + "/policy.json";
  }
  auto policy = LoadPolicyFile(policy_path);
  ASSERT_TRUE(policy.ok()) << policy.error();
  doccheck::Checker checker(policy.value()->doccheck_options());
  const std::string input = testing::ReadFile(base + ".in.eml");
  auto decision = Decide(*policy.value(), checker, input);
  ASSERT_TRUE(decision.ok()) << decision.error();
  const Decision& d = decision.value();
  EXPECT_EQ(d.transmit_bytes, testing::ReadFile(base + ".ref.eml"));
  EXPECT_TRUE(testing::OnlyToAndBccChanged(
      input, d.transmit_bytes, d.bcc_conversion.applied ? d.bcc_conversion.to_header : ""));
}

INSTANTIATE_TEST_SUITE_P(Golden, RewriteGoldenTest, ::testing::ValuesIn(GoldenNames()));

TEST(RewriteGoldenExtraTest, GroupsAndCommentsAreExpandedIntoMoved) {
  auto policy = LoadPolicyFile(testing::CorpusMailDir() + "/policy.json");
  ASSERT_TRUE(policy.ok());
  doccheck::Checker checker;
  auto d = Decide(*policy.value(), checker,
                  testing::ReadFile(RewriteDir() + "/group_and_comments.in.eml"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().bcc_conversion.moved,
            (std::vector<std::string>{"yoshida-m@city.honjo.lg.jp", "k.kato@example.ne.jp",
                                      "x.y@example.com"}));
}

TEST(RewriteGoldenExtraTest, EnvelopeIsNeverChangedAndBlindCopiesStayOutOfHeaders) {
  auto policy = LoadPolicyFile(testing::CorpusMailDir() + "/policy.json");
  ASSERT_TRUE(policy.ok());
  doccheck::Checker checker;
  Envelope envelope;
  envelope.mail_from = "yoshida-t@city.honjo.lg.jp";
  envelope.rcpt_to = {"a.yamada@example.ne.jp", "a.takahashi@example.co.jp", "hidden@example.org"};
  auto d = Decide(*policy.value(), checker, testing::ReadFile(RewriteDir() + "/sender_mode.in.eml"),
                  envelope);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().verdict, Verdict::kConvert);
  EXPECT_EQ(d.value().transmit_bytes.find("hidden@example.org"), std::string::npos);
  ASSERT_EQ(d.value().recipients.size(), 3u);
  EXPECT_EQ(d.value().recipients[2].address, "hidden@example.org");
  EXPECT_EQ(d.value().recipients[2].field, RecipientField::kBcc);
}

}  // namespace
}  // namespace mailcheck
