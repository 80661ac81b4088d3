// The policy's "print" object (docs/PRINT_GUARD.md): per-kind print actions.
#include <gtest/gtest.h>

#include "mailcheck/policy.h"

namespace mailcheck {
namespace {

TEST(PrintPolicyTest, AbsentPrintsEverythingWithoutAsking) {
  auto p = ParsePolicy(R"({"internal_domains": ["example.lg.jp"]})");
  ASSERT_TRUE(p.ok()) << p.error();
  const PrintActions& print = p.value()->print();
  EXPECT_EQ(print.my_number, PrintAction::kAllow);
  EXPECT_EQ(print.class1, PrintAction::kAllow);
  EXPECT_EQ(print.class2, PrintAction::kAllow);
  EXPECT_EQ(print.unscannable, PrintAction::kAllow);
}

TEST(PrintPolicyTest, EachKindTakesItsAction) {
  auto p = ParsePolicy(R"({"internal_domains": ["example.lg.jp"],
      "print": {"my_number": "hold", "class1": "prompt", "class2": "block",
                "unscannable": "allow"}})");
  ASSERT_TRUE(p.ok()) << p.error();
  const PrintActions& print = p.value()->print();
  EXPECT_EQ(print.my_number, PrintAction::kHold);
  EXPECT_EQ(print.class1, PrintAction::kPrompt);
  EXPECT_EQ(print.class2, PrintAction::kBlock);
  EXPECT_EQ(print.unscannable, PrintAction::kAllow);
}

TEST(PrintPolicyTest, BadValuesNameTheKey) {
  auto p = ParsePolicy(R"({"internal_domains": ["example.lg.jp"],
      "print": {"my_number": "convert", "class1": 3}})");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().find("print.my_number: must be one of"), std::string::npos) << p.error();
  EXPECT_NE(p.error().find("print.class1: must be one of"), std::string::npos) << p.error();
  auto q = ParsePolicy(R"({"internal_domains": ["example.lg.jp"], "print": "hold"})");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.error().find("print: must be an object"), std::string::npos) << q.error();
}

TEST(PrintPolicyTest, ShippedDefaultPrintsOrdinaryDocumentsAndHoldsMyNumber) {
  const PrintActions& print = DefaultPolicy()->print();
  EXPECT_EQ(print.class1, PrintAction::kAllow);
  EXPECT_EQ(print.class2, PrintAction::kAllow);
  EXPECT_EQ(print.unscannable, PrintAction::kAllow);
  EXPECT_EQ(print.my_number, PrintAction::kHold);
}

TEST(PrintPolicyTest, ActionNamesRoundTrip) {
  for (PrintAction a :
       {PrintAction::kAllow, PrintAction::kPrompt, PrintAction::kHold, PrintAction::kBlock}) {
    EXPECT_EQ(PrintActionFromName(PrintActionName(a)), a);
  }
  EXPECT_FALSE(PrintActionFromName("convert").has_value());
}

}  // namespace
}  // namespace mailcheck
