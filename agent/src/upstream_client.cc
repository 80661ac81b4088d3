// The only file that touches Poco's sockets for upstream: Poco exceptions end here.
#include "agent/upstream_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <vector>

#include "agent/base64.h"

namespace agent {
namespace {

struct SmtpReply {
  int code = 0;
  std::string lines;  // every line of the reply, with CRLF
};

}  // namespace

struct UpstreamTls {
  Poco::Net::Context::Ptr context;
};

// One SMTP connection to upstream. Poco exceptions thrown here are turned into replies
// by Guarded() below.
class UpstreamSession {
 public:
  UpstreamSession(const UpstreamConfig& config, const UpstreamTls* tls)
      : config_(config), tls_(tls) {}
  ~UpstreamSession() {
    try {
      if (socket_) socket_->close();
    } catch (const Poco::Exception&) {
    }
  }

  void Connect() {
    const Poco::Net::SocketAddress address(config_.host, config_.port);
    const Poco::Timespan connect_timeout(config_.connect_timeout_seconds, 0);
    if (config_.tls == UpstreamConfig::Tls::kImplicit) {
      auto secure = std::make_unique<Poco::Net::SecureStreamSocket>(tls_->context);
      secure->setPeerHostName(config_.host);
      secure->connect(address, connect_timeout);
      socket_ = std::move(secure);
    } else {
      socket_ = std::make_unique<Poco::Net::StreamSocket>();
      socket_->connect(address, connect_timeout);
    }
    socket_->setNoDelay(true);
    socket_->setReceiveTimeout(Poco::Timespan(config_.reply_timeout_seconds, 0));
    socket_->setSendTimeout(Poco::Timespan(config_.reply_timeout_seconds, 0));
  }

  void StartTls() {
    auto secure = std::make_unique<Poco::Net::SecureStreamSocket>(
        Poco::Net::SecureStreamSocket::attach(*socket_, config_.host, tls_->context));
    secure->setReceiveTimeout(Poco::Timespan(config_.reply_timeout_seconds, 0));
    socket_ = std::move(secure);
    buffer_.clear();
    read_ = 0;
  }

  void Write(std::string_view data) {
    while (!data.empty()) {
      const int n = socket_->sendBytes(
          data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 16)));
      if (n <= 0) throw Poco::IOException("upstream closed the connection while sending");
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // Sends `message` (CRLF lines, not dot-stuffed) dot-stuffed and ended by the final dot.
  // On a plain connection straight from the caller's buffer: one sendmsg(2) of pieces of
  // `message` with a "." before each line that starts with one, no copy of the message.
  // Over TLS (which must encrypt a copy anyway) the stuffed copy goes to Write.
  void WriteMessage(std::string_view message) {
    const std::string_view end =
        message.size() >= 2 && message.substr(message.size() - 2) == "\r\n" ? ".\r\n" : "\r\n.\r\n";
    if (config_.tls != UpstreamConfig::Tls::kNone) {
      Write(DotStuffed(message, end));
      return;
    }
    std::vector<iovec> pieces;
    static constexpr char kDot = '.';
    std::size_t from = 0;  // start of the piece not yet added
    for (std::size_t line = 0; line < message.size();) {
      if (message[line] == '.') {
        if (line > from) pieces.push_back({const_cast<char*>(message.data() + from), line - from});
        pieces.push_back({const_cast<char*>(&kDot), 1});
        from = line;
      }
      const std::size_t dot_line = message.find("\n.", line);
      line = dot_line == std::string_view::npos ? message.size() : dot_line + 1;
    }
    if (message.size() > from)
      pieces.push_back({const_cast<char*>(message.data() + from), message.size() - from});
    pieces.push_back({const_cast<char*>(end.data()), end.size()});
    if (pieces.size() > IOV_MAX) {  // a message of thousands of dotted lines
      Write(DotStuffed(message, end));
      return;
    }
    const int fd = socket_->impl()->sockfd();
    std::size_t first = 0;
    while (first < pieces.size()) {
      msghdr header{};
      header.msg_iov = pieces.data() + first;
      header.msg_iovlen = pieces.size() - first;
      const ssize_t sent = ::sendmsg(fd, &header, MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))  // SO_SNDTIMEO ran out
        throw Poco::TimeoutException("upstream stopped reading the message");
      if (sent < 0) throw Poco::Net::NetException(std::strerror(errno));
      if (sent == 0) throw Poco::IOException("upstream closed the connection while sending");
      auto left = static_cast<std::size_t>(sent);
      while (first < pieces.size() && left >= pieces[first].iov_len)
        left -= pieces[first++].iov_len;
      if (left > 0) {
        pieces[first].iov_base = static_cast<char*>(pieces[first].iov_base) + left;
        pieces[first].iov_len -= left;
      }
    }
  }

