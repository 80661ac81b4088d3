// Notifier: tells a console user that something waits for them — a mail from central with
// the case number, the step's name and a link, never personal data (no names, subjects,
// addresses or findings of the case). SmtpNotifier sends through a configured SMTP server
// (Poco::Net::SMTPClientSession); without one nothing is sent. Thread-safe.
#ifndef CENTRAL_INCIDENTS_NOTIFIER_H_
#define CENTRAL_INCIDENTS_NOTIFIER_H_

#include <memory>
#include <string>
#include <vector>

#include "central/result.h"

namespace central::incidents {

struct Notice {
  std::vector<std::string> logins;  // console logins to tell
  std::string subject;              // no personal data
  std::string text;                 // no personal data; holds the link
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual Status Send(const Notice& notice) = 0;
  // The console's base URL for links ("http://host:port").
  virtual const std::string& BaseUrl() const = 0;
};

struct SmtpNotifierConfig {
  std::string host;  // "" : notifications off
  int port = 25;
  std::string from = "sendguard-central@localhost";
  std::string domain;    // a login's mail address is login@domain
  std::string base_url;  // links in the mails
};

// Parses "HOST:PORT" of --smtp.
Result<SmtpNotifierConfig> ParseSmtpFlag(const std::string& value);
std::unique_ptr<Notifier> NewSmtpNotifier(SmtpNotifierConfig config);

}  // namespace central::incidents

#endif  // CENTRAL_INCIDENTS_NOTIFIER_H_
