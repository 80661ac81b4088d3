#include "agent/policy_updater.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "agent/base64.h"
#include "agent/durable_file.h"
#include "agent/outbox.h"
#include "doccheck/report_format.h"
#include "mailcheck/policy.h"

namespace agent {
namespace {

// Standard padded base64 → bytes; false when it is not exactly `size` bytes.
bool DecodeBase64(const std::string& text, std::size_t size, std::string* out) {
  std::optional<std::string> bytes = Base64Decode(Poco::trim(text));
  if (!bytes || bytes->size() != size) return false;
  *out = std::move(*bytes);
  return true;
}

bool Verify(const std::string& key, const std::string& text, const std::string& signature) {
  return key.size() == crypto_sign_PUBLICKEYBYTES && signature.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     text.size(),
                                     reinterpret_cast<const unsigned char*>(key.data())) == 0;
}

}  // namespace

PolicyUpdater::PolicyUpdater(PolicyStore& policies, std::string public_key, std::string state_dir,
                             EventContext context, Outbox* outbox, CentralClient* client)
    : policies_(policies),
      public_key_(std::move(public_key)),
      state_dir_(std::move(state_dir)),
      context_(std::move(context)),
      outbox_(outbox),
      client_(client) {
  if (sodium_init() < 0) std::fprintf(stderr, "sendguard-agent: libsodium failed to start\n");
}

PolicyUpdater::~PolicyUpdater() { Stop(); }

mailcheck::Result<std::string> PolicyUpdater::LoadPublicKey(const std::string& path) {
  using R = mailcheck::Result<std::string>;
  if (sodium_init() < 0) return R::Error("libsodium failed to start");
  std::string text;
  if (!ReadWholeFile(path, &text)) return R::Error(path + ": cannot read the policy key file");
  std::string key;
  if (!DecodeBase64(text, crypto_sign_PUBLICKEYBYTES, &key))
    return R::Error(path +
                    ": expected one line of standard base64 holding a 32-byte Ed25519 public key");
  return R(std::move(key));
}

int PolicyUpdater::LoadSaved() {
  std::string text, signature;
  const std::string path = state_dir_ + "/policy.json";
  if (!ReadWholeFile(path, &text)) return 0;
  if (!ReadWholeFile(path + ".sig", &signature)) {
    std::fprintf(stderr, "sendguard-agent: %s has no signature file; not used\n", path.c_str());
    return 0;
  }
  std::string sig;
  if (!DecodeBase64(signature, crypto_sign_BYTES, &sig) || !Verify(public_key_, text, sig)) {
    std::fprintf(stderr,
                 "sendguard-agent: %s: the signature does not verify with --policy-key; not used\n",
                 path.c_str());
    return 0;
  }
  auto parsed = mailcheck::ParsePolicy(text);
  if (!parsed.ok()) {
    std::fprintf(stderr, "sendguard-agent: %s: %s; not used\n", path.c_str(),
                 parsed.error().c_str());
    return 0;
  }
  const int version = parsed.value()->version();
  if (version <= policies_.Get()->version()) return 0;
  policies_.Set(parsed.value());
  std::fprintf(stderr, "sendguard-agent: policy version %d from central (saved in %s) in force\n",
               version, path.c_str());
  return version;
}

mailcheck::Status PolicyUpdater::Refuse(int version, const std::string& reason) {
  const int in_force = policies_.Get()->version();
  std::fprintf(stderr,
               "sendguard-agent: policy version %d from central refused (%s); version %d stays "
               "in force\n",
               version, reason.c_str(), in_force);
  // Bounded: a broken or hostile central offering endless variants cannot grow this set
  // (or the outbox) without limit; after 64 distinct refusals they are reported afresh.
  if (refusals_reported_.size() >= 64) refusals_reported_.clear();
  if (outbox_ && refusals_reported_.insert(std::to_string(version) + ":" + reason).second) {
    const mailcheck::Status s =
        outbox_->Add(BuildPolicyEvent("policy_rejected", version, in_force, reason, context_));
    if (!s.ok()) std::fprintf(stderr, "sendguard-agent: %s\n", s.message().c_str());
  }
  return mailcheck::Status::Error(reason);
}

mailcheck::Status PolicyUpdater::Apply(const std::string& envelope_json) {
  int version = 0;
  std::string text, signature;
  try {
    Poco::JSON::Parser parser;
    const auto root = parser.parse(envelope_json).extract<Poco::JSON::Object::Ptr>();
    if (!root || !root->has("version") || !root->has("policy") || !root->has("signature"))
      throw std::runtime_error("missing version, policy or signature");
    version = root->getValue<int>("version");
    text = root->getValue<std::string>("policy");
    signature = root->getValue<std::string>("signature");
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(apply_mutex_);
    return Refuse(version, std::string("the answer is not a signed policy: ") + e.what());
  }
  return ApplySigned(version, text, signature);
}

