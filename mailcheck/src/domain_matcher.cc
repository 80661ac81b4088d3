#include "mailcheck/domain_matcher.h"

#include <unicode/uidna.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace mailcheck {
namespace {

// IDNA errors that real domains carry harmlessly ("ab--cd.example", "-x.example").
constexpr uint32_t kToleratedIdnaErrors =
    UIDNA_ERROR_HYPHEN_3_4 | UIDNA_ERROR_LEADING_HYPHEN | UIDNA_ERROR_TRAILING_HYPHEN;

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view StripTrailingDot(std::string_view s) {
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

bool EndsWithLabel(std::string_view domain, std::string_view suffix) {
  return domain.size() > suffix.size() && domain.ends_with(suffix) &&
         domain[domain.size() - suffix.size() - 1] == '.';
}

std::vector<UChar32> CodePoints(std::string_view s) {
  std::vector<UChar32> out;
  out.reserve(s.size());
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    out.push_back(c);  // malformed bytes become negative values and still count as one
  }
  return out;
}

struct IdnaDeleter {
  void operator()(UIDNA* p) const { uidna_close(p); }
};
struct SpoofDeleter {
  void operator()(USpoofChecker* p) const { uspoof_close(p); }
};

}  // namespace

struct DomainMatcher::Impl {
  std::unique_ptr<UIDNA, IdnaDeleter> idna;
  std::unique_ptr<USpoofChecker, SpoofDeleter> spoof;
  std::vector<std::string> internal_ascii;
  std::vector<std::string> internal_unicode;
  std::vector<std::string> internal_skeletons;

  // Converts with ToASCII or ToUnicode; false on failure.
  bool Convert(std::string_view in, bool to_ascii, std::string* out) const {
    UErrorCode status = U_ZERO_ERROR;
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    std::string buf(in.size() * 4 + 64, '\0');
    auto run = [&](std::string* dest) {
      status = U_ZERO_ERROR;
      info = UIDNA_INFO_INITIALIZER;
      int32_t len =
          to_ascii ? uidna_nameToASCII_UTF8(idna.get(), in.data(), static_cast<int32_t>(in.size()),
                                            dest->data(), static_cast<int32_t>(dest->size()), &info,
                                            &status)
                   : uidna_nameToUnicodeUTF8(idna.get(), in.data(), static_cast<int32_t>(in.size()),
                                             dest->data(), static_cast<int32_t>(dest->size()),
                                             &info, &status);
      return len;
    };
    int32_t len = run(&buf);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      buf.assign(static_cast<std::size_t>(len) + 1, '\0');
      len = run(&buf);
    }
    if (U_FAILURE(status) || (info.errors & ~kToleratedIdnaErrors) != 0) return false;
    buf.resize(static_cast<std::size_t>(len));
    *out = std::move(buf);
    return true;
  }

  std::string Skeleton(std::string_view unicode) const {
    UErrorCode status = U_ZERO_ERROR;
    std::string buf(unicode.size() * 4 + 16, '\0');
    int32_t len =
        uspoof_getSkeletonUTF8(spoof.get(), 0, unicode.data(), static_cast<int32_t>(unicode.size()),
                               buf.data(), static_cast<int32_t>(buf.size()), &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      status = U_ZERO_ERROR;
      buf.assign(static_cast<std::size_t>(len) + 1, '\0');
      len = uspoof_getSkeletonUTF8(spoof.get(), 0, unicode.data(),
                                   static_cast<int32_t>(unicode.size()), buf.data(),
                                   static_cast<int32_t>(buf.size()), &status);
    }
    if (U_FAILURE(status)) return std::string(unicode);
    buf.resize(static_cast<std::size_t>(len));
    return buf;
  }

  // Checks (a), (b), (c) of CONTRACTS.md §3 against the internal domains.
  std::optional<Lookalike> AgainstInternal(const NormalizedDomain& d,
                                           const std::string& skeleton) const;

  // What the ICU calls gave for domains seen before: a desktop sends to the same few
  // domains all day, and the IDNA and spoof-checker calls were half of a plain internal
  // mail's Decide. Keyed by the exact input, so a hit is what the calls would give.
  // Emptied when it reaches kCacheEntries (it is small and rebuilt in a few mails).
  static constexpr std::size_t kCacheEntries = 1024;
  mutable std::mutex cache_mutex;
  mutable std::unordered_map<std::string, NormalizedDomain> normalized_cache;
  mutable std::unordered_map<std::string, std::string> skeleton_cache;

  std::string CachedSkeleton(const std::string& unicode) const {
    if (unicode.size() > 1024) return Skeleton(unicode);  // not a domain; see Normalize
    {
      std::lock_guard<std::mutex> lock(cache_mutex);
      if (auto it = skeleton_cache.find(unicode); it != skeleton_cache.end()) return it->second;
    }
    std::string skeleton = Skeleton(unicode);
    std::lock_guard<std::mutex> lock(cache_mutex);
    if (skeleton_cache.size() >= kCacheEntries) skeleton_cache.clear();
    skeleton_cache.emplace(unicode, skeleton);
    return skeleton;
  }
};

