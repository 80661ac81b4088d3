#include "detect/person_name_detector.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
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
#include "detect/municipalities.h"
#include "detect/name_morphology.h"
#include "detect/surnames.h"
#include "text/cpu.h"
#include "text/normalize.h"

namespace doccheck {
namespace {

constexpr std::size_t kNpos = std::string_view::npos;

// Confidence of each way of finding a name.
constexpr double kLabelledName = 0.85;
constexpr double kLabelledForeignName = 0.75;
constexpr double kColumnName = 0.85;
constexpr double kListedName = 0.65;
constexpr double kListedNameNearLabel = 0.75;
constexpr double kForeignLine = 0.55;
// Readings (フリガナ) are neutral: reported, but below every threshold that matters.
constexpr double kReading = 0.3;
// Where MeCab (IPAdic) reads the name: a dictionary analysis scores above a guess.
constexpr double kAnalysedName = 0.95;       // a labelled value or cell read as 姓 (+ 名)
constexpr double kAmbiguousName = 0.5;       // a labelled value read as a place (目黒)
constexpr double kLayoutOnlyName = 0.6;      // 東雲 一: two words read as nouns
constexpr double kHonorificFullName = 0.85;  // 山田太郎様: surname and given name
constexpr double kHonorificName = 0.75;      // 豊田様: a surname alone
constexpr double kHonorificWeakName = 0.6;   // 花子さん, 目黒さん: a given name or a place
constexpr double kAnalysedListedName = 0.7;  // 豊田 太郎 standing alone, surname unlisted
constexpr double kSignatureName = 0.85;      // 棚橋誠治 <tana@example.jp>: read as 姓 + 名
constexpr double kSignatureGuess = 0.7;      // 古高和禎 <...>: partly read as a name

// Length limits in characters, spaces not counted.
constexpr int kMaxKanjiToken = 6;
constexpr int kMaxKanjiName = 8;
constexpr int kMaxKanaToken = 12;
constexpr int kMaxKanaName = 20;
constexpr int kMaxGivenName = 4;

// Labels before a name. A weak label (担当, 確認者) is followed by a department as often
// as by a person, so what follows it must look like a full name or a known surname.
struct Label {
  std::string_view text;
  bool reading;  // what follows is the reading (フリガナ) of a name
  bool weak;
};
// Where one label starts another, the longer comes first.
constexpr Label kLabels[] = {
    {"申請者氏名", false, false}, {"相談者氏名", false, false}, {"被保険者氏名", false, false},
    {"届出人氏名", false, false}, {"受給者氏名", false, false}, {"契約者氏名", false, false},
    {"利用者氏名", false, false}, {"対象者氏名", false, false}, {"保護者氏名", false, false},
    {"世帯主氏名", false, false}, {"代表者氏名", false, false}, {"本人氏名", false, false},
    {"患者氏名", false, false},   {"児童氏名", false, false},   {"申込者氏名", false, false},
    {"依頼者氏名", false, false}, {"職員氏名", false, false},   {"氏名", false, false},
    {"お名前", false, false},     {"氏 名", false, false},      {"名 前", false, false},
    {"名前", false, false},       {"申請者", false, false},     {"相談者", false, false},
    {"被保険者", false, false},   {"世帯主", false, false},     {"届出人", false, false},
    {"口座名義人", false, false}, {"口座名義", false, false},   {"名義人", false, false},
    {"職員名", false, false},     {"委員名", false, false},     {"受給者", false, false},
    {"契約者", false, false},     {"申込者", false, false},     {"依頼者", false, false},
    {"受取人", false, false},     {"担当者名", false, true},    {"担当者", false, true},
    {"担当", false, true},        {"記入者", false, true},      {"代表者", false, true},
    {"保護者", false, true},      {"確認者", false, true},      {"対応者", false, true},
    {"フリガナ", true, false},    {"ふりがな", true, false},    {"よみがな", true, false},
    {"カナ氏名", true, false},
};

// Column headings whose cells are names, or readings of names.
constexpr std::string_view kNameHeaders[] = {
    "氏名",   "名前",   "お名前",   "氏 名",  "職員名",   "委員名", "申請者", "世帯主",
    "届出人", "名義人", "口座名義", "受取人", "被保険者", "相談者", "代表者", "担当者"};
constexpr std::string_view kReadingWords[] = {"フリガナ", "ふりがな", "カナ",
                                              "かな",     "よみ",     "読み"};

// Words that make a string a form field, a department or a role rather than a name.
constexpr std::string_view kFieldWords[] = {
    "年月日", "生年", "住所", "電話", "番号", "性別", "国籍", "地域", "所属", "連絡", "備考",
    "記入",   "申請", "年齢", "続柄", "日付", "確認", "受付", "担当", "対応", "提出", "添付",
    "書類",   "区分", "種別", "金額", "合計", "内容", "期限", "郵便", "本人", "代理", "窓口",
    "不明",   "未定", "同上", "以下", "上記", "別紙", "省略", "記載", "必要", "職員", "委員",
    "全員",   "各位", "一同", "関係", "氏名", "名前", "名義", "署名", "押印", "印鑑", "自署",
    "職名",   "役職", "勤務", "所在", "会社", "法人", "団体", "部署", "事業", "記号", "保険",
    "年金",   "口座", "金融", "銀行", "支店", "預金", "番地", "携帯", "直通", "内線", "異動",
    "有効",   "交付", "発行", "登録", "変更", "転入", "転出", "世帯", "市民", "住民", "課長",
    "部長",   "係長", "主任", "主査", "主事", "補佐", "次長", "室長", "所長", "局長", "議員",
    "先生",   "管理", "予定", "以上", "該当", "記録", "一覧", "名簿", "様式", "令和", "平成",
    "昭和",   "大正", "明治", "課",   "係",   "請求", "証明", "手続", "申込", "通知", "案内",
    "男性",   "女性", "高齢", "児童", "学生", "家族", "親族", "成人", "乳児", "幼児", "不在",
    "なし",   "無し", "在住", "地区", "日本"};
// Endings of departments, offices, roles and field names.
constexpr std::string_view kNotNameEndings[] = {
    "室",   "局",   "所",   "班",   "院",   "館",   "署",   "庁",   "省",   "会",       "社",
    "校",   "園",   "店",   "長",   "員",   "者",   "名",   "先",   "日",   "欄",       "等",
    "類",   "別",   "宛",   "県",   "都",   "府",   "市",   "区",   "部",   "センター", "窓口",
    "担当", "補佐", "主任", "主査", "主事", "参事", "主幹", "技師", "組合", "協会",     "機構",
    "本部", "支所", "地",   "号",   "数",   "額",   "書",   "票",   "表",   "簿"};
// Katakana words that are not names.
constexpr std::string_view kKatakanaWords[] = {
    "フリガナ", "カナ",       "マイナンバー", "ナンバー", "メール",       "アドレス",
    "ファクス", "ファックス", "パスポート",   "カード",   "コード",       "センター",
    "サービス", "システム",   "データ",       "ページ",   "ホームページ", "メールアドレス",
    "リスト",   "チーム",     "グループ"};
// Latin words that follow a label without being a name.
constexpr std::string_view kLatinWords[] = {
    "TEL",  "Tel",  "FAX",  "Fax", "Email",  "E-mail", "Mail", "No",   "NO",     "Name",
    "NAME", "Date", "DATE", "ID",  "Sample", "SAMPLE", "Full", "FULL", "Family", "Given"};
// Honorifics after a name; not part of it.
constexpr std::string_view kHonorifics[] = {"様", "殿", "さん", "くん", "ちゃん", "君", "氏"};
// Given-name positions that hold a title instead (吉田 課長).
constexpr std::string_view kTitles[] = {"課長", "部長", "係長", "主任", "主査", "主事", "補佐",
                                        "次長", "室長", "所長", "局長", "市長", "議員", "委員",
                                        "先生", "教授", "氏",   "様",   "殿",   "君"};

// Which characters start a label, and the labels starting with each (in kLabels order):
// a quick test per character, then only the few labels that can match.
class LabelStarts {
 public:
  LabelStarts() {
    for (const Label& label : kLabels) {
      const std::uint32_t cp = ThreeByteCodePoint(label.text, 0);
      bits_[cp >> 6] |= std::uint64_t{1} << (cp & 63);
      by_first_.push_back({cp, &label});
    }
    std::stable_sort(by_first_.begin(), by_first_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  bool At(std::string_view text, std::size_t pos) const {
    std::uint32_t cp = ThreeByteCodePoint(text, pos);
    return cp != 0 && ((bits_[cp >> 6] >> (cp & 63)) & 1);
  }
  // The first label (in kLabels order) written at `pos`, or null.
  const Label* Match(std::string_view text, std::size_t pos) const {
    const std::uint32_t cp = ThreeByteCodePoint(text, pos);
    auto it = std::lower_bound(by_first_.begin(), by_first_.end(), cp,
                               [](const auto& e, std::uint32_t v) { return e.first < v; });
    for (; it != by_first_.end() && it->first == cp; ++it) {
      if (text.compare(pos, it->second->text.size(), it->second->text) == 0) return it->second;
    }
    return nullptr;
  }

 private:
  static std::uint32_t ThreeByteCodePoint(std::string_view text, std::size_t pos) {
    if (pos + 3 > text.size()) return 0;
    const auto b0 = static_cast<unsigned char>(text[pos]);
    if ((b0 & 0xF0) != 0xE0) return 0;
    return ((b0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[pos + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(text[pos + 2]) & 0x3Fu);
  }
  std::array<std::uint64_t, 1024> bits_{};
  std::vector<std::pair<std::uint32_t, const Label*>> by_first_;
};

// Byte scanners. Japanese text is made of three-byte characters whose lead bytes (E3-E9)
// are shared by thousands of characters, so memchr on a pattern's first byte stops every
// few bytes; these look at 16 bytes at a time for what is rare instead.
const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

#if defined(__SSE2__)
__m128i Load16(const unsigned char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
__m128i Splat(unsigned char b) { return _mm_set1_epi8(static_cast<char>(b)); }
std::size_t FirstBit(int mask) {
  return static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(mask)));
}
#endif

// The first non-ASCII byte at or after `pos`, or text.size().
std::size_t SkipAscii(std::string_view text, std::size_t pos) {
  const unsigned char* s = Bytes(text);
  const std::size_t size = text.size();
#if defined(__SSE2__)
  for (; pos + 16 <= size; pos += 16) {
    if (const int mask = _mm_movemask_epi8(Load16(s + pos)); mask != 0) {
      return pos + FirstBit(mask);
    }
  }
#endif
  while (pos < size && s[pos] < 0x80) ++pos;
  return pos;
}

// FindEachThreeBytes' 16 (or 32) positions at a time with SSSE3's byte shuffle (the "Teddy"
// matcher of Hyperscan): pattern k is bucket k; for each of its three bytes, a table per
// nibble says which buckets accept it, and a position survives when a bucket accepts all
// six nibbles. Survivors are compared exactly. The tables of up to 8 patterns:
struct ThreeByteNibbles {
  alignas(16) unsigned char low[3][16] = {};
  alignas(16) unsigned char high[3][16] = {};
};

ThreeByteNibbles MakeThreeByteNibbles(const unsigned char (*const* patterns)[3],
                                      std::size_t count) {
  ThreeByteNibbles t;
  for (std::size_t k = 0; k < count; ++k) {
    for (int j = 0; j < 3; ++j) {
      const unsigned char b = (*patterns[k])[j];
      t.low[j][b & 15] |= static_cast<unsigned char>(1u << k);
      t.high[j][b >> 4] |= static_cast<unsigned char>(1u << k);
    }
  }
  return t;
}

#if defined(DOCCHECK_NIBBLE_FILTER)
bool HasSsse3() {
  static const bool has = __builtin_cpu_supports("ssse3");
  return has;
}

// The survivors of one step (`lanes`: a bit per position from `pos`, `buckets` the lanes'
// bucket bytes), compared exactly and added to `at`.
inline void AddThreeByteSurvivors(const unsigned char* s, std::size_t pos, std::uint32_t lanes,
                                  const unsigned char* buckets,
                                  const unsigned char (*const* patterns)[3],
                                  std::vector<std::size_t>* at) {
  for (; lanes != 0; lanes &= lanes - 1) {
    const std::size_t lane = static_cast<std::size_t>(std::countr_zero(lanes));
    const std::size_t p = pos + lane;
    for (unsigned b = buckets[lane]; b != 0; b &= b - 1) {
      const std::size_t k = static_cast<std::size_t>(std::countr_zero(b));
      if (s[p] == (*patterns[k])[0] && s[p + 1] == (*patterns[k])[1] &&
          s[p + 2] == (*patterns[k])[2]) {
        at[k].push_back(p);
      }
    }
  }
}

// From `pos`, 16 positions a step while 18 bytes are left; returns where the bytes left start.
__attribute__((target("ssse3"))) std::size_t EachThreeBytesBlocks(
    const unsigned char* s, std::size_t pos, std::size_t size, const ThreeByteNibbles& t,
    const unsigned char (*const* patterns)[3], std::vector<std::size_t>* at) {
  const __m128i nibble = _mm_set1_epi8(0x0F);
  __m128i lows[3], highs[3];
  for (int j = 0; j < 3; ++j) {
    lows[j] = _mm_load_si128(reinterpret_cast<const __m128i*>(t.low[j]));
    highs[j] = _mm_load_si128(reinterpret_cast<const __m128i*>(t.high[j]));
  }
  alignas(16) unsigned char buckets[16];
  for (; pos + 18 <= size; pos += 16) {
    __m128i all = _mm_set1_epi8(static_cast<char>(0xFF));
    for (int j = 0; j < 3; ++j) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos + j));
      all = _mm_and_si128(
          all,
          _mm_and_si128(_mm_shuffle_epi8(lows[j], _mm_and_si128(v, nibble)),
                        _mm_shuffle_epi8(highs[j], _mm_and_si128(_mm_srli_epi16(v, 4), nibble))));
    }
    const auto lanes =
        static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(all, _mm_setzero_si128()))) ^
        0xFFFFu;
    if (lanes == 0) continue;
    _mm_store_si128(reinterpret_cast<__m128i*>(buckets), all);
    AddThreeByteSurvivors(s, pos, lanes, buckets, patterns, at);
  }
  return pos;
}

