// CSV quoting (RFC 4180) and RFC 3339 times.
#include <gtest/gtest.h>

#include "central/csv.h"
#include "central/time_format.h"

namespace central {
namespace {

TEST(CsvTest, FieldsAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\r\nlines"), "\"two\r\nlines\"");
  EXPECT_EQ(CsvField("line\n"), "\"line\n\"");
  EXPECT_EQ(CsvField(" padded"), "\" padded\"");
  EXPECT_EQ(CsvField("本庄市"), "本庄市");
}

TEST(CsvTest, FormulasAreWrittenAsText) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvField("+1"), "'+1");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("GET /api/v1/policy"), "GET /api/v1/policy");
}

TEST(CsvTest, RecordsEndInCrlf) { EXPECT_EQ(CsvRecord({"a", "b,c", ""}), "a,\"b,c\",\r\n"); }

TEST(CsvTest, AccessReportHasTheHeaderAndOneRecordPerEntry) {
  const std::string csv = AccessRecordsCsv(
      {{*ParseTime("2026-11-29T14:00:00Z"), "pc,1", "POST /api/v1/events", 200, "127.0.0.1"}});
  EXPECT_EQ(csv,
            "time,who,action,result,peer\r\n"
            "2026-11-29T14:00:00Z,\"pc,1\",POST /api/v1/events,200,127.0.0.1\r\n");
}

TEST(TimeTest, Rfc3339RoundTrip) {
  const auto t = ParseTime("2026-11-29T14:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, 1795960800LL * 1000000);
  EXPECT_EQ(FormatTime(*t), "2026-11-29T14:00:00Z");
  EXPECT_EQ(FormatTime(*t + 250000), "2026-11-29T14:00:00.250000Z");
}

TEST(TimeTest, OffsetsAndFractions) {
  EXPECT_EQ(ParseTime("2026-11-29T23:00:00+09:00"), ParseTime("2026-11-29T14:00:00Z"));
  EXPECT_EQ(*ParseTime("2026-11-29T14:00:00.5Z") - *ParseTime("2026-11-29T14:00:00Z"), 500000);
  EXPECT_EQ(ParseTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseTime("2026-11-29T14:00:00.500000000Z"), ParseTime("2026-11-29T14:00:00.5Z"));
  EXPECT_EQ(ParseTime("2024-02-29T00:00:00Z"), 1709164800LL * 1000000);
}

TEST(TimeTest, DateOnlyWhenAllowed) {
  EXPECT_FALSE(ParseTime("2026-11-29"));
  EXPECT_EQ(ParseTime("2026-11-29", true), ParseTime("2026-11-29T00:00:00Z"));
}

TEST(TimeTest, MalformedTimesAreRejected) {
  for (const char* bad : {"", "2026-11-29T14:00:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-29T24:00:00Z", "2026-11-29T14:00Z", "2026-11-29T14:00:00.Z",
                          "2026-11-29T14:00:00Zjunk", "yesterday", "2026-11-29T14:00:00+0900",
                          // a time is no place for a long run of digits (an identifier)
                          "2026-11-29T14:00:00.3739640175Z"}) {
    EXPECT_FALSE(ParseTime(bad)) << bad;
  }
}

}  // namespace
}  // namespace central
