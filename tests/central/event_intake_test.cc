// The checks on POST /api/v1/events bodies (docs/CENTRAL_API.md), without HTTP.
#include "central/event_intake.h"

#include <gtest/gtest.h>

namespace central {
namespace {

std::string Batch(const std::string& events) { return R"({"events":[)" + events + "]}"; }

const char kGood[] = R"({"id":"a1","kind":"send_blocked","time":"2026-11-29T14:00:00Z"})";

TEST(HasUnmaskedIdentifierTest, TenDigitsInARowAreAnIdentifier) {
  struct Case {
    const char* text;
    bool identifier;
  } cases[] = {
      {"1234567890", true},
      {"tel 090-1234-5678", false},
      {"123456789", false},
      {"my number 123456789012", true},
      {"********5678", false},
      {"１２３４５６７８９０", true},    // full-width
      {"12345６７８９０", true},         // mixed widths
      {"１２３４５ ６７８９０", false},  // broken by a space
      {"", false},
  };
  for (const Case& c : cases) EXPECT_EQ(HasUnmaskedIdentifier(c.text), c.identifier) << c.text;
}

TEST(ParseEventBatchTest, GoodEventIsAcceptedWithTheEnrolledAgent) {
  EventBatch b = ParseEventBatch(Batch(kGood), "pc-001", 77);
  ASSERT_EQ(b.status, 200);
  ASSERT_EQ(b.accepted.size(), 1u);
  EXPECT_TRUE(b.rejected.empty());
  const StoredEvent& e = b.accepted[0];
  EXPECT_EQ(e.id, "a1");
  EXPECT_EQ(e.kind, "send_blocked");
  EXPECT_EQ(e.agent, "pc-001");
  EXPECT_EQ(e.received_at, 77);
  EXPECT_EQ(e.time, *ParseTime("2026-11-29T14:00:00Z"));
  EXPECT_NE(e.json.find(R"("agent":"pc-001")"), std::string::npos) << e.json;
}

TEST(ParseEventBatchTest, AgentFieldInTheEventIsReplaced) {
  EventBatch b = ParseEventBatch(
      Batch(R"({"id":"a1","kind":"send_blocked","time":"2026-11-29T14:00:00Z","agent":"evil"})"),
      "pc-001", 1);
  ASSERT_EQ(b.accepted.size(), 1u);
  EXPECT_EQ(b.accepted[0].json.find("evil"), std::string::npos) << b.accepted[0].json;
}

TEST(ParseEventBatchTest, UnknownFieldsAndJapaneseAreKept) {
  EventBatch b =
      ParseEventBatch(Batch(R"({"id":"a1","kind":"send_blocked","time":"2026-11-29T14:00:00Z",)"
                            R"("subject":"住民票 ********5678","future_field":{"n":[1,2]}})"),
                      "pc", 1);
  ASSERT_EQ(b.accepted.size(), 1u);
  EXPECT_NE(b.accepted[0].json.find(R"("future_field":{"n":[1,2]})"), std::string::npos)
      << b.accepted[0].json;
  EXPECT_NE(b.accepted[0].json.find("住民票 ********5678"), std::string::npos)
      << b.accepted[0].json;
}

TEST(ParseEventBatchTest, BadEventsAreRejectedOneByOne) {
  struct Case {
    const char* event;
    const char* id;
    const char* error_part;
  } cases[] = {
      {R"({"kind":"send_blocked","time":"2026-11-29T14:00:00Z"})", "", "id"},
      {R"({"id":"has space","kind":"send_blocked","time":"2026-11-29T14:00:00Z"})", "", "id"},
      {R"({"id":7,"kind":"send_blocked","time":"2026-11-29T14:00:00Z"})", "", "id"},
      {R"({"id":"b","kind":"Send","time":"2026-11-29T14:00:00Z"})", "b", "kind"},
      {R"({"id":"b","time":"2026-11-29T14:00:00Z"})", "b", "kind"},
      {R"({"id":"b","kind":"send_blocked","time":"yesterday"})", "b", "time"},
      {R"({"id":"b","kind":"send_blocked"})", "b", "time"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","policy_version":"3"})",
       "b", "policy_version"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","recipients":"x"})", "b",
       "recipients"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","findings":{"my_number":"1"}})",
       "b", "findings"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","samples":["1234 5678 9012"]})",
       "", ""},  // accepted: runs are broken by spaces
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","samples":["123456789012"]})",
       "b", "samples[0]"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","x":{"y":["０１２３４５６７８９"]}})",
       "b", "x.y[0]"},
      {R"("just a string")", "", "object"},
  };
  for (const Case& c : cases) {
    EventBatch b = ParseEventBatch(Batch(c.event), "pc", 1);
    ASSERT_EQ(b.status, 200) << c.event;
    if (std::string(c.error_part).empty()) {
      EXPECT_EQ(b.accepted.size(), 1u) << c.event;
      continue;
    }
    ASSERT_EQ(b.rejected.size(), 1u) << c.event;
    EXPECT_TRUE(b.accepted.empty()) << c.event;
    EXPECT_EQ(b.rejected[0].id, c.id) << c.event;
    EXPECT_NE(b.rejected[0].error.find(c.error_part), std::string::npos)
        << c.event << " -> " << b.rejected[0].error;
  }
}

TEST(ParseEventBatchTest, LongDigitIdIsAllowed) {
  EventBatch b = ParseEventBatch(
      Batch(R"({"id":"123456789012345678","kind":"send_blocked","time":"2026-11-29T14:00:00Z"})"),
      "pc", 1);
  EXPECT_EQ(b.accepted.size(), 1u);
}

TEST(ParseEventBatchTest, GoodAndBadInOneBatch) {
  EventBatch b =
      ParseEventBatch(Batch(std::string(kGood) + R"(,{"id":"x","kind":"k","time":"no"})"), "pc", 1);
  EXPECT_EQ(b.accepted.size(), 1u);
  EXPECT_EQ(b.rejected.size(), 1u);
}

TEST(ParseEventBatchTest, NotJsonIs400) {
  EventBatch b = ParseEventBatch("{not json", "pc", 1);
  EXPECT_EQ(b.status, 400);
  EXPECT_FALSE(b.error_ja.empty());
}

TEST(ParseEventBatchTest, NoEventsArrayIs400) {
  EXPECT_EQ(ParseEventBatch(R"({"event":[]})", "pc", 1).status, 400);
  EXPECT_EQ(ParseEventBatch(R"({"events":{}})", "pc", 1).status, 400);
  EXPECT_EQ(ParseEventBatch(R"([])", "pc", 1).status, 400);
}

TEST(ParseEventBatchTest, MoreThanAThousandEventsIs413) {
  std::string events;
  for (int i = 0; i < 1001; ++i) events += std::string(i ? "," : "") + kGood;
  EXPECT_EQ(ParseEventBatch(Batch(events), "pc", 1).status, 413);
}

TEST(EventBatchReplyTest, CountsAndRejections) {
  EXPECT_EQ(EventBatchReply({2, 1}, {{"b", "bad \"kind\""}}),
            R"({"stored":2,"duplicates":1,"rejected":[{"id":"b","error":"bad \"kind\""}]})");
}

}  // namespace
}  // namespace central
