// Publishing a policy (sendguard-central policy push): validate with mailcheck's own
// validator, choose the version, write it into the text, sign, store.
#ifndef CENTRAL_POLICY_PUBLISHER_H_
#define CENTRAL_POLICY_PUBLISHER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "central/policy_signer.h"
#include "central/result.h"
#include "central/store.h"

namespace central {

// The policy text with its top-level "version" set to `version`. The admin's text is
// kept byte for byte except the version's value (inserted first when absent); when the
// text cannot be edited in place it is re-written by a JSON writer instead.
// Precondition: `text` is a JSON object (it passed validation).
Result<std::string> WithPolicyVersion(std::string_view text, std::int64_t version);

// Validates `text` (errors are mailcheck's, one per line), publishes it as version
// max(its "version", last published + 1) signed by `signer`, and returns that version.
Result<std::int64_t> PublishPolicyText(Store& store, const PolicySigner& signer,
                                       std::string_view text, Micros now);

}  // namespace central

#endif  // CENTRAL_POLICY_PUBLISHER_H_
