// The console's routes, rights and pages. Reads events and policies through ConsoleStore,
// changes agents and policies through the agent Store and the policy publisher, renders
// pages with libmstch (auto-escaping), answers the JSON API with Poco::JSON.
#include "central/console/console.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <mstch/mstch.hpp>
#include <set>
#include <sstream>

#include "central/console/auth.h"
#include "central/console/console_time.h"
#include "central/csv.h"
#include "central/event_intake.h"
#include "central/incident_forms.h"
#include "central/incidents/incident_console.h"
#include "central/policy_publisher.h"
#include "console_templates.h"
#include "mailcheck/kind_names.h"
#include "mailcheck/policy.h"

namespace central::console {
namespace {

constexpr char kApi[] = "/api/v1/console";
constexpr int kPageSize = 50;

// ---------------------------------------------------------------- small text helpers

std::string UrlEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string UrlDecode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string Json(const Poco::JSON::Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::string Json(const Poco::JSON::Array& a) {
  std::ostringstream out;
  a.stringify(out);
  return out.str();
}

std::string EraOfDate(const std::string& date) {
  if (date.size() < 4) return "";
  const int year = std::atoi(date.substr(0, 4).c_str());
  return year >= 1868 ? "(" + EraYear(year) + ")" : "";
}

bool ValidAgentName(const std::string& name) {
  if (name.empty() || name.size() > 128 || HasUnmaskedIdentifier(name)) return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

// ---------------------------------------------------------------- Japanese labels

std::string KindLabel(const std::string& kind) {
  static const std::map<std::string, std::string> kLabels = {
      {"bcc_converted", "BCC に変換"},     {"send_blocked", "送信を止めた"},
      {"send_prompted", "確認を求めた"},   {"prompt_confirmed", "確認して送信"},
      {"prompt_cancelled", "送信を取消"},  {"prompt_timed_out", "確認が時間切れ"},
      {"check_failed", "検査できず"},      {"print_blocked", "印刷を止めた"},
      {"print_held", "印刷を保留"},        {"print_allowed", "印刷を許可"},
      {"send_allowed", "送信 (問題なし)"}, {"policy_updated", "ポリシー更新"},
      {"policy_rejected", "ポリシー拒否"}, {"agent_started", "エージェント起動"},
  };
  auto it = kLabels.find(kind);
  return it == kLabels.end() ? kind : it->second;
}

const std::vector<std::string>& KnownKinds() {
  static const std::vector<std::string> kKinds = {
      "send_blocked",  "send_prompted",  "prompt_confirmed", "prompt_cancelled",
      "bcc_converted", "check_failed",   "print_blocked",    "print_held",
      "print_allowed", "policy_updated", "policy_rejected"};
  return kKinds;
}

std::string ReasonLabel(const std::string& code) {
  static const std::map<std::string, std::string> kLabels = {
      {"bcc_conversion", "庁外を含む複数の宛先が To にあったため BCC に変換"},
      {"lookalike_domain", "庁内に似せたドメインの宛先"},
      {"my_number", "個人番号を含む"},
      {"class1", "重要度 1 (個人情報など) の内容を含む"},
      {"class2", "重要度 2 (秘) の内容を含む"},
      {"unscannable", "検査できない添付ファイル"},
  };
  auto it = kLabels.find(code);
  return it == kLabels.end() ? code : it->second;
}

std::string VerdictLabel(const std::string& v) {
  if (v == "allow") return "送信可";
  if (v == "convert") return "BCC に変換して送信";
  if (v == "prompt") return "確認が必要";
  if (v == "block") return "送信不可";
  return v.empty() ? "-" : v;
}

// One line of mailcheck's policy errors ("key: message") in Japanese.
std::string PolicyProblemJa(const std::string& message) {
  struct Pattern {
    const char* english;
    const char* japanese;
  };
  static const Pattern kPatterns[] = {
      {"must be one of \"allow\", \"prompt\", \"block\"",
       "\"allow\" (許可)・\"prompt\" (確認)・\"block\" (禁止) のどれかにしてください"},
      {"must be an object", "{ } で囲んだオブジェクトにしてください"},
      {"is required", "必須です (組織自身のメールドメインを書いてください)"},
      {"must be an array of domain names", "ドメイン名の配列 [ ] にしてください"},
      {"must list at least one domain", "ドメインを 1 つ以上書いてください"},
      {"must be a string", "文字列 (\" \" で囲む) にしてください"},
      {"must be true or false", "true か false にしてください"},
      {"must be \"undisclosed\" or \"sender\"", "\"undisclosed\" か \"sender\" にしてください"},
      {"must be a JSON object", "JSON のオブジェクト ({ で始まり } で終わる) にしてください"},
      {"unreadable", "JSON として読み取れません (括弧・引用符・カンマを確認してください)"},
  };
  const std::string prefix = "must be an integer ≥ ";
  if (message.rfind(prefix, 0) == 0)
    return message.substr(prefix.size()) + " 以上の整数にしてください";
  for (const Pattern& p : kPatterns)
    if (message.rfind(p.english, 0) == 0) return p.japanese;
  return "値が正しくありません";
}

// ---------------------------------------------------------------- line diff

struct DiffLine {
  char op;  // ' ', '+', '-'
  std::string text;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
    start = nl + 1;
  }
  return out;
}

// A longest-common-subsequence line diff (policies are short; capped at 2,000 lines).
std::vector<DiffLine> LineDiff(const std::string& before, const std::string& after) {
  std::vector<std::string> a = Lines(before), b = Lines(after);
  std::vector<DiffLine> out;
  if (a.size() > 2000 || b.size() > 2000) {
    for (auto& l : a) out.push_back({'-', l});
    for (auto& l : b) out.push_back({'+', l});
    return out;
  }
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;)
    for (std::size_t j = b.size(); j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out.push_back({' ', a[i]});
      ++i, ++j;
    } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out.push_back({'+', b[j++]});
    } else {
      out.push_back({'-', a[i++]});
    }
  }
  return out;
}

// ---------------------------------------------------------------- event views

// What the pages and the CSV show of one event.
struct EventView {
  std::string id, time, time_ja, kind, agent, section, user, host, verdict, sender, subject, reply;
  std::int64_t policy_version = 0;
  std::vector<std::pair<std::string, bool>> recipients;  // address, external
  std::int64_t recipients_total = 0;
  struct Attachment {
    std::string name;
    int cls = 0;
    std::vector<std::pair<std::string, std::int64_t>> findings;
    bool fully_checked = true;
  };
  std::vector<Attachment> attachments;
  std::vector<std::pair<std::string, std::int64_t>> findings;
  std::vector<std::string> samples, reasons;
};

std::vector<std::pair<std::string, std::int64_t>> Counts(const Poco::JSON::Object::Ptr& o) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (!o) return out;
  for (const auto& [k, v] : *o) {
    std::int64_t n = 0;
    try {
      n = v.convert<Poco::Int64>();
    } catch (const Poco::Exception&) {
    }
    out.emplace_back(k, n);
  }
  return out;
}

std::string Str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key)) return "";
  try {
    const auto v = o->get(key);
    return v.isEmpty() ? "" : v.convert<std::string>();
  } catch (const Poco::Exception&) {
    return "";
  }
}

EventView ViewOf(const ConsoleEvent& e) {
  EventView v;
  v.id = e.event.id;
  v.time = LocalDateTime(e.event.time);
  v.time_ja = LocalDateTimeJa(e.event.time);
  v.kind = e.event.kind;
  v.agent = e.event.agent;
  v.section = e.section;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(e.event.json).extract<Poco::JSON::Object::Ptr>();
    v.user = Str(o, "user");
    v.host = Str(o, "host");
    v.verdict = Str(o, "verdict");
    v.sender = Str(o, "sender");
    v.subject = Str(o, "subject");
    v.reply = Str(o, "reply");
    v.policy_version = o->optValue<Poco::Int64>("policy_version", 0);
    v.recipients_total = o->optValue<Poco::Int64>("recipients_total", 0);
    if (auto r = o->getArray("recipients")) {
      for (std::size_t i = 0; i < r->size(); ++i) {
        auto x = r->getObject(static_cast<unsigned>(i));
        if (x) v.recipients.emplace_back(Str(x, "address"), x->optValue<bool>("external", false));
      }
    }
    if (auto a = o->getArray("attachments")) {
      for (std::size_t i = 0; i < a->size(); ++i) {
        auto x = a->getObject(static_cast<unsigned>(i));
        if (!x) continue;
        v.attachments.push_back(EventView::Attachment{
            Str(x, "name"), static_cast<int>(x->optValue<Poco::Int64>("class", 0)),
            Counts(x->getObject("findings")), x->optValue<bool>("fully_checked", true)});
      }
    }
    v.findings = Counts(o->getObject("findings"));
    for (const char* key : {"samples", "reasons"}) {
      if (auto a = o->getArray(key)) {
        for (std::size_t i = 0; i < a->size(); ++i) {
          try {
            (std::string(key) == "samples" ? v.samples : v.reasons)
                .push_back(a->get(static_cast<unsigned>(i)).convert<std::string>());
          } catch (const Poco::Exception&) {
          }
        }
      }
    }
  } catch (const Poco::Exception&) {
    // An unreadable body shows the indexed columns only.
  }
  return v;
}

