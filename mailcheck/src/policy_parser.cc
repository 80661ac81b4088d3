// Compiles policy JSON into a Policy. This file is the Poco adapter of mailcheck: every
// Poco exception is caught here and turned into an error that names the key.
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <limits>
#include <sstream>

#include "mailcheck/policy.h"

namespace mailcheck {
namespace {

constexpr std::string_view kDefaultPolicyJson =
#include "default_policy.inc"
    ;

using Poco::JSON::Object;

// Collects one line per problem, each "key: problem".
class Problems {
 public:
  void Add(const std::string& key, const std::string& problem) {
    if (!text_.empty()) text_ += "\n";
    text_ += key + ": " + problem;
  }
  bool empty() const { return text_.empty(); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Reads an allow/prompt/block action at `key` of `object` into `action`.
void ReadAction(const Object& object, const std::string& key, const std::string& path,
                Problems* problems, Verdict* action) {
  if (!object.has(key)) return;
  Poco::Dynamic::Var value = object.get(key);
  if (value.isString()) {
    std::optional<Verdict> verdict = VerdictFromName(value.toString());
    if (verdict && *verdict != Verdict::kConvert) {
      *action = *verdict;
      return;
    }
  }
  problems->Add(path, "must be one of \"allow\", \"prompt\", \"block\"");
}

// Reads an integer in [min, max] at `key`; returns false (and records why) otherwise.
void ReadInt(const Object& object, const std::string& key, const std::string& path, int min,
             Problems* problems, int* out) {
  if (!object.has(key)) return;
  Poco::Dynamic::Var value = object.get(key);
  bool ok = false;
  if (value.isInteger() && !value.isBoolean()) {
    Poco::Int64 n = value.convert<Poco::Int64>();
    if (n >= min && n <= std::numeric_limits<int>::max()) {
      *out = static_cast<int>(n);
      ok = true;
    }
  }
  if (!ok) problems->Add(path, "must be an integer ≥ " + std::to_string(min));
}

void ReadAttachmentActions(const Object& root, const std::string& scope, Problems* problems,
                           AttachmentActions* actions) {
  Object::Ptr attachments = root.getObject("attachments");
  if (!attachments || !attachments->has(scope)) return;
  const std::string path = "attachments." + scope;
  Object::Ptr object = attachments->getObject(scope);
  if (!object) {
    problems->Add(path, "must be an object");
    return;
  }
  ReadAction(*object, "my_number", path + ".my_number", problems, &actions->my_number);
  ReadAction(*object, "class1", path + ".class1", problems, &actions->class1);
  ReadAction(*object, "class2", path + ".class2", problems, &actions->class2);
  ReadAction(*object, "unscannable", path + ".unscannable", problems, &actions->unscannable);
}

// Reads the optional "print" object: an allow/prompt/hold/block action per kind.
void ReadPrintActions(const Object& root, Problems* problems, PrintActions* actions) {
  if (!root.has("print")) return;
  Object::Ptr object = root.getObject("print");
  if (!object) {
    problems->Add("print", "must be an object");
    return;
  }
  auto read = [&](const std::string& key, PrintAction* action) {
    if (!object->has(key)) return;
    Poco::Dynamic::Var value = object->get(key);
    if (value.isString()) {
      if (std::optional<PrintAction> parsed = PrintActionFromName(value.toString())) {
        *action = *parsed;
        return;
      }
    }
    problems->Add("print." + key, "must be one of \"allow\", \"prompt\", \"hold\", \"block\"");
  };
  read("my_number", &actions->my_number);
  read("class1", &actions->class1);
  read("class2", &actions->class2);
  read("unscannable", &actions->unscannable);
}

Result<std::shared_ptr<const Policy>> Fail(std::string message) {
  return Result<std::shared_ptr<const Policy>>::Error(std::move(message));
}

}  // namespace

Result<std::shared_ptr<const Policy>> ParsePolicy(std::string_view json) {
  Object::Ptr root;
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var parsed = parser.parse(std::string(json));
    if (parsed.type() == typeid(Object::Ptr)) root = parsed.extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    return Fail("policy: not valid JSON (" + e.displayText() + ")");
  } catch (const std::exception& e) {
    return Fail(std::string("policy: not valid JSON (") + e.what() + ")");
  }
  if (!root) return Fail("policy: must be a JSON object");

