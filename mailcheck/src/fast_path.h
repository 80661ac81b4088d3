// Fast paths for ordinary mail: the same answers vmime gives, for the simple forms that
// most internal mail has, without building vmime's object tree (issue #17: vmime's
// parsing was most of the agent's CPU for a plain internal message).
//
// Each function either returns exactly what the vmime path (vmime_adapter.h) returns for
// the same input, or std::nullopt when the input is not one of its simple forms; the
// caller then takes the vmime path. "Not sure" is always std::nullopt. The equality is
// proved by the differential tests (tests/mailcheck/fast_path_test.cc) and the fuzzer
// (fuzz/fast_path_fuzz.cc), which run both paths on the same input.
#ifndef MAILCHECK_FAST_PATH_H_
#define MAILCHECK_FAST_PATH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "raw_header.h"
#include "vmime_adapter.h"

namespace mailcheck {

// ParseAddressList for a list of plain mailboxes: "a@b.example", "<a@b.example>",
// "Name <a@b.example>", "\"Name, Quoted\" <a@b.example>", "=?UTF-8?B?...?= <a@b.example>",
// separated by commas and folded or not. Groups, comments, backslashes, source routes,
// quoted local parts, 8-bit bytes, IDNA ("xn--") domains and addresses without a domain
// are not simple.
std::optional<std::vector<ParsedMailbox>> ParseSimpleAddressList(std::string_view value);

// DecodeHeaderText for a value (folded or not) of printable ASCII and tabs without an
// encoded word ("=?"): the unfolded text without its leading white space.
std::optional<std::string> DecodeSimpleHeaderText(std::string_view value);

// ExtractParts(raw_message, depth, /*with_content=*/false) for a single-part text
// message: a header that splits cleanly into fields (no bare CR, every line a field),
// at most one Content-Type of exactly text/plain or text/html with plain parameters and
// no file name, no Content-Disposition other than a bare "inline", and nothing in any
// field that could make vmime's header parse fail (no backslash; every '?' inside a clean
// encoded word). `header` is SplitHeader(raw_message).
std::optional<std::vector<MessagePart>> ListSinglePartText(std::string_view raw_message,
                                                           const RawHeader& header);

}  // namespace mailcheck

#endif  // MAILCHECK_FAST_PATH_H_
