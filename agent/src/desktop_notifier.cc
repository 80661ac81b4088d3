#include "agent/desktop_notifier.h"

#include <dlfcn.h>
#include <systemd/sd-bus.h>

#include <cstdio>
#include <optional>

#include "agent/free_text_mask.h"
#include "mailcheck/verdict.h"

namespace agent {
namespace {

constexpr char kService[] = "org.freedesktop.Notifications";
constexpr char kPath[] = "/org/freedesktop/Notifications";
constexpr std::uint64_t kCallTimeoutUsec = 3'000'000;

// Notification bodies may carry simple markup: keep user text literal.
std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out.push_back(c);
  }
  return out;
}

std::string Recipients(const SmtpEnvelope& envelope) {
  std::string out;
  for (std::size_t i = 0; i < envelope.rcpt_to.size() && i < 5; ++i) {
    if (i) out += ", ";
    out += envelope.rcpt_to[i];
  }
  if (envelope.rcpt_to.size() > 5)
    out += " ほか" + std::to_string(envelope.rcpt_to.size() - 5) + "件";
  return out;
}

// libsystemd's sd-bus, loaded with dlopen when the first notification is due rather than
// linked: the agent at idle then maps none of libsystemd's libraries (docs/PERFORMANCE.md,
// "Idle memory"). Null when libsystemd.so.0 cannot be loaded (then: no notifications).
struct SdBusApi {
  decltype(&::sd_bus_open_user) open_user;
  decltype(&::sd_bus_flush_close_unref) flush_close_unref;
  decltype(&::sd_bus_message_new_method_call) message_new_method_call;
  decltype(&::sd_bus_message_append) message_append;
  decltype(&::sd_bus_call) call;
  decltype(&::sd_bus_message_read) message_read;
  decltype(&::sd_bus_error_free) error_free;
  decltype(&::sd_bus_message_unref) message_unref;
  decltype(&::sd_bus_call_method) call_method;
};

template <typename F>
bool Resolve(void* lib, const char* name, F* out) {
  *out = reinterpret_cast<F>(dlsym(lib, name));
  return *out != nullptr;
}

const SdBusApi* LoadSdBus() {
  static const std::optional<SdBusApi> api = []() -> std::optional<SdBusApi> {
    void* lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* why = dlerror();
      std::fprintf(stderr, "sendguard-agent: cannot load libsystemd (%s)\n", why ? why : "");
      return std::nullopt;
    }
    SdBusApi a{};
    const bool ok = Resolve(lib, "sd_bus_open_user", &a.open_user) &&
                    Resolve(lib, "sd_bus_flush_close_unref", &a.flush_close_unref) &&
                    Resolve(lib, "sd_bus_message_new_method_call", &a.message_new_method_call) &&
                    Resolve(lib, "sd_bus_message_append", &a.message_append) &&
                    Resolve(lib, "sd_bus_call", &a.call) &&
                    Resolve(lib, "sd_bus_message_read", &a.message_read) &&
                    Resolve(lib, "sd_bus_error_free", &a.error_free) &&
                    Resolve(lib, "sd_bus_message_unref", &a.message_unref) &&
                    Resolve(lib, "sd_bus_call_method", &a.call_method);
    if (!ok) {
      std::fprintf(stderr, "sendguard-agent: libsystemd.so.0 lacks an sd-bus function\n");
      return std::nullopt;
    }
    return a;
  }();
  return api ? &*api : nullptr;
}

// The session bus, opened on the notifier's thread; null when there is none.
class Bus {
 public:
  Bus() : api_(LoadSdBus()) {
    if (!api_ || api_->open_user(&bus_) < 0) bus_ = nullptr;
  }
  ~Bus() {
    if (bus_) api_->flush_close_unref(bus_);
  }
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;
  explicit operator bool() const { return bus_ != nullptr; }

  // Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout).
  std::uint32_t Notify(const std::string& summary, const std::string& body, int timeout_ms,
                       std::uint32_t replaces) {
    sd_bus_message* m = nullptr;
    sd_bus_message* reply = nullptr;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    std::uint32_t id = 0;
    int r = api_->message_new_method_call(bus_, &m, kService, kPath, kService, "Notify");
    if (r >= 0)
      r = api_->message_append(m, "susssas", "sendguard", replaces, "dialog-warning",
                               summary.c_str(), body.c_str(), 0);
    // hints: urgency critical (2) so it stays until answered; the category for filters.
    if (r >= 0)
      r = api_->message_append(m, "a{sv}", 2, "urgency", "y", std::uint8_t{2}, "category", "s",
                               "email");
    if (r >= 0) r = api_->message_append(m, "i", timeout_ms);
    if (r >= 0) r = api_->call(bus_, m, kCallTimeoutUsec, &error, &reply);
    if (r >= 0) r = api_->message_read(reply, "u", &id);
    if (r < 0) {
      std::fprintf(stderr, "sendguard-agent: desktop notification failed: %s\n",
                   error.message ? error.message : "D-Bus error");
      id = 0;
    }
    api_->error_free(&error);
    api_->message_unref(reply);
    api_->message_unref(m);
    return id;
  }

  void Close(std::uint32_t id) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    api_->call_method(bus_, kService, kPath, kService, "CloseNotification", &error, &reply, "u",
                      id);
    api_->error_free(&error);
    api_->message_unref(reply);
  }

 private:
  const SdBusApi* api_;
  sd_bus* bus_ = nullptr;
};

}  // namespace

DesktopNotifier::DesktopNotifier(std::function<std::string()> page_link, int prompt_timeout_ms)
    : page_link_(std::move(page_link)), prompt_timeout_ms_(prompt_timeout_ms) {
  thread_ = std::thread([this] { Run(); });
}

DesktopNotifier::~DesktopNotifier() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::pair<std::string, std::string> DesktopNotifier::Text(const RelayReport& report,
                                                          const std::string& confirm_url) {
  if (!report.decision) return {};
  const mailcheck::Decision& d = *report.decision;
  std::string reasons;
  for (const mailcheck::Reason& r : d.reasons) {
    if (r.verdict == mailcheck::Verdict::kAllow) continue;
    reasons += "・" + Escape(r.message_ja.empty() ? r.message : r.message_ja) + "\n";
  }
  const std::string about = "件名: " + Escape(d.subject) +
                            "\n宛先: " + Escape(Recipients(report.envelope)) + "\n" + reasons;
  if ((report.outcome == RelayOutcome::kRelayed ||
       report.outcome == RelayOutcome::kPromptConfirmed) &&
      d.bcc_conversion.applied && !report.reply.empty() && report.reply[0] == '2') {
    std::string why;
    for (const mailcheck::Reason& r : d.reasons) {
      if (r.code == "bcc_conversion") why = r.message_ja.empty() ? r.message : r.message_ja;
    }
    if (why.empty()) why = "To に庁外の宛先を含む複数の宛先があったため、全員を Bcc に移しました。";
    std::string moved;
    for (std::size_t i = 0; i < d.bcc_conversion.moved.size() && i < 5; ++i)
      moved += (i ? ", " : "") + d.bcc_conversion.moved[i];
    if (d.bcc_conversion.moved.size() > 5)
      moved += " ほか" + std::to_string(d.bcc_conversion.moved.size() - 5) + "件";
    return {"宛先の To を Bcc に変えて送信しました (sendguard)",
            "件名: " + Escape(d.subject) + "\n" + Escape(why) + "\nBcc に移した宛先: " +
                Escape(moved) + "\n受信者には To が「" + Escape(d.bcc_conversion.to_header) +
                "」と表示され、互いのアドレスは見えません。アドレスを見せたい宛先は Cc "
                "に入れてください。"};
  }
  if (report.outcome == RelayOutcome::kPromptRaised) {
    return {"送信前の確認が必要です (sendguard)",
            about + "送信するか取り消すかを確認ページで選んでください: " + confirm_url};
  }
  if (report.outcome == RelayOutcome::kBlocked) {
    return {"メールの送信を止めました (sendguard)", about + "このメールは送信されていません。"};
  }
  if (report.outcome == RelayOutcome::kPromptAbandoned) {
    return {"メールは送信されていません (sendguard)",
            "件名: " + Escape(d.subject) +
                "\n送信元のメールソフトが接続を切ったため、このメールは送信されていません。"
                "メールソフトの送信エラーや送信トレイを確かめてください。"};
  }
  return {};
}

