#include "detect/address_detector.h"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__SSE2__) && (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#define DOCCHECK_AVX2_PATHS 1
#endif

#include "detect/context.h"
#include "detect/municipalities.h"
#include "text/cpu.h"
#include "text/normalize.h"

namespace doccheck {
namespace {

constexpr std::size_t kNpos = std::string_view::npos;

// Longest municipality name in characters, with its district: 上浮穴郡久万高原町.
constexpr int kMaxMunicipalityChars = 10;
// How far past a municipality a longer one may end (東村 -> 東村山市, さいたま市 -> 浦和区).
constexpr int kMaxMunicipalityExtension = 6;
constexpr int kMaxTownChars = 16;
constexpr int kMaxBuildingChars = 24;
constexpr std::size_t kMaxBlockDigits = 5;
constexpr std::size_t kMaxRoomDigits = 4;

// Words before an address that say it is one.
constexpr std::string_view kLabels[] = {"住所",     "所在地", "住居地", "居所",    "送付先",
                                        "本籍",     "転居先", "転出先", "届出地",  "現住所",
                                        "お届け先", "宛先",   "住 所",  "所 在 地"};
// Column headings whose cells are addresses.
constexpr std::string_view kHeaderWords[] = {"住所", "所在地", "住居地", "居所", "送付先"};

// Words that end a block number (丁目 before 丁 is not needed: 丁 alone is rare).
constexpr std::string_view kBlockSuffixes[] = {"丁目", "番地", "番", "号", "地割", "丁", "条"};
// A number followed by one of these counts something; it is not a block number.
constexpr std::string_view kCounters[] = {
    "年", "月", "日", "名",   "人", "件",   "円",   "回",   "歳",   "時", "分", "秒", "%",
    "万", "億", "千", "階建", "階", "か所", "箇所", "カ所", "ヶ所", "個", "本", "台"};
// Text that shows a run after the block numbers is not a building name.
constexpr std::string_view kNotBuilding[] = {"電話", "TEL",  "Tel",  "tel", "FAX",   "Fax",
                                             "代表", "内線", "携帯", "〒",  "メール"};

// Town names that are really an office or a station (本庄市役所 0495-25-1111).
constexpr std::string_view kNotTownEndings[] = {"役所", "役場", "庁舎", "支所", "出張所", "駅",
                                                "議会", "民",   "第",   "条例", "規則",   "要綱"};

constexpr std::string_view kTriggers[] = {"市", "区", "町", "村"};
constexpr std::string_view kKanjiNumerals = "〇一二三四五六七八九十百千";

bool StartsWithAt(std::string_view text, std::size_t pos, std::string_view word) {
  return pos <= text.size() && text.substr(pos, word.size()) == word;
}

// Length of the first of `words` found at `pos`, or 0.
template <std::size_t N>
std::size_t MatchAnyAt(std::string_view text, std::size_t pos, const std::string_view (&words)[N]) {
  for (std::string_view w : words) {
    if (StartsWithAt(text, pos, w)) return w.size();
  }
  return 0;
}

bool IsDigitAt(std::string_view text, std::size_t pos) {
  return pos < text.size() && IsAsciiDigit(text[pos]);
}

bool IsLetterAt(std::string_view text, std::size_t pos) {
  std::size_t n = 0;
  return pos < text.size() && IsJapaneseLetter(CodePointAt(text, pos, &n));
}

// Byte length of the municipality trigger character (市区町村) at `pos`, or 0.
std::size_t TriggerAt(std::string_view text, std::size_t pos) {
  return MatchAnyAt(text, pos, kTriggers);
}

// The characters that come just before the last one in some municipality name (本庄市 ->
// 庄): a municipality of two or more characters ending at a trigger has one of them
// there, so most triggers (市民課, から市民) are rejected before any binary search.
class PenultimateCharacters {
 public:
  PenultimateCharacters() {
    for (std::string_view name : Municipalities()) {
      std::size_t n = 0;
      CodePointBefore(name, name.size(), &n);
      if (n == name.size()) {
        single_char_names_ = true;
        continue;
      }
      const char32_t cp = CodePointBefore(name, name.size() - n, &n);
      if (cp > kMaxCodePoint) {
        any_astral_ = true;
      } else {
        bits_[cp >> 6] |= std::uint64_t{1} << (cp & 63);
      }
    }
  }
  bool Contains(char32_t cp) const {
    if (cp > kMaxCodePoint) return any_astral_;
    return (bits_[cp >> 6] >> (cp & 63)) & 1;
  }
  bool single_char_names() const { return single_char_names_; }

