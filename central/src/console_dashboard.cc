// The dashboard: gathering its figures (counted in the database) and drawing its charts.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "central/console/console_time.h"
#include "central/console/dashboard.h"

namespace central::console {
namespace {

constexpr Micros kDay = 24LL * 3600 * 1000000;
constexpr std::size_t kMaxChartSections = 6;
// Okabe–Ito colours (told apart with colour-blindness too); grey for その他.
const char* const kColours[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"};
constexpr char kOtherColour[] = "#8c8c8c";

std::string Xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// At most `max` code points of UTF-8 text, "…" when cut.
std::string Shorten(const std::string& s, std::size_t max) {
  std::size_t cps = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (cps++ == max) return s.substr(0, i) + "…";
  }
  return s;
}

std::string SectionLabel(const std::string& section) {
  return section.empty() ? "所属なし" : section;
}

// Per-section series over the weeks from counts of the given kinds.
std::vector<WeeklySeries> SeriesOf(const std::vector<WeeklyCount>& counts,
                                   const std::vector<std::string>& kinds, int weeks) {
  std::map<std::string, WeeklySeries> by_section;
  for (const WeeklyCount& c : counts) {
    if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) continue;
    if (c.week < 0 || c.week >= weeks) continue;
    WeeklySeries& s = by_section[c.section];
    s.section = c.section;
    s.counts.resize(weeks);
    s.counts[c.week] += c.count;
    s.total += c.count;
  }
  std::vector<WeeklySeries> out;
  for (auto& [name, s] : by_section) out.push_back(std::move(s));
  std::stable_sort(out.begin(), out.end(),
                   [](const WeeklySeries& a, const WeeklySeries& b) { return a.total > b.total; });
  return out;
}

// The largest series, the rest summed as その他.
std::vector<std::pair<std::string, WeeklySeries>> ChartSeries(
    const std::vector<WeeklySeries>& series, std::size_t weeks) {
  std::vector<std::pair<std::string, WeeklySeries>> out;
  WeeklySeries other;
  other.counts.resize(weeks);
  bool has_other = false;
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (i < kMaxChartSections) {
      out.emplace_back(kColours[i], series[i]);
      out.back().second.counts.resize(weeks);
      continue;
    }
    has_other = true;
    for (std::size_t w = 0; w < weeks && w < series[i].counts.size(); ++w)
      other.counts[w] += series[i].counts[w];
    other.total += series[i].total;
  }
  if (has_other) {
    other.section = "\x01other";
    out.emplace_back(kOtherColour, other);
  }
  return out;
}

std::string Label(const WeeklySeries& s) {
  return s.section == "\x01other" ? "その他" : SectionLabel(s.section);
}

// A round upper bound for the y axis: 1, 2, 5 × 10^n.
std::int64_t NiceMax(std::int64_t v) {
  if (v <= 4) return 4;
  std::int64_t step = 1;
  while (true) {
    for (std::int64_t m : {1, 2, 5}) {
      if (m * step * 4 >= v) return m * step * 4;
    }
    step *= 10;
  }
}

void AddSeries(Poco::JSON::Object& o, const std::string& key,
               const std::vector<WeeklySeries>& series) {
  Poco::JSON::Array a;
  for (const WeeklySeries& s : series) {
    Poco::JSON::Object r(Poco::JSON_PRESERVE_KEY_ORDER);
    r.set("section", s.section);
    Poco::JSON::Array c;
    for (std::int64_t n : s.counts) c.add(n);
    r.set("counts", c);
    r.set("total", s.total);
    a.add(r);
  }
  o.set(key, a);
}

}  // namespace

std::vector<DashboardTile> PlaceholderTiles() {
  return {
      DashboardTile{"open_reviews", "未対応のレビュー", std::nullopt, "",
                    "確認して庁外へ送った個人情報のレビューは準備中です。", false},
      DashboardTile{"overdue_incident_steps", "期限を過ぎた事故対応の手順", std::nullopt, "",
                    "事故対応 (インシデント) の管理は準備中です。", false},
  };
}

std::string WeekLabel(Micros week) {
  const std::string d = LocalDate(week);  // YYYY-MM-DD
  return std::to_string(std::atoi(d.substr(5, 2).c_str())) + "/" +
         std::to_string(std::atoi(d.substr(8, 2).c_str())) + "〜";
}

