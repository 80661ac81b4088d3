#include "console_templates.h"

#include <map>

namespace central::console {
namespace {

const char kLayout[] = R"HTML(<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} — sendguard 中央コンソール</title>
<link rel="stylesheet" href="/static/console.css">
</head>
<body>
<header class="bar">
  <a class="brand" href="/">sendguard 中央コンソール</a>
  {{#user}}
  <nav>
    <a href="/"{{#nav_home}} class="here"{{/nav_home}}>ホーム</a>
    <a href="/incidents"{{#nav_incidents}} class="here"{{/nav_incidents}}>事案・報告</a>
    {{#rights.events}}<a href="/events"{{#nav_events}} class="here"{{/nav_events}}>イベント検索</a>{{/rights.events}}
    {{#rights.agents}}<a href="/agents"{{#nav_agents}} class="here"{{/nav_agents}}>端末 (エージェント)</a>{{/rights.agents}}
    {{#rights.policy}}<a href="/policy"{{#nav_policy}} class="here"{{/nav_policy}}>ポリシー</a>{{/rights.policy}}
    {{#rights.access}}<a href="/access"{{#nav_access}} class="here"{{/nav_access}}>アクセス記録</a>{{/rights.access}}
  </nav>
  <div class="who">
    <span class="name">{{name}}</span>
    <span class="meta">{{section}} ・ {{role_names}}</span>
    <form method="post" action="/logout" class="inline">
      <input type="hidden" name="csrf_token" value="{{csrf}}">
      <button type="submit" class="link">ログアウト</button>
    </form>
  </div>
  {{/user}}
</header>
<main>
<h1>{{title}}</h1>
{{{content}}}
</main>
<footer>時刻はすべて {{time_zone}} の時刻です。</footer>
</body>
</html>
)HTML";

const char kLogin[] = R"HTML(<section class="card narrow">
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
<form method="post" action="/login" class="stack">
  <label>ログイン名<input type="text" name="login" value="{{login}}" autocomplete="username" required autofocus></label>
  <label>パスワード<input type="password" name="password" autocomplete="current-password" required></label>
  <button type="submit" class="primary">ログイン</button>
</form>
<p class="hint">パスワードを 5 回続けて間違えると、15 分間ログインできなくなります。</p>
</section>
)HTML";

const char kHome[] =
    R"HTML(<p class="lead">{{name}} さん ({{section}}) としてログインしています。役割: {{role_names}}</p>
{{#dashboard}}
<section aria-labelledby="glance-h">
<h2 id="glance-h" class="glance-title">状況のまとめ — {{scope}}・{{period}}</h2>
<div class="tiles">
<div class="tile{{#near_total}} warn{{/near_total}}"><span class="tile-label">ヒヤリハット (止めた送信・印刷)</span><span class="tile-num">{{near_total}}<small> 件</small></span></div>
<div class="tile"><span class="tile-label">BCC に変換して送信</span><span class="tile-num">{{conv_total}}<small> 件</small></span></div>
{{#agents_shown}}
<div class="tile{{#has_silent}} alert{{/has_silent}}"><span class="tile-label">1日以上接続のない端末</span><span class="tile-num">{{silent_count}}<small> 台</small></span><span class="tile-note">対象 {{agents_total}} 台のうち</span></div>
<div class="tile{{^coverage_full}} warn{{/coverage_full}}"><span class="tile-label">最新ポリシー{{#has_policy}} (版 {{newest_policy}}){{/has_policy}} の端末</span><span class="tile-num">{{agents_on_newest}}<small> / {{agents_total}} 台</small></span><span class="tile-note">{{#has_policy}}{{coverage_pct}}%{{^coverage_full}}・古い版 {{agents_behind}} 台{{/coverage_full}}{{/has_policy}}{{^has_policy}}ポリシー未配布{{/has_policy}}</span></div>
{{/agents_shown}}
{{#tiles}}
<div class="tile{{#attention}} alert{{/attention}}"><span class="tile-label">{{title}}</span><span class="tile-num">{{count}}{{#has_count}}<small> 件</small>{{/has_count}}</span>{{#note}}<span class="tile-note">{{note}}</span>{{/note}}{{#link}}<a href="{{link}}">一覧を見る</a>{{/link}}</div>
{{/tiles}}
</div>
</section>
<div class="charts">
<section class="card chart-card">
<h2>ヒヤリハットの件数 (週別・所属別)</h2>
<p class="muted">送信を止めた・印刷を止めた・印刷を保留した件数。棒の上の数字が週の合計です。</p>
{{{near_chart}}}
<details><summary>数値を表で見る</summary>
<table class="list"><thead><tr><th>所属</th>{{#weeks}}<th class="num">{{.}}</th>{{/weeks}}<th class="num">計</th></tr></thead>
<tbody>{{#near_rows}}<tr><td>{{section}}</td>{{#cells}}<td class="num">{{.}}</td>{{/cells}}<td class="num"><strong>{{total}}</strong></td></tr>{{/near_rows}}</tbody></table>
</details>
</section>
<section class="card chart-card">
<h2>BCC 変換の件数 (週別・所属別)</h2>
<p class="muted">庁外の複数の宛先を BCC に変えて送った件数 (アドレスの漏えいを防いだ件数)。</p>
{{{conv_chart}}}
<details><summary>数値を表で見る</summary>
<table class="list"><thead><tr><th>所属</th>{{#weeks}}<th class="num">{{.}}</th>{{/weeks}}<th class="num">計</th></tr></thead>
<tbody>{{#conv_rows}}<tr><td>{{section}}</td>{{#cells}}<td class="num">{{.}}</td>{{/cells}}<td class="num"><strong>{{total}}</strong></td></tr>{{/conv_rows}}</tbody></table>
</details>
</section>
</div>
{{#agents_shown}}{{#has_silent}}
<section class="card alert-card">
<h2>1日以上接続のない端末 ({{silent_count}} 台)</h2>
<p class="muted">電源が切れている、ネットワークにつながっていない、エージェントが止まっている可能性があります。</p>
<table class="list"><thead><tr><th>端末名</th><th>所属</th><th>最終接続</th></tr></thead>
<tbody>{{#silent}}<tr><td>{{name}}</td><td>{{section}}</td><td class="nowrap">{{last_seen}}</td></tr>{{/silent}}</tbody></table>
</section>
{{/has_silent}}{{/agents_shown}}
{{/dashboard}}
<div class="cards">
{{#rights.events}}
<a class="card link-card" href="/events"><h2>イベント検索</h2>
<p>{{events_scope}}の送信・印刷の記録 (止めた送信、確認した送信、BCC 変換など) を探して、CSV で書き出せます。</p></a>
{{/rights.events}}
{{#rights.agents}}
<a class="card link-card" href="/agents"><h2>端末 (エージェント)</h2>
<p>各端末の最終接続、ポリシーの版、未送信の件数を確認{{#rights.agents_write}}し、端末の登録・無効化を行い{{/rights.agents_write}}ます。</p></a>
{{/rights.agents}}
{{#rights.policy}}
<a class="card link-card" href="/policy"><h2>ポリシー</h2>
<p>現在のポリシー (版 {{policy_version}}) を確認{{#rights.policy_write}}し、編集・配布・以前の版への切り戻しを行い{{/rights.policy_write}}ます。</p></a>
{{/rights.policy}}
{{#rights.access}}
<a class="card link-card" href="/access"><h2>アクセス記録</h2>
<p>誰がいつ何を見たか・変えたか (要領第12条) を検索し、CSV で書き出せます。</p></a>
{{/rights.access}}
{{#rights.events}}{{#near_misses}}
<section class="card wide">
<h2>ヒヤリハット (止めた送信・印刷) — 週ごと・利用者ごと</h2>
{{#has_rows}}
<table class="list">
<thead><tr><th>所属</th><th>利用者</th>{{#weeks}}<th class="num">{{.}}</th>{{/weeks}}<th class="num">計</th></tr></thead>
<tbody>{{#rows}}<tr><td>{{section}}</td><td>{{user}}</td>{{#cells}}<td class="num">{{.}}</td>{{/cells}}<td class="num"><strong>{{total}}</strong></td></tr>{{/rows}}</tbody>
</table>
{{/has_rows}}
{{^has_rows}}<p class="muted">直近の週に止めた送信・印刷はありません。</p>{{/has_rows}}
{{#truncated}}<p class="muted">件数が多いため一部のみ集計しています。</p>{{/truncated}}
{{#cut}}<p class="muted">件数の多い 30 人まで表示しています。</p>{{/cut}}
</section>
{{/near_misses}}{{/rights.events}}
{{#tanto_only}}
<div class="card"><h2>あなたの報告</h2>
<p>誤送信・紛失などに気づいたら、<a href="/incidents/new">漏えい等を報告</a>してください。あなたが報告した事案は<a href="/incidents">事案・報告</a>で見られます。</p></div>
{{/tanto_only}}
</div>
)HTML";

const char kEvents[] = R"HTML(<form method="get" action="/events" class="filters">
  <label>開始日<input type="date" name="from" value="{{q.from}}"><span class="era">{{q.from_era}}</span></label>
  <label>終了日<input type="date" name="to" value="{{q.to}}"><span class="era">{{q.to_era}}</span></label>
  <label>所属<select name="section">
    <option value="">(すべて)</option>
    {{#sections}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/sections}}
  </select></label>
  <label>種別<select name="kind">
    <option value="">(すべて)</option>
    {{#kinds}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}
  </select></label>
  <label>端末<input type="text" name="agent" value="{{q.agent}}"></label>
  <label>利用者<input type="text" name="user" value="{{q.user}}"></label>
  <label>宛先ドメイン<input type="text" name="domain" value="{{q.domain}}" placeholder="example.co.jp"></label>
  <label>件名の語<input type="text" name="subject" value="{{q.subject}}"></label>
  <div class="actions">
    <button type="submit" class="primary">検索</button>
    <a class="button" href="/events.csv?{{csv_query}}">CSV で書き出す</a>
  </div>
</form>
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
<p class="count">{{count_text}}</p>
{{#has_events}}
<table class="list">
<thead><tr><th>日時</th><th>種別</th><th>所属</th><th>端末</th><th>利用者</th><th>件名</th><th>宛先</th></tr></thead>
<tbody>
{{#events}}
<tr class="kind-{{kind_class}}">
  <td class="nowrap"><a href="/events/{{id_url}}">{{time}}</a></td>
  <td><span class="badge {{kind_class}}">{{kind_label}}</span></td>
  <td>{{section}}</td>
  <td>{{agent}}</td>
  <td>{{user}}</td>
  <td class="subject">{{subject}}</td>
  <td>{{recipients_text}}</td>
</tr>
{{/events}}
</tbody>
</table>
{{/has_events}}
{{#next_query}}<p class="pager"><a class="button" href="/events?{{next_query}}">次の {{page_size}} 件 →</a></p>{{/next_query}}
)HTML";

const char kEvent[] = R"HTML(<p><a href="/events">← イベント検索へ戻る</a></p>
<section class="card">
<dl class="facts">
  <dt>日時</dt><dd>{{time_ja}}</dd>
  <dt>種別</dt><dd><span class="badge {{kind_class}}">{{kind_label}}</span></dd>
  <dt>判定</dt><dd>{{verdict_label}}</dd>
  <dt>所属</dt><dd>{{section}}</dd>
  <dt>端末</dt><dd>{{agent}}{{#host}} ({{host}}){{/host}}</dd>
  <dt>利用者</dt><dd>{{user}}</dd>
  <dt>送信者</dt><dd>{{sender}}</dd>
  <dt>件名</dt><dd>{{subject}}</dd>
  <dt>ポリシーの版</dt><dd>{{policy_version}}</dd>
  <dt>SMTP 応答</dt><dd>{{reply}}</dd>
  <dt>イベント ID</dt><dd class="mono">{{id}}</dd>
</dl>
</section>
<h2>理由</h2>
{{#has_reasons}}<ul class="reasons">{{#reasons}}<li>{{label}} <span class="code">{{code}}</span></li>{{/reasons}}</ul>{{/has_reasons}}
{{^has_reasons}}<p class="muted">記録されていません。</p>{{/has_reasons}}
<h2>宛先 (ドメインごと)</h2>
{{#has_domains}}
<table class="list">
<thead><tr><th>ドメイン</th><th>区分</th><th>件数</th><th>宛先</th></tr></thead>
<tbody>{{#domains}}<tr><td>{{domain}}</td><td>{{#external}}<span class="badge send_blocked">庁外</span>{{/external}}{{^external}}庁内{{/external}}</td><td>{{count}}</td><td>{{addresses}}</td></tr>{{/domains}}</tbody>
</table>
{{#recipients_total}}<p class="muted">宛先は全部で {{recipients_total}} 件 (一部のみ記録)。</p>{{/recipients_total}}
{{/has_domains}}
{{^has_domains}}<p class="muted">記録されていません。</p>{{/has_domains}}
<h2>添付ファイル</h2>
{{#has_attachments}}
<table class="list">
<thead><tr><th>ファイル名</th><th>重要度 (要領第10条)</th><th>検出</th><th>検査</th></tr></thead>
<tbody>{{#attachments}}<tr><td>{{name}}</td><td>{{class_label}}</td><td>{{findings_text}}</td><td>{{checked_label}}</td></tr>{{/attachments}}</tbody>
</table>
{{/has_attachments}}
{{^has_attachments}}<p class="muted">添付ファイルはありません。</p>{{/has_attachments}}
<h2>検出された情報 (合計)</h2>
{{#has_findings}}<ul>{{#findings}}<li>{{label}}: {{count}} 件</li>{{/findings}}</ul>{{/has_findings}}
{{^has_findings}}<p class="muted">ありません。</p>{{/has_findings}}
{{#has_samples}}<h2>検出例 (伏せ字)</h2><ul class="mono">{{#samples}}<li>{{.}}</li>{{/samples}}</ul>{{/has_samples}}
)HTML";

const char kAgents[] = R"HTML({{#rights.agents_write}}
<section class="card">
<h2>端末を登録する</h2>
<form method="post" action="/agents/enroll" class="row">
  <input type="hidden" name="csrf_token" value="{{csrf}}">
  <label>端末名<input type="text" name="name" required maxlength="128" placeholder="soumu-pc-01"></label>
  <label>所属<select name="section">
    <option value="">(なし)</option>
    {{#sections}}<option value="{{name}}">{{name}}</option>{{/sections}}
  </select></label>
  <button type="submit" class="primary">登録してトークンを発行</button>
</form>
</section>
{{/rights.agents_write}}
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
{{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
<p class="count">{{agents_count}} 台。最新のポリシーは版 {{latest_policy}} です。</p>
<table class="list">
<thead><tr><th>端末名</th><th>所属</th><th>最終接続</th><th>ポリシーの版</th><th>未送信</th><th>状態</th>{{#rights.agents_write}}<th>操作</th>{{/rights.agents_write}}</tr></thead>
<tbody>
{{#agents}}
<tr{{#revoked}} class="revoked"{{/revoked}}>
  <td>{{name}}</td>
  <td>{{section}}</td>
  <td class="nowrap">{{last_seen}}{{#stale}} <span class="badge send_prompted">1日以上なし</span>{{/stale}}</td>
  <td>{{policy_version}}{{#old_policy}} <span class="badge send_prompted">古い</span>{{/old_policy}}</td>
  <td>{{backlog}}</td>
  <td>{{#revoked}}<span class="badge send_blocked">無効</span>{{/revoked}}{{^revoked}}有効{{/revoked}}</td>
  {{#rights.agents_write}}<td class="nowrap">
    {{^revoked}}<form method="post" action="/agents/revoke" class="inline">
      <input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="name" value="{{name}}">
      <button type="submit" class="danger">無効にする</button></form>{{/revoked}}
    <form method="post" action="/agents/token" class="inline">
      <input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="name" value="{{name}}">
      <button type="submit">新しいトークン</button></form>
  </td>{{/rights.agents_write}}
</tr>
{{/agents}}
</tbody>
</table>
)HTML";

const char kAgentToken[] = R"HTML(<section class="card">
<p class="notice" role="status">端末「{{name}}」のトークンを発行しました。</p>
<p>このトークンは<strong>この画面で一度だけ</strong>表示されます。端末のトークンファイル (<code>--agent-token-file</code>) に保存してください。</p>
<p class="token mono" id="token">{{token}}</p>
<p><a class="button" href="/agents">端末の一覧へ戻る</a></p>
</section>
)HTML";

const char kPolicy[] = R"HTML({{#current}}
<p class="lead">配布中のポリシーは<strong>版 {{version}}</strong>です ({{published_at}} に {{published_by}} が配布)。
<a href="/policy/history">配布の履歴</a></p>
{{/current}}
{{^current}}<p class="lead">ポリシーはまだ配布されていません。</p>{{/current}}
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
{{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
{{#rights.policy_write}}
<form method="post" action="/policy/check" class="stack">
  <input type="hidden" name="csrf_token" value="{{csrf}}">
  <label>ポリシー (JSON)<textarea name="text" rows="24" spellcheck="false" class="mono">{{text}}</textarea></label>
  <div class="actions">
    <button type="submit" class="primary">検証して差分を見る</button>
  </div>
</form>
{{/rights.policy_write}}
{{^rights.policy_write}}<pre class="mono policy">{{text}}</pre>{{/rights.policy_write}}
)HTML";

const char kPolicyCheck[] = R"HTML(<p><a href="/policy">← ポリシーへ戻る</a></p>
{{#has_problems}}
<section class="card">
<p class="error" role="alert">ポリシーに誤りがあります。直してからもう一度検証してください。</p>
<ul class="problems">{{#problems}}<li><span class="code">{{key}}</span> {{message_ja}}<br><span class="muted">{{message}}</span></li>{{/problems}}</ul>
</section>
{{/has_problems}}
{{^has_problems}}
<section class="card">
<p class="notice" role="status">ポリシーは正しい形式です。配布中の版 {{current_version}} との差分を確認してから配布してください。</p>
<form method="post" action="/policy/publish">
  <input type="hidden" name="csrf_token" value="{{csrf}}">
  <input type="hidden" name="text" value="{{text}}">
  <button type="submit" class="primary" id="publish">この内容で配布する</button>
</form>
</section>
{{/has_problems}}
<h2>配布中の版との差分</h2>
{{#has_changes}}
<pre class="diff mono">{{#diff}}<span class="{{op}}">{{sign}} {{line}}</span>{{/diff}}</pre>
{{/has_changes}}
{{^has_changes}}<p class="muted">変更はありません。</p>{{/has_changes}}
<form method="post" action="/policy/check" class="stack">
  <input type="hidden" name="csrf_token" value="{{csrf}}">
  <label>ポリシー (JSON)<textarea name="text" rows="24" spellcheck="false" class="mono">{{text}}</textarea></label>
  <div class="actions"><button type="submit">もう一度検証する</button></div>
</form>
)HTML";

const char kPolicyHistory[] = R"HTML(<p><a href="/policy">← ポリシーへ戻る</a></p>
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
<table class="list">
<thead><tr><th>版</th><th>配布日時</th><th>配布した人</th>{{#rights.policy_write}}<th>操作</th>{{/rights.policy_write}}</tr></thead>
<tbody>
{{#versions}}
<tr>
  <td>{{version}}{{#current}} <span class="badge ok">配布中</span>{{/current}}</td>
  <td class="nowrap">{{published_at}}</td>
  <td>{{published_by}}</td>
  {{#rights.policy_write}}<td>{{^current}}<form method="post" action="/policy/rollback" class="inline">
    <input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
    <button type="submit">この版に戻す (新しい版として配布)</button></form>{{/current}}</td>{{/rights.policy_write}}
</tr>
{{/versions}}
</tbody>
</table>
)HTML";

const char kAccess[] = R"HTML(<form method="get" action="/access" class="filters">
  <label>開始日<input type="date" name="from" value="{{q.from}}"><span class="era">{{q.from_era}}</span></label>
  <label>終了日<input type="date" name="to" value="{{q.to}}"><span class="era">{{q.to_era}}</span></label>
  <label>誰が (含む)<input type="text" name="who" value="{{q.who}}"></label>
  <label>操作 (含む)<input type="text" name="action" value="{{q.action}}"></label>
  <div class="actions">
    <button type="submit" class="primary">検索</button>
    <a class="button" href="/access.csv?{{csv_query}}">CSV で書き出す</a>
  </div>
</form>
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
{{#has_alerts}}
<section class="card alert-card"><h2>警告 (要領第11条)</h2>
<ul>{{#alerts}}<li>{{time}} {{text}}</li>{{/alerts}}</ul></section>
{{/has_alerts}}
<p class="count">{{count}} 件 (新しい順、最大 {{limit}} 件)</p>
<table class="list">
<thead><tr><th>日時</th><th>誰が</th><th>操作</th><th>結果</th><th>接続元</th></tr></thead>
<tbody>{{#records}}<tr><td class="nowrap">{{time}}</td><td>{{who}}</td><td class="mono">{{action}}</td><td>{{result}}</td><td>{{peer}}</td></tr>{{/records}}</tbody>
</table>
)HTML";

const char kMessage[] = R"HTML(<section class="card">
<p class="{{css}}" role="alert">{{message}}</p>
<p class="muted">{{detail}}</p>
<p><a class="button" href="{{back}}">戻る</a></p>
</section>
)HTML";

const char kStyle[] =
    R"CSS(:root { --ink: #1d2733; --muted: #5b6776; --line: #d5dbe3; --bg: #f4f6f9;
  --accent: #0b5cad; --danger: #b3261e; --warn: #8a5a00; --ok: #1e7a3c; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic", sans-serif;
  color: var(--ink); background: var(--bg); font-size: 16px; line-height: 1.6; }
.bar { display: flex; flex-wrap: wrap; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem;
  background: #12355b; color: #fff; }
.bar a { color: #fff; text-decoration: none; }
.brand { font-weight: 700; font-size: 1.1rem; }
nav { display: flex; gap: .25rem; flex: 1; flex-wrap: wrap; }
nav a { padding: .35rem .8rem; border-radius: 4px; }
nav a:hover, nav a.here { background: rgba(255,255,255,.18); }
.who { display: flex; align-items: center; gap: .75rem; font-size: .9rem; }
.who .meta { opacity: .85; }
.who button.link { color: #fff; background: none; border: 1px solid rgba(255,255,255,.6); padding: .2rem .7rem; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: .8rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
footer { text-align: center; color: var(--muted); font-size: .8rem; padding: 1rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
.card h2 { margin-top: 0; }
.card.next-step { border: 2px solid var(--accent); }
.narrow { max-width: 420px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 1rem; }
.link-card { color: inherit; text-decoration: none; display: block; }
.link-card:hover { border-color: var(--accent); box-shadow: 0 1px 4px rgba(0,0,0,.08); }
.link-card h2 { color: var(--accent); }
.lead { font-size: 1.05rem; }
.stack { display: flex; flex-direction: column; gap: .8rem; }
.stack label, .filters label, .row label { display: flex; flex-direction: column; font-size: .9rem; color: var(--muted); gap: .2rem; }
.row { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; }
.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: .75rem 1rem;
  background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin-bottom: 1rem; align-items: end; }
.filters .actions { display: flex; gap: .5rem; grid-column: span 2; }
.filters .actions button, .filters .actions .button { white-space: nowrap; }
input, select, textarea { font: inherit; color: var(--ink); padding: .4rem .5rem; border: 1px solid #9aa6b4; border-radius: 4px; background: #fff; }
textarea { width: 100%; font-size: .9rem; }
button, .button { font: inherit; display: inline-block; padding: .4rem 1rem; border-radius: 4px; border: 1px solid #9aa6b4;
  background: #fff; color: var(--ink); cursor: pointer; text-decoration: none; font-size: .95rem; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 700; }
button.danger { border-color: var(--danger); color: var(--danger); }
form.inline { display: inline; }
.era { font-size: .8rem; color: var(--muted); }
.era:empty { display: none; }
table.list { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); font-size: .92rem; }
table.list th { text-align: left; background: #e9eef4; padding: .45rem .6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
table.list td { padding: .45rem .6rem; border-bottom: 1px solid #eceff3; vertical-align: top; }
tr.revoked td { color: var(--muted); }
.nowrap { white-space: nowrap; }
.subject { max-width: 28rem; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .82rem; background: #e6ebf1; white-space: nowrap; }
.badge.send_blocked, .badge.print_blocked { background: #fbe3e1; color: var(--danger); }
.badge.send_prompted, .badge.print_held, .badge.prompt_cancelled { background: #fdf0d5; color: var(--warn); }
.badge.prompt_confirmed { background: #fde2cf; color: #8a3b00; }
.badge.bcc_converted, .badge.ok { background: #dff3e6; color: var(--ok); }
.error { color: var(--danger); background: #fdecea; border-left: 4px solid var(--danger); padding: .6rem .8rem; }
.notice { color: var(--ok); background: #e7f5ec; border-left: 4px solid var(--ok); padding: .6rem .8rem; }
.alert-card { border-color: var(--danger); }
.hint, .muted, .count { color: var(--muted); }
.mono, code, .code { font-family: "Noto Sans Mono CJK JP", monospace; }
.code { font-size: .8rem; color: var(--muted); }
.token { font-size: 1.2rem; background: #fff8db; border: 1px dashed var(--warn); padding: .8rem; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: 10rem 1fr; gap: .3rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
pre.diff, pre.policy { background: #fff; border: 1px solid var(--line); padding: .8rem; overflow-x: auto; font-size: .85rem; }
pre.diff .add { background: #e6f6ea; color: #0f5d2a; display: block; }
pre.diff .del { background: #fdecea; color: #8f1d16; display: block; }
pre.diff .same { color: var(--muted); display: block; }
.pager { text-align: right; }
.cards .wide { grid-column: 1 / -1; }
td.num, th.num { text-align: right; }
.glance-title { font-size: 1.05rem; margin: .5rem 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: .8rem; margin-bottom: 1rem; }
.tile { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--accent); border-radius: 6px; padding: .7rem .9rem; display: flex; flex-direction: column; gap: .15rem; }
.tile.warn { border-left-color: #E69F00; }
.tile.alert { border-left-color: var(--danger); }
.tile-label { font-size: .9rem; color: var(--muted); }
.tile-num { font-size: 2rem; font-weight: bold; line-height: 1.1; }
.tile-num small { font-size: .9rem; font-weight: normal; color: var(--muted); }
.tile-note { font-size: .85rem; color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(640px, 1fr)); gap: 1rem; }
svg.chart { max-width: 960px; }
svg.chart { width: 100%; height: auto; display: block; }
details summary { cursor: pointer; color: var(--accent); margin: .4rem 0; }
)CSS";

}  // namespace

const std::string& PageTemplate(const std::string& name) {
  static const std::map<std::string, std::string> kTemplates = {
      {"layout", kLayout},
      {"login", kLogin},
      {"home", kHome},
      {"events", kEvents},
      {"event", kEvent},
      {"agents", kAgents},
      {"agent_token", kAgentToken},
      {"policy", kPolicy},
      {"policy_check", kPolicyCheck},
      {"policy_history", kPolicyHistory},
      {"access", kAccess},
      {"message", kMessage},
  };
  static const std::string kEmpty;
  auto it = kTemplates.find(name);
  return it == kTemplates.end() ? kEmpty : it->second;
}

const std::string& StyleSheet() {
  static const std::string kSheet = kStyle;
  return kSheet;
}

}  // namespace central::console
