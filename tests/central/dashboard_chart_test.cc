// The dashboard's server-drawn charts: accessible (title, desc naming the figures, axis
// labels, legend) and inert whatever a section is called.
#include <gtest/gtest.h>

#include "central/console/dashboard.h"

namespace central::console {
namespace {

TEST(DashboardChartTest, ChartsNameTheirFiguresAndEscapeEveryText) {
  const std::vector<WeeklySeries> series = {
      {"<script>alert(1)</script>税務課", {3, 0, 2}, 5},
      {"", {0, 1, 0}, 1},
  };
  const std::string svg =
      WeeklyBarChartSvg("c\"x", "週別件数 <b>", {"11/16〜", "11/23〜", "11/30〜"}, series);
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_EQ(svg.find("style="), std::string::npos);  // the CSP allows no inline style
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"c&quot;x-title\">週別件数 &lt;b&gt;</title>"), std::string::npos);
  EXPECT_NE(svg.find("3週間の合計 6 件。11/16〜 の週 3 件、11/23〜 の週 1 件、11/30〜 の週 2 件。"),
            std::string::npos);
  EXPECT_NE(svg.find(">件数</text>"), std::string::npos);
  EXPECT_NE(svg.find("所属なし (1 件)"), std::string::npos);
  EXPECT_NE(svg.find("週 (月曜始まり)"), std::string::npos);
}

TEST(DashboardChartTest, MoreThanSixSectionsShareOneOtherColour) {
  std::vector<WeeklySeries> series;
  for (int i = 0; i < 9; ++i) series.push_back({"課" + std::to_string(i), {9 - i}, 9 - i});
  const std::string svg = WeeklyBarChartSvg("c", "t", {"11/30〜"}, series);
  EXPECT_NE(svg.find("その他 (6 件)"), std::string::npos);  // 3 + 2 + 1
  EXPECT_EQ(svg.find("課6 ("), std::string::npos);
  EXPECT_NE(WeeklyBarChartSvg("c", "t", {"11/30〜"}, {}).find("この期間の記録はありません"),
            std::string::npos);
}

}  // namespace
}  // namespace central::console
