// Japan's prefectures and municipalities, for recognising where an address starts.
//
// The tables are sorted constexpr arrays of UTF-8 names (generated from Japan Post's
// postal code data; see gen_municipalities.py), searched by binary search. Names are
// the official spelling after the prefecture: "本庄市", "千代田区", "児玉郡上里町" (and
// "上里町"), "さいたま市浦和区" (and "さいたま市"). Ambiguous names (府中市 in Tokyo and
// Hiroshima) appear once. Everything here is immutable and thread-safe.
#ifndef DOCCHECK_SRC_DETECT_MUNICIPALITIES_H_
#define DOCCHECK_SRC_DETECT_MUNICIPALITIES_H_

#include <span>
#include <string_view>

namespace doccheck {

// All 47 prefecture names ("北海道", "東京都", "京都府", "埼玉県", ...), sorted by bytes.
std::span<const std::string_view> Prefectures();
// All municipality names as described above, sorted by bytes.
std::span<const std::string_view> Municipalities();

// True when `name` is exactly one of the names above.
bool IsPrefecture(std::string_view name);
bool IsMunicipality(std::string_view name);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_MUNICIPALITIES_H_