std::string FindingsText(const std::vector<std::pair<std::string, std::int64_t>>& f) {
  std::string out;
  for (const auto& [k, n] : f)
    out += (out.empty() ? "" : "、") + mailcheck::KindLabelJa(k) + " " + std::to_string(n) + " 件";
  return out.empty() ? "なし" : out;
}

std::string RecipientsText(const EventView& v) {
  std::size_t external = 0;
  for (const auto& r : v.recipients) external += r.second;
  const std::size_t total =
      v.recipients_total > 0 ? static_cast<std::size_t>(v.recipients_total) : v.recipients.size();
  if (total == 0) return "-";
  return std::to_string(total) + " 件 (庁外 " + std::to_string(external) + ")";
}

std::string ClassLabel(int cls) {
  switch (cls) {
    case 1:
      return "1 (極秘・個人情報)";
    case 2:
      return "2 (秘)";
    case 3:
      return "3 (公開・重要)";
    default:
      return "4 (その他)";
  }
}

// ---------------------------------------------------------------- request helpers

struct Params {
  std::multimap<std::string, std::string> values;
  std::string Get(const std::string& k) const {
    auto it = values.find(k);
    return it == values.end() ? "" : it->second;
  }
  bool Has(const std::string& k) const { return values.count(k) > 0; }
};

Params ReadParams(const WebRequest& req) {
  Params p;
  p.values = req.query;
  auto ct = req.headers.find("content-type");
  const std::string type = ct == req.headers.end() ? "" : ct->second;
  if (req.method == "POST" && type.rfind("application/json", 0) == 0) {
    try {
      Poco::JSON::Parser parser;
      auto root = parser.parse(req.body);
      if (root.type() == typeid(Poco::JSON::Object::Ptr)) {
        auto o = root.extract<Poco::JSON::Object::Ptr>();
        for (const auto& [k, v] : *o) {
          if (!v.isEmpty()) p.values.emplace(k, v.convert<std::string>());
        }
      }
    } catch (const Poco::Exception&) {
    }
  } else if (req.method == "POST") {
    for (auto& kv : ParseUrlEncoded(req.body)) p.values.insert(kv);
  }
  return p;
}

WebResponse CsvReply(const std::string& filename, const std::string& csv) {
  WebResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = "\xEF\xBB\xBF" + csv;  // BOM: spreadsheets then read UTF-8 Japanese correctly
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  return r;
}

}  // namespace

// ---------------------------------------------------------------- public helpers

bool IsAgentApiPath(const std::string& path) {
  return path == "/api/v1/events" || path == "/api/v1/heartbeat" || path == "/api/v1/policy" ||
         (path.rfind("/api/v1/", 0) == 0 && path.rfind("/api/v1/console", 0) != 0);
}

std::multimap<std::string, std::string> ParseUrlEncoded(const std::string& text) {
  std::multimap<std::string, std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t amp = text.find('&', start);
    if (amp == std::string::npos) amp = text.size();
    const std::string pair = text.substr(start, amp - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      if (eq == std::string::npos)
        out.emplace(UrlDecode(pair), "");
      else
        out.emplace(UrlDecode(pair.substr(0, eq)), UrlDecode(pair.substr(eq + 1)));
    }
    start = amp + 1;
  }
  return out;
}

std::string CookieValue(const std::string& header, const std::string& name) {
  std::size_t start = 0;
  while (start < header.size()) {
    std::size_t semi = header.find(';', start);
    if (semi == std::string::npos) semi = header.size();
    std::string part = Trim(header.substr(start, semi - start));
    const std::size_t eq = part.find('=');
    if (eq != std::string::npos && part.substr(0, eq) == name) return part.substr(eq + 1);
    start = semi + 1;
  }
  return "";
}

// ---------------------------------------------------------------- the console

struct Console::Impl {
  ConsoleConfig config;
  Store& store;
  ConsoleStore& cs;
  const PolicySigner& signer;

  // The request being served, after authentication.
  struct Ctx {
    Ctx(const WebRequest& r, Params p) : req(r), params(std::move(p)) {}
    const WebRequest& req;
    Params params;
    bool api = false;
    std::string rest;  // path after /api/v1/console (API) or the page path
    std::optional<User> user;
    Rights rights;
    std::string session_hash;
    std::string csrf;
    std::string access_note;  // what a delegated handler adds to the access record
  };

  Impl(ConsoleConfig c, Store& s, ConsoleStore& x, const PolicySigner& p)
      : config(c), store(s), cs(x), signer(p) {}

  // ------------------------------------------------------------ rendering

  std::string RenderTemplate(const std::string& name, const mstch::map& view) {
    return mstch::render(PageTemplate(name), view);
  }

  mstch::map RightsView(const Rights& r) {
    return mstch::map{{"events", r.events()},           {"agents", r.agents_read},
                      {"agents_write", r.agents_write}, {"policy", r.policy_read},
                      {"policy_write", r.policy_write}, {"access", r.access_records}};
  }

  std::string RoleNames(const User& u) {
    std::string out;
    for (const auto& r : u.roles) out += (out.empty() ? "" : "・") + RoleNameJa(r);
    return out;
  }

  WebResponse Page(const Ctx* ctx, int status, const std::string& title, const std::string& nav,
                   const std::string& name, mstch::map view) {
    if (ctx && ctx->user) {
      view.emplace("rights", RightsView(ctx->rights));
      view.emplace("csrf", ctx->csrf);
    }
    return Layout(ctx, status, title, nav, RenderTemplate(name, view));
  }

  // A rendered page body in the layout (header, navigation, footer).
  WebResponse Layout(const Ctx* ctx, int status, const std::string& title, const std::string& nav,
                     const std::string& content) {
    WebResponse r;
    r.status = status;
    mstch::map layout{{"title", title},
                      {"content", content},
                      {"time_zone", CurrentTimeZone()},
                      {"nav_" + nav, true}};
    if (ctx && ctx->user) {
      layout.emplace("user", true);
      layout.emplace("name", ctx->user->name);
      layout.emplace("section", ctx->user->section);
      layout.emplace("role_names", RoleNames(*ctx->user));
      layout.emplace("csrf", ctx->csrf);
      layout.emplace("rights", RightsView(ctx->rights));
    }
    r.body = RenderTemplate("layout", layout);
    return r;
  }

  WebResponse Message(const Ctx* ctx, int status, const std::string& title,
                      const std::string& message, const std::string& detail,
                      const std::string& back = "/") {
    return Page(ctx, status, title, "", "message",
                mstch::map{{"message", message},
                           {"detail", detail},
                           {"back", back},
                           {"css", std::string(status >= 400 ? "error" : "notice")}});
  }

  WebResponse Forbidden(Ctx& ctx) {
    if (ctx.api) {
      return JsonError(403, "your role does not allow this",
                       "この操作はあなたの役割では許可されていません");
    }
    return Message(&ctx, 403, "権限がありません", "この画面・操作はあなたの役割では使えません。",
                   "必要な場合は、システム管理者に役割の追加を依頼してください。");
  }

  WebResponse NotFound(Ctx& ctx) {
    if (ctx.api) return JsonError(404, "no such console endpoint", "そのページはありません");
    return Message(&ctx, 404, "見つかりません", "お探しのページ・記録はありません。", "");
  }

  WebResponse ServerError(Ctx* ctx, const std::string& what) {
    std::fprintf(stderr, "sendguard-central: console: %s\n", what.c_str());
    if (ctx && ctx->api) {
      return JsonError(503, "central could not complete the request; retry later",
                       "中央サーバーで処理できませんでした。しばらくしてから再度お試しください");
    }
    return Message(ctx, 503, "処理できませんでした",
                   "中央サーバーで処理できませんでした。しばらくしてから再度お試しください。", "");
  }

  // ------------------------------------------------------------ entry

  WebResponse Handle(const WebRequest& req) {
    Ctx ctx(req, ReadParams(req));
    ctx.api = req.path.rfind(kApi, 0) == 0;
    ctx.rest = ctx.api ? req.path.substr(sizeof(kApi) - 1) : req.path;
    WebResponse res;
    std::string who = "anonymous";
    try {
      res = Route(ctx, &who);
    } catch (const std::exception& e) {
      res = ServerError(&ctx, req.method + " " + req.path + ": " + e.what());
    }
    if (req.path != "/static/console.css" && req.path != kIncidentFormStyleSheetPath &&
        req.path != "/favicon.ico") {
      // What was looked at or changed: the path, the non-empty query (the search), and
      // for a change the object it names (never a password or a policy text).
      std::string action = req.method + " " + req.path;
      std::string q;
      for (const auto& [k, v] : req.query)
        if (!v.empty()) q += (q.empty() ? "?" : "&") + k + "=" + v;
      action += q;
      if (!ctx.access_note.empty()) action += " " + ctx.access_note;
      if (req.method == "POST") {
        for (const char* key : {"name", "version", "section"}) {
          const std::string v = ctx.params.Get(key);
          if (!v.empty()) action += std::string(" ") + key + "=" + v;
        }
      }
      Status s = store.RecordAccess(AccessRecord{NowMicros(), who, action, res.status, req.peer});
      if (!s.ok()) std::fprintf(stderr, "sendguard-central: %s\n", s.message().c_str());
    }
    return res;
  }