 private:
  static constexpr char32_t kMaxCodePoint = 0xFFFF;
  std::array<std::uint64_t, (kMaxCodePoint + 1) / 64> bits_{};
  bool any_astral_ = false;
  bool single_char_names_ = false;
};

// Start of the longest municipality name that ends at byte `end`, or kNpos.
std::size_t MunicipalityEndingAt(std::string_view text, std::size_t end) {
  static const PenultimateCharacters penultimate;
  std::size_t starts[kMaxMunicipalityChars];
  int count = 0;
  std::size_t pos = end;
  while (count < kMaxMunicipalityChars && pos > 0) {
    std::size_t n = 0;
    char32_t c = CodePointBefore(text, pos, &n);
    if (!IsJapaneseLetter(c)) break;
    if (count == 1 && !penultimate.Contains(c)) {
      // No name of two or more characters ends here; only the last character alone can.
      if (penultimate.single_char_names() &&
          IsMunicipality(text.substr(starts[0], end - starts[0]))) {
        return starts[0];
      }
      return kNpos;
    }
    pos -= n;
    starts[count++] = pos;
  }
  for (int i = count - 1; i >= 0; --i) {
    if (IsMunicipality(text.substr(starts[i], end - starts[i]))) return starts[i];
  }
  return kNpos;
}

// End of the longest municipality name starting at `start` that extends the one
// ending at `end` by a few letters (東村 -> 東村山市), or `end` itself.
std::size_t ExtendMunicipality(std::string_view text, std::size_t start, std::size_t end) {
  std::size_t best = end;
  std::size_t pos = end;
  for (int i = 0; i < kMaxMunicipalityExtension && pos < text.size(); ++i) {
    std::size_t n = 0;
    if (!IsJapaneseLetter(CodePointAt(text, pos, &n))) break;
    std::size_t trigger = TriggerAt(text, pos);
    pos += n;
    if (trigger != 0 && IsMunicipality(text.substr(start, pos - start))) best = pos;
  }
  return best;
}

// True when the three bytes at `p` are a trigger: 市 E5 B8 82, 区 E5 8C BA, 町 E7 94 BA,
// 村 E6 9D 91.
inline bool IsTriggerBytes(const unsigned char* p) {
  return (p[0] == 0xE5 && ((p[1] == 0xB8 && p[2] == 0x82) || (p[1] == 0x8C && p[2] == 0xBA))) ||
         (p[0] == 0xE7 && p[1] == 0x94 && p[2] == 0xBA) ||
         (p[0] == 0xE6 && p[1] == 0x9D && p[2] == 0x91);
}

#if defined(DOCCHECK_AVX2_PATHS)
// FindTrigger's 32 positions a step with AVX2 while 34 bytes are left: the first trigger
// in them, else where FindTrigger goes on (`*found` says which).
__attribute__((target("avx2"))) std::size_t FindTrigger32(const unsigned char* s, std::size_t pos,
                                                          std::size_t size, bool* found) {
  const __m256i e5 = _mm256_set1_epi8(static_cast<char>(0xE5));
  const __m256i e6 = _mm256_set1_epi8(static_cast<char>(0xE6));
  const __m256i e7 = _mm256_set1_epi8(static_cast<char>(0xE7));
  const __m256i b8 = _mm256_set1_epi8(static_cast<char>(0xB8));
  const __m256i x82 = _mm256_set1_epi8(static_cast<char>(0x82));
  const __m256i x8c = _mm256_set1_epi8(static_cast<char>(0x8C));
  const __m256i ba = _mm256_set1_epi8(static_cast<char>(0xBA));
  const __m256i x94 = _mm256_set1_epi8(static_cast<char>(0x94));
  const __m256i x9d = _mm256_set1_epi8(static_cast<char>(0x9D));
  const __m256i x91 = _mm256_set1_epi8(static_cast<char>(0x91));
  *found = false;
  for (; pos + 34 <= size; pos += 32) {
    const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + pos));
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + pos + 1));
    const __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + pos + 2));
    const __m256i last_ba = _mm256_cmpeq_epi8(v2, ba);
    const __m256i shi = _mm256_and_si256(_mm256_cmpeq_epi8(v1, b8), _mm256_cmpeq_epi8(v2, x82));
    const __m256i ku = _mm256_and_si256(_mm256_cmpeq_epi8(v1, x8c), last_ba);
    const __m256i machi = _mm256_and_si256(_mm256_cmpeq_epi8(v0, e7),
                                           _mm256_and_si256(_mm256_cmpeq_epi8(v1, x94), last_ba));
    const __m256i mura =
        _mm256_and_si256(_mm256_cmpeq_epi8(v0, e6),
                         _mm256_and_si256(_mm256_cmpeq_epi8(v1, x9d), _mm256_cmpeq_epi8(v2, x91)));
    const __m256i hits =
        _mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(v0, e5), _mm256_or_si256(shi, ku)),
                        _mm256_or_si256(machi, mura));
    const auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(hits));
    if (mask != 0) {
      *found = true;
      return pos + static_cast<std::size_t>(std::countr_zero(mask));
    }
  }
  return pos;
}
#endif

