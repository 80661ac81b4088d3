#include "agent/smtp_session.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "agent/base64.h"

namespace agent {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// True when `params` (space-separated ESMTP parameters) holds `name` (=value optional).
bool HasParam(std::string_view params, std::string_view name, std::string* value = nullptr) {
  const std::string up = Upper(params);
  std::size_t pos = 0;
  while (pos < up.size()) {
    std::size_t end = up.find(' ', pos);
    if (end == std::string::npos) end = up.size();
    const std::string_view word = std::string_view(up).substr(pos, end - pos);
    if (word == name || (word.size() > name.size() && word.substr(0, name.size()) == name &&
                         word[name.size()] == '=')) {
      if (value && word.size() > name.size())
        *value = std::string(params.substr(pos + name.size() + 1, end - pos - name.size() - 1));
      return true;
    }
    pos = end + 1;
  }
  return false;
}

}  // namespace

std::string Reply(int code, std::string_view enhanced, std::string_view text) {
  std::string r = std::to_string(code);
  r.push_back(' ');
  if (!enhanced.empty()) {
    r.append(enhanced);
    r.push_back(' ');
  }
  r.append(text);
  r.append("\r\n");
  return r;
}

namespace {

// The length of the valid UTF-8 sequence at the start of `s` and its code point, or 0
// when it is not valid (overlong forms, surrogates and code points past U+10FFFF are not).
std::size_t Utf8Sequence(std::string_view s, char32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  std::size_t n;
  char32_t min;
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    n = 2, min = 0x80, *cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, min = 0x800, *cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, min = 0x10000, *cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return n;
}

bool Unprintable(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
         cp == 0x200F || cp == 0x061C;
}

}  // namespace

std::string ReplyText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    char32_t cp = 0;
    const std::size_t n = Utf8Sequence(text, &cp);
    if (n == 0) {
      out.push_back('?');
      text.remove_prefix(1);
      continue;
    }
    if (Unprintable(cp))
      out.push_back(' ');
    else
      out.append(text.substr(0, n));
    text.remove_prefix(n);
  }
  return out;
}

std::string MultiLineReply(int code, std::string_view enhanced,
                           const std::vector<std::string>& texts, std::size_t max_text_bytes) {
  max_text_bytes = std::max<std::size_t>(max_text_bytes, 16);
  std::vector<std::string> lines;
  for (const std::string& raw : texts) {
    const std::string safe = ReplyText(raw);
    std::string_view rest(safe);
    do {
      std::size_t cut = rest.size();
      if (rest.size() > max_text_bytes) {
        // The last character boundary that fits, preferably just after a space or 、。
        std::size_t boundary = 0, preferred = 0;
        for (std::size_t i = 0; i < rest.size();) {
          char32_t cp = 0;
          const std::size_t n = std::max<std::size_t>(1, Utf8Sequence(rest.substr(i), &cp));
          if (i + n > max_text_bytes) break;
          i += n;
          boundary = i;
          if (cp == ' ' || cp == U'、' || cp == U'。' || cp == U'，' || cp == ',') preferred = i;
        }
        cut = preferred > max_text_bytes / 2 ? preferred : boundary;
      }
      std::string_view line = rest.substr(0, cut);
      while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
      lines.emplace_back(line);
      rest.remove_prefix(cut);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    } while (!rest.empty());
  }
  if (lines.empty()) lines.emplace_back();
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += std::to_string(code);
    out += i + 1 < lines.size() ? '-' : ' ';
    if (!enhanced.empty()) {
      out.append(enhanced);
      out += ' ';
    }
    out += lines[i];
    out += "\r\n";
  }
  return out;
}