// The same, 32 positions a step with AVX2 while 34 bytes are left (the shuffle works on
// each 16-byte half: the tables are in both).
__attribute__((target("avx2"))) std::size_t EachThreeBytesBlocks32(
    const unsigned char* s, std::size_t pos, std::size_t size, const ThreeByteNibbles& t,
    const unsigned char (*const* patterns)[3], std::vector<std::size_t>* at) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  __m256i lows[3], highs[3];
  for (int j = 0; j < 3; ++j) {
    lows[j] =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(t.low[j])));
    highs[j] =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(t.high[j])));
  }
  alignas(32) unsigned char buckets[32];
  for (; pos + 34 <= size; pos += 32) {
    __m256i all = _mm256_set1_epi8(static_cast<char>(0xFF));
    for (int j = 0; j < 3; ++j) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + pos + j));
      all = _mm256_and_si256(
          all, _mm256_and_si256(_mm256_shuffle_epi8(lows[j], _mm256_and_si256(v, nibble)),
                                _mm256_shuffle_epi8(
                                    highs[j], _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble))));
    }
    const auto lanes = ~static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(all, _mm256_setzero_si256())));
    if (lanes == 0) continue;
    _mm256_store_si256(reinterpret_cast<__m256i*>(buckets), all);
    AddThreeByteSurvivors(s, pos, lanes, buckets, patterns, at);
  }
  return pos;
}
#endif

#if defined(DOCCHECK_NIBBLE_FILTER)
// Nibble tables for up to 8 two-byte patterns (bucket k: pattern k), for NextPairBlock.
struct PairNibbles {
  alignas(16) unsigned char low[2][16];
  alignas(16) unsigned char high[2][16];
};

// The first i' = i + 16 * m (i >= 1) whose 16 positions e hold, for some bucket, the
// bucket's first byte at e - 1 and second at e (by nibbles: a superset of the exact
// matches), or the first i' with i' + 16 > size.
__attribute__((target("ssse3"))) std::size_t NextPairBlock(const unsigned char* s, std::size_t i,
                                                           std::size_t size, const PairNibbles& t) {
  const __m128i nibble = _mm_set1_epi8(0x0F);
  __m128i lows[2], highs[2];
  for (int j = 0; j < 2; ++j) {
    lows[j] = _mm_load_si128(reinterpret_cast<const __m128i*>(t.low[j]));
    highs[j] = _mm_load_si128(reinterpret_cast<const __m128i*>(t.high[j]));
  }
  for (; i + 16 <= size; i += 16) {
    __m128i all = _mm_set1_epi8(static_cast<char>(0xFF));
    for (int j = 0; j < 2; ++j) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i - 1 + j));
      all = _mm_and_si128(
          all,
          _mm_and_si128(_mm_shuffle_epi8(lows[j], _mm_and_si128(v, nibble)),
                        _mm_shuffle_epi8(highs[j], _mm_and_si128(_mm_srli_epi16(v, 4), nibble))));
    }
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(all, _mm_setzero_si128())) != 0xFFFF) return i;
  }
  return i;
}

// The same with AVX2, 32 positions a step: the first i' = i + 16 * m whose 16 positions
// hold a survivor, or the first i' = i + 32 * m with i' + 32 > size (NextPairBlock goes
// on from there).
__attribute__((target("avx2"))) std::size_t NextPairBlock32(const unsigned char* s, std::size_t i,
                                                            std::size_t size,
                                                            const PairNibbles& t) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  __m256i lows[2], highs[2];
  for (int j = 0; j < 2; ++j) {
    lows[j] =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(t.low[j])));
    highs[j] =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(t.high[j])));
  }
  for (; i + 32 <= size; i += 32) {
    __m256i all = _mm256_set1_epi8(static_cast<char>(0xFF));
    for (int j = 0; j < 2; ++j) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i - 1 + j));
      all = _mm256_and_si256(
          all, _mm256_and_si256(_mm256_shuffle_epi8(lows[j], _mm256_and_si256(v, nibble)),
                                _mm256_shuffle_epi8(
                                    highs[j], _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble))));
    }
    const auto lanes = ~static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(all, _mm256_setzero_si256())));
    if (lanes != 0) return (lanes & 0xFFFFu) != 0 ? i : i + 16;
  }
  return i;
}
#endif

// Where the three bytes `c` occur at or after `pos`, or kNpos.
std::size_t FindThreeBytes(std::string_view text, std::size_t pos, const unsigned char (&c)[3]) {
  const unsigned char* s = Bytes(text);
  const std::size_t size = text.size();
#if defined(__SSE2__)
  const __m128i c0 = Splat(c[0]);
  const __m128i c1 = Splat(c[1]);
  const __m128i c2 = Splat(c[2]);
  for (; pos + 18 <= size; pos += 16) {
    const __m128i hits = _mm_and_si128(_mm_cmpeq_epi8(Load16(s + pos + 2), c2),
                                       _mm_and_si128(_mm_cmpeq_epi8(Load16(s + pos + 1), c1),
                                                     _mm_cmpeq_epi8(Load16(s + pos), c0)));
    if (const int mask = _mm_movemask_epi8(hits); mask != 0) return pos + FirstBit(mask);
  }
#endif
  for (; pos + 3 <= size; ++pos) {
    if (s[pos] == c[0] && s[pos + 1] == c[1] && s[pos + 2] == c[2]) return pos;
  }
  return kNpos;
}

// Below this many bytes FindEachThreeBytes searches pattern by pattern.
constexpr std::size_t kOnePassFrom = 256;

