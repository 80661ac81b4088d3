// PolicyUpdater: takes signed policy updates from central (DESIGN.md decision 7,
// docs/CENTRAL_API.md "GET /api/v1/policy").
//
// Every poll interval it sends the heartbeat, then asks for the policy with
// `If-None-Match: "<version in force>"`. An offered policy is adopted only when its
// Ed25519 signature verifies with the pinned public key (over the exact bytes of the
// `policy` text), it passes mailcheck::ParsePolicy, its own "version" equals the
// envelope's, and that version is newer than the one in force. It is then saved as
// STATE_DIR/policy.json (the signed bytes) + policy.json.sig (the base64 signature), each
// written to a temporary file, fsync'd and renamed, and swapped in with PolicyStore::Set:
// sessions in flight keep the policy they started with. A refused policy changes nothing.
// Each adoption is queued as a `policy_updated` event and each refusal (once per offered
// version and reason) as `policy_rejected`; both are logged on stderr.
//
// Thread-safe: Apply may be called from any thread; the poll runs on its own thread
// between Start() and Stop().
#ifndef AGENT_POLICY_UPDATER_H_
#define AGENT_POLICY_UPDATER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "agent/central_client.h"
#include "agent/event_builder.h"
#include "agent/relay.h"
#include "mailcheck/result.h"

namespace agent {

class Outbox;

class PolicyUpdater {
 public:
  // `public_key`: the 32 raw bytes of the pinned Ed25519 key. `outbox` may be null (no
  // events). `client` may be null (no polling: Apply and LoadSaved only).
  PolicyUpdater(PolicyStore& policies, std::string public_key, std::string state_dir,
                EventContext context, Outbox* outbox, CentralClient* client);
  ~PolicyUpdater();
  PolicyUpdater(const PolicyUpdater&) = delete;
  PolicyUpdater& operator=(const PolicyUpdater&) = delete;

  // Reads a key file: one line, standard base64 of the 32-byte public key. Errors name
  // the file.
  static mailcheck::Result<std::string> LoadPublicKey(const std::string& path);

  // Adopts STATE_DIR/policy.json when its signature (policy.json.sig) verifies and its
  // version is newer than the one in force. Returns the version adopted, 0 for none
  // (the reason, if any, is logged).
  int LoadSaved();

  // Verifies and adopts the body of a `GET /api/v1/policy` answer. The error says why it
  // was refused; the policy in force then stays.
  mailcheck::Status Apply(const std::string& envelope_json);
  mailcheck::Status ApplySigned(int version, const std::string& policy_text,
                                const std::string& signature_base64);

  // One heartbeat + policy poll (the thread's step).
  void PollOnce();

  // Polls every `interval` on a thread until Stop(). `on_contact` runs after each poll
  // that reached central; `backlog` gives the outbox size for the heartbeat.
  void Start(std::chrono::milliseconds interval, std::function<void()> on_contact,
             std::function<std::uint64_t()> backlog);
  void Stop();

 private:
  mailcheck::Status Refuse(int version, const std::string& reason);

  PolicyStore& policies_;
  const std::string public_key_;
  const std::string state_dir_;
  const EventContext context_;
  Outbox* outbox_;
  CentralClient* client_;
  std::function<void()> on_contact_;
  std::function<std::uint64_t()> backlog_;
  std::mutex apply_mutex_;
  std::set<std::string> refusals_reported_;  // "version:reason" already sent as events
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace agent

#endif  // AGENT_POLICY_UPDATER_H_
