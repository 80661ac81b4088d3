// The incident forms: the registry table of the towns' 様式, and their rendering as A4
// pages with libmstch (every {{value}} HTML-escaped; only the compiled-in style sheet is
// inserted unescaped).
#include "central/incident_forms.h"

#include <cstdio>
#include <mstch/mstch.hpp>
#include <set>

#include "central/console/console_time.h"
#include "central/time_format.h"

namespace central {
namespace {

// ------------------------------------------------------------------ the registry

FormFieldSpec Text(std::string key, std::string label) {
  FormFieldSpec f;
  f.key = std::move(key);
  f.label_ja = std::move(label);
  return f;
}

FormFieldSpec Lines(std::string key, std::string label, int lines) {
  FormFieldSpec f = Text(std::move(key), std::move(label));
  f.kind = FormFieldKind::kMultiline;
  f.min_lines = lines;
  return f;
}

FormFieldSpec Date(std::string key, std::string label) {
  FormFieldSpec f = Text(std::move(key), std::move(label));
  f.kind = FormFieldKind::kDate;
  return f;
}

FormFieldSpec DateTime(std::string key, std::string label) {
  FormFieldSpec f = Text(std::move(key), std::move(label));
  f.kind = FormFieldKind::kDateTime;
  return f;
}

FormFieldSpec Choice(std::string key, std::string label, std::vector<std::string> options) {
  FormFieldSpec f = Text(std::move(key), std::move(label));
  f.options = std::move(options);
  return f;
}

FormFieldSpec Formatted(std::string key, std::string label, std::string format) {
  FormFieldSpec f = Text(std::move(key), std::move(label));
  f.format = std::move(format);
  return f;
}

// The heading every form has: date line, 宛先, 報告者.
std::vector<FormFieldSpec> Heading(std::vector<FormFieldSpec> rows) {
  std::vector<FormFieldSpec> all = {Date("reported_on", "報告日"), Text("addressee", "宛先"),
                                    Text("reporter_section", "所属"),
                                    Text("reporter_title", "職名"), Text("reporter_name", "氏名")};
  all.insert(all.end(), rows.begin(), rows.end());
  return all;
}

const std::vector<std::string> kLeakKinds = {"漏えい", "滅失", "毀損", "不正利用", "そのおそれ"};
const std::vector<std::string> kMisatoStamps = {"総括責任者", "保護責任者", "管理者"};
const std::vector<std::string> kMedia = {"電子メール", "FAX",         "郵送物",
                                         "紙の書類",   "USBメモリ等", "情報システム"};

// One form of the table below.
FormSpec Form(std::string id, std::string number, std::string title, std::string town,
              std::string addressee, std::string lead, std::vector<std::string> stamps,
              std::vector<FormFieldSpec> fields, bool repeated_entries = false) {
  FormSpec f;
  f.id = std::move(id);
  f.number = std::move(number);
  f.title = std::move(title);
  f.town = std::move(town);
  f.addressee = std::move(addressee);
  f.lead = std::move(lead);
  f.stamps = std::move(stamps);
  f.fields = std::move(fields);
  f.repeated_entries = repeated_entries;
  return f;
}

std::vector<FormSpec> BuildSpecs() {
  return {
      Form("misato-1", "様式第1号", "個人情報事故報告書（第1報）", "会津美里町",
           "個人情報保護責任者", "個人情報に係る事故が発生したので、次のとおり報告します。",
           kMisatoStamps,
           Heading({
               Text("incident_title", "事案の名称"),
               DateTime("occurred_at", "発生日時"),
               DateTime("discovered_at", "発覚日時"),
               Text("place", "発生場所"),
               Choice("incident_kind", "事故の区分", kLeakKinds),
               Choice("medium", "媒体・経路", kMedia),
               Lines("summary", "事故の概要", 5),
               Lines("info_items", "漏えい等した個人情報の項目", 2),
               Text("persons", "本人の数"),
               Lines("discovery", "発覚の経緯", 2),
               Lines("cause", "発生原因", 2),
               Lines("response", "応急措置・これまでの対応", 3),
               Lines("secondary_damage", "二次被害の有無及びその内容", 2),
               Text("handler_name", "担当者"),
               Text("handler_phone", "連絡先（内線）"),
               Lines("remarks", "備考", 1),
           })),
      Form("misato-2", "様式第2号", "個人情報事故報告書（続報）", "会津美里町",
           "個人情報保護責任者", "個人情報に係る事故について、その後の経過を次のとおり報告します。",
           kMisatoStamps,
           Heading({
               Formatted("report_number", "報告の回数", "第{}報"),
               Text("incident_title", "事案の名称"),
               Date("first_report_on", "第1報の報告日"),
               Lines("progress", "経過及び新たに判明した事実", 8),
               Lines("victim_response", "被害者への対応", 4),
               Lines("agencies", "関係機関への連絡", 3),
               Lines("publication", "公表の有無（公表しない場合はその理由）", 3),
               Lines("next_steps", "今後の対応", 4),
               Lines("remarks", "備考", 1),
           }),
           true),
      Form("misato-3", "様式第3号（第22条関係）", "本人情報の不正開示等報告書", "会津美里町",
           "個人情報保護責任者", "本人情報の不正な開示等について、次のとおり報告します。",
           kMisatoStamps,
           Heading({
               Text("subject_name", "本人の氏名"),
               Text("subject_address", "本人の住所"),
               Date("request_on", "本人からの申出日"),
               DateTime("occurred_at", "不正開示等の日時"),
               Text("disclosed_to", "開示等の相手方"),
               Text("disclosed_by", "開示等を行った者"),
               Lines("info_items", "開示等された本人情報の項目", 3),
               Lines("summary", "不正開示等の内容", 5),
               Lines("discovery", "発覚の経緯", 4),
               Lines("response", "これまでの対応", 5),
               Lines("remarks", "備考", 2),
           })),
      Form("misato-4", "様式第4号（第22条関係）", "本人情報の不正開示等に係る措置報告書",
           "会津美里町", "個人情報保護総括責任者",
           "本人情報の不正な開示等について、講じた措置を次のとおり報告します。", kMisatoStamps,
           Heading({
               Text("subject_name", "本人の氏名"),
               Date("first_report_on", "様式第3号による報告日"),
               Lines("summary", "事案の概要", 5),
               Lines("cause", "原因", 4),
               Lines("measures", "講じた措置", 6),
               Lines("victim_response", "本人への説明及び対応", 4),
               Lines("prevention", "再発防止策", 4),
               Lines("remarks", "備考", 2),
           })),
      Form("honjo-28", "様式第28号", "事故報告書", "本庄市", "本庄市長",
           "次のとおり事故が発生したので報告します。", {"市長", "副市長", "保護管理者"},
           Heading({
               Text("incident_title", "件名"),
               DateTime("occurred_at", "発生日時"),
               Text("place", "発生場所"),
               Choice("incident_kind", "事故の種類", kLeakKinds),
               Lines("summary", "事故の内容", 6),
               Lines("info_items", "対象となった個人情報", 2),
               Text("persons", "対象者数"),
               Lines("cause", "事故の原因", 3),
               Lines("response", "事故後の対応状況", 3),
               Lines("victim_response", "被害者への対応", 2),
               Lines("prevention", "再発防止策", 4),
               Lines("remarks", "備考", 2),
           })),
      Form("honjo-1", "様式第1号", "事故等発生報告書", "本庄市", "本庄市最高情報セキュリティ責任者",
           "情報資産に係る事故等が発生したので、次のとおり報告します。",
           {"副市長", "保護管理者", "受付"},
           Heading({
               DateTime("discovered_at", "発見日時"),
               DateTime("occurred_at", "発生日時"),
               Text("place", "発生場所"),
               Choice("incident_kind", "事故等の種類",
                      {"漏えい", "滅失", "毀損", "紛失・盗難", "誤送付・誤送信", "不正アクセス"}),
               Choice("medium", "情報の媒体", kMedia),
               Lines("summary", "事故等の概要", 6),
               Lines("info_items", "関係する情報（個人情報の項目）", 2),
               Text("persons", "影響を受ける人数"),
               Lines("response", "初動対応", 4),
               Lines("secondary_damage", "影響範囲・二次被害", 2),
               Text("handler_name", "連絡担当者"),
               Text("handler_phone", "連絡先（内線）"),
               Lines("remarks", "備考", 2),
           })),
  };
}

// ------------------------------------------------------------------ values as printed

constexpr char kBlank[] = "　　";  // two ideographic spaces: room to write a number by hand

// Digits of a local "YYYY-MM-DD[ T]HH:MM" prefix; false when the text is not such.
bool LocalParts(const std::string& s, bool want_time, int* y, int* mo, int* d, int* h, int* mi) {
  auto num = [&](std::size_t at, std::size_t n, int* out) {
    if (s.size() < at + n) return false;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  if (!num(0, 4, y) || s.size() < 10 || s[4] != '-' || s[7] != '-' || !num(5, 2, mo) ||
      !num(8, 2, d) || *mo < 1 || *mo > 12 || *d < 1 || *d > 31)
    return false;
  if (!want_time) return true;
  return s.size() >= 16 && (s[10] == 'T' || s[10] == ' ') && s[13] == ':' && num(11, 2, h) &&
         num(14, 2, mi) && *h < 24 && *mi < 60;
}

// A value of a date field as printed: 令和8年12月2日 (with 14時05分 for a date-time). Text
// with a zone (RFC 3339) is shown in the console's time zone; text without one as
// written; anything else unchanged.
std::string JapaneseDate(const std::string& value, bool with_time) {
  std::string local = value;
  if (auto t = ParseTime(value)) local = console::LocalDateTime(*t);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  if (!LocalParts(local, with_time, &y, &mo, &d, &h, &mi)) {
    if (!with_time || !LocalParts(local, false, &y, &mo, &d, &h, &mi)) return value;
    with_time = false;  // a date-time field given only a date
  }
  const std::string era = console::EraDate(y, mo, d);
  if (era.empty()) return value;
  char buf[96];
  if (with_time)
    std::snprintf(buf, sizeof buf, "%s%d月%d日 %d時%02d分", era.c_str(), mo, d, h, mi);
  else
    std::snprintf(buf, sizeof buf, "%s%d月%d日", era.c_str(), mo, d);
  return buf;
}

std::string BlankDate(bool with_time) {
  std::string s = std::string("令和") + kBlank + "年" + kBlank + "月" + kBlank + "日";
  if (with_time) s += std::string(" ") + kBlank + "時" + kBlank + "分";
  return s;
}

std::string Trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The chosen options of a choice value: separated by "," "、" or newlines.
std::set<std::string> Chosen(const std::string& value) {
  std::set<std::string> out;
  std::string v = value;
  for (const std::string sep : {"、", "，", "\n"}) {
    for (std::size_t at; (at = v.find(sep)) != std::string::npos;) v.replace(at, sep.size(), ",");
  }
  std::size_t start = 0;
  while (start <= v.size()) {
    const std::size_t comma = v.find(',', start);
    const std::string part =
        Trimmed(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!part.empty()) out.insert(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

mstch::map RowView(const FormFieldSpec& f, const std::string& raw) {
  const std::string value = Trimmed(raw);
  mstch::map row{{"label", f.label_ja}, {"key", f.key}, {"blank", value.empty()}};
  std::string cls = "row-" + f.key;
  if (!f.options.empty()) {
    std::set<std::string> chosen = Chosen(value);
    mstch::array choices;
    for (const std::string& o : f.options) {
      const bool on = chosen.erase(o) > 0;
      choices.push_back(mstch::map{{"mark", std::string(on ? "■" : "□")}, {"text", o}});
    }
    std::string other;
    for (const std::string& c : chosen) other += (other.empty() ? "" : "、") + c;
    choices.push_back(mstch::map{{"mark", std::string(other.empty() ? "□" : "■")},
                                 {"text", std::string("その他")},
                                 {"other", other.empty() ? std::string("　　　　　　") : other}});
    row.emplace("choices", choices);
    cls += " choice";
  } else if (f.kind == FormFieldKind::kDate || f.kind == FormFieldKind::kDateTime) {
    const bool with_time = f.kind == FormFieldKind::kDateTime;
    row.emplace("text", value.empty() ? BlankDate(with_time) : JapaneseDate(value, with_time));
    if (value.empty()) cls += " hand";
  } else if (!f.format.empty()) {
    const std::size_t at = f.format.find("{}");
    std::string text = f.format;
    if (at != std::string::npos) text.replace(at, 2, value.empty() ? kBlank : value);
    row.emplace("text", text);
  } else {
    row.emplace("text", value);
  }
  if (f.kind == FormFieldKind::kMultiline) {
    const int lines = f.min_lines < 1 ? 1 : (f.min_lines > 8 ? 8 : f.min_lines);
    cls += " tall lines-" + std::to_string(lines);
  }
  row.emplace("class", cls);
  return row;
}

// ------------------------------------------------------------------ page and style

const char kPage[] = R"HTML(<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>{{number}} {{title}}{{#case_id}} — {{case_id}}{{/case_id}}</title>
{{#standalone}}<style>
{{{css}}}</style>{{/standalone}}{{^standalone}}<link rel="stylesheet" href="{{{css_href}}}">{{/standalone}}
</head>
<body class="incident-form">
{{#sheets}}
<section class="sheet" data-form="{{id}}">
<div class="sheet-head">
  <p class="form-number">{{number}}</p>
  <p class="date-line{{#date_blank}} hand{{/date_blank}}">{{date}}</p>
</div>
<div class="parties">
<div class="to">
<p class="addressee">{{addressee}}　様</p>
{{#has_stamps}}<table class="stamps"><tr>{{#stamps}}<th>{{.}}</th>{{/stamps}}</tr><tr>{{#stamps}}<td></td>{{/stamps}}</tr></table>{{/has_stamps}}
</div>
<table class="reporter">
  <tr><th rowspan="3" class="who">報告者</th><th>所属</th><td>{{reporter_section}}</td></tr>
  <tr><th>職名</th><td>{{reporter_title}}</td></tr>
  <tr><th>氏名</th><td>{{reporter_name}}</td></tr>
</table>
</div>
<h1 class="form-title">{{title}}</h1>
<p class="lead">{{lead}}</p>
<table class="items">
<colgroup><col class="label-col"><col></colgroup>
{{#rows}}
<tr class="{{class}}"><th scope="row">{{label}}</th><td>{{#choices}}<span class="choice-item">{{mark}}{{text}}{{#other}}（{{other}}）{{/other}}</span>{{/choices}}{{text}}</td></tr>
{{/rows}}
</table>
<p class="sheet-foot">{{town}}{{#case_id}}　事案番号 {{case_id}}{{/case_id}}{{#page}}　{{page}}{{/page}}</p>
</section>
{{/sheets}}
</body>
</html>
)HTML";

const char kStyle[] = R"CSS(@page { size: A4 portrait; margin: 12mm 15mm 10mm 20mm; }
* { box-sizing: border-box; }
html { background: #fff; color: #000; }
body.incident-form {
  margin: 0;
  font-family: "Noto Serif CJK JP", "IPAexMincho", "IPAMincho", "Noto Sans CJK JP", "IPAGothic", serif;
  font-size: 10.5pt; line-height: 1.45;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
.sheet { width: 175mm; margin: 0 auto; padding: 0; break-after: page; page-break-after: always; }
.sheet:last-child { break-after: auto; page-break-after: auto; }
@media screen {
  html { background: #e8e8e8; }
  .sheet { background: #fff; width: 210mm; min-height: 297mm; padding: 12mm 15mm 10mm 20mm;
           margin: 8mm auto; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.3); }
}
.sheet-head { display: flex; justify-content: space-between; align-items: baseline; }
.form-number { margin: 0; font-size: 10.5pt; }
.date-line { margin: 0; text-align: right; letter-spacing: 0.05em; }
.parties { display: flex; justify-content: space-between; align-items: flex-end; margin-top: 4mm; }
.addressee { margin: 0 0 3mm; font-size: 11.5pt; }
table { border-collapse: collapse; }
.stamps { font-size: 8pt; }
.stamps th, .stamps td { border: 0.3mm solid #000; width: 17mm; text-align: center; }
.stamps th { font-weight: normal; padding: 0.5mm 0; white-space: nowrap; }
.stamps td { height: 14mm; }
.reporter { width: 88mm; font-size: 10pt; }
.reporter th, .reporter td { border: 0.3mm solid #000; padding: 0.8mm 2mm; height: 7mm; }
.reporter th { font-weight: normal; width: 15mm; text-align: center; white-space: nowrap; }
.reporter th.who { width: 8mm; writing-mode: vertical-rl; letter-spacing: 0.3em; padding: 1mm 0; }
.form-title { margin: 5mm 0 1.5mm; font-size: 17pt; font-weight: bold; text-align: center;
              letter-spacing: 0.25em; padding-left: 0.25em; /* centred despite the last gap */ }
.lead { margin: 2mm 0 3mm; }
.items { width: 100%; table-layout: fixed; border: 0.5mm solid #000; }
.items .label-col { width: 40mm; }
.items th, .items td { border: 0.3mm solid #000; vertical-align: middle; padding: 1mm 2.2mm;
                       height: 8mm; overflow-wrap: anywhere; }
.items th { font-weight: normal; text-align: left; background: #f2f2f2; font-size: 10pt;
            line-height: 1.3; }
.items td { white-space: pre-wrap; }
.items tr.tall td { vertical-align: top; }
.items tr.lines-1 td { height: 8.5mm; }
.items tr.lines-2 td { height: 13.7mm; }
.items tr.lines-3 td { height: 18.9mm; }
.items tr.lines-4 td { height: 24.1mm; }
.items tr.lines-5 td { height: 29.3mm; }
.items tr.lines-6 td { height: 34.5mm; }
.items tr.lines-7 td { height: 39.7mm; }
.items tr.lines-8 td { height: 44.9mm; }
.items tr.choice td { white-space: normal; }
.choice-item { display: inline-block; margin-right: 3.5mm; white-space: nowrap; }
.hand { color: #000; letter-spacing: 0.05em; }
.sheet-foot { margin: 2mm 0 0; font-size: 8pt; color: #333; text-align: right; }
)CSS";

std::string Value(const std::map<std::string, std::string>* entry,
                  const std::map<std::string, std::string>& fields, const std::string& key) {
  if (entry) {
    auto it = entry->find(key);
    if (it != entry->end() && !Trimmed(it->second).empty()) return it->second;
  }
  auto it = fields.find(key);
  return it == fields.end() ? "" : it->second;
}

mstch::array Strings(const std::vector<std::string>& v) {
  mstch::array out;
  for (const std::string& s : v) out.push_back(s);
  return out;
}

bool IsHeadingKey(const std::string& key) {
  return key == "reported_on" || key == "addressee" || key.rfind("reporter_", 0) == 0;
}

mstch::map SheetView(const FormSpec& spec, const IncidentFormData& data,
                     const std::map<std::string, std::string>* entry, const std::string& page) {
  auto value = [&](const std::string& key) { return Trimmed(Value(entry, data.fields, key)); };
  const std::string reported_on = value("reported_on");
  const std::string addressee = value("addressee");
  mstch::array rows;
  for (const FormFieldSpec& f : spec.fields)
    if (!IsHeadingKey(f.key)) rows.push_back(RowView(f, value(f.key)));
  return mstch::map{
      {"id", spec.id},
      {"number", spec.number},
      {"title", spec.title},
      {"lead", spec.lead},
      {"date", reported_on.empty() ? BlankDate(false) : JapaneseDate(reported_on, false)},
      {"date_blank", reported_on.empty()},
      {"addressee", addressee.empty() ? spec.addressee : addressee},
      {"reporter_section", value("reporter_section")},
      {"reporter_title", value("reporter_title")},
      {"reporter_name", value("reporter_name")},
      {"rows", rows},
      {"stamps", Strings(spec.stamps)},
      {"has_stamps", !spec.stamps.empty()},
      {"town", data.town_name.empty() ? spec.town : data.town_name},
      {"case_id", data.case_id},
      {"page", page},
  };
}

}  // namespace

const std::vector<FormSpec>& IncidentFormSpecs() {
  static const std::vector<FormSpec> kSpecs = BuildSpecs();
  return kSpecs;
}

const FormSpec* FindIncidentForm(const std::string& form_id) {
  for (const FormSpec& s : IncidentFormSpecs())
    if (s.id == form_id) return &s;
  return nullptr;
}

const std::string& IncidentFormStyleSheet() {
  static const std::string kSheet = kStyle;
  return kSheet;
}

Result<std::string> RenderIncidentForm(const std::string& form_id, const IncidentFormData& data,
                                       const FormRenderOptions& options) {
  const FormSpec* spec = FindIncidentForm(form_id);
  if (!spec) {
    std::string ids;
    for (const FormSpec& s : IncidentFormSpecs()) ids += (ids.empty() ? "" : ", ") + s.id;
    return Result<std::string>::Error("様式が見つかりません: '" + form_id + "' (" + ids +
                                      " のいずれかを指定してください) / unknown form id '" +
                                      form_id + "'");
  }
  mstch::array sheets;
  if (spec->repeated_entries && !data.entries.empty()) {
    const std::size_t n = data.entries.size();
    for (std::size_t i = 0; i < n; ++i) {
      const std::string page = n > 1 ? std::to_string(i + 1) + "/" + std::to_string(n) : "";
      sheets.push_back(SheetView(*spec, data, &data.entries[i], page));
    }
  } else {
    sheets.push_back(SheetView(*spec, data, nullptr, ""));
  }
  mstch::map view{{"number", spec->number},
                  {"title", spec->title},
                  {"case_id", data.case_id},
                  {"standalone", options.standalone},
                  {"css", IncidentFormStyleSheet()},
                  {"css_href", std::string(kIncidentFormStyleSheetPath)},
                  {"sheets", sheets}};
  return mstch::render(kPage, view);
}

}  // namespace central
