// The confirmation page's text for what is waiting: a mail's BCC conversion is said as
// what will happen (it has not been sent yet), and a print job (the print guard's prompt)
// shows its printer, title and findings, masked and escaped; the body of the print
// guard's request is read strictly.
#include "agent/confirm_page.h"

#include <gtest/gtest.h>

#include "agent/print_prompt_server.h"

namespace agent {
namespace {

TEST(ConfirmPageTest, BccConversionIsSaidAsWhatWillHappenBeforeSending) {
  PromptInfo p;
  p.id = "abc";
  p.csrf = "0123";
  p.subject = "会議のご案内";
  p.recipients = {"a@example.ne.jp", "b@example.ne.jp"};
  mailcheck::Reason bcc;
  bcc.code = "bcc_conversion";
  bcc.verdict = mailcheck::Verdict::kConvert;
  bcc.message_ja =
      "To に 2 件の宛先があり、うち 2 件が庁外 (example.ne.jp) のため、宛先が互いに見えないよう"
      "全員を Bcc に移しました。";
  p.reasons = {bcc};
  const std::string html = RenderConfirmPage({p}, {}, std::chrono::steady_clock::now());
  EXPECT_NE(html.find("送信時に全員を Bcc へ移します。"), std::string::npos) << html;
  EXPECT_EQ(html.find("移しました"), std::string::npos) << html;
}

TEST(ConfirmPageTest, APrintJobShowsPrinterTitleAndFindingsMaskedAndEscaped) {
  PromptInfo p;
  p.id = "def";
  p.csrf = "4567";
  PrintJobInfo job;
  job.printer = "庁舎<b>";
  job.title = "<script>x</script> 名簿 090-1234-5678";
  job.copies = 2;
  job.bytes = 5000;
  job.job_id = "42";
  job.message = "sendguard: 印刷の確認待ちです。";
  job.findings = {{"person_name", 3}, {"birth_date", 1}, {"unknown_kind", 2}};
  job.samples = {"19**年*月*日"};
  p.print = job;
  p.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const std::string html = RenderConfirmPage({p}, {}, std::chrono::steady_clock::now());
  for (const char* expected :
       {"印刷: &lt;script&gt;x&lt;/script&gt; 名簿", "プリンター: <b>庁舎&lt;b&gt;</b>",
        "部数 2、5 KB", "氏名 3 件", "生年月日 1 件", "unknown_kind 2 件", "19**年*月*日",
        "ジョブ番号: 42", "sendguard が印刷を止めています", "<b>保留</b>",
        "value=\"cancel\" class=\"cancel\" autofocus>印刷を取り消す",
        "value=\"send\" class=\"send\">印刷する", "action=\"/confirm/def\""}) {
    EXPECT_NE(html.find(expected), std::string::npos) << expected << "\n" << html;
  }
  EXPECT_EQ(html.find("090-1234-5678"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("メールの送信を止めています"), std::string::npos);

  PromptRegistry::Finished done;
  done.info.print = job;
  done.answer = PromptRegistry::Answer::kPending;
  const std::string later = RenderConfirmPage({}, {done}, std::chrono::steady_clock::now());
  EXPECT_NE(later.find("時間切れのため保留されました"), std::string::npos) << later;
}

TEST(PrintPromptParseTest, ReadsTheBackendsSummaryAndRefusesWrongTypes) {
  auto ok = ParsePrintPrompt(
      R"({"user":"taro","job_id":"7","printer":"P","title":"T","copies":2,"bytes":10,)"
      R"("timeout":30,"findings":{"birth_date":1},"samples":["1*"],"reasons":["class1"]})");
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(ok.value().user, "taro");
  EXPECT_EQ(ok.value().timeout.count(), 30);
  EXPECT_EQ(ok.value().job.copies, 2);
  ASSERT_EQ(ok.value().job.findings.size(), 1u);
  EXPECT_EQ(ok.value().job.findings[0].first, "birth_date");
  for (const char* bad : {"", "[]", "{}", R"({"user":1})", R"({"user":"a","copies":-1})",
                          R"({"user":"a","copies":"2"})", R"({"user":"a","findings":[1]})",
                          R"({"user":"a","findings":{"x":"1"}})", R"({"user":"a","samples":[1]})",
                          R"({"user":"a"} trailing)"}) {
    EXPECT_FALSE(ParsePrintPrompt(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParsePrintPrompt(std::string(70000, ' ')).ok());
}

}  // namespace
}  // namespace agent
