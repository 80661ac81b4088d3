// Poco::JSON is used here for parsing and writing event JSON; its exceptions end here.
#include "central/event_intake.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <set>
#include <sstream>

#include "central/event_index.h"
#include "central/json_writer.h"
#include "mailcheck/digit_runs.h"

namespace central {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

bool IdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!IdChar(c)) return false;
  return true;
}

bool ValidKind(const std::string& kind) {
  if (kind.empty() || kind.size() > 40) return false;
  for (char c : kind)
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  return true;
}

bool IsString(const Var& v) { return v.isString(); }
bool IsInteger(const Var& v) { return v.isInteger() && !v.isBoolean(); }
bool IsObject(const Var& v) { return v.type() == typeid(Object::Ptr); }
bool IsArray(const Var& v) { return v.type() == typeid(Array::Ptr); }

// An integer in [min, max]; false for any other value (floats, strings, booleans).
bool IntegerIn(const Var& v, Poco::Int64 min, Poco::Int64 max) {
  if (!IsInteger(v)) return false;
  try {
    const Poco::Int64 n = v.convert<Poco::Int64>();
    return n >= min && n <= max;
  } catch (const Poco::Exception&) {
    return false;  // above Int64
  }
}

// The number of decimal digits a JSON number is written with: its shortest round-trip form
// (exponent excluded). 373964017574 and 3739.64017574 both have 12.
int NumberDigits(const Var& v) {
  std::string text;
  try {
    if (v.isInteger()) {
      text = v.isSigned() ? std::to_string(v.convert<Poco::Int64>())
                          : std::to_string(v.convert<Poco::UInt64>());
    } else {
      char buf[64];
      const auto r = std::to_chars(buf, buf + sizeof buf, v.convert<double>());
      text.assign(buf, r.ptr);
      if (const std::size_t e = text.find_first_of("eE"); e != std::string::npos) text.resize(e);
    }
  } catch (const Poco::Exception&) {
    return 0;
  }
  int digits = 0;
  for (char c : text) digits += c >= '0' && c <= '9';
  // Trailing zeros of a float written with an exponent carry nothing; leading zeros of
  // "0.000123" neither: count the significant digits only.
  const std::size_t first = text.find_first_of("123456789");
  if (first == std::string::npos) return 0;
  int leading = 0;
  for (std::size_t i = 0; i < first; ++i) leading += text[i] == '0';
  return digits - leading;
}

// Where the event format (docs/CENTRAL_API.md) puts numbers; each is checked by its own
// format in CheckOptionalFields. `schema` is the path with array indexes written "[]".
bool NumberExpected(const std::string& schema) {
  static const std::set<std::string> kNumbers = {"policy_version", "offered_version",
                                                 "recipients_total", "attachments_total",
                                                 "attachments[].class"};
  if (kNumbers.count(schema)) return true;
  for (std::string_view counts : {"findings.", "attachments[].findings."}) {
    if (schema.size() > counts.size() && schema.compare(0, counts.size(), counts) == 0 &&
        schema.find_first_of(".[", counts.size()) == std::string::npos)
      return true;
  }
  return false;
}

// Top-level fields checked by their own format, not as free text.
bool StructuredField(const std::string& key) {
  return key == "id" || key == "kind" || key == "time" || key == "agent";
}

// Where FindIdentifier is: object keys and array indexes from the event down.
struct PathStep {
  std::string_view key;  // when index < 0
  long index = -1;
};

// The path as a reply names it ("recipients[1].address"), or with `schema` the form
// NumberExpected takes ("recipients[].address"). Built only when something is found.
std::string PathText(const std::vector<PathStep>& path, bool schema) {
  std::string out;
  for (const PathStep& step : path) {
    if (step.index >= 0) {
      out += schema ? std::string("[]") : "[" + std::to_string(step.index) + "]";
    } else {
      if (!out.empty()) out += '.';
      out += step.key;
    }
  }
  return out;
}

