// DomainMatcher: decides whether a recipient's domain is internal (CONTRACTS.md §3) and
// whether an external domain looks like an internal one (look-alike domains).
//
// Domains are compared in their IDNA (UTS #46) form, lower-case, without a trailing dot.
// Built once from the policy's internal domains; const and thread-safe afterwards (the
// ICU IDNA and spoof-checker objects it holds are only used through const calls; what
// they gave for a domain is remembered behind a mutex, shared by copies).
#ifndef MAILCHECK_DOMAIN_MATCHER_H_
#define MAILCHECK_DOMAIN_MATCHER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailcheck/result.h"

namespace mailcheck {

// A domain in the two forms the checks need.
struct NormalizedDomain {
  std::string ascii;    // A-labels, lower-case: "xn--r8jz45g.jp", "city.honjo.lg.jp"
  std::string unicode;  // U-labels, lower-case: "例え.jp"
  bool valid = false;   // false when IDNA processing failed (then both are lower-cased input)
};

// Why an external domain is a look-alike, with the domain it imitates.
struct Lookalike {
  enum class Why {
    kSkeleton,        // same ICU confusable skeleton (e.g. Cyrillic "с" for Latin "c")
    kEditDistance,    // within edit distance 2 of an internal domain
    kInternalPrefix,  // an internal domain followed by more labels
  };
  Why why = Why::kSkeleton;
  std::string resembles;  // the internal (or other recipient's) domain, unicode form
};

class DomainMatcher {
 public:
  // Fails with a message naming the domain when one is not a valid domain name.
  static Result<DomainMatcher> Create(const std::vector<std::string>& internal_domains);

  // Lower-case IDNA forms of `domain`. Never fails; see NormalizedDomain::valid.
  NormalizedDomain Normalize(std::string_view domain) const;

  // True when `domain` equals an internal domain or ends with "." + one.
  bool IsInternal(std::string_view domain) const;

  // For an external `domain`: why it looks like an internal domain or like one of
  // `other_domains` (the other recipients' domains); nullopt when it does not.
  // A parent of an internal domain ("honjo.lg.jp") is never a look-alike.
  // Internal domains are never look-alikes.
  std::optional<Lookalike> FindLookalike(std::string_view domain,
                                         const std::vector<std::string>& other_domains) const;

  // The same for every one of `domains` (all the recipients' domains) at once, each
  // checked against the internal domains and the others; one result per input, in order.
  std::vector<std::optional<Lookalike>> FindLookalikes(
      const std::vector<std::string>& domains) const;

  // The internal domains, normalised (ASCII form), in policy order.
  const std::vector<std::string>& internal_domains() const;

 private:
  struct Impl;
  explicit DomainMatcher(std::shared_ptr<const Impl> impl);
  NormalizedDomain NormalizeUncached(std::string_view domain) const;
  std::shared_ptr<const Impl> impl_;
};

// Optimal-string-alignment edit distance over Unicode code points of two UTF-8 strings
// (insert, delete, substitute, swap neighbours), stopping early above `limit`: the
// result is min(distance, limit + 1).
int BoundedEditDistance(std::string_view a, std::string_view b, int limit);

}  // namespace mailcheck

#endif  // MAILCHECK_DOMAIN_MATCHER_H_
