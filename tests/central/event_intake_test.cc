// The checks on POST /api/v1/events bodies (docs/CENTRAL_API.md), without HTTP.
#include "central/event_intake.h"

#include <gtest/gtest.h>

#include "central/event_index.h"

namespace central {
namespace {

std::string Batch(const std::string& events) { return R"({"events":[)" + events + "]}"; }

const char kGood[] = R"({"id":"a1","kind":"send_blocked","time":"2026-11-29T14:00:00Z"})";

TEST(HasUnmaskedIdentifierTest, TenDigitsOfAnyScriptWithOnlySeparatorsBetween) {
  struct Case {
    const char* text;
    bool identifier;
  } cases[] = {
      {"1234567890", true},
      {"123456789", false},
      {"my number 123456789012", true},
      {"********5678", false},
      {"", false},
      // Spaces and hyphens between the digits (the synthetic My Number 373964017574).
      {"3739 6401 7574", true},
      {"3739-6401-7574", true},
      {"3739 - 6401 - 7574", true},  // up to 3 separators between two digits
      {"3739    6401 7574", false},  // 4 spaces: two numbers, neither 10 digits
      {"3739\t6401\t7574", true},    // tab
      {"tel 090-1234-5678", true},   // an unmasked phone number
      {"tel 03-1234-567", false},    // 9 digits
      {"2026-11-29 会議", false},    // a date: 8 digits
      {"***-****-5678", false},      // masked
      {"3739 6401 *574", false},     // masked, 8 digits left
      {"3739/6401/7574", false},     // '/' is not a separator
      {"3739.6401.7574", false},     // nor '.'
      {"ab 3739 6401 75", true},     // the run starts at the first digit
      // Numbers next to each other join: the agent must mask such text as a whole.
      {"********7574 2026-11-29", true},
      {"会議 2026-11-29 14:00", true},
      {"会議 2026-11-29、14:00", false},
      // Every kind of hyphen, dash and minus.
      {"3739\u20106401\u20107574", true},  // HYPHEN
      {"3739\u20116401\u20117574", true},  // NON-BREAKING HYPHEN
      {"3739\u20126401\u20127574", true},  // FIGURE DASH
      {"3739\u20136401\u20137574", true},  // EN DASH
      {"3739\u20146401\u20147574", true},  // EM DASH
      {"3739\u20156401\u20157574", true},  // HORIZONTAL BAR
      {"3739\u22126401\u22127574", true},  // MINUS SIGN
      {"3739\u30FC6401\u30FC7574", true},  // KATAKANA-HIRAGANA PROLONGED SOUND MARK
      {"3739\uFF706401\uFF707574", true},  // HALFWIDTH KATAKANA PROLONGED SOUND MARK
      {"3739\uFF0D6401\uFF0D7574", true},  // FULLWIDTH HYPHEN-MINUS
      {"3739\uFE636401\uFE637574", true},  // SMALL HYPHEN-MINUS
      // Every kind of space, and invisible characters.
      {"3739\u30006401\u30007574", true},  // IDEOGRAPHIC SPACE
      {"3739\u00A06401\u00A07574", true},  // NO-BREAK SPACE
      {"3739\u20096401\u20097574", true},  // THIN SPACE
      {"3739\u200B6401\u200B7574", true},  // ZERO WIDTH SPACE
      {"3739\u00AD6401\u00AD7574", true},  // SOFT HYPHEN
      {"3739\uFEFF6401\u20607574", true},  // BOM, WORD JOINER
      // Full-width digits, alone and mixed.
      {"１２３４５６７８９０", true},
      {"12345６７８９０", true},
      {"３７３９　６４０１　７５７４", true},
      {"３７３９－６４０１－７５７４", true},
      {"１２３４５６７８９", false},
      // Other scripts' digits (Unicode Nd).
      {"\u0663\u0667\u0663\u0669\u0666\u0664\u0660\u0661\u0667\u0665\u0667\u0664", true},  // ٣٧٣٩…
      {"\u06F3\u06F7\u06F3\u06F9 \u06F6\u06F4\u06F0\u06F1 \u06F7\u06F5\u06F7\u06F4", true},  // ۳۷۳۹
      {"\u0969\u096D\u0969\u096F-\u096C\u096A\u0966\u0967-\u096D\u096B\u096D\u096A", true},  // ३७३९
      {"\u0E53\u0E57\u0E53\u0E59\u0E56\u0E54\u0E50\u0E51\u0E57\u0E55", true},                // Thai
      {"\u0663\u0667\u0663\u0669\u0666\u0664\u0660\u0661\u0667", false},                     // 9
      {"37\u0663\u0669 \u0966\u0967 ６４０１", true},  // mixed scripts still count
      // Not decimal digits: circled and Kanji numerals are not counted.
      {"\u2460\u2461\u2462\u2463\u2464\u2465\u2466\u2467\u2468\u2469", false},
      {"三七三九六四〇一七五七四", false},
      // Invalid UTF-8 breaks a run rather than crashing.
      {"37396\xff"
       "40175",
       false},
  };
  for (const Case& c : cases) EXPECT_EQ(HasUnmaskedIdentifier(c.text), c.identifier) << c.text;
}

TEST(IsIdentifierSeparatorTest, SpacesDashesAndInvisibles) {
  for (char32_t c : {U' ', U'\t', U'-', U'\u3000', U'\u2010', U'\u2015', U'\u2212', U'\u30FC',
                     U'\uFF0D', U'\u200B'})
    EXPECT_TRUE(IsIdentifierSeparator(c)) << static_cast<unsigned>(c);
  for (char32_t c : {U'/', U'.', U',', U'*', U'a', U'\u3001', U'\u30FB', U'0'})
    EXPECT_FALSE(IsIdentifierSeparator(c)) << static_cast<unsigned>(c);
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
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","samples":["123456789012"]})",
       "b", "samples[0]"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","x":{"y":["０１２３４５６７８９"]}})",
       "b", "x.y[0]"},
      {R"("just a string")", "", "object"},
      // Structured fields are checked by their own format.
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00.3739640175Z"})", "b", "time"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","policy_version":-1})", "b",
       "policy_version"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","policy_version":3739640175})",
       "b", "policy_version"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","policy_version":1.5})",
       "b", "policy_version"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","findings":{"my_number":373964017574}})",
       "b", "findings"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","recipients_total":3739640175})",
       "b", "recipients_total"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","attachments":[{"name":"a","class":9}]})",
       "b", "attachments[].class"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","attachments":[{"findings":{"phone":-2}}]})",
       "b", "attachments[].findings"},
      {R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z","attachments":[{"name":7}]})",
       "b", "attachments[].name"},
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

// Where an unmasked identifier may hide in an event, and how each is written. Every one
// is refused (named by where it is, never repeating the value) and nothing is accepted.
TEST(ParseEventBatchTest, UnmaskedIdentifiersAnywhereAreRefused) {
  const std::string head = R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z",)";
  const char* spellings[] = {
      "373964017574",
      "3739 6401 7574",
      "3739-6401-7574",
      "３７３９　６４０１　７５７４",
      "３７３９－６４０１－７５７４",
      "\u0663\u0667\u0663\u0669\u0666\u0664\u0660\u0661\u0667\u0665\u0667\u0664",
      "3739\u20106401\u20107574",
  };
  struct Place {
    const char* json;  // with @ where the identifier goes
    const char* where;
  } places[] = {
      {R"("subject":"住民票 @ の件")", "subject"},
      {R"("attachments":[{"name":"@.xlsx","class":1}])", "attachments[0].name"},
      {R"("reasons":["block","@"])", "reasons[1]"},
      {R"("samples":["@"])", "samples[0]"},
      {R"("recipients":[{"address":"@@example.jp","external":true}])", "recipients[0].address"},
      {R"("sender":"@@city.example.lg.jp")", "sender"},
      {R"("user":"@")", "user"},
      {R"("reason":"@")", "reason"},
      {R"("future":{"deep":[{"x":"@"}]})", "future.deep[0].x"},
      {R"("findings":{"@":1})", "a key in findings"},
      {R"("@":"x")", "a key in the event"},
      {R"("attachments":[{"name":"a.csv","findings":{"@":2}}])",
       "a key in attachments[0].findings"},
  };
  for (const char* spelling : spellings) {
    for (const Place& place : places) {
      std::string field = place.json;
      for (std::size_t at; (at = field.find('@')) != std::string::npos;)
        field.replace(at, 1, spelling);
      const std::string event = head + field + "}";
      EventBatch b = ParseEventBatch(Batch(event), "pc", 1);
      ASSERT_EQ(b.status, 200) << event;
      EXPECT_TRUE(b.accepted.empty()) << event;
      ASSERT_EQ(b.rejected.size(), 1u) << event;
      EXPECT_EQ(b.rejected[0].id, "b");
      EXPECT_EQ(b.rejected[0].error.rfind(place.where, 0), 0u)
          << event << " -> " << b.rejected[0].error;
      EXPECT_EQ(b.rejected[0].error.find("7574"), std::string::npos) << b.rejected[0].error;
    }
  }
}

TEST(ParseEventBatchTest, NumbersWhereNoneIsExpectedMustBeShort) {
  const std::string head = R"({"id":"b","kind":"send_blocked","time":"2026-11-29T14:00:00Z",)";
  struct Case {
    const char* field;
    bool refused;
  } cases[] = {
      {R"("x":373964017574)", true},
      {R"("x":-373964017574)", true},
      {R"("x":3739640175.74)", true},
      {R"("x":3.73964017574e11)", true},
      {R"("x":{"y":[1,2,373964017574]})", true},
      {R"("attachments":[{"name":"a","size":373964017574}])", true},
      {R"("subject":"x","n":1234567890)", true},
      {R"("x":18446744073709551615)", true},  // above Int64
      {R"("x":123456789)", false},
      {R"("x":1.5)", false},
      {R"("x":1e300)", false},
      {R"("x":0.000001)", false},
      {R"("x":true,"y":null)", false},
      // Expected numbers are checked by their own format instead.
      {R"("policy_version":2147483647)", false},
      {R"("findings":{"my_number":999999999},"recipients_total":5,"attachments_total":201)", false},
      {R"("attachments":[{"name":"a","class":3,"findings":{"phone":2},"fully_checked":true}])",
       false},
  };
  for (const Case& c : cases) {
    const std::string event = head + c.field + "}";
    EventBatch b = ParseEventBatch(Batch(event), "pc", 1);
    ASSERT_EQ(b.status, 200) << event;
    EXPECT_EQ(b.rejected.size(), c.refused ? 1u : 0u) << event;
    EXPECT_EQ(b.accepted.size(), c.refused ? 0u : 1u) << event;
  }
}

TEST(ParseEventBatchTest, WhatTheAgentSendsIsAccepted) {
  // An event as agent/src/event_builder.cc writes it, masked.
  EventBatch b = ParseEventBatch(
      Batch(R"({"id":"0f3c2a9b7d1e4c5a8b6f0e1d2c3b4a59","kind":"send_blocked",)"
            R"("time":"2026-11-29T14:00:00Z","user":"yamada","host":"desk-7",)"
            R"("agent_version":"0.1.0","policy_version":3,"verdict":"block",)"
            R"("sender":"yamada@city.honjo.lg.jp","recipients":[{"address":"a@example.jp",)"
            R"("external":true}],"subject":"住民票 ********7574 の件 2026-11-29",)"
            R"("attachments":[{"name":"名簿 ********7574.xlsx","class":1,)"
            R"("findings":{"my_number":2},"fully_checked":true}],"findings":{"my_number":2},)"
            R"("samples":["3739 **** ***4","***-****-5678"],"reasons":["my_number_external"],)"
            R"("reply":"550"})"),
      "pc", 1);
  EXPECT_EQ(b.accepted.size(), 1u);
  for (const RejectedEvent& r : b.rejected) ADD_FAILURE() << r.error;
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

// The intake reads each event's search terms and user once, from the JSON it parsed;
// storing uses them instead of parsing the stored text again. They must be exactly what
// the stored text gives (EventTerms of a StoredEvent without them parses its json).
TEST(ParseEventBatchTest, TermsAndUserReadAtIntakeAreThoseOfTheStoredJson) {
  const std::string t = R"("time":"2026-11-29T14:00:00Z")";
  const std::vector<std::string> events = {
      R"({"id":"e1","kind":"send_blocked",)" + t +
          R"(,"user":"tanaka","subject":"住民票の写し Re: Ab","recipients":[)"
          R"({"address":"a@Tax.Example.co.jp","external":true},{"address":"b@x.jp"},)"
          R"({"address":"c@localhost"},{"address":"\u5c71\u7530 <d@city.sample.lg.jp>"}]})",
      R"({"id":"e2","kind":"prompt_confirmed",)" + t + R"(,"subject":"","recipients":[]})",
      R"({"id":"e3","kind":"send_blocked",)" + t +
          R"(,"user":"","subject":"ヌル\u0000文字 **12 タブ\t改行\n全角　空白"})",
      R"({"id":"e4","kind":"send_blocked",)" + t +
          R"(,"extra":{"user":"not-this","recipients":[{"address":"z@nested.example.jp"}]},)"
          R"("user":"nul\u0000user","recipients":[{"address":"no-domain"},{"address":"@"},)"
          R"({"address":"x@y@z.example.jp"}]})",
      R"({"id":"e5","kind":"heartbeat_gap",)" + t + "}",
  };
  std::string body;
  for (const std::string& e : events) body += (body.empty() ? "" : ",") + e;
  const EventBatch batch = ParseEventBatch(Batch(body), "pc-1", 1);
  ASSERT_EQ(batch.status, 200) << batch.error;
  ASSERT_TRUE(batch.rejected.empty()) << batch.rejected[0].error;
  ASSERT_EQ(batch.accepted.size(), events.size());
  for (const StoredEvent& e : batch.accepted) {
    ASSERT_TRUE(e.terms.has_value()) << e.id;
    ASSERT_TRUE(e.user.has_value()) << e.id;
    StoredEvent plain(e.id, e.agent, e.kind, e.time, e.received_at, e.json);
    EXPECT_EQ(*e.terms, EventTerms(plain)) << e.id;
  }
  EXPECT_EQ(*batch.accepted[0].user, "tanaka");
  EXPECT_EQ(*batch.accepted[1].user, "");
  EXPECT_EQ(*batch.accepted[3].user, std::string("nul\0user", 8));
  EXPECT_EQ(*batch.accepted[4].user, "");
  EXPECT_FALSE(batch.accepted[0].terms->empty());
  // Not the nested object's user or recipients.
  for (const std::string& term : *batch.accepted[3].terms)
    EXPECT_TRUE(term.find("not-this") == std::string::npos && term != "d:nested.example.jp")
        << term;
}

// A hostile agent's deeply nested value: stored as sent when the JSON parser takes it
// (the identifier search, the terms and the stored text's writer walk it recursively),
// refused as not JSON, with a Japanese reason, beyond the parser's depth limit (about 128
// in Poco 1.11): never a stack overflow.
TEST(ParseEventBatchTest, DeeplyNestedValuesAreStoredOrRefusedNeverCrash) {
  for (int depth : {100, 1000, 100000}) {
    const std::string nested = std::string(depth, '[') + std::string(depth, ']');
    const EventBatch batch = ParseEventBatch(
        Batch(R"({"id":"d1","kind":"send_blocked","time":"2026-11-29T14:00:00Z","x":)" + nested +
              "}"),
        "pc-1", 1);
    if (depth == 100) {
      ASSERT_EQ(batch.status, 200) << batch.error;
      ASSERT_EQ(batch.accepted.size(), 1u);
      EXPECT_NE(batch.accepted[0].json.find(nested), std::string::npos);
    } else {
      EXPECT_EQ(batch.status, 400) << depth;
      EXPECT_FALSE(batch.error_ja.empty()) << depth;
    }
  }
}

TEST(EventBatchReplyTest, CountsAndRejections) {
  EXPECT_EQ(EventBatchReply({2, 1}, {{"b", "bad \"kind\""}}),
            R"({"stored":2,"duplicates":1,"rejected":[{"id":"b","error":"bad \"kind\""}]})");
}

}  // namespace
}  // namespace central