DomainMatcher::DomainMatcher(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Result<DomainMatcher> DomainMatcher::Create(const std::vector<std::string>& internal_domains) {
  auto impl = std::make_shared<Impl>();
  UErrorCode status = U_ZERO_ERROR;
  impl->idna.reset(
      uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_NONTRANSITIONAL_TO_UNICODE, &status));
  if (U_FAILURE(status)) {
    return Result<DomainMatcher>::Error(std::string("ICU IDNA unavailable: ") +
                                        u_errorName(status));
  }
  status = U_ZERO_ERROR;
  impl->spoof.reset(uspoof_open(&status));
  if (U_FAILURE(status)) {
    return Result<DomainMatcher>::Error(std::string("ICU spoof checker unavailable: ") +
                                        u_errorName(status));
  }
  DomainMatcher probe(impl);
  for (const std::string& domain : internal_domains) {
    NormalizedDomain d = probe.Normalize(domain);
    if (!d.valid || d.ascii.empty() || d.ascii.find('.') == std::string::npos) {
      return Result<DomainMatcher>::Error("\"" + domain + "\" is not a valid domain name");
    }
    if (std::find(impl->internal_ascii.begin(), impl->internal_ascii.end(), d.ascii) !=
        impl->internal_ascii.end()) {
      continue;
    }
    impl->internal_ascii.push_back(d.ascii);
    impl->internal_unicode.push_back(d.unicode);
    impl->internal_skeletons.push_back(impl->Skeleton(d.unicode));
  }
  return DomainMatcher(std::move(impl));
}

NormalizedDomain DomainMatcher::Normalize(std::string_view domain) const {
  // Only what can be a domain name (253 bytes) is remembered: a recipient in a header can
  // be any length, and the memory must stay small whatever a message says.
  constexpr std::size_t kLongestDomain = 253;
  if (domain.size() > kLongestDomain) return NormalizeUncached(domain);
  const Impl& impl = *impl_;
  const std::string key(domain);
  {
    std::lock_guard<std::mutex> lock(impl.cache_mutex);
    if (auto it = impl.normalized_cache.find(key); it != impl.normalized_cache.end())
      return it->second;
  }
  NormalizedDomain out = NormalizeUncached(domain);
  std::lock_guard<std::mutex> lock(impl.cache_mutex);
  if (impl.normalized_cache.size() >= Impl::kCacheEntries) impl.normalized_cache.clear();
  impl.normalized_cache.emplace(key, out);
  return out;
}

NormalizedDomain DomainMatcher::NormalizeUncached(std::string_view domain) const {
  NormalizedDomain out;
  std::string_view trimmed = StripTrailingDot(domain);
  if (!trimmed.empty() && trimmed.find_first_of(" \t@[]") == std::string_view::npos &&
      impl_->Convert(trimmed, /*to_ascii=*/true, &out.ascii) &&
      impl_->Convert(out.ascii, /*to_ascii=*/false, &out.unicode)) {
    out.valid = true;
    return out;
  }
  out.ascii = AsciiLower(trimmed);
  out.unicode = out.ascii;
  out.valid = false;
  return out;
}

bool DomainMatcher::IsInternal(std::string_view domain) const {
  NormalizedDomain d = Normalize(domain);
  if (!d.valid) return false;
  for (const std::string& internal : impl_->internal_ascii) {
    if (d.ascii == internal || EndsWithLabel(d.ascii, internal)) return true;
  }
  return false;
}

