#include "central/cli_config.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace central {
namespace {

namespace fs = std::filesystem;

constexpr char kDbVar[] = "SENDGUARD_CENTRAL_DB";
constexpr char kStateDirVar[] = "SENDGUARD_CENTRAL_STATE_DIR";
constexpr char kConfigVar[] = "SENDGUARD_CENTRAL_CONFIG";

bool ValidKey(const std::string& key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key)
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      return false;
  return true;
}

std::string Trim(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The value part of KEY=VALUE (already trimmed); false when a quote is not closed or text
// follows the closing quote.
bool ParseValue(const std::string& raw, std::string* value) {
  value->clear();
  if (raw.empty() || (raw[0] != '"' && raw[0] != '\'')) {
    *value = raw;
    return true;
  }
  const char quote = raw[0];
  std::size_t i = 1;
  for (; i < raw.size() && raw[i] != quote; ++i) {
    if (quote == '"' && raw[i] == '\\' && i + 1 < raw.size() &&
        (raw[i + 1] == '"' || raw[i + 1] == '\\')) {
      ++i;
    }
    value->push_back(raw[i]);
  }
  return i == raw.size() - 1;  // the closing quote, and nothing after it
}

// What a command takes: whether it needs a database, and whether --state-dir is one of
// its options (and must be there, as for serve and policy push).
struct Needs {
  bool takes_state_dir = false;
  bool needs_state_dir = false;
  bool needs_db = true;
};

std::optional<Needs> CommandNeeds(const std::string& a, const std::string& b) {
  if (a == "serve") return Needs{true, true, false};  // serve: default sqlite in STATE_DIR
  if (a == "policy" && b == "push") return Needs{true, true, true};
  if (a == "incident" && (b == "list" || b == "show")) return Needs{false, false, true};
  static const std::set<std::pair<std::string, std::string>> kDbCommands = {
      {"agent", "enroll"},  {"agent", "revoke"},  {"agent", "list"},  {"agents", "list"},
      {"events", "list"},   {"report", "access"}, {"section", "add"}, {"section", "list"},
      {"sections", "list"}, {"user", "add"},      {"user", "list"},   {"users", "list"}};
  if (kDbCommands.count({a, b})) return Needs{true, false, true};
  return std::nullopt;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool HasOption(const std::vector<std::string>& args, const std::string& name) {
  for (std::size_t i = 3; i < args.size(); ++i)
    if (args[i] == name) return true;
  return false;
}

}  // namespace

Result<std::map<std::string, std::string>> ReadEnvFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string why = std::strerror(errno);
    return Result<std::map<std::string, std::string>>::Error(
        path + ": 設定ファイルを読めません (cannot read the configuration file: " + why + ")");
  }
  std::map<std::string, std::string> values;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string text = Trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    const std::size_t eq = text.find('=');
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (eq == std::string::npos) {
      return Result<std::map<std::string, std::string>>::Error(
          where + "「KEY=値」の形ではありません (expected KEY=VALUE): " + text);
    }
    const std::string key = Trim(text.substr(0, eq));
    if (!ValidKey(key)) {
      return Result<std::map<std::string, std::string>>::Error(
          where + "変数名が正しくありません (bad variable name '" + key + "')");
    }
    std::string value;
    if (!ParseValue(Trim(text.substr(eq + 1)), &value)) {
      return Result<std::map<std::string, std::string>>::Error(
          where +
          "引用符が閉じていないか、その後ろに文字があります (unterminated quote or text "
          "after the closing quote)");
    }
    values[key] = value;
  }
  if (in.bad()) {
    return Result<std::map<std::string, std::string>>::Error(
        path + ": 設定ファイルを読めません (cannot read the configuration file)");
  }
  return values;
}

Status CompleteCommandLine(std::vector<std::string>* args) {
  const std::string a = args->size() > 1 ? (*args)[1] : "";
  const std::string b = args->size() > 2 ? (*args)[2] : "";
  const std::optional<Needs> needs = CommandNeeds(a, b);
  if (!needs) return Status::Ok();

  // --config FILE (taken out: the commands themselves do not know it).
  std::optional<std::string> config_path;
  for (std::size_t i = 3; i < args->size(); ++i) {
    if ((*args)[i] != "--config") continue;
    if (i + 1 >= args->size()) return Status::Error("--config needs a value");
    config_path = (*args)[i + 1];
    args->erase(args->begin() + static_cast<std::ptrdiff_t>(i),
                args->begin() + static_cast<std::ptrdiff_t>(i) + 2);
    --i;
  }
  bool config_named = config_path.has_value();
  if (!config_path && std::getenv(kConfigVar)) {
    config_path = Env(kConfigVar);  // empty: no configuration file at all
    config_named = true;
  }
  // serve reads its settings from the environment (systemd's EnvironmentFile=) and a
  // named file only: a machine's /etc file must not redirect a server started by hand.
  if (!config_path && a != "serve") config_path = kDefaultCentralConfig;

  std::map<std::string, std::string> config;
  bool config_read = false;
  auto from_config = [&](const char* key, std::string* out) -> Status {
    if (!config_read) {
      config_read = true;
      if (config_path && !config_path->empty()) {
        std::error_code ec;
        const bool exists = fs::exists(*config_path, ec);
        if (exists || config_named) {
          auto read = ReadEnvFile(*config_path);
          if (!read.ok()) return Status::Error(read.error());
          config = std::move(read).value();
        }
      }
    }
    auto it = config.find(key);
    if (it != config.end()) *out = it->second;
    return Status::Ok();
  };

  const bool has_db = HasOption(*args, "--db");
  const bool has_state_dir = HasOption(*args, "--state-dir");
  std::string state_dir;
  if (!has_state_dir && (needs->needs_state_dir || (!has_db && needs->needs_db))) {
    state_dir = Env(kStateDirVar);
    if (state_dir.empty())
      if (Status s = from_config(kStateDirVar, &state_dir); !s.ok()) return s;
    if (!state_dir.empty() && needs->takes_state_dir) {
      args->push_back("--state-dir");
      args->push_back(state_dir);
    }
  }
  if (has_db) return Status::Ok();
  std::string db = Env(kDbVar);
  if (db.empty())
    if (Status s = from_config(kDbVar, &db); !s.ok()) return s;
  if (db.empty() && !state_dir.empty() && !needs->takes_state_dir)
    db = "sqlite:" + (fs::path(state_dir) / "central.db").string();
  if (!db.empty()) {
    args->push_back("--db");
    args->push_back(db);
    return Status::Ok();
  }
  if (!needs->needs_db || has_state_dir || !state_dir.empty()) return Status::Ok();
  return Status::Error(
      "データベースが指定されていません。次のどれかで指定してください: --db DB、環境変数 "
      "SENDGUARD_CENTRAL_DB、設定ファイル (--config FILE、既定 " +
      std::string(kDefaultCentralConfig) +
      ") の SENDGUARD_CENTRAL_DB= 行\n"
      "(no database: give --db DB, set SENDGUARD_CENTRAL_DB in the environment, or put "
      "SENDGUARD_CENTRAL_DB=... in the configuration file (--config FILE, default " +
      std::string(kDefaultCentralConfig) + "))");
}

}  // namespace central
