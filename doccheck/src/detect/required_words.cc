#include "detect/required_words.h"

#include <algorithm>
#include <array>
#include <bit>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__SSE2__) && (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#include <tmmintrin.h>
#define DOCCHECK_NIBBLE_FILTER 1
#endif

#include "detect/context.h"
#include "text/cpu.h"

namespace doccheck {
namespace {

#if defined(__SSE2__)
// The 16 copies of a byte, from a table built once (cheaper than _mm_set1_epi8 in a loop).
__m128i Splat(unsigned char b) {
  alignas(16) static const auto kTable = [] {
    std::array<std::array<unsigned char, 16>, 256> t{};
    for (int i = 0; i < 256; ++i) t[i].fill(static_cast<unsigned char>(i));
    return t;
  }();
  return _mm_load_si128(reinterpret_cast<const __m128i*>(kTable[b].data()));
}
#endif

#if defined(DOCCHECK_NIBBLE_FILTER)
// A filter for pairs at offset 1 (Japanese words) with SSSE3's byte shuffle, after the
// "Teddy" matcher of Hyperscan: each pair is put in one of 8 buckets; for the three bytes
// compared (positions 1, 2 and 4 after a start), a table per nibble says which buckets
// accept it. A start position survives when some bucket accepts all six nibbles: about a
// dozen instructions for 16 positions, where comparing every pair took five per pair.
// Every position where a pair (and its third byte) occurs survives; the others mostly
// do not, and survivors are checked exactly.
struct NibbleTables {
  alignas(16) unsigned char low[3][16];
  alignas(16) unsigned char high[3][16];
};

bool HasSsse3() {
  static const bool has = __builtin_cpu_supports("ssse3");
  return has;
}

// Byte `b` at compared position k (0, 1, 2 for text offsets 1, 2, 4) accepted by `bucket`;
// -1 accepts every byte.
void Accept(NibbleTables* t, int k, int b, int bucket) {
  const auto bit = static_cast<unsigned char>(1u << bucket);
  if (b >= 0) {
    t->low[k][b & 15] |= bit;
    t->high[k][b >> 4] |= bit;
    return;
  }
  for (int n = 0; n < 16; ++n) {
    t->low[k][n] |= bit;
    t->high[k][n] |= bit;
  }
}

// Buckets that accept the 16 bytes of `v` at compared position k (a lane is 0 when none).
__attribute__((target("ssse3"))) inline __m128i Accepted(const NibbleTables& t, int k, __m128i v) {
  const __m128i nibble = _mm_set1_epi8(0x0F);
  const __m128i low = _mm_load_si128(reinterpret_cast<const __m128i*>(t.low[k]));
  const __m128i high = _mm_load_si128(reinterpret_cast<const __m128i*>(t.high[k]));
  return _mm_and_si128(_mm_shuffle_epi8(low, _mm_and_si128(v, nibble)),
                       _mm_shuffle_epi8(high, _mm_and_si128(_mm_srli_epi16(v, 4), nibble)));
}

// The first pos' >= pos, stepping by 16, where the 16 start positions hold a survivor, or
// the first pos' with pos' + 20 > size.
__attribute__((target("ssse3"))) std::size_t NextSurvivor(const unsigned char* s, std::size_t pos,
                                                          std::size_t size, const NibbleTables& t) {
  for (; pos + 20 <= size; pos += 16) {
    const __m128i b1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos + 1));
    const __m128i b2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos + 2));
    const __m128i b4 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos + 4));
    const __m128i all =
        _mm_and_si128(_mm_and_si128(Accepted(t, 0, b1), Accepted(t, 1, b2)), Accepted(t, 2, b4));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(all, _mm_setzero_si128())) != 0xFFFF) return pos;
  }
  return pos;
}

