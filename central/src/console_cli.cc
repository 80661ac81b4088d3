#include "central/console/console_cli.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "central/cli_output.h"
#include "central/console/auth.h"
#include "central/console/console_store.h"
#include "central/event_intake.h"
#include "central/policy_signer.h"
#include "central/store.h"

namespace central::console {

const char kConsoleUsage[] =
    "       sendguard-central section add --db DB --name NAME [--json]\n"
    "       sendguard-central section list --db DB\n"
    "       sendguard-central user add --db DB --login LOGIN --name NAME --section SECTION\n"
    "                                  --role ROLE[,ROLE...] [--json]   (password read from "
    "stdin)\n"
    "       sendguard-central user list --db DB\n"
    "       sendguard-central agent enroll --db DB --name NAME --section SECTION [--json]\n"
    "ROLE: soukatsu (総括責任者), hogo (個人情報保護責任者), kanri (管理者), kansa (監査責任者),\n"
    "      tanto (取扱担当者), sysadmin (システム管理者)\n";

namespace {

constexpr int kOk = 0, kUserError = 1, kUsage = 2;

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "sendguard-central: %s\n", message.c_str());
  if (code == kUsage) std::fputs(kConsoleUsage, stderr);
  return code;
}

// --option value pairs, and --json (stored with an empty value) where json_flag says so.
bool ParseOptions(int argc, char** argv, const std::set<std::string>& valued,
                  std::map<std::string, std::string>* out, std::string* error,
                  bool json_flag = false) {
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (json_flag && a == "--json") {
      (*out)[a] = "";
      continue;
    }
    if (!valued.count(a)) {
      *error = "unknown option or argument " + a;
      return false;
    }
    if (i + 1 >= argc) {
      *error = a + " needs a value";
      return false;
    }
    (*out)[a] = argv[++i];
  }
  return true;
}

std::string Db(const std::map<std::string, std::string>& o) {
  if (o.count("--db")) return o.at("--db");
  if (o.count("--state-dir")) return "sqlite:" + o.at("--state-dir") + "/central.db";
  return "";
}

std::string LoginName() {
  if (const passwd* pw = getpwuid(geteuid())) return pw->pw_name;
  const char* user = std::getenv("USER");
  return user ? user : "unknown";
}

