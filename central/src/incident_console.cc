// The incident workflow's routes, rights and pages (IncidentConsole).
#include "central/incidents/incident_console.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>
#include <mstch/mstch.hpp>
#include <set>
#include <sstream>

#include "central/console/auth.h"
#include "central/console/console_time.h"
#include "central/incidents/ppc_report.h"
#include "central/time_format.h"
#include "incident_json.h"
#include "incident_templates.h"
#include "mailcheck/kind_names.h"
#if __has_include("central/incident_forms.h")
#include "central/incident_forms.h"
#define SENDGUARD_HAVE_INCIDENT_FORMS 1
#endif

namespace central::incidents {
namespace {

using console::JsonError;
using console::JsonReply;
using console::Redirect;
using console::User;
using console::WebResponse;
using Params = std::multimap<std::string, std::string>;

constexpr Micros kDay = 24LL * 3600 * 1000000;
constexpr std::size_t kMaxField = 4000;

std::string Get(const Params& p, const std::string& k) {
  auto it = p.find(k);
  return it == p.end() ? "" : it->second;
}

std::vector<std::string> GetAll(const Params& p, const std::string& k) {
  std::vector<std::string> out;
  auto [a, b] = p.equal_range(k);
  for (auto it = a; it != b; ++it) {
    // JSON bodies give a list as one comma-joined value.
    std::stringstream in(it->second);
    std::string part;
    while (std::getline(in, part, ','))
      if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::string JoinJa(const std::vector<std::string>& v, const std::string& none) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : "、") + x;
  return out.empty() ? none : out;
}

std::string Json(const Poco::JSON::Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::string SourceLabel(const std::string& s) {
  if (s == "staff_report") return "職員からの報告";
  if (s == "review") return "送信レビューから";
  return "窓口・手入力";
}

std::string Today() { return console::LocalDate(NowMicros()); }

bool ValidDate(const std::string& d) { return !d.empty() && !AddDays(d, 0).empty(); }

bool ValidText(const std::string& s) {
  if (s.size() > kMaxField) return false;
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) return false;
  return true;
}

std::string DeadlineText(const PpcDeadline& d) {
  switch (d.state) {
    case DeadlineState::kDone:
      return "提出済み";
    case DeadlineState::kOverdue:
      return "期限超過 (" + std::to_string(-d.days_left) + "日)";
    case DeadlineState::kNear:
      return "期限が近い (あと" + std::to_string(d.days_left) + "日)";
    default:
      return "あと" + std::to_string(d.days_left) + "日";
  }
}

const char* DeadlineCode(DeadlineState s) {
  switch (s) {
    case DeadlineState::kDone:
      return "done";
    case DeadlineState::kOverdue:
      return "overdue";
    case DeadlineState::kNear:
      return "near";
    default:
      return "ok";
  }
}

}  // namespace

struct IncidentConsole::Impl {
  IncidentStore& store;
  console::ConsoleStore& cs;
  const FlowRegistry& flows;
  std::string default_flow;
  Notifier* notifier;

  // ------------------------------------------------------------ rights

  bool AllSections(const User& u) const {
    for (const auto& r : u.roles)
      if (r == "hogo" || r == "soukatsu" || r == "kansa") return true;
    return false;
  }

  bool MaySee(const User& u, const Case& c) const {
    if (AllSections(u) || c.opened_by == u.login) return true;
    const bool kanri = std::count(u.roles.begin(), u.roles.end(), "kanri") > 0;
    return kanri && std::count(c.sections.begin(), c.sections.end(), u.section) > 0;
  }

  // The role that acts on `step` of a case with these sections (Art. 15-2: an unknown
  // section raises a lower role to the flow's unknown_section_role).
  std::string ActingRole(const Flow& f, const FlowStep& step,
                         const std::vector<std::string>& sections) const {
    if (sections.empty() && f.Rank(step.role) < f.Rank(f.unknown_section_role))
      return f.unknown_section_role;
    return step.role;
  }

  bool HoldsRole(const Flow& f, const std::vector<std::string>& roles, const std::string& section,
                 const std::string& role, const std::vector<std::string>& sections) const {
    const int need = f.Rank(role);
    for (const auto& r : roles) {
      const int rank = f.Rank(r);
      if (rank < 0 || rank < need) continue;
      if (f.all_sections_roles.count(r) ||
          std::count(sections.begin(), sections.end(), section) > 0)
        return true;
    }
    return false;
  }

  bool MayAct(const Flow& f, const User& u, const FlowStep& step,
              const std::vector<std::string>& sections) const {
    return HoldsRole(f, u.roles, u.section, ActingRole(f, step, sections), sections);
  }

  bool MayReview(const User& u, const Review& r) const {
    for (const auto& role : u.roles)
      if (role == "hogo" || role == "soukatsu") return true;
    const bool kanri = std::count(u.roles.begin(), u.roles.end(), "kanri") > 0;
    return kanri && u.section == r.section && !r.section.empty();
  }

  bool MaySeeReviews(const User& u) const {
    for (const auto& r : u.roles)
      if (r == "hogo" || r == "soukatsu" || r == "kanri" || r == "kansa") return true;
    return false;
  }

  // ------------------------------------------------------------ notifications

  // Users who may act on the case's current step, plus the holders of the roles the
  // finished step names in `notify`.
  std::vector<std::string> Recipients(const Flow& f, const Case& c, const FlowStep* finished) {
    std::vector<std::string> out;
    auto users = cs.ListUsers();
    if (!users.ok()) return out;
    const FlowPath* path = f.Path(c.path);
    const FlowStep* next = path ? path->Step(c.state) : nullptr;
    for (const auto& u : users.value()) {
      bool tell = next && MayAct(f, u, *next, c.sections);
      if (finished) {
        for (const auto& role : finished->notify)
          tell = tell || HoldsRole(f, u.roles, u.section, role, c.sections);
      }
      if (tell) out.push_back(u.login);
    }
    return out;
  }

  void NotifyCase(const Flow& f, const Case& c, const FlowStep* finished, bool reminder) {
    if (!notifier || c.state == kClosed) return;
    const FlowPath* path = f.Path(c.path);
    const FlowStep* next = path ? path->Step(c.state) : nullptr;
    if (!next) return;
    Notice n;
    n.logins = Recipients(f, c, finished);
    // The case number and the step's name only: no names, subjects or findings.
    n.subject = std::string("[sendguard] 事案 ") + c.id +
                (reminder ? " 期限を過ぎています: " : " 対応のお願い: ") + next->title;
    n.text = "事案 " + c.id + " の次の手順「" + next->title + "」(" + f.RoleName(next->role) +
             ") が対応を待っています。\n" + (reminder ? "期限を過ぎています。\n" : "") +
             "内容は中央コンソールで確認してください:\n" + notifier->BaseUrl() + "/incidents/" +
             c.id + "\n\nこのメールには個人情報を載せていません。\n";
    if (Status s = notifier->Send(n); !s.ok())
      std::fprintf(stderr, "sendguard-central: notification: %s\n", s.message().c_str());
    else
      store.MarkNotified(c.id, NowMicros());
  }

