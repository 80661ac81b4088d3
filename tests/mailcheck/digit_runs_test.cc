// The digit-run rule the agent masks by and central refuses by (mailcheck/digit_runs.h).
#include "mailcheck/digit_runs.h"

#include <gtest/gtest.h>

namespace mailcheck {
namespace {

TEST(DigitRunsTest, MaskKeepsTheLastFourDigitsOfEachRun) {
  struct Case {
    const char* text;
    const char* masked;
  } cases[] = {
      {"住民票 3739 6401 7574 の件", "住民票 **** **** 7574 の件"},
      {"3739-6401-7574", "****-****-7574"},
      {"373964017574", "********7574"},
      {"３７３９　６４０１　７５７４", "****　****　７５７４"},  // one '*' a digit
      {"\u0663\u0667\u0663\u0669\u0666\u0664\u0660\u0661\u0667\u0665\u0667\u0664",
       "********\u0667\u0665\u0667\u0664"},  // Arabic-Indic ٣٧٣٩٦٤٠١٧٥٧٤
      {"tel 090-1234-5678, fax 03-1234-567", "tel ***-****-5678, fax 03-1234-567"},
      {"会議 2026-11-29 14:00", "会議 ****-**-29 14:00"},
      {"a 1234567890 b 0987654321", "a ******7890 b ******4321"},
      {"no runs: 2026-11-29, 123456789", "no runs: 2026-11-29, 123456789"},
      {"", ""},
  };
  for (const Case& c : cases) {
    const std::string masked = MaskDigitRuns(c.text);
    EXPECT_EQ(masked, c.masked) << c.text;
    EXPECT_FALSE(HasDigitRun(masked)) << masked;
  }
}

TEST(DigitRunsTest, RunsNeedTenDigitsWithFewSeparators) {
  EXPECT_TRUE(HasDigitRun("3739 - 6401 - 7574"));
  EXPECT_FALSE(HasDigitRun("3739    6401 7574"));  // 4 separators end a run
  EXPECT_FALSE(HasDigitRun("123456789"));
  EXPECT_TRUE(HasDigitRun("3739\u200B6401\u200B7574"));  // zero-width space
  EXPECT_FALSE(HasDigitRun("3739/6401/7574"));
  EXPECT_FALSE(
      HasDigitRun("37396\xff"
                  "40175"));  // invalid UTF-8 ends a run
}

}  // namespace
}  // namespace mailcheck
