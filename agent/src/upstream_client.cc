// The only file that touches Poco's sockets for upstream: Poco exceptions end here.
#include "agent/upstream_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "agent/base64.h"

namespace agent {
namespace {

struct SmtpReply {
  int code = 0;
  std::string lines;  // every line of the reply, with CRLF
};

class Connection {
 public:
  Connection(const UpstreamConfig& config) : config_(config) {}

  void Connect() {
    const Poco::Net::SocketAddress address(config_.host, config_.port);
    const Poco::Timespan connect_timeout(config_.connect_timeout_seconds, 0);
    if (config_.tls == UpstreamConfig::Tls::kImplicit) {
      auto secure = std::make_unique<Poco::Net::SecureStreamSocket>(Context());
      secure->setPeerHostName(config_.host);
      secure->connect(address, connect_timeout);
      socket_ = std::move(secure);
    } else {
      socket_ = std::make_unique<Poco::Net::StreamSocket>();
      socket_->connect(address, connect_timeout);
    }
    socket_->setReceiveTimeout(Poco::Timespan(config_.reply_timeout_seconds, 0));
    socket_->setSendTimeout(Poco::Timespan(config_.reply_timeout_seconds, 0));
  }

  void StartTls() {
    auto secure = std::make_unique<Poco::Net::SecureStreamSocket>(
        Poco::Net::SecureStreamSocket::attach(*socket_, config_.host, Context()));
    secure->setReceiveTimeout(Poco::Timespan(config_.reply_timeout_seconds, 0));
    socket_ = std::move(secure);
    buffer_.clear();
  }

  void Write(std::string_view data) {
    while (!data.empty()) {
      const int n = socket_->sendBytes(
          data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 16)));
      if (n <= 0) throw Poco::IOException("upstream closed the connection while sending");
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  SmtpReply ReadReply() {
    SmtpReply reply;
    while (true) {
      const std::string line = ReadLine();
      if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0]))) {
        throw Poco::ProtocolException("malformed reply from upstream");
      }
      reply.code = std::stoi(line.substr(0, 3));
      reply.lines += line + "\r\n";
      if (line.size() == 3 || line[3] != '-') return reply;
    }
  }

 private:
  std::string ReadLine() {
    while (true) {
      const std::size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      if (buffer_.size() > 64 * 1024) throw Poco::ProtocolException("overlong reply from upstream");
      char chunk[4096];
      const int n = socket_->receiveBytes(chunk, sizeof chunk);
      if (n <= 0) throw Poco::IOException("upstream closed the connection");
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  Poco::Net::Context::Ptr Context() {
    if (!context_) {
      context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", config_.ca_file,
                                        Poco::Net::Context::VERIFY_RELAXED, 9,
                                        /*loadDefaultCAs=*/config_.ca_file.empty());
    }
    return context_;
  }

  const UpstreamConfig& config_;
  std::unique_ptr<Poco::Net::StreamSocket> socket_;
  Poco::Net::Context::Ptr context_;
  std::string buffer_;
};

// Text safe inside one reply line.
std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 200)) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  return out;
}

bool Has8Bit(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// The client-side parameters to keep: everything but BODY/SMTPUTF8/SIZE, which are set
// from what the message needs and what upstream offers.
std::string PassThroughParams(std::string_view params) {
  std::string out;
  std::size_t pos = 0;
  while (pos < params.size()) {
    std::size_t end = params.find(' ', pos);
    if (end == std::string_view::npos) end = params.size();
    std::string word(params.substr(pos, end - pos));
    std::string up = word;
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!word.empty() && up.rfind("BODY=", 0) != 0 && up != "SMTPUTF8" &&
        up.rfind("SIZE=", 0) != 0) {
      out += " " + word;
    }
    pos = end + 1;
  }
  return out;
}

std::string DotStuff(std::string_view message) {
  std::string out;
  out.reserve(message.size() + message.size() / 50 + 8);
  bool line_start = true;
  for (char c : message) {
    if (line_start && c == '.') out.push_back('.');
    out.push_back(c);
    line_start = c == '\n';
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out.append("\r\n");
  out.append(".\r\n");
  return out;
}

}  // namespace

bool ParseTls(std::string_view text, UpstreamConfig::Tls* tls) {
  if (text == "none")
    *tls = UpstreamConfig::Tls::kNone;
  else if (text == "starttls")
    *tls = UpstreamConfig::Tls::kStartTls;
  else if (text == "tls")
    *tls = UpstreamConfig::Tls::kImplicit;
  else
    return false;
  return true;
}

UpstreamClient::UpstreamClient(UpstreamConfig config) : config_(std::move(config)) {}