// Where each of up to 8 three-byte sequences occurs in `text`, found in one pass: at[k]
// gets, in ascending order, every position of patterns[k] (what FindThreeBytes would give
// one after the other; a three-byte UTF-8 character never overlaps itself). The person-
// name detector's honorifics were eight passes over every block.
template <std::size_t N>
void FindEachThreeBytes(std::string_view text, const unsigned char (*const (&patterns)[N])[3],
                        const ThreeByteNibbles* nibbles,
                        std::array<std::vector<std::size_t>, N>* at) {
  static_assert(N <= 8);
  for (auto& v : *at) v.clear();
  const unsigned char* s = Bytes(text);
  const std::size_t size = text.size();
  std::size_t pos = 0;
  const auto match = [&](std::size_t p, std::size_t k) {
    return s[p] == (*patterns[k])[0] && s[p + 1] == (*patterns[k])[1] &&
           s[p + 2] == (*patterns[k])[2];
  };
  if (size < kOnePassFrom) {
    // Short blocks (spreadsheet cells): a search per pattern costs less than building the
    // one pass's tables.
    for (std::size_t k = 0; k < N; ++k) {
      for (std::size_t p = FindThreeBytes(text, 0, *patterns[k]); p != kNpos;
           p = FindThreeBytes(text, p + 3, *patterns[k])) {
        (*at)[k].push_back(p);
      }
    }
    return;
  }
#if defined(DOCCHECK_NIBBLE_FILTER)
  if (HasSsse3()) {
    const ThreeByteNibbles& tables = *nibbles;
    if (Avx2Enabled()) pos = EachThreeBytesBlocks32(s, pos, size, tables, patterns, at->data());
    pos = EachThreeBytesBlocks(s, pos, size, tables, patterns, at->data());
  }
#else
  (void)nibbles;
#endif
  for (; pos + 3 <= size; ++pos) {
    for (std::size_t k = 0; k < N; ++k) {
      if (match(pos, k)) (*at)[k].push_back(pos);
    }
  }
}

#if defined(DOCCHECK_NIBBLE_FILTER)
__attribute__((target("avx2"), always_inline)) inline __m256i Load32(const unsigned char* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
__attribute__((target("avx2"), always_inline)) inline __m256i Splat32(unsigned char b) {
  return _mm256_set1_epi8(static_cast<char>(b));
}

// The first space at or after `pos` (>= 1) that follows a non-ASCII byte, 32 positions a
// step with AVX2; where fewer than 32 are left, the first of them.
__attribute__((target("avx2"))) std::size_t SpaceAfterNonAscii32(const unsigned char* s,
                                                                 std::size_t pos,
                                                                 std::size_t size) {
  const __m256i space = _mm256_set1_epi8(' ');
  for (; pos + 32 <= size; pos += 32) {
    const __m256i here = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + pos));
    const __m256i before = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + pos - 1));
    const auto mask = static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(here, space), before)));
    if (mask != 0) return pos + static_cast<std::size_t>(std::countr_zero(mask));
  }
  return pos;
}
#endif

// The first space at or after `pos` that follows a non-ASCII byte, or kNpos.
std::size_t FindSpaceAfterNonAscii(std::string_view text, std::size_t pos) {
  const unsigned char* s = Bytes(text);
  const std::size_t size = text.size();
  if (pos == 0) pos = 1;
#if defined(DOCCHECK_NIBBLE_FILTER)
  if (Avx2Enabled()) {
    pos = SpaceAfterNonAscii32(s, pos, size);
    if (pos < size && s[pos] == ' ' && s[pos - 1] >= 0x80) return pos;
  }
#endif
#if defined(__SSE2__)
  const __m128i space = Splat(' ');
  for (; pos + 16 <= size; pos += 16) {
    const __m128i hits = _mm_and_si128(_mm_cmpeq_epi8(Load16(s + pos), space), Load16(s + pos - 1));
    if (const int mask = _mm_movemask_epi8(hits); mask != 0) return pos + FirstBit(mask);
  }
#endif
  for (; pos < size; ++pos) {
    if (s[pos] == ' ' && s[pos - 1] >= 0x80) return pos;
  }
  return kNpos;
}

// FindText(text, "氏名") != kNpos || FindText(text, "名前") != kNpos, from the rare 名.
bool HasNameWord(std::string_view text) {
  static constexpr unsigned char kMei[3] = {0xE5, 0x90, 0x8D};  // 名
  for (std::size_t at = FindThreeBytes(text, 0, kMei); at != kNpos;
       at = FindThreeBytes(text, at + 1, kMei)) {
    if (at >= 3 && text.substr(at - 3, 3) == "氏") return true;
    if (text.substr(at + 3, 3) == "前") return true;
  }
  return false;
}

// Like LineStart (context.h), with memrchr; `floor` is a known line start at or before `pos`.
std::size_t LineStartFrom(std::string_view text, std::size_t floor, std::size_t pos) {
  if (pos <= floor) return floor;
  const void* nl = memrchr(text.data() + floor, '\n', pos - floor);
  return nl == nullptr ? floor
                       : static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) + 1;
}

// Step of the character walk that looks for labels: a whole character at a time by its
// lead byte, one byte for anything that cannot lead.
std::size_t WalkStep(unsigned char lead) {
  return lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// Where labels are written, found from a few characters at least one of which every label
// holds (名 者 主 人 担 ガナ がな), two bytes of each compared 16 positions at a time. This
// replaces a test of every character of the text against the labels' first characters.
class LabelAnchors {
 public:
  LabelAnchors() {
    std::array<bool, std::size(kLabels)> covered{};
    for (std::size_t a = 0; a < std::size(kAnchors); ++a) {
      const std::string_view anchor = kAnchors[a].text;
      const auto byte_at = [&](int off) { return static_cast<unsigned char>(anchor[off]); };
      // The vector filter below compares these bytes; a changed table falls back to the walk.
      if (byte_at(kAnchors[a].off1) != kAnchors[a].byte1 ||
          byte_at(kAnchors[a].off2) != kAnchors[a].byte2) {
        return;
      }
      for (std::size_t l = 0; l < std::size(kLabels); ++l) {
        const std::string_view label = kLabels[l].text;
        for (std::size_t k = label.find(anchor); k != kNpos; k = label.find(anchor, k + 1)) {
          if (uses_[a].size() == 64) return;  // more than by_previous_byte_ can tell apart
          const std::size_t u = uses_[a].size();
          uses_[a].push_back({label, k});
          for (int b = 0; b < 256; ++b) {
            if (k == 0 || static_cast<unsigned char>(label[k - 1]) == b) {
              by_previous_byte_[a][b] |= std::uint64_t{1} << u;
            }
          }
          if (k == 0) at_start_[a] |= std::uint64_t{1} << u;
          covered[l] = true;
        }
      }
    }
    // AddLabelsAround stops at the first anchor written at a position.
    for (std::size_t a = 0; a < std::size(kAnchors); ++a) {
      for (std::size_t b = a + 1; b < std::size(kAnchors); ++b) {
        if (kAnchors[a].text.substr(0, 3) == kAnchors[b].text.substr(0, 3)) return;
      }
    }
    complete_ = kAnchors[kMei].text == "名" &&
                std::all_of(covered.begin(), covered.end(), [](bool c) { return c; });
  }

  // False when some label holds no anchor: then only the walk finds every label.
  bool complete() const { return complete_; }

  // Byte offsets where some label is written, sorted, each once; `*name_word` tells
  // whether 氏名 or 名前 is written anywhere (as bytes, like FindText).
  void Find(std::string_view text, std::vector<std::size_t>* at, bool* name_word) const {
    at->clear();
    *name_word = false;
    const unsigned char* s = Bytes(text);
    const std::size_t size = text.size();
    std::size_t pos = 0;
#if defined(DOCCHECK_NIBBLE_FILTER)
    if (Avx2Enabled()) pos = Find32(text, at, name_word);
#endif
#if defined(__SSE2__)
    const __m128i x90 = Splat(0x90), x8d = Splat(0x8D), x80 = Splat(0x80), x85 = Splat(0x85);
    const __m128i xb8 = Splat(0xB8), xbb = Splat(0xBB), xba = Splat(0xBA), x8b = Splat(0x8B);
    const __m128i xac = Splat(0xAC), x8a = Splat(0x8A), x8c = Splat(0x8C), xaa = Splat(0xAA);
    for (; pos + 21 <= size; pos += 16) {
      const __m128i v1 = Load16(s + pos + 1);
      const __m128i v2 = Load16(s + pos + 2);
      const __m128i v5 = Load16(s + pos + 5);
      const __m128i last_85 = _mm_cmpeq_epi8(v2, x85);
      const __m128i kanji = _mm_or_si128(
          _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v1, x90), _mm_cmpeq_epi8(v2, x8d)),
                       _mm_and_si128(_mm_or_si128(_mm_cmpeq_epi8(v1, x80), _mm_cmpeq_epi8(v1, x8b)),
                                     last_85)),
          _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v1, xb8), _mm_cmpeq_epi8(v2, xbb)),
                       _mm_and_si128(_mm_cmpeq_epi8(v1, xba), _mm_cmpeq_epi8(v2, xba))));
      const __m128i kana =
          _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v2, xac), _mm_cmpeq_epi8(v5, x8a)),
                       _mm_and_si128(_mm_cmpeq_epi8(v2, x8c), _mm_cmpeq_epi8(v5, xaa)));
      for (int mask = _mm_movemask_epi8(_mm_or_si128(kanji, kana)); mask != 0; mask &= mask - 1) {
        AddLabelsAround(text, pos + FirstBit(mask), at, name_word);
      }
    }
#endif
    // Every anchor starts with the lead byte of a three-byte character: the tail (all of a
    // short cell) need not try the others.
    for (; pos < size; ++pos) {
      if (s[pos] >= 0xE0) AddLabelsAround(text, pos, at, name_word);
    }
    std::sort(at->begin(), at->end());
    at->erase(std::unique(at->begin(), at->end()), at->end());
  }

 private:
