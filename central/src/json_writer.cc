#include "central/json_writer.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/UTF8String.h>

#include <array>
#include <cstdint>
#include <sstream>

namespace central::json {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// What Poco::toJSON writes for each byte it escapes (control characters, '"', '\\'):
// taken from Poco itself, so that the two cannot differ.
const std::array<std::string, 128>& Escapes() {
  static const std::array<std::string, 128> kEscapes = [] {
    std::array<std::string, 128> e;
    for (int c = 0; c < 128; ++c) {
      if (c <= 31 || c == '"' || c == '\\') {
        const std::string one(1, static_cast<char>(c));
        e[c] = Poco::UTF8::escape(one.begin(), one.end(), true);
      }
    }
    return e;
  }();
  return kEscapes;
}

void AppendString(const std::string& s, std::string* out) {
  const auto& escapes = Escapes();
  out->push_back('"');
  std::size_t plain = 0;  // start of the bytes not yet appended
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c > 31 && c != '"' && c != '\\') continue;
    out->append(s, plain, i - plain);
    out->append(escapes[c]);
    plain = i + 1;
  }
  out->append(s, plain, std::string::npos);
  out->push_back('"');
}

void AppendObject(const Object& o, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const std::string& key : o.getNames()) {
    if (!first) out->push_back(',');
    first = false;
    AppendString(key, out);
    out->push_back(':');
    Append(o.get(key), out);
  }
  out->push_back('}');
}

}  // namespace

void Append(const Poco::Dynamic::Var& v, std::string* out) {
  if (v.type() == typeid(Object::Ptr)) {
    const Object::Ptr& o = v.extract<Object::Ptr>();
    if (o)
      AppendObject(*o, out);
    else
      out->append("null");
  } else if (v.type() == typeid(Array::Ptr)) {
    const Array::Ptr& a = v.extract<Array::Ptr>();
    if (!a) {
      out->append("null");
      return;
    }
    out->push_back('[');
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (i) out->push_back(',');
      Append(a->get(static_cast<unsigned>(i)), out);
    }
    out->push_back(']');
  } else if (v.isEmpty()) {
    out->append("null");
  } else if (v.type() == typeid(std::string)) {
    AppendString(v.extract<std::string>(), out);
  } else if (v.type() == typeid(int)) {  // the parser's integers: int when they fit
    out->append(std::to_string(v.extract<int>()));
  } else if (v.type() == typeid(Poco::Int64)) {
    out->append(std::to_string(v.extract<Poco::Int64>()));
  } else if (v.type() == typeid(bool)) {
    out->append(v.extract<bool>() ? "true" : "false");
  } else if (v.type() == typeid(Object) || v.type() == typeid(Array)) {
    // Not made by the parser; Poco's own writer for anything unusual.
    std::ostringstream text;
    Poco::JSON::Stringifier::stringify(v, text);
    out->append(text.str());
  } else if ((v.isNumeric() || v.isBoolean()) && v.type() != typeid(char)) {
    out->append(v.convert<std::string>());  // as Poco's Stringifier
  } else {
    std::ostringstream text;
    Poco::JSON::Stringifier::stringify(v, text);
    out->append(text.str());
  }
}

}  // namespace central::json