mailcheck::Status PolicyUpdater::ApplySigned(int version, const std::string& text,
                                             const std::string& signature_base64) {
  std::lock_guard<std::mutex> lock(apply_mutex_);
  std::string signature;
  if (!DecodeBase64(signature_base64, crypto_sign_BYTES, &signature))
    return Refuse(version, "the signature is not 64 bytes of base64");
  if (!Verify(public_key_, text, signature))
    return Refuse(version, "the signature does not verify with the pinned key");
  auto parsed = mailcheck::ParsePolicy(text);
  if (!parsed.ok()) return Refuse(version, "the policy does not validate: " + parsed.error());
  if (parsed.value()->version() != version) {
    return Refuse(version, "the policy says version " + std::to_string(parsed.value()->version()) +
                               " but was published as version " + std::to_string(version));
  }
  const int in_force = policies_.Get()->version();
  if (version <= in_force) {
    return Refuse(version, "version " + std::to_string(version) +
                               " is not newer than the version in force (" +
                               std::to_string(in_force) + ")");
  }
  mailcheck::Status saved =
      WriteFileDurably(state_dir_ + "/policy.json.sig.tmp", state_dir_ + "/policy.json.sig",
                       Poco::trim(signature_base64) + "\n");
  if (saved.ok())
    saved = WriteFileDurably(state_dir_ + "/policy.json.tmp", state_dir_ + "/policy.json", text);
  if (!saved.ok()) {
    // Adopted anyway: the signature is good; it is fetched again after a restart.
    std::fprintf(stderr, "sendguard-agent: policy version %d not saved: %s\n", version,
                 saved.message().c_str());
  }
  policies_.Set(parsed.value());
  std::fprintf(stderr, "sendguard-agent: policy version %d from central in force (was %d)\n",
               version, in_force);
  if (outbox_) {
    const mailcheck::Status s =
        outbox_->Add(BuildPolicyEvent("policy_updated", version, version, "", context_));
    if (!s.ok()) std::fprintf(stderr, "sendguard-agent: %s\n", s.message().c_str());
  }
  return mailcheck::Status::Ok();
}

void PolicyUpdater::PollOnce() {
  if (!client_) return;
  const int in_force = policies_.Get()->version();
  std::string heartbeat = "{\"agent_version\":";
  doccheck::AppendJsonString(MaskDigits(context_.agent_version), &heartbeat);
  heartbeat += ",\"policy_version\":" + std::to_string(in_force);
  heartbeat += ",\"outbox_backlog\":" + std::to_string(backlog_ ? backlog_() : 0);
  heartbeat += ",\"host\":";
  doccheck::AppendJsonString(MaskDigits(context_.host), &heartbeat);
  heartbeat += ",\"user\":";
  doccheck::AppendJsonString(MaskDigits(context_.user), &heartbeat);
  heartbeat += "}";
  const HttpReply beat = client_->Post("/api/v1/heartbeat", heartbeat);
  if (beat.status != 200) {
    std::fprintf(
        stderr, "sendguard-agent: heartbeat to central %s failed: %s\n",
        client_->base_url().c_str(),
        beat.status == 0 ? beat.error.c_str() : ("HTTP " + std::to_string(beat.status)).c_str());
  }
  const HttpReply reply =
      client_->Get("/api/v1/policy", {"If-None-Match: \"" + std::to_string(in_force) + "\""});
  if (reply.status == 200) {
    Apply(reply.body);
  } else if (reply.status != 304 && reply.status != 404) {
    std::fprintf(
        stderr, "sendguard-agent: policy poll to central %s failed: %s\n",
        client_->base_url().c_str(),
        reply.status == 0 ? reply.error.c_str() : ("HTTP " + std::to_string(reply.status)).c_str());
  }
  if (client_->reachable() && on_contact_) on_contact_();
}

void PolicyUpdater::Start(std::chrono::milliseconds interval, std::function<void()> on_contact,
                          std::function<std::uint64_t()> backlog) {
  on_contact_ = std::move(on_contact);
  backlog_ = std::move(backlog);
  thread_ = std::thread([this, interval] {
    for (;;) {
      PollOnce();
      std::unique_lock<std::mutex> lock(mutex_);
      if (wake_.wait_for(lock, interval, [&] { return stopping_; })) return;
    }
  });
}

void PolicyUpdater::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace agent
