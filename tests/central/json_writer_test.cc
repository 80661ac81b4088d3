// json::Append must write what Poco's Object::stringify writes, byte for byte: the stored
// text of every event depends on it. Fixed edge cases, then seeded random documents.
#include "central/json_writer.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <random>
#include <sstream>

namespace central::json {
namespace {

std::string ByPoco(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  v.extract<Poco::JSON::Object::Ptr>()->stringify(out);
  return out.str();
}

std::string ByAppend(const Poco::Dynamic::Var& v) {
  std::string out;
  Append(v, &out);
  return out;
}

Poco::Dynamic::Var Parse(const std::string& text) {
  Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));  // as the intake parses
  return parser.parse(text);
}

TEST(JsonWriterTest, WritesWhatPocoWritesForEdgeCases) {
  const char* const cases[] = {
      R"({})",
      R"({"a":[]})",
      R"({"a":{},"b":[{}],"c":[[]]})",
      R"({"z":1,"a":2,"m":3})",  // insertion order, not sorted
      R"({"a":1,"a":2,"b":3})",  // a duplicate key keeps its first place and last value
      R"({"s":"","t":" ","u":"住民票の写し ********5678"})",
      R"({"esc":"\" \\ \/ \b \f \n \r \t \u0000 \u0001 \u001f \u007f \u0080 \u00e9 \ud83d\ude00"})",
      R"({"\n key \u0000":"v","":"empty key"})",
      R"({"n":[0,-0,1,-1,2147483647,2147483648,-2147483648,-2147483649]})",
      R"({"n":[9223372036854775807,-9223372036854775808,18446744073709551615]})",
      R"({"d":[0.0,-0.0,1.5,-2.25,0.1,1e300,1E-300,3e5,123456789012.5,1e21,5e-324]})",
      R"({"b":[true,false,null],"x":{"y":{"z":[1,{"w":null}]}}})",
      R"({"id":"ev-1","kind":"send_blocked","time":"2026-11-29T14:00:00Z","user":"yamada.taro",)"
      R"("recipients":[{"address":"a@example.com","external":true}],"findings":{"my_number":3},)"
      R"("policy_version":3,"samples":["1234 **** ***8"],"agent":"pc-1"})",
  };
  for (const char* text : cases) {
    const Poco::Dynamic::Var v = Parse(text);
    EXPECT_EQ(ByAppend(v), ByPoco(v)) << text;
  }
}

// Random documents: objects, arrays, strings of any code point (and raw bytes of every
// value below 0x80), integers of every width, doubles.
class RandomJson {
 public:
  explicit RandomJson(unsigned seed) : rng_(seed) {}

  std::string Object(int depth) {
    std::string out = "{";
    const int n = static_cast<int>(rng_() % 6);
    for (int i = 0; i < n; ++i) {
      if (i) out += ",";
      out += String() + ":" + Value(depth + 1);
    }
    return out + "}";
  }

 private:
  std::string Value(int depth) {
    switch (rng_() % (depth > 4 ? 5 : 7)) {
      case 0:
        return String();
      case 1:
        return std::to_string(static_cast<std::int64_t>(rng_()) >> (rng_() % 64));
      case 2: {
        std::ostringstream d;
        d.precision(1 + rng_() % 17);
        d << (static_cast<double>(static_cast<std::int64_t>(rng_())) /
              static_cast<double>(1 + rng_() % 100000)) *
                 (rng_() % 2 ? 1e-10 : 1e10);
        return d.str();
      }
      case 3:
        return rng_() % 2 ? "true" : "false";
      case 4:
        return "null";
      case 5: {
        std::string out = "[";
        const int n = static_cast<int>(rng_() % 5);
        for (int i = 0; i < n; ++i) out += (i ? "," : "") + Value(depth + 1);
        return out + "]";
      }
      default:
        return Object(depth);
    }
  }

  std::string String() {
    static const char* const kPieces[] = {
        "a",       "Z",  " ",  "/", "\\\\", "\\\"",           "\\n", "\\t", "\\u0000", "\\u001b",
        "\\u007f", "住", "民", "é", "😀",    "\\ud83d\\ude00", "*",   "1",   "@",       "\\u3000"};
    std::string out = "\"";
    const int n = static_cast<int>(rng_() % 12);
    for (int i = 0; i < n; ++i) {
      if (rng_() % 4 == 0) {  // any byte below 0x80 except what JSON forbids raw
        const char c = static_cast<char>(0x20 + rng_() % 0x60);
        if (c != '"' && c != '\\') out += c;
      } else {
        out += kPieces[rng_() % std::size(kPieces)];
      }
    }
    return out + "\"";
  }

  std::mt19937 rng_;
};

TEST(JsonWriterTest, WritesWhatPocoWritesForRandomDocuments) {
  RandomJson gen(17);
  int compared = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string text = gen.Object(0);
    Poco::Dynamic::Var v;
    try {
      v = Parse(text);
    } catch (const Poco::Exception&) {
      continue;
    }
    ASSERT_EQ(ByAppend(v), ByPoco(v)) << text;
    ++compared;
  }
  EXPECT_GT(compared, 2900);
}

}  // namespace
}  // namespace central::json
