// DesktopNotifier: tells the person at the desk when a message waits for their decision
// (verdict prompt), was refused (block), was not sent because the mail client gave up
// (prompt abandoned), or was sent with its To moved to Bcc (convert: once per message,
// with the reason), through the freedesktop notification service
// (org.freedesktop.Notifications on the session bus, via sd-bus). The notification
// names the subject and what is risky and points at the local confirmation page; it is
// withdrawn when the prompt is answered or times out.
//
// Notifications are sent from the notifier's own thread: an SMTP session never waits on
// D-Bus. Without a session bus (a service account, a headless machine) it does nothing
// and says so once on stderr. Thread-safe.
#ifndef AGENT_DESKTOP_NOTIFIER_H_
#define AGENT_DESKTOP_NOTIFIER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "agent/prompt_registry.h"
#include "agent/relay_observer.h"

namespace agent {

class DesktopNotifier : public RelayObserver {
 public:
  // `page_link` gives a fresh one-time link to the confirmation page for each prompt
  // notification (ControlApi::NewPageLink; the page opens only through such a link).
  // `prompt_timeout_ms`: how long a prompt notification stays up at most.
  DesktopNotifier(std::function<std::string()> page_link, int prompt_timeout_ms);
  ~DesktopNotifier() override;
  DesktopNotifier(const DesktopNotifier&) = delete;
  DesktopNotifier& operator=(const DesktopNotifier&) = delete;

  void OnRelay(const RelayReport& report) override;

  // A print job waits for the user's decision (the print guard's prompt): shown until
  // Withdraw(prompt.id) or `timeout_ms`.
  void PrintPrompt(const PromptInfo& prompt, int timeout_ms);
  void Withdraw(const std::string& prompt_id);
  // The text of a print prompt's notification (exposed for tests).
  static std::pair<std::string, std::string> PrintText(const PrintJobInfo& job,
                                                       const std::string& confirm_url);

  // The text of the notification for a report: {summary, body}; empty summary when the
  // report needs none (exposed for tests).
  static std::pair<std::string, std::string> Text(const RelayReport& report,
                                                  const std::string& confirm_url);

 private:
  struct Job {
    enum class Type { kShow, kClose } type;
    std::string key;  // prompt id, or "" for a one-off notification
    std::string summary, body;
    int timeout_ms = 0;
  };
  void Run();
  void Post(Job job);

  const std::function<std::string()> page_link_;
  const int prompt_timeout_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace agent

#endif  // AGENT_DESKTOP_NOTIFIER_H_