bool ParsePathAndParams(std::string_view arg, std::string* path, std::string* params) {
  arg = Trim(arg);
  if (arg.empty() || arg.front() != '<') return false;
  const std::size_t close = arg.find('>');
  if (close == std::string_view::npos) return false;
  std::string_view p = arg.substr(1, close - 1);
  // Drop a source route ("@a,@b:user@host").
  if (!p.empty() && p.front() == '@') {
    const std::size_t colon = p.find(':');
    if (colon == std::string_view::npos) return false;
    p.remove_prefix(colon + 1);
  }
  if (p.find_first_of(" \t<>") != std::string_view::npos) return false;
  *path = std::string(p);
  *params = std::string(Trim(arg.substr(close + 1)));
  return true;
}

SmtpSession::SmtpSession(SessionLimits limits, std::string hostname, MessageHandler handler,
                         Authenticator authenticator)
    : limits_(limits),
      hostname_(std::move(hostname)),
      handler_(std::move(handler)),
      authenticator_(std::move(authenticator)) {}

std::string SmtpSession::Greeting() const {
  return Reply(220, "", hostname_ + " ESMTP sendguard-agent");
}

std::size_t SmtpSession::max_line() const {
  return state_ == State::kData ? limits_.max_data_line : limits_.max_command_line;
}

std::string SmtpSession::OnOverlongLine() {
  state_ = State::kClosed;
  return Reply(500, "5.5.2", "Line too long; closing the connection");
}

bool LooksLikeHttp(std::string_view line) {
  static constexpr std::string_view kMethods[] = {
      "GET ", "POST ", "PUT ", "HEAD ", "OPTIONS ", "CONNECT ", "DELETE ", "PATCH ", "TRACE "};
  const std::string start = Upper(line.substr(0, 8));
  for (std::string_view method : kMethods)
    if (std::string_view(start).substr(0, method.size()) == method) return true;
  // A header line: "Name:" where the name is a token (SMTP verbs never end in ':').
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  return std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

std::string SmtpSession::OnLine(std::string_view line) {
  if (state_ == State::kClosed) return {};
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (state_ == State::kData) return OnDataLine(line);
  if (state_ == State::kAuthPlain || state_ == State::kAuthLoginUser ||
      state_ == State::kAuthLoginPassword) {
    return CountErrors(OnAuthLine(line));
  }
  if (line.find('\0') != std::string_view::npos) {
    return CountErrors(Reply(500, "5.5.2", "Syntax error: NUL in command"));
  }
  if (LooksLikeHttp(line)) {
    state_ = State::kClosed;
    return Reply(554, "5.7.0", "This is an SMTP server, not HTTP; closing the connection");
  }
  return CountErrors(OnCommand(line));
}

std::string SmtpSession::CountErrors(std::string reply) {
  // 452 to RCPT is "send the rest in another transaction" (RFC 5321 §4.5.3.1.10), not
  // an error of the client's.
  if (reply.empty() || (reply[0] != '4' && reply[0] != '5') || reply.rfind("452", 0) == 0 ||
      state_ == State::kClosed)
    return reply;
  if (++errors_ < limits_.max_errors) return reply;
  state_ = State::kClosed;
  return reply + Reply(421, "4.7.0", "Too many errors; closing the connection");
}

std::string SmtpSession::OnCommand(std::string_view line) {
  const std::size_t space = line.find(' ');
  const std::string verb = Upper(line.substr(0, space));
  const std::string_view arg =
      space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  if (verb == "EHLO") return Ehlo(arg, true);
  if (verb == "HELO") return Ehlo(arg, false);
  if (verb == "NOOP") return Reply(250, "2.0.0", "Ok");
  if (verb == "RSET") {
    ResetTransaction();
    if (state_ != State::kConnected) state_ = State::kGreeted;
    return Reply(250, "2.0.0", "Ok");
  }
  if (verb == "QUIT") {
    state_ = State::kClosed;
    return Reply(221, "2.0.0", "Bye");
  }
  if (verb == "MAIL") return Mail(arg);
  if (verb == "RCPT") return Rcpt(arg);
  if (verb == "DATA") return Data();
  if (verb == "AUTH") return Auth(arg);
  if (verb == "VRFY") return Reply(252, "2.5.0", "Cannot VRFY user");
  if (verb == "HELP") return Reply(214, "2.0.0", "See RFC 5321");
  if (verb == "BDAT") return Reply(502, "5.5.1", "BDAT not supported; use DATA");
  if (verb == "STARTTLS") return Reply(502, "5.5.1", "STARTTLS not offered on loopback");
  return Reply(500, "5.5.2", "Command not recognized");
}

std::string SmtpSession::Ehlo(std::string_view arg, bool extended) {
  if (Trim(arg).empty()) return Reply(501, "5.5.4", "Syntax: EHLO hostname");
  ResetTransaction();
  state_ = State::kGreeted;
  if (!extended) return Reply(250, "", hostname_);
  std::string r = "250-" + hostname_ + "\r\n";
  r += "250-PIPELINING\r\n";
  r += "250-SIZE " + std::to_string(limits_.max_message_bytes) + "\r\n";
  r += "250-8BITMIME\r\n";
  r += "250-SMTPUTF8\r\n";
  r += "250-DSN\r\n";
  if (authenticator_) r += "250-AUTH PLAIN LOGIN\r\n";
  r += "250 ENHANCEDSTATUSCODES\r\n";
  return r;
}

std::string SmtpSession::Mail(std::string_view arg) {
  if (state_ == State::kConnected) return Reply(503, "5.5.1", "Send EHLO first");
  if (state_ != State::kGreeted) return Reply(503, "5.5.1", "Nested MAIL command");
  if (Upper(arg.substr(0, 5)) != "FROM:") return Reply(501, "5.5.4", "Syntax: MAIL FROM:<address>");
  std::string path, params;
  if (!ParsePathAndParams(arg.substr(5), &path, &params)) {
    return Reply(501, "5.1.7", "Bad sender address syntax");
  }
  std::string size;
  if (HasParam(params, "SIZE", &size)) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(size.c_str(), &end, 10);
    if (size.empty() || *end != '\0') return Reply(501, "5.5.4", "Bad SIZE parameter");
    if (n > limits_.max_message_bytes)
      return Reply(552, "5.3.4", "Message size exceeds fixed limit");
  }
  ResetTransaction();
  envelope_.mail_from = path;
  envelope_.mail_params = params;
  std::string body;
  envelope_.body_8bit = HasParam(params, "BODY", &body) && Upper(body) == "8BITMIME";
  envelope_.smtputf8 = HasParam(params, "SMTPUTF8");
  state_ = State::kMail;
  return Reply(250, "2.1.0", "Ok");
}