Result<Dashboard> BuildDashboard(Store& store, ConsoleStore& cs, const User& user,
                                 const Rights& rights, Micros now, Micros anchor, int weeks,
                                 const DashboardTiles& tiles) {
  Dashboard d;
  weeks = std::clamp(weeks, 1, 26);
  const Micros last = WeekStart(anchor);
  for (int i = weeks - 1; i >= 0; --i) d.weeks.push_back(WeekStart(last - i * 7 * kDay + kDay / 2));

  WeeklyCountQuery q;
  q.kinds = {"send_blocked", "print_blocked", "print_held", "bcc_converted"};
  q.from = d.weeks.front();
  q.weeks = weeks;
  if (rights.all_sections) {
    d.scope = "all";
  } else if (rights.own_section) {
    d.scope = "section";
    d.section = user.section;
    q.section = user.section;
  } else {
    d.scope = "own";
    q.user = user.login;
  }
  auto counts = cs.CountEventsByWeek(q);
  if (!counts.ok()) return Result<Dashboard>::Error(counts.error());
  d.near_misses = SeriesOf(counts.value(), {"send_blocked", "print_blocked", "print_held"}, weeks);
  d.conversions = SeriesOf(counts.value(), {"bcc_converted"}, weeks);

  // Agents: everyone who may see agents or all sections sees all; a section head their own.
  d.agents_shown = rights.agents_read || rights.events();
  if (d.agents_shown) {
    auto agents = store.ListAgents();
    if (!agents.ok()) return Result<Dashboard>::Error(agents.error());
    auto sections = cs.AgentSections();
    if (!sections.ok()) return Result<Dashboard>::Error(sections.error());
    auto latest = store.LatestPolicy();
    if (!latest.ok()) return Result<Dashboard>::Error(latest.error());
    if (latest.value()) d.newest_policy = latest.value()->version;
    const bool all = rights.agents_read || rights.all_sections;
    for (const AgentInfo& a : agents.value()) {
      if (a.revoked) continue;
      auto it = sections.value().find(a.name);
      const std::string section = it == sections.value().end() ? "" : it->second;
      if (!all && section != user.section) continue;
      ++d.agents_total;
      if (d.newest_policy > 0 && a.policy_version >= d.newest_policy) ++d.agents_on_newest;
      if (a.last_seen == 0 || now - a.last_seen > kSilentAfter)
        d.silent_agents.push_back(AgentGlance{a.name, section, a.last_seen});
    }
    std::sort(d.silent_agents.begin(), d.silent_agents.end(),
              [](const AgentGlance& a, const AgentGlance& b) {
                return std::tie(a.last_seen, a.name) < std::tie(b.last_seen, b.name);
              });
  }
  d.tiles = tiles ? tiles(user, rights) : PlaceholderTiles();
  return d;
}

