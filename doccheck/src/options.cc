#include "doccheck/options.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>

namespace doccheck {
namespace {

// Reads a non-negative number at `key` of `obj` into `*out`; errors name "doccheck.<path>".
template <typename T>
Status ReadNumber(const Poco::JSON::Object::Ptr& obj, const std::string& key,
                  const std::string& path, T* out) {
  if (!obj->has(key)) return Status::Ok();
  const Poco::Dynamic::Var v = obj->get(key);
  if (!v.isNumeric() || v.convert<double>() < 0) {
    return Status::Error(path + "." + key + ": must be a non-negative number");
  }
  *out = static_cast<T>(v.convert<double>());
  return Status::Ok();
}

Status ReadBool(const Poco::JSON::Object::Ptr& obj, const std::string& key, const std::string& path,
                bool* out) {
  if (!obj->has(key)) return Status::Ok();
  const Poco::Dynamic::Var v = obj->get(key);
  if (!v.isBoolean()) return Status::Error(path + "." + key + ": must be true or false");
  *out = v.convert<bool>();
  return Status::Ok();
}

}  // namespace

Status LoadOptionsFromPolicyJson(std::string_view json, Options* options) {
  try {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var root = parser.parse(std::string(json));
    const auto top = root.extract<Poco::JSON::Object::Ptr>();
    if (!top) return Status::Error("policy: must be a JSON object");
    if (!top->has("doccheck")) return Status::Ok();
    const auto dc = top->getObject("doccheck");
    if (!dc) return Status::Error("doccheck: must be an object");
    if (dc->has("limits")) {
      const auto lim = dc->getObject("limits");
      if (!lim) return Status::Error("doccheck.limits: must be an object");
      Limits& l = options->limits;
      for (Status s : {ReadNumber(lim, "max_file_bytes", "doccheck.limits", &l.max_file_bytes),
                       ReadNumber(lim, "max_tree_bytes", "doccheck.limits", &l.max_tree_bytes),
                       ReadNumber(lim, "max_depth", "doccheck.limits", &l.max_depth),
                       ReadNumber(lim, "max_entries", "doccheck.limits", &l.max_entries),
                       ReadNumber(lim, "max_seconds", "doccheck.limits", &l.max_seconds),
                       ReadNumber(lim, "max_findings", "doccheck.limits", &l.max_findings)}) {
        if (!s.ok()) return s;
      }
    }
    if (dc->has("class_rules")) {
      const auto cr = dc->getObject("class_rules");
      if (!cr) return Status::Error("doccheck.class_rules: must be an object");
      ClassRules& r = options->class_rules;
      for (Status s :
           {ReadBool(cr, "identifier_numbers_class1", "doccheck.class_rules",
                     &r.identifier_numbers_class1),
            ReadBool(cr, "birth_date_class1", "doccheck.class_rules", &r.birth_date_class1),
            ReadBool(cr, "people_list_class1", "doccheck.class_rules", &r.people_list_class1),
            ReadNumber(cr, "min_people_for_list", "doccheck.class_rules",
                       &r.min_people_for_list)}) {
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return Status::Error("policy: not valid JSON: " + e.displayText());
  } catch (const std::exception& e) {
    return Status::Error(std::string("policy: not valid JSON: ") + e.what());
  }
}

Status LoadOptionsFromPolicyFile(const std::string& path, Options* options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ": cannot open the policy file");
  std::ostringstream ss;
  ss << in.rdbuf();
  Status s = LoadOptionsFromPolicyJson(ss.str(), options);
  if (!s.ok()) return Status::Error(path + ": " + s.message());
  return s;
}

}  // namespace doccheck