  SmtpReply ReadReply() {
    SmtpReply reply;
    while (true) {
      const std::string_view line = ReadLine();
      if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
          !std::isdigit(static_cast<unsigned char>(line[1])) ||
          !std::isdigit(static_cast<unsigned char>(line[2]))) {
        throw Poco::ProtocolException("malformed reply from upstream");
      }
      reply.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
      reply.lines.append(line).append("\r\n");
      if (line.size() == 3 || line[3] != '-') return reply;
    }
  }

  // Sends QUIT without waiting for the answer: the session is over either way. Inside
  // DATA (see Abandon) nothing is sent: QUIT would be a line of the message.
  void Quit() {
    if (abandoned_) return;
    try {
      Write("QUIT\r\n");
    } catch (const Poco::Exception&) {
    }
  }

  // Upstream said 354 to a pipelined DATA that must not go on: RSET cannot be said inside
  // DATA, and anything sent would be message text, so the connection is closed without
  // the final dot; upstream discards the transaction (RFC 5321 §4.1.1.4). Not reusable.
  void Abandon() {
    abandoned_ = true;
    try {
      socket_->close();
    } catch (const Poco::Exception&) {
    }
  }

  // True when upstream has said or closed something unasked: not fit for reuse. One
  // poll(2) on the descriptor (Poco 1.11's Socket::poll makes an epoll set per call).
  bool HasUnreadInput() {
    if (read_ < buffer_.size()) return true;
    pollfd p{socket_->impl()->sockfd(), POLLIN, 0};
    const int ready = ::poll(&p, 1, 0);
    return ready != 0;  // readable, hung up, or poll failed: do not reuse
  }

  EhloCapabilities caps;  // what upstream's last EHLO reply offered

 private:
  static std::string DotStuffed(std::string_view message, std::string_view end) {
    std::string out;
    out.reserve(message.size() + message.size() / 50 + end.size());
    // Line by line (memchr), not byte by byte: a line that starts with '.' gets another.
    for (std::size_t pos = 0; pos < message.size();) {
      const std::size_t nl = message.find('\n', pos);
      const std::size_t stop = nl == std::string_view::npos ? message.size() : nl + 1;
      if (message[pos] == '.') out.push_back('.');
      out.append(message.substr(pos, stop - pos));
      pos = stop;
    }
    out.append(end);
    return out;
  }

  // The next line without its CRLF; valid until the next call. Replies to pipelined
  // commands usually arrive in one segment: one recv serves them all.
  std::string_view ReadLine() {
    while (true) {
      const std::size_t nl = buffer_.find('\n', read_);
      if (nl != std::string::npos) {
        std::string_view line(buffer_.data() + read_, nl - read_);
        read_ = nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return line;
      }
      buffer_.erase(0, read_);
      read_ = 0;
      if (buffer_.size() > 64 * 1024) throw Poco::ProtocolException("overlong reply from upstream");
      char chunk[4096];
      const int n = socket_->receiveBytes(chunk, sizeof chunk);
      if (n <= 0) throw Poco::IOException("upstream closed the connection");
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  const UpstreamConfig& config_;
  const UpstreamTls* tls_;
  std::unique_ptr<Poco::Net::StreamSocket> socket_;
  std::string buffer_;
  std::size_t read_ = 0;  // buffer_[read_, end): received, not yet read
  bool abandoned_ = false;
};

namespace {

// Text safe inside one reply line.
std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 200)) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  return out;
}