// The first place (at any depth) that holds what looks like an unmasked identifier: a
// string or an object key (HasUnmaskedIdentifier), or a number with 10 or more digits
// where the format expects none. Fills *where with a description that never repeats the
// value itself (the reply goes to the agent's log).
bool FindIdentifier(const Var& v, std::vector<PathStep>& path, std::string* where) {
  if (v.isString()) {
    if (HasUnmaskedIdentifier(v.extract<std::string>())) {
      *where = PathText(path, false) + " holds";
      return true;
    }
    return false;
  }
  if (v.isNumeric() && !v.isBoolean()) {
    if (NumberDigits(v) >= kIdentifierDigits && !NumberExpected(PathText(path, true))) {
      *where = PathText(path, false) + " is a number of 10 or more digits, which";
      return true;
    }
    return false;
  }
  if (IsObject(v)) {
    const Object::Ptr& o = v.extract<Object::Ptr>();
    for (const auto& [key, value] : *o) {
      if (HasUnmaskedIdentifier(key)) {
        *where = "a key in " + (path.empty() ? std::string("the event") : PathText(path, false)) +
                 " holds";
        return true;
      }
      if (path.empty() && StructuredField(key)) continue;
      path.push_back(PathStep{key});
      const bool found = FindIdentifier(value, path, where);
      path.pop_back();
      if (found) return true;
    }
  } else if (IsArray(v)) {
    const Array::Ptr& a = v.extract<Array::Ptr>();
    for (std::size_t i = 0; i < a->size(); ++i) {
      path.push_back(PathStep{{}, static_cast<long>(i)});
      const bool found = FindIdentifier(a->get(static_cast<unsigned>(i)), path, where);
      path.pop_back();
      if (found) return true;
    }
  }
  return false;
}

// {kind: count} with counts in [0, kMaxCount]; "" when it fits.
std::string CheckCounts(const Var& v, const std::string& path) {
  if (!IsObject(v)) return path + " must be an object {kind: count}";
  for (const auto& [kind, count] : *v.extract<Object::Ptr>())
    if (!IntegerIn(count, 0, kMaxCount))
      return path + " counts must be integers from 0 to " + std::to_string(kMaxCount);
  return "";
}

// Checks the types docs/CENTRAL_API.md gives for the optional fields; "" when all fit.
std::string CheckOptionalFields(const Object& e) {
  for (const char* key : {"user", "host", "agent_version", "verdict", "sender", "subject", "reply"})
    if (e.has(key) && !IsString(e.get(key))) return std::string(key) + " must be a string";
  for (const char* key : {"policy_version", "offered_version"})
    if (e.has(key) && !IntegerIn(e.get(key), 0, std::numeric_limits<std::int32_t>::max()))
      return std::string(key) + " must be an integer from 0 to 2147483647";
  for (const char* key : {"recipients_total", "attachments_total"})
    if (e.has(key) && !IntegerIn(e.get(key), 0, kMaxCount))
      return std::string(key) + " must be an integer from 0 to " + std::to_string(kMaxCount);
  for (const char* key : {"samples", "reasons"}) {
    if (!e.has(key)) continue;
    if (!IsArray(e.get(key))) return std::string(key) + " must be an array of strings";
    for (const Var& item : *e.getArray(key))
      if (!IsString(item)) return std::string(key) + " must be an array of strings";
  }
  if (e.has("recipients")) {
    if (!IsArray(e.get("recipients"))) return "recipients must be an array";
    for (const Var& r : *e.getArray("recipients")) {
      if (!IsObject(r)) return "recipients must hold objects";
      const Object::Ptr o = r.extract<Object::Ptr>();
      if (!o->has("address") || !IsString(o->get("address")))
        return "recipients[].address must be a string";
      if (o->has("external") && !o->get("external").isBoolean())
        return "recipients[].external must be true or false";
    }
  }
  if (e.has("attachments")) {
    if (!IsArray(e.get("attachments"))) return "attachments must be an array";
    for (const Var& a : *e.getArray("attachments")) {
      if (!IsObject(a)) return "attachments must hold objects";
      const Object::Ptr o = a.extract<Object::Ptr>();
      if (o->has("name") && !IsString(o->get("name"))) return "attachments[].name must be a string";
      if (o->has("class") && !IntegerIn(o->get("class"), 0, 3))
        return "attachments[].class must be an integer from 0 to 3";
      if (o->has("fully_checked") && !o->get("fully_checked").isBoolean())
        return "attachments[].fully_checked must be true or false";
      if (o->has("findings"))
        if (std::string bad = CheckCounts(o->get("findings"), "attachments[].findings");
            !bad.empty())
          return bad;
    }
  }
  if (e.has("findings")) return CheckCounts(e.get("findings"), "findings");
  return "";
}