bool PrintableName(const std::string& s, std::size_t max) {
  if (s.empty() || s.size() > max || HasUnmaskedIdentifier(s)) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

struct Opened {
  std::unique_ptr<Store> store;
  std::unique_ptr<ConsoleStore> console;
};

bool Open(const std::string& db, Opened* out) {
  auto store = OpenStore(db);
  if (!store.ok()) {
    Fail(kUserError,
         store.error() + "\n(データベースを開けませんでした / cannot open the database)");
    return false;
  }
  auto console = ConsoleStore::Open(db);
  if (!console.ok()) {
    Fail(kUserError,
         console.error() + "\n(データベースを開けませんでした / cannot open the database)");
    return false;
  }
  out->store = std::move(store).value();
  out->console = std::move(console).value();
  return true;
}

int Record(Store& store, const std::string& action, int code) {
  Status s =
      store.RecordAccess(AccessRecord{NowMicros(), "cli:" + LoginName(), action, code, "local"});
  if (!s.ok()) {
    std::fprintf(stderr, "sendguard-central: %s\n", s.message().c_str());
    return code == kOk ? kUserError : code;
  }
  return code;
}

int SectionAdd(int argc, char** argv) {
  std::map<std::string, std::string> o;
  std::string error;
  if (!ParseOptions(argc, argv, {"--db", "--state-dir", "--name"}, &o, &error, true))
    return Fail(kUsage, error);
  if (Db(o).empty()) return Fail(kUsage, "--db DB is required");
  if (!o.count("--name")) return Fail(kUsage, "--name NAME is required");
  const std::string name = o["--name"];
  if (!PrintableName(name, 128))
    return Fail(kUserError, "--name: 1-128 printable characters (所属名が正しくありません)");
  Opened db;
  if (!Open(Db(o), &db)) return kUserError;
  Status s = db.console->AddSection(name, NowMicros());
  if (!s.ok())
    return Record(*db.store, "section add " + name,
                  Fail(kUserError, s.message() + " (その所属は登録済みです)"));
  PrintSectionAdded(name, o.count("--json") > 0);
  return Record(*db.store, "section add " + name, kOk);
}

int SectionList(int argc, char** argv) {
  std::map<std::string, std::string> o;
  std::string error;
  if (!ParseOptions(argc, argv, {"--db", "--state-dir"}, &o, &error)) return Fail(kUsage, error);
  if (Db(o).empty()) return Fail(kUsage, "--db DB is required");
  Opened db;
  if (!Open(Db(o), &db)) return kUserError;
  auto sections = db.console->ListSections();
  if (!sections.ok()) return Record(*db.store, "section list", Fail(kUserError, sections.error()));
  for (const auto& s : sections.value()) std::printf("%s\n", s.name.c_str());
  return Record(*db.store, "section list", kOk);
}

// The password from stdin: its first line (no trailing CR/LF).
std::string ReadPassword() {
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

int UserAdd(int argc, char** argv) {
  std::map<std::string, std::string> o;
  std::string error;
  if (!ParseOptions(argc, argv, {"--db", "--state-dir", "--login", "--name", "--section", "--role"},
                    &o, &error, true))
    return Fail(kUsage, error);
  if (Db(o).empty()) return Fail(kUsage, "--db DB is required");
  for (const char* required : {"--login", "--name", "--section", "--role"})
    if (!o.count(required)) return Fail(kUsage, std::string(required) + " is required");
  const std::string login = o["--login"];
  if (!PrintableName(login, 64) || login.find_first_of(" :(),") != std::string::npos)
    return Fail(kUserError,
                "--login: 1-64 printable characters without spaces, ':', ',' or brackets "
                "(ログイン名が正しくありません)");
  if (!PrintableName(o["--name"], 128))
    return Fail(kUserError, "--name: 1-128 printable characters (氏名が正しくありません)");
  auto roles = ParseRoles(o["--role"]);
  if (!roles.ok()) return Fail(kUserError, roles.error());
  if (isatty(STDIN_FILENO)) std::fputs("password (パスワード): ", stderr);
  const std::string password = ReadPassword();
  if (password.size() < 8) {
    return Fail(kUserError,
                "the password (read from stdin) must have at least 8 characters "
                "(パスワードは 8 文字以上にしてください)");
  }
  auto hash = HashPassword(password);
  if (!hash.ok()) return Fail(kUserError, hash.error());
  Opened db;
  if (!Open(Db(o), &db)) return kUserError;
  User u{login, o["--name"], o["--section"], roles.value(), hash.value(), NowMicros()};
  Status s = db.console->AddUser(u);
  const std::string action = "user add " + login;
  if (!s.ok())
    return Record(*db.store, action,
                  Fail(kUserError, s.message() + " (利用者を登録できませんでした)"));
  std::string role_names;
  for (const auto& r : u.roles) role_names += (role_names.empty() ? "" : "・") + RoleNameJa(r);
  PrintUserAdded(login, u.name, u.section, u.roles, role_names, o.count("--json") > 0);
  return Record(*db.store, action, kOk);
}

int UserList(int argc, char** argv) {
  std::map<std::string, std::string> o;
  std::string error;
  if (!ParseOptions(argc, argv, {"--db", "--state-dir"}, &o, &error)) return Fail(kUsage, error);
  if (Db(o).empty()) return Fail(kUsage, "--db DB is required");
  Opened db;
  if (!Open(Db(o), &db)) return kUserError;
  auto users = db.console->ListUsers();
  if (!users.ok()) return Record(*db.store, "user list", Fail(kUserError, users.error()));
  for (const auto& u : users.value()) {
    std::string roles;
    for (const auto& r : u.roles) roles += (roles.empty() ? "" : ",") + r;
    std::printf("%s\t%s\t%s\t%s\n", u.login.c_str(), u.name.c_str(), u.section.c_str(),
                roles.c_str());
  }
  return Record(*db.store, "user list", kOk);
}

// `agent enroll ... --section SECTION`: enrol (as the plain command does) and place the
// agent in the section, which must exist before anything is enrolled.
int AgentEnrollInSection(int argc, char** argv) {
  std::map<std::string, std::string> o;
  std::string error;
  if (!ParseOptions(argc, argv, {"--db", "--state-dir", "--name", "--section"}, &o, &error, true))
    return Fail(kUsage, error);
  if (Db(o).empty()) return Fail(kUsage, "--db DB is required");
  if (!o.count("--name")) return Fail(kUsage, "--name NAME is required");
  const std::string name = o["--name"], section = o["--section"];
  if (!PrintableName(name, 128)) {
    return Fail(kUserError,
                "--name: 1-128 printable characters, no run of 10 or more digits "
                "(エージェント名が正しくありません)");
  }
  Opened db;
  if (!Open(Db(o), &db)) return kUserError;
  const std::string action = "agent enroll " + name + " --section " + section;
  auto exists = db.console->SectionExists(section);
  if (!exists.ok()) return Record(*db.store, action, Fail(kUserError, exists.error()));
  if (!exists.value()) {
    return Record(*db.store, action,
                  Fail(kUserError, "no section named '" + section +
                                       "' (その所属は登録されていません。先に section add)"));
  }
  const std::string token = NewAgentToken();
  Status s = db.store->EnrollAgent(name, HashAgentToken(token), NowMicros());
  if (!s.ok()) {
    return Record(
        *db.store, action,
        Fail(kUserError, s.message() + " (その名前のエージェントは登録済みです。新しいトークンは "
                                       "--replace)"));
  }
  Status placed = db.console->SetAgentSection(name, section);
  if (!placed.ok()) return Record(*db.store, action, Fail(kUserError, placed.message()));
  PrintAgentToken(name, section, token, false, o.count("--json") > 0);
  return Record(*db.store, action, kOk);
}

}  // namespace

bool RunConsoleCommand(int argc, char** argv, int* exit_code) {
  const std::string a = argc > 1 ? argv[1] : "";
  const std::string b = argc > 2 ? argv[2] : "";
  if (a == "section" && b == "add") {
    *exit_code = SectionAdd(argc, argv);
  } else if ((a == "section" || a == "sections") && b == "list") {
    *exit_code = SectionList(argc, argv);
  } else if (a == "user" && b == "add") {
    *exit_code = UserAdd(argc, argv);
  } else if ((a == "user" || a == "users") && b == "list") {
    *exit_code = UserList(argc, argv);
  } else if (a == "agent" && b == "enroll") {
    bool with_section = false;
    for (int i = 3; i < argc; ++i)
      with_section = with_section || std::string(argv[i]) == "--section";
    if (!with_section) return false;  // the plain command (cli.cc)
    *exit_code = AgentEnrollInSection(argc, argv);
  } else {
    return false;
  }
  return true;
}

}  // namespace central::console