  std::string Who(const User& u) {
    std::string roles;
    for (const auto& r : u.roles) roles += (roles.empty() ? "" : ",") + r;
    return "web:" + u.login + " (" + roles + ")";
  }

  // True when an Origin header, if any, names this server (a cross-site POST is refused
  // even before its cookie is considered).
  bool SameOrigin(const WebRequest& req) {
    auto origin = req.headers.find("origin");
    if (origin == req.headers.end() || origin->second == "null") return origin == req.headers.end();
    auto host = req.headers.find("host");
    if (host == req.headers.end()) return false;
    const std::string o = origin->second;
    return o == "http://" + host->second || o == "https://" + host->second;
  }

  WebResponse Route(Ctx& ctx, std::string* who) {
    const WebRequest& req = ctx.req;
    const bool post = req.method == "POST";
    if (!post && req.method != "GET" && req.method != "HEAD") {
      return ctx.api ? JsonError(405, "method not allowed", "このメソッドは使えません")
                     : Message(nullptr, 405, "使えない操作です", "このメソッドは使えません。", "");
    }
    if (req.path == "/static/console.css" || req.path == kIncidentFormStyleSheetPath) {
      WebResponse r;
      r.content_type = "text/css; charset=utf-8";
      r.body = req.path == kIncidentFormStyleSheetPath ? IncidentFormStyleSheet() : StyleSheet();
      r.headers.emplace_back("Cache-Control", "max-age=300");
      return r;
    }
    if (post && !SameOrigin(req)) {
      return ctx.api ? JsonError(403, "cross-origin request refused",
                                 "他のサイトからの要求は受け付けません")
                     : Message(nullptr, 403, "受け付けられません",
                               "他のサイトからの要求は受け付けません。", "");
    }
    // Login: the only state change without a session.
    if (req.path == "/login" && !post) return LoginPage(nullptr, "", "", 200);
    if ((req.path == "/login" || ctx.rest == "/login") && post) return Login(ctx, who);

    Authenticate(ctx);
    if (!ctx.user) {
      if (ctx.api) return JsonError(401, "not logged in", "ログインしてください");
      return Redirect("/login");
    }
    *who = Who(*ctx.user);
    if (post) {
      auto header = req.headers.find("x-csrf-token");
      const std::string token =
          header != req.headers.end() ? header->second : ctx.params.Get("csrf_token");
      if (!TokensEqual(token, ctx.csrf)) {
        return ctx.api ? JsonError(403, "missing or wrong CSRF token",
                                   "CSRF トークンがないか、正しくありません")
                       : Message(&ctx, 403, "受け付けられません",
                                 "画面の有効期限が切れたか、正しくない要求です。",
                                 "もう一度画面を開き直してから操作してください。");
      }
    }
    if (ctx.rest == "/logout" && post) return Logout(ctx);
    if (config.incidents && incidents::IncidentConsole::Handles(ctx.rest, ctx.api)) {
      auto reply = config.incidents->Handle(incidents::IncidentRequest{
          req, ctx.api, ctx.rest, ctx.params.values, *ctx.user, ctx.csrf});
      ctx.access_note = reply.access_note;
      if (!reply.page) return reply.response;
      return Layout(&ctx, reply.response.status, reply.title, "incidents", reply.response.body);
    }
    return ctx.api ? RouteApi(ctx) : RoutePage(ctx);
  }

  void Authenticate(Ctx& ctx) {
    auto cookie = ctx.req.headers.find("cookie");
    if (cookie == ctx.req.headers.end()) return;
    const std::string id = CookieValue(cookie->second, kSessionCookie);
    if (id.empty()) return;
    const std::string hash = HashSessionId(id);
    auto session = cs.TouchSession(hash, NowMicros(), kIdleTimeout, kAbsoluteTimeout);
    if (!session.ok()) {
      std::fprintf(stderr, "sendguard-central: %s\n", session.error().c_str());
      return;
    }
    if (!session.value()) return;
    auto user = cs.FindUser(session.value()->login);
    if (!user.ok() || !user.value()) return;
    ctx.user = user.value();
    ctx.rights = RightsOf(ctx.user->roles);
    ctx.session_hash = hash;
    ctx.csrf = session.value()->csrf_token;
  }

  std::string SessionCookie(const std::string& value, bool clear) {
    std::string c =
        std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
    if (config.tls) c += "; Secure";
    if (clear) c += "; Max-Age=0";
    return c;
  }

  // ------------------------------------------------------------ login / logout

  WebResponse LoginPage(Ctx* ctx, const std::string& error, const std::string& login, int status) {
    return Page(ctx, status, "ログイン", "", "login",
                mstch::map{{"error", error}, {"login", login}});
  }

  WebResponse Login(Ctx& ctx, std::string* who) {
    const std::string login = Trim(ctx.params.Get("login"));
    const std::string password = ctx.params.Get("password");
    const Micros now = NowMicros();
    auto fail = [&](int status, const std::string& en, const std::string& ja) {
      *who = "anonymous (login " + login + ")";
      return ctx.api ? JsonError(status, en, ja) : LoginPage(nullptr, ja, login, status);
    };
    auto failures = cs.CountLoginFailures(login, now - kLockoutWindow);
    if (!failures.ok()) return ServerError(&ctx, failures.error());
    if (failures.value() >= kMaxLoginFailures) {
      return fail(429, "too many failed logins; try again in 15 minutes",
                  "ログインの失敗が続いたため、このログイン名は 15 分間ロックされています。");
    }
    auto user = cs.FindUser(login);
    if (!user.ok()) return ServerError(&ctx, user.error());
    bool ok = false;
    if (user.value()) {
      ok = VerifyPassword(user.value()->password_hash, password);
    } else {
      VerifyDummyPassword(password);
    }
    if (!ok) {
      Status s = cs.RecordLoginFailure(login, ctx.req.peer, now);
      if (!s.ok()) return ServerError(&ctx, s.message());
      if (failures.value() + 1 == kMaxLoginFailures) {
        Status a = cs.RecordAlert(Alert{now, "login_locked", login, ctx.req.peer});
        if (!a.ok()) return ServerError(&ctx, a.message());
        store.RecordAccess(
            AccessRecord{now, "anonymous", "alert login_locked " + login, 429, ctx.req.peer});
      }
      return fail(401, "wrong login name or password",
                  "ログイン名またはパスワードが正しくありません。");
    }
    Status cleared = cs.ClearLoginFailures(login);
    if (!cleared.ok()) return ServerError(&ctx, cleared.message());
    // Session fixation: a session presented with the login is ended, and a new id issued.
    auto cookie = ctx.req.headers.find("cookie");
    if (cookie != ctx.req.headers.end()) {
      const std::string old = CookieValue(cookie->second, kSessionCookie);
      if (!old.empty()) cs.DeleteSession(HashSessionId(old));
    }
    const std::string id = NewRandomToken();
    const std::string csrf = NewRandomToken();
    Status created = cs.CreateSession(HashSessionId(id), Session{login, csrf, now, now});
    if (!created.ok()) return ServerError(&ctx, created.message());
    const User& u = *user.value();
    *who = Who(u);
    WebResponse r;
    if (ctx.api) {
      Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      SessionJson(u, csrf, o);
      r = JsonReply(200, Json(o));
    } else {
      r = Redirect("/");
    }
    r.headers.emplace_back("Set-Cookie", SessionCookie(id, false));
    return r;
  }

  void SessionJson(const User& u, const std::string& csrf, Poco::JSON::Object& o) {
    o.set("login", u.login);
    o.set("name", u.name);
    o.set("section", u.section);
    Poco::JSON::Array roles;
    for (const auto& r : u.roles) roles.add(r);
    o.set("roles", roles);
    o.set("csrf_token", csrf);
  }

  WebResponse Logout(Ctx& ctx) {
    cs.DeleteSession(ctx.session_hash);
    WebResponse r = ctx.api ? JsonReply(200, "{\"logged_out\":true}") : Redirect("/login");
    r.headers.emplace_back("Set-Cookie", SessionCookie("", true));
    return r;
  }

  // ------------------------------------------------------------ routing

  static bool Segment(const std::string& path, const std::string& prefix, std::string* rest) {
    if (path.rfind(prefix, 0) != 0 || path.size() <= prefix.size()) return false;
    *rest = UrlDecode(path.substr(prefix.size()));
    return rest->find('/') == std::string::npos;
  }

