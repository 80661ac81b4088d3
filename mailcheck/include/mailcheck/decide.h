// Decide: the mailcheck entry point. Parses one RFC 5322 message, classifies its
// recipients, applies the BCC rule, scans bodies and attachments with doccheck, and
// returns the verdict with its reasons and the bytes to transmit.
//
// Stateless and thread-safe: many threads may call Decide with the same Policy and
// Checker at once.
#ifndef MAILCHECK_DECIDE_H_
#define MAILCHECK_DECIDE_H_

#include <string_view>

#include "doccheck/checker.h"
#include "mailcheck/decision.h"
#include "mailcheck/policy.h"
#include "mailcheck/result.h"

namespace mailcheck {

struct DecideOptions {
  // Skip the doccheck scan of bodies and attachments when no finding could change the
  // verdict: every envelope recipient is in a scope whose attachment actions are all
  // "allow" (typically internal mail). The parts are then listed with format
  // "not_checked" and no findings. The agent sets this; the CLI reports everything.
  bool scan_only_when_needed = false;
  // Cheap paths that give exactly vmime's answer for the common simple forms (plain
  // address lists; a single-part text message whose parts are only listed) and hand
  // anything else to vmime. False makes vmime parse everything: the reference that the
  // differential tests and the fuzzer compare against.
  bool fast_paths = true;
};

// Fails when the input is empty, and when the message needs vmime's parser (anything
// the fast paths do not read alone) and the MIME reader plugin, libsendguard-mime.so,
// cannot be loaded: then nothing about it is known and it must not be sent unchecked.
// Anything else is decided; a text without header fields has no header recipients and
// passes through unchanged.
Result<Decision> Decide(const Policy& policy, const doccheck::Checker& checker,
                        std::string_view raw_message, const Envelope& envelope = {},
                        const DecideOptions& options = {});

}  // namespace mailcheck

#endif  // MAILCHECK_DECIDE_H_
