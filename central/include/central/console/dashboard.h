// The console's dashboard (`/` and GET /api/v1/console/dashboard): near misses and BCC
// conversions per week and section, drawn by the server as SVG bar charts; agents not heard
// from in a day; how many agents run the newest policy; and tiles that other parts of
// central fill (open reviews, overdue incident steps) through DashboardTiles.
//
// What a user sees follows their rights: the all-section roles every section, a section
// head (kanri) their own section (its counts and its agents), anyone else only the events
// they caused themselves (the desktop login in the event equal to their console login).
#ifndef CENTRAL_CONSOLE_DASHBOARD_H_
#define CENTRAL_CONSOLE_DASHBOARD_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "central/console/auth.h"
#include "central/console/console_store.h"
#include "central/store.h"

namespace central::console {

// One tile of the dashboard that another part of central fills.
struct DashboardTile {
  std::string key;                    // stable name for the API: "open_reviews", ...
  std::string title_ja;               // 「未対応のレビュー」
  std::optional<std::int64_t> count;  // nullopt: not available (yet)
  std::string link;                   // a console path to the list, or ""
  std::string note_ja;                // one line under the number, or ""
  bool attention = false;             // shown highlighted (something is overdue)
};

// Asked on every dashboard view for the viewing user's tiles; must itself respect the
// user's rights (a section head counts only their section). Called from request threads
// at the same time: must be thread-safe. Wiring a source is one line in ConsoleConfig.
using DashboardTiles =
    std::function<std::vector<DashboardTile>(const User& user, const Rights& rights)>;

// The tiles shown while nothing is wired: open reviews and overdue incident steps, marked
// as not available yet.
std::vector<DashboardTile> PlaceholderTiles();

// Counts per section ("" = agents of no section) and week.
struct WeeklySeries {
  std::string section;
  std::vector<std::int64_t> counts;  // one per week, oldest first
  std::int64_t total = 0;
};

struct AgentGlance {
  std::string name, section;
  Micros last_seen = 0;  // 0: never
};

struct Dashboard {
  std::string scope;  // "all", "section", "own"
  std::string section;
  std::vector<Micros> weeks;              // Monday 00:00 of each week, oldest first
  std::vector<WeeklySeries> near_misses;  // send_blocked, print_blocked, print_held
  std::vector<WeeklySeries> conversions;  // bcc_converted
  bool agents_shown = false;
  std::vector<AgentGlance> silent_agents;  // not heard from in a day (not revoked)
  std::int64_t newest_policy = 0;          // 0: none published
  int agents_total = 0;                    // not revoked, in scope
  int agents_on_newest = 0;
  std::vector<DashboardTile> tiles;
};

inline constexpr Micros kSilentAfter = 24LL * 3600 * 1000000;

// Gathers the dashboard for `user` over `weeks` weeks ending with the week of `anchor`.
Result<Dashboard> BuildDashboard(Store& store, ConsoleStore& console_store, const User& user,
                                 const Rights& rights, Micros now, Micros anchor, int weeks,
                                 const DashboardTiles& tiles);

// The dashboard as the API's JSON object (docs/CONSOLE_API.md).
std::string DashboardJson(const Dashboard& d);

// A stacked bar chart (one bar per week, one colour per section, at most six sections
// plus その他) as an inline <svg> with <title>, <desc>, axis labels, totals above the bars
// and a legend; every text from data is XML-escaped. No script, no style attribute.
std::string WeeklyBarChartSvg(const std::string& id, const std::string& title_ja,
                              const std::vector<std::string>& week_labels,
                              const std::vector<WeeklySeries>& series);

// "11/30〜" for the week starting at `week`.
std::string WeekLabel(Micros week);

}  // namespace central::console

#endif  // CENTRAL_CONSOLE_DASHBOARD_H_