// Eight bytes at a time (the compiler vectorises the OR): a byte loop over a 10 KB
// message was most of Transact's own time.
bool Has8Bit(std::string_view s) {
  std::uint64_t any = 0;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, s.data() + i, sizeof word);
    any |= word;
  }
  for (; i < s.size(); ++i) any |= static_cast<unsigned char>(s[i]);
  return (any & 0x8080808080808080ULL) != 0;
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

namespace {

std::string UpperCopy(std::string_view text) {
  std::string s(text);
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

const std::vector<std::string> kNoParams;

}  // namespace

EhloCapabilities EhloCapabilities::Parse(std::string_view reply) {
  EhloCapabilities caps;
  bool first = true;
  while (!reply.empty()) {
    std::size_t nl = reply.find('\n');
    std::string_view line = reply.substr(0, nl);
    reply.remove_prefix(nl == std::string_view::npos ? reply.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {  // "250-domain greeting": names no extension
      first = false;
      continue;
    }
    if (line.size() < 4) continue;
    line.remove_prefix(4);  // "250-" / "250 "
    std::vector<std::string> words;
    while (!line.empty()) {
      const std::size_t start = line.find_first_not_of(" \t");
      if (start == std::string_view::npos) break;
      line.remove_prefix(start);
      const std::size_t end = line.find_first_of(" \t");
      words.emplace_back(line.substr(0, end));
      line.remove_prefix(end == std::string_view::npos ? line.size() : end);
    }
    if (words.empty()) continue;
    std::string keyword = UpperCopy(words.front());
    words.erase(words.begin());
    // The pre-RFC 2554 "AUTH=PLAIN LOGIN" form.
    if (const std::size_t eq = keyword.find('='); eq != std::string::npos) {
      if (keyword.substr(0, eq) != "AUTH") continue;
      if (eq + 1 < keyword.size()) words.insert(words.begin(), keyword.substr(eq + 1));
      keyword = "AUTH";
    }
    // ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    const bool valid = !keyword.empty() && keyword.front() != '-' &&
                       std::all_of(keyword.begin(), keyword.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
                       });
    if (!valid) continue;
    std::vector<std::string>& params = caps.keywords_[keyword];
    params.insert(params.end(), words.begin(), words.end());
  }
  return caps;
}

bool EhloCapabilities::Has(std::string_view keyword) const {
  return keywords_.count(UpperCopy(keyword)) > 0;
}

const std::vector<std::string>& EhloCapabilities::Params(std::string_view keyword) const {
  const auto it = keywords_.find(UpperCopy(keyword));
  return it == keywords_.end() ? kNoParams : it->second;
}

bool EhloCapabilities::HasAuthMechanism(std::string_view mechanism) const {
  const std::string wanted = UpperCopy(mechanism);
  for (const std::string& m : Params("AUTH"))
    if (UpperCopy(m) == wanted) return true;
  return false;
}

std::optional<std::uint64_t> EhloCapabilities::SizeLimit() const {
  if (!Has("SIZE")) return std::nullopt;
  const std::vector<std::string>& params = Params("SIZE");
  if (params.empty()) return 0;
  const std::string& text = params.front();
  if (text.empty() || text.size() > 19 || !std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      }))
    return 0;
  return std::stoull(text);
}

