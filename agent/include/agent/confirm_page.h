// The confirmation page's HTML, in Japanese for the staff who must decide at a glance:
// who sends, each recipient grouped by domain and marked 庁内/庁外, each attachment with
// what it holds (kinds and counts, Art. 10 class, masked samples only), the time left and
// what happens at zero, and 「送信を取り消す」 as the focused, primary button. Prompts that
// were answered or timed out are listed with what happened.
//
// Subjects and file names are shown through MaskFreeText (an identifier in them is masked,
// as everywhere else); every value from a message is HTML-escaped;
// the page has no script and takes its style from /confirm.css, so it works under
// `default-src 'none'; style-src 'self'`. Pure functions; thread-safe.
#ifndef AGENT_CONFIRM_PAGE_H_
#define AGENT_CONFIRM_PAGE_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "agent/prompt_registry.h"

namespace agent {

// The page itself: `pending` oldest first, `recent` newest first. Each pending prompt
// has one form posting `csrf` and `decision` (cancel|send) to /confirm/{id}.
std::string RenderConfirmPage(const std::vector<PromptInfo>& pending,
                              const std::vector<PromptRegistry::Finished>& recent,
                              std::chrono::steady_clock::time_point now);

// A page saying why a request was refused: Japanese first, then English.
std::string RenderNoticePage(std::string_view title_ja, std::string_view message_ja,
                             std::string_view message_en);

// The page that a one-time link answers with once it has set the session cookie: it
// moves the browser on to /confirm (a same-site navigation, so the SameSite=Strict
// cookie goes with it).
std::string RenderEnterPage();

// The style sheet served at /confirm.css.
std::string_view ConfirmPageCss();

// `s` with & < > " ' replaced by entities.
std::string HtmlEscape(std::string_view s);

}  // namespace agent

#endif  // AGENT_CONFIRM_PAGE_H_