// The same with AVX2, 32 start positions a step: the first pos' = pos + 16 * m whose 16
// start positions hold a survivor, or the first pos' = pos + 32 * m with pos' + 36 > size
// (NextSurvivor goes on from there).
__attribute__((target("avx2"))) std::size_t NextSurvivor32(const unsigned char* s, std::size_t pos,
                                                           std::size_t size,
                                                           const NibbleTables& t) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  __m256i lows[3], highs[3];
  for (int k = 0; k < 3; ++k) {
    lows[k] =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(t.low[k])));
    highs[k] =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(t.high[k])));
  }
  static constexpr int kOffsets[3] = {1, 2, 4};
  for (; pos + 36 <= size; pos += 32) {
    __m256i all = _mm256_set1_epi8(static_cast<char>(0xFF));
    for (int k = 0; k < 3; ++k) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + pos + kOffsets[k]));
      all = _mm256_and_si256(
          all, _mm256_and_si256(_mm256_shuffle_epi8(lows[k], _mm256_and_si256(v, nibble)),
                                _mm256_shuffle_epi8(
                                    highs[k], _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble))));
    }
    const auto lanes = ~static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(all, _mm256_setzero_si256())));
    if (lanes != 0) return (lanes & 0xFFFFu) != 0 ? pos : pos + 16;
  }
  return pos;
}
#endif

}  // namespace

RequiredWords::RequiredWords(const std::vector<const Detector*>& detectors) {
  for (std::size_t i = 0; i < detectors.size() && i < 64; ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
    const std::vector<std::string_view> words = detectors[i]->RequiredWords();
    if (words.empty()) {
      always_ |= bit;
      continue;
    }
    wanted_ |= bit;
    for (std::string_view w : words) {
      if (w.size() < 2) {
        short_words_.push_back({w, bit});
        continue;
      }
      const int offset = static_cast<unsigned char>(w[0]) >= 0xC0 && w.size() >= 3 ? 1 : 0;
      const auto first = static_cast<unsigned char>(w[offset]);
      const auto second = static_cast<unsigned char>(w[offset + 1]);
      Pair* pair = nullptr;
      for (Pair& p : pairs_) {
        if (p.offset == offset && p.first == first && p.second == second) pair = &p;
      }
      if (pair == nullptr) pair = &pairs_.emplace_back(Pair{offset, first, second, 0, {}});
      const unsigned index = first * 256u + second;
      pair_bytes_[offset][index / 64] |= std::uint64_t{1} << (index % 64);
      pair->detectors |= bit;
      pair->words.push_back({w, bit});
    }
  }
  for (Pair& p : pairs_) {
    const std::size_t at = static_cast<std::size_t>(p.offset) + 3;
    int third = -2;  // none seen yet
    for (const Word& w : p.words) {
      const int b = at < w.text.size() ? static_cast<unsigned char>(w.text[at]) : -1;
      third = third == -2 || third == b ? b : -1;
    }
    p.third = third < 0 ? -1 : third;
  }
  // The nibble filter's bucket of each pair (see PresentInText). More pairs than buckets
  // share them, and a bucket accepts every mix of its pairs' nibbles: each pair goes
  // where it adds the fewest accepted byte triples, pairs that accept any third byte
  // first. Dealt out in turn, the 12 pairs of the detectors' words let ~4,000 positions a
  // MiB of plain Japanese (holding none of the words) through to the exact test; placed
  // so, none on the bench text. Done once here: placed per block, it cost the man pages
  // an eighth more instructions. Survivors are still tested exactly.
  struct Bucket {
    std::uint16_t low[3] = {}, high[3] = {};
    bool any[3] = {};
    bool used = false;
  };
  std::array<Bucket, 8> buckets{};
  const auto triples = [](const Bucket& b) {
    std::uint64_t n = 1;
    for (int k = 0; k < 3; ++k) {
      n *= b.any[k]
               ? 256u
               : static_cast<std::uint64_t>(std::popcount(b.low[k]) * std::popcount(b.high[k]));
    }
    return b.used ? n : 0;
  };
  const auto with = [](Bucket b, const Pair& p) {
    const int bytes[3] = {p.first, p.second, p.third};
    for (int k = 0; k < 3; ++k) {
      if (bytes[k] < 0) {
        b.any[k] = true;
      } else {
        b.low[k] = static_cast<std::uint16_t>(b.low[k] | (1u << (bytes[k] & 15)));
        b.high[k] = static_cast<std::uint16_t>(b.high[k] | (1u << (bytes[k] >> 4)));
      }
    }
    b.used = true;
    return b;
  };
  for (const bool any_third : {true, false}) {
    for (Pair& p : pairs_) {
      if ((p.third < 0) != any_third || p.offset != 1) continue;
      std::size_t best = 0;
      std::uint64_t best_added = ~std::uint64_t{0};
      for (std::size_t k = 0; k < buckets.size(); ++k) {
        const std::uint64_t added = triples(with(buckets[k], p)) - triples(buckets[k]);
        if (added < best_added) {
          best = k;
          best_added = added;
        }
      }
      buckets[best] = with(buckets[best], p);
      p.bucket = static_cast<int>(best);
    }
  }
}