namespace {

// A reply the agent makes itself: Japanese first, then English (the mail client shows it).
std::string Say(int code, std::string_view enhanced, std::string ja, std::string en) {
  return MultiLineReply(code, enhanced, {std::move(ja), std::move(en)});
}

// Reads the greeting, says EHLO and upgrades to TLS when configured. Returns "" and
// fills in the session's capabilities on success, else the reply for the client.
std::string Greet(UpstreamSession& c, const UpstreamConfig& config) {
  c.Connect();
  SmtpReply r = c.ReadReply();
  if (r.code != 220)
    return Say(451, "4.4.0", "メールサーバーが接続を断りました。メールは送信されていません。",
               "Upstream mail server refused the connection; the message was not sent.");
  c.Write("EHLO " + config.helo_name + "\r\n");
  r = c.ReadReply();
  if (r.code != 250)
    return Say(451, "4.4.0",
               "メールサーバーが応答しませんでした (EHLO)。メールは送信されていません。",
               "Upstream refused EHLO; the message was not sent.");
  c.caps = EhloCapabilities::Parse(r.lines);
  if (config.tls == UpstreamConfig::Tls::kStartTls) {
    if (!c.caps.Has("STARTTLS")) {
      return Say(454, "4.7.0",
                 "メールサーバーが暗号化 (STARTTLS) に対応していないため、送信しませんでした。",
                 "Upstream does not offer STARTTLS; not sending in clear.");
    }
    c.Write("STARTTLS\r\n");
    r = c.ReadReply();
    if (r.code != 220)
      return Say(454, "4.7.0",
                 "メールサーバーが暗号化 (STARTTLS) を断りました。メールは送信されていません。",
                 "Upstream refused STARTTLS; the message was not sent.");
    c.StartTls();
    c.Write("EHLO " + config.helo_name + "\r\n");
    r = c.ReadReply();
    if (r.code != 250)
      return Say(451, "4.4.0",
                 "メールサーバーが暗号化後に応答しませんでした。メールは送信されていません。",
                 "Upstream refused EHLO after STARTTLS; the message was not sent.");
    c.caps = EhloCapabilities::Parse(r.lines);
  }
  return "";
}

// AUTH with the client's credentials: PLAIN when upstream offers it, else LOGIN. Returns
// "" on 235, else the reply to give.
std::string Authenticate(UpstreamSession& c, const std::string& user, const std::string& password) {
  if (!c.caps.Has("AUTH")) {
    return Say(454, "4.7.0", "メールサーバーが認証 (AUTH) に対応していません。",
               "Upstream does not offer authentication.");
  }
  SmtpReply r;
  if (c.caps.HasAuthMechanism("PLAIN")) {
    c.Write("AUTH PLAIN " + Base64Encode(std::string(1, '\0') + user + '\0' + password) + "\r\n");
    r = c.ReadReply();
  } else if (c.caps.HasAuthMechanism("LOGIN")) {
    c.Write("AUTH LOGIN\r\n");
    r = c.ReadReply();
    if (r.code == 334) {
      c.Write(Base64Encode(user) + "\r\n");
      r = c.ReadReply();
    }
    if (r.code == 334) {
      c.Write(Base64Encode(password) + "\r\n");
      r = c.ReadReply();
    }
  } else {
    return Say(454, "4.7.0", "メールサーバーが使える認証方式 (PLAIN, LOGIN) に対応していません。",
               "Upstream offers neither AUTH PLAIN nor AUTH LOGIN.");
  }
  if (r.code == 235) return "";
  return r.lines;
}

template <typename F>
std::string Guarded(F&& body) {
  try {
    return body();
  } catch (const Poco::TimeoutException&) {
    return Say(451, "4.4.2",
               "メールサーバーの応答が時間内にありませんでした。メールは送信されていません。しばら"
               "くしてから送り直してください。",
               "Upstream mail server timed out; the message was not sent.");
  } catch (const Poco::Net::NetException& e) {
    return Say(451, "4.4.1",
               "メールサーバーに接続できませんでした。メールは送信されていません。しばらくしてから"
               "送り直してください。",
               "Upstream mail server unavailable (" + OneLine(e.displayText()) +
                   "); the message was not sent.");
  } catch (const Poco::Exception& e) {
    return Say(451, "4.4.0",
               "メールサーバーとの通信でエラーが起きました。メールは送信されていません。",
               "Upstream error (" + OneLine(e.displayText()) + "); the message was not sent.");
  } catch (const std::exception& e) {
    return Say(451, "4.4.0",
               "メールサーバーとの通信でエラーが起きました。メールは送信されていません。",
               "Upstream error (" + OneLine(e.what()) + "); the message was not sent.");
  }
}

// How far a transaction got: a kept session that fails before kMessage may be replaced
// and the transaction run again, since upstream has not seen a byte of the message.
enum class Stage { kEnvelope, kMessage, kDone };

// One transaction on an open session. Returns the reply for the client; `*keep` says
// whether the session is in a clean state for another transaction.
std::string Transact(UpstreamSession& c, const SmtpEnvelope& envelope, std::string_view message,
                     Stage* stage, bool* keep) {
  *keep = false;
  *stage = Stage::kEnvelope;
  std::string mail = "MAIL FROM:<" + envelope.mail_from + ">";
  if (c.caps.Has("8BITMIME") && Has8Bit(message)) mail += " BODY=8BITMIME";
  if (envelope.smtputf8 && c.caps.Has("SMTPUTF8")) mail += " SMTPUTF8";
  if (c.caps.Has("SIZE")) mail += " SIZE=" + std::to_string(message.size());
  mail += PassThroughParams(envelope.mail_params) + "\r\n";
  std::vector<std::string> rcpts;
  for (std::size_t i = 0; i < envelope.rcpt_to.size(); ++i) {
    std::string rcpt = "RCPT TO:<" + envelope.rcpt_to[i] + ">";
    if (i < envelope.rcpt_params.size() && !envelope.rcpt_params[i].empty()) {
      rcpt += " " + envelope.rcpt_params[i];
    }
    rcpts.push_back(rcpt + "\r\n");
  }
  // With PIPELINING, MAIL, every RCPT and DATA go in one write (RFC 2920 §3.1: DATA may
  // end a group), then every reply is read; the message itself goes only after a 354 and
  // only when MAIL and every RCPT were accepted. Without it, one command at a time.
  const bool pipelining = c.caps.Has("PIPELINING");
  if (pipelining) {
    std::string batch = mail;
    for (const std::string& r : rcpts) batch += r;
    batch += "DATA\r\n";
    c.Write(batch);
  } else {
    c.Write(mail);
  }
  SmtpReply r = c.ReadReply();
  std::string refused;
  if (r.code / 100 != 2) refused = r.lines;
  for (const std::string& rcpt : rcpts) {
    if (!refused.empty() && !pipelining) break;
    if (!pipelining) c.Write(rcpt);
    r = c.ReadReply();
    if (r.code / 100 != 2 && refused.empty()) refused = r.lines;
  }
  if (pipelining) {
    r = c.ReadReply();  // DATA's: read even after a refusal, to stay in step
    if (!refused.empty() && r.code == 354) {
      // No partial sends: a refused recipient (or sender) abandons the whole transaction,
      // but DATA was accepted for the others; nothing of the message may follow.
      c.Abandon();
      return refused;
    }
  }
  if (!refused.empty()) {
    // No partial sends: abandon the whole transaction.
    c.Write("RSET\r\n");
    *keep = c.ReadReply().code == 250;
    return refused;
  }
  if (!pipelining) {
    c.Write("DATA\r\n");
    r = c.ReadReply();
  }
  if (r.code != 354) {
    c.Write("RSET\r\n");
    *keep = c.ReadReply().code == 250;
    return r.lines;
  }
  *stage = Stage::kMessage;
  c.WriteMessage(message);
  const SmtpReply final_reply = c.ReadReply();
  *stage = Stage::kDone;
  *keep = final_reply.code != 421;
  return final_reply.lines;
}

}  // namespace