  // Opens the reviews that are due and tells each new review's section 管理者 (the
  // 個人情報保護責任者 when the section is unknown) once: only the sweep that inserted a
  // review sees it, so each review is mailed exactly once whichever instance opens it.
  void Sweep(Micros now) {
    auto opened = store.SweepReviews(now);
    if (!opened.ok()) {
      std::fprintf(stderr, "sendguard-central: %s\n", opened.error().c_str());
      return;
    }
    if (!notifier || opened.value().empty()) return;
    auto users = cs.ListUsers();
    if (!users.ok()) return;
    for (const Review& rv : opened.value()) {
      Notice n;
      for (const auto& u : users.value()) {
        const bool kanri = std::count(u.roles.begin(), u.roles.end(), "kanri") > 0;
        const bool hogo = std::count(u.roles.begin(), u.roles.end(), "hogo") > 0;
        if (rv.section.empty() ? hogo : (kanri && u.section == rv.section))
          n.logins.push_back(u.login);
      }
      if (n.logins.empty()) continue;
      // A link only: no sender, subject, addresses or findings.
      n.subject = "[sendguard] 送信レビュー 確認のお願い";
      n.text =
          "個人情報を含むメールが確認のうえ庁外へ送られ、送信レビューが開かれました。\n"
          "内容を確かめ、理由を記録して閉じるか、事案として扱ってください:\n" +
          notifier->BaseUrl() + "/reviews\n\nこのメールには個人情報を載せていません。\n";
      if (Status s = notifier->Send(n); !s.ok())
        std::fprintf(stderr, "sendguard-central: notification: %s\n", s.message().c_str());
    }
  }

  // ------------------------------------------------------------ helpers

  const Flow* FlowOf(const Case& c) const { return flows.Find(c.flow); }

  // When the current step becomes overdue; 0 when it has no limit.
  Micros DueAt(const Flow& f, const Case& c) const {
    const FlowPath* p = f.Path(c.path);
    const FlowStep* s = p ? p->Step(c.state) : nullptr;
    if (!s || s->due_days <= 0) return 0;
    return c.state_since + s->due_days * kDay;
  }

  std::vector<std::string> Sections() {
    std::vector<std::string> out;
    if (auto s = cs.ListSections(); s.ok())
      for (const auto& x : s.value()) out.push_back(x.name);
    return out;
  }

  // Validates and collects a step's fields from the request; "" or a Japanese error.
  std::string ReadFields(const FlowStep& step, const Params& p, const std::string& outcome,
                         std::map<std::string, std::string>* out,
                         std::optional<std::vector<std::string>>* sections) {
    const auto known = Sections();
    for (const auto& f : step.fields) {
      std::string v;
      if (f.type == "sections") {
        std::vector<std::string> chosen = GetAll(p, f.key);
        for (const auto& s : chosen)
          if (std::find(known.begin(), known.end(), s) == known.end())
            return "「" + f.label + "」: 所属「" + s + "」はありません";
        if (!chosen.empty()) *sections = chosen;
        v = JoinJa(chosen, "");
      } else {
        v = Get(p, f.key);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\n' || v.back() == '\r'))
          v.pop_back();
      }
      if (!ValidText(v)) return "「" + f.label + "」が長すぎるか、使えない文字を含みます";
      bool required = f.required;
      if (!f.required_if_key.empty()) {
        const std::string other =
            f.required_if_key == "outcome" ? outcome : Get(p, f.required_if_key);
        required = required || other == f.required_if_value;
      }
      if (required && v.empty()) return "「" + f.label + "」を入力してください";
      if (!v.empty() && f.type == "date" && !ValidDate(v))
        return "「" + f.label + "」は日付 (YYYY-MM-DD) で入力してください";
      if (!v.empty() && f.type == "choice" &&
          std::find(f.choices.begin(), f.choices.end(), v) == f.choices.end())
        return "「" + f.label + "」は選択肢から選んでください";
      if (!v.empty()) (*out)[f.key] = v;
    }
    if (!step.outcomes.empty()) {
      const bool ok = std::any_of(step.outcomes.begin(), step.outcomes.end(),
                                  [&](const FlowOutcome& o) { return o.id == outcome; });
      if (!ok) return "結果 (承認する・差し戻す など) を選んでください";
    }
    return "";
  }

  TimelineEntry EntryBy(const User& u, const std::string& kind, const std::string& step) {
    std::string roles;
    for (const auto& r : u.roles) roles += (roles.empty() ? "" : ",") + r;
    TimelineEntry e;
    e.at = NowMicros();
    e.login = u.login;
    e.user_name = u.name;
    e.user_section = u.section;
    e.roles = roles;
    e.kind = kind;
    e.step = step;
    return e;
  }

  // ------------------------------------------------------------ replies

  IncidentReply Error(const IncidentRequest& r, int status, const std::string& en,
                      const std::string& ja) {
    IncidentReply out;
    if (r.api) {
      out.response = JsonError(status, en, ja);
      return out;
    }
    out.page = true;
    out.title = status == 403 ? "権限がありません" : "処理できません";
    out.response.status = status;
    out.response.body = mstch::render(
        "<p class=\"error\" role=\"alert\">{{m}}</p><p><a href=\"/incidents\">事案の一覧へ</a></p>",
        mstch::map{{"m", ja}});
    return out;
  }

  IncidentReply Forbidden(const IncidentRequest& r, const std::string& ja) {
    return Error(r, 403, "your role does not allow this step", ja);
  }

  IncidentReply NotFound(const IncidentRequest& r) {
    return Error(r, 404, "no such case or review", "その事案・レビューはありません");
  }

  IncidentReply ServerError(const IncidentRequest& r, const std::string& what) {
    std::fprintf(stderr, "sendguard-central: incidents: %s\n", what.c_str());
    return Error(r, 503, "central could not complete the request; retry later",
                 "中央サーバーで処理できませんでした。しばらくしてから再度お試しください");
  }

  IncidentReply Render(const std::string& title, const std::string& name, const mstch::map& view,
                       int status = 200) {
    IncidentReply out;
    out.page = true;
    out.title = title;
    out.response.status = status;
    out.response.body =
        mstch::render(IncidentTemplate(name), view, {{"fields", IncidentTemplate("fields")}});
    return out;
  }

