// IncidentFormData from the JSON the CLI's --data file (and any script) gives.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "central/incident_forms.h"

namespace central {
namespace {

using Values = std::map<std::string, std::string>;

// A JSON scalar as text; false for an object or an array.
bool ScalarText(const Poco::Dynamic::Var& v, std::string* out) {
  if (v.isEmpty()) {
    out->clear();
    return true;
  }
  if (v.type() == typeid(Poco::JSON::Object::Ptr) || v.type() == typeid(Poco::JSON::Array::Ptr))
    return false;
  *out = v.convert<std::string>();
  return true;
}

bool ReadValues(const Poco::Dynamic::Var& v, const std::string& where, Values* out,
                std::string* error) {
  if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
    *error = where + " は {\"キー\": \"値\"} のオブジェクトにしてください / " + where +
             " must be an object of key: text";
    return false;
  }
  auto o = v.extract<Poco::JSON::Object::Ptr>();
  for (const auto& [key, value] : *o) {
    std::string text;
    if (!ScalarText(value, &text)) {
      *error = where + "." + key + " は文字列にしてください / " + where + "." + key +
               " must be text, not an object or array";
      return false;
    }
    (*out)[key] = text;
  }
  return true;
}

}  // namespace

Result<IncidentFormData> IncidentFormDataFromJson(const std::string& json) {
  using R = Result<IncidentFormData>;
  IncidentFormData data;
  std::string error;
  try {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var root = parser.parse(json);
    if (root.type() != typeid(Poco::JSON::Object::Ptr))
      return R::Error(
          "様式のデータは JSON オブジェクトにしてください / form data must be a JSON object");
    auto o = root.extract<Poco::JSON::Object::Ptr>();
    for (const auto& [name, value] : *o) {
      if (name == "fields") {
        if (!ReadValues(value, "fields", &data.fields, &error)) return R::Error(error);
      } else if (name == "entries") {
        if (value.type() != typeid(Poco::JSON::Array::Ptr))
          return R::Error("entries は配列にしてください / entries must be an array");
        auto a = value.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < a->size(); ++i) {
          Values entry;
          if (!ReadValues(a->get(static_cast<unsigned>(i)), "entries[" + std::to_string(i) + "]",
                          &entry, &error))
            return R::Error(error);
          data.entries.push_back(std::move(entry));
        }
      } else if (name == "case_id" || name == "town_name") {
        std::string text;
        if (!ScalarText(value, &text))
          return R::Error(name + " は文字列にしてください / " + name + " must be text");
        (name == "case_id" ? data.case_id : data.town_name) = text;
      } else {
        return R::Error("様式のデータに知らない項目 '" + name +
                        "' があります (fields, entries, case_id, town_name のみ) / unknown "
                        "member '" +
                        name + "'");
      }
    }
  } catch (const Poco::Exception& e) {
    return R::Error("様式のデータが JSON として読めません / form data is not valid JSON: " +
                    e.displayText());
  }
  return data;
}

}  // namespace central