UpstreamClient::UpstreamClient(UpstreamConfig config)
    : config_(std::move(config)), tls_(std::make_shared<UpstreamTls>()) {
  if (config_.tls != UpstreamConfig::Tls::kNone) {
    tls_->context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "",
                                           config_.ca_file, Poco::Net::Context::VERIFY_RELAXED, 9,
                                           /*loadDefaultCAs=*/config_.ca_file.empty());
  }
  unsigned char secret[32];
  randombytes_buf(secret, sizeof secret);
  key_secret_.assign(reinterpret_cast<const char*>(secret), sizeof secret);
  if (config_.keep_idle_seconds > 0) reaper_ = std::thread([this] { Reap(); });
}

UpstreamClient::~UpstreamClient() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  reaper_wake_.notify_all();
  if (reaper_.joinable()) reaper_.join();
  for (Idle& idle : idle_) idle.session->Quit();
}

std::string UpstreamClient::KeyFor(const std::string& user, const std::string& password) const {
  if (user.empty()) return "";
  const std::string credentials = user + '\0' + password;
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(credentials.data()),
                     credentials.size(), reinterpret_cast<const unsigned char*>(key_secret_.data()),
                     key_secret_.size());
  return std::string(reinterpret_cast<const char*>(hash), sizeof hash);
}