std::string SmtpSession::Rcpt(std::string_view arg) {
  if (state_ != State::kMail && state_ != State::kRcpt)
    return Reply(503, "5.5.1", "Need MAIL command");
  if (Upper(arg.substr(0, 3)) != "TO:") return Reply(501, "5.5.4", "Syntax: RCPT TO:<address>");
  std::string path, params;
  if (!ParsePathAndParams(arg.substr(3), &path, &params) || path.empty()) {
    return Reply(501, "5.1.3", "Bad recipient address syntax");
  }
  if (envelope_.rcpt_to.size() >= limits_.max_recipients) {
    return Reply(452, "4.5.3", "Too many recipients");
  }
  envelope_.rcpt_to.push_back(path);
  envelope_.rcpt_params.push_back(params);
  state_ = State::kRcpt;
  return Reply(250, "2.1.5", "Ok");
}

std::string SmtpSession::Data() {
  if (state_ == State::kMail) return Reply(554, "5.5.1", "No valid recipients");
  if (state_ != State::kRcpt) return Reply(503, "5.5.1", "Need RCPT command");
  state_ = State::kData;
  message_.clear();
  // One allocation for an ordinary mail instead of a dozen doublings from empty (the last
  // message's buffer went to the handler).
  message_.reserve(std::min<std::size_t>(16 * 1024, limits_.max_message_bytes));
  message_too_big_ = false;
  return Reply(354, "", "End data with <CR><LF>.<CR><LF>");
}