// Byte offset of the first trigger (市区町村) at or after `pos`, or kNpos. A trigger
// starts with a lead byte, so every occurrence of its bytes is a real character.
std::size_t FindTrigger(std::string_view text, std::size_t pos) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
#if defined(DOCCHECK_AVX2_PATHS)
  if (Avx2Enabled()) {
    bool found = false;
    pos = FindTrigger32(s, pos, size, &found);
    if (found) return pos;
  }
#endif
#if defined(__SSE2__)
  const __m128i e5 = _mm_set1_epi8(static_cast<char>(0xE5));
  const __m128i e6 = _mm_set1_epi8(static_cast<char>(0xE6));
  const __m128i e7 = _mm_set1_epi8(static_cast<char>(0xE7));
  const __m128i b8 = _mm_set1_epi8(static_cast<char>(0xB8));
  const __m128i x82 = _mm_set1_epi8(static_cast<char>(0x82));
  const __m128i x8c = _mm_set1_epi8(static_cast<char>(0x8C));
  const __m128i ba = _mm_set1_epi8(static_cast<char>(0xBA));
  const __m128i x94 = _mm_set1_epi8(static_cast<char>(0x94));
  const __m128i x9d = _mm_set1_epi8(static_cast<char>(0x9D));
  const __m128i x91 = _mm_set1_epi8(static_cast<char>(0x91));
  while (pos + 18 <= size) {
    const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos));
    const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos + 1));
    const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos + 2));
    const __m128i last_ba = _mm_cmpeq_epi8(v2, ba);
    const __m128i shi = _mm_and_si128(_mm_cmpeq_epi8(v1, b8), _mm_cmpeq_epi8(v2, x82));
    const __m128i ku = _mm_and_si128(_mm_cmpeq_epi8(v1, x8c), last_ba);
    const __m128i machi =
        _mm_and_si128(_mm_cmpeq_epi8(v0, e7), _mm_and_si128(_mm_cmpeq_epi8(v1, x94), last_ba));
    const __m128i mura = _mm_and_si128(
        _mm_cmpeq_epi8(v0, e6), _mm_and_si128(_mm_cmpeq_epi8(v1, x9d), _mm_cmpeq_epi8(v2, x91)));
    const __m128i hits = _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v0, e5), _mm_or_si128(shi, ku)),
                                      _mm_or_si128(machi, mura));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (mask != 0) return pos + static_cast<std::size_t>(std::countr_zero(mask));
    pos += 16;
  }
#endif
  for (; pos + 3 <= size; ++pos) {
    if (IsTriggerBytes(s + pos)) return pos;
  }
  return kNpos;
}

// Start of a prefecture name that ends at `end` (one space or line break may stand
// between it and the municipality), or kNpos.
std::size_t PrefectureBefore(std::string_view text, std::size_t end) {
  if (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\n')) --end;
  for (std::size_t bytes : {std::size_t{9}, std::size_t{12}}) {  // 3 or 4 kanji
    if (end >= bytes && IsPrefecture(text.substr(end - bytes, bytes))) return end - bytes;
  }
  return kNpos;
}

bool IsBoundaryAt(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return true;
  char c = text[pos];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ')' || c == '"' ||
      c == ';' || c == '/' || c == '.') {
    return true;
  }
  std::size_t n = 0;
  char32_t cp = CodePointAt(text, pos, &n);
  return cp == U'、' || cp == U'。' || cp == U'）' || cp == U'」' || cp == U'』' || cp == U'，' ||
         cp == U'】' || cp == U'(' || cp == U'（';
}

// True when the town name holds a block written in kanji numerals (本町二丁目).
bool HasKanjiBlock(std::string_view town) {
  for (std::string_view suffix : {std::string_view("丁目"), std::string_view("番地")}) {
    std::size_t at = town.find(suffix);
    if (at == kNpos || at == 0) continue;
    std::size_t n = 0;
    char32_t before = CodePointBefore(town, at, &n);
    if (kKanjiNumerals.find(town.substr(at - n, n)) != kNpos && before != 0) return true;
  }
  return false;
}