  Problems problems;
  try {
    // internal_domains: required; everything else has the defaults of CONTRACTS.md §3.
    std::vector<std::string> domains;
    if (!root->has("internal_domains")) {
      problems.Add("internal_domains", "is required (the organisation's own mail domains)");
    } else if (!root->isArray("internal_domains")) {
      problems.Add("internal_domains", "must be an array of domain names");
    } else {
      Poco::JSON::Array::Ptr array = root->getArray("internal_domains");
      if (array->size() == 0) {
        problems.Add("internal_domains", "must list at least one domain");
      }
      for (std::size_t i = 0; i < array->size(); ++i) {
        Poco::Dynamic::Var item = array->get(static_cast<unsigned>(i));
        if (!item.isString()) {
          problems.Add("internal_domains[" + std::to_string(i) + "]", "must be a string");
          continue;
        }
        domains.push_back(item.toString());
        // Each domain is checked on its own so the error names the right element.
        Result<DomainMatcher> one = DomainMatcher::Create({domains.back()});
        if (!one.ok()) problems.Add("internal_domains[" + std::to_string(i) + "]", one.error());
      }
    }
    Result<DomainMatcher> matcher = DomainMatcher::Create(domains);
    if (!matcher.ok()) {
      problems.Add("internal_domains", matcher.error());
      return Fail(problems.text());
    }
    std::shared_ptr<Policy> policy(new Policy(std::move(matcher).value()));

    if (root->has("version")) ReadInt(*root, "version", "version", 1, &problems, &policy->version_);
    if (root->has("organization")) {
      Poco::Dynamic::Var org = root->get("organization");
      if (org.isString()) {
        policy->organization_ = org.toString();
      } else {
        problems.Add("organization", "must be a string");
      }
    }

    if (root->has("bcc_conversion")) {
      Object::Ptr bcc = root->getObject("bcc_conversion");
      if (!bcc) {
        problems.Add("bcc_conversion", "must be an object");
      } else {
        BccConversionSettings& settings = policy->bcc_conversion_;
        if (bcc->has("enabled")) {
          Poco::Dynamic::Var enabled = bcc->get("enabled");
          if (enabled.isBoolean()) {
            settings.enabled = enabled.extract<bool>();
          } else {
            problems.Add("bcc_conversion.enabled", "must be true or false");
          }
        }
        ReadInt(*bcc, "min_to_recipients", "bcc_conversion.min_to_recipients", 1, &problems,
                &settings.min_to_recipients);
        if (bcc->has("to_header")) {
          Poco::Dynamic::Var mode = bcc->get("to_header");
          std::string text = mode.isString() ? mode.toString() : std::string();
          if (text == "undisclosed") {
            settings.to_header = ToHeaderMode::kUndisclosed;
          } else if (text == "sender") {
            settings.to_header = ToHeaderMode::kSender;
          } else {
            problems.Add("bcc_conversion.to_header", "must be \"undisclosed\" or \"sender\"");
          }
        }
      }
    }

    ReadAction(*root, "lookalike_domains", "lookalike_domains", &problems,
               &policy->lookalike_domains_);

    if (root->has("attachments") && !root->getObject("attachments")) {
      problems.Add("attachments", "must be an object");
    } else {
      ReadAttachmentActions(*root, "external", &problems, &policy->external_);
      ReadAttachmentActions(*root, "internal", &problems, &policy->internal_);
    }

    ReadPrintActions(*root, &problems, &policy->print_);

    if (root->has("doccheck")) {
      Status status = doccheck::LoadOptionsFromPolicyJson(json, &policy->doccheck_options_);
      if (!status.ok()) problems.Add("doccheck", status.message());
    }

    if (!problems.empty()) return Fail(problems.text());
    return std::shared_ptr<const Policy>(std::move(policy));
  } catch (const Poco::Exception& e) {
    problems.Add("policy", "unreadable (" + e.displayText() + ")");
  } catch (const std::exception& e) {
    problems.Add("policy", std::string("unreadable (") + e.what() + ")");
  }
  return Fail(problems.text());
}

Result<std::shared_ptr<const Policy>> LoadPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Fail(path + ": cannot be read");
  Result<std::shared_ptr<const Policy>> policy = ParsePolicy(text.str());
  if (!policy.ok()) return Fail(path + ": " + policy.error());
  return policy;
}

std::string_view PrintActionName(PrintAction action) {
  switch (action) {
    case PrintAction::kAllow:
      return "allow";
    case PrintAction::kPrompt:
      return "prompt";
    case PrintAction::kHold:
      return "hold";
    case PrintAction::kBlock:
      return "block";
  }
  return "allow";
}

std::optional<PrintAction> PrintActionFromName(std::string_view name) {
  if (name == "allow") return PrintAction::kAllow;
  if (name == "prompt") return PrintAction::kPrompt;
  if (name == "hold") return PrintAction::kHold;
  if (name == "block") return PrintAction::kBlock;
  return std::nullopt;
}

std::string_view DefaultPolicyJson() { return kDefaultPolicyJson; }

std::shared_ptr<const Policy> DefaultPolicy() {
  static const std::shared_ptr<const Policy> kPolicy = [] {
    Result<std::shared_ptr<const Policy>> policy = ParsePolicy(kDefaultPolicyJson);
    // The shipped default is validated by the build's tests; failing here is a bug.
    if (!policy.ok()) std::abort();
    return policy.value();
  }();
  return kPolicy;
}

}  // namespace mailcheck
