// SmtpSession: the server side of one SMTP connection from a mail client, as an explicit
// state machine (RFC 5321 with ESMTP PIPELINING, 8BITMIME, SMTPUTF8, SIZE,
// ENHANCEDSTATUSCODES). It owns no socket: the connection feeds it lines and sends back
// what it returns, so every transition is testable without a network. A complete message
// goes to the MessageHandler, whose reply is the client's end-of-DATA reply (the agent
// answers with upstream's own final reply: DESIGN.md decision 1).
//
// Not thread-safe; one per connection.
#ifndef AGENT_SMTP_SESSION_H_
#define AGENT_SMTP_SESSION_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

struct SessionLimits {
  std::size_t max_command_line = 2048;  // bytes of a command line (RFC: 512)
  std::size_t max_data_line = 1 << 20;  // bytes of one message line (RFC: 1000)
  std::size_t max_recipients = 500;
  std::size_t max_message_bytes = 50u << 20;  // also advertised as SIZE
  // Error replies to commands (4xx/5xx the session itself gives, not the relay's
  // end-of-data reply) before the session says 421 and closes (Postfix's
  // smtpd_hard_error_limit): a client that is not speaking SMTP is not answered forever.
  std::size_t max_errors = 10;
};

// The envelope of one transaction, with the ESMTP parameters the client gave, passed
// through to upstream as they were (DSN NOTIFY/ORCPT, RET, ENVID…).
struct SmtpEnvelope {
  std::string mail_from;                 // reverse path without <>, may be empty
  std::string mail_params;               // e.g. "BODY=8BITMIME SIZE=1234"
  std::vector<std::string> rcpt_to;      // forward paths without <>
  std::vector<std::string> rcpt_params;  // parameters of each RCPT, same order
  bool body_8bit = false;                // BODY=8BITMIME was given
  bool smtputf8 = false;                 // SMTPUTF8 was given
  // The client's AUTH credentials, verified against upstream at AUTH time (DESIGN.md
  // decision 2) and used for the upstream transaction; held for this session only.
  std::string auth_user;
  std::string auth_password;
};

class SmtpSession {
 public:
  enum class State {
    kConnected,
    kGreeted,
    kMail,
    kRcpt,
    kData,
    kAuthPlain,
    kAuthLoginUser,
    kAuthLoginPassword,
    kClosed
  };

  // Called with a complete, dot-unstuffed message (CRLF line ends); returns the full reply
  // for the client (e.g. "250 2.0.0 queued as X" or a multi-line "550-…\r\n550 …").
  using MessageHandler = std::function<std::string(const SmtpEnvelope&, std::string&& message)>;

  // Checks credentials (against upstream); returns the reply for the client: "235 …" when
  // they are good, else upstream's refusal or a 4xx.
  using Authenticator =
      std::function<std::string(const std::string& user, const std::string& password)>;

  // Without an authenticator, AUTH is not offered.
  SmtpSession(SessionLimits limits, std::string hostname, MessageHandler handler,
              Authenticator authenticator = nullptr);

  // The 220 greeting to send when the connection opens.
  std::string Greeting() const;

  // Feeds one line received from the client, without its line end. Returns what to send
  // (empty while a message is being received). After QUIT or a fatal error, closed().
  // A command line that looks like HTTP ("POST / HTTP/1.1", "Host: …") closes the
  // session at once with 554: a web page must not be able to drive the SMTP port with a
  // form (cross-protocol request), so nothing after it is read as SMTP.
  std::string OnLine(std::string_view line);

  // A line longer than the limits: answers and closes (nothing of it is processed).
  std::string OnOverlongLine();

  // The longest line the caller should buffer in the current state.
  std::size_t max_line() const;
  State state() const { return state_; }
  bool closed() const { return state_ == State::kClosed; }

 private:
  std::string OnCommand(std::string_view line);
  // Counts an error reply to a command; after limits_.max_errors, adds 421 and closes.
  std::string CountErrors(std::string reply);
  std::string OnDataLine(std::string_view line);
  std::string Ehlo(std::string_view arg, bool extended);
  std::string Mail(std::string_view arg);
  std::string Rcpt(std::string_view arg);
  std::string Data();
  std::string Auth(std::string_view arg);
  std::string OnAuthLine(std::string_view line);
  std::string FinishAuth(const std::string& user, const std::string& password);
  void ResetTransaction();

  SessionLimits limits_;
  std::string hostname_;
  MessageHandler handler_;
  Authenticator authenticator_;
  State state_ = State::kConnected;
  std::string auth_user_;  // verified credentials, kept for every transaction
  std::string auth_password_;
  std::string pending_user_;  // AUTH LOGIN: the user name while waiting for the password
  SmtpEnvelope envelope_;
  std::string message_;
  bool message_too_big_ = false;
  std::size_t errors_ = 0;
};

// True when a command line is an HTTP request line or header ("GET / HTTP/1.1",
// "POST …", "Host: …", "User-Agent: …", any "Name:" line): never valid SMTP.
bool LooksLikeHttp(std::string_view line);

// "250 2.1.0 Ok" style single line, with CRLF.
std::string Reply(int code, std::string_view enhanced, std::string_view text);

// A reply of several lines ("550-5.7.1 …\r\n…550 5.7.1 …\r\n") carrying text from
// anywhere (reasons, file names, subjects). Each text is made fit for a reply line by
// ReplyText and, when longer than `max_text_bytes`, split over several lines at UTF-8
// character boundaries (preferably after a space or 、。), so every line stays well
// under RFC 5321's 512 octets. UTF-8 is kept: mail clients show it to the sender
// (Thunderbird does, with or without SMTPUTF8).
std::string MultiLineReply(int code, std::string_view enhanced,
                           const std::vector<std::string>& texts, std::size_t max_text_bytes = 400);

// `text` made safe for one reply line: CR, LF, other C0/C1 control characters and
// bidirectional-override characters become spaces; bytes that are not valid UTF-8 become
// '?'. Valid UTF-8 (Japanese, file names) is kept as it is.
std::string ReplyText(std::string_view text);

// Parses "<path> PARAMS" after "MAIL FROM:" / "RCPT TO:"; false on bad syntax.
bool ParsePathAndParams(std::string_view arg, std::string* path, std::string* params);

}  // namespace agent

#endif  // AGENT_SMTP_SESSION_H_