std::optional<Lookalike> DomainMatcher::Impl::AgainstInternal(const NormalizedDomain& d,
                                                              const std::string& skeleton) const {
  // A parent of an internal domain is an ordinary external domain.
  for (const std::string& internal : internal_ascii) {
    if (EndsWithLabel(internal, d.ascii)) return std::nullopt;
  }
  // (c) an internal domain followed by more labels.
  for (std::size_t i = 0; i < internal_ascii.size(); ++i) {
    const std::string& internal = internal_ascii[i];
    if (d.ascii.size() > internal.size() && d.ascii.starts_with(internal) &&
        d.ascii[internal.size()] == '.') {
      return Lookalike{Lookalike::Why::kInternalPrefix, internal_unicode[i]};
    }
  }
  // (a) the same confusable skeleton as an internal domain (or a subdomain of one).
  for (std::size_t i = 0; i < internal_skeletons.size(); ++i) {
    const std::string& internal = internal_skeletons[i];
    if (skeleton == internal || EndsWithLabel(skeleton, internal)) {
      return Lookalike{Lookalike::Why::kSkeleton, internal_unicode[i]};
    }
  }
  // (b) within edit distance 2 of an internal domain, for the whole domain or for the
  // part after any label (so "kyoiku.city-honjo.lg.jp" is caught too).
  for (const std::string& internal : internal_unicode) {
    std::string_view rest = d.unicode;
    while (true) {
      if (!EndsWithLabel(internal, rest) && BoundedEditDistance(rest, internal, 2) <= 2) {
        return Lookalike{Lookalike::Why::kEditDistance, internal};
      }
      std::size_t dot = rest.find('.');
      if (dot == std::string_view::npos) break;
      rest.remove_prefix(dot + 1);
    }
  }
  return std::nullopt;
}

std::optional<Lookalike> DomainMatcher::FindLookalike(
    std::string_view domain, const std::vector<std::string>& other_domains) const {
  std::vector<std::string> all;
  all.reserve(other_domains.size() + 1);
  all.emplace_back(domain);
  all.insert(all.end(), other_domains.begin(), other_domains.end());
  return FindLookalikes(all).front();
}

std::vector<std::optional<Lookalike>> DomainMatcher::FindLookalikes(
    const std::vector<std::string>& domains) const {
  const Impl& impl = *impl_;
  std::vector<std::optional<Lookalike>> out(domains.size());
  std::vector<NormalizedDomain> normalized;
  std::vector<std::string> skeletons;
  normalized.reserve(domains.size());
  skeletons.reserve(domains.size());
  // Each domain is normalised and skeletonised once; equal skeletons are found by a map,
  // so many recipients cost n ICU calls, not n².
  for (std::size_t i = 0; i < domains.size(); ++i) {
    normalized.push_back(Normalize(domains[i]));
    skeletons.push_back(normalized.back().ascii.empty()
                            ? std::string()
                            : impl.CachedSkeleton(normalized.back().unicode));
  }
  std::unordered_map<std::string, std::vector<std::size_t>> by_skeleton;
  for (std::size_t i = 0; i < domains.size(); ++i) {
    if (!skeletons[i].empty()) by_skeleton[skeletons[i]].push_back(i);
  }
  for (std::size_t i = 0; i < domains.size(); ++i) {
    const NormalizedDomain& d = normalized[i];
    if (d.ascii.empty() || IsInternal(d.ascii)) continue;
    out[i] = impl.AgainstInternal(d, skeletons[i]);
    if (out[i]) continue;
    // (a) the same skeleton as another recipient's (different) domain.
    for (std::size_t j : by_skeleton[skeletons[i]]) {
      if (normalized[j].ascii != d.ascii) {
        out[i] = Lookalike{Lookalike::Why::kSkeleton, normalized[j].unicode};
        break;
      }
    }
  }
  return out;
}

const std::vector<std::string>& DomainMatcher::internal_domains() const {
  return impl_->internal_ascii;
}

int BoundedEditDistance(std::string_view a_utf8, std::string_view b_utf8, int limit) {
  const std::vector<UChar32> a = CodePoints(a_utf8);
  const std::vector<UChar32> b = CodePoints(b_utf8);
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  // Three rows of the optimal-string-alignment table.
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], limit + 1);
}

}  // namespace mailcheck