std::string DashboardJson(const Dashboard& d) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("scope", d.scope);
  if (d.scope == "section") o.set("section", d.section);
  Poco::JSON::Array weeks;
  for (Micros w : d.weeks) weeks.add(LocalDate(w));
  o.set("weeks", weeks);
  AddSeries(o, "near_misses", d.near_misses);
  AddSeries(o, "conversions", d.conversions);
  if (d.agents_shown) {
    Poco::JSON::Object agents(Poco::JSON_PRESERVE_KEY_ORDER);
    agents.set("total", d.agents_total);
    agents.set("newest_policy", d.newest_policy);
    agents.set("on_newest_policy", d.agents_on_newest);
    Poco::JSON::Array silent;
    for (const AgentGlance& a : d.silent_agents) {
      Poco::JSON::Object s(Poco::JSON_PRESERVE_KEY_ORDER);
      s.set("name", a.name);
      s.set("section", a.section);
      if (a.last_seen > 0)
        s.set("last_seen", FormatTime(a.last_seen));
      else
        s.set("last_seen", Poco::Dynamic::Var());
      silent.add(s);
    }
    agents.set("silent", silent);
    o.set("agents", agents);
  }
  Poco::JSON::Array tiles;
  for (const DashboardTile& t : d.tiles) {
    Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
    x.set("key", t.key);
    x.set("title", t.title_ja);
    if (t.count)
      x.set("count", *t.count);
    else
      x.set("count", Poco::Dynamic::Var());
    x.set("link", t.link);
    x.set("note", t.note_ja);
    x.set("attention", t.attention);
    tiles.add(x);
  }
  o.set("tiles", tiles);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::string WeeklyBarChartSvg(const std::string& id, const std::string& title_ja,
                              const std::vector<std::string>& week_labels,
                              const std::vector<WeeklySeries>& series) {
  const std::size_t weeks = week_labels.size();
  const auto bars = ChartSeries(series, weeks);
  std::vector<std::int64_t> totals(weeks, 0);
  std::int64_t sum = 0;
  for (const auto& [colour, s] : bars)
    for (std::size_t w = 0; w < weeks; ++w) totals[w] += s.counts[w];
  for (std::int64_t t : totals) sum += t;
  const std::int64_t peak = totals.empty() ? 0 : *std::max_element(totals.begin(), totals.end());
  const std::int64_t ymax = NiceMax(peak);

  const int width = 720, left = 56, right = 16, top = 28, plot_h = 190;
  const int legend_rows = static_cast<int>((bars.size() + 2) / 3);
  const int height = top + plot_h + 48 + legend_rows * 22 + 8;
  const double slot = weeks ? static_cast<double>(width - left - right) / weeks : 0;
  const double bar_w = slot * 0.6;

  // <desc>: the figures in words, for screen readers.
  std::string desc = std::to_string(weeks) + "週間の合計 " + std::to_string(sum) + " 件。";
  for (std::size_t w = 0; w < weeks; ++w)
    desc += week_labels[w] + " の週 " + std::to_string(totals[w]) + " 件" +
            (w + 1 < weeks ? "、" : "。");

  char buf[256];
  std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" "
      "viewBox=\"0 0 " +
      std::to_string(width) + " " + std::to_string(height) + "\" aria-labelledby=\"" + Xml(id) +
      "-title " + Xml(id) +
      "-desc\" font-family=\"Noto Sans CJK JP, "
      "sans-serif\" font-size=\"14\">";
  svg += "<title id=\"" + Xml(id) + "-title\">" + Xml(title_ja) + "</title>";
  svg += "<desc id=\"" + Xml(id) + "-desc\">" + Xml(desc) + "</desc>";
  // Grid and y axis: 0, 1/4 ... ymax.
  for (int i = 0; i <= 4; ++i) {
    const double y = top + plot_h - plot_h * i / 4.0;
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>"
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%lld</text>",
                  left, y, width - right, y, i == 0 ? "#555" : "#e2e2e2", left - 6, y + 4,
                  static_cast<long long>(ymax * i / 4));
    svg += buf;
  }
  std::snprintf(buf, sizeof buf,
                "<text x=\"14\" y=\"%d\" fill=\"#444\" transform=\"rotate(-90 14 %d)\" "
                "text-anchor=\"middle\">件数</text>",
                top + plot_h / 2, top + plot_h / 2);
  svg += buf;
  // Bars, stacked by section, with the week's total above.
  for (std::size_t w = 0; w < weeks; ++w) {
    const double x = left + slot * w + (slot - bar_w) / 2;
    double y = top + plot_h;
    for (const auto& [colour, s] : bars) {
      const std::int64_t n = s.counts[w];
      if (n <= 0) continue;
      const double h = plot_h * static_cast<double>(n) / ymax;
      y -= h;
      std::snprintf(buf, sizeof buf,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", x, y,
                    bar_w, h, colour.c_str());
      svg += buf;
      svg += "<title>" +
             Xml(week_labels[w] + " の週 " + Label(s) + ": " + std::to_string(n) + " 件") +
             "</title></rect>";
    }
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-weight=\"bold\" "
                  "fill=\"#222\">%lld</text>",
                  x + bar_w / 2, y - 5, static_cast<long long>(totals[w]));
    svg += buf;
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#444\">", x + bar_w / 2,
                  top + plot_h + 18);
    svg += buf + Xml(week_labels[w]) + "</text>";
  }
  std::snprintf(buf, sizeof buf,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#444\">週 (月曜始まり)"
                "</text>",
                left + (width - left - right) / 2, top + plot_h + 38);
  svg += buf;
  // Legend: a swatch and the section's name and total, three to a row.
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const int col = static_cast<int>(i % 3), row = static_cast<int>(i / 3);
    const int lx = left + col * 220, ly = top + plot_h + 52 + row * 22;
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                  "<text x=\"%d\" y=\"%d\" fill=\"#222\">",
                  lx, ly, bars[i].first.c_str(), lx + 20, ly + 12);
    svg += buf + Xml(Shorten(Label(bars[i].second), 14)) + " (" +
           std::to_string(bars[i].second.total) + " 件)</text>";
  }
  if (bars.empty()) {
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#444\">この期間の記録は"
                  "ありません</text>",
                  left + (width - left - right) / 2, top + plot_h / 2);
    svg += buf;
  }
  svg += "</svg>";
  return svg;
}

}  // namespace central::console
