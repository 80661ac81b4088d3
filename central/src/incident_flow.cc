// Flow definitions: parsing, validation (Japanese errors), the registry.
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "central/incidents/flow.h"

namespace central::incidents {
namespace {

using Obj = Poco::JSON::Object::Ptr;

// Thrown inside ParseFlow only; becomes the Result error.
struct FlowError {
  std::string message;
};

std::string Text(const Obj& o, const std::string& key, const std::string& where, bool required) {
  if (!o->has(key) || o->get(key).isEmpty()) {
    if (required) throw FlowError{where + ": 「" + key + "」がありません"};
    return "";
  }
  const auto v = o->get(key);
  if (!v.isString()) throw FlowError{where + ": 「" + key + "」は文字列にしてください"};
  return v.extract<std::string>();
}

std::vector<std::string> Strings(const Obj& o, const std::string& key, const std::string& where) {
  std::vector<std::string> out;
  if (!o->has(key)) return out;
  auto a = o->getArray(key);
  if (!a) throw FlowError{where + ": 「" + key + "」は文字列の配列にしてください"};
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto v = a->get(static_cast<unsigned>(i));
    if (!v.isString()) throw FlowError{where + ": 「" + key + "」は文字列の配列にしてください"};
    out.push_back(v.extract<std::string>());
  }
  return out;
}

bool Bool(const Obj& o, const std::string& key, const std::string& where) {
  if (!o->has(key)) return false;
  const auto v = o->get(key);
  if (!v.isBoolean()) throw FlowError{where + ": 「" + key + "」は true か false にしてください"};
  return v.extract<bool>();
}

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 40) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

const std::set<std::string>& FieldTypes() {
  static const std::set<std::string> kTypes = {"text", "textarea", "date", "choice", "sections"};
  return kTypes;
}

const std::set<std::string>& PpcItems() {
  static const std::set<std::string> kItems = {
      "summary",         "items",       "persons",    "cause", "secondary_damage",
      "victim_response", "publication", "prevention", "other"};
  return kItems;
}

FlowField ParseField(const Obj& o, const std::string& where) {
  FlowField f;
  f.key = Text(o, "key", where, true);
  const std::string at = where + " の項目 " + f.key;
  if (!ValidId(f.key)) throw FlowError{at + ": key は英小文字・数字・_ で書いてください"};
  f.label = Text(o, "label", at, true);
  f.type = Text(o, "type", at, true);
  if (!FieldTypes().count(f.type))
    throw FlowError{at + ": type「" + f.type +
                    "」は text・textarea・date・choice・sections のどれかにしてください"};
  f.required = Bool(o, "required", at);
  f.choices = Strings(o, "choices", at);
  if (f.type == "choice" && f.choices.empty())
    throw FlowError{at + ": choice には choices (選択肢) が必要です"};
  f.ppc = Text(o, "ppc", at, false);
  if (!f.ppc.empty() && !PpcItems().count(f.ppc))
    throw FlowError{at + ": ppc「" + f.ppc + "」は報告の9項目のどれでもありません"};
  f.known_at = Bool(o, "known_at", at);
  if (f.known_at && f.type != "date") throw FlowError{at + ": known_at は date の項目だけです"};
  if (o->has("required_if")) {
    auto r = o->getObject("required_if");
    if (!r || r->size() != 1)
      throw FlowError{at + ": required_if は {\"項目\": \"値\"} を 1 つだけ書いてください"};
    f.required_if_key = r->begin()->first;
    f.required_if_value = r->begin()->second.toString();
  }
  return f;
}

