// PromptRegistry: answers reach the waiting session once, and what happened to the last
// prompts stays visible for the confirmation page.
#include "agent/prompt_registry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace agent {
namespace {

using std::chrono::milliseconds;

TEST(PromptRegistryTest, FinishedPromptsAreListedNewestFirstWithTheirAnswer) {
  PromptRegistry prompts;
  PromptInfo a;
  a.subject = "件名A";
  a.recipients = {"a@example.ne.jp"};
  const std::string id_a = prompts.Add(a);
  PromptInfo b;
  b.subject = "件名B";
  const std::string id_b = prompts.Add(b);
  EXPECT_TRUE(prompts.Recent().empty());
  EXPECT_TRUE(prompts.Decide(id_a, PromptRegistry::Answer::kSend));
  EXPECT_FALSE(prompts.Decide(id_a, PromptRegistry::Answer::kCancel)) << "answered once";
  EXPECT_EQ(prompts.Wait(id_a, milliseconds(0)), PromptRegistry::Answer::kSend);
  EXPECT_EQ(prompts.Wait(id_b, milliseconds(1)), PromptRegistry::Answer::kPending);  // timed out
  const auto recent = prompts.Recent();
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].info.subject, "件名B");
  EXPECT_EQ(recent[0].answer, PromptRegistry::Answer::kPending);
  EXPECT_EQ(recent[1].info.subject, "件名A");
  EXPECT_EQ(recent[1].answer, PromptRegistry::Answer::kSend);
  EXPECT_EQ(recent[1].info.recipients.size(), 1u);
  EXPECT_TRUE(recent[1].info.attachments.empty()) << "reports are not kept";
  EXPECT_TRUE(prompts.NoteOutcome(id_a, "送信されませんでした"));
  EXPECT_EQ(prompts.Recent()[1].note_ja, "送信されませんでした");
  EXPECT_FALSE(prompts.NoteOutcome("unknown", "x"));
  EXPECT_TRUE(prompts.Pending().empty());
}

TEST(PromptRegistryTest, KeepsABoundedHistory) {
  PromptRegistry prompts;
  for (std::size_t i = 0; i < PromptRegistry::kRecentKept + 5; ++i) {
    PromptInfo p;
    p.subject = std::to_string(i);
    const std::string id = prompts.Add(p);
    prompts.Decide(id, PromptRegistry::Answer::kCancel);
    prompts.Wait(id, milliseconds(0));
  }
  const auto recent = prompts.Recent();
  ASSERT_EQ(recent.size(), PromptRegistry::kRecentKept);
  EXPECT_EQ(recent.front().info.subject, std::to_string(PromptRegistry::kRecentKept + 4));
}

}  // namespace
}  // namespace agent