std::unique_ptr<UpstreamSession> UpstreamClient::Open(const std::string& user,
                                                      const std::string& password,
                                                      std::string* failure) const {
  auto session = std::make_unique<UpstreamSession>(config_, tls_.get());
  *failure = Guarded([&]() -> std::string {
    if (std::string failed = Greet(*session, config_); !failed.empty()) return failed;
    if (!user.empty()) return Authenticate(*session, user, password);
    return "";
  });
  if (!failure->empty()) {
    session->Quit();
    return nullptr;
  }
  return session;
}

std::unique_ptr<UpstreamSession> UpstreamClient::TakeIdle(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto deadline =
      std::chrono::steady_clock::now() - std::chrono::seconds(config_.keep_idle_seconds);
  for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {  // the most recent first
    if (it->key != key || it->since < deadline) continue;
    std::unique_ptr<UpstreamSession> session = std::move(it->session);
    idle_.erase(std::next(it).base());
    return session;
  }
  return nullptr;
}

// Whether upstream said or closed anything meanwhile is checked when a session is taken
// (Send), not here as well: one poll(2) a message fewer.
void UpstreamClient::Keep(std::unique_ptr<UpstreamSession> session, std::string key) const {
  if (config_.keep_idle_seconds <= 0) {
    session->Quit();
    return;
  }
  std::unique_ptr<UpstreamSession> evicted;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      evicted = std::move(session);
    } else {
      if (idle_.size() >= config_.max_idle_sessions) {
        evicted = std::move(idle_.front().session);
        idle_.erase(idle_.begin());
      }
      idle_.push_back({std::move(session), std::move(key), std::chrono::steady_clock::now()});
    }
  }
  if (evicted) evicted->Quit();
}

void UpstreamClient::Reap() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    reaper_wake_.wait_for(lock, std::chrono::seconds(1));
    const auto deadline =
        std::chrono::steady_clock::now() - std::chrono::seconds(config_.keep_idle_seconds);
    std::vector<std::unique_ptr<UpstreamSession>> expired;
    for (auto it = idle_.begin(); it != idle_.end();) {
      if (it->since < deadline) {
        expired.push_back(std::move(it->session));
        it = idle_.erase(it);
      } else {
        ++it;
      }
    }
    lock.unlock();
    for (auto& session : expired) session->Quit();
    expired.clear();
    lock.lock();
  }
}

std::size_t UpstreamClient::idle_sessions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return idle_.size();
}

std::string UpstreamClient::Verify(const std::string& user, const std::string& password) const {
  std::string failure;
  std::unique_ptr<UpstreamSession> session = Open(user, password, &failure);
  if (!session) return failure;
  // The session the credentials were just verified on carries the client's first message.
  Keep(std::move(session), KeyFor(user, password));
  return "235 2.7.0 Authentication successful\r\n";
}

std::string UpstreamClient::Send(const SmtpEnvelope& envelope, std::string_view message) const {
  const std::string key = KeyFor(envelope.auth_user, envelope.auth_password);
  std::unique_ptr<UpstreamSession> session = TakeIdle(key);
  while (session) {
    // A kept session: if upstream closed it meanwhile, and nothing of the message went
    // out, take the next one (or a fresh one).
    if (session->HasUnreadInput()) {
      session = TakeIdle(key);
      continue;
    }
    Stage stage = Stage::kEnvelope;
    bool keep = false;
    const std::string reply =
        Guarded([&] { return Transact(*session, envelope, message, &stage, &keep); });
    const bool stale = stage == Stage::kEnvelope &&
                       ((reply.rfind("451", 0) == 0 && reply.compare(4, 4, "4.4.") == 0) ||
                        reply.rfind("421", 0) == 0);
    if (!stale) {
      if (keep) Keep(std::move(session), key);
      return reply;
    }
    session = TakeIdle(key);
  }
  std::string failure;
  session = Open(envelope.auth_user, envelope.auth_password, &failure);
  if (!session) return failure;
  Stage stage = Stage::kEnvelope;
  bool keep = false;
  const std::string reply =
      Guarded([&] { return Transact(*session, envelope, message, &stage, &keep); });
  if (keep) {
    Keep(std::move(session), key);
  } else {
    session->Quit();
  }
  return reply;
}

}  // namespace agent