  WebResponse RouteApi(Ctx& ctx) {
    const std::string& p = ctx.rest;
    const bool post = ctx.req.method == "POST";
    std::string arg;
    if (p == "/session" && !post) {
      Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      SessionJson(*ctx.user, ctx.csrf, o);
      return JsonReply(200, Json(o));
    }
    if (p == "/sections" && !post) return ApiSections(ctx);
    if (p == "/dashboard" && !post) return ApiDashboard(ctx);
    if (p == "/events" && !post) return ctx.rights.events() ? ApiEvents(ctx) : Forbidden(ctx);
    if (p == "/near-misses" && !post)
      return ctx.rights.events() ? ApiNearMisses(ctx) : Forbidden(ctx);
    if (p == "/events.csv" && !post) return ctx.rights.events() ? EventsCsv(ctx) : Forbidden(ctx);
    if (Segment(p, "/events/", &arg) && !post)
      return ctx.rights.events() ? EventDetail(ctx, arg) : Forbidden(ctx);
    if (p == "/agents" && !post) return ctx.rights.agents_read ? ApiAgents(ctx) : Forbidden(ctx);
    if (p == "/agents" && post) return ctx.rights.agents_write ? Enroll(ctx) : Forbidden(ctx);
    if (p.rfind("/agents/", 0) == 0 && post) {
      if (!ctx.rights.agents_write) return Forbidden(ctx);
      const std::string tail = p.substr(8);
      const std::size_t slash = tail.rfind('/');
      if (slash == std::string::npos) return NotFound(ctx);
      const std::string name = UrlDecode(tail.substr(0, slash)), verb = tail.substr(slash + 1);
      if (verb == "revoke") return Revoke(ctx, name);
      if (verb == "token") return NewToken(ctx, name);
      return NotFound(ctx);
    }
    if (p == "/policy" && !post) return ctx.rights.policy_read ? ApiPolicy(ctx) : Forbidden(ctx);
    if (p == "/policy" && post) return ctx.rights.policy_write ? Publish(ctx) : Forbidden(ctx);
    if (p == "/policy/check" && post)
      return ctx.rights.policy_write ? CheckPolicy(ctx) : Forbidden(ctx);
    if (p == "/policy/history" && !post)
      return ctx.rights.policy_read ? PolicyHistory(ctx) : Forbidden(ctx);
    if (p == "/policy/rollback" && post)
      return ctx.rights.policy_write ? Rollback(ctx) : Forbidden(ctx);
    if (p == "/access" && !post) return ctx.rights.access_records ? Access(ctx) : Forbidden(ctx);
    if (p == "/access.csv" && !post)
      return ctx.rights.access_records ? AccessCsv(ctx) : Forbidden(ctx);
    if (p == "/alerts" && !post) return ctx.rights.access_records ? Alerts(ctx) : Forbidden(ctx);
    return NotFound(ctx);
  }

  WebResponse RoutePage(Ctx& ctx) {
    const std::string& p = ctx.rest;
    const bool post = ctx.req.method == "POST";
    std::string arg;
    if (p == "/" && !post) return Home(ctx);
    if (p == "/events" && !post) return ctx.rights.events() ? EventsPage(ctx) : Forbidden(ctx);
    if (p == "/events.csv" && !post) return ctx.rights.events() ? EventsCsv(ctx) : Forbidden(ctx);
    if (Segment(p, "/events/", &arg) && !post)
      return ctx.rights.events() ? EventDetail(ctx, arg) : Forbidden(ctx);
    if (p == "/agents" && !post)
      return ctx.rights.agents_read ? AgentsPage(ctx, "", "") : Forbidden(ctx);
    if (p == "/agents/enroll" && post)
      return ctx.rights.agents_write ? Enroll(ctx) : Forbidden(ctx);
    if (p == "/agents/revoke" && post)
      return ctx.rights.agents_write ? Revoke(ctx, ctx.params.Get("name")) : Forbidden(ctx);
    if (p == "/agents/token" && post)
      return ctx.rights.agents_write ? NewToken(ctx, ctx.params.Get("name")) : Forbidden(ctx);
    if (p == "/policy" && !post)
      return ctx.rights.policy_read ? PolicyPage(ctx, "", "", "") : Forbidden(ctx);
    if (p == "/policy/check" && post)
      return ctx.rights.policy_write ? CheckPolicy(ctx) : Forbidden(ctx);
    if (p == "/policy/publish" && post)
      return ctx.rights.policy_write ? Publish(ctx) : Forbidden(ctx);
    if (p == "/policy/history" && !post)
      return ctx.rights.policy_read ? PolicyHistory(ctx) : Forbidden(ctx);
    if (p == "/policy/rollback" && post)
      return ctx.rights.policy_write ? Rollback(ctx) : Forbidden(ctx);
    if (p == "/access" && !post) return ctx.rights.access_records ? Access(ctx) : Forbidden(ctx);
    if (p == "/access.csv" && !post)
      return ctx.rights.access_records ? AccessCsv(ctx) : Forbidden(ctx);
    return NotFound(ctx);
  }

  // ------------------------------------------------------------ home, sections

  WebResponse Home(Ctx& ctx) {
    std::int64_t version = 0;
    if (auto latest = store.LatestPolicy(); latest.ok() && latest.value())
      version = latest.value()->version;
    const Rights& r = ctx.rights;
    const bool nothing = !r.events() && !r.agents_read && !r.policy_read && !r.access_records;
    std::string error;
    auto dashboard = DashboardOf(ctx, &error);
    if (!dashboard.ok()) return ServerError(&ctx, dashboard.error());
    return Page(
        &ctx, 200, "ホーム", "home", "home",
        mstch::map{
            {"name", ctx.user->name},
            {"section", ctx.user->section},
            {"role_names", RoleNames(*ctx.user)},
            {"policy_version", std::to_string(version)},
            {"events_scope", std::string(r.all_sections ? "すべての所属" : "あなたの所属")},
            {"tanto_only", nothing},
            {"dashboard", DashboardView(dashboard.value())},
            // Per person: for a section head's own section only (a town-wide table
            // would be long and slow; the charts above show every section).
            {"near_misses", r.own_section && !r.all_sections ? NearMissView(ctx) : mstch::map{}}});
  }

  // ------------------------------------------------------------ dashboard

  Result<Dashboard> DashboardOf(Ctx& ctx, std::string* error) {
    int weeks = 8;
    if (!ctx.params.Get("weeks").empty()) {
      try {
        weeks = std::clamp(std::stoi(ctx.params.Get("weeks")), 1, 26);
      } catch (const std::exception&) {
        *error = "週の数の指定が正しくありません。";
        return Result<Dashboard>::Error(*error);
      }
    }
    Micros anchor = NowMicros();
    if (!ctx.params.Get("to").empty()) {
      auto day = ParseLocalDate(ctx.params.Get("to"));
      if (!day) {
        *error = "終了日は YYYY-MM-DD (西暦) で入力してください。";
        return Result<Dashboard>::Error(*error);
      }
      anchor = *day;
    }
    return BuildDashboard(store, cs, *ctx.user, ctx.rights, NowMicros(), anchor, weeks,
                          config.dashboard_tiles);
  }

  WebResponse ApiDashboard(Ctx& ctx) {
    std::string error;
    auto d = DashboardOf(ctx, &error);
    if (!error.empty()) return JsonError(400, "bad query", error);
    if (!d.ok()) return ServerError(&ctx, d.error());
    return JsonReply(200, DashboardJson(d.value()));
  }

  mstch::map DashboardView(const Dashboard& d) {
    std::vector<std::string> labels;
    for (Micros w : d.weeks) labels.push_back(WeekLabel(w));
    auto table = [&](const std::vector<WeeklySeries>& series) {
      mstch::array rows;
      for (const WeeklySeries& s : series) {
        mstch::array cells;
        for (std::int64_t n : s.counts) cells.push_back(std::to_string(n));
        rows.push_back(
            mstch::map{{"section", s.section.empty() ? std::string("所属なし") : s.section},
                       {"cells", cells},
                       {"total", std::to_string(s.total)}});
      }
      return rows;
    };
    auto sum = [](const std::vector<WeeklySeries>& series) {
      std::int64_t n = 0;
      for (const auto& s : series) n += s.total;
      return std::to_string(n);
    };
    mstch::array weeks, silent, tiles;
    for (const std::string& l : labels) weeks.push_back(l);
    for (const AgentGlance& a : d.silent_agents) {
      silent.push_back(mstch::map{
          {"name", a.name},
          {"section", a.section.empty() ? std::string("所属なし") : a.section},
          {"last_seen", a.last_seen ? LocalDateTime(a.last_seen) : std::string("一度も接続なし")}});
    }
    for (const DashboardTile& t : d.tiles) {
      tiles.push_back(mstch::map{{"title", t.title_ja},
                                 {"count", t.count ? std::to_string(*t.count) : std::string("—")},
                                 {"has_count", t.count.has_value()},
                                 {"link", t.link},
                                 {"note", t.note_ja},
                                 {"attention", t.attention}});
    }
    const std::string scope = d.scope == "all"       ? std::string("すべての所属")
                              : d.scope == "section" ? d.section + " (あなたの所属)"
                                                     : std::string("あなた自身の送信・印刷");
    const int pct = d.agents_total ? d.agents_on_newest * 100 / d.agents_total : 0;
    return mstch::map{
        {"scope", scope},
        {"weeks", weeks},
        {"period", labels.empty()
                       ? std::string()
                       : labels.front() + " から " + std::to_string(labels.size()) + " 週間"},
        {"near_total", sum(d.near_misses)},
        {"conv_total", sum(d.conversions)},
        {"near_chart",
         WeeklyBarChartSvg("chart-near", "ヒヤリハット (止めた送信・印刷と保留した印刷) の週別件数",
                           labels, d.near_misses)},
        {"conv_chart", WeeklyBarChartSvg("chart-conv", "宛先を BCC に変換して送った週別件数",
                                         labels, d.conversions)},
        {"near_rows", table(d.near_misses)},
        {"conv_rows", table(d.conversions)},
        {"agents_shown", d.agents_shown},
        {"agents_total", std::to_string(d.agents_total)},
        {"agents_on_newest", std::to_string(d.agents_on_newest)},
        {"agents_behind", std::to_string(d.agents_total - d.agents_on_newest)},
        {"coverage_pct", std::to_string(pct)},
        {"coverage_full", d.agents_total > 0 && d.agents_on_newest == d.agents_total},
        {"newest_policy", std::to_string(d.newest_policy)},
        {"has_policy", d.newest_policy > 0},
        {"silent", silent},
        {"silent_count", std::to_string(d.silent_agents.size())},
        {"has_silent", !d.silent_agents.empty()},
        {"tiles", tiles}};
  }

