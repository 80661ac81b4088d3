#include "central/cli_output.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

namespace central {
namespace {

void PrintObject(const Poco::JSON::Object& o) {
  std::ostringstream out;
  o.stringify(out);
  std::printf("%s\n", out.str().c_str());
}

}  // namespace

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }

void PrintPolicyVersion(std::int64_t version, bool json) {
  const long long v = static_cast<long long>(version);
  if (json) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("version", version);
    PrintObject(o);
  } else if (StdoutIsTerminal()) {
    std::printf("ポリシー バージョン %lld を公開しました (policy version %lld published)\n", v, v);
  } else {
    std::printf("%lld\n", v);
  }
}

void PrintAgentToken(const std::string& name, const std::string& section, const std::string& token,
                     bool replaced, bool json) {
  if (json) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("name", name);
    o.set("section", section);
    o.set("token", token);
    o.set("replaced", replaced);
    PrintObject(o);
    return;
  }
  std::printf("%s\n", token.c_str());
  if (!StdoutIsTerminal()) return;
  std::fflush(stdout);
  const std::string in_section = section.empty() ? "" : "所属「" + section + "」の";
  const std::string en_section = section.empty() ? "" : " in section " + section;
  std::fprintf(stderr,
               "%sエージェント %s %s。上のトークンは今だけ表示されます。エージェントの設定に"
               "書いてください\n(agent %s%s %s; the token above is shown only now: put it in "
               "the agent's configuration)\n",
               in_section.c_str(), name.c_str(),
               replaced ? "に新しいトークンを発行しました" : "を登録しました", name.c_str(),
               en_section.c_str(), replaced ? "has a new token" : "enrolled");
}

void PrintSectionAdded(const std::string& name, bool json) {
  if (json) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("section", name);
    PrintObject(o);
    return;
  }
  std::printf("所属「%s」を登録しました (section %s added)\n", name.c_str(), name.c_str());
}

void PrintUserAdded(const std::string& login, const std::string& name, const std::string& section,
                    const std::vector<std::string>& roles, const std::string& role_names_ja,
                    bool json) {
  if (json) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("login", login);
    o.set("name", name);
    o.set("section", section);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const std::string& r : roles) list->add(r);
    o.set("roles", list);
    PrintObject(o);
    return;
  }
  std::printf("利用者「%s」を %s の %s として登録しました (user %s added)\n", name.c_str(),
              section.c_str(), role_names_ja.c_str(), login.c_str());
}

}  // namespace central