  mstch::array FieldViews(const FlowStep& step, const Params* prefill) {
    mstch::array fields;
    mstch::array all_sections;
    for (const auto& s : Sections()) all_sections.push_back(s);
    for (const auto& f : step.fields) {
      mstch::array choices;
      for (const auto& c : f.choices) choices.push_back(c);
      // Every type flag is set: a missing one would be looked up in the page's context.
      fields.push_back(mstch::map{{"key", f.key},
                                  {"label", f.label},
                                  {"required", f.required},
                                  {"text", f.type == "text"},
                                  {"date", f.type == "date"},
                                  {"textarea", f.type == "textarea"},
                                  {"choice", f.type == "choice"},
                                  {"sections", f.type == "sections"},
                                  {"choices", choices},
                                  {"all_sections", all_sections},
                                  {"value", prefill ? Get(*prefill, f.key) : std::string()}});
    }
    return fields;
  }

  // ------------------------------------------------------------ routing

  IncidentReply Handle(const IncidentRequest& r) {
    const std::string& p = r.rest;
    const bool post = r.req.method == "POST";
    const std::string base = r.api ? "" : "";
    (void)base;
    if (p == "/report" || p == "/report/") return Plain(Redirect("/incidents/new"));
    if (p == "/incidents" && !post) return List(r);
    if ((p == "/incidents" && post && r.api) || (p == "/incidents/new" && post && !r.api))
      return Create(r);
    if (p == "/incidents/new" && !post && !r.api) return ReportForm(r, Get(r.params, "path"), "");
    if (p == "/reviews" && !post) return Reviews(r, "");
    std::vector<std::string> parts;
    {
      std::stringstream in(p);
      std::string part;
      while (std::getline(in, part, '/'))
        if (!part.empty()) parts.push_back(part);
    }
    if (parts.size() >= 2 && parts[0] == "incidents") {
      const std::string& id = parts[1];
      if (parts.size() == 2 && !post) return Show(r, id, "", "");
      if (parts.size() == 4 && parts[2] == "steps" && post) return Step(r, id, parts[3]);
      if (parts.size() == 3 && parts[2] == "ppc" && post) return Ppc(r, id);
      if (parts.size() == 4 && parts[2] == "forms" && !post) return Form(r, id, parts[3]);
    }
    if (parts.size() == 3 && parts[0] == "reviews" && post) {
      if (parts[2] == "close") return CloseReview(r, parts[1]);
      if (parts[2] == "incident") return ReviewToIncident(r, parts[1]);
    }
    return NotFound(r);
  }

  static IncidentReply Plain(WebResponse w) {
    IncidentReply out;
    out.response = std::move(w);
    return out;
  }

  // ------------------------------------------------------------ list

  IncidentReply List(const IncidentRequest& r) {
    std::string state = Get(r.params, "state");
    if (state.empty()) state = r.api ? "" : "open";
    auto cases = store.ListCases(state == "all" ? "" : state);
    if (!cases.ok()) return ServerError(r, cases.error());
    const Micros now = NowMicros();
    if (r.api) {
      Poco::JSON::Array a;
      for (const auto& c : cases.value()) {
        if (!MaySee(r.user, c)) continue;
        a.add(CaseJson(c, now));
      }
      std::ostringstream out;
      a.stringify(out);
      return Plain(JsonReply(200, "{\"incidents\":" + out.str() + "}"));
    }
    mstch::array rows;
    for (const auto& c : cases.value()) {
      if (!MaySee(r.user, c)) continue;
      const Flow* f = FlowOf(c);
      const FlowPath* path = f ? f->Path(c.path) : nullptr;
      const FlowStep* step = path ? path->Step(c.state) : nullptr;
      const Micros due = f ? DueAt(*f, c) : 0;
      auto ppc = PpcReportable(PpcAnswersFromJson(c.ppc_json));
      rows.push_back(mstch::map{
          {"id", c.id},
          {"opened", console::LocalDateTime(c.opened_at)},
          {"sections", JoinJa(c.sections, "不明")},
          {"path_title", path ? path->title : c.path},
          {"source_label", SourceLabel(c.source)},
          {"state_title", step ? step->title : std::string(c.state == kClosed ? "終結" : c.state)},
          {"role", step && f ? f->RoleName(ActingRole(*f, *step, c.sections)) : std::string()},
          {"overdue", (due != 0 && due < now)},
          {"due", due ? console::LocalDate(due) : std::string()},
          {"ppc_true", ppc.has_value() && *ppc},
          {"ppc_false", ppc.has_value() && !*ppc},
          {"ppc_null", !ppc.has_value()}});
    }
    int open_reviews = 0;
    if (auto rv = store.ListReviews("open"); rv.ok())
      for (const auto& x : rv.value()) open_reviews += MayReview(r.user, x);
    const bool has = !rows.empty();
    const std::string count = std::to_string(rows.size());
    return Render("事案 (漏えい等の対応)", "cases",
                  mstch::map{{"cases", rows},
                             {"has_cases", has},
                             {"count", count},
                             {"may_review", MaySeeReviews(r.user)},
                             {"open_reviews", std::to_string(open_reviews)},
                             {"open_sel", state == "open"},
                             {"closed_sel", state == "closed"},
                             {"all_sel", state == "all"}});
  }

  Poco::JSON::Object CaseJson(const Case& c, Micros now) {
    Poco::JSON::Object o = CaseSummaryJson(c);
    const Flow* f = FlowOf(c);
    const Micros due = f ? DueAt(*f, c) : 0;
    o.set("due", due ? Poco::Dynamic::Var(FormatTime(due)) : Poco::Dynamic::Var());
    o.set("overdue", (due != 0 && due < now));
    return o;
  }

  // ------------------------------------------------------------ create

  IncidentReply ReportForm(const IncidentRequest& r, std::string path_id, const std::string& error,
                           int status = 200) {
    const std::string flow_id =
        Get(r.params, "flow").empty() ? default_flow : Get(r.params, "flow");
    const Flow* f = flows.Find(flow_id);
    if (!f) return NotFound(r);
    if (path_id.empty()) path_id = f->paths.front().id;
    const FlowPath* path = f->Path(path_id);
    if (!path) return NotFound(r);
    const FlowStep& first = path->steps.front();
    mstch::array sections;
    const std::string chosen =
        r.params.count("section") ? Get(r.params, "section") : r.user.section;
    for (const auto& s : Sections())
      sections.push_back(mstch::map{{"name", s}, {"selected", s == chosen}});
    const std::string event = Get(r.params, "event");
    return Render(path->title + "の報告", "report",
                  mstch::map{{"action", std::string("/incidents/new")},
                             {"path_title", path->title},
                             {"step_title", first.title},
                             {"rules", f->rules},
                             {"article", first.article},
                             {"path", path->id},
                             {"flow", f->id},
                             {"events", event.empty() ? Get(r.params, "events") : event},
                             {"event", event},
                             {"error", error},
                             {"csrf", r.csrf},
                             {"sections", sections},
                             {"fields", FieldViews(first, error.empty() ? nullptr : &r.params)}},
                  status);
  }

