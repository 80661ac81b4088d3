#include "incident_templates.h"

#include <map>

namespace central::incidents {
namespace {

// A field of a step form (shared partial, expanded by the code as "fields").
const char kFields[] = R"HTML({{#fields}}
<label>{{label}}{{#required}} <span class="badge send_blocked">必須</span>{{/required}}
{{#text}}<input type="text" name="{{key}}" value="{{value}}" maxlength="2000">{{/text}}
{{#date}}<input type="date" name="{{key}}" value="{{value}}">{{/date}}
{{#textarea}}<textarea name="{{key}}" rows="3" maxlength="4000">{{value}}</textarea>{{/textarea}}
{{#choice}}<select name="{{key}}"><option value="">(選んでください)</option>{{#choices}}<option value="{{.}}">{{.}}</option>{{/choices}}</select>{{/choice}}
{{#sections}}<select name="{{key}}" multiple size="4">{{#all_sections}}<option value="{{.}}">{{.}}</option>{{/all_sections}}</select>{{/sections}}
</label>
{{/fields}})HTML";

const char kCases[] = R"HTML(<p class="actions">
<a class="button primary" href="/incidents/new">漏えい等を報告する (様式第1号)</a>
<a class="button" href="/incidents/new?path=disclosure">不正開示の報告 (様式第3号)</a>
{{#may_review}}<a class="button" href="/reviews">レビュー待ち ({{open_reviews}} 件)</a>{{/may_review}}
</p>
<form method="get" action="/incidents" class="filters">
<label>状態<select name="state"><option value="open"{{#open_sel}} selected{{/open_sel}}>対応中</option><option value="closed"{{#closed_sel}} selected{{/closed_sel}}>終結</option><option value="all"{{#all_sel}} selected{{/all_sel}}>すべて</option></select></label>
<div class="actions"><button type="submit">表示</button></div>
</form>
<p class="count">{{count}} 件</p>
{{#has_cases}}
<table class="list">
<thead><tr><th>事案番号</th><th>受付日</th><th>所属</th><th>種類</th><th>次の手順</th><th>期限</th><th>国への報告</th></tr></thead>
<tbody>
{{#cases}}<tr>
<td class="nowrap"><a href="/incidents/{{id}}">{{id}}</a></td>
<td class="nowrap">{{opened}}</td>
<td>{{sections}}</td>
<td>{{path_title}}<br><span class="muted">{{source_label}}</span></td>
<td>{{state_title}}{{#role}}<br><span class="muted">担当: {{role}}</span>{{/role}}</td>
<td class="nowrap">{{#overdue}}<span class="badge send_blocked">期限超過</span> {{/overdue}}{{due}}</td>
<td>{{#ppc_true}}<span class="badge send_blocked">報告対象</span>{{/ppc_true}}{{#ppc_false}}対象外{{/ppc_false}}{{#ppc_null}}<span class="badge send_prompted">未判定</span>{{/ppc_null}}</td>
</tr>{{/cases}}
</tbody></table>
{{/has_cases}}
{{^has_cases}}<p class="muted">該当する事案はありません。</p>{{/has_cases}}
)HTML";

const char kReport[] =
    R"HTML(<p><a href="/incidents">← 事案の一覧へ</a></p>
<section class="card">
<h2>{{path_title}} — {{step_title}}</h2>
<p class="hint">{{rules}} {{article}}。入力した内容は事案の記録 (時系列) に残り、次に対応する人へ通知されます (通知には個人情報を載せません)。</p>
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
<form method="post" action="{{action}}" class="stack">
<input type="hidden" name="csrf_token" value="{{csrf}}">
<input type="hidden" name="path" value="{{path}}">
<input type="hidden" name="flow" value="{{flow}}">
<input type="hidden" name="events" value="{{events}}">
{{#event}}<p class="notice">関連するイベント: {{event}}</p>{{/event}}
<label>所属<select name="section">
<option value="">わからない (個人情報保護責任者が受け付けます)</option>
{{#sections}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/sections}}
</select></label>
)HTML"
    "{{> fields}}"
    R"HTML(<div class="actions"><button type="submit" class="primary">報告する</button></div>
</form>
</section>
)HTML";

const char kCase[] = R"HTML(<p><a href="/incidents">← 事案の一覧へ</a></p>
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
{{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
{{#actions}}{{#may}}
<section class="card next-step" aria-label="あなたが行う次の手順">
<h2>次の手順: {{title}} <span class="muted">{{article}} ・ 担当: {{role}}</span></h2>
<form method="post" action="/incidents/{{case_id}}/steps/{{step}}" class="stack">
<input type="hidden" name="csrf_token" value="{{csrf}}">
)HTML"
                     "{{> fields}}"
                     R"HTML(
{{#has_outcomes}}<div class="actions">{{#outcomes}}<button type="submit" name="outcome" value="{{id}}"{{#first}} class="primary"{{/first}}>{{label}}</button>{{/outcomes}}</div>{{/has_outcomes}}
{{^has_outcomes}}<div class="actions"><button type="submit" class="primary">記録する</button></div>{{/has_outcomes}}
</form>
</section>
{{/may}}{{/actions}}
<section class="card">
<dl class="facts">
<dt>事案番号</dt><dd>{{id}}</dd>
<dt>種類</dt><dd>{{path_title}} ({{town}})</dd>
<dt>状態</dt><dd>{{#closed}}<span class="badge ok">終結</span>{{/closed}}{{^closed}}次の手順: <strong>{{state_title}}</strong> (担当: {{state_role}}){{#overdue}} <span class="badge send_blocked">期限超過 ({{due}})</span>{{/overdue}}{{^overdue}}{{#due}} 期限 {{due}}{{/due}}{{/overdue}}{{/closed}}</dd>
<dt>所属</dt><dd>{{sections}}</dd>
<dt>受付</dt><dd>{{opened}} ({{source_label}})</dd>
<dt>事態を知った日</dt><dd>{{known_on}}</dd>
{{#has_events}}<dt>関連イベント</dt><dd>{{#events}}<a href="/events/{{.}}">{{.}}</a> {{/events}}</dd>{{/has_events}}
{{#has_forms}}<dt>様式</dt><dd>{{#forms}}<a class="button" href="/incidents/{{id}}/forms/{{form}}">{{form_label}}</a> {{/forms}}</dd>{{/has_forms}}
</dl>
</section>
{{#actions}}{{^may}}
<section class="card">
<h2>{{title}} <span class="muted">{{article}} ・ 担当: {{role}}</span></h2>
<p class="muted">この手順は {{role}} が行います。あなたの役割では記録できません。</p>
</section>
{{/may}}{{/actions}}
<section class="card">
<h2>個人情報保護委員会への報告 (法第68条・規則第43条)</h2>
<p>判定: {{#ppc_true}}<span class="badge send_blocked">報告が必要です</span>{{/ppc_true}}{{#ppc_false}}<span class="badge ok">報告の対象ではありません</span>{{/ppc_false}}{{#ppc_null}}<span class="badge send_prompted">未判定 (質問に答えてください)</span>{{/ppc_null}}</p>
{{#deadlines}}
<table class="list"><thead><tr><th>報告</th><th>期限</th><th>状況</th></tr></thead><tbody>
<tr><td>速報 (速やかに: 概ね3〜5日以内)</td><td>{{prompt_due}}</td><td>{{prompt_state}}</td></tr>
<tr><td>確報 ({{final_days}}日以内)</td><td>{{final_due}}</td><td>{{final_state}}</td></tr>
</tbody></table>
{{/deadlines}}
{{#may_ppc}}
<form method="post" action="/incidents/{{id}}/ppc" class="stack">
<input type="hidden" name="csrf_token" value="{{csrf}}">
{{#questions}}<label>{{label}}<select name="{{key}}"><option value=""{{#unknown}} selected{{/unknown}}>未確認</option><option value="yes"{{#yes}} selected{{/yes}}>はい</option><option value="no"{{#no}} selected{{/no}}>いいえ</option></select></label>{{/questions}}
<label>本人の数<input type="number" name="persons" min="0" value="{{persons}}"></label>
<label>速報を提出した日<input type="date" name="prompt_sent_on" value="{{prompt_sent_on}}"></label>
<label>確報を提出した日<input type="date" name="final_sent_on" value="{{final_sent_on}}"></label>
<div class="actions"><button type="submit">判定を記録する</button></div>
</form>
{{/may_ppc}}
<h3>報告書の下書き (9項目)</h3>
<dl class="facts">{{#draft}}<dt>{{label}}</dt><dd class="pre">{{value}}</dd>{{/draft}}</dl>
</section>
<section class="card">
<h2>記録 (時系列)</h2>
<table class="list"><thead><tr><th>日時</th><th>記録者</th><th>内容</th></tr></thead><tbody>
{{#timeline}}<tr><td class="nowrap">{{time}}</td><td>{{user_name}}<br><span class="muted">{{user_section}} ・ {{roles}}</span></td>
<td><strong>{{title}}</strong>{{#outcome}} — {{outcome}}{{/outcome}}
<dl class="facts">{{#fields}}<dt>{{label}}</dt><dd class="pre">{{value}}</dd>{{/fields}}</dl></td></tr>{{/timeline}}
</tbody></table>
</section>
)HTML";

const char kReviews[] =
    R"HTML(<p class="lead">確認したうえで庁外へ送られた、個人情報を含むメールです。管理者は内容を確かめ、理由を記録して閉じるか、事案 (漏えい等) として扱ってください。</p>
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
{{#has_reviews}}
{{#reviews}}
<section class="card">
<dl class="facts">
<dt>送信日時</dt><dd><a href="/events/{{event_id}}">{{time}}</a></dd>
<dt>所属</dt><dd>{{section}}</dd>
<dt>利用者</dt><dd>{{user}} ({{agent}})</dd>
<dt>庁外の宛先</dt><dd>{{external}}</dd>
<dt>検出</dt><dd>{{findings}}</dd>
<dt>マスク済みの例</dt><dd>{{samples}}</dd>
</dl>
{{#may}}
<form method="post" action="/reviews/{{event_id}}/close" class="stack">
<input type="hidden" name="csrf_token" value="{{csrf}}">
<label>問題なしとして閉じる理由<input type="text" name="reason" maxlength="500" placeholder="問題なし: 本人の同意あり"></label>
<div class="actions"><button type="submit">理由を記録して閉じる</button></div>
</form>
<form method="post" action="/reviews/{{event_id}}/incident" class="inline">
<input type="hidden" name="csrf_token" value="{{csrf}}">
<button type="submit" class="danger">事案として扱う (第1報へ)</button>
</form>
{{/may}}
</section>
{{/reviews}}
{{/has_reviews}}
{{^has_reviews}}<p class="muted">レビュー待ちはありません。</p>{{/has_reviews}}
)HTML";

}  // namespace

const std::string& IncidentTemplate(const std::string& name) {
  static const std::map<std::string, std::string> kTemplates = {{"fields", kFields},
                                                                {"cases", kCases},
                                                                {"case", kCase},
                                                                {"reviews", kReviews},
                                                                {"report", kReport}};
  static const std::string kNone;
  auto it = kTemplates.find(name);
  return it == kTemplates.end() ? kNone : it->second;
}

}  // namespace central::incidents
