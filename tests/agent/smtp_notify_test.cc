// What the desktop notification says about a converted mail (To moved to Bcc).
#include <gtest/gtest.h>

#include "agent/desktop_notifier.h"
#include "mailcheck/verdict.h"

namespace agent {
namespace {

mailcheck::Decision Converted() {
  mailcheck::Decision d;
  d.verdict = mailcheck::Verdict::kConvert;
  d.subject = "説明会のご案内 <お知らせ>";
  d.bcc_conversion.applied = true;
  d.bcc_conversion.moved = {"a.takahashi@example.co.jp", "a.yamada@example.ne.jp"};
  d.bcc_conversion.to_header = "undisclosed-recipients:;";
  mailcheck::Reason r;
  r.code = "bcc_conversion";
  r.verdict = mailcheck::Verdict::kConvert;
  r.message = "2 recipients in To, 2 external: moved to Bcc";
  r.message_ja = "To に 2 件の宛先があり、うち 2 件が庁外のため、全員を Bcc に移しました。";
  d.reasons.push_back(r);
  return d;
}

TEST(ConversionNotificationTest, SaysToBecameBccAndWhyInJapanese) {
  const mailcheck::Decision d = Converted();
  SmtpEnvelope envelope;
  const RelayReport report{envelope, &d, RelayOutcome::kRelayed, "250 2.0.0 Ok\r\n", {}};
  const auto [summary, body] = DesktopNotifier::Text(report, "http://127.0.0.1:1/confirm");
  EXPECT_NE(summary.find("Bcc"), std::string::npos) << summary;
  EXPECT_NE(body.find("To に 2 件の宛先があり"), std::string::npos) << body;
  EXPECT_NE(body.find("a.yamada@example.ne.jp"), std::string::npos) << body;
  EXPECT_NE(body.find("&lt;お知らせ&gt;"), std::string::npos) << "markup stays literal: " << body;
}

TEST(ConversionNotificationTest, NothingWhenNotSentOrNotConverted) {
  mailcheck::Decision d = Converted();
  SmtpEnvelope envelope;
  // Upstream refused it: the mail was not sent, the client will try again.
  RelayReport refused{envelope, &d, RelayOutcome::kRelayed, "451 4.4.1 down\r\n", {}};
  EXPECT_TRUE(DesktopNotifier::Text(refused, "").first.empty());
  d.bcc_conversion.applied = false;
  RelayReport plain{envelope, &d, RelayOutcome::kRelayed, "250 2.0.0 Ok\r\n", {}};
  EXPECT_TRUE(DesktopNotifier::Text(plain, "").first.empty());
}

}  // namespace
}  // namespace agent