// What follows a municipality: town name and block numbers.
struct Block {
  std::size_t end = 0;    // end of the block numbers (or of the town when they are kanji)
  int groups = 0;         // number groups in digits
  bool suffixed = false;  // a group carried 丁目/番地/番/号
  bool kanji = false;     // the block is written in kanji numerals inside the town
  std::string_view town;  // the town name (may be empty)
};

Block ParseBlock(std::string_view text, std::size_t pos) {
  Block block;
  // A space or a line break (long table cells in PDFs) may separate the town.
  if (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n') &&
      (IsLetterAt(text, pos + 1) || IsDigitAt(text, pos + 1))) {
    ++pos;
  }
  const std::size_t town_start = pos;
  for (int i = 0; i < kMaxTownChars && pos < text.size(); ++i) {
    std::size_t n = 0;
    char32_t c = CodePointAt(text, pos, &n);
    if (!IsJapaneseLetter(c)) break;
    pos += n;
  }
  block.end = pos;
  block.town = text.substr(town_start, pos - town_start);
  block.kanji = HasKanjiBlock(block.town);
  // 連雀町 4 丁目 (PDF text); a space before plain digits is more often a phone number.
  const bool spaced =
      (text.substr(pos, 1) == " " || text.substr(pos, 1) == "\n") && IsDigitAt(text, pos + 1);
  if (spaced) ++pos;
  // Block numbers never start with 0; phone numbers do.
  while (IsDigitAt(text, pos) && text[pos] != '0') {
    std::size_t digits_end = pos;
    while (IsDigitAt(text, digits_end)) ++digits_end;
    if (digits_end - pos > kMaxBlockDigits) break;
    ++block.groups;
    block.end = digits_end;
    std::size_t next = digits_end;
    // PDF text: "14 番" and "14\n番" (a long cell wrapped).
    std::size_t suffix_at = next + (text.substr(next, 1) == " " || text.substr(next, 1) == "\n");
    if (std::size_t s = MatchAnyAt(text, suffix_at, kBlockSuffixes); s != 0) {
      const bool is_go = text.substr(suffix_at, s) == "号";
      block.suffixed = true;
      next = suffix_at + s;
      block.end = next;
      if (is_go && !StartsWithAt(text, next, "-")) break;
      if ((text.substr(next, 1) == " " || text.substr(next, 1) == "\n") &&
          IsDigitAt(text, next + 1)) {
        pos = next + 1;
        continue;
      }
      // Hokkaido grid addresses: 北1条西2丁目.
      if (text.substr(suffix_at, s) == "条") {
        for (std::string_view side : {"東", "西", "南", "北"}) {
          if (StartsWithAt(text, next, side) && IsDigitAt(text, next + side.size())) {
            next += side.size();
            break;
          }
        }
      }
      if (IsDigitAt(text, next)) {
        pos = next;
        continue;
      }
    }
    if (text.substr(next, 1) == "-" && IsDigitAt(text, next + 1)) {
      pos = next + 1;
      continue;
    }
    for (std::string_view joint : {std::string_view("の"), std::string_view("ノ")}) {
      if (StartsWithAt(text, next, joint) && IsDigitAt(text, next + joint.size())) {
        pos = next + joint.size();
        break;
      }
    }
    if (pos > next) continue;
    break;
  }
  if (spaced && !block.suffixed) block.groups = 0;
  return block;
}

