#include "central/policy_publisher.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <optional>
#include <sstream>

#include "mailcheck/policy.h"

namespace central {
namespace {

struct Span {
  std::size_t begin = 0, end = 0;
};

// Skips a JSON string starting at s[i] == '"'; returns the index after its closing quote.
std::size_t SkipString(std::string_view s, std::size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\')
      ++i;
    else if (s[i] == '"')
      return i + 1;
  }
  return s.size();
}

// The value span of the top-level key "version", if the text has one written plainly.
std::optional<Span> FindTopLevelVersion(std::string_view s, std::size_t* open_brace) {
  int depth = 0;
  *open_brace = std::string_view::npos;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      const std::size_t end = SkipString(s, i);
      if (depth == 1 && s.substr(i, end - i) == "\"version\"") {
        std::size_t j = end;
        while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        if (j < s.size() && s[j] == ':') {
          ++j;
          while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
          std::size_t k = j;
          while (k < s.size() && (std::isalnum(static_cast<unsigned char>(s[k])) || s[k] == '-' ||
                                  s[k] == '+' || s[k] == '.'))
            ++k;
          if (k > j) return Span{j, k};
        }
      }
      i = end - 1;
    } else if (c == '{' || c == '[') {
      if (depth == 0 && c == '{') *open_brace = i;
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::nullopt;
}

Result<std::string> RewriteWithJsonWriter(std::string_view text, std::int64_t version) {
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    Poco::JSON::Object::Ptr o = parser.parse(std::string(text)).extract<Poco::JSON::Object::Ptr>();
    o->set("version", version);
    std::ostringstream out;
    o->stringify(out, 2);
    return out.str() + "\n";
  } catch (const Poco::Exception& e) {
    return Result<std::string>::Error("the policy is not a JSON object: " + e.displayText());
  }
}

}  // namespace

Result<std::string> WithPolicyVersion(std::string_view text, std::int64_t version) {
  std::size_t open_brace = 0;
  std::string out(text);
  if (auto span = FindTopLevelVersion(text, &open_brace)) {
    out.replace(span->begin, span->end - span->begin, std::to_string(version));
  } else if (open_brace != std::string_view::npos) {
    // Insert after '{', matching the indentation of the next line when there is one.
    std::string insert = "\"version\": " + std::to_string(version);
    std::size_t next = open_brace + 1;
    while (next < text.size() && (text[next] == ' ' || text[next] == '\t')) ++next;
    const bool empty_object = next < text.size() && text[next] == '}';
    if (next < text.size() && (text[next] == '\n' || text[next] == '\r')) {
      std::size_t line = text.find('\n', open_brace) + 1;
      std::size_t indent_end = line;
      while (indent_end < text.size() && (text[indent_end] == ' ' || text[indent_end] == '\t'))
        ++indent_end;
      out.insert(line, std::string(text.substr(line, indent_end - line)) + insert +
                           (empty_object ? "\n" : ",\n"));
    } else {
      out.insert(open_brace + 1, empty_object ? insert : insert + ", ");
    }
  } else {
    return Result<std::string>::Error("the policy is not a JSON object");
  }
  // The edit must leave a policy whose version is the one asked for; otherwise (escaped
  // key, duplicate keys, odd layout) fall back to re-writing the whole text.
  auto check = mailcheck::ParsePolicy(out);
  if (check.ok() && check.value()->version() == version) return out;
  return RewriteWithJsonWriter(text, version);
}

Result<std::int64_t> PublishPolicyText(Store& store, const PolicySigner& signer,
                                       std::string_view text, Micros now) {
  auto parsed = mailcheck::ParsePolicy(text);
  if (!parsed.ok()) return Result<std::int64_t>::Error(parsed.error());
  std::int64_t file_version = 0;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(std::string(text)).extract<Poco::JSON::Object::Ptr>();
    if (o->has("version")) file_version = o->getValue<Poco::Int64>("version");
  } catch (const Poco::Exception& e) {
    return Result<std::int64_t>::Error("version: " + e.displayText());
  }
  // Two pushes at once: the loser of the race picks the next version and tries again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto latest = store.LatestPolicy();
    if (!latest.ok()) return Result<std::int64_t>::Error(latest.error());
    const std::int64_t last = latest.value() ? latest.value()->version : 0;
    const std::int64_t version = std::max(file_version, last + 1);
    auto versioned = WithPolicyVersion(text, version);
    if (!versioned.ok()) return Result<std::int64_t>::Error(versioned.error());
    auto recheck = mailcheck::ParsePolicy(versioned.value());
    if (!recheck.ok() || recheck.value()->version() != version) {
      return Result<std::int64_t>::Error(
          "internal error: the versioned policy does not validate: " + recheck.error());
    }
    PublishedPolicy p{version, versioned.value(), signer.Sign(versioned.value()), now};
    Status s = store.PublishPolicy(p);
    if (s.ok()) return version;
    auto again = store.LatestPolicy();
    if (!again.ok() || !again.value() || again.value()->version < version)
      return Result<std::int64_t>::Error(s.message());
  }
  return Result<std::int64_t>::Error(
      "policy push: lost the race for a version five times; try again");
}

}  // namespace central