  WebResponse ApiSections(Ctx& ctx) {
    auto sections = cs.ListSections();
    if (!sections.ok()) return ServerError(&ctx, sections.error());
    Poco::JSON::Array a;
    for (const auto& s : sections.value()) {
      Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("name", s.name);
      o.set("created_at", FormatTime(s.created_at));
      a.add(o);
    }
    return JsonReply(200, "{\"sections\":" + Json(a) + "}");
  }

  // ------------------------------------------------------------ events

  // The query from the request's parameters, limited to what the user may see. Returns
  // false (with *error in Japanese) for a malformed parameter, and sets *nothing when the
  // filter asks for a section the user may not see.
  bool EventQueryOf(Ctx& ctx, EventQuery* q, std::string* error, bool* nothing) {
    const Params& p = ctx.params;
    *nothing = false;
    if (!p.Get("from").empty()) {
      q->from = ParseLocalDate(p.Get("from"));
      if (!q->from) q->from = ParseTime(p.Get("from"));
      if (!q->from) {
        *error = "開始日は YYYY-MM-DD (西暦) で入力してください。";
        return false;
      }
    }
    if (!p.Get("to").empty()) {
      auto day = ParseLocalDate(p.Get("to"));
      if (day) {
        q->to = *day + 24LL * 3600 * 1000000;  // the end date is included
      } else {
        q->to = ParseTime(p.Get("to"));
      }
      if (!q->to) {
        *error = "終了日は YYYY-MM-DD (西暦) で入力してください。";
        return false;
      }
    }
    if (!p.Get("agent").empty()) q->agent = p.Get("agent");
    if (!p.Get("kind").empty()) q->kind = p.Get("kind");
    if (!p.Get("user").empty()) q->user = p.Get("user");
    if (!Trim(p.Get("domain")).empty()) {
      std::string d = Trim(p.Get("domain"));
      if (d.find('@') != std::string::npos) d = d.substr(d.rfind('@') + 1);
      q->recipient_domain = d;
    }
    q->subject_words = Words(p.Get("subject"));
    if (p.Has("section") && !p.Get("section").empty()) q->section = p.Get("section");
    if (!ctx.rights.all_sections) {
      // 管理者: their own section only, whatever the filter says.
      if (q->section && *q->section != ctx.user->section) *nothing = true;
      q->section = ctx.user->section;
    }
    if (!p.Get("after").empty()) {
      // after = TIME_US.RECEIVED_US.ID (the previous page's last key)
      const std::string a = p.Get("after");
      const std::size_t d1 = a.find('.'), d2 = d1 == std::string::npos ? d1 : a.find('.', d1 + 1);
      if (d2 == std::string::npos) {
        *error = "ページの指定が正しくありません。";
        return false;
      }
      try {
        q->before = EventKey{std::stoll(a.substr(0, d1)), std::stoll(a.substr(d1 + 1, d2 - d1 - 1)),
                             a.substr(d2 + 1)};
      } catch (const std::exception&) {
        *error = "ページの指定が正しくありません。";
        return false;
      }
    }
    q->limit = kPageSize;
    if (!p.Get("limit").empty()) {
      try {
        q->limit = std::clamp(std::stoi(p.Get("limit")), 1, 1000);
      } catch (const std::exception&) {
        *error = "件数の指定が正しくありません。";
        return false;
      }
    }
    return true;
  }

  static std::string KeyText(const EventKey& k) {
    return std::to_string(k.time) + "." + std::to_string(k.received_at) + "." + k.id;
  }

  std::string QueryWithout(const Params& p, const std::set<std::string>& drop,
                           const std::vector<std::pair<std::string, std::string>>& add = {}) {
    std::string out;
    for (const auto& [k, v] : p.values) {
      if (drop.count(k) || k == "csrf_token") continue;
      out += (out.empty() ? "" : "&") + UrlEncode(k) + "=" + UrlEncode(v);
    }
    for (const auto& [k, v] : add)
      out += (out.empty() ? "" : "&") + UrlEncode(k) + "=" + UrlEncode(v);
    return out;
  }

  Poco::JSON::Object::Ptr EventJson(const ConsoleEvent& e) {
    Poco::JSON::Object::Ptr o;
    try {
      Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
      o = parser.parse(e.event.json).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
      o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      o->set("id", e.event.id);
      o->set("kind", e.event.kind);
      o->set("time", FormatTime(e.event.time));
    }
    o->set("agent", e.event.agent);
    o->set("section", e.section);
    o->set("received_at", FormatTime(e.event.received_at));
    return o;
  }

  WebResponse ApiEvents(Ctx& ctx) {
    EventQuery q;
    std::string error;
    bool nothing = false;
    if (!EventQueryOf(ctx, &q, &error, &nothing)) return JsonError(400, "bad query", error);
    Poco::JSON::Array a;
    Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
    if (!nothing) {
      auto page = cs.SearchEvents(q);
      if (!page.ok()) return ServerError(&ctx, page.error());
      for (const auto& e : page.value().events) a.add(EventJson(e));
      if (page.value().next) out.set("next", KeyText(*page.value().next));
    }
    if (!out.has("next")) out.set("next", Poco::Dynamic::Var());
    out.set("events", a);
    return JsonReply(200, Json(out));
  }

  WebResponse EventsPage(Ctx& ctx) {
    EventQuery q;
    std::string error;
    bool nothing = false;
    mstch::array rows;
    std::string next_query;
    std::size_t count = 0;
    if (EventQueryOf(ctx, &q, &error, &nothing) && !nothing) {
      auto page = cs.SearchEvents(q);
      if (!page.ok()) return ServerError(&ctx, page.error());
      for (const auto& e : page.value().events) {
        const EventView v = ViewOf(e);
        rows.push_back(mstch::map{{"id_url", UrlEncode(v.id)},
                                  {"time", v.time},
                                  {"kind_class", v.kind},
                                  {"kind_label", KindLabel(v.kind)},
                                  {"section", v.section.empty() ? std::string("-") : v.section},
                                  {"agent", v.agent},
                                  {"user", v.user},
                                  {"subject", v.subject},
                                  {"recipients_text", RecipientsText(v)}});
      }
      count = page.value().events.size();
      if (page.value().next)
        next_query = QueryWithout(ctx.params, {"after"}, {{"after", KeyText(*page.value().next)}});
    }
    auto sections = cs.ListSections();
    if (!sections.ok()) return ServerError(&ctx, sections.error());
    mstch::array section_options;
    for (const auto& s : sections.value()) {
      if (!ctx.rights.all_sections && s.name != ctx.user->section) continue;
      section_options.push_back(
          mstch::map{{"name", s.name}, {"selected", ctx.params.Get("section") == s.name}});
    }
    mstch::array kinds;
    for (const auto& k : KnownKinds())
      kinds.push_back(mstch::map{
          {"code", k}, {"label", KindLabel(k)}, {"selected", ctx.params.Get("kind") == k}});
    const Params& p = ctx.params;
    const std::string count_text =
        count == 0 ? std::string("該当するイベントはありません。")
                   : std::to_string(count) + " 件を表示しています (新しい順)。" +
                         (ctx.rights.all_sections ? ""
                                                  : " あなたの所属 (" + ctx.user->section +
                                                        ") のイベントだけが表示されます。");
    return Page(&ctx, error.empty() ? 200 : 400, "イベント検索", "events", "events",
                mstch::map{{"q", mstch::map{{"from", p.Get("from")},
                                            {"to", p.Get("to")},
                                            {"from_era", EraOfDate(p.Get("from"))},
                                            {"to_era", EraOfDate(p.Get("to"))},
                                            {"agent", p.Get("agent")},
                                            {"user", p.Get("user")},
                                            {"domain", p.Get("domain")},
                                            {"subject", p.Get("subject")}}},
                           {"sections", section_options},
                           {"kinds", kinds},
                           {"error", error},
                           {"count_text", count_text},
                           {"has_events", !rows.empty()},
                           {"events", rows},
                           {"next_query", next_query},
                           {"page_size", std::to_string(kPageSize)},
                           {"csv_query", QueryWithout(ctx.params, {"after", "limit"})}});
  }

