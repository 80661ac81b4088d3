// SmtpNotifier: Poco's SMTP client; Poco exceptions end here.
#include <Poco/Exception.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/StringPartSource.h>

#include <cstdio>

#include "central/incidents/notifier.h"

namespace central::incidents {
namespace {

class SmtpNotifier : public Notifier {
 public:
  explicit SmtpNotifier(SmtpNotifierConfig c) : c_(std::move(c)) {}

  Status Send(const Notice& n) override {
    if (c_.host.empty() || n.logins.empty()) return Status::Ok();
    try {
      Poco::Net::MailMessage m;
      m.setSender(c_.from);
      for (const auto& login : n.logins)
        m.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT,
                                                login + "@" + c_.domain));
      m.setSubject(Poco::Net::MailMessage::encodeWord(n.subject, "UTF-8"));
      m.setContentType("text/plain; charset=UTF-8");
      m.setContent(n.text, Poco::Net::MailMessage::ENCODING_8BIT);
      Poco::Net::SMTPClientSession session(c_.host, static_cast<Poco::UInt16>(c_.port));
      session.login();
      session.sendMessage(m);
      session.close();
      return Status::Ok();
    } catch (const Poco::Exception& e) {
      return Status::Error("mail to " + c_.host + ": " + e.displayText());
    }
  }

  const std::string& BaseUrl() const override { return c_.base_url; }

 private:
  SmtpNotifierConfig c_;
};

}  // namespace

Result<SmtpNotifierConfig> ParseSmtpFlag(const std::string& value) {
  SmtpNotifierConfig c;
  const std::size_t colon = value.rfind(':');
  c.host = value.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string p = value.substr(colon + 1);
    if (p.empty() || p.find_first_not_of("0123456789") != std::string::npos || p.size() > 5 ||
        std::stoi(p) > 65535)
      return Result<SmtpNotifierConfig>::Error("--smtp: expected HOST:PORT, got '" + value + "'");
    c.port = std::stoi(p);
  }
  if (c.host.empty())
    return Result<SmtpNotifierConfig>::Error("--smtp: expected HOST:PORT, got '" + value + "'");
  return c;
}

std::unique_ptr<Notifier> NewSmtpNotifier(SmtpNotifierConfig config) {
  return std::make_unique<SmtpNotifier>(std::move(config));
}

}  // namespace central::incidents