  // A new case whose first step is recorded by the reporting user.
  IncidentReply Create(const IncidentRequest& r) {
    const std::string flow_id =
        Get(r.params, "flow").empty() ? default_flow : Get(r.params, "flow");
    const Flow* f = flows.Find(flow_id);
    if (!f) return Error(r, 400, "unknown flow", "その手順の定義 (flow) はありません");
    std::string path_id = Get(r.params, "path");
    if (path_id.empty()) path_id = f->paths.front().id;
    const FlowPath* path = f->Path(path_id);
    if (!path) return Error(r, 400, "unknown path", "その事案の種類 (path) はありません");
    // No "section": the reporter's own; "" : unknown (routed by Art. 15-2).
    const std::string section =
        r.params.count("section") ? Get(r.params, "section") : r.user.section;
    if (!section.empty()) {
      auto known = Sections();
      if (std::find(known.begin(), known.end(), section) == known.end())
        return Error(r, 400, "unknown section", "その所属はありません");
    }
    std::vector<std::string> events = GetAll(r.params, "events");
    for (const auto& e : events) {
      if (!ValidText(e) || e.size() > 200)
        return Error(r, 400, "bad event id", "イベントの番号が正しくありません");
    }
    std::string source =
        path_id == path->id && path == &f->paths.front() ? "staff_report" : "manual";
    return Open(r, *f, *path,
                section.empty() ? std::vector<std::string>{} : std::vector<std::string>{section},
                source, events, "");
  }

  IncidentReply Open(const IncidentRequest& r, const Flow& f, const FlowPath& path,
                     const std::vector<std::string>& sections, const std::string& source,
                     const std::vector<std::string>& events, const std::string& review) {
    const FlowStep& first = path.steps.front();
    std::map<std::string, std::string> fields;
    std::optional<std::vector<std::string>> instructed;
    const std::string error = ReadFields(first, r.params, "", &fields, &instructed);
    if (!error.empty()) {
      if (r.api) return Error(r, 400, "invalid report", error);
      return ReportForm(r, path.id, error, 400);
    }
    Case c;
    c.id = console::LocalDate(NowMicros()).substr(0, 4);
    c.flow = f.id;
    c.path = path.id;
    c.state = path.NextAfter(first, "");
    c.sections = sections;
    c.source = source;
    c.form = path.form;
    c.opened_at = NowMicros();
    c.opened_by = r.user.login;
    c.state_since = c.opened_at;
    for (const auto& fl : first.fields)
      if (fl.known_at && fields.count(fl.key)) c.known_on = fields[fl.key];
    c.events = events;
    c.ppc_json = "{}";
    TimelineEntry e = EntryBy(r.user, "step", first.id);
    e.fields = fields;
    if (!review.empty()) e.fields["review"] = review;
    auto id = store.CreateCase(c, e);
    if (!id.ok()) return ServerError(r, id.error());
    c.id = id.value();
    NotifyCase(f, c, &first, false);
    IncidentReply out;
    out.access_note = "case=" + c.id;
    if (r.api) {
      Poco::JSON::Object o = CaseJson(c, NowMicros());
      out.response = JsonReply(201, Json(o));
    } else {
      out.response = Redirect("/incidents/" + c.id);
    }
    return out;
  }

  // ------------------------------------------------------------ show

  Result<std::pair<Case, const Flow*>> Load(const IncidentRequest& r, const std::string& id) {
    using R = Result<std::pair<Case, const Flow*>>;
    auto c = store.GetCase(id);
    if (!c.ok()) return R::Error("db:" + c.error());
    if (!c.value() || !MaySee(r.user, *c.value())) return R::Error("");
    const Flow* f = FlowOf(*c.value());
    if (!f) return R::Error("db:the case's flow " + c.value()->flow + " is not loaded");
    return std::make_pair(*c.value(), f);
  }

