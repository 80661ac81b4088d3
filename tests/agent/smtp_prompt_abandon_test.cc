// A prompt whose mail client disconnects ends as abandoned and nothing is sent: the
// PromptRegistry's probe while it waits, and the Relay's last look before upstream.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "agent/prompt_registry.h"
#include "agent/relay.h"
#include "counting_transport.h"
#include "mailcheck/policy.h"
#include "process_support.h"

namespace agent {
namespace {

using Answer = PromptRegistry::Answer;

TEST(PromptAbandonTest, ADisconnectWhileWaitingEndsThePromptAtOnce) {
  PromptRegistry prompts;
  const std::string id = prompts.Add({});
  std::atomic<bool> connected{true};
  std::thread client_leaves([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    connected = false;
  });
  const auto start = std::chrono::steady_clock::now();
  const Answer answer =
      prompts.Wait(id, std::chrono::seconds(60), [&] { return connected.load(); });
  client_leaves.join();
  EXPECT_EQ(answer, Answer::kAbandoned);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30)) << "did not hang";
  EXPECT_TRUE(prompts.Pending().empty());
  EXPECT_FALSE(prompts.Decide(id, Answer::kSend)) << "an abandoned prompt cannot be answered";
  EXPECT_EQ(prompts.Outcome(id), Answer::kAbandoned);
}

TEST(PromptAbandonTest, OutcomesOfEndedPromptsAreRememberedBoundedly) {
  PromptRegistry prompts;
  const std::string sent = prompts.Add({});
  ASSERT_TRUE(prompts.Decide(sent, Answer::kSend));
  EXPECT_EQ(prompts.Wait(sent, std::chrono::seconds(1), [] { return true; }), Answer::kSend);
  EXPECT_EQ(prompts.Outcome(sent), Answer::kSend);
  const std::string late = prompts.Add({});
  EXPECT_FALSE(prompts.Outcome(late).has_value()) << "still pending";
  EXPECT_EQ(prompts.Wait(late, std::chrono::milliseconds(10)), Answer::kPending);
  EXPECT_EQ(prompts.Outcome(late), Answer::kPending);
  prompts.MarkAbandoned(sent);
  EXPECT_EQ(prompts.Outcome(sent), Answer::kAbandoned);
  for (std::size_t i = 0; i < PromptRegistry::kRemembered; ++i)
    prompts.Wait(prompts.Add({}), std::chrono::milliseconds(0));
  EXPECT_FALSE(prompts.Outcome(sent).has_value());
  EXPECT_FALSE(prompts.Outcome("unknown").has_value());
}

class Recorder : public RelayObserver {
 public:
  void OnRelay(const RelayReport& report) override { outcomes.push_back(report.outcome); }
  std::vector<RelayOutcome> outcomes;
};

// The user says Send while the client is still there, but it is gone by the time the
// upstream transaction would start: nothing is sent.
TEST(PromptAbandonTest, ClientGoneAfterSendWasChosenSendsNothing) {
  const std::string mail = std::string(SENDGUARD_CORPUS_DIR) + "/mail";
  auto policy = mailcheck::LoadPolicyFile(mail + "/policy.json");
  ASSERT_TRUE(policy.ok());
  const PolicyStore policies(policy.value());
  const CountingTransport upstream;
  PromptRegistry prompts;
  Relay relay(policies, upstream, &prompts, std::chrono::seconds(30));
  Recorder recorder;
  relay.AddObserver(&recorder);
  SmtpEnvelope envelope;
  envelope.mail_from = "sender@city.honjo.lg.jp";
  envelope.rcpt_to = {"a.yamada@example.ne.jp"};
  std::atomic<bool> answered{false};
  std::thread user([&] {
    for (int i = 0; i < 1000 && prompts.Pending().empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(prompts.Pending().size(), 1u);
    const std::string id = prompts.Pending().front().id;
    answered = true;  // from here on the client is gone
    prompts.Decide(id, Answer::kSend);
  });
  const std::string reply =
      relay.Handle(envelope, testing::Read(mail + "/p12_residents_xlsx_external.eml"),
                   [&] { return !answered.load(); });
  user.join();
  ASSERT_EQ(recorder.outcomes.size(), 2u);
  EXPECT_EQ(recorder.outcomes[0], RelayOutcome::kPromptRaised);
  EXPECT_EQ(recorder.outcomes[1], RelayOutcome::kPromptAbandoned);
  EXPECT_EQ(upstream.sends.load(), 0);
  EXPECT_EQ(reply.rfind("421", 0), 0u) << reply;
  EXPECT_NE(reply.find("送信元のメールソフトが接続を切ったため"), std::string::npos) << reply;
}

}  // namespace
}  // namespace agent