  WebResponse EventsCsv(Ctx& ctx) {
    EventQuery q;
    std::string error;
    bool nothing = false;
    if (!EventQueryOf(ctx, &q, &error, &nothing)) {
      return ctx.api ? JsonError(400, "bad query", error)
                     : Message(&ctx, 400, "書き出せません", error, "", "/events");
    }
    std::string csv =
        CsvRecord({"日時", "種別", "所属", "端末", "利用者", "送信者", "件名", "宛先", "庁外の宛先",
                   "添付ファイル", "検出", "理由", "判定", "イベントID"});
    q.limit = 1000;
    q.before.reset();
    constexpr std::size_t kMaxRows = 100000;
    std::size_t rows = 0;
    while (!nothing && rows < kMaxRows) {
      auto page = cs.SearchEvents(q);
      if (!page.ok()) return ServerError(&ctx, page.error());
      for (const auto& e : page.value().events) {
        const EventView v = ViewOf(e);
        std::string all, external, attachments, reasons;
        for (const auto& [addr, ext] : v.recipients) {
          all += (all.empty() ? "" : " ") + addr;
          if (ext) external += (external.empty() ? "" : " ") + addr;
        }
        for (const auto& a : v.attachments)
          attachments += (attachments.empty() ? "" : " / ") + a.name;
        for (const auto& r : v.reasons) reasons += (reasons.empty() ? "" : " / ") + ReasonLabel(r);
        csv += CsvRecord({v.time, KindLabel(v.kind), v.section, v.agent, v.user, v.sender,
                          v.subject, all, external, attachments, FindingsText(v.findings), reasons,
                          VerdictLabel(v.verdict), v.id});
        ++rows;
      }
      if (!page.value().next) break;
      q.before = page.value().next;
    }
    return CsvReply("events.csv", csv);
  }

  WebResponse EventDetail(Ctx& ctx, const std::string& id) {
    auto found = cs.GetEvent(id);
    if (!found.ok()) return ServerError(&ctx, found.error());
    // An event of a section the user may not see is "not found", not "forbidden": its
    // existence is not disclosed either.
    if (!found.value() || !MaySeeSection(*ctx.user, ctx.rights, found.value()->section))
      return NotFound(ctx);
    const ConsoleEvent& e = *found.value();
    if (ctx.api) return JsonReply(200, Json(*EventJson(e)));
    const EventView v = ViewOf(e);
    std::map<std::string, std::pair<bool, std::vector<std::string>>> by_domain;
    for (const auto& [addr, ext] : v.recipients) {
      auto& slot = by_domain[AddressDomain(addr).empty() ? "(不明)" : AddressDomain(addr)];
      slot.first = slot.first || ext;
      slot.second.push_back(addr);
    }
    mstch::array domains;
    for (const auto& [d, info] : by_domain) {
      std::string addresses;
      for (const auto& a : info.second) addresses += (addresses.empty() ? "" : ", ") + a;
      domains.push_back(mstch::map{{"domain", d},
                                   {"external", info.first},
                                   {"count", std::to_string(info.second.size())},
                                   {"addresses", addresses}});
    }
    mstch::array attachments, findings, samples, reasons;
    for (const auto& a : v.attachments)
      attachments.push_back(
          mstch::map{{"name", a.name},
                     {"class_label", ClassLabel(a.cls)},
                     {"findings_text", FindingsText(a.findings)},
                     {"checked_label", std::string(a.fully_checked ? "済" : "一部のみ")}});
    for (const auto& [k, n] : v.findings)
      findings.push_back(
          mstch::map{{"label", mailcheck::KindLabelJa(k)}, {"count", std::to_string(n)}});
    for (const auto& s : v.samples) samples.push_back(s);
    for (const auto& r : v.reasons)
      reasons.push_back(mstch::map{{"code", r}, {"label", ReasonLabel(r)}});
    return Page(&ctx, 200, "イベントの詳細", "events", "event",
                mstch::map{{"id", v.id},
                           {"time_ja", v.time_ja},
                           {"kind_class", v.kind},
                           {"kind_label", KindLabel(v.kind)},
                           {"verdict_label", VerdictLabel(v.verdict)},
                           {"section", v.section.empty() ? std::string("(なし)") : v.section},
                           {"agent", v.agent},
                           {"host", v.host},
                           {"user", v.user},
                           {"sender", v.sender.empty() ? std::string("-") : v.sender},
                           {"subject", v.subject},
                           {"reply", v.reply.empty() ? std::string("-") : v.reply},
                           {"policy_version", std::to_string(v.policy_version)},
                           {"has_reasons", !reasons.empty()},
                           {"reasons", reasons},
                           {"has_domains", !domains.empty()},
                           {"domains", domains},
                           {"recipients_total",
                            v.recipients_total > static_cast<std::int64_t>(v.recipients.size())
                                ? std::to_string(v.recipients_total)
                                : std::string()},
                           {"has_attachments", !attachments.empty()},
                           {"attachments", attachments},
                           {"has_findings", !findings.empty()},
                           {"findings", findings},
                           {"has_samples", !samples.empty()},
                           {"samples", samples}});
  }

  // ------------------------------------------------------------ near misses

  // Blocks (ヒヤリハット, DESIGN.md "From event to case") per section and desktop user and
  // week, over the sections the user may see.
  struct NearMisses {
    std::vector<Micros> weeks;  // Monday 00:00 of each week, oldest first
    std::map<std::pair<std::string, std::string>, std::vector<int>> counts;  // (section, user)
    bool truncated = false;
  };

  bool NearMissesOf(Ctx& ctx, NearMisses* out, std::string* error) {
    int weeks = 4;
    if (!ctx.params.Get("weeks").empty()) {
      try {
        weeks = std::clamp(std::stoi(ctx.params.Get("weeks")), 1, 26);
      } catch (const std::exception&) {
        *error = "週の数の指定が正しくありません。";
        return false;
      }
    }
    Micros anchor = NowMicros();
    if (!ctx.params.Get("to").empty()) {
      auto day = ParseLocalDate(ctx.params.Get("to"));
      if (!day) {
        *error = "終了日は YYYY-MM-DD (西暦) で入力してください。";
        return false;
      }
      anchor = *day;
    }
    constexpr Micros kDay = 24LL * 3600 * 1000000;
    const Micros last = WeekStart(anchor);
    for (int i = weeks - 1; i >= 0; --i)
      out->weeks.push_back(WeekStart(last - i * 7 * kDay + kDay / 2));
    // Counted by the database (the user read from each event's JSON there): a section's
    // near misses of eight weeks are thousands of events at a million stored.
    WeeklyCountQuery q;
    q.kinds = {"send_blocked", "print_blocked"};
    q.from = out->weeks.front();
    q.weeks = weeks;
    if (!ctx.rights.all_sections) q.section = ctx.user->section;
    auto counts = cs.CountEventsByUserAndWeek(q);
    if (!counts.ok()) {
      *error = counts.error();
      return false;
    }
    for (const UserWeeklyCount& c : counts.value()) {
      if (c.week < 0 || c.week >= weeks) continue;
      auto& row = out->counts[{c.section, c.user}];
      row.resize(out->weeks.size());
      row[c.week] += static_cast<int>(c.count);
    }
    return true;
  }

  WebResponse ApiNearMisses(Ctx& ctx) {
    NearMisses t;
    std::string error;
    if (!NearMissesOf(ctx, &t, &error)) return JsonError(400, "bad query", error);
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array weeks, rows;
    for (Micros w : t.weeks) weeks.add(LocalDate(w));
    for (const auto& [key, counts] : t.counts) {
      Poco::JSON::Object r(Poco::JSON_PRESERVE_KEY_ORDER);
      r.set("section", key.first);
      r.set("user", key.second);
      Poco::JSON::Array c;
      int total = 0;
      for (int n : counts) {
        c.add(n);
        total += n;
      }
      r.set("counts", c);
      r.set("total", total);
      rows.add(r);
    }
    o.set("weeks", weeks);
    o.set("rows", rows);
    o.set("truncated", t.truncated);
    return JsonReply(200, Json(o));
  }

