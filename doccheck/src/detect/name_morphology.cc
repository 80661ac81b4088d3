#include "detect/name_morphology.h"

#include <mecab.h>
#include <sys/stat.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace doccheck {
namespace {

// Where Debian and others install the UTF-8 IPA dictionary.
constexpr const char* kDicDirs[] = {
    "/var/lib/mecab/dic/ipadic-utf8",
    "/usr/lib/x86_64-linux-gnu/mecab/dic/ipadic-utf8",
    "/usr/lib/aarch64-linux-gnu/mecab/dic/ipadic-utf8",
    "/usr/lib/mecab/dic/ipadic-utf8",
    "/usr/share/mecab/dic/ipadic",
    "/usr/local/lib/mecab/dic/ipadic",
};

bool HasDictionary(const std::string& dir) {
  struct stat st;
  return stat((dir + "/sys.dic").c_str(), &st) == 0 && stat((dir + "/dicrc").c_str(), &st) == 0;
}

// The shared model, or null. Loaded once, on first use, and never freed: thread-local
// taggers made from it may outlive any static destructor order.
MeCab::Model* SharedModel() {
  static MeCab::Model* model = []() -> MeCab::Model* {
    std::string dir;
    if (const char* env = std::getenv("DOCCHECK_MECAB_DICDIR"); env != nullptr) {
      dir = env;
    } else {
      for (const char* d : kDicDirs) {
        if (HasDictionary(d)) {
          dir = d;
          break;
        }
      }
    }
    if (dir.empty() || !HasDictionary(dir)) return nullptr;
    // No mecabrc: the dictionary's dicrc says all that is needed.
    const std::string args = "-r /dev/null -d " + dir;
    return MeCab::createModel(args.c_str());  // null on failure
  }();
  return model;
}

struct ThreadTagger {
  std::unique_ptr<MeCab::Tagger> tagger;
  std::unique_ptr<MeCab::Lattice> lattice;
};

ThreadTagger* Tagger() {
  MeCab::Model* model = SharedModel();
  if (model == nullptr) return nullptr;
  thread_local ThreadTagger t;
  if (!t.tagger) {
    t.tagger.reset(model->createTagger());
    t.lattice.reset(model->createLattice());
    if (!t.tagger || !t.lattice) {
      t.tagger.reset();
      t.lattice.reset();
      return nullptr;
    }
  }
  return &t;
}

// Field `i` (0-based) of a comma-separated IPAdic feature string.
std::string_view Field(std::string_view feature, int i) {
  std::size_t b = 0;
  for (int k = 0; k < i; ++k) {
    b = feature.find(',', b);
    if (b == std::string_view::npos) return {};
    ++b;
  }
  const std::size_t e = feature.find(',', b);
  return feature.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
}

Morpheme::Type TypeOf(std::string_view feature) {
  using Type = Morpheme::Type;
  if (Field(feature, 0) != "名詞") return Type::kOther;
  const std::string_view f1 = Field(feature, 1);
  if (f1 == "接尾") return Type::kSuffix;
  if (f1 != "固有名詞") return Type::kNoun;
  const std::string_view f2 = Field(feature, 2);
  if (f2 == "人名") {
    const std::string_view f3 = Field(feature, 3);
    if (f3 == "姓") return Type::kSurname;
    if (f3 == "名") return Type::kGivenName;
    return Type::kPersonName;
  }
  if (f2 == "地域") return Type::kPlace;
  if (f2 == "組織") return Type::kOrganisation;
  return Type::kProperNoun;
}

}  // namespace

bool NameMorphology::Available() { return SharedModel() != nullptr; }

bool NameMorphology::Analyze(std::string_view span, std::vector<Morpheme>* out) {
  out->clear();
  ThreadTagger* t = Tagger();
  if (t == nullptr) return false;
  t->lattice->set_sentence(span.data(), span.size());
  if (!t->tagger->parse(t->lattice.get())) return false;
  for (const MeCab::Node* n = t->lattice->bos_node(); n != nullptr; n = n->next) {
    if (n->stat == MECAB_BOS_NODE || n->stat == MECAB_EOS_NODE || n->length == 0) continue;
    Morpheme m;
    m.begin = static_cast<std::size_t>(n->surface - span.data());
    m.end = m.begin + n->length;
    m.type = TypeOf(n->feature);
    m.unknown = n->stat == MECAB_UNK_NODE;
    out->push_back(m);
  }
  return true;
}

}  // namespace doccheck