// End of a building name with its room after the block (" コーポ見本106",
// "サンプルハイツ 303", "Aビル201号室"), or `pos` when there is none.
std::size_t ParseBuilding(std::string_view text, std::size_t pos) {
  std::size_t start = pos + (text.substr(pos, 1) == " " ? 1 : 0);
  std::size_t end = start;
  std::size_t last_letter_end = kNpos;
  int chars = 0;
  while (end < text.size() && chars < kMaxBuildingChars) {
    std::size_t n = 0;
    char32_t c = CodePointAt(text, end, &n);
    bool letter = IsJapaneseLetter(c) || (c < 0x80 && IsAsciiAlpha(static_cast<char>(c)));
    bool digit = c < 0x80 && IsAsciiDigit(static_cast<char>(c));
    if (!letter && !digit && c != '-' && c != U'・') break;
    if (chars == 0 && !letter) return pos;
    if (letter) last_letter_end = end + n;
    end += n;
    ++chars;
  }
  if (last_letter_end == kNpos) return pos;
  std::string_view run = text.substr(start, end - start);
  for (std::string_view word : kNotBuilding) {
    if (run.find(word) != kNpos) return pos;
  }
  // The room: digits at the end of the run, or after one space.
  std::size_t room_start = last_letter_end;
  if (room_start == end && text.substr(end, 1) == " " && IsDigitAt(text, end + 1)) {
    room_start = end + 1;
    end = room_start;
    while (IsDigitAt(text, end)) ++end;
  }
  std::size_t room_digits = end - room_start;
  if (room_digits == 0 || room_digits > kMaxRoomDigits) {
    // "…201号室" ends in letters after its digits.
    if (run.size() > 6 && run.substr(run.size() - 6) == "号室")
      return IsBoundaryAt(text, end) ? end : pos;
    return pos;
  }
  for (std::string_view w : {std::string_view("号室"), std::string_view("号"),
                             std::string_view("階"), std::string_view("F")}) {
    if (StartsWithAt(text, end, w)) {
      end += w.size();
      break;
    }
  }
  return IsBoundaryAt(text, end) ? end : pos;
}

bool HeaderSaysAddress(std::string_view header) {
  for (std::string_view w : kHeaderWords) {
    if (header.find(w) != kNpos) return true;
  }
  return false;
}

bool LabelBefore(std::string_view text, std::size_t begin) {
  // Space-aligned PDF text puts many spaces between a label and its value.
  while (begin > 0 && (text[begin - 1] == ' ' || text[begin - 1] == '\t')) --begin;
  std::string_view window = WindowBefore(text, begin, 14, 1);
  for (std::string_view w : kLabels) {
    if (window.find(w) != kNpos) return true;
  }
  return false;
}

class AddressDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "address"; }
  bool NeedsLetter() const override { return true; }  // a municipality ends in 市区町村

  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    const std::string_view text = scan.text;
    const std::size_t first = FindTrigger(text, 0);
    if (first == kNpos) return;  // no municipality ending: nothing to find
    const bool header = HeaderSaysAddress(scan.header);
    // Walks from trigger to trigger; an address found is skipped whole.
    for (std::size_t pos = first; pos != kNpos; pos = FindTrigger(text, pos)) {
      const std::size_t next = pos + 3;
      std::size_t end = 0;
      pos = TryAt(scan, header, next, &end, out) ? end : next;
    }
  }

 private:
  // Tries an address whose municipality ends with the trigger ending at `muni_end`.
  bool TryAt(const ScanText& scan, bool header, std::size_t muni_end, std::size_t* end,
             std::vector<Candidate>& out) const {
    const std::string_view text = scan.text;
    std::size_t muni_start = MunicipalityEndingAt(text, muni_end);
    if (muni_start == kNpos) return false;
    muni_end = ExtendMunicipality(text, muni_start, muni_end);
    std::size_t begin = muni_start;
    std::size_t pref = PrefectureBefore(text, muni_start);
    if (pref != kNpos) {
      begin = pref;
    } else if (muni_start > 0) {
      // Without a prefecture, a name inside a longer word is not a municipality.
      std::size_t n = 0;
      if (IsJapaneseLetter(CodePointBefore(text, muni_start, &n))) return false;
    }
    Block block = ParseBlock(text, muni_end);
    for (std::string_view ending : kNotTownEndings) {
      if (block.town.ends_with(ending)) return false;
    }
    if (block.groups > 0) {
      for (std::string_view counter : kCounters) {
        if (StartsWithAt(text, block.end, counter)) return false;
      }
    }
    const bool labelled = header || LabelBefore(text, begin);
    const bool strong_block = block.groups >= 2 || (block.groups == 1 && block.suffixed) ||
                              (block.groups == 0 && block.kanji);
    const bool bare_block = block.groups == 1 && IsBoundaryAt(text, block.end);
    if (!strong_block && !(labelled && bare_block)) return false;
    *end = ParseBuilding(text, block.end);

    Candidate c;
    c.kind = Kind::kAddress;
    c.begin = begin;
    c.end = *end;
    c.normalized = NfkcWithoutSpaces(text.substr(begin, *end - begin));
    double confidence = pref != kNpos ? 0.8 : 0.6;
    if (labelled) confidence += 0.15;
    if (WindowBefore(text, begin, 12).find("〒") != kNpos) confidence += 0.05;
    c.confidence = confidence > 0.95 ? 0.95 : confidence;
    out.push_back(std::move(c));
    return true;
  }
};

}  // namespace

const Detector& AddressDetector() {
  static const AddressDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
