// policy push without the CLI: validation, versioning, the admin's text kept, signing.
#include "central/policy_publisher.h"

#include <gtest/gtest.h>

#include "mailcheck/policy.h"
#include "test_support.h"

namespace central {
namespace {

using central_test::TempDir;

constexpr char kPolicy[] =
    "{\n"
    "  \"version\": 2,\n"
    "  \"organization\": \"本庄市\",   // kept as written\n"
    "  \"internal_domains\": [\"city.honjo.lg.jp\"]\n"
    "}\n";

std::string WithoutComment(std::string s) {
  const std::size_t at = s.find("   // kept as written");
  if (at != std::string::npos) s.erase(at, std::string("   // kept as written").size());
  return s;
}

TEST(WithPolicyVersionTest, OnlyTheVersionValueChanges) {
  const std::string text = WithoutComment(kPolicy);
  auto r = WithPolicyVersion(text, 7);
  ASSERT_TRUE(r.ok()) << r.error();
  std::string expected = text;
  expected.replace(expected.find("2,"), 1, "7");
  EXPECT_EQ(r.value(), expected);
}

TEST(WithPolicyVersionTest, MissingVersionIsInsertedFirst) {
  auto r = WithPolicyVersion("{\n  \"internal_domains\": [\"city.honjo.lg.jp\"]\n}\n", 3);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.value(), "{\n  \"version\": 3,\n  \"internal_domains\": [\"city.honjo.lg.jp\"]\n}\n");
  auto one_line = WithPolicyVersion(R"({"internal_domains":["city.honjo.lg.jp"]})", 4);
  ASSERT_TRUE(one_line.ok());
  EXPECT_EQ(one_line.value(), R"({"version": 4, "internal_domains":["city.honjo.lg.jp"]})");
}

TEST(WithPolicyVersionTest, NestedVersionKeysAreNotTouched) {
  const std::string text =
      R"({"doccheck":{"version":9},"internal_domains":["city.honjo.lg.jp"],"version":1})";
  auto r = WithPolicyVersion(text, 5);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.value(),
            R"({"doccheck":{"version":9},"internal_domains":["city.honjo.lg.jp"],"version":5})");
}

class PublishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenStore("sqlite:" + (dir_.path() / "c.db").string());
    ASSERT_TRUE(store.ok()) << store.error();
    store_ = std::move(store).value();
    auto signer = PolicySigner::LoadOrCreate((dir_.path() / "state").string());
    ASSERT_TRUE(signer.ok()) << signer.error();
    signer_ = std::make_unique<PolicySigner>(signer.value());
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<PolicySigner> signer_;
};

TEST_F(PublishTest, VersionIsTheLargerOfTheFilesAndLastPlusOne) {
  const std::string text = WithoutComment(kPolicy);  // says version 2
  auto first = PublishPolicyText(*store_, *signer_, text, 1);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first.value(), 2);
  auto second = PublishPolicyText(*store_, *signer_, text, 2);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(second.value(), 3);
  auto jump = WithPolicyVersion(text, 10);
  auto third = PublishPolicyText(*store_, *signer_, jump.value(), 3);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third.value(), 10);
}

TEST_F(PublishTest, PublishedTextIsSignedAndCarriesItsVersion) {
  ASSERT_TRUE(PublishPolicyText(*store_, *signer_, WithoutComment(kPolicy), 1).ok());
  ASSERT_TRUE(PublishPolicyText(*store_, *signer_, WithoutComment(kPolicy), 1).ok());
  auto latest = store_->LatestPolicy();
  ASSERT_TRUE(latest.ok() && latest.value());
  const PublishedPolicy& p = *latest.value();
  EXPECT_EQ(p.version, 3);
  EXPECT_TRUE(VerifyPolicySignature(p.policy, p.signature, signer_->PublicKeyBase64()));
  auto parsed = mailcheck::ParsePolicy(p.policy);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed.value()->version(), 3);
  EXPECT_NE(p.policy.find("\"organization\": \"本庄市\""), std::string::npos) << p.policy;
}

TEST_F(PublishTest, InvalidPolicyIsNotPublished) {
  auto r = PublishPolicyText(*store_, *signer_,
                             R"({"version":1,"bcc_conversion":{"min_to_recipients":0}})", 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("internal_domains"), std::string::npos) << r.error();
  auto latest = store_->LatestPolicy();
  ASSERT_TRUE(latest.ok());
  EXPECT_FALSE(latest.value().has_value());
}

}  // namespace
}  // namespace central