#if defined(DOCCHECK_NIBBLE_FILTER)
  // Find's filter with AVX2, 32 positions a step while 37 bytes are left; returns where
  // Find goes on.
  __attribute__((target("avx2"))) std::size_t Find32(std::string_view text,
                                                     std::vector<std::size_t>* at,
                                                     bool* name_word) const {
    const unsigned char* s = Bytes(text);
    const std::size_t size = text.size();
    const __m256i x90 = Splat32(0x90), x8d = Splat32(0x8D), x80 = Splat32(0x80);
    const __m256i x85 = Splat32(0x85), xb8 = Splat32(0xB8), xbb = Splat32(0xBB);
    const __m256i xba = Splat32(0xBA), x8b = Splat32(0x8B), xac = Splat32(0xAC);
    const __m256i x8a = Splat32(0x8A), x8c = Splat32(0x8C), xaa = Splat32(0xAA);
    std::size_t pos = 0;
    for (; pos + 37 <= size; pos += 32) {
      const __m256i v1 = Load32(s + pos + 1);
      const __m256i v2 = Load32(s + pos + 2);
      const __m256i v5 = Load32(s + pos + 5);
      const __m256i last_85 = _mm256_cmpeq_epi8(v2, x85);
      const __m256i kanji = _mm256_or_si256(
          _mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(v1, x90), _mm256_cmpeq_epi8(v2, x8d)),
                          _mm256_and_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v1, x80),
                                                           _mm256_cmpeq_epi8(v1, x8b)),
                                           last_85)),
          _mm256_or_si256(
              _mm256_and_si256(_mm256_cmpeq_epi8(v1, xb8), _mm256_cmpeq_epi8(v2, xbb)),
              _mm256_and_si256(_mm256_cmpeq_epi8(v1, xba), _mm256_cmpeq_epi8(v2, xba))));
      const __m256i kana =
          _mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(v2, xac), _mm256_cmpeq_epi8(v5, x8a)),
                          _mm256_and_si256(_mm256_cmpeq_epi8(v2, x8c), _mm256_cmpeq_epi8(v5, xaa)));
      for (auto mask =
               static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(kanji, kana)));
           mask != 0; mask &= mask - 1) {
        AddLabelsAround(text, pos + static_cast<std::size_t>(std::countr_zero(mask)), at,
                        name_word);
      }
    }
    return pos;
  }
#endif

  struct Anchor {
    std::string_view text;
    int off1;
    unsigned char byte1;
    int off2;
    unsigned char byte2;
  };
  static constexpr Anchor kAnchors[] = {
      {"名", 1, 0x90, 2, 0x8D},   {"者", 1, 0x80, 2, 0x85}, {"主", 1, 0xB8, 2, 0xBB},
      {"人", 1, 0xBA, 2, 0xBA},   {"担", 1, 0x8B, 2, 0x85}, {"ガナ", 2, 0xAC, 5, 0x8A},
      {"がな", 2, 0x8C, 5, 0xAA},
  };
  struct Use {
    std::string_view label;
    std::size_t offset;  // of the anchor in the label
  };

  // Adds where labels holding an anchor written at `q` start.
  void AddLabelsAround(std::string_view text, std::size_t q, std::vector<std::size_t>* at,
                       bool* name_word) const {
    for (std::size_t a = 0; a < std::size(kAnchors); ++a) {
      if (!BytesAt(text, q, kAnchors[a].text)) continue;
      if (a == kMei && !*name_word) {  // 名: is it part of 氏名 or 名前?
        *name_word = (q >= 3 && BytesAt(text, q - 3, "氏")) || BytesAt(text, q + 3, "前");
      }
      // Only the labels whose byte before the anchor is the one in the text.
      std::uint64_t uses = q == 0 ? at_start_[a] : by_previous_byte_[a][Bytes(text)[q - 1]];
      for (; uses != 0; uses &= uses - 1) {
        const Use& use = uses_[a][static_cast<std::size_t>(std::countr_zero(uses))];
        if (q >= use.offset && BytesAt(text, q - use.offset, use.label)) {
          at->push_back(q - use.offset);
        }
      }
      return;  // no two anchors have the same first three bytes: no other one is at `q`
    }
  }

  static constexpr std::size_t kMei = 0;  // 名

  std::array<std::vector<Use>, std::size(kAnchors)> uses_;
  // Per anchor, which uses (bits) fit the byte before the anchor, or its being first.
  std::array<std::array<std::uint64_t, 256>, std::size(kAnchors)> by_previous_byte_{};
  std::array<std::uint64_t, std::size(kAnchors)> at_start_{};
  bool complete_ = false;
};

const LabelStarts& LabelStartsTable() {
  static const LabelStarts starts;
  return starts;
}

enum class Script { kKanji, kKatakana, kHiragana, kLatin, kOther };

Script ScriptOf(char32_t c) {
  if (IsKanji(c)) return Script::kKanji;
  if (IsKatakana(c)) return Script::kKatakana;
  if (IsHiragana(c)) return Script::kHiragana;
  return Script::kOther;
}

Script ScriptAt(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return Script::kOther;
  std::size_t n = 0;
  return ScriptOf(CodePointAt(text, pos, &n));
}

bool StartsWithAt(std::string_view text, std::size_t pos, std::string_view word) {
  return pos <= text.size() && text.substr(pos, word.size()) == word;
}

template <std::size_t N>
bool ContainsWord(std::string_view s, const std::string_view (&words)[N]) {
  for (std::string_view w : words) {
    if (s.find(w) != kNpos) return true;
  }
  return false;
}

// ContainsWord(s, kFieldWords) for the short strings names are, with one table look-up
// per byte of `s` instead of a search of `s` per word (137 of them): candidates by the two
// bytes after their first, then compared whole.
bool HasFieldWord(std::string_view s) {
  struct Index {
    std::array<std::uint64_t, 1024> pairs{};    // bit (b1 << 8 | b2): some word has it at 1, 2
    std::vector<std::string_view> short_words;  // under three bytes: searched as before
    Index() {
      for (std::string_view w : kFieldWords) {
        if (w.size() < 3) {
          short_words.push_back(w);
          continue;
        }
        const unsigned key =
            static_cast<unsigned char>(w[1]) << 8 | static_cast<unsigned char>(w[2]);
        pairs[key >> 6] |= std::uint64_t{1} << (key & 63);
      }
    }
  };
  static const Index index;
  for (std::string_view w : index.short_words) {
    if (s.find(w) != kNpos) return true;
  }
  const unsigned char* b = Bytes(s);
  for (std::size_t i = 0; i + 3 <= s.size(); ++i) {
    const unsigned key = b[i + 1] << 8 | b[i + 2];
    if (((index.pairs[key >> 6] >> (key & 63)) & 1) == 0) continue;
    for (std::string_view w : kFieldWords) {
      if (w.size() >= 3 && s.compare(i, w.size(), w) == 0) return true;
    }
  }
  return false;
}

template <std::size_t N>
bool EndsWithWord(std::string_view s, const std::string_view (&words)[N]) {
  for (std::string_view w : words) {
    if (s.size() >= w.size() && s.substr(s.size() - w.size()) == w) return true;
  }
  return false;
}

template <std::size_t N>
bool EqualsWord(std::string_view s, const std::string_view (&words)[N]) {
  for (std::string_view w : words) {
    if (s == w) return true;
  }
  return false;
}

// End of the run of letters of `script` starting at `pos`, at most `max` of them
// (`*chars` gets how many). '・' joins katakana words but is not counted.
std::size_t RunEnd(std::string_view text, std::size_t pos, Script script, int max, int* chars) {
  *chars = 0;
  while (pos < text.size()) {
    std::size_t n = 0;
    char32_t c = CodePointAt(text, pos, &n);
    if (ScriptOf(c) != script) break;
    if (++*chars > max) return kNpos;
    pos += n;
  }
  return pos;
}

// Length of an honorific at `pos`, or 0.
std::size_t HonorificAt(std::string_view text, std::size_t pos) {
  for (std::string_view h : kHonorifics) {
    if (StartsWithAt(text, pos, h)) return h.size();
  }
  return 0;
}

// Removes a trailing 様/殿 written in kanji from a kanji run [begin, end).
std::size_t TrimHonorific(std::string_view text, std::size_t begin, std::size_t end) {
  for (std::string_view h : {std::string_view("様"), std::string_view("殿")}) {
    if (end >= begin + 2 * h.size() && text.substr(end - h.size(), h.size()) == h) {
      return end - h.size();
    }
  }
  return end;
}

struct NameMatch {
  std::size_t begin = 0;
  std::size_t end = 0;    // end of the name, honorific excluded
  std::size_t after = 0;  // end of the name with its honorific
  Script script = Script::kOther;
  int tokens = 0;
};

// True when `stem` + 都/道/府/県 is a prefecture (大阪, 東京) and `stem` is not a common
// surname (千葉, 秋田 are both).
bool IsPrefectureStem(std::string_view stem) {
  if (IsCommonSurname(stem)) return false;
  std::string name(stem);
  for (std::string_view suffix : {"都", "道", "府", "県"}) {
    name.resize(stem.size());
    name.append(suffix);
    if (IsPrefecture(name)) return true;
  }
  return false;
}

// What MeCab says of a name candidate.
enum class Verdict {
  kUnknown,   // no dictionary, or words it does not know
  kName,      // every morpheme is a person's name (姓, 名)
  kPartName,  // some morphemes are names, others not
  kPlace,     // a place name only (目黒 is a surname too)
  kNotName,   // known words, none of them a name (水門, 周辺, 総務課)
};

Verdict JudgeName(std::string_view s) {
  if (!NameMorphology::Available()) return Verdict::kUnknown;
  thread_local std::vector<Morpheme> morphemes;
  if (!NameMorphology::Analyze(s, &morphemes) || morphemes.empty()) return Verdict::kUnknown;
  std::size_t person = 0, place = 0, unknown = 0;
  for (const Morpheme& m : morphemes) {
    if (m.IsPerson()) {
      ++person;
    } else if (m.unknown) {
      ++unknown;
    } else if (m.type == Morpheme::Type::kPlace) {
      ++place;
    }
  }
  if (person == morphemes.size()) return Verdict::kName;
  if (person > 0) return Verdict::kPartName;
  if (unknown > 0) return Verdict::kUnknown;
  if (place == morphemes.size()) return Verdict::kPlace;
  return Verdict::kNotName;
}

// True when MeCab knows every word of `s` and none as a name (ブックマーク ファイル).
bool KnownAsOtherWords(std::string_view s) { return JudgeName(s) == Verdict::kNotName; }

// True when MeCab reads all of `s` as a person's name (生越 種市: 種市 ends like a city
// but is a given name).
bool AnalysedAsName(std::string_view s) { return JudgeName(s) == Verdict::kName; }

// Confidence of a kanji name of `tokens` words found by a label or a column heading, by
// what MeCab says of it; 0 when it is plainly not a name (one word the dictionary knows
// as a common noun or an organisation). Two words (東雲 一) are laid out as a name even
// when the dictionary reads nouns, and keep a lower confidence.
double LabelledKanjiConfidence(std::string_view name, int tokens, double guess) {
  switch (JudgeName(name)) {
    case Verdict::kName:
      return std::max(guess, kAnalysedName);
    case Verdict::kNotName:
      if (IsCommonSurname(StripSpaces(name))) return guess;
      return tokens >= 2 ? kLayoutOnlyName : 0.0;
    case Verdict::kPlace:
      return IsCommonSurname(StripSpaces(name)) ? guess : kAmbiguousName;
    default:
      return guess;
  }
}

