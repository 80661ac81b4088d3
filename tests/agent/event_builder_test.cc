// Events built from relay reports: kinds, fields, and that nothing unmasked gets in.
#include "agent/event_builder.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <regex>

#include "mailcheck/policy.h"

namespace agent {
namespace {

// True when `s` has a run of 5 or more ASCII digits outside the "id" value.
bool HasLongDigitRun(std::string s) {
  s = std::regex_replace(s, std::regex("\"id\":\"[0-9a-f]{32}\""), "\"id\":\"x\"");
  return std::regex_search(s, std::regex("[0-9]{5,}"));
}

TEST(MaskDigitsTest, KeepsOnlyTheLastFourDigitsOfLongRuns) {
  EXPECT_EQ(MaskDigits("tel 0312345678 end"), "tel ******5678 end");
  EXPECT_EQ(MaskDigits("123456785678"), "********5678");
  EXPECT_EQ(MaskDigits("2026 and 123"), "2026 and 123");
  EXPECT_EQ(MaskDigits("12345"), "*2345");
  EXPECT_EQ(MaskDigits("1234 **** ***8"), "1234 **** ***8");
  // Full-width digits count, alone or mixed with ASCII.
  EXPECT_EQ(MaskDigits("番号０３１２３４５６７８"), "番号******５６７８");
  EXPECT_EQ(MaskDigits("０３12345678"), "******5678");
  EXPECT_EQ(MaskDigits(""), "");
}

// Issue 10, item 2: numbers written with separators, in full-width forms or in other
// scripts' digits are numbers too.
TEST(MaskDigitsTest, SeparatedAndOtherScriptDigitsAreOneNumber) {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"3739 6401 7574", "**** **** 7574"},
      {"3739-6401-7574", "****-****-7574"},
      {"3739  6401  7574", "****  ****  7574"},
      {"3739\u30006401\u30007574", "****\u3000****\u30007574"},  // ideographic space
      {"３７３９－６４０１－７５７４", "****－****－７５７４"},  // full-width
      {"3739\u22126401\u22127574", "****\u2212****\u22127574"},  // minus sign
      {"3739.6401.7574", "****.****.7574"},
      {"090-1234-5678_山田.csv", "***-****-5678_山田.csv"},
      {"090 1234 5678", "*** **** 5678"},
      {"٣٧٣٩٦٤٠١٧٥٧٤", "********٧٥٧٤"},      // Arabic-Indic
      {"३७३९ ६४०१ ७५७४", "**** **** ७५७४"},  // Devanagari
      {"12 34 56 78 90", "** ** ** 78 90"},
      // Below ten digits, separated groups stay; unbroken runs of five or more do not.
      {"2026-11-29 会議", "2026-11-29 会議"},
      // A date and a time read as ten digits joined by separators: masked like central
      // would refuse it (over-masking is the safe side).
      {"2026-11-29 10:00", "****-**-29 10:00"},
      {"第3回 2026年", "第3回 2026年"},
      {"0312345", "***2345"},
      {"1234 5678", "1234 5678"},
      // Far apart is not one number.
      {"3739 and 6401 and 7574", "3739 and 6401 and 7574"},
      {"3739 ---- 6401", "3739 ---- 6401"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(MaskDigits(c.in), c.out) << c.in;
}

// Whatever doccheck finds in a free-text field is masked with doccheck's own mask.
TEST(MaskFreeTextTest, MasksWhatDoccheckFinds) {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"マイナンバー 3739 6401 7574 の件", "マイナンバー 3739 **** ***4 の件"},
      {"3739-6401-7574", "3739 **** ***4"},
      {"電話 ０９０－１２３４－５６７８", "電話 090******78"},
      {"氏名: 山田 太郎 の件", "氏名: 山＊＊＊ の件"},
      {"090-1234-5678_山田太郎.csv", "***-****-5678_山田太郎.csv"},
      {"会議のお知らせ", "会議のお知らせ"},
      {"2026-11-29 定例会", "2026-11-29 定例会"},
  };
  for (const auto& c : cases) EXPECT_EQ(MaskFreeText(c.in), c.out) << c.in;
}

TEST(EventIdTest, IsRandom128BitHex) {
  const std::string a = NewEventId(), b = NewEventId();
  EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{32}"))) << a;
  EXPECT_NE(a, b);
}

