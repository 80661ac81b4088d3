// NameMorphology: what MeCab with the IPA dictionary says about a short span of Japanese
// text, for the person-name detector: which morphemes are surnames (名詞,固有名詞,人名,姓),
// given names (人名,名), other proper nouns, common nouns, honorific suffixes.
//
// The MeCab model is loaded on first use (idle processes do not pay for the dictionary)
// and shared; each thread gets its own tagger and lattice, which is MeCab's documented
// thread-safe pattern. Without the dictionary (or with DOCCHECK_MECAB_DICDIR naming a
// directory that holds none) Available() is false and the detector keeps its own rules.
#ifndef DOCCHECK_SRC_DETECT_NAME_MORPHOLOGY_H_
#define DOCCHECK_SRC_DETECT_NAME_MORPHOLOGY_H_

#include <cstddef>
#include <string_view>
#include <vector>

namespace doccheck {

struct Morpheme {
  enum class Type {
    kSurname,       // 名詞,固有名詞,人名,姓
    kGivenName,     // 名詞,固有名詞,人名,名
    kPersonName,    // 名詞,固有名詞,人名,一般
    kPlace,         // 名詞,固有名詞,地域
    kOrganisation,  // 名詞,固有名詞,組織
    kProperNoun,    // 名詞,固有名詞,一般
    kNoun,          // any other noun (一般, サ変接続, 代名詞, 副詞可能, ...)
    kSuffix,        // 名詞,接尾 (様, さん, 課, 市, ...)
    kOther,         // particles, verbs, symbols, ...
  };
  std::size_t begin = 0;  // byte offsets in the analysed span, [begin, end)
  std::size_t end = 0;
  Type type = Type::kOther;
  bool unknown = false;  // not in the dictionary (MeCab guessed its part of speech)

  bool IsPerson() const {
    return type == Type::kSurname || type == Type::kGivenName || type == Type::kPersonName;
  }
};

class NameMorphology {
 public:
  // True when the dictionary could be loaded (loads it on the first call).
  static bool Available();
  // Morphemes of `span` (UTF-8), in order; white space is not a morpheme. False when
  // MeCab is unavailable or fails.
  static bool Analyze(std::string_view span, std::vector<Morpheme>* out);
};

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_NAME_MORPHOLOGY_H_