void DesktopNotifier::OnRelay(const RelayReport& report) {
  switch (report.outcome) {
    case RelayOutcome::kPromptRaised:
    case RelayOutcome::kBlocked: {
      const std::string link =
          report.outcome == RelayOutcome::kPromptRaised && page_link_ ? page_link_() : "";
      auto [summary, body] = Text(report, link);
      if (summary.empty()) return;
      Post({Job::Type::kShow, std::string(report.prompt_id), std::move(summary), std::move(body),
            report.outcome == RelayOutcome::kPromptRaised ? prompt_timeout_ms_ : 0});
      return;
    }
    case RelayOutcome::kRelayed: {  // a converted mail: the sender is told once, here
      auto [summary, body] = Text(report, "");
      if (!summary.empty()) Post({Job::Type::kShow, "", std::move(summary), std::move(body), 0});
      return;
    }
    case RelayOutcome::kPromptConfirmed: {
      Post({Job::Type::kClose, std::string(report.prompt_id), {}, {}, 0});
      auto [summary, body] = Text(report, "");
      if (!summary.empty()) Post({Job::Type::kShow, "", std::move(summary), std::move(body), 0});
      return;
    }
    case RelayOutcome::kPromptCancelled:
      Post({Job::Type::kClose, std::string(report.prompt_id), {}, {}, 0});
      return;
    case RelayOutcome::kPromptAbandoned: {
      Post({Job::Type::kClose, std::string(report.prompt_id), {}, {}, 0});
      auto [summary, body] = Text(report, "");
      if (!summary.empty()) Post({Job::Type::kShow, "", std::move(summary), std::move(body), 0});
      return;
    }
    default:
      return;
  }
}

std::pair<std::string, std::string> DesktopNotifier::PrintText(const PrintJobInfo& job,
                                                               const std::string& confirm_url) {
  return {"印刷前の確認が必要です (sendguard)",
          "文書: " + Escape(MaskFreeText(job.title)) + "\nプリンター: " +
              Escape(MaskFreeText(job.printer)) + "\n" + Escape(MaskFreeText(job.message)) +
              "\n印刷するか取り消すかを確認ページで選んでください: " + confirm_url};
}

void DesktopNotifier::PrintPrompt(const PromptInfo& prompt, int timeout_ms) {
  if (!prompt.print) return;
  auto [summary, body] = PrintText(*prompt.print, page_link_ ? page_link_() : "");
  Post({Job::Type::kShow, prompt.id, std::move(summary), std::move(body), timeout_ms});
}

void DesktopNotifier::Withdraw(const std::string& prompt_id) {
  Post({Job::Type::kClose, prompt_id, {}, {}, 0});
}

void DesktopNotifier::Post(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (jobs_.size() >= 100) return;  // a flood of prompts: the page lists them all anyway
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void DesktopNotifier::Run() {
  std::optional<Bus> bus;  // opened (and libsystemd loaded) when the first job comes
  bool said = false;
  std::map<std::string, std::uint32_t> shown;  // prompt id → notification id
  while (true) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    if (!bus.has_value()) bus.emplace();
    if (!*bus) {
      if (!said) {
        std::fprintf(stderr,
                     "sendguard-agent: no session bus: no desktop notifications (the "
                     "confirmation page still works)\n");
        said = true;
      }
      continue;
    }
    if (job.type == Job::Type::kShow) {
      const std::uint32_t id = bus->Notify(job.summary, job.body, job.timeout_ms, 0);
      if (id && !job.key.empty()) shown[job.key] = id;
    } else if (auto it = shown.find(job.key); it != shown.end()) {
      bus->Close(it->second);
      shown.erase(it);
    }
  }
}

}  // namespace agent