TEST(InformationalKindTest, OnlyTheDroppableKinds) {
  for (const char* k : {"send_allowed", "print_allowed", "policy_updated", "agent_started"})
    EXPECT_TRUE(IsInformationalKind(k)) << k;
  for (const char* k : {"send_blocked", "bcc_converted", "policy_rejected", "prompt_cancelled"})
    EXPECT_FALSE(IsInformationalKind(k)) << k;
}

class RelayEventTest : public ::testing::Test {
 protected:
  RelayEventTest() : policies_(mailcheck::DefaultPolicy()) {
    envelope_.mail_from = "sender@city.honjo.lg.jp";
    envelope_.rcpt_to = {"a.yamada@example.ne.jp", "arai-a@city.honjo.lg.jp"};
    decision_.verdict = mailcheck::Verdict::kBlock;
    decision_.policy_version = 7;
    decision_.sender = "sender@city.honjo.lg.jp";
    decision_.subject = "住民票の件 電話0312345678";
    mailcheck::Recipient ext;
    ext.address = "a.yamada@example.ne.jp";
    ext.external = true;
    mailcheck::Recipient in;
    in.address = "arai-a@city.honjo.lg.jp";
    in.external = false;
    decision_.recipients = {ext, in};
    doccheck::FileReport att;
    att.path = "名簿_20261129.docx";
    att.format = "docx";
    att.klass = 1;
    doccheck::Finding f;
    f.kind = doccheck::Kind::kMyNumber;
    f.masked = "8870 **** ***6";
    f.normalized = "887041343316";
    att.AddFindings({f}, 100);
    doccheck::Finding leaky;  // a masked value that still holds a long run
    leaky.kind = doccheck::Kind::kPhone;
    leaky.masked = "090-12345678";
    att.AddFindings({leaky}, 100);
    doccheck::FileReport broken;
    broken.path = "secret.zip";
    broken.klass = doccheck::kClassNone;
    broken.errors.push_back({doccheck::ErrorCode::kEncrypted, "encrypted"});
    decision_.attachments = {att, broken};
    mailcheck::Reason r;
    r.code = "my_number";
    r.verdict = mailcheck::Verdict::kBlock;
    decision_.reasons = {r};
    context_ = {"tanaka", "pc-01", "0.1.0"};
  }

  std::optional<Event> Build(RelayOutcome outcome, std::string_view reply = "550 5.7.1 no",
                             bool timed_out = false, bool with_decision = true) {
    RelayReport report{envelope_, with_decision ? &decision_ : nullptr, outcome, reply, "p1"};
    report.timed_out = timed_out;
    return BuildRelayEvent(report, context_, policies_);
  }

  SmtpEnvelope envelope_;
  mailcheck::Decision decision_;
  EventContext context_;
  PolicyStore policies_;
};