bool ValidKanjiName(std::string_view text, const NameMatch& m, std::string_view last_token) {
  std::string compact = StripSpaces(text.substr(m.begin, m.end - m.begin));
  if (HasFieldWord(compact)) return false;
  if (IsMunicipality(compact) || IsPrefecture(compact)) return false;
  // A surname alone (阿部, 中村) may end like a department or a place.
  if (m.tokens == 1 && IsCommonSurname(compact)) return true;
  if (EndsWithWord(last_token, kNotNameEndings) && !AnalysedAsName(compact)) {
    return false;
  }
  if (m.tokens == 2 && EqualsWord(last_token, kTitles)) return false;
  return true;
}

// A name in Latin letters (SMITH JOHN, Maria Garcia): two or three capitalised words.
bool ExtractLatinName(std::string_view text, std::size_t pos, NameMatch* m) {
  m->begin = pos;
  m->script = Script::kLatin;
  m->tokens = 0;
  std::size_t end = pos;
  while (true) {
    if (end >= text.size() || text[end] < 'A' || text[end] > 'Z') return false;
    std::size_t word_end = end;
    while (word_end < text.size() &&
           (IsAsciiAlpha(text[word_end]) || text[word_end] == '-' || text[word_end] == '\'')) {
      ++word_end;
    }
    std::string_view word = text.substr(end, word_end - end);
    if (word.size() < 2 || word.size() > 20 || EqualsWord(word, kLatinWords)) return false;
    ++m->tokens;
    end = word_end;
    if (m->tokens < 3 && text.substr(end, 1) == " " && end + 1 < text.size() &&
        text[end + 1] >= 'A' && text[end + 1] <= 'Z') {
      ++end;
      continue;
    }
    break;
  }
  if (end < text.size() && (IsAsciiAlpha(text[end]) || IsAsciiDigit(text[end]))) return false;
  m->end = m->after = end;
  return m->tokens >= 2;
}

