// The printable incident forms (様式) of the towns' ordinances (DESIGN.md "Incidents,
// following the ordinances"; docs/INCIDENT_FORMS.md): one registry table of forms, each a
// list of fields with stable ASCII keys, and one renderer that turns a form and the values
// a case has so far into a complete A4 HTML page (print CSS) that staff print and file.
// The renderer knows nothing about cases: the caller (the incident workflow, the CLI)
// fills IncidentFormData by key. Pure functions; thread-safe.
#ifndef CENTRAL_INCIDENT_FORMS_H_
#define CENTRAL_INCIDENT_FORMS_H_

#include <map>
#include <string>
#include <vector>

#include "central/result.h"

namespace central {

// How a field's value is printed.
enum class FormFieldKind {
  kText,       // one line of text
  kMultiline,  // a tall box; newlines in the value are kept
  kDate,       // "YYYY-MM-DD" (or RFC 3339) printed in 和暦: 令和8年12月2日
  kDateTime,   // RFC 3339 or "YYYY-MM-DD HH:MM" printed as 令和8年12月2日 14時05分
};

// One box of a form. Keys are shared between forms where the meaning is the same, so that
// a caller fills one map from a case and can print any form with it. The keys (all
// values are plain text; the renderer escapes them):
//   reported_on        報告日 (kDate): the date line at the top right
//   addressee          宛先, e.g. "会津美里町長" or "個人情報保護責任者"; a form has a default
//   reporter_section   報告者の所属 (課・室)
//   reporter_title     報告者の職
//   reporter_name      報告者の氏名
//   report_number      第何報 ("2" → 第2報; 様式第2号 only)
//   first_report_on    第1報の報告日 (kDate; 様式第2号 only)
//   incident_title     事案の名称 (one line, e.g. "住民票の写しの誤送付")
//   occurred_at        発生日時 (kDateTime)
//   discovered_at      発覚日時 (kDateTime)
//   place              発生場所
//   incident_kind      事故の区分 (漏えい / 滅失 / 毀損 / 不正開示 / そのおそれ …)
//   medium             媒体・経路 (電子メール / 紙 / USBメモリ / FAX …)
//   summary            事故の概要 (what happened; multiline)
//   info_items         漏えい等した個人情報の項目 (氏名、住所 …)
//   persons            本人の数 (text, e.g. "12人" or "調査中")
//   cause              発生原因
//   discovery          発覚の経緯
//   response           応急措置・これまでの対応
//   secondary_damage   二次被害の有無及びその内容
//   victim_response    被害者 (本人) への対応 (Art. 18)
//   agencies           関係機関への連絡 (警察、県 … Art. 19)
//   publication        公表の有無・方法、公表しない場合はその理由 (Art. 20)
//   prevention         再発防止策 (Art. 21)
//   progress           続報の内容 (経過・判明した事実; 様式第2号)
//   next_steps         今後の対応
//   disclosed_to       不正開示等の相手方 (様式第3号/第4号)
//   disclosed_by       不正開示等を行った者 (分かる範囲; 様式第3号)
//   subject_name       本人の氏名 (様式第3号/第4号: the person whose information it was)
//   subject_address    本人の住所
//   request_on         本人からの申出日 (kDate; 様式第3号)
//   measures           講じた措置 (様式第4号)
//   handler_section    担当課 / handler_name 担当者 / handler_phone 連絡先
//   remarks            備考
// A key a form does not list is ignored by that form.
// The keys reported_on, addressee and reporter_* are printed in the sheet's heading (date
// line, 宛先, 報告者); every other field is a row of the ruled table, in the listed order.
struct FormFieldSpec {
  std::string key;
  std::string label_ja;
  FormFieldKind kind = FormFieldKind::kText;
  int min_lines = 1;  // height of the empty box, in lines of writing (kMultiline)
  // Choices printed as "□漏えい □滅失 …"; the one equal to the value is printed "■".
  // A value matching none is printed after "その他". Empty: a free-text box.
  std::vector<std::string> options;
  // "第{}報": the value is printed in place of {} (blank: a space to write in).
  std::string format;
};

// One form as the ordinance prints it.
struct FormSpec {
  std::string id;         // ASCII slug, stable: "misato-1" … "misato-4", "honjo-28", "honjo-1"
  std::string number;     // 様式番号 as printed top-left: "様式第1号(第14条関係)"
  std::string title;      // the exact title the ordinance gives the form
  std::string town;       // "会津美里町" / "本庄市"
  std::string addressee;  // default 宛先 when the data has no "addressee"
  std::string lead;       // the sentence under the title ("次のとおり報告します。")
  // Headings of the empty seal boxes (回覧・決裁欄) at the top left, in reading order.
  std::vector<std::string> stamps;
  std::vector<FormFieldSpec> fields;
  // true: one sheet per IncidentFormData::entries element (様式第2号: one per 続報); each
  // sheet shows the entry's values, falling back to IncidentFormData::fields for keys the
  // entry lacks. With no entries one blank sheet is printed.
  bool repeated_entries = false;
};

// Every built-in form, in the order a case usually needs them. The same table every call.
const std::vector<FormSpec>& IncidentFormSpecs();

// The form with that id, or nullptr.
const FormSpec* FindIncidentForm(const std::string& form_id);

// What a case has to print. Missing or empty values print as blank boxes for writing by hand.
struct IncidentFormData {
  std::map<std::string, std::string> fields;                // by FormFieldSpec::key
  std::vector<std::map<std::string, std::string>> entries;  // repeated sheets (続報 …)
  std::string case_id;    // printed small in the footer ("事案番号"), may be empty
  std::string town_name;  // overrides FormSpec::town in the text when not empty
};

// Where the console serves IncidentFormStyleSheet() (see the console's static routes).
inline constexpr char kIncidentFormStyleSheetPath[] = "/static/incident-forms.css";

struct FormRenderOptions {
  // false: the page links kIncidentFormStyleSheetPath (for pages served by the console,
  // whose Content-Security-Policy allows no inline style). true: the style sheet is put
  // in the page itself, so that the file prints on its own (the CLI, tests, archives).
  bool standalone = false;
};

// The complete HTML page (<!DOCTYPE html> ...) of the form: A4, one sheet per page, every
// value HTML-escaped, no script, no external asset. Missing values are blank boxes.
// Error (Japanese first, then English) for an unknown form id.
Result<std::string> RenderIncidentForm(const std::string& form_id, const IncidentFormData& data,
                                       const FormRenderOptions& options = {});

// IncidentFormData from JSON text: {"fields": {KEY: TEXT, ...}, "entries": [{KEY: TEXT,
// ...}, ...], "case_id": TEXT, "town_name": TEXT}, every member optional; numbers and
// booleans are taken as their text, null as empty. Error (Japanese, then English) for
// anything else (not an object, an unknown member, a nested value).
Result<IncidentFormData> IncidentFormDataFromJson(const std::string& json);

// The forms' print style sheet (@page A4, ruled boxes, Japanese fonts).
const std::string& IncidentFormStyleSheet();

}  // namespace central

#endif  // CENTRAL_INCIDENT_FORMS_H_