  IncidentReply Show(const IncidentRequest& r, const std::string& id, const std::string& error,
                     const std::string& notice, int status = 200) {
    auto loaded = Load(r, id);
    if (!loaded.ok()) return loaded.error().empty() ? NotFound(r) : ServerError(r, loaded.error());
    const Case& c = loaded.value().first;
    const Flow& f = *loaded.value().second;
    const FlowPath* path = f.Path(c.path);
    auto timeline = store.Timeline(c.id);
    if (!timeline.ok()) return ServerError(r, timeline.error());
    const PpcAnswers ppc = PpcAnswersFromJson(c.ppc_json);
    const auto reportable = PpcReportable(ppc);
    const auto deadlines =
        c.known_on.empty() ? std::nullopt : ComputePpcDeadlines(c.known_on, Today(), ppc);
    // The latest value of each field (the draft and the forms read these).
    std::map<std::string, std::string> latest, by_item;
    std::set<std::string> done_steps;
    for (const auto& e : timeline.value()) {
      if (e.kind == "step") done_steps.insert(e.step);
      for (const auto& [k, v] : e.fields) latest[k] = v;
    }
    if (path) {
      for (const auto& s : path->steps)
        for (const auto& fl : s.fields)
          if (!fl.ppc.empty() && latest.count(fl.key)) by_item[fl.ppc] = latest[fl.key];
    }
    const auto draft = PpcDraft(by_item);
    const Micros now = NowMicros();
    const Micros due = DueAt(f, c);
    if (r.api) {
      Poco::JSON::Object o = CaseJson(c, now);
      o.set("timeline", TimelineJson(timeline.value()));
      Poco::JSON::Array next;
      for (const FlowStep* s : Available(f, c, done_steps)) {
        Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
        x.set("step", s->id);
        x.set("title", s->title);
        x.set("role", ActingRole(f, *s, c.sections));
        x.set("may", MayAct(f, r.user, *s, c.sections));
        next.add(x);
      }
      o.set("next", next);
      Poco::JSON::Object p(Poco::JSON_PRESERVE_KEY_ORDER);
      p.set("reportable", reportable ? Poco::Dynamic::Var(*reportable) : Poco::Dynamic::Var());
      if (deadlines) {
        p.set("prompt_due", deadlines->prompt.due);
        p.set("prompt_state", DeadlineCode(deadlines->prompt.state));
        p.set("final_due", deadlines->final_report.due);
        p.set("final_state", DeadlineCode(deadlines->final_report.state));
        p.set("final_days", deadlines->final_days);
      }
      Poco::JSON::Array items;
      for (const auto& d : draft) {
        Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
        x.set("key", d.key);
        x.set("label", d.label);
        x.set("value", d.value);
        items.add(x);
      }
      p.set("draft", items);
      o.set("ppc", p);
      IncidentReply out;
      out.response = JsonReply(200, Json(o));
      return out;
    }
    mstch::array actions;
    for (const FlowStep* s : Available(f, c, done_steps)) {
      mstch::array outcomes;
      for (std::size_t i = 0; i < s->outcomes.size(); ++i)
        outcomes.push_back(mstch::map{
            {"id", s->outcomes[i].id}, {"label", s->outcomes[i].label}, {"first", i == 0}});
      actions.push_back(mstch::map{{"title", s->title},
                                   {"article", s->article},
                                   {"role", f.RoleName(ActingRole(f, *s, c.sections))},
                                   {"may", MayAct(f, r.user, *s, c.sections)},
                                   {"case_id", c.id},
                                   {"step", s->id},
                                   {"csrf", r.csrf},
                                   {"fields", FieldViews(*s, nullptr)},
                                   {"has_outcomes", !s->outcomes.empty()},
                                   {"outcomes", outcomes}});
    }
    mstch::array tl;
    for (const auto& e : timeline.value()) {
      const FlowStep* s = path ? path->Step(e.step) : nullptr;
      std::string title = s ? s->title : e.step;
      if (e.kind == "ppc") title = "国への報告の判定";
      // In the step's order; anything else (the linked review) after.
      mstch::array fields;
      std::set<std::string> shown;
      if (s) {
        for (const auto& fl : s->fields) {
          auto it = e.fields.find(fl.key);
          if (it == e.fields.end()) continue;
          fields.push_back(mstch::map{{"label", fl.label}, {"value", it->second}});
          shown.insert(fl.key);
        }
      }
      for (const auto& [k, v] : e.fields) {
        if (shown.count(k)) continue;
        fields.push_back(
            mstch::map{{"label", k == "review" ? std::string("送信レビュー") : k}, {"value", v}});
      }
      std::string outcome;
      if (s)
        for (const auto& o : s->outcomes)
          if (o.id == e.outcome) outcome = o.label;
      std::string roles;
      for (const auto& code : console::ParseRoles(e.roles).ok()
                                  ? console::ParseRoles(e.roles).value()
                                  : std::vector<std::string>{})
        roles += (roles.empty() ? "" : "・") + f.RoleName(code);
      tl.push_back(mstch::map{{"time", console::LocalDateTime(e.at)},
                              {"user_name", e.user_name},
                              {"user_section", e.user_section},
                              {"roles", roles},
                              {"title", title},
                              {"outcome", outcome},
                              {"fields", fields}});
    }
    mstch::array draft_view;
    for (const auto& d : draft)
      draft_view.push_back(mstch::map{
          {"label", d.label}, {"value", d.value.empty() ? std::string("(未記入)") : d.value}});
    auto q = [&](const char* key, const char* label, const std::optional<bool>& v) {
      return mstch::map{{"key", std::string(key)},
                        {"label", std::string(label)},
                        {"unknown", !v.has_value()},
                        {"yes", v.has_value() && *v},
                        {"no", v.has_value() && !*v}};
    };
    mstch::array questions{
        q("sensitive", "要配慮個人情報が含まれるか", ppc.sensitive),
        q("financial", "不正に利用されることにより財産的被害が生じるおそれがあるか", ppc.financial),
        q("improper", "不正の目的をもって行われたおそれがあるか", ppc.improper)};
    mstch::map view{
        {"id", c.id},
        {"error", error},
        {"notice", notice},
        {"town", f.town},
        {"path_title", path ? path->title : c.path},
        {"closed", c.state == kClosed},
        {"state_title", path && path->Step(c.state) ? path->Step(c.state)->title : c.state},
        {"state_role", path && path->Step(c.state)
                           ? f.RoleName(ActingRole(f, *path->Step(c.state), c.sections))
                           : std::string()},
        {"overdue", (due != 0 && due < now)},
        {"due", due ? console::LocalDate(due) : std::string()},
        {"sections", JoinJa(c.sections, "不明 (個人情報保護責任者が受付)")},
        {"opened", console::LocalDateTime(c.opened_at)},
        {"source_label", SourceLabel(c.source)},
        {"known_on", c.known_on.empty() ? std::string("-") : c.known_on},
        {"has_events", !c.events.empty()},
        {"events", mstch::array(c.events.begin(), c.events.end())},
        {"actions", actions},
        {"ppc_true", reportable.has_value() && *reportable},
        {"ppc_false", reportable.has_value() && !*reportable},
        {"ppc_null", !reportable.has_value()},
        {"may_ppc", MayPpc(f, r.user)},
        {"csrf", r.csrf},
        {"questions", questions},
        {"persons", ppc.persons ? std::to_string(*ppc.persons) : std::string()},
        {"prompt_sent_on", ppc.prompt_sent_on},
        {"final_sent_on", ppc.final_sent_on},
        {"draft", draft_view},
        {"timeline", tl}};
    if (deadlines) {
      view.emplace("deadlines", mstch::map{{"prompt_due", deadlines->prompt.due},
                                           {"prompt_state", DeadlineText(deadlines->prompt)},
                                           {"final_due", deadlines->final_report.due},
                                           {"final_state", DeadlineText(deadlines->final_report)},
                                           {"final_days", std::to_string(deadlines->final_days)}});
    }
    mstch::array forms;
    if (path) {
      for (const auto& s : path->steps) {
        if (s.form.empty()) continue;
        forms.push_back(mstch::map{{"id", c.id}, {"form", s.form}, {"form_label", s.title}});
      }
    }
    view.emplace("has_forms", !forms.empty());
    view.emplace("forms", forms);
    IncidentReply out = Render("事案 " + c.id, "case", view, status);
    return out;
  }

  // The steps that may be done now: the current one and the repeatable ones whose `after`
  // step is done.
  std::vector<const FlowStep*> Available(const Flow& f, const Case& c,
                                         const std::set<std::string>& done) {
    std::vector<const FlowStep*> out;
    const FlowPath* path = f.Path(c.path);
    if (!path || c.state == kClosed) return out;
    if (const FlowStep* s = path->Step(c.state)) out.push_back(s);
    for (const auto& s : path->steps)
      if (s.repeatable && done.count(s.after)) out.push_back(&s);
    return out;
  }

  bool MayPpc(const Flow& f, const User& u) const {
    return HoldsRole(f, u.roles, u.section, f.unknown_section_role, {});
  }

  // ------------------------------------------------------------ step