const RequiredWords& RequiredWords::ForAllDetectors() {
  static const RequiredWords words(AllDetectors());
  return words;
}

void RequiredWords::Verify(const Pair& pair, std::string_view text, std::size_t start,
                           std::uint64_t* found) const {
  for (const Word& w : pair.words) {
    if ((*found & w.detectors) == 0 && BytesAt(text, start, w.text)) *found |= w.detectors;
  }
}

std::uint64_t RequiredWords::InHeader(std::string_view header) const {
  std::uint64_t found = always_;
  if (header.empty()) return found;
  for (const Pair& p : pairs_) {
    for (const Word& w : p.words) {
      if (header.find(w.text) != std::string_view::npos) found |= w.detectors;
    }
  }
  for (const Word& w : short_words_) {
    if (header.find(w.text) != std::string_view::npos) found |= w.detectors;
  }
  return found;
}

std::uint64_t RequiredWords::PresentInText(std::string_view text, std::uint64_t in_header) const {
  std::uint64_t found = in_header | always_;
  for (const Word& w : short_words_) {
    if ((found & w.detectors) == 0 && FindText(text, w.text) != std::string_view::npos)
      found |= w.detectors;
  }
  const auto done = [&] { return (found & wanted_) == wanted_; };
  if (done()) return found;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  if (size < 18) {
    // Too short for the vector loop (most spreadsheet cells): when no position holds the
    // bytes of any pair, nothing more can be found.
    bool any = false;
    for (std::size_t pos = 0; pos < size && !any; ++pos) {
      any = (pos + 1 < size && AnyPair(0, s[pos], s[pos + 1])) ||
            (pos + 2 < size && AnyPair(1, s[pos + 1], s[pos + 2]));
    }
    if (!any) return found;
  }
  // The pairs still worth looking for: some detector of theirs not yet found.
  thread_local std::vector<const Pair*> open;  // per call; kept to spare an allocation
  open.clear();
  for (const Pair& p : pairs_) {
    if ((p.detectors & ~found) != 0) open.push_back(&p);
  }
  std::size_t pos = 0;
#if defined(__SSE2__)
  // The open pairs' bytes as vectors, made once per call (loading them from a table for
  // every 16 positions was a third of this function's time), in four groups by offset and
  // by whether a third byte is compared, so that each group's loop reads the text's
  // vectors from registers.
  struct Vectors {
    __m128i first, second, third;
    const Pair* pair;
  };
  thread_local std::array<std::vector<Vectors>, 4> groups;  // kept to spare allocations
  const auto make_vectors = [&] {
    for (auto& g : groups) g.clear();
    for (const Pair* p : open) {
      const bool third = p->third >= 0;
      groups[p->offset * 2 + (third ? 1 : 0)].push_back(
          {Splat(p->first), Splat(p->second),
           Splat(third ? static_cast<unsigned char>(p->third) : 0), p});
    }
  };
  make_vectors();
#if defined(DOCCHECK_NIBBLE_FILTER)
  // Only pairs at offset 1 (every word that starts with a multi-byte character): then the
  // nibble filter skips the 16-position blocks where none can start.
  NibbleTables tables;
  bool nibbles = false;
  const bool wide = Avx2Enabled();
  const auto make_tables = [&] {
    // Not for short blocks (spreadsheet cells): building the tables costs more there.
    nibbles = size >= 256 && HasSsse3() && groups[0].empty() && groups[1].empty();
    if (!nibbles) return;
    tables = {};
    for (const Pair* p : open) {
      Accept(&tables, 0, p->first, p->bucket);
      Accept(&tables, 1, p->second, p->bucket);
      Accept(&tables, 2, p->third, p->bucket);
    }
  };
  make_tables();
#endif
  // Where group (O, T)'s pairs start in the 16 positions of `v` (v[k]: the text from pos + k).
  const auto hits_in = [&]<int O, bool T>(const __m128i* v, const Vectors& x) {
    __m128i h = _mm_and_si128(_mm_cmpeq_epi8(v[O], x.first), _mm_cmpeq_epi8(v[O + 1], x.second));
    if constexpr (T) h = _mm_and_si128(h, _mm_cmpeq_epi8(v[O + 3], x.third));
    return h;
  };
  const auto any_in = [&]<int O, bool T>(const __m128i* v, __m128i acc) {
    for (const Vectors& x : groups[O * 2 + (T ? 1 : 0)]) {
      acc = _mm_or_si128(acc, hits_in.template operator()<O, T>(v, x));
    }
    return acc;
  };
  bool changed = false;
  const auto verify_in = [&]<int O, bool T>(const __m128i* v) {
    for (const Vectors& x : groups[O * 2 + (T ? 1 : 0)]) {
      for (auto mask =
               static_cast<unsigned>(_mm_movemask_epi8(hits_in.template operator()<O, T>(v, x)));
           mask != 0; mask &= mask - 1) {
        const std::uint64_t before = found;
        Verify(*x.pair, text, pos + static_cast<std::size_t>(std::countr_zero(mask)), &found);
        changed = changed || found != before;
      }
    }
  };
  // Blocks of 16 start positions; a word starts at pos + bit.
  while (pos + 20 <= size && !open.empty()) {
#if defined(DOCCHECK_NIBBLE_FILTER)
    if (nibbles) {
      if (wide) pos = NextSurvivor32(s, pos, size, tables);
      pos = NextSurvivor(s, pos, size, tables);
      if (pos + 20 > size) break;
    }
#endif
    __m128i v[5];
    for (int k = 0; k < 5; ++k) {
      v[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos + k));
    }
    // Any pair at all in these 16 positions? (The usual answer is no.)
    __m128i any = any_in.template operator()<1, true>(v, _mm_setzero_si128());
    any = any_in.template operator()<1, false>(v, any);
    any = any_in.template operator()<0, true>(v, any);
    any = any_in.template operator()<0, false>(v, any);
    if (_mm_movemask_epi8(any) == 0) {
      pos += 16;
      continue;
    }
    changed = false;
    verify_in.template operator()<1, true>(v);
    verify_in.template operator()<1, false>(v);
    verify_in.template operator()<0, true>(v);
    verify_in.template operator()<0, false>(v);
    if (changed) {
      if (done()) return found;
      std::erase_if(open, [&](const Pair* p) { return (p->detectors & ~found) == 0; });
      make_vectors();
#if defined(DOCCHECK_NIBBLE_FILTER)
      make_tables();
#endif
    }
    pos += 16;
  }
#endif
  for (; pos < size && !open.empty(); ++pos) {
    if (!(pos + 1 < size && AnyPair(0, s[pos], s[pos + 1])) &&
        !(pos + 2 < size && AnyPair(1, s[pos + 1], s[pos + 2]))) {
      continue;  // no pair starts here
    }
    for (const Pair* p : open) {
      if (pos + p->offset + 1 < size && s[pos + p->offset] == p->first &&
          s[pos + p->offset + 1] == p->second) {
        Verify(*p, text, pos, &found);
      }
    }
    if (done()) return found;
  }
  return found;
}

}  // namespace doccheck