// Reads a name starting at `pos`. `reading` accepts kana-only names of one word.
bool ExtractName(std::string_view text, std::size_t pos, bool reading, NameMatch* m) {
  m->begin = pos;
  m->script = ScriptAt(text, pos);
  int chars = 0;
  if (m->script == Script::kKanji) {
    std::size_t end = RunEnd(text, pos, Script::kKanji, kMaxKanjiToken + 1, &chars);
    if (end == kNpos) return false;
    end = TrimHonorific(text, pos, end);
    m->end = m->after = end;
    m->tokens = 1;
    std::string_view last = text.substr(pos, end - pos);
    int total = chars;
    if (end == m->end && HonorificAt(text, end) == 0 && text.substr(end, 1) == " " &&
        text.substr(end + 1, 1) != " ") {
      Script given = ScriptAt(text, end + 1);
      int given_chars = 0;
      std::size_t given_end = kNpos;
      if (given == Script::kKanji || given == Script::kHiragana) {
        given_end = RunEnd(text, end + 1, given, kMaxGivenName + 2, &given_chars);
      }
      if (given_end != kNpos && given == Script::kKanji) {
        given_end = TrimHonorific(text, end + 1, given_end);
      }
      if (given_end != kNpos && given_chars <= kMaxGivenName + 1) {
        std::string_view token = text.substr(end + 1, given_end - end - 1);
        const bool prose = given == Script::kKanji &&
                           ScriptAt(text, given_end) == Script::kHiragana &&
                           HonorificAt(text, given_end) == 0;
        if (!prose && !EqualsWord(token, kTitles) && !HasFieldWord(token) &&
            (!EndsWithWord(token, kNotNameEndings) ||
             AnalysedAsName(text.substr(pos, given_end - pos)))) {
          m->end = m->after = given_end;
          m->tokens = 2;
          last = token;
          total += given_chars;
        }
      }
    }
    if (std::size_t h = HonorificAt(text, m->end); h != 0) {
      m->after = m->end + h;
    } else if (ScriptAt(text, m->end) == Script::kHiragana) {
      return false;  // prose: 本人が, 申請者の
    }
    if (total < 2 || total > kMaxKanjiName) return false;
    return ValidKanjiName(text, *m, last);
  }
  if (m->script == Script::kKatakana || m->script == Script::kHiragana) {
    if (StartsWithAt(text, pos, "・")) return false;  // 名前・リリース: a list, not a name
    std::size_t end = pos;
    int total = 0;
    m->tokens = 0;
    while (true) {
      std::size_t token_end = RunEnd(text, end, m->script, kMaxKanaToken, &chars);
      if (token_end == kNpos || chars == 0) return false;
      std::string_view token = text.substr(end, token_end - end);
      if (EqualsWord(token, kKatakanaWords)) return false;
      ++m->tokens;
      if (m->script == Script::kKatakana) {
        for (std::size_t dot = token.find("・"); dot != kNpos; dot = token.find("・", dot + 1)) {
          ++m->tokens;
        }
      }
      total += chars;
      end = token_end;
      if (m->tokens < 3 && text.substr(end, 1) == " " && ScriptAt(text, end + 1) == m->script) {
        ++end;
        continue;
      }
      break;
    }
    m->end = m->after = end;
    if (ScriptAt(text, end) == Script::kKanji) return false;  // カナ氏名 etc.
    if (total < 2 || total > kMaxKanaName) return false;
    // Outside a reading, a foreign name has a given name and a family name.
    return reading || m->tokens >= 2;
  }
  if (!reading && pos < text.size() && IsAsciiAlpha(text[pos]) && text[pos] >= 'A' &&
      text[pos] <= 'Z') {
    return ExtractLatinName(text, pos, m);
  }
  return false;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Words holding a reading word without being one (読み込み, かなり).
constexpr std::string_view kNotReadingWords[] = {"読み込", "読み出", "読み取",  "読み書",
                                                 "かなり", "かなら", "ひらがな"};

bool IsReadingHeader(std::string_view header) {
  return header.size() <= 40 && ContainsWord(header, kReadingWords) &&
         !ContainsWord(header, kNotReadingWords);
}

bool IsNameHeader(std::string_view header) {
  header = Trim(header);
  if (header.empty() || header.size() > 40 || IsReadingHeader(header)) return false;
  if (EqualsWord(header, kNameHeaders)) return true;
  for (std::string_view end :
       {std::string_view("氏名"), std::string_view("名前"), std::string_view("氏名(漢字)"),
        std::string_view("氏名（漢字）"), std::string_view("者名"), std::string_view("人名"),
        std::string_view("員名")}) {
    if (header.size() >= end.size() && header.substr(header.size() - end.size()) == end) {
      return true;
    }
  }
  return false;
}

class PersonNameDetectorImpl final : public Detector {
 public:
  std::string_view name() const override { return "person_name"; }
  bool NeedsLetter() const override { return true; }  // kanji, kana or Latin letters

  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    std::vector<Candidate> found;
    const std::string_view text = scan.text;
    if (!scan.header.empty()) DetectCell(scan, found);
    const bool near_label = DetectLabelled(text, found);
    DetectTables(text, near_label, found);
    DetectListed(text, near_label, found);
    if (NameMorphology::Available()) {
      DetectHonorific(text, found);
      DetectBeforeAddress(text, found);
    }
    Merge(found, out);
  }

 private:
  static void Emit(std::string_view text, const NameMatch& m, double confidence,
                   std::vector<Candidate>& found) {
    Candidate c;
    c.kind = Kind::kPersonName;
    c.begin = m.begin;
    c.end = m.end;
    c.normalized = NfkcWithoutSpaces(text.substr(m.begin, m.end - m.begin));
    c.confidence = confidence;
    found.push_back(std::move(c));
  }

  // A name in a column of names (or of readings).
  static void EmitColumnName(std::string_view text, const NameMatch& m, bool reading,
                             std::vector<Candidate>& found) {
    double confidence = reading ? kReading : kColumnName;
    if (reading && m.script == Script::kKanji) return;  // a reading is kana (読み取り: 実行)
    if (!reading && m.script == Script::kKanji) {
      confidence =
          LabelledKanjiConfidence(text.substr(m.begin, m.end - m.begin), m.tokens, confidence);
      if (confidence <= 0) return;
    } else if (!reading && KnownAsOtherWords(text.substr(m.begin, m.end - m.begin))) {
      return;
    }
    Emit(text, m, confidence, found);
  }

  // A name that fills the cell [begin, end) alone.
  static bool WholeCellName(std::string_view text, std::size_t begin, std::size_t end, bool reading,
                            NameMatch* m) {
    while (begin < end && IsSpace(text[begin])) ++begin;
    while (end > begin && IsSpace(text[end - 1])) --end;
    if (begin == end) return false;
    std::string_view cell = text.substr(0, end);
    if (!ExtractName(cell, begin, reading, m)) return false;
    std::size_t rest = m->after;
    while (rest < end && IsSpace(text[rest])) ++rest;
    // 山田 太郎（ヤマダ タロウ）: a reading or a note in brackets may follow.
    return rest == end || m->end == end || StartsWithAt(cell, rest, "(") ||
           StartsWithAt(cell, rest, "（");
  }

  // A spreadsheet or CSV cell under a heading that names people.
  static void DetectCell(const ScanText& scan, std::vector<Candidate>& found) {
    // What the heading says, remembered for the last few headings on this thread: the
    // cells of a sheet come a row at a time under the same few.
    struct HeadingKind {
      std::string header;
      bool reading = false, name = false, valid = false;
    };
    thread_local std::array<HeadingKind, 8> kinds;
    thread_local std::size_t next = 0;
    const HeadingKind* kind = nullptr;
    for (const HeadingKind& k : kinds) {
      if (k.valid && k.header == scan.header) kind = &k;
    }
    if (kind == nullptr) {
      HeadingKind& k = kinds[next];
      next = (next + 1) % kinds.size();
      k.header.assign(scan.header);
      k.reading = IsReadingHeader(scan.header);
      k.name = !k.reading && IsNameHeader(scan.header);
      k.valid = true;
      kind = &k;
    }
    const bool reading = kind->reading;
    if (!reading && !kind->name) return;
    NameMatch m;
    if (WholeCellName(scan.text, 0, scan.text.size(), reading, &m)) {
      EmitColumnName(scan.text, m, reading, found);
    }
  }

  // Label, separator, name. Labels are looked for where a walk over the text a character
  // at a time stands (on malformed UTF-8 it may step over a label's bytes); candidates
  // come from LabelAnchors, and only those the walk reaches are used.
  // Returns whether 氏名 or 名前 is written anywhere in `text`.
  static bool DetectLabelled(std::string_view text, std::vector<Candidate>& found) {
    static const LabelAnchors anchors;
    if (!anchors.complete()) {
      DetectLabelledByWalk(text, found);
      return HasNameWord(text);
    }
    std::vector<std::size_t> at;
    bool name_word = false;
    anchors.Find(text, &at, &name_word);
    std::size_t pos = 0;     // where the walk stands after the last label
    std::size_t walked = 0;  // how far the walk from `pos` was followed byte by byte
    for (const std::size_t label_begin : at) {
      if (label_begin < pos || !WalkReaches(text, pos, label_begin, &walked)) continue;
      const Label* label = LabelStartsTable().Match(text, label_begin);
      if (label == nullptr) continue;
      pos = walked = label_begin + label->text.size();
      TryLabel(text, label_begin, pos, *label, found);
    }
    return name_word;
  }

  // Whether the walk from `pos` (where it stands) reaches `target` rather than stepping
  // over it. `*walked` is a point of that walk at or after `pos`.
  static bool WalkReaches(std::string_view text, std::size_t pos, std::size_t target,
                          std::size_t* walked) {
    // Well-formed text: no step taken in the three bytes before `target` crosses it.
    const unsigned char* s = Bytes(text);
    bool crossed = false;
    for (std::size_t r = std::max(pos, target >= 3 ? target - 3 : 0); r < target; ++r) {
      crossed = crossed || r + WalkStep(s[r]) > target;
    }
    if (!crossed) return true;
    while (*walked < target) *walked += WalkStep(s[*walked]);
    return *walked == target;
  }

  // The same, stepping through every character (used if a label holds no anchor).
  static void DetectLabelledByWalk(std::string_view text, std::vector<Candidate>& found) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      // Step a whole character at a time; only 3-byte characters can start a label.
      const auto lead = static_cast<unsigned char>(text[pos]);
      if (lead < 0x80) {
        pos = SkipAscii(text, pos + 1);
        continue;
      }
      if (lead < 0xE0 || lead >= 0xF0 || !LabelStartsTable().At(text, pos)) {
        pos += WalkStep(lead);
        continue;
      }
      const Label* label = LabelStartsTable().Match(text, pos);
      if (label == nullptr) {
        pos += 3;
        continue;
      }
      const std::size_t label_begin = pos;
      pos += label->text.size();
      TryLabel(text, label_begin, pos, *label, found);
    }
  }

  static void TryLabel(std::string_view text, std::size_t label_begin, std::size_t p,
                       const Label& label, std::vector<Candidate>& found) {
    bool reading = label.reading;
    // A qualifier: 口座名義（カナ）, 氏名(漢字).
    for (std::string_view open : {std::string_view("("), std::string_view("（")}) {
      if (!StartsWithAt(text, p, open)) continue;
      std::string_view rest = WindowAfter(text, p, 10);
      std::size_t close = rest.find(")");
      if (close == kNpos) close = rest.find("）");
      if (close == kNpos) return;
      std::string_view inside = rest.substr(0, close);
      if (ContainsWord(inside, kReadingWords)) reading = true;
      p += close + (rest.substr(close, 1) == ")" ? 1 : 3);
    }
    // Separators; a line break only when the label stands alone at the start of a line.
    const std::size_t line_start = LineStartFrom(text, 0, label_begin);
    const bool label_starts_line = Trim(text.substr(line_start, label_begin - line_start)).empty();
    bool separated = false;
    bool crossed_line = false;
    while (p < text.size()) {
      if (text[p] == ' ' || text[p] == '\t' || text[p] == ':' || text[p] == '\r') {
        ++p;
      } else if (StartsWithAt(text, p, "：") || StartsWithAt(text, p, "】") ||
                 StartsWithAt(text, p, "」")) {
        p += 3;
      } else if (text[p] == '\n' && label_starts_line && !crossed_line) {
        crossed_line = true;
        ++p;
      } else {
        break;
      }
      separated = true;
    }
    NameMatch m;
    if (!ExtractName(text, p, reading, &m)) return;
    if (crossed_line && m.after != LineEnd(text, p) &&
        !IsSpace(text[std::min(m.after, text.size() - 1)])) {
      return;  // the next line is more than a name
    }
    // A listed surname, or (for a weak label: 担当：豊田) one MeCab reads as a name.
    const bool known = CommonSurnameAt(text, m.begin) != 0 ||
                       (label.weak && separated && m.script == Script::kKanji &&
                        AnalysedAsName(text.substr(m.begin, m.end - m.begin)));
    if (m.script == Script::kKanji && !separated && !known) return;  // 氏名変更届
    if (label.weak && m.tokens < 2 && !known) return;
    if (label.weak && m.script != Script::kKanji) return;
    double confidence = kLabelledName;
    if (reading || m.script == Script::kHiragana) {
      confidence = kReading;
    } else if (m.script == Script::kKatakana || m.script == Script::kLatin) {
      confidence = kLabelledForeignName;
    }
    if (reading && m.script == Script::kKanji) return;
    if (m.script == Script::kKanji) {
      confidence =
          LabelledKanjiConfidence(text.substr(m.begin, m.end - m.begin), m.tokens, confidence);
      if (confidence <= 0) return;  // 氏名：水門
    } else if (!reading && KnownAsOtherWords(text.substr(m.begin, m.end - m.begin))) {
      return;  // 名前・リリース・バージョン
    }
    Emit(text, m, confidence, found);
  }

  // Splits a line into cells at `sep` ('\t', ',' or runs of two or more spaces: ' ').
  static void SplitCells(std::string_view text, std::size_t begin, std::size_t end, char sep,
                         std::vector<std::pair<std::size_t, std::size_t>>* cells) {
    cells->clear();
    std::size_t cell = begin;
    std::size_t p = begin;
    while (p < end) {
      if (sep != ' ' && text[p] == sep) {
        cells->emplace_back(cell, p);
        cell = ++p;
      } else if (sep == ' ' && text[p] == ' ' && p + 1 < end && text[p + 1] == ' ') {
        cells->emplace_back(cell, p);
        while (p < end && text[p] == ' ') ++p;
        cell = p;
      } else {
        ++p;
      }
    }
    cells->emplace_back(cell, end);
  }

  // A quick test before splitting a line into cells: every name or reading heading
  // (kNameHeaders, kReadingWords and the endings IsNameHeader accepts) holds one of these.
  // Byte-wise, like FindText: candidates are the pattern's last byte, a rare one.
  static bool MayHoldNameHeader(std::string_view line) {
    return NameHeaderWordEnd(line, 0) != kNpos;
  }

  // The last byte of the first heading word (MayHoldNameHeader's words) that ends at or
  // after `from`, or kNpos. `from` must not be inside a character.
  static std::size_t NameHeaderWordEnd(std::string_view text, std::size_t from) {
    static constexpr std::string_view kWords[] = {"名",   "者",   "主",   "人",   "カナ",
                                                  "ガナ", "かな", "がな", "よみ", "読み"};
    static const std::array<bool, 256> kLastBytes = [] {
      std::array<bool, 256> last{};
      for (std::string_view w : kWords) last[static_cast<unsigned char>(w.back())] = true;
      return last;
    }();
    const unsigned char* s = Bytes(text);
    const std::size_t size = text.size();
    // Whether a word ends at byte i.
    const auto word_ends_at = [&](std::size_t i) {
      for (std::string_view w : kWords) {
        if (i + 1 >= w.size() && BytesAt(text, i + 1 - w.size(), w)) return true;
      }
      return false;
    };
    std::size_t i = SkipAscii(text, from);  // every word is Japanese
#if defined(__SSE2__)
    // Every word ends with 名 者 主 人 ナ な or み: their last two bytes are looked for 16
    // positions at a time (man pages: nearly every line is indented with two spaces, so
    // every line came here, and the byte-by-byte test was a sixth of the time).
    static constexpr unsigned char kEndings[][2] = {
        {0x90, 0x8D}, {0x80, 0x85}, {0xB8, 0xBB}, {0xBA, 0xBA},
        {0x83, 0x8A}, {0x81, 0xAA}, {0x81, 0xBF},
    };
    if (i == 0 && size > 0) i = 1;  // i is a word's last byte: one byte at least before it
    constexpr std::size_t kCount = std::size(kEndings);
    __m128i firsts[kCount], seconds[kCount];  // splat once, not per 16 bytes
    for (std::size_t k = 0; k < kCount; ++k) {
      firsts[k] = Splat(kEndings[k][0]);
      seconds[k] = Splat(kEndings[k][1]);
    }
#if defined(DOCCHECK_NIBBLE_FILTER)
    // With SSSE3, the nibble filter (each ending a bucket) passes over the 16-byte steps
    // where no ending can be; the others are compared exactly below.
    static const PairNibbles kNibbles = [] {
      PairNibbles t{};
      for (std::size_t k = 0; k < kCount; ++k) {
        for (int j = 0; j < 2; ++j) {
          t.low[j][kEndings[k][j] & 15] |= static_cast<unsigned char>(1u << k);
          t.high[j][kEndings[k][j] >> 4] |= static_cast<unsigned char>(1u << k);
        }
      }
      return t;
    }();
    const bool nibbles = HasSsse3();
    const bool wide = nibbles && Avx2Enabled();
#endif
    for (; i + 16 <= size; i += 16) {
#if defined(DOCCHECK_NIBBLE_FILTER)
      if (nibbles) {
        if (wide) i = NextPairBlock32(s, i, size, kNibbles);
        i = NextPairBlock(s, i, size, kNibbles);
        if (i + 16 > size) break;
      }
#endif
      const __m128i prev = Load16(s + i - 1);
      const __m128i last = Load16(s + i);
      __m128i hits = _mm_setzero_si128();
      for (std::size_t k = 0; k < kCount; ++k) {
        hits = _mm_or_si128(
            hits, _mm_and_si128(_mm_cmpeq_epi8(prev, firsts[k]), _mm_cmpeq_epi8(last, seconds[k])));
      }
      for (auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits)); mask != 0;
           mask &= mask - 1) {
        const std::size_t end = i + FirstBit(static_cast<int>(mask));
        if (word_ends_at(end)) return end;
      }
    }