std::string SmtpSession::OnDataLine(std::string_view line) {
  if (line == ".") {
    state_ = State::kGreeted;
    if (message_too_big_) {
      ResetTransaction();
      return Reply(552, "5.3.4", "Message size exceeds fixed limit");
    }
    std::string reply = handler_(envelope_, std::move(message_));
    ResetTransaction();
    return reply;
  }
  if (message_too_big_) return {};
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);  // dot-unstuffing
  if (message_.size() + line.size() + 2 > limits_.max_message_bytes) {
    message_too_big_ = true;
    message_.clear();
    message_.shrink_to_fit();
    return {};
  }
  message_.append(line.data(), line.size());
  message_.append("\r\n");
  return {};
}

std::string SmtpSession::Auth(std::string_view arg) {
  if (!authenticator_) return Reply(502, "5.5.1", "AUTH not offered");
  if (state_ == State::kConnected) return Reply(503, "5.5.1", "Send EHLO first");
  if (state_ != State::kGreeted) return Reply(503, "5.5.1", "AUTH not allowed in a transaction");
  if (!auth_user_.empty()) return Reply(503, "5.5.1", "Already authenticated");
  const std::size_t space = arg.find(' ');
  const std::string mechanism = Upper(arg.substr(0, space));
  const std::string_view initial =
      space == std::string_view::npos ? "" : Trim(arg.substr(space + 1));
  if (mechanism == "PLAIN") {
    if (initial.empty()) {
      state_ = State::kAuthPlain;
      return "334 \r\n";
    }
    state_ = State::kAuthPlain;
    return OnAuthLine(initial);
  }
  if (mechanism == "LOGIN") {
    if (initial.empty()) {
      state_ = State::kAuthLoginUser;
      return "334 VXNlcm5hbWU6\r\n";  // "Username:", exactly as Thunderbird expects
    }
    state_ = State::kAuthLoginUser;
    return OnAuthLine(initial);
  }
  return Reply(504, "5.5.4", "Unrecognized authentication type");
}

std::string SmtpSession::OnAuthLine(std::string_view line) {
  const State state = state_;
  state_ = State::kGreeted;
  if (line == "*") return Reply(501, "5.7.0", "Authentication cancelled");
  const std::optional<std::string> decoded = Base64Decode(Trim(line));
  if (!decoded) return Reply(501, "5.5.2", "Cannot decode the response");
  if (state == State::kAuthPlain) {
    // authzid NUL authcid NUL password
    const std::size_t first = decoded->find('\0');
    const std::size_t second =
        first == std::string::npos ? std::string::npos : decoded->find('\0', first + 1);
    if (second == std::string::npos) return Reply(501, "5.5.2", "Malformed PLAIN response");
    return FinishAuth(decoded->substr(first + 1, second - first - 1), decoded->substr(second + 1));
  }
  if (state == State::kAuthLoginUser) {
    pending_user_ = *decoded;
    state_ = State::kAuthLoginPassword;
    return "334 UGFzc3dvcmQ6\r\n";  // "Password:"
  }
  const std::string user = std::move(pending_user_);
  pending_user_.clear();
  return FinishAuth(user, *decoded);
}

std::string SmtpSession::FinishAuth(const std::string& user, const std::string& password) {
  std::string reply = authenticator_(user, password);
  if (reply.rfind("235", 0) == 0) {
    auth_user_ = user;
    auth_password_ = password;
  }
  return reply;
}

void SmtpSession::ResetTransaction() {
  envelope_ = SmtpEnvelope{};
  envelope_.auth_user = auth_user_;
  envelope_.auth_password = auth_password_;
  message_.clear();
  message_too_big_ = false;
}

}  // namespace agent
