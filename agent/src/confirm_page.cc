#include "agent/confirm_page.h"

#include <ctime>
#include <map>
#include <set>

#include "agent/free_text_mask.h"
#include "mailcheck/kind_names.h"

namespace agent {
namespace {

using doccheck::FileReport;
using doccheck::Kind;

// The importance class of the Aizumisato guideline, Art. 10.
std::string ClassJa(int klass) {
  switch (klass) {
    case 1:
      return "重要度分類 1（個人情報・極秘）";
    case 2:
      return "重要度分類 2（秘・公開しない情報）";
    case 3:
      return "重要度分類 3（公開済みだが重要）";
    default:
      return "重要度分類 4（その他）";
  }
}

std::string DomainOf(std::string_view address) {
  const std::size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(address.substr(at + 1));
}

std::string_view FieldJa(mailcheck::RecipientField field) {
  switch (field) {
    case mailcheck::RecipientField::kTo:
      return "To";
    case mailcheck::RecipientField::kCc:
      return "Cc";
    case mailcheck::RecipientField::kBcc:
      return "Bcc";
  }
  return "";
}

void CollectMasked(const FileReport& r, std::set<std::string>* seen, std::vector<std::string>* out,
                   std::size_t max) {
  for (const doccheck::Finding& f : r.findings) {
    if (out->size() >= max) return;
    if (!f.masked.empty() && seen->insert(f.masked).second) out->push_back(f.masked);
  }
  for (const FileReport& c : r.children) CollectMasked(c, seen, out, max);
}

// "氏名 12 件、住所 12 件" for what `r` (and its children) hold.
std::string KindsJa(const FileReport& r) {
  std::string out;
  for (int k = 0; k < doccheck::kKindCount; ++k) {
    const int n = r.CountKind(static_cast<Kind>(k));
    if (n <= 0) continue;
    if (!out.empty()) out += "、";
    out +=
        std::string(mailcheck::KindNameJa(static_cast<Kind>(k))) + " " + std::to_string(n) + " 件";
  }
  return out;
}

void AppendFile(const FileReport& r, std::string_view label, std::string* html) {
  const std::string kinds = KindsJa(r);
  const bool risky = !kinds.empty() || r.HasErrors() || r.klass <= 2;
  *html += std::string("<li class=\"file") + (risky ? " risky" : "") + "\"><div class=\"fname\">" +
           HtmlEscape(label) + "</div>";
  *html += "<div class=\"fclass c" + std::to_string(r.klass >= 1 && r.klass <= 4 ? r.klass : 4) +
           "\">" + ClassJa(r.klass) + "</div>";
  if (!kinds.empty()) {
    *html += "<div>含まれているもの: " + HtmlEscape(kinds) + "</div>";
    std::set<std::string> seen;
    std::vector<std::string> samples;
    CollectMasked(r, &seen, &samples, 4);
    if (!samples.empty()) {
      *html += "<div class=\"samples\">例（一部を伏せて表示）: ";
      for (std::size_t i = 0; i < samples.size(); ++i)
        *html += (i ? "、" : "") + std::string("<span>") + HtmlEscape(samples[i]) + "</span>";
      *html += "</div>";
    }
  } else if (!r.HasErrors()) {
    *html += "<div>個人情報は見つかりませんでした。</div>";
  }
  if (r.HasErrors())
    *html +=
        "<div class=\"warn\">中身を確認できない部分があります（暗号化・破損・未対応の形式など）。"
        "</div>";
  *html += "</li>";
}

void AppendRecipients(const PromptInfo& p, std::string* html) {
  // domain -> (external, lines)
  struct Group {
    bool external = true;
    bool known = false;
    bool lookalike = false;
    std::vector<std::string> lines;
  };
  std::map<std::string, Group> groups;
  if (!p.recipient_details.empty()) {
    for (const mailcheck::Recipient& r : p.recipient_details) {
      if (!r.in_envelope) continue;
      Group& g = groups[DomainOf(r.address)];
      g.known = true;
      g.external = r.external;
      g.lookalike = g.lookalike || r.lookalike;
      std::string line = HtmlEscape(r.address);
      if (!r.display_name.empty()) line = HtmlEscape(r.display_name) + " &lt;" + line + "&gt;";
      g.lines.push_back(line + " <span class=\"field\">" + std::string(FieldJa(r.field)) +
                        "</span>");
    }
  } else {
    for (const std::string& a : p.recipients) groups[DomainOf(a)].lines.push_back(HtmlEscape(a));
  }
  *html += "<ul class=\"domains\">";
  for (int pass = 0; pass < 2; ++pass) {  // outside recipients first
    for (const auto& [domain, g] : groups) {
      if ((pass == 0) != (g.external || !g.known)) continue;
      *html += std::string("<li class=\"") + (g.external || !g.known ? "ext" : "int") + "\">";
      if (!g.known) {
        *html += "<span class=\"badge\">宛先</span>";
      } else if (g.external) {
        *html += "<span class=\"badge ext\">庁外</span>";
      } else {
        *html += "<span class=\"badge int\">庁内</span>";
      }
      *html += "<b>" + HtmlEscape(domain.empty() ? "(ドメインなし)" : domain) + "</b>";
      if (g.lookalike) *html += " <span class=\"badge warn\">庁内に似せたドメインの疑い</span>";
      *html += "<ul>";
      for (const std::string& line : g.lines) *html += "<li>" + line + "</li>";
      *html += "</ul></li>";
    }
  }
  *html += "</ul>";
}

// A reason as the page shows it while the mail has not been sent yet. The BCC
// conversion's reason is written for after sending ("…全員を Bcc に移しました。", as the
// notification and the audit log say it); before sending the page says what will happen.
std::string ReasonBeforeSending(const mailcheck::Reason& r) {
  std::string text = r.message_ja.empty() ? r.message : r.message_ja;
  if (r.code == "bcc_conversion") {
    constexpr std::string_view kDone = "全員を Bcc に移しました。";
    const std::size_t at = text.rfind(kDone);
    if (at != std::string::npos) text.replace(at, kDone.size(), "送信時に全員を Bcc へ移します。");
  }
  return text;
}

// "氏名 2 件、生年月日 1 件" from kind names as the print guard sends them; names this
// build does not know are shown as they are.
std::string PrintKindsJa(const PrintJobInfo& job) {
  std::string out;
  for (const auto& [name, count] : job.findings) {
    std::string label = name;
    for (int k = 0; k < doccheck::kKindCount; ++k) {
      if (doccheck::KindName(static_cast<Kind>(k)) == name)
        label = std::string(mailcheck::KindNameJa(static_cast<Kind>(k)));
    }
    if (!out.empty()) out += "、";
    out += label + " " + std::to_string(count) + " 件";
  }
  return out;
}

std::string SizeJa(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " バイト";
  if (bytes < 1024 * 1024) return std::to_string((bytes + 1023) / 1024) + " KB";
  return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MB";
}

// One print job waiting for the user: printer, title, size, what was found (masked).
void AppendPrintPrompt(const PromptInfo& p, std::chrono::steady_clock::time_point now, bool first,
                       std::string* html) {
  const PrintJobInfo& job = *p.print;
  *html += "<section class=\"prompt print\"><h2>印刷: " +
           HtmlEscape(job.title.empty() ? "(題名なし)" : MaskFreeText(job.title)) + "</h2>";
  if (p.deadline.time_since_epoch().count() != 0) {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(p.deadline - now).count();
    *html += "<p class=\"timer\">残り <b>" + std::to_string(left > 0 ? left : 0) +
             " 秒</b>。時間内に「印刷する」が押されなければ、この印刷は<b>保留</b>され、"
             "管理者が確認するまで印刷されません。</p>";
  }
  if (!job.message.empty())
    *html += "<h3>確認が必要な理由</h3><ul class=\"reasons\"><li>" +
             HtmlEscape(MaskFreeText(job.message)) + "</li></ul>";
  *html += "<h3>印刷の内容</h3><ul class=\"files\"><li class=\"file risky\">";
  *html += "<div>プリンター: <b>" + HtmlEscape(MaskFreeText(job.printer)) + "</b></div>";
  std::string facts = "部数 " + std::to_string(job.copies);
  if (job.pages > 0) facts += "、" + std::to_string(job.pages) + " ページ";
  if (job.bytes > 0) facts += "、" + SizeJa(job.bytes);
  *html += "<div>" + HtmlEscape(facts) + "</div>";
  if (!job.job_id.empty()) *html += "<div>ジョブ番号: " + HtmlEscape(job.job_id) + "</div>";
  const std::string kinds = PrintKindsJa(job);
  if (!kinds.empty()) *html += "<div>含まれているもの: " + HtmlEscape(kinds) + "</div>";
  if (!job.samples.empty()) {
    *html += "<div class=\"samples\">例（一部を伏せて表示）: ";
    for (std::size_t i = 0; i < job.samples.size() && i < 4; ++i)
      *html += (i ? "、" : "") + std::string("<span>") + HtmlEscape(MaskFreeText(job.samples[i])) +
               "</span>";
    *html += "</div>";
  }
  *html += "</li></ul>";
  *html += "<form method=\"post\" action=\"/confirm/" + HtmlEscape(p.id) +
           "\"><input type=\"hidden\" name=\"csrf\" value=\"" + HtmlEscape(p.csrf) +
           "\"><button type=\"submit\" name=\"decision\" value=\"cancel\" class=\"cancel\"" +
           (first ? " autofocus" : "") +
           ">印刷を取り消す</button><button type=\"submit\" name=\"decision\" value=\"send\" "
           "class=\"send\">印刷する</button></form><p class=\"hint\">迷ったときは「印刷を取り消す」"
           "を押してください。取り消した文書は、直してから印刷し直せます。</p></section>";
}

std::string TimeOfDay(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

std::string OutcomeJa(PromptRegistry::Answer a, bool print) {
  if (print) {
    switch (a) {
      case PromptRegistry::Answer::kSend:
        return "「印刷する」が選ばれました";
      case PromptRegistry::Answer::kCancel:
        return "取り消されました。印刷されていません";
      case PromptRegistry::Answer::kPending:
        return "時間切れのため保留されました（管理者が確認するまで印刷されません）";
      case PromptRegistry::Answer::kAbandoned:
        return "印刷ジョブが先に終わったため、回答は使われませんでした";
    }
  }
  switch (a) {
    case PromptRegistry::Answer::kSend:
      return "「送信する」が選ばれました";
    case PromptRegistry::Answer::kCancel:
      return "取り消されました。送信されていません";
    case PromptRegistry::Answer::kPending:
      return "時間切れのため送信されませんでした";
    case PromptRegistry::Answer::kAbandoned:
      return "送信元のメールソフトが接続を切ったため、このメールは送信されていません";
  }
  return "確認は終わりました";
}

constexpr std::string_view kHead =
    "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width\">"
    "<link rel=\"stylesheet\" href=\"/confirm.css\">";

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
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

std::string RenderConfirmPage(const std::vector<PromptInfo>& pending,
                              const std::vector<PromptRegistry::Finished>& recent,
                              std::chrono::steady_clock::time_point now) {
  std::string html(kHead);
  // Refreshes itself: the time left stays current and answered prompts move below.
  html += "<meta http-equiv=\"refresh\" content=\"5\"><title>";
  html += pending.empty() ? "sendguard 送信の確認"
                          : "(" + std::to_string(pending.size()) + ") sendguard 送信の確認";
  html += "</title></head><body><header><h1>送信の確認</h1>";
  bool mail = false, print = false;
  for (const PromptInfo& p : pending) (p.print ? print : mail) = true;
  if (mail)
    html +=
        "<p>sendguard がメールの送信を止めています。内容を確かめて、送ってよい場合だけ"
        "「送信する」を押してください。</p>";
  if (print)
    html +=
        "<p>sendguard が印刷を止めています。内容を確かめて、印刷してよい場合だけ"
        "「印刷する」を押してください。</p>";
  html += "</header><main>";
  if (pending.empty()) html += "<p class=\"none\">確認を待っているメールはありません。</p>";
  bool first = true;
  for (const PromptInfo& p : pending) {
    if (p.print) {
      AppendPrintPrompt(p, now, first, &html);
      first = false;
      continue;
    }
    html += "<section class=\"prompt\"><h2>件名: " +
            HtmlEscape(p.subject.empty() ? "(件名なし)" : MaskFreeText(p.subject)) + "</h2>";
    if (p.deadline.time_since_epoch().count() != 0) {
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(p.deadline - now).count();
      html +=
          "<p class=\"timer\">残り <b>" + std::to_string(left > 0 ? left : 0) +
          " 秒</b>。時間内に「送信する」が押されなければ、このメールは<b>送信されません</b>。</p>";
    }
    if (!p.reasons.empty()) {
      html += "<h3>確認が必要な理由</h3><ul class=\"reasons\">";
      for (const mailcheck::Reason& r : p.reasons)
        html += "<li>" + HtmlEscape(MaskFreeText(ReasonBeforeSending(r))) + "</li>";
      html += "</ul>";
    }
    if (!p.sender.empty()) html += "<p>差出人: " + HtmlEscape(p.sender) + "</p>";
    html += "<h3>宛先</h3>";
    AppendRecipients(p, &html);
    if (!p.attachments.empty()) {
      html += "<h3>添付ファイル（" + std::to_string(p.attachments.size()) +
              " 件）</h3><ul class=\"files\">";
      for (const FileReport& a : p.attachments) AppendFile(a, MaskFreeText(a.path), &html);
      html += "</ul>";
    }
    bool body_findings = false;
    for (const FileReport& b : p.body_parts) body_findings = body_findings || b.HasFindings();
    if (body_findings) {
      html += "<h3>本文</h3><ul class=\"files\">";
      for (const FileReport& b : p.body_parts) {
        if (b.HasFindings()) AppendFile(b, "メール本文", &html);
      }
      html += "</ul>";
    }
    html +=
        "<form method=\"post\" action=\"/confirm/" + HtmlEscape(p.id) +
        "\"><input type=\"hidden\" name=\"csrf\" value=\"" + HtmlEscape(p.csrf) +
        "\"><button type=\"submit\" name=\"decision\" value=\"cancel\" class=\"cancel\"" +
        (first ? " autofocus" : "") +
        ">送信を取り消す</button><button type=\"submit\" name=\"decision\" value=\"send\" "
        "class=\"send\">送信する</button></form><p class=\"hint\">迷ったときは「送信を取り消す」を"
        "押してください。取り消したメールはメールソフトに残り、直してから送り直せます。</p>"
        "</section>";
    first = false;
  }
  if (!recent.empty()) {
    html += "<section class=\"recent\"><h2>最近の確認</h2><ul>";
    for (const PromptRegistry::Finished& f : recent) {
      const bool print = f.info.print.has_value();
      const std::string& what = print ? f.info.print->title : f.info.subject;
      html +=
          "<li><span class=\"time\">" + TimeOfDay(f.at) + "</span> " + (print ? "印刷: " : "") +
          HtmlEscape(what.empty() ? (print ? "(題名なし)" : "(件名なし)") : MaskFreeText(what)) +
          " — " + OutcomeJa(f.answer, print);
      if (!f.note_ja.empty()) html += "（" + HtmlEscape(f.note_ja) + "）";
      html += "</li>";
    }
    html += "</ul></section>";
  }
  html += "</main></body></html>";
  return html;
}

std::string RenderNoticePage(std::string_view title_ja, std::string_view message_ja,
                             std::string_view message_en) {
  return std::string(kHead) + "<title>sendguard: " + HtmlEscape(title_ja) +
         "</title></head><body><header><h1>" + HtmlEscape(title_ja) + "</h1></header><main><p>" +
         HtmlEscape(message_ja) + "</p><p lang=\"en\" class=\"en\">" + HtmlEscape(message_en) +
         "</p></main></body></html>";
}

std::string RenderEnterPage() {
  return std::string(kHead) +
         "<meta http-equiv=\"refresh\" content=\"0; url=/confirm\"><title>sendguard 送信の確認"
         "</title></head><body><main><p><a href=\"/confirm\">送信の確認ページへ進む</a></p>"
         "</main></body></html>";
}

std::string_view ConfirmPageCss() {
  return R"css(body{font-family:"Noto Sans CJK JP","Noto Sans JP","IPAexGothic",sans-serif;margin:0;background:#f4f5f7;color:#1a1a1a;font-size:16px;line-height:1.6}
header{background:#1f3a5f;color:#fff;padding:12px 24px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0}
main{padding:16px 24px;max-width:900px}
.prompt{background:#fff;border:1px solid #c8ccd2;border-left:6px solid #c0392b;border-radius:6px;padding:12px 20px;margin-bottom:20px}
.prompt h2{font-size:20px;margin:4px 0 8px;word-break:break-all}.prompt h3{font-size:16px;margin:14px 0 4px;color:#333}
.timer{background:#fff4e5;border:1px solid #f0b35b;padding:6px 10px;border-radius:4px}.timer b{color:#b03a00}
ul{margin:4px 0;padding-left:20px}.domains,.files{list-style:none;padding-left:0}
.domains>li,.files>li{border:1px solid #dde0e4;border-radius:4px;padding:6px 10px;margin:4px 0}
.domains>li.ext{background:#fdf0ef}.domains>li.int{background:#f3f6f3}
.badge{display:inline-block;font-size:13px;font-weight:bold;padding:0 8px;margin-right:8px;border-radius:10px;background:#666;color:#fff}
.badge.ext{background:#c0392b}.badge.int{background:#3d7a4a}.badge.warn{background:#8e44ad}
.field{font-size:12px;color:#555;border:1px solid #aaa;border-radius:3px;padding:0 4px}
.files>li.risky{background:#fdf0ef}.fname{font-weight:bold;word-break:break-all}
.fclass{font-size:14px}.fclass.c1{color:#b00;font-weight:bold}.fclass.c2{color:#b35900;font-weight:bold}
.samples span{font-family:monospace;background:#eee;padding:0 4px}.warn{color:#8a4b00;font-weight:bold}
form{margin-top:16px;display:flex;gap:16px}
button{font-size:18px;padding:10px 24px;border-radius:6px;cursor:pointer;font-family:inherit}
button.cancel{background:#1f5fae;color:#fff;border:2px solid #1f5fae;font-weight:bold}
button.send{background:#fff;color:#333;border:1px solid #888}
button:focus{outline:3px solid #f0b35b;outline-offset:2px}
.recent{background:#fff;border:1px solid #dde0e4;border-radius:6px;padding:8px 20px}.recent h2{font-size:16px}
.hint{font-size:14px;color:#444}.time{font-family:monospace;color:#555}.none{font-size:18px}.en{color:#555}
)css";
}

}  // namespace agent