#endif
    for (; i < size; ++i) {
      if (kLastBytes[s[i]] && word_ends_at(i)) return i;
    }
    return kNpos;
  }

  // '\t' if the line holds a tab, else ',' if two commas, else ' ' if two spaces in a row.
  static char SeparatorOf(std::string_view line) {
    const unsigned char* s = Bytes(line);
    const std::size_t size = line.size();
    bool tab = false;
    int commas = 0;
    bool spaces = false;
    std::size_t i = 0;
#if defined(__SSE2__)
    for (; i + 17 <= size; i += 16) {
      const __m128i v = Load16(s + i);
      const __m128i space = Splat(' ');
      tab = tab || _mm_movemask_epi8(_mm_cmpeq_epi8(v, Splat('\t'))) != 0;
      // Only "two or more" matters: no popcount needed.
      const unsigned comma_bits =
          static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, Splat(','))));
      if (comma_bits != 0) commas += (comma_bits & (comma_bits - 1)) != 0 ? 2 : 1;
      spaces =
          spaces || _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(v, space),
                                                    _mm_cmpeq_epi8(Load16(s + i + 1), space))) != 0;
    }
#endif
    for (; i < size; ++i) {
      tab = tab || s[i] == '\t';
      commas += s[i] == ',';
      spaces = spaces || (s[i] == ' ' && i + 1 < size && s[i + 1] == ' ');
    }
    if (tab) return '\t';
    if (commas >= 2) return ',';
    if (spaces) return ' ';
    return 0;
  }

  // Tables whose header line names a column of people.
  static void DetectTables(std::string_view text, bool near_label, std::vector<Candidate>& found) {
    if (text.find('\n') == kNpos) return;
    std::string_view previous_line;
    char table_sep = 0;
    int name_col = -1;
    int reading_col = -1;
    std::vector<std::pair<std::size_t, std::size_t>> cells;
    std::size_t line_begin = 0;
    while (line_begin < text.size()) {
      if (table_sep == 0 && !near_label) {
        // Outside a table and with no label for foreign lines, only a line that holds a
        // heading word and can be split into cells does anything: go straight to the next
        // line with a heading word (in a man page nearly every line has two spaces in a
        // row, so looking for cell separators first stopped at every line).
        const std::size_t word_at = NameHeaderWordEnd(text, line_begin);
        if (word_at == kNpos) break;
        line_begin = LineStartFrom(text, line_begin, word_at);
      }
      std::size_t line_end = LineEnd(text, line_begin);
      std::string_view line = text.substr(line_begin, line_end - line_begin);
      char sep = SeparatorOf(line);
      if (sep == 0) {
        table_sep = 0;
        if (near_label) DetectForeignLine(text, line_begin, line_end, previous_line, found);
      } else if (sep != table_sep && !MayHoldNameHeader(line)) {
        // Neither a header of people (no 名/者/主/人/reading word) nor a row of the
        // current table: skip the cell-by-cell header test.
      } else {
        SplitCells(text, line_begin, line_end, sep, &cells);
        int header_name = -1;
        int header_reading = -1;
        for (std::size_t i = 0; i < cells.size(); ++i) {
          std::string_view cell =
              Trim(text.substr(cells[i].first, cells[i].second - cells[i].first));
          if (header_name < 0 && IsNameHeader(cell)) header_name = static_cast<int>(i);
          if (header_reading < 0 && cell.size() <= 24 && IsReadingHeader(cell)) {
            header_reading = static_cast<int>(i);
          }
        }
        if (header_name >= 0 || header_reading >= 0) {
          table_sep = sep;
          name_col = header_name;
          reading_col = header_reading;
        } else if (sep == table_sep) {
          NameMatch m;
          for (int col : {name_col, reading_col}) {
            if (col < 0 || static_cast<std::size_t>(col) >= cells.size()) continue;
            const bool reading = col == reading_col;
            if (WholeCellName(text, cells[col].first, cells[col].second, reading, &m)) {
              EmitColumnName(text, m, reading, found);
            }
          }
        }
      }
      previous_line = line;
      line_begin = line_end + 1;
    }
  }

  // A line holding only a katakana name of two or three words (ウィルソン ルーカス), in a
  // block that has a name label somewhere: PDF text often puts the label far from its
  // value. Under a reading label it is a reading.
  static void DetectForeignLine(std::string_view text, std::size_t begin, std::size_t end,
                                std::string_view previous_line, std::vector<Candidate>& found) {
    NameMatch m;
    if (ScriptAt(text, begin) != Script::kKatakana) return;
    if (!WholeCellName(text, begin, end, false, &m) || m.script != Script::kKatakana) return;
    const bool reading = ContainsWord(previous_line, kReadingWords);
    if (!reading && KnownAsOtherWords(text.substr(m.begin, m.end - m.begin))) return;
    Emit(text, m, reading ? kReading : kForeignLine, found);
  }

  static bool IsBoundaryBefore(std::string_view text, std::size_t pos) {
    if (pos == 0) return true;
    char c = text[pos - 1];
    if (c == ' ' || c == '\t' || c == '\n' || c == ',' || c == ':' || c == '(' || c == '"') {
      return true;
    }
    if (pos < 3 || (static_cast<unsigned char>(c) & 0xC0) != 0x80) return false;
    // "：" "（" (EF BC 9A, EF BC 88) or "、" "「" "【" (E3 80 81, 8C, 90), byte by byte: five
    // string comparisons here were 2 % of the plain-text run (every space after Japanese
    // is tried with four surname lengths).
    const unsigned char* b = Bytes(text) + pos - 3;
    if (b[0] == 0xEF) return b[1] == 0xBC && (b[2] == 0x9A || b[2] == 0x88);
    return b[0] == 0xE3 && b[1] == 0x80 && (b[2] == 0x81 || b[2] == 0x8C || b[2] == 0x90);
  }

  static bool IsBoundaryAfter(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) return true;
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '(' || c == '"' ||
        c == ')') {
      return true;
    }
    if (HonorificAt(text, pos) != 0) return true;
    std::size_t n = 0;
    char32_t cp = CodePointAt(text, pos, &n);
    return cp == U'、' || cp == U'。' || cp == U'（' || cp == U'）' || cp == U'」';
  }

  static bool IsCompassPoint(std::string_view c) {
    return c == "東" || c == "西" || c == "南" || c == "北";
  }

  // "common surname + space + given name" standing alone in a list or table row.
  static void DetectListed(std::string_view text, bool near_label, std::vector<Candidate>& found) {
    // A listed name is a surname, one space, a given name: start from the spaces (rare in
    // Japanese text) and look back for a surname ending just before each. A surname ends
    // with a continuation byte, so spaces after ASCII (English prose, logs) are skipped.
    std::size_t skip_until = 0;
    for (std::size_t sp = FindSpaceAfterNonAscii(text, 0); sp != kNpos;
         sp = FindSpaceAfterNonAscii(text, sp + 1)) {
      bool emitted = false;
      for (std::size_t bytes = 12; bytes >= 3; bytes -= 3) {  // surnames of 4 kanji at most
        if (sp < bytes) continue;
        const std::size_t pos = sp - bytes;
        if (pos < skip_until) continue;
        const unsigned char lead = static_cast<unsigned char>(text[pos]);
        if (lead < 0xE3 || lead > 0xE9) continue;
        if (!IsBoundaryBefore(text, pos)) continue;
        const std::size_t surname = CommonSurnameAt(text, pos);
        if (surname != bytes) continue;
        std::size_t given = sp + 1;
        if (HonorificAt(text, given) != 0) continue;  // 大野 さん: a surname alone
        Script script = ScriptAt(text, given);
        if (script != Script::kKanji && script != Script::kHiragana) continue;
        int chars = 0;
        std::size_t end = RunEnd(text, given, script, kMaxGivenName, &chars);
        if (end == kNpos) continue;
        if (script == Script::kKanji) end = TrimHonorific(text, given, end);
        if (script == Script::kHiragana && chars < 2) continue;
        // One-kanji surnames need a longer given name: 森 林 and 北 口 are words.
        if (surname == 3 && (chars < 2 || IsCompassPoint(text.substr(pos, 3)))) continue;
        if (!IsBoundaryAfter(text, end)) continue;
        std::string_view token = text.substr(given, end - given);
        if (EqualsWord(token, kTitles) || HasFieldWord(token) ||
            EndsWithWord(token, kNotNameEndings)) {
          continue;
        }
        NameMatch m;
        m.begin = pos;
        m.end = end;
        Emit(text, m, near_label ? kListedNameNearLabel : kListedName, found);
        skip_until = end;
        emitted = true;
        break;
      }
      if (!emitted && sp >= skip_until && NameMorphology::Available()) {
        skip_until = std::max(skip_until, AnalysedListed(text, sp, skip_until, found));
      }
    }
  }

  // "surname + space + given name" whose surname is not on the list (豊田 一郎): both
  // short kanji runs standing alone, read by MeCab as 姓 then 名. Returns the end of the
  // name found, or 0.
  static std::size_t AnalysedListed(std::string_view text, std::size_t sp, std::size_t floor,
                                    std::vector<Candidate>& found) {
    std::size_t begin = sp;
    int chars = 0;
    while (begin >= floor + 3 && chars < 5 && static_cast<unsigned char>(text[begin - 3]) >= 0xE3 &&
           static_cast<unsigned char>(text[begin - 3]) <= 0xE9 &&
           ScriptAt(text, begin - 3) == Script::kKanji) {
      begin -= 3;
      ++chars;
    }
    // One-kanji surnames (梶 美智子) are left to the list: 森 林 and 北 口 are words.
    if (chars < 2 || chars > 4 || !IsBoundaryBefore(text, begin)) return 0;
    const std::size_t given = sp + 1;
    if (ScriptAt(text, given) != Script::kKanji) return 0;
    int given_chars = 0;
    const std::size_t end = RunEnd(text, given, Script::kKanji, 3, &given_chars);
    if (end == kNpos || chars + given_chars < 3 || !IsBoundaryAfter(text, end)) return 0;
    thread_local std::vector<Morpheme> morphemes;
    const std::string_view span = text.substr(begin, end - begin);
    if (!NameMorphology::Analyze(span, &morphemes) || morphemes.size() < 2) return 0;
    bool split_at_space = false;
    for (const Morpheme& m : morphemes) {
      if (!m.IsPerson()) return 0;
      split_at_space = split_at_space || m.begin == given - begin;
    }
    if (!split_at_space || morphemes.front().type != Morpheme::Type::kSurname ||
        morphemes.back().type == Morpheme::Type::kSurname) {
      return 0;
    }
    NameMatch m;
    m.begin = begin;
    m.end = end;
    Emit(text, m, kAnalysedListedName, found);
    return end;
  }

  // Names before an honorific in prose, with or without a space: 山田太郎様, 佐藤花子さん,
  // 豊田 様, 毛利先生. The run of kanji and katakana before the honorific is read by MeCab,
  // and the name is the morphemes just before the honorific that the dictionary knows
  // as names (a surname, a given name, or a place directly before it: 目黒さん).
  static void DetectHonorific(std::string_view text, std::vector<Candidate>& found) {
    struct Honorific {
      std::string_view text;
      unsigned char bytes[3];
    };
    static constexpr Honorific kAfterName[] = {
        {"様", {0xE6, 0xA7, 0x98}},   {"さん", {0xE3, 0x81, 0x95}},   {"氏", {0xE6, 0xB0, 0x8F}},
        {"殿", {0xE6, 0xAE, 0xBF}},   {"君", {0xE5, 0x90, 0x9B}},     {"先生", {0xE5, 0x85, 0x88}},
        {"くん", {0xE3, 0x81, 0x8F}}, {"ちゃん", {0xE3, 0x81, 0xA1}},
    };
    static constexpr std::size_t kCount = std::size(kAfterName);
    static constexpr const unsigned char(*kFirstBytes[kCount])[3] = {
        &kAfterName[0].bytes, &kAfterName[1].bytes, &kAfterName[2].bytes, &kAfterName[3].bytes,
        &kAfterName[4].bytes, &kAfterName[5].bytes, &kAfterName[6].bytes, &kAfterName[7].bytes};
    thread_local std::vector<Morpheme> morphemes;
    thread_local std::array<std::vector<std::size_t>, kCount> starts;  // kept between blocks
    static const ThreeByteNibbles kNibbles = MakeThreeByteNibbles(kFirstBytes, kCount);
    FindEachThreeBytes(text, kFirstBytes, &kNibbles, &starts);
    for (std::size_t hk = 0; hk < kCount; ++hk) {
      const Honorific& h = kAfterName[hk];
      for (const std::size_t at : starts[hk]) {
        if (!BytesAt(text, at, h.text)) continue;
        // 氏名, 様式, 君主: the honorific's character starting another word.
        const std::size_t after = at + h.text.size();
        if (h.text.size() == 3 && ScriptAt(text, after) == Script::kKanji &&
            !BytesAt(text, after, "様")) {
          continue;
        }
        // The kanji/katakana run before, one space allowed inside and one before the
        // honorific; at most 10 characters.
        std::size_t end = at;
        if (end > 0 && text[end - 1] == ' ') --end;
        std::size_t begin = end;
        int chars = 0;
        bool space = false;
        while (begin > 0 && chars < 10) {
          if (text[begin - 1] == ' ' && !space && begin != end) {
            space = true;
            --begin;
            continue;
          }
          std::size_t back = begin - 1;
          while (back > 0 && (static_cast<unsigned char>(text[back]) & 0xC0) == 0x80) --back;
          const Script script = ScriptAt(text, back);
          if (script != Script::kKanji && script != Script::kKatakana) break;
          begin = back;
          ++chars;
        }
        while (begin < end && text[begin] == ' ') ++begin;
        if (chars == 0 || begin >= end) continue;
        // Read without the honorific: MeCab sometimes joins it to the name (康介さ|ん).
        const std::string_view span = text.substr(begin, end - begin);
        if (!NameMorphology::Analyze(span, &morphemes) || morphemes.empty()) continue;
        std::size_t k = morphemes.size();
        if (morphemes.back().end != span.size()) continue;
        // Nouns back from the honorific (at most 4, the run's start at most), then the
        // name is from the first surname (or name) among them to the honorific.
        std::size_t first = k;
        while (first > 0 && k - first < 4 && morphemes[first - 1].type != Morpheme::Type::kSuffix &&
               morphemes[first - 1].type != Morpheme::Type::kOther) {
          --first;
        }
        if (first == k) continue;
        std::size_t name_first = k;
        for (std::size_t j = first; j < k; ++j) {
          if (morphemes[j].IsPerson()) {
            name_first = j;
            break;
          }
        }
        int surnames = 0, given = 0, persons = 0;
        bool unknown_surname = false;
        if (name_first == k) {
          // No name in the dictionary: a place (目黒さん) or an unknown word right before.
          const Morpheme& m = morphemes[k - 1];
          if (!(m.type == Morpheme::Type::kPlace || m.unknown) || m.end - m.begin < 6) continue;
          // A prefecture (大阪さん: the Osaka office) unless also a common surname (千葉).
          if (m.type == Morpheme::Type::kPlace &&
              IsPrefectureStem(span.substr(m.begin, m.end - m.begin))) {
            continue;
          }
          name_first = k - 1;
        } else {
          if (morphemes[name_first].type == Morpheme::Type::kGivenName && name_first > first &&
              first == 0 && morphemes[name_first].begin <= 9) {
            // 小鳥遊大輔: words the dictionary does not know as a surname before a given
            // name, starting the run: an unlisted surname.
            name_first = first;
            unknown_surname = true;
          }
          for (std::size_t j = name_first; j < k; ++j) {
            const Morpheme& m = morphemes[j];
            persons += m.IsPerson();
            surnames += m.type == Morpheme::Type::kSurname;
            given += m.type == Morpheme::Type::kGivenName;
          }
          // 陽|菜 (名 + 一般): pieces of a given name after the surname; but a common noun
          // after a lone given name (花子 会議) is no name.
          if (surnames == 0 && !unknown_surname && persons < static_cast<int>(k - name_first)) {
            continue;
          }
        }
        const std::size_t name_begin = begin + morphemes[name_first].begin;
        const std::size_t name_end = begin + morphemes[k - 1].end;
        const std::string_view name = text.substr(name_begin, name_end - name_begin);
        if (HasFieldWord(name) && persons == 0) continue;
        // One kanji (王様, 森様) is a name only when a common surname.
        if (name.size() == 3 && !IsCommonSurname(name)) continue;
        // After the first name morpheme only one-character pieces (陽|菜): a longer word
        // makes it a company or a place (山田商事様).
        bool long_word = false;
        for (std::size_t j = name_first; j < k; ++j) {
          const Morpheme& m = morphemes[j];
          if (!m.IsPerson() && j > name_first && m.end - m.begin > 3 && !unknown_surname) {
            long_word = true;
          }
        }
        if (long_word) continue;
        double confidence = kHonorificWeakName;
        if ((surnames > 0 || unknown_surname) && k - name_first >= 2) {
          confidence = kHonorificFullName;
        } else if (surnames > 0 || IsCommonSurname(StripSpaces(name))) {
          confidence = kHonorificName;
        }
        NameMatch nm;
        nm.begin = name_begin;
        nm.end = name_end;
        Emit(text, nm, confidence, found);
      }
    }
  }

  // Names in signatures and credits: a kanji name just before an e-mail address in
  // brackets (山田 太郎 <taro@example.jp>, 棚橋誠治 (tana@example.jp)), read by MeCab.
  static void DetectBeforeAddress(std::string_view text, std::vector<Candidate>& found) {
    thread_local std::vector<Morpheme> morphemes;
    for (const char* p = static_cast<const char*>(std::memchr(text.data(), '@', text.size()));
         p != nullptr;
         p = static_cast<const char*>(std::memchr(
             p + 1, '@', text.size() - static_cast<std::size_t>(p + 1 - text.data())))) {
      const std::size_t at = static_cast<std::size_t>(p - text.data());
      // Back over the local part to the opening bracket.
      std::size_t open = at;
      while (open > 0 && at - open < 64 && text[open - 1] != '<' && text[open - 1] != '(' &&
             static_cast<unsigned char>(text[open - 1]) > ' ' &&
             static_cast<unsigned char>(text[open - 1]) < 0x80) {
        --open;
      }
      if (open == 0 || open == at || (text[open - 1] != '<' && text[open - 1] != '(')) continue;
      std::size_t end = open - 1;
      if (end > 0 && text[end - 1] == ' ') --end;
      std::size_t begin = end;
      int chars = 0;
      bool space = false;
      while (begin >= 3 && chars < 9) {
        if (text[begin - 1] == ' ' && !space && begin != end) {
          space = true;
          --begin;
          continue;
        }
        if (ScriptAt(text, begin - 3) != Script::kKanji) break;
        begin -= 3;
        ++chars;
      }
      while (begin < end && text[begin] == ' ') ++begin;
      if (chars < 2 || chars > 8 || !IsBoundaryBefore(text, begin)) continue;
      const std::string_view span = text.substr(begin, end - begin);
      if (!NameMorphology::Analyze(span, &morphemes) || morphemes.empty()) continue;
      std::size_t persons = 0;
      bool nouns_only = true;
      for (const Morpheme& m : morphemes) {
        persons += m.IsPerson() ? 1 : 0;
        nouns_only = nouns_only && m.type != Morpheme::Type::kOther;
      }
      if (persons == 0 || !nouns_only) continue;
      NameMatch nm;
      nm.begin = begin;
      nm.end = end;
      Emit(text, nm, persons == morphemes.size() ? kSignatureName : kSignatureGuess, found);
    }
  }

  // Keeps one candidate where several ways found overlapping names: the most confident.
  static void Merge(std::vector<Candidate>& found, std::vector<Candidate>& out) {
    std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.confidence > b.confidence;
    });
    std::size_t kept = out.size();
    for (Candidate& c : found) {
      if (out.size() > kept && c.begin < out.back().end) {
        if (c.confidence > out.back().confidence) out.back() = std::move(c);
        continue;
      }
      out.push_back(std::move(c));
    }
  }
};

}  // namespace

const Detector& PersonNameDetector() {
  static const PersonNameDetectorImpl detector;
  return detector;
}

}  // namespace doccheck