FlowStep ParseStep(const Obj& o, const Flow& flow, const std::string& where) {
  FlowStep s;
  s.id = Text(o, "id", where, true);
  const std::string at = where + " の手順 " + s.id;
  if (!ValidId(s.id) || s.id == kClosed)
    throw FlowError{at + ": id は英小文字・数字・_ で書いてください (closed は使えません)"};
  s.title = Text(o, "title", at, true);
  s.article = Text(o, "article", at, false);
  s.role = Text(o, "role", at, true);
  if (!flow.role_names.count(s.role))
    throw FlowError{at + ": 役割「" + s.role + "」が roles にありません"};
  s.notify = Strings(o, "notify", at);
  for (const auto& r : s.notify)
    if (!flow.role_names.count(r))
      throw FlowError{at + ": 通知先の役割「" + r + "」が roles にありません"};
  s.form = Text(o, "form", at, false);
  s.repeatable = Bool(o, "repeatable", at);
  s.after = Text(o, "after", at, false);
  if (o->has("due_days")) {
    const auto v = o->get("due_days");
    if (!v.isInteger() || v.convert<int>() < 0 || v.convert<int>() > 365)
      throw FlowError{at + ": due_days は 0〜365 の整数にしてください"};
    s.due_days = v.convert<int>();
  }
  if (auto fields = o->getArray("fields")) {
    std::set<std::string> keys;
    for (std::size_t i = 0; i < fields->size(); ++i) {
      auto f = fields->getObject(static_cast<unsigned>(i));
      if (!f) throw FlowError{at + ": fields の要素はオブジェクトにしてください"};
      s.fields.push_back(ParseField(f, at));
      if (!keys.insert(s.fields.back().key).second)
        throw FlowError{at + ": 項目「" + s.fields.back().key + "」が二度あります"};
    }
  }
  if (auto outcomes = o->getArray("outcomes")) {
    for (std::size_t i = 0; i < outcomes->size(); ++i) {
      auto x = outcomes->getObject(static_cast<unsigned>(i));
      if (!x) throw FlowError{at + ": outcomes の要素はオブジェクトにしてください"};
      s.outcomes.push_back(FlowOutcome{Text(x, "id", at + " の結果", true),
                                       Text(x, "label", at + " の結果", true),
                                       Text(x, "next", at + " の結果", true)});
    }
  }
  for (const auto& f : s.fields) {
    if (f.required_if_key.empty() || f.required_if_key == "outcome") continue;
    const bool found = std::any_of(s.fields.begin(), s.fields.end(),
                                   [&](const FlowField& g) { return g.key == f.required_if_key; });
    if (!found)
      throw FlowError{at + " の項目 " + f.key + ": required_if の「" + f.required_if_key +
                      "」がこの手順にありません"};
  }
  return s;
}

void ValidatePath(const FlowPath& p, const std::string& where) {
  if (p.steps.empty()) throw FlowError{where + ": 手順 (steps) がありません"};
  if (p.steps.front().repeatable)
    throw FlowError{where + ": 最初の手順 (第1報) は繰り返しにできません"};
  std::set<std::string> ids;
  for (const auto& s : p.steps)
    if (!ids.insert(s.id).second) throw FlowError{where + ": 手順「" + s.id + "」が二度あります"};
  for (const auto& s : p.steps) {
    const std::string at = where + " の手順 " + s.id;
    for (const auto& o : s.outcomes)
      if (o.next != kClosed && (!ids.count(o.next) || p.Step(o.next)->repeatable))
        throw FlowError{at + ": 結果「" + o.id + "」の次の手順「" + o.next + "」がありません"};
    if (s.repeatable && (s.after.empty() || !ids.count(s.after)))
      throw FlowError{at + ": 繰り返しの手順には after (どの手順の後か) が必要です"};
  }
}

}  // namespace