  IncidentReply Step(const IncidentRequest& r, const std::string& id, const std::string& step_id) {
    auto loaded = Load(r, id);
    if (!loaded.ok()) return loaded.error().empty() ? NotFound(r) : ServerError(r, loaded.error());
    Case c = loaded.value().first;
    const Flow& f = *loaded.value().second;
    const FlowPath* path = f.Path(c.path);
    const FlowStep* step = path ? path->Step(step_id) : nullptr;
    IncidentReply out;
    out.access_note = "case=" + c.id + " step=" + step_id;
    if (!step) {
      out = Error(r, 404, "no such step", "その手順はありません");
      out.access_note = "case=" + c.id;
      return out;
    }
    auto timeline = store.Timeline(c.id);
    if (!timeline.ok()) return ServerError(r, timeline.error());
    std::set<std::string> done;
    for (const auto& e : timeline.value())
      if (e.kind == "step") done.insert(e.step);
    auto available = Available(f, c, done);
    if (std::find(available.begin(), available.end(), step) == available.end()) {
      IncidentReply e =
          Error(r, 409, "this step is not open now",
                c.state == kClosed
                    ? "この事案は終結しています"
                    : "この手順は今は記録できません (次の手順: " +
                          (path->Step(c.state) ? path->Step(c.state)->title : c.state) + ")");
      e.access_note = out.access_note;
      return e;
    }
    if (!MayAct(f, r.user, *step, c.sections)) {
      IncidentReply e =
          Forbidden(r, "「" + step->title + "」は " + f.RoleName(ActingRole(f, *step, c.sections)) +
                           " (またはその上位の役割) が行います。あなたの役割では記録できません");
      e.access_note = out.access_note;
      return e;
    }
    const std::string outcome = Get(r.params, "outcome");
    std::map<std::string, std::string> fields;
    std::optional<std::vector<std::string>> sections;
    const std::string error = ReadFields(*step, r.params, outcome, &fields, &sections);
    if (!error.empty()) {
      IncidentReply e = r.api ? Error(r, 400, "invalid step", error) : Show(r, id, error, "", 400);
      e.access_note = out.access_note;
      return e;
    }
    TimelineEntry entry = EntryBy(r.user, "step", step->id);
    entry.outcome = outcome;
    entry.fields = fields;
    CaseChange change;
    if (!step->repeatable) change.new_state = path->NextAfter(*step, outcome);
    if (sections) {
      // Art. 15-3: the instructed sections join the case's (several at once).
      std::vector<std::string> merged = c.sections;
      for (const auto& s : *sections)
        if (std::find(merged.begin(), merged.end(), s) == merged.end()) merged.push_back(s);
      change.sections = merged;
    }
    for (const auto& fl : step->fields)
      if (fl.known_at && fields.count(fl.key)) change.known_on = fields[fl.key];
    auto appended = store.Append(c.id, step->repeatable ? "" : c.state, entry, change);
    if (!appended.ok()) return ServerError(r, appended.error());
    if (!appended.value()) {
      IncidentReply e = Error(r, 409, "someone else recorded this step first",
                              "他の人が先にこの手順を記録しました。画面を開き直してください");
      e.access_note = out.access_note;
      return e;
    }
    const FlowStep* finished = step;
    if (!change.new_state.empty()) c.state = change.new_state;
    if (change.sections) c.sections = *change.sections;
    c.state_since = entry.at;
    if (!step->repeatable || !step->notify.empty()) NotifyCase(f, c, finished, false);
    if (r.api) {
      out.response = JsonReply(200, Json(CaseJson(c, NowMicros())));
    } else {
      out.response = Redirect("/incidents/" + c.id);
    }
    return out;
  }

  // ------------------------------------------------------------ national report

  IncidentReply Ppc(const IncidentRequest& r, const std::string& id) {
    auto loaded = Load(r, id);
    if (!loaded.ok()) return loaded.error().empty() ? NotFound(r) : ServerError(r, loaded.error());
    const Case& c = loaded.value().first;
    const Flow& f = *loaded.value().second;
    IncidentReply out;
    if (!MayPpc(f, r.user)) {
      out = Forbidden(r, "国への報告の判定は " + f.RoleName(f.unknown_section_role) +
                             " (またはその上位の役割) が記録します");
      out.access_note = "case=" + c.id + " ppc";
      return out;
    }
    PpcAnswers a;
    auto yn = [&](const char* key, std::optional<bool>* v) -> bool {
      const std::string x = Get(r.params, key);
      if (x.empty() || x == "null") return true;
      if (x == "yes" || x == "true")
        *v = true;
      else if (x == "no" || x == "false")
        *v = false;
      else
        return false;
      return true;
    };
    bool ok = yn("sensitive", &a.sensitive) && yn("financial", &a.financial) &&
              yn("improper", &a.improper);
    const std::string persons = Get(r.params, "persons");
    if (!persons.empty() && persons != "null") {
      if (persons.size() > 9 || persons.find_first_not_of("0123456789") != std::string::npos)
        ok = false;
      else
        a.persons = std::stoll(persons);
    }
    a.prompt_sent_on = Get(r.params, "prompt_sent_on");
    a.final_sent_on = Get(r.params, "final_sent_on");
    for (const auto* d : {&a.prompt_sent_on, &a.final_sent_on})
      if (!d->empty() && !ValidDate(*d)) ok = false;
    if (!ok) {
      out = Error(r, 400, "invalid answers",
                  "回答は はい・いいえ・未確認、本人の数は 0 以上の整数、日付は YYYY-MM-DD "
                  "で入力してください");
      out.access_note = "case=" + c.id + " ppc";
      return out;
    }
    TimelineEntry e = EntryBy(r.user, "ppc", "");
    auto show = [](const std::optional<bool>& v) {
      return v ? std::string(*v ? "はい" : "いいえ") : std::string("未確認");
    };
    e.fields = {{"要配慮個人情報", show(a.sensitive)},
                {"財産的被害のおそれ", show(a.financial)},
                {"不正の目的", show(a.improper)},
                {"本人の数", a.persons ? std::to_string(*a.persons) : "未確認"}};
    if (!a.prompt_sent_on.empty()) e.fields["速報の提出日"] = a.prompt_sent_on;
    if (!a.final_sent_on.empty()) e.fields["確報の提出日"] = a.final_sent_on;
    auto rep = PpcReportable(a);
    e.fields["判定"] = rep ? (*rep ? "報告対象" : "報告対象外") : "未判定";
    CaseChange change;
    change.ppc_json = PpcAnswersToJson(a);
    auto appended = store.Append(c.id, "", e, change);
    if (!appended.ok()) return ServerError(r, appended.error());
    out.access_note = "case=" + c.id + " ppc";
    if (r.api) {
      Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("reportable", rep ? Poco::Dynamic::Var(*rep) : Poco::Dynamic::Var());
      if (!c.known_on.empty()) {
        if (auto d = ComputePpcDeadlines(c.known_on, Today(), a)) {
          o.set("prompt_due", d->prompt.due);
          o.set("final_due", d->final_report.due);
          o.set("final_days", d->final_days);
        }
      }
      out.response = JsonReply(200, Json(o));
    } else {
      out.response = Redirect("/incidents/" + c.id);
    }
    return out;
  }

  // ------------------------------------------------------------ forms

