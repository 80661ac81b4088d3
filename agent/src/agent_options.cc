// The only file that touches Poco::URI: Poco exceptions end here.
#include "agent/agent_options.h"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <arpa/inet.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>

namespace agent {
namespace {

using mailcheck::Result;
using mailcheck::Status;

// What a parameter's value must look like.
enum class Type {
  kLoopback,  // host:port, the host a literal loopback address
  kHostPort,  // host:port
  kChoice,    // one of `choices`
  kPath,      // a file or directory name
  kUrl,       // checked by CheckCentralUrl
  kSeconds,   // a decimal number in [min, max]
  kInteger,   // a whole number in [min, max]
  kFlag,      // no value
};

// One row of the table: everything the agent knows about a setting.
struct Parameter {
  const char* name;  // the flag without "--", and the config file's key
  Type type;
  const char* default_value;  // nullptr: none (required ones are checked afterwards)
  double min;
  double max;
  const char* choices;  // kChoice: "a|b|c"
  const char* help;
};

// Every setting of sendguard-agent. Flags that are not settings (--config, --help,
// --check-config) are kFlag or handled before the table.
constexpr Parameter kParameters[] = {
    {"listen", Type::kLoopback, nullptr, 0, 0, nullptr,
     "where the mail client sends (required; loopback only), e.g. 127.0.0.1:2525"},
    {"upstream", Type::kHostPort, nullptr, 0, 0, nullptr,
     "the organisation's mail server (required), e.g. mail.city.example.lg.jp:587"},
    {"upstream-tls", Type::kChoice, "none", 0, 0, "none|starttls|tls", "TLS to the mail server"},
    {"upstream-ca", Type::kPath, nullptr, 0, 0, nullptr,
     "CA certificates (PEM) to verify the mail server with; default: the system's"},
    {"upstream-timeout", Type::kInteger, "60", 1, 90, nullptr,
     "seconds to wait for the mail server (the mail client waits 100)"},
    {"policy", Type::kPath, nullptr, 0, 0, nullptr, "the policy file (required)"},
    {"state-dir", Type::kPath, nullptr, 0, 0, nullptr,
     "the agent's own directory: tokens, audit log, outbox (required; made 0700)"},
    {"control-listen", Type::kLoopback, "127.0.0.1:0", 0, 0, nullptr,
     "the control API and confirmation page (loopback only; port 0 = any, written to "
     "STATE_DIR/control.port)"},
    {"prompt-timeout", Type::kSeconds, "45", 0, 3600, nullptr,
     "seconds a mail waits for the sender's confirmation before it is refused"},
    {"print-prompt-dir", Type::kPath, nullptr, 0, 0, nullptr,
     "root's directory where the print guard asks this user's agent (docs/PRINT_GUARD.md; "
     "the package's: /run/sendguard/print-prompt); unset: print prompts are not answered"},
    {"central", Type::kUrl, nullptr, 0, 0, nullptr,
     "the central service's URL (https://, or http:// to loopback only)"},
    {"central-ca", Type::kPath, nullptr, 0, 0, nullptr,
     "CA certificates (PEM) to verify central with; default: the system's"},
    {"agent-token-file", Type::kPath, nullptr, 0, 0, nullptr,
     "this agent's token from 'sendguard-central agent enroll' (with --central)"},
    {"policy-key", Type::kPath, nullptr, 0, 0, nullptr,
     "central's policy signing key, policy.pub (with --central)"},
    {"policy-poll", Type::kSeconds, "300", 0.1, 86400, nullptr,
     "seconds between policy polls and heartbeats"},
    {"outbox-max-mib", Type::kInteger, "50", 1, 102400, nullptr,
     "MiB the outbox of events for central may use"},
    {"check-config", Type::kFlag, nullptr, 0, 0, nullptr,
     "check the settings, say \"configuration OK\" and exit"},
};

const Parameter* Find(std::string_view name) {
  for (const Parameter& p : kParameters) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

std::optional<double> ParseNumber(const std::string& text, bool integer) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = integer ? static_cast<double>(std::strtol(text.c_str(), &end, 10))
                           : std::strtod(text.c_str(), &end);
  if (*end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string Bound(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// Checks one value against its row; "" when good, else the error.
std::string Validate(const Parameter& p, const std::string& value) {
  const std::string flag = std::string("--") + p.name;
  switch (p.type) {
    case Type::kLoopback:
    case Type::kHostPort: {
      std::string host;
      std::uint16_t port = 0;
      if (!SplitHostPort(value, &host, &port) || host.empty())
        return flag + ": expected HOST:PORT, got '" + value + "'";
      if (p.type == Type::kLoopback && !IsLoopbackLiteral(host))
        return flag + ": only loopback addresses are allowed (127.0.0.1, ::1, localhost), got " +
               host;
      if (p.type == Type::kHostPort && port == 0)
        return flag + ": the port must not be 0, got '" + value + "'";
      return "";
    }
    case Type::kChoice: {
      const std::string choices = p.choices;
      std::size_t start = 0;
      while (start <= choices.size()) {
        std::size_t bar = choices.find('|', start);
        if (bar == std::string::npos) bar = choices.size();
        if (choices.compare(start, bar - start, value) == 0 && bar - start == value.size())
          return "";
        start = bar + 1;
      }
      std::string expected = choices;
      for (char& c : expected) c = c == '|' ? ',' : c;
      return flag + ": expected one of " + expected + ", got '" + value + "'";
    }
    case Type::kPath:
      if (value.empty()) return flag + " needs a file or directory name";
      return "";
    case Type::kUrl: {
      const Status s = CheckCentralUrl(value);
      return s.ok() ? "" : flag + ": " + s.message();
    }
    case Type::kSeconds:
    case Type::kInteger: {
      const bool integer = p.type == Type::kInteger;
      const std::optional<double> v = ParseNumber(value, integer);
      if (!v || *v < p.min || *v > p.max) {
        return flag + ": expected " + (integer ? "a whole number" : "seconds") + " between " +
               Bound(p.min) + " and " + Bound(p.max) + ", got '" + value + "'";
      }
      return "";
    }
    case Type::kFlag:
      return "";
  }
  return "";
}

// A setting's value and where it came from ("" for the command line, "FILE:LINE: ").
struct Setting {
  std::string value;
  std::string where;
};

// Reads `name = value` lines (blank lines and # comments ignored) into `values`. Values are
// checked once the command line has had its say (a flag overrides a bad file value).
Status ReadConfigFile(const std::string& path, std::map<std::string, Setting>* values) {
  std::ifstream in(path);
  if (!in) return Status::Error("--config: cannot read " + path);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    Poco::trimInPlace(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos)
      return Status::Error(where + "expected 'setting = value', got '" + line + "'");
    const std::string name = Poco::trim(line.substr(0, eq));
    std::string value = Poco::trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    const Parameter* p = Find(name);
    if (!p || p->type == Type::kFlag)
      return Status::Error(where + "unknown setting '" + name + "'");
    (*values)[name] = Setting{value, where};
  }
  return Status::Ok();
}

Endpoint ToEndpoint(const std::string& text) {
  Endpoint e;
  SplitHostPort(text, &e.host, &e.port);
  return e;
}

}  // namespace

std::string Endpoint::ToString() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool SplitHostPort(std::string_view text, std::string* host, std::uint16_t* port) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string digits(text.substr(colon + 1));
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  const long v = std::strtol(digits.c_str(), nullptr, 10);
  if (v > 65535) return false;
  std::string_view h = text.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return false;  // an IPv6 address needs brackets
  }
  *host = std::string(h);
  *port = static_cast<std::uint16_t>(v);
  return true;
}

bool IsLoopbackLiteral(std::string_view host) {
  const std::string h(host);
  if (Poco::icompare(h, "localhost") == 0) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

Status CheckCentralUrl(const std::string& url) {
  try {
    const Poco::URI uri(url);
    const std::string scheme = Poco::toLower(uri.getScheme());
    if (scheme != "http" && scheme != "https")
      return Status::Error(
          "http:// または https:// の URL を指定してください (expected an http:// "
          "or https:// URL), got '" +
          url + "'");
    if (!uri.getUserInfo().empty() || url.find('@') != std::string::npos)
      return Status::Error(
          "URL に利用者情報 (user@) は使えません (no user information in the "
          "URL), got '" +
          url + "'");
    if (uri.getHost().empty())
      return Status::Error("URL にホスト名がありません (the URL has no host), got '" + url + "'");
    if (!uri.getQuery().empty() || !uri.getFragment().empty())
      return Status::Error("URL に ? や # は使えません (no query or fragment), got '" + url + "'");
    if (scheme == "http" && !IsLoopbackLiteral(uri.getHost())) {
      return Status::Error(
          "暗号化しない http:// はこのコンピュータ内 (ループバック) だけに使えます。" +
          uri.getHost() +
          " には https:// を使ってください (plain http:// only to a loopback "
          "address; use https:// for " +
          uri.getHost() + ")");
    }
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return Status::Error("URL として読めません (not a URL): '" + url + "': " + e.displayText());
  }
}

std::string AgentUsage() {
  std::string out =
      "usage: sendguard-agent --listen 127.0.0.1:PORT --upstream HOST:PORT --policy FILE\n"
      "                       --state-dir DIR [setting...] [--config FILE] [--check-config]\n"
      "settings (a --config FILE holds the same, one per line without the dashes,\n"
      "e.g. 'upstream = mail.city.honjo.lg.jp:587'; the command line overrides it):\n";
  for (const Parameter& p : kParameters) {
    std::string left = std::string("  --") + p.name;
    if (p.type == Type::kChoice)
      left += std::string(" ") + p.choices;
    else if (p.type != Type::kFlag)
      left += " VALUE";
    if (left.size() < 34) left.resize(34, ' ');
    out += left + " " + p.help;
    if (p.default_value) out += std::string(" [") + p.default_value + "]";
    out += "\n";
  }
  return out;
}

Result<AgentOptions> ParseAgentOptions(const std::vector<std::string>& args) {
  using R = Result<AgentOptions>;
  std::map<std::string, Setting> settings;  // by parameter name
  AgentOptions options;
  // A --config file's settings first, so the command line overrides them.
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--config") continue;
    if (i + 1 >= args.size()) return R::Error("--config needs a value");
    options.config_file = args[i + 1];
    const Status s = ReadConfigFile(options.config_file, &settings);
    if (!s.ok()) return R::Error(s.message());
    break;
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      options.help = true;
      return options;
    }
    if (a == "--config") {
      ++i;
      continue;
    }
    const Parameter* p = a.rfind("--", 0) == 0 ? Find(std::string_view(a).substr(2)) : nullptr;
    if (!p) return R::Error("unknown option " + a + " (see --help)");
    if (p->type == Type::kFlag) {
      settings[p->name] = Setting{"1", ""};
      continue;
    }
    if (i + 1 >= args.size()) return R::Error(a + " needs a value");
    settings[p->name] = Setting{args[++i], ""};
  }
  std::map<std::string, std::string> values;  // by parameter name, validated
  for (const auto& [name, setting] : settings) {
    const std::string error = Validate(*Find(name), setting.value);
    if (!error.empty()) return R::Error(setting.where + error);
    values[name] = setting.value;
  }
  for (const Parameter& p : kParameters) {
    if (p.default_value && !values.count(p.name)) values[p.name] = p.default_value;
  }
  const auto has = [&](const char* name) { return values.count(name) > 0; };
  for (const char* required : {"listen", "upstream", "policy", "state-dir"}) {
    if (!has(required)) return R::Error(std::string("--") + required + " is required");
  }
  options.listen = ToEndpoint(values["listen"]);
  const Endpoint up = ToEndpoint(values["upstream"]);
  options.upstream.host = up.host;
  options.upstream.port = up.port;
  options.upstream_tls_name = values["upstream-tls"];
  ParseTls(options.upstream_tls_name, &options.upstream.tls);
  if (has("upstream-ca")) options.upstream.ca_file = values["upstream-ca"];
  const int up_timeout = std::atoi(values["upstream-timeout"].c_str());
  options.upstream.reply_timeout_seconds = up_timeout;
  options.upstream.connect_timeout_seconds = std::min(15, up_timeout);
  options.policy_path = values["policy"];
  options.state_dir = values["state-dir"];
  options.control = ToEndpoint(values["control-listen"]);
  options.prompt_timeout = std::chrono::milliseconds(
      std::llround(std::strtod(values["prompt-timeout"].c_str(), nullptr) * 1000));
  options.policy_poll = std::chrono::milliseconds(
      std::llround(std::strtod(values["policy-poll"].c_str(), nullptr) * 1000));
  options.outbox_max_bytes = std::strtoull(values["outbox-max-mib"].c_str(), nullptr, 10) << 20;
  if (has("print-prompt-dir")) options.print_prompt_dir = values["print-prompt-dir"];
  options.check_config = has("check-config");
  if (has("central")) {
    options.central_url = values["central"];
    if (has("central-ca")) options.central_ca = values["central-ca"];
    if (!has("agent-token-file")) return R::Error("--central needs --agent-token-file FILE");
    if (!has("policy-key")) return R::Error("--central needs --policy-key FILE");
    options.token_file = values["agent-token-file"];
    options.key_file = values["policy-key"];
  } else if (has("agent-token-file") || has("policy-key") || has("central-ca")) {
    return R::Error("--agent-token-file, --policy-key and --central-ca need --central URL");
  }
  return options;
}

}  // namespace agent
