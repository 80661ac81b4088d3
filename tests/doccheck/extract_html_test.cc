// HTML tables keep their structure: the header row gives each column its heading (as a
// CSV header does), colspan shifts columns, nested tables are tables of their own, and
// findings are located on the lines of the source file.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "doccheck/checker.h"
#include "synthetic_ids.h"

namespace doccheck {
namespace {

using testing::FindingsOf;
using testing::NormalizedOf;

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The same rows as CSV and as an HTML table with a <th> header row.
constexpr char kCsv[] =
    "番号,生年月日,郵便番号\n"
    "1,1985/04/12,100-0013\n"
    "2,1990/11/03,530-0001\n";

constexpr char kHtml[] =
    "<!DOCTYPE html>\n"
    "<html><head><meta charset=\"utf-8\"><title>一覧</title></head>\n"
    "<body>\n"
    "<table>\n"
    "  <tr>\n"
    "    <th>番号</th>\n"
    "    <th>生年月日</th>\n"
    "    <th>郵便番号</th>\n"
    "  </tr>\n"
    "  <tr>\n"
    "    <td>1</td>\n"
    "    <td>1985/04/12</td>\n"
    "    <td>100-0013</td>\n"
    "  </tr>\n"
    "  <tr>\n"
    "    <td>2</td>\n"
    "    <td>1990/11/03</td>\n"
    "    <td>530-0001</td>\n"
    "  </tr>\n"
    "</table>\n"
    "</body></html>\n";

TEST(HtmlTableTest, HeaderRowGivesColumnContextLikeCsv) {
  const auto csv_dates = NormalizedOf(Kind::kBirthDate, kCsv, "list.csv");
  const auto csv_postal = NormalizedOf(Kind::kPostalCode, kCsv, "list.csv");
  ASSERT_EQ(csv_dates.size(), 2u);
  ASSERT_EQ(csv_postal.size(), 2u);
  EXPECT_EQ(NormalizedOf(Kind::kBirthDate, kHtml, "list.html"), csv_dates);
  EXPECT_EQ(NormalizedOf(Kind::kPostalCode, kHtml, "list.html"), csv_postal);
}

TEST(HtmlTableTest, TheadFirstRowIsTheHeaderEvenWithTd) {
  const std::string html =
      "<html><table><thead><tr><td>氏名</td><td>郵便番号</td></tr></thead>\n"
      "<tbody><tr><td>山田 太郎</td><td>100-0013</td></tr></tbody></table>\n";
  EXPECT_TRUE(Has(NormalizedOf(Kind::kPostalCode, html, "t.html"), "1000013"));
}

TEST(HtmlTableTest, LineNumbersAreThoseOfTheSourceFile) {
  const auto dates = FindingsOf(Kind::kBirthDate, kHtml, "list.html");
  ASSERT_EQ(dates.size(), 2u);
  ASSERT_TRUE(dates[0].location.line.has_value());
  EXPECT_EQ(*dates[0].location.line, 12);
  EXPECT_EQ(*dates[1].location.line, 17);
  const auto postal = FindingsOf(Kind::kPostalCode, kHtml, "list.html");
  ASSERT_EQ(postal.size(), 2u);
  EXPECT_EQ(*postal[0].location.line, 13);
  EXPECT_EQ(*postal[1].location.line, 18);
}

TEST(HtmlTableTest, LineNumbersOfProseAreThoseOfTheSourceFile) {
  const std::string html =
      "<html>\n<body>\n<div>\n<p>\nお問い合わせ\n</p>\n<p>電話 090-1234-5678</p>\n</div>\n"
      "</body>\n</html>\n";
  const auto phones = FindingsOf(Kind::kPhone, html, "p.html");
  ASSERT_EQ(phones.size(), 1u);
  EXPECT_EQ(*phones[0].location.line, 7);
}

TEST(HtmlTableTest, ColspanShiftsTheFollowingColumns) {
  // The first heading spans two columns: the date is in the third column, 生年月日.
  const std::string html =
      "<html><table>\n"
      "<tr><th colspan=\"2\">氏名</th><th>生年月日</th><th>備考</th></tr>\n"
      "<tr><td>山田</td><td>太郎</td><td>1985/04/12</td><td>なし</td></tr>\n"
      "</table>\n";
  EXPECT_TRUE(Has(NormalizedOf(Kind::kBirthDate, html, "c.html"), "1985-04-12"));
  // And a data cell spanning columns moves the ones after it.
  const std::string html2 =
      "<html><table>\n"
      "<tr><th>区分</th><th>備考</th><th>郵便番号</th></tr>\n"
      "<tr><td colspan=2>窓口</td><td>100-0013</td></tr>\n"
      "</table>\n";
  EXPECT_TRUE(Has(NormalizedOf(Kind::kPostalCode, html2, "c2.html"), "1000013"));
}

TEST(HtmlTableTest, NestedTableHasItsOwnHeader) {
  const std::string html =
      "<html><table><tr><th>項目</th><th>内容</th></tr>\n"
      "<tr><td>職員</td><td>\n"
      "  <table><tr><th>区分</th><th>生年月日</th></tr>\n"
      "  <tr><td>A</td><td>1985/04/12</td></tr></table>\n"
      "</td></tr>\n"
      "<tr><td>その他</td><td>特記なし</td></tr>\n"
      "</table>\n";
  const auto dates = FindingsOf(Kind::kBirthDate, html, "n.html");
  ASSERT_EQ(dates.size(), 1u);
  EXPECT_EQ(dates[0].normalized, "1985-04-12");
  EXPECT_EQ(*dates[0].location.line, 4);
}

TEST(HtmlTableTest, KeyValueRowsKeepTheirLabels) {
  // No header row: <th> in the first column labels the value beside it.
  const std::string html =
      "<html><table>\n"
      "<tr><th>生年月日</th><td>1985/04/12</td></tr>\n"
      "<tr><th>郵便番号</th>\n<td>100-0013</td></tr>\n"
      "</table>\n";
  EXPECT_TRUE(Has(NormalizedOf(Kind::kBirthDate, html, "kv.html"), "1985-04-12"));
  const auto postal = FindingsOf(Kind::kPostalCode, html, "kv.html");
  ASSERT_EQ(postal.size(), 1u);
  EXPECT_EQ(*postal[0].location.line, 4);
}

TEST(HtmlTableTest, FormUnderATitleRowKeepsItsLabels) {
  // A title spanning the table, then label/value rows: a form, not a headed table.
  const std::string html =
      "<html><table>\n"
      "<tr><th colspan=\"2\">申請者情報</th></tr>\n"
      "<tr><th>生年月日</th><td>1985/04/12</td></tr>\n"
      "<tr><th>郵便番号</th><td>100-0013</td></tr>\n"
      "</table></html>\n";
  EXPECT_TRUE(Has(NormalizedOf(Kind::kBirthDate, html, "form.html"), "1985-04-12"));
  EXPECT_TRUE(Has(NormalizedOf(Kind::kPostalCode, html, "form.html"), "1000013"));
}

}  // namespace
}  // namespace doccheck