const FlowStep* FlowPath::Step(const std::string& id) const {
  for (const auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

int FlowPath::IndexOf(const std::string& step_id) const {
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (steps[i].id == step_id) return static_cast<int>(i);
  return -1;
}

std::string FlowPath::NextAfter(const FlowStep& step, const std::string& outcome) const {
  for (const auto& o : step.outcomes)
    if (o.id == outcome) return o.next;
  for (int i = IndexOf(step.id) + 1; i >= 1 && i < static_cast<int>(steps.size()); ++i)
    if (!steps[i].repeatable) return steps[i].id;
  return kClosed;
}

const FlowPath* Flow::Path(const std::string& id) const {
  for (const auto& p : paths)
    if (p.id == id) return &p;
  return nullptr;
}

std::string Flow::RoleName(const std::string& code) const {
  auto it = role_names.find(code);
  return it == role_names.end() ? code : it->second;
}

int Flow::Rank(const std::string& code) const {
  auto it = std::find(rank.begin(), rank.end(), code);
  return it == rank.end() ? -1 : static_cast<int>(it - rank.begin());
}

Result<Flow> ParseFlow(const std::string& json, const std::string& origin) {
  try {
    Poco::JSON::Parser parser;
    auto root = parser.parse(json);
    if (root.type() != typeid(Obj))
      return Result<Flow>::Error(origin + ": JSON のオブジェクトではありません");
    Obj o = root.extract<Obj>();
    Flow f;
    f.id = Text(o, "id", origin, true);
    if (!ValidId(f.id))
      return Result<Flow>::Error(origin + ": id は英小文字・数字・_・- で書いてください");
    f.town = Text(o, "town", origin, true);
    f.rules = Text(o, "rules", origin, false);
    auto roles = o->getObject("roles");
    if (!roles || roles->size() == 0)
      return Result<Flow>::Error(origin + ": roles (役割の名前) がありません");
    for (const auto& [code, name] : *roles) {
      if (!name.isString())
        throw FlowError{origin + ": roles の「" + code + "」は文字列にしてください"};
      f.role_names[code] = name.extract<std::string>();
    }
    f.rank = Strings(o, "rank", origin);
    if (f.rank.size() != f.role_names.size())
      throw FlowError{origin + ": rank には roles の役割をすべて、下位から順に書いてください"};
    for (const auto& r : f.rank)
      if (!f.role_names.count(r))
        throw FlowError{origin + ": rank の「" + r + "」が roles にありません"};
    for (const auto& r : Strings(o, "all_sections_roles", origin)) {
      if (!f.role_names.count(r))
        throw FlowError{origin + ": all_sections_roles の「" + r + "」が roles にありません"};
      f.all_sections_roles.insert(r);
    }
    f.unknown_section_role = Text(o, "unknown_section_role", origin, true);
    if (!f.all_sections_roles.count(f.unknown_section_role))
      throw FlowError{origin + ": unknown_section_role は all_sections_roles の役割にしてください"};
    auto paths = o->getArray("paths");
    if (!paths || paths->size() == 0) throw FlowError{origin + ": paths (事案の種類) がありません"};
    for (std::size_t i = 0; i < paths->size(); ++i) {
      auto p = paths->getObject(static_cast<unsigned>(i));
      if (!p) throw FlowError{origin + ": paths の要素はオブジェクトにしてください"};
      FlowPath path;
      path.id = Text(p, "id", origin + " の paths", true);
      const std::string where = origin + " の " + path.id;
      if (!ValidId(path.id)) throw FlowError{where + ": id は英小文字・数字・_ で書いてください"};
      if (f.Path(path.id)) throw FlowError{where + ": 同じ id の種類が二度あります"};
      path.title = Text(p, "title", where, true);
      path.form = Text(p, "form", where, false);
      auto steps = p->getArray("steps");
      if (!steps) throw FlowError{where + ": 手順 (steps) がありません"};
      for (std::size_t k = 0; k < steps->size(); ++k) {
        auto s = steps->getObject(static_cast<unsigned>(k));
        if (!s) throw FlowError{where + ": steps の要素はオブジェクトにしてください"};
        path.steps.push_back(ParseStep(s, f, where));
      }
      ValidatePath(path, where);
      f.paths.push_back(std::move(path));
    }
    return f;
  } catch (const FlowError& e) {
    return Result<Flow>::Error(e.message);
  } catch (const Poco::Exception& e) {
    return Result<Flow>::Error(origin + ": JSON として読み取れません (" + e.displayText() + ")");
  }
}

Result<FlowRegistry> FlowRegistry::Load(const std::string& dir) {
  FlowRegistry reg;
  auto add = [&](Flow f) {
    for (auto& existing : reg.flows_) {
      if (existing.id == f.id) {
        existing = std::move(f);
        return;
      }
    }
    reg.flows_.push_back(std::move(f));
  };
  for (const auto& [name, text] : BuiltInFlowTexts()) {
    auto f = ParseFlow(text, name);
    if (!f.ok()) return Result<FlowRegistry>::Error(f.error());
    add(std::move(f.value()));
  }
  if (!dir.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
      return Result<FlowRegistry>::Error("--flows-dir " + dir + ": ディレクトリがありません");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream in(file);
      std::stringstream text;
      text << in.rdbuf();
      auto f = ParseFlow(text.str(), file.string());
      if (!f.ok()) return Result<FlowRegistry>::Error(f.error());
      add(std::move(f.value()));
    }
  }
  return reg;
}

const Flow* FlowRegistry::Find(const std::string& id) const {
  for (const auto& f : flows_)
    if (f.id == id) return &f;
  return nullptr;
}

}  // namespace central::incidents
