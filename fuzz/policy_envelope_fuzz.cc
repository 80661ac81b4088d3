// Fuzzes the agent's policy updater with arbitrary `GET /api/v1/policy` answers: what a
// compromised or broken central (or whoever sits on the network) could send. Nothing
// unsigned may be adopted: with a key nobody holds, every input must be refused.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "agent/policy_updater.h"
#include "mailcheck/policy.h"

namespace {

struct Fixture {
  Fixture() : policies(mailcheck::DefaultPolicy()) {
    if (sodium_init() < 0) std::abort();
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    key.assign(reinterpret_cast<const char*>(pk), sizeof pk);
    dir = std::filesystem::temp_directory_path() / "sendguard_policy_fuzz";
    std::filesystem::create_directories(dir);
    updater = std::make_unique<agent::PolicyUpdater>(policies, key, dir.string(),
                                                     agent::EventContext{}, nullptr, nullptr);
  }
  agent::PolicyStore policies;
  std::string key;
  std::filesystem::path dir;
  std::unique_ptr<agent::PolicyUpdater> updater;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture* f = new Fixture;
  const auto before = f->policies.Get();
  const mailcheck::Status s =
      f->updater->Apply(std::string(reinterpret_cast<const char*>(data), size));
  if (s.ok() || f->policies.Get() != before) std::abort();  // adopted without a signature
  return 0;
}