  IncidentReply Form(const IncidentRequest& r, const std::string& id, const std::string& form) {
    auto loaded = Load(r, id);
    if (!loaded.ok()) return loaded.error().empty() ? NotFound(r) : ServerError(r, loaded.error());
    IncidentReply out;
    out.access_note = "case=" + id + " form=" + form;
#ifdef SENDGUARD_HAVE_INCIDENT_FORMS
    const Case& c = loaded.value().first;
    const Flow& f = *loaded.value().second;
    auto timeline = store.Timeline(c.id);
    if (!timeline.ok()) return ServerError(r, timeline.error());
    IncidentFormData data;
    data.case_id = c.id;
    data.town_name = f.town;
    const FlowPath* path = f.Path(c.path);
    for (const auto& e : timeline.value()) {
      const FlowStep* s = path ? path->Step(e.step) : nullptr;
      if (s && s->repeatable && s->form == form) {
        auto entry = e.fields;
        entry["reported_on"] = console::LocalDate(e.at);
        entry["report_number"] = std::to_string(data.entries.size() + 2);
        data.entries.push_back(entry);
        continue;
      }
      for (const auto& [k, v] : e.fields) data.fields[k] = v;
      if (e.seq == timeline.value().front().seq) {
        data.fields["reported_on"] = console::LocalDate(e.at);
        data.fields["first_report_on"] = console::LocalDate(e.at);
        data.fields["reporter_section"] = e.user_section;
        data.fields["reporter_name"] = e.user_name;
      }
    }
    auto html = RenderIncidentForm(form, data, FormRenderOptions{});
    if (!html.ok()) {
      IncidentReply e = NotFound(r);
      e.access_note = out.access_note;
      return e;
    }
    out.response.body = html.value();
    return out;
#else
    (void)form;
    IncidentReply e = Error(r, 404, "forms are not built in", "様式の印刷はまだ使えません");
    e.access_note = out.access_note;
    return e;
#endif
  }

  // ------------------------------------------------------------ reviews

  IncidentReply Reviews(const IncidentRequest& r, const std::string& error) {
    if (!MaySeeReviews(r.user))
      return Forbidden(
          r, "送信レビューは管理者・個人情報保護責任者・総括責任者・監査責任者が見られます");
    Sweep(NowMicros());
    std::string state = Get(r.params, "state");
    if (state.empty()) state = "open";
    auto reviews = store.ListReviews(state == "all" ? "" : state);
    if (!reviews.ok()) return ServerError(r, reviews.error());
    Poco::JSON::Array a;
    mstch::array rows;
    const bool audit_all = AllSections(r.user);
    for (const auto& rv : reviews.value()) {
      if (!audit_all && !(rv.section == r.user.section)) continue;
      auto ev = cs.GetEvent(rv.event_id);
      std::string external, findings, samples;
      if (ev.ok() && ev.value()) {
        try {
          Poco::JSON::Parser parser;
          auto o = parser.parse(ev.value()->event.json).extract<Poco::JSON::Object::Ptr>();
          int n = 0;
          if (auto rc = o->getArray("recipients"))
            for (std::size_t i = 0; i < rc->size(); ++i) {
              auto x = rc->getObject(static_cast<unsigned>(i));
              if (x && x->optValue<bool>("external", false)) {
                ++n;
                external +=
                    (external.empty() ? "" : "、") + x->optValue<std::string>("address", "");
              }
            }
          if (auto fo = o->getObject("findings"))
            for (const auto& [k, v] : *fo)
              findings +=
                  (findings.empty() ? "" : "、") + mailcheck::KindLabelJa(k) + " " + v.toString();
          if (auto sa = o->getArray("samples"))
            for (std::size_t i = 0; i < sa->size(); ++i)
              samples +=
                  (samples.empty() ? "" : "、") + sa->get(static_cast<unsigned>(i)).toString();
        } catch (const Poco::Exception&) {
        }
      }
      if (r.api) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("event_id", rv.event_id);
        o.set("section", rv.section);
        o.set("agent", rv.agent);
        o.set("user", rv.user);
        o.set("event_time", FormatTime(rv.event_time));
        o.set("state", rv.state);
        o.set("reason", rv.reason);
        o.set("case_id", rv.case_id);
        o.set("closed_by", rv.closed_by);
        a.add(o);
      } else {
        rows.push_back(
            mstch::map{{"event_id", rv.event_id},
                       {"time", console::LocalDateTime(rv.event_time)},
                       {"section", rv.section.empty() ? std::string("不明") : rv.section},
                       {"user", rv.user},
                       {"agent", rv.agent},
                       {"external", external},
                       {"findings", findings},
                       {"samples", samples.empty() ? std::string("-") : samples},
                       {"may", rv.state == "open" && MayReview(r.user, rv)},
                       {"csrf", r.csrf}});
      }
    }
    if (r.api) {
      std::ostringstream out;
      a.stringify(out);
      return Plain(JsonReply(200, "{\"reviews\":" + out.str() + "}"));
    }
    const bool has = !rows.empty();
    return Render("送信レビュー", "reviews",
                  mstch::map{{"reviews", rows}, {"has_reviews", has}, {"error", error}});
  }

  Result<Review> OpenReview(const IncidentRequest& r, const std::string& event_id,
                            IncidentReply* refusal) {
    using R = Result<Review>;
    Sweep(NowMicros());  // reviews open lazily: the event may be new
    auto rv = store.GetReview(event_id);
    if (!rv.ok()) {
      *refusal = ServerError(r, rv.error());
      return R::Error("x");
    }
    // Who may not see reviews (tanto, sysadmin) learns nothing of one, as another section.
    if (!rv.value() || !MaySeeReviews(r.user) ||
        !(AllSections(r.user) || rv.value()->section == r.user.section)) {
      *refusal = NotFound(r);
      return R::Error("x");
    }
    if (!MayReview(r.user, *rv.value())) {
      *refusal = Forbidden(r, "送信レビューは送信者の所属の管理者が閉じます");
      return R::Error("x");
    }
    if (rv.value()->state != "open") {
      *refusal = Error(r, 409, "the review is closed", "このレビューはすでに閉じています");
      return R::Error("x");
    }
    return *rv.value();
  }

  IncidentReply CloseReview(const IncidentRequest& r, const std::string& event_id) {
    IncidentReply refusal;
    auto rv = OpenReview(r, event_id, &refusal);
    refusal.access_note = "review=" + event_id;
    if (!rv.ok()) return refusal;
    const std::string reason = Get(r.params, "reason");
    if (reason.empty() || !ValidText(reason) || reason.size() > 500) {
      IncidentReply e =
          r.api ? Error(r, 400, "a reason is required", "閉じる理由を入力してください (500 字まで)")
                : Reviews(r, "閉じる理由を入力してください (500 字まで)");
      if (!r.api) e.response.status = 400;
      e.access_note = refusal.access_note;
      return e;
    }
    auto closed = store.CloseReview(event_id, "closed", r.user.login, reason, "", NowMicros());
    if (!closed.ok()) return ServerError(r, closed.error());
    IncidentReply out;
    out.access_note = refusal.access_note;
    if (!closed.value())
      return Error(r, 409, "the review is closed", "このレビューはすでに閉じています");
    out.response = r.api ? JsonReply(200, "{\"state\":\"closed\"}") : Redirect("/reviews");
    return out;
  }