std::string Stringify(Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

}  // namespace

bool IsIdentifierSeparator(char32_t c) { return mailcheck::IsDigitRunSeparator(c); }

bool HasUnmaskedIdentifier(std::string_view s) { return mailcheck::HasDigitRun(s); }

EventBatch ParseEventBatch(std::string_view body, const std::string& agent, Micros received_at) {
  EventBatch batch;
  Var root;
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    root = parser.parse(std::string(body));
  } catch (const Poco::Exception& e) {
    batch.status = 400;
    batch.error = "the body is not JSON: " + e.message();
    batch.error_ja = "本文が JSON ではありません";
    return batch;
  }
  if (!IsObject(root) || !root.extract<Object::Ptr>()->has("events") ||
      !IsArray(root.extract<Object::Ptr>()->get("events"))) {
    batch.status = 400;
    batch.error = "the body has no \"events\" array";
    batch.error_ja = "本文に \"events\" 配列がありません";
    return batch;
  }
  const Array::Ptr events = root.extract<Object::Ptr>()->getArray("events");
  if (events->size() > kMaxEventsPerBatch) {
    batch.status = 413;
    batch.error = "at most " + std::to_string(kMaxEventsPerBatch) + " events per request";
    batch.error_ja = "1 回に送れるイベントは " + std::to_string(kMaxEventsPerBatch) + " 件までです";
    return batch;
  }
  std::vector<PathStep> path;
  for (const Var& item : *events) {
    if (!IsObject(item)) {
      batch.rejected.push_back({"", "an event must be a JSON object"});
      continue;
    }
    Object::Ptr e = item.extract<Object::Ptr>();
    std::string id;
    if (e->has("id") && IsString(e->get("id"))) id = e->getValue<std::string>("id");
    auto reject = [&](const std::string& why) {
      batch.rejected.push_back({ValidId(id) ? id : "", why});
    };
    if (!ValidId(id)) {
      reject("id must be a string of 1-64 characters [A-Za-z0-9._:-]");
      continue;
    }
    if (!e->has("kind") || !IsString(e->get("kind")) ||
        !ValidKind(e->getValue<std::string>("kind"))) {
      reject("kind must be a string of 1-40 characters [a-z_]");
      continue;
    }
    std::optional<Micros> time;
    if (e->has("time") && IsString(e->get("time")))
      time = ParseTime(e->getValue<std::string>("time"));
    if (!time) {
      reject("time must be an RFC 3339 time such as 2026-11-29T14:00:00Z");
      continue;
    }
    if (std::string bad = CheckOptionalFields(*e); !bad.empty()) {
      reject(bad);
      continue;
    }
    e->set("agent", agent);  // the enrolled name wins over anything the event says
    if (std::string where; FindIdentifier(item, path, &where)) {
      reject(where +
             " 10 or more digits in a row (spaces and hyphens between them count as none): "
             "an unmasked identifier? Identifiers must be masked before they leave the desktop");
      continue;
    }
    std::string json;
    json::Append(item, &json);  // as Poco's stringify, faster (json_writer.h)
    StoredEvent stored{id,    agent,       e->getValue<std::string>("kind"),
                       *time, received_at, std::move(json)};
    // Read once here what storing needs from the JSON (the search terms, the user).
    stored.user = e->has("user") ? e->getValue<std::string>("user") : std::string();
    try {
      stored.terms = EventTerms(*e);
    } catch (const std::exception&) {
      stored.terms.emplace();  // as EventTerms of a body it cannot read: no terms
    }
    batch.accepted.push_back(std::move(stored));
  }
  return batch;
}

std::string EventBatchReply(const InsertCounts& counts,
                            const std::vector<RejectedEvent>& rejected) {
  Object reply(Poco::JSON_PRESERVE_KEY_ORDER);
  reply.set("stored", counts.stored);
  reply.set("duplicates", counts.duplicates);
  Array::Ptr list = new Array;
  for (const RejectedEvent& r : rejected) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", r.id);
    o->set("error", r.error);
    list->add(o);
  }
  reply.set("rejected", list);
  return Stringify(reply);
}

std::string ErrorJson(const std::string& english, const std::string& japanese) {
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("error", english);
  o.set("error_ja", japanese);
  return Stringify(o);
}

}  // namespace central