namespace {

std::string UpperCopy(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// Connects, reads the greeting, says EHLO and upgrades to TLS when configured. Returns ""
// and the EHLO capabilities (upper case) on success, else the reply for the client.
std::string OpenSession(Connection& c, const UpstreamConfig& config, std::string* caps) {
  c.Connect();
  SmtpReply r = c.ReadReply();
  if (r.code != 220) return "451 4.4.0 Upstream mail server refused the connection\r\n";
  c.Write("EHLO " + config.helo_name + "\r\n");
  r = c.ReadReply();
  if (r.code != 250) return "451 4.4.0 Upstream refused EHLO\r\n";
  *caps = UpperCopy(r.lines);
  if (config.tls == UpstreamConfig::Tls::kStartTls) {
    if (caps->find("STARTTLS") == std::string::npos) {
      return "454 4.7.0 Upstream does not offer STARTTLS; not sending in clear\r\n";
    }
    c.Write("STARTTLS\r\n");
    r = c.ReadReply();
    if (r.code != 220) return "454 4.7.0 Upstream refused STARTTLS\r\n";
    c.StartTls();
    c.Write("EHLO " + config.helo_name + "\r\n");
    r = c.ReadReply();
    if (r.code != 250) return "451 4.4.0 Upstream refused EHLO after STARTTLS\r\n";
    *caps = UpperCopy(r.lines);
  }
  return "";
}

// AUTH PLAIN with the client's credentials. Returns "" on 235, else the reply to give.
std::string Authenticate(Connection& c, const std::string& caps, const std::string& user,
                         const std::string& password) {
  if (caps.find("AUTH") == std::string::npos) {
    return "454 4.7.0 Upstream does not offer authentication\r\n";
  }
  c.Write("AUTH PLAIN " + Base64Encode(std::string(1, '\0') + user + '\0' + password) + "\r\n");
  const SmtpReply r = c.ReadReply();
  if (r.code == 235) return "";
  return r.lines;
}

template <typename F>
std::string Guarded(F&& body) {
  try {
    return body();
  } catch (const Poco::TimeoutException&) {
    return "451 4.4.2 Upstream mail server timed out; the message was not sent\r\n";
  } catch (const Poco::Net::NetException& e) {
    return "451 4.4.1 Upstream mail server unavailable (" + OneLine(e.displayText()) +
           "); the message was not sent\r\n";
  } catch (const Poco::Exception& e) {
    return "451 4.4.0 Upstream error (" + OneLine(e.displayText()) +
           "); the message was not sent\r\n";
  } catch (const std::exception& e) {
    return "451 4.4.0 Upstream error (" + OneLine(e.what()) + "); the message was not sent\r\n";
  }
}

}  // namespace

std::string UpstreamClient::Verify(const std::string& user, const std::string& password) const {
  Connection c(config_);
  return Guarded([&]() -> std::string {
    std::string caps;
    if (std::string failed = OpenSession(c, config_, &caps); !failed.empty()) return failed;
    std::string failed = Authenticate(c, caps, user, password);
    c.Write("QUIT\r\n");
    if (!failed.empty()) return failed;
    return "235 2.7.0 Authentication successful\r\n";
  });
}

std::string UpstreamClient::Send(const SmtpEnvelope& envelope, std::string_view message) const {
  Connection c(config_);
  return Guarded([&]() -> std::string {
    std::string caps;
    if (std::string failed = OpenSession(c, config_, &caps); !failed.empty()) return failed;
    if (!envelope.auth_user.empty()) {
      if (std::string failed = Authenticate(c, caps, envelope.auth_user, envelope.auth_password);
          !failed.empty()) {
        c.Write("QUIT\r\n");
        return failed;
      }
    }
    std::string mail = "MAIL FROM:<" + envelope.mail_from + ">";
    if (Has8Bit(message) && caps.find("8BITMIME") != std::string::npos) mail += " BODY=8BITMIME";
    if (envelope.smtputf8 && caps.find("SMTPUTF8") != std::string::npos) mail += " SMTPUTF8";
    if (caps.find("SIZE") != std::string::npos) mail += " SIZE=" + std::to_string(message.size());
    mail += PassThroughParams(envelope.mail_params) + "\r\n";
    c.Write(mail);
    SmtpReply r = c.ReadReply();
    if (r.code / 100 != 2) {
      c.Write("QUIT\r\n");
      return r.lines;
    }
    for (std::size_t i = 0; i < envelope.rcpt_to.size(); ++i) {
      std::string rcpt = "RCPT TO:<" + envelope.rcpt_to[i] + ">";
      if (i < envelope.rcpt_params.size() && !envelope.rcpt_params[i].empty()) {
        rcpt += " " + envelope.rcpt_params[i];
      }
      c.Write(rcpt + "\r\n");
      r = c.ReadReply();
      if (r.code / 100 != 2) {
        // No partial sends: abandon the whole transaction.
        const std::string refused = r.lines;
        c.Write("RSET\r\n");
        c.ReadReply();
        c.Write("QUIT\r\n");
        return refused;
      }
    }
    c.Write("DATA\r\n");
    r = c.ReadReply();
    if (r.code != 354) {
      c.Write("QUIT\r\n");
      return r.lines;
    }
    c.Write(DotStuff(message));
    const SmtpReply final_reply = c.ReadReply();
    try {
      c.Write("QUIT\r\n");
      c.ReadReply();
    } catch (const Poco::Exception&) {
      // The message is already accepted or refused; QUIT is a courtesy.
    }
    return final_reply.lines;
  });
}

}  // namespace agent
