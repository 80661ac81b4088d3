// Poco::JSON is used here for parsing and writing event JSON; its exceptions end here.
#include "central/event_intake.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

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
bool IsInteger(const Var& v) { return v.isInteger(); }
bool IsObject(const Var& v) { return v.type() == typeid(Object::Ptr); }
bool IsArray(const Var& v) { return v.type() == typeid(Array::Ptr); }

// The first string (at any depth, the event's own id excepted) that holds an unmasked
// identifier; names the path for the error message.
bool FindIdentifier(const Var& v, const std::string& path, std::string* where) {
  if (v.isString()) {
    if (HasUnmaskedIdentifier(v.extract<std::string>())) {
      *where = path;
      return true;
    }
    return false;
  }
  if (IsObject(v)) {
    const Object::Ptr o = v.extract<Object::Ptr>();
    for (const auto& [key, value] : *o) {
      if (path.empty() && key == "id") continue;
      if (FindIdentifier(value, path.empty() ? key : path + "." + key, where)) return true;
    }
  } else if (IsArray(v)) {
    const Array::Ptr a = v.extract<Array::Ptr>();
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (FindIdentifier(a->get(static_cast<unsigned>(i)), path + "[" + std::to_string(i) + "]",
                         where))
        return true;
    }
  }
  return false;
}

// Checks the types docs/CENTRAL_API.md gives for the optional fields; "" when all fit.
std::string CheckOptionalFields(const Object& e) {
  for (const char* key : {"user", "host", "agent_version", "verdict", "sender", "subject", "reply"})
    if (e.has(key) && !IsString(e.get(key))) return std::string(key) + " must be a string";
  if (e.has("policy_version") && !IsInteger(e.get("policy_version")))
    return "policy_version must be an integer";
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
    for (const Var& a : *e.getArray("attachments"))
      if (!IsObject(a)) return "attachments must hold objects";
  }
  if (e.has("findings")) {
    if (!IsObject(e.get("findings"))) return "findings must be an object {kind: count}";
    for (const auto& [kind, count] : *e.getObject("findings"))
      if (!IsInteger(count)) return "findings." + kind + " must be an integer";
  }
  return "";
}

std::string Stringify(Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

}  // namespace

bool HasUnmaskedIdentifier(std::string_view s) {
  int run = 0;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= '0' && c <= '9') {
      ++run;
      ++i;
    } else if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC &&
               static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
               static_cast<unsigned char>(s[i + 2]) <= 0x99) {
      ++run;  // U+FF10..U+FF19, full-width digits
      i += 3;
    } else {
      run = 0;
      ++i;
    }
    if (run >= 10) return true;
  }
  return false;
}

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
    if (std::string where; FindIdentifier(item, "", &where)) {
      reject(where +
             " holds 10 or more consecutive digits (an unmasked identifier?); "
             "identifiers must be masked before they leave the desktop");
      continue;
    }
    batch.accepted.push_back(StoredEvent{id, agent, e->getValue<std::string>("kind"), *time,
                                         received_at, Stringify(*e)});
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