TEST_F(RelayEventTest, BlockedMailGivesAFullMaskedEvent) {
  const auto e = Build(RelayOutcome::kBlocked);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, "send_blocked");
  const std::string& j = e->json;
  EXPECT_NE(j.find("\"id\":\"" + e->id + "\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"kind\":\"send_blocked\""), std::string::npos);
  EXPECT_TRUE(
      std::regex_search(j, std::regex("\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\"")));
  EXPECT_NE(j.find("\"user\":\"tanaka\""), std::string::npos);
  EXPECT_NE(j.find("\"host\":\"pc-01\""), std::string::npos);
  EXPECT_NE(j.find("\"agent_version\":\"0.1.0\""), std::string::npos);
  EXPECT_NE(j.find("\"policy_version\":7"), std::string::npos);
  EXPECT_NE(j.find("\"verdict\":\"block\""), std::string::npos);
  EXPECT_NE(j.find("{\"address\":\"a.yamada@example.ne.jp\",\"external\":true}"),
            std::string::npos);
  EXPECT_NE(j.find("{\"address\":\"arai-a@city.honjo.lg.jp\",\"external\":false}"),
            std::string::npos);
  EXPECT_NE(j.find("\"subject\":\"住民票の件 電話031*****78\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"name\":\"名簿_****1129.docx\",\"class\":1,\"findings\":{\"my_number\":1,"
                   "\"phone\":1},\"fully_checked\":true"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find("\"name\":\"secret.zip\",\"class\":0,\"findings\":{},\"fully_checked\":false"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find("\"findings\":{\"my_number\":1,\"phone\":1},\"samples\""), std::string::npos);
  EXPECT_NE(j.find("\"samples\":[\"8870 **** ***6\",\"***-****5678\"]"), std::string::npos) << j;
  EXPECT_NE(j.find("\"reasons\":[\"my_number\"]"), std::string::npos);
  EXPECT_NE(j.find("\"reply\":\"550\""), std::string::npos);
  EXPECT_EQ(j.find("887041343316"), std::string::npos);
  EXPECT_FALSE(HasLongDigitRun(j)) << j;
}

TEST_F(RelayEventTest, HugeMessagesGiveBoundedEvents) {
  decision_.subject = std::string(100000, 'x') + "件名";
  mailcheck::Recipient many;
  many.external = true;
  for (int i = 0; i < 5000; ++i) {
    many.address = "person" + std::to_string(i) + "@example.com";
    decision_.recipients.push_back(many);
  }
  doccheck::FileReport att;
  att.path = std::string(3000, 'a') + "資料.docx";
  for (int i = 0; i < 2000; ++i) decision_.attachments.push_back(att);
  const auto e = Build(RelayOutcome::kBlocked);
  ASSERT_TRUE(e);
  EXPECT_LT(e->json.size(), 256u * 1024) << "an event must stay far below the 4 MiB batch limit";
  EXPECT_NE(e->json.find("\"recipients_total\":5002"), std::string::npos);
  EXPECT_NE(e->json.find("\"attachments_total\":2002"), std::string::npos);
  Poco::JSON::Parser parser;  // still one valid JSON object (cuts fall between characters)
  EXPECT_NO_THROW(parser.parse(e->json));
}

TEST_F(RelayEventTest, OutcomesMapToKinds) {
  EXPECT_EQ(Build(RelayOutcome::kPromptRaised, "")->kind, "send_prompted");
  EXPECT_EQ(Build(RelayOutcome::kPromptConfirmed, "250 ok")->kind, "prompt_confirmed");
  const auto cancelled = Build(RelayOutcome::kPromptCancelled, "550 no", true);
  EXPECT_EQ(cancelled->kind, "prompt_cancelled");
  EXPECT_NE(cancelled->json.find("\"timed_out\":true"), std::string::npos);
  EXPECT_EQ(Build(RelayOutcome::kPromptCancelled)->json.find("timed_out"), std::string::npos);
}

TEST_F(RelayEventTest, PlainAllowGivesNoEventAndConversionDoes) {
  decision_.verdict = mailcheck::Verdict::kAllow;
  EXPECT_FALSE(Build(RelayOutcome::kRelayed, "250 ok"));
  decision_.verdict = mailcheck::Verdict::kConvert;
  decision_.bcc_conversion.applied = true;
  const auto e = Build(RelayOutcome::kRelayed, "250 2.0.0 Ok");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, "bcc_converted");
  EXPECT_NE(e->json.find("\"reply\":\"250\""), std::string::npos);
}

TEST_F(RelayEventTest, CheckFailedClassifiesRecipientsWithThePolicyInForce) {
  const auto e = Build(RelayOutcome::kCheckFailed, "451 4.3.0 try later", false, false);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, "check_failed");
  EXPECT_NE(e->json.find("\"policy_version\":1"), std::string::npos) << e->json;
  EXPECT_NE(e->json.find("{\"address\":\"arai-a@city.honjo.lg.jp\",\"external\":false}"),
            std::string::npos)
      << e->json;
  EXPECT_NE(e->json.find("\"reply\":\"451\""), std::string::npos);
}

// The clock seam: an event's time is the context clock's, to the second, in UTC.
TEST(PolicyEventTest, TimeComesFromTheContextsClock) {
  class Fixed : public Clock {
   public:
    std::chrono::system_clock::time_point Now() const override {
      return std::chrono::system_clock::from_time_t(1795960800) + std::chrono::milliseconds(999);
    }
  } fixed;
  EventContext context{"u", "h", "0.1.0"};
  context.clock = &fixed;
  const Event e = BuildPolicyEvent("policy_updated", 5, 5, "", context);
  EXPECT_NE(e.json.find("\"time\":\"2026-11-29T14:00:00Z\""), std::string::npos) << e.json;
}

TEST(PolicyEventTest, CarriesTheVersionsAndTheReason) {
  const Event e =
      BuildPolicyEvent("policy_rejected", 5, 4, "bad signature", EventContext{"u", "h", "0.1.0"});
  EXPECT_EQ(e.kind, "policy_rejected");
  EXPECT_NE(e.json.find("\"policy_version\":4"), std::string::npos);
  EXPECT_NE(e.json.find("\"offered_version\":5"), std::string::npos);
  EXPECT_NE(e.json.find("\"reason\":\"bad signature\""), std::string::npos);
}

}  // namespace
}  // namespace agent