  // The home page's table of near misses over the last four weeks.
  mstch::map NearMissView(Ctx& ctx) {
    NearMisses t;
    std::string error;
    if (!NearMissesOf(ctx, &t, &error)) return mstch::map{};
    mstch::array weeks, rows;
    for (Micros w : t.weeks) {
      const std::string d = LocalDate(w);  // YYYY-MM-DD
      weeks.push_back(std::to_string(std::atoi(d.substr(5, 2).c_str())) + "月" +
                      std::to_string(std::atoi(d.substr(8, 2).c_str())) + "日の週");
    }
    // The people with the most near misses first, at most kMaxRows of them.
    constexpr std::size_t kMaxRows = 30;
    std::vector<std::pair<
        int, const std::pair<const std::pair<std::string, std::string>, std::vector<int>>*>>
        ranked;
    for (const auto& entry : t.counts) {
      int total = 0;
      for (int n : entry.second) total += n;
      ranked.emplace_back(-total, &entry);
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    const bool cut = ranked.size() > kMaxRows;
    if (cut) ranked.resize(kMaxRows);
    for (const auto& [negative_total, entry] : ranked) {
      const auto& [key, counts] = *entry;
      mstch::array cells;
      int total = 0;
      for (int n : counts) {
        cells.push_back(std::to_string(n));
        total += n;
      }
      rows.push_back(mstch::map{{"section", key.first.empty() ? std::string("-") : key.first},
                                {"user", key.second.empty() ? std::string("(不明)") : key.second},
                                {"cells", cells},
                                {"total", std::to_string(total)}});
    }
    return mstch::map{{"weeks", weeks},
                      {"rows", rows},
                      {"has_rows", !rows.empty()},
                      {"truncated", t.truncated},
                      {"cut", cut}};
  }

  // ------------------------------------------------------------ agents

  WebResponse ApiAgents(Ctx& ctx) {
    auto agents = store.ListAgents();
    if (!agents.ok()) return ServerError(&ctx, agents.error());
    auto sections = cs.AgentSections();
    if (!sections.ok()) return ServerError(&ctx, sections.error());
    Poco::JSON::Array a;
    for (const AgentInfo& x : agents.value()) {
      Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("name", x.name);
      o.set("section", sections.value().count(x.name) ? sections.value().at(x.name) : "");
      o.set("enrolled_at", FormatTime(x.enrolled_at));
      if (x.last_seen)
        o.set("last_seen", FormatTime(x.last_seen));
      else
        o.set("last_seen", Poco::Dynamic::Var());
      o.set("agent_version", x.agent_version);
      o.set("policy_version", x.policy_version);
      o.set("outbox_backlog", x.outbox_backlog);
      o.set("revoked", x.revoked);
      a.add(o);
    }
    return JsonReply(200, "{\"agents\":" + Json(a) + "}");
  }

  WebResponse AgentsPage(Ctx& ctx, const std::string& error, const std::string& notice) {
    auto agents = store.ListAgents();
    if (!agents.ok()) return ServerError(&ctx, agents.error());
    auto agent_sections = cs.AgentSections();
    if (!agent_sections.ok()) return ServerError(&ctx, agent_sections.error());
    auto sections = cs.ListSections();
    if (!sections.ok()) return ServerError(&ctx, sections.error());
    std::int64_t latest = 0;
    if (auto l = store.LatestPolicy(); l.ok() && l.value()) latest = l.value()->version;
    const Micros now = NowMicros();
    mstch::array rows;
    for (const AgentInfo& x : agents.value()) {
      auto s = agent_sections.value().find(x.name);
      rows.push_back(mstch::map{
          {"name", x.name},
          {"section", s == agent_sections.value().end() ? std::string("-") : s->second},
          {"last_seen",
           x.last_seen ? LocalDateTime(x.last_seen) : std::string("まだ接続がありません")},
          {"stale", !x.revoked && x.last_seen != 0 && now - x.last_seen > 24LL * 3600 * 1000000},
          {"policy_version", x.last_seen ? std::to_string(x.policy_version) : std::string("-")},
          {"old_policy", !x.revoked && x.last_seen != 0 && x.policy_version < latest},
          {"backlog", std::to_string(x.outbox_backlog)},
          {"revoked", x.revoked},
          {"csrf", ctx.csrf}});
    }
    mstch::array section_options;
    for (const auto& s : sections.value()) section_options.push_back(mstch::map{{"name", s.name}});
    return Page(&ctx, error.empty() ? 200 : 400, "端末 (エージェント)", "agents", "agents",
                mstch::map{{"agents", rows},
                           {"agents_count", std::to_string(agents.value().size())},
                           {"latest_policy", std::to_string(latest)},
                           {"sections", section_options},
                           {"error", error},
                           {"notice", notice}});
  }

  WebResponse AgentError(Ctx& ctx, int status, const std::string& en, const std::string& ja) {
    return ctx.api ? JsonError(status, en, ja) : AgentsPage(ctx, ja, "");
  }

  WebResponse Enroll(Ctx& ctx) {
    const std::string name = Trim(ctx.params.Get("name"));
    const std::string section = ctx.params.Get("section");
    if (!ValidAgentName(name)) {
      return AgentError(ctx, 400, "name: 1-128 printable characters, no run of 10 digits",
                        "端末名は 1〜128 文字で、10 桁以上の数字の並びを含めないでください。");
    }
    if (!section.empty()) {
      auto exists = cs.SectionExists(section);
      if (!exists.ok()) return ServerError(&ctx, exists.error());
      if (!exists.value())
        return AgentError(ctx, 400, "no such section", "その所属は登録されていません。");
    }
    const std::string token = NewAgentToken();
    Status s = store.EnrollAgent(name, HashAgentToken(token), NowMicros());
    if (!s.ok()) {
      return AgentError(ctx, 409, s.message(),
                        "その名前の端末は登録済みです。新しいトークンは一覧の「新しいトークン」から"
                        "発行してください。");
    }
    if (!section.empty()) {
      Status set = cs.SetAgentSection(name, section);
      if (!set.ok()) return ServerError(&ctx, set.message());
    }
    return TokenReply(ctx, name, token, 201);
  }

  WebResponse TokenReply(Ctx& ctx, const std::string& name, const std::string& token, int status) {
    if (ctx.api) {
      Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("name", name);
      o.set("token", token);
      return JsonReply(status, Json(o));
    }
    return Page(&ctx, 200, "トークンを発行しました", "agents", "agent_token",
                mstch::map{{"name", name}, {"token", token}});
  }

  WebResponse Revoke(Ctx& ctx, const std::string& name) {
    Status s = store.RevokeAgent(name);
    if (!s.ok()) return AgentError(ctx, 404, s.message(), "その端末は登録されていません。");
    if (ctx.api) return JsonReply(200, "{\"revoked\":true}");
    return AgentsPage(
        ctx, "",
        "端末「" + name + "」を無効にしました。この端末からの接続は 10 秒以内に拒否されます。");
  }

  WebResponse NewToken(Ctx& ctx, const std::string& name) {
    const std::string token = NewAgentToken();
    Status s = store.ReplaceAgentToken(name, HashAgentToken(token));
    if (!s.ok()) return AgentError(ctx, 404, s.message(), "その端末は登録されていません。");
    return TokenReply(ctx, name, token, 200);
  }

  // ------------------------------------------------------------ policy

  std::optional<PolicyVersion> Current(Ctx& ctx, std::string* error) {
    auto history = cs.PolicyHistory();
    if (!history.ok()) {
      *error = history.error();
      return std::nullopt;
    }
    (void)ctx;
    if (history.value().empty()) return std::nullopt;
    return history.value().front();
  }

  std::string ByWhom(const PolicyVersion& p) {
    return p.published_by.empty() ? std::string("コマンド (CLI)") : p.published_by;
  }

  WebResponse ApiPolicy(Ctx& ctx) {
    std::string error;
    auto current = Current(ctx, &error);
    if (!error.empty()) return ServerError(&ctx, error);
    if (!current)
      return JsonError(404, "no policy has been published yet", "ポリシーはまだ配布されていません");
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("version", current->version);
    o.set("published_at", FormatTime(current->published_at));
    o.set("published_by", current->published_by);
    o.set("text", current->text);
    return JsonReply(200, Json(o));
  }

  WebResponse PolicyPage(Ctx& ctx, const std::string& error, const std::string& notice,
                         const std::string& text) {
    std::string db_error;
    auto current = Current(ctx, &db_error);
    if (!db_error.empty()) return ServerError(&ctx, db_error);
    mstch::map view{{"error", error}, {"notice", notice}};
    if (current) {
      view.emplace("current", mstch::map{{"version", std::to_string(current->version)},
                                         {"published_at", LocalDateTime(current->published_at)},
                                         {"published_by", ByWhom(*current)}});
    }
    view.emplace("text", !text.empty() ? text
                         : current     ? current->text
                                       : std::string(mailcheck::DefaultPolicyJson()));
    return Page(&ctx, error.empty() ? 200 : 400, "ポリシー", "policy", "policy", view);
  }

  struct Problem {
    std::string key, message, message_ja;
  };

  std::vector<Problem> Problems(const std::string& text) {
    std::vector<Problem> out;
    auto parsed = mailcheck::ParsePolicy(text);
    if (parsed.ok()) return out;
    for (const std::string& line : Lines(parsed.error())) {
      if (line.empty()) continue;
      const std::size_t colon = line.find(": ");
      Problem p;
      p.key = colon == std::string::npos ? "policy" : line.substr(0, colon);
      p.message = colon == std::string::npos ? line : line.substr(colon + 2);
      p.message_ja = PolicyProblemJa(p.message);
      out.push_back(p);
    }
    return out;
  }

  WebResponse CheckPolicy(Ctx& ctx) {
    const std::string text = ctx.params.Get("text");
    const std::vector<Problem> problems = Problems(text);
    std::string db_error;
    auto current = Current(ctx, &db_error);
    if (!db_error.empty()) return ServerError(&ctx, db_error);
    const std::vector<DiffLine> diff = LineDiff(current ? current->text : "", text);
    bool changed = false;
    for (const auto& d : diff) changed = changed || d.op != ' ';
    if (ctx.api) {
      Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("valid", problems.empty());
      Poco::JSON::Array ps, ds;
      for (const auto& p : problems) {
        Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
        x.set("key", p.key);
        x.set("message", p.message);
        x.set("message_ja", p.message_ja);
        ps.add(x);
      }
      for (const auto& d : diff) ds.add(std::string(1, d.op) + d.text);
      o.set("problems", ps);
      o.set("current_version", current ? current->version : 0);
      o.set("diff", ds);
      return JsonReply(200, Json(o));
    }
    mstch::array ps, ds;
    for (const auto& p : problems)
      ps.push_back(
          mstch::map{{"key", p.key}, {"message", p.message}, {"message_ja", p.message_ja}});
    for (const auto& d : diff)
      ds.push_back(mstch::map{{"op", std::string(d.op == '+'   ? "add"
                                                 : d.op == '-' ? "del"
                                                               : "same")},
                              {"sign", std::string(1, d.op)},
                              {"line", d.text}});
    return Page(&ctx, problems.empty() ? 200 : 400, "ポリシーの検証と差分", "policy",
                "policy_check",
                mstch::map{{"has_problems", !problems.empty()},
                           {"problems", ps},
                           {"current_version", std::to_string(current ? current->version : 0)},
                           {"has_changes", changed},
                           {"diff", ds},
                           {"text", text}});
  }

  WebResponse PublishText(Ctx& ctx, const std::string& text, const std::string& what) {
    const std::vector<Problem> problems = Problems(text);
    if (!problems.empty()) {
      std::string ja = "ポリシーに誤りがあるため配布しませんでした:";
      for (const auto& p : problems) ja += " " + p.key + " — " + p.message_ja;
      return ctx.api ? JsonError(400, "the policy does not validate", ja)
                     : PolicyPage(ctx, ja, "", text);
    }
    auto version = PublishPolicyText(store, signer, text, NowMicros());
    if (!version.ok()) {
      return ctx.api
                 ? JsonError(409, version.error(), "ポリシーを配布できませんでした")
                 : PolicyPage(ctx, "ポリシーを配布できませんでした: " + version.error(), "", text);
    }
    Status s = cs.RecordPolicyAuthor(version.value(), ctx.user->login);
    if (!s.ok()) std::fprintf(stderr, "sendguard-central: %s\n", s.message().c_str());
    store.RecordAccess(AccessRecord{NowMicros(), Who(*ctx.user),
                                    what + " -> policy version " + std::to_string(version.value()),
                                    200, ctx.req.peer});
    if (ctx.api) {
      return JsonReply(200, "{\"version\":" + std::to_string(version.value()) + "}");
    }
    return PolicyPage(ctx, "",
                      "ポリシーの版 " + std::to_string(version.value()) +
                          " を配布しました。各端末は次の確認 (既定で 5 分ごと) で取り込みます。",
                      "");
  }

  WebResponse Publish(Ctx& ctx) {
    return PublishText(ctx, ctx.params.Get("text"), "policy publish");
  }

  WebResponse Rollback(Ctx& ctx) {
    std::int64_t wanted = 0;
    try {
      wanted = std::stoll(ctx.params.Get("version"));
    } catch (const std::exception&) {
      return ctx.api ? JsonError(400, "version must be a number", "版の番号を指定してください")
                     : PolicyPage(ctx, "版の番号を指定してください。", "", "");
    }
    auto history = cs.PolicyHistory();
    if (!history.ok()) return ServerError(&ctx, history.error());
    for (const auto& p : history.value()) {
      if (p.version == wanted)
        return PublishText(ctx, p.text, "policy rollback to " + std::to_string(wanted));
    }
    return ctx.api ? JsonError(404, "no such version", "その版はありません")
                   : PolicyPage(ctx, "その版はありません。", "", "");
  }

  WebResponse PolicyHistory(Ctx& ctx) {
    auto history = cs.PolicyHistory();
    if (!history.ok()) return ServerError(&ctx, history.error());
    if (ctx.api) {
      Poco::JSON::Array a;
      for (const auto& p : history.value()) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("version", p.version);
        o.set("published_at", FormatTime(p.published_at));
        o.set("published_by", p.published_by);
        a.add(o);
      }
      return JsonReply(200, "{\"versions\":" + Json(a) + "}");
    }
    mstch::array rows;
    bool first = true;
    for (const auto& p : history.value()) {
      rows.push_back(mstch::map{{"version", std::to_string(p.version)},
                                {"published_at", LocalDateTime(p.published_at)},
                                {"published_by", ByWhom(p)},
                                {"current", first},
                                {"csrf", ctx.csrf}});
      first = false;
    }
    return Page(&ctx, 200, "ポリシーの配布履歴", "policy", "policy_history",
                mstch::map{{"versions", rows}, {"error", std::string()}});
  }

