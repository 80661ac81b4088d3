// The `sendguard` CUPS backend (docs/PRINT_GUARD.md): the whole program, so that the
// binary's main() is one call and tests can drive it in-process.
//
// Configuration: the file named by SENDGUARD_PRINT_CONFIG (cupsd passes it with
// `SetEnv` in cups-files.conf), default /etc/sendguard/print-guard.conf, lines `key = value`:
//   policy = /etc/sendguard/policy.json      the policy file (absent: the shipped default)
//   policy_key = /etc/sendguard/policy.pub   central's policy key: its signed policy is used
//   spool_dir = /var/spool/sendguard/print   held-job markers and the event outbox
//   central = https://central.example:8443   where events go ("" : kept in the outbox)
//   token_file = /etc/sendguard/print-guard.token   the machine's agent token
//   ca_file = ...                            CA certificates for central
//   max_job_bytes = 104857600                larger jobs are unscannable
//   request_root = /var/spool/cups           where cupsd keeps the original documents
//   prompt_dir = /run/sendguard/print-prompt root's directory of the users' agents' sockets
//   prompt_timeout = 45                      seconds the user may take to answer
#ifndef PRINT_GUARD_BACKEND_H_
#define PRINT_GUARD_BACKEND_H_

#include <cstdint>
#include <string>

#include "mailcheck/result.h"

namespace print_guard {

struct GuardConfig {
  std::string policy = "/etc/sendguard/policy.json";
  std::string policy_key;  // "": central's signed policy is not used
  std::string spool_dir = "/var/spool/sendguard/print";
  std::string central;
  std::string token_file = "/etc/sendguard/print-guard.token";
  std::string ca_file;
  std::uint64_t max_job_bytes = 100ull << 20;
  std::string request_root = "/var/spool/cups";
  std::string prompt_dir = "/run/sendguard/print-prompt";
  int prompt_timeout = 45;
};

// Reads the configuration; a missing file gives the defaults. Errors name the line.
mailcheck::Result<GuardConfig> LoadGuardConfig(const std::string& path);

// Runs the backend: argc 1 lists the device class, 6 or 7 prints (or holds, or refuses)
// one job, `--flush-events` sends the outbox to central. Returns the exit status
// (CUPS_BACKEND_*).
int RunBackend(int argc, char** argv);

}  // namespace print_guard

#endif  // PRINT_GUARD_BACKEND_H_