  // The review becomes a case: its first report recorded by the 管理者, the event linked.
  IncidentReply ReviewToIncident(const IncidentRequest& r, const std::string& event_id) {
    IncidentReply refusal;
    auto rv = OpenReview(r, event_id, &refusal);
    refusal.access_note = "review=" + event_id;
    if (!rv.ok()) return refusal;
    const Flow* f =
        flows.Find(Get(r.params, "flow").empty() ? default_flow : Get(r.params, "flow"));
    if (!f) return Error(r, 400, "unknown flow", "その手順の定義 (flow) はありません");
    const FlowPath& path = f->paths.front();
    const FlowStep& first = path.steps.front();
    // Without the first report's fields (the page's button) the report form opens,
    // prefilled; with them the case is opened.
    bool complete = true;
    for (const auto& fl : first.fields)
      if (fl.required && Get(r.params, fl.key).empty()) complete = false;
    if (!complete) {
      Params p = r.params;
      p.emplace("event", event_id);
      p.emplace("section", rv.value().section);
      p.emplace("review", event_id);
      p.emplace("discovered_at", console::LocalDate(NowMicros()));
      p.emplace("medium", "電子メール");
      p.emplace("summary", "確認のうえ庁外へ送信されたメール (イベント " + event_id +
                               ") に個人情報が含まれていた。");
      IncidentRequest again{r.req, r.api, r.rest, p, r.user, r.csrf};
      if (r.api) {
        IncidentReply e = Error(r, 400, "the first report's fields are required",
                                "第1報の必須項目を入力してください");
        e.access_note = refusal.access_note;
        return e;
      }
      IncidentReply form = ReportFormForReview(again, *f, event_id);
      form.access_note = refusal.access_note;
      return form;
    }
    IncidentReply out =
        Open(r, *f, path,
             rv.value().section.empty() ? std::vector<std::string>{}
                                        : std::vector<std::string>{rv.value().section},
             "review", {event_id}, event_id);
    if (out.access_note.rfind("case=", 0) == 0) {
      const std::string case_id = out.access_note.substr(5);
      store.CloseReview(event_id, "incident", r.user.login, "事案として扱う", case_id, NowMicros());
      out.access_note += " review=" + event_id;
    }
    return out;
  }

  IncidentReply ReportFormForReview(const IncidentRequest& r, const Flow& f,
                                    const std::string& event_id) {
    const FlowPath& path = f.paths.front();
    const FlowStep& first = path.steps.front();
    mstch::array sections;
    for (const auto& s : Sections())
      sections.push_back(mstch::map{{"name", s}, {"selected", s == Get(r.params, "section")}});
    // The form posts to the review's own endpoint so the review is closed with the case.
    IncidentReply out = Render("送信レビューを事案にする", "report",
                               mstch::map{{"action", "/reviews/" + event_id + "/incident"},
                                          {"path_title", path.title},
                                          {"step_title", first.title},
                                          {"rules", f.rules},
                                          {"article", first.article},
                                          {"path", path.id},
                                          {"flow", f.id},
                                          {"events", event_id},
                                          {"event", event_id},
                                          {"csrf", r.csrf},
                                          {"sections", sections},
                                          {"fields", FieldViews(first, &r.params)}});
    return out;
  }
};

IncidentConsole::IncidentConsole(IncidentStore& store, console::ConsoleStore& console_store,
                                 const FlowRegistry& flows, std::string default_flow,
                                 Notifier* notifier)
    : impl_(new Impl{store, console_store, flows, std::move(default_flow), notifier}) {}

IncidentConsole::~IncidentConsole() = default;

bool IncidentConsole::Handles(const std::string& rest, bool api) {
  auto under = [&](const std::string& prefix) {
    return rest == prefix || rest.rfind(prefix + "/", 0) == 0;
  };
  if (api) return under("/incidents") || under("/reviews");
  return under("/incidents") || under("/reviews") || under("/report");
}

IncidentReply IncidentConsole::Handle(const IncidentRequest& request) {
  try {
    return impl_->Handle(request);
  } catch (const std::exception& e) {
    return impl_->ServerError(request, e.what());
  }
}

void IncidentConsole::Tick(Micros now) {
  impl_->Sweep(now);
  auto cases = impl_->store.ListCases("open");
  if (!cases.ok()) return;
  for (const auto& c : cases.value()) {
    const Flow* f = impl_->FlowOf(c);
    if (!f) continue;
    const Micros due = impl_->DueAt(*f, c);
    if (due == 0 || due >= now) continue;
    if (c.notified_at != 0 && now - c.notified_at < kDay) continue;
    impl_->NotifyCase(*f, c, nullptr, true);
  }
}

std::map<std::string, SectionCounts> IncidentConsole::CountsBySection(Micros now) {
  std::map<std::string, SectionCounts> out;
  impl_->Sweep(now);
  if (auto reviews = impl_->store.CountOpenReviews(); reviews.ok())
    for (const auto& [section, n] : reviews.value())
      out[section].open_reviews = static_cast<int>(n);
  if (auto cases = impl_->store.ListCases("open"); cases.ok()) {
    for (const auto& c : cases.value()) {
      const Flow* f = impl_->FlowOf(c);
      const Micros due = f ? impl_->DueAt(*f, c) : 0;
      if (due == 0 || due >= now) continue;
      if (c.sections.empty()) ++out[""].overdue_steps;
      for (const auto& s : c.sections) ++out[s].overdue_steps;
    }
  }
  return out;
}

console::DashboardTiles IncidentConsole::DashboardTiles() {
  return [this](const console::User& user, const console::Rights& rights) {
    std::int64_t reviews = 0, overdue = 0;
    for (const auto& [section, n] : CountsBySection(NowMicros())) {
      if (!console::MaySeeSection(user, rights, section)) continue;
      reviews += n.open_reviews;
      overdue += n.overdue_steps;
    }
    return std::vector<console::DashboardTile>{
        {"open_reviews", "未対応のレビュー", reviews, "/reviews",
         "個人情報を確認のうえ庁外へ送ったメールで、管理者の確認を待つもの。", reviews > 0},
        {"overdue_incident_steps", "期限を過ぎた事故対応の手順", overdue, "/incidents",
         overdue > 0 ? "期限を過ぎています。事案の画面で次の手順を進めてください。" : "",
         overdue > 0},
    };
  };
}

}  // namespace central::incidents