  // ------------------------------------------------------------ access records

  bool AccessQueryOf(Ctx& ctx, AccessQuery* q, std::string* error) {
    const Params& p = ctx.params;
    const Micros now = NowMicros();
    q->from = now - 7LL * 24 * 3600 * 1000000;
    q->to = now + 60LL * 1000000;
    if (!p.Get("from").empty()) {
      auto t = ParseLocalDate(p.Get("from"));
      if (!t) t = ParseTime(p.Get("from"));
      if (!t) {
        *error = "開始日は YYYY-MM-DD (西暦) で入力してください。";
        return false;
      }
      q->from = *t;
    }
    if (!p.Get("to").empty()) {
      auto t = ParseLocalDate(p.Get("to"));
      if (t) {
        *t += 24LL * 3600 * 1000000;
      } else {
        t = ParseTime(p.Get("to"));
      }
      if (!t) {
        *error = "終了日は YYYY-MM-DD (西暦) で入力してください。";
        return false;
      }
      q->to = *t;
    }
    q->who_contains = p.Get("who");
    q->action_contains = p.Get("action");
    return true;
  }

  WebResponse Access(Ctx& ctx) {
    AccessQuery q;
    std::string error;
    std::vector<AccessRecord> records;
    const bool ok = AccessQueryOf(ctx, &q, &error);
    if (ok) {
      auto r = cs.SearchAccess(q);
      if (!r.ok()) return ServerError(&ctx, r.error());
      records = r.value();
    }
    if (ctx.api) {
      if (!ok) return JsonError(400, "bad query", error);
      Poco::JSON::Array a;
      for (const auto& r : records) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("time", FormatTime(r.time));
        o.set("who", r.who);
        o.set("action", r.action);
        o.set("result", r.result);
        o.set("peer", r.peer);
        a.add(o);
      }
      return JsonReply(200, "{\"records\":" + Json(a) + "}");
    }
    mstch::array rows, alerts;
    for (const auto& r : records)
      rows.push_back(mstch::map{{"time", LocalDateTime(r.time)},
                                {"who", r.who},
                                {"action", r.action},
                                {"result", std::to_string(r.result)},
                                {"peer", r.peer}});
    auto recent = cs.ListAlerts(NowMicros() - 7LL * 24 * 3600 * 1000000);
    if (recent.ok()) {
      for (const auto& a : recent.value()) {
        alerts.push_back(mstch::map{
            {"time", LocalDateTime(a.time)},
            {"text",
             "ログイン名「" + a.login +
                 "」: 15 分間に 5 回ログインに失敗したため、15 分間ロックしました (接続元 " +
                 a.detail + ")"}});
      }
    }
    const Params& p = ctx.params;
    return Page(&ctx, ok ? 200 : 400, "アクセス記録", "access", "access",
                mstch::map{{"q", mstch::map{{"from", p.Get("from")},
                                            {"to", p.Get("to")},
                                            {"from_era", EraOfDate(p.Get("from"))},
                                            {"to_era", EraOfDate(p.Get("to"))},
                                            {"who", p.Get("who")},
                                            {"action", p.Get("action")}}},
                           {"error", error},
                           {"records", rows},
                           {"count", std::to_string(records.size())},
                           {"limit", std::to_string(q.limit)},
                           {"has_alerts", !alerts.empty()},
                           {"alerts", alerts},
                           {"csv_query", QueryWithout(ctx.params, {})}});
  }

  WebResponse AccessCsv(Ctx& ctx) {
    AccessQuery q;
    std::string error;
    if (!AccessQueryOf(ctx, &q, &error)) {
      return ctx.api ? JsonError(400, "bad query", error)
                     : Message(&ctx, 400, "書き出せません", error, "", "/access");
    }
    q.limit = 1000000;
    auto r = cs.SearchAccess(q);
    if (!r.ok()) return ServerError(&ctx, r.error());
    return CsvReply("access.csv", AccessRecordsCsv(r.value()));
  }

  WebResponse Alerts(Ctx& ctx) {
    auto recent = cs.ListAlerts(0);
    if (!recent.ok()) return ServerError(&ctx, recent.error());
    Poco::JSON::Array a;
    for (const auto& x : recent.value()) {
      Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("time", FormatTime(x.time));
      o.set("kind", x.kind);
      o.set("login", x.login);
      o.set("detail", x.detail);
      a.add(o);
    }
    return JsonReply(200, "{\"alerts\":" + Json(a) + "}");
  }
};

Console::Console(ConsoleConfig config, Store& store, ConsoleStore& console_store,
                 const PolicySigner& signer)
    : impl_(std::make_unique<Impl>(config, store, console_store, signer)) {}

Console::~Console() = default;

WebResponse Console::Handle(const WebRequest& request) { return impl_->Handle(request); }

}  // namespace central::console
