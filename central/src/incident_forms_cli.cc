#include "central/incident_forms_cli.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>

#include "central/console/console_time.h"
#include "central/incident_forms.h"

namespace central {

const char kFormUsage[] =
    "       sendguard-central form list [--json]\n"
    "       sendguard-central form render --form ID [--data FILE.json|-] [--linked]\n"
    "                                     [--time-zone ZONE]   (HTML on stdout)\n";

namespace {

constexpr int kOk = 0, kUserError = 1, kUsage = 2;
constexpr std::size_t kMaxData = 1 << 20;

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "sendguard-central: %s\n", message.c_str());
  if (code == kUsage) std::fputs(kFormUsage, stderr);
  return code;
}

const char* KindName(FormFieldKind k) {
  switch (k) {
    case FormFieldKind::kMultiline:
      return "multiline";
    case FormFieldKind::kDate:
      return "date";
    case FormFieldKind::kDateTime:
      return "datetime";
    case FormFieldKind::kText:
      break;
  }
  return "text";
}

int List(bool json) {
  if (!json) {
    for (const FormSpec& s : IncidentFormSpecs())
      std::printf("%-9s %s %s %s%s\n", s.id.c_str(), s.town.c_str(), s.number.c_str(),
                  s.title.c_str(), s.repeated_entries ? " (繰り返し)" : "");
    return kOk;
  }
  Poco::JSON::Array out;
  for (const FormSpec& s : IncidentFormSpecs()) {
    Poco::JSON::Object o;
    o.set("id", s.id);
    o.set("number", s.number);
    o.set("title", s.title);
    o.set("town", s.town);
    o.set("addressee", s.addressee);
    o.set("repeated_entries", s.repeated_entries);
    Poco::JSON::Array fields;
    for (const FormFieldSpec& f : s.fields) {
      Poco::JSON::Object field;
      field.set("key", f.key);
      field.set("label", f.label_ja);
      field.set("kind", std::string(KindName(f.kind)));
      if (!f.options.empty()) {
        Poco::JSON::Array options;
        for (const std::string& option : f.options) options.add(option);
        field.set("options", options);
      }
      fields.add(field);
    }
    o.set("fields", fields);
    out.add(o);
  }
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(out, text, 2, -1, Poco::JSON_PRESERVE_KEY_ORDER);
  std::printf("%s\n", text.str().c_str());
  return kOk;
}

bool ReadAll(const std::string& path, std::string* out) {
  if (path == "-") {
    out->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

int Render(int argc, char** argv) {
  std::map<std::string, std::string> opt;
  bool linked = false;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--linked") {
      linked = true;
    } else if (a == "--form" || a == "--data" || a == "--time-zone") {
      if (i + 1 >= argc) return Fail(kUsage, a + " needs a value");
      opt[a] = argv[++i];
    } else {
      return Fail(kUsage, "unknown option or argument " + a);
    }
  }
  if (!opt.count("--form")) return Fail(kUsage, "--form ID is required (see: form list)");
  const std::string zone =
      opt.count("--time-zone") ? opt["--time-zone"] : console::kDefaultTimeZone;
  if (Status s = console::UseTimeZone(zone); !s.ok()) return Fail(kUsage, s.message());
  IncidentFormData data;
  if (opt.count("--data")) {
    std::string text;
    if (!ReadAll(opt["--data"], &text))
      return Fail(kUserError,
                  "--data: " + opt["--data"] + " を読めません / cannot read the data file");
    if (text.size() > kMaxData)
      return Fail(kUserError, "--data: 1 MiB を超えています / data file larger than 1 MiB");
    auto parsed = IncidentFormDataFromJson(text);
    if (!parsed.ok()) return Fail(kUserError, "--data: " + parsed.error());
    data = std::move(parsed).value();
  }
  FormRenderOptions options;
  options.standalone = !linked;
  auto html = RenderIncidentForm(opt["--form"], data, options);
  if (!html.ok()) return Fail(kUserError, html.error());
  std::fwrite(html.value().data(), 1, html.value().size(), stdout);
  return kOk;
}

}  // namespace

bool RunFormCommand(int argc, char** argv, int* exit_code) {
  const std::string a = argc > 1 ? argv[1] : "";
  const std::string b = argc > 2 ? argv[2] : "";
  if (a != "form") return false;
  if (b == "list") {
    if (argc > 4 || (argc == 4 && std::string(argv[3]) != "--json"))
      *exit_code = Fail(kUsage, "form list takes only --json");
    else
      *exit_code = List(argc == 4);
  } else if (b == "render") {
    *exit_code = Render(argc, argv);
  } else {
    *exit_code =
        Fail(kUsage, b.empty() ? "form: list or render?" : "unknown command 'form " + b + "'");
  }
  return true;
}

}  // namespace central
