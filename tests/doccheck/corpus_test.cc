// Acceptance over shared/corpus/docs: for every document of the manifest, every expected
// finding is reported, nothing in must_not (or outside expect/may) is, and the class and
// error codes match. Matching follows shared/corpus/README.md: exact `normalized` for
// numbers, mail, dates and labels; containment (shorter ≥ 1/3 of longer, after NFKC and
// removing spaces) for addresses and names.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "doccheck/checker.h"
#include "text/normalize.h"

namespace doccheck {
namespace {

const std::string kDocs = std::string(SENDGUARD_CORPUS_DIR) + "/docs";

struct Expected {
  std::string kind;
  std::string normalized;
};

std::vector<Expected> Items(const Poco::JSON::Object::Ptr& entry, const std::string& key) {
  std::vector<Expected> out;
  if (!entry->has(key)) return out;
  auto arr = entry->getArray(key);
  for (std::size_t i = 0; i < arr->size(); ++i) {
    auto o = arr->getObject(static_cast<unsigned>(i));
    out.push_back({o->getValue<std::string>("kind"), o->getValue<std::string>("normalized")});
  }
  return out;
}

bool Matches(const std::string& kind, const std::string& want, const std::string& got) {
  if (kind == "address" || kind == "person_name") {
    const std::string a = NfkcWithoutSpaces(want), b = NfkcWithoutSpaces(got);
    const std::string& shorter = a.size() <= b.size() ? a : b;
    const std::string& longer = a.size() <= b.size() ? b : a;
    return !shorter.empty() && longer.find(shorter) != std::string::npos &&
           shorter.size() * 3 >= longer.size();
  }
  return want == got;
}

void Collect(const FileReport& r, std::vector<const Finding*>* findings,
             std::vector<std::string>* errors) {
  for (const Finding& f : r.findings) findings->push_back(&f);
  for (const FileError& e : r.errors) errors->push_back(std::string(ErrorCodeName(e.code)));
  for (const FileReport& c : r.children) Collect(c, findings, errors);
}

class CorpusTest : public ::testing::TestWithParam<int> {
 protected:
  static Poco::JSON::Array::Ptr Manifest() {
    static Poco::JSON::Array::Ptr manifest = [] {
      std::ifstream in(kDocs + "/manifest.json");
      std::stringstream ss;
      ss << in.rdbuf();
      Poco::JSON::Parser parser;
      return parser.parse(ss.str()).extract<Poco::JSON::Array::Ptr>();
    }();
    return manifest;
  }
};

TEST_P(CorpusTest, MatchesManifest) {
  ASSERT_TRUE(std::filesystem::exists(kDocs + "/manifest.json"))
      << "the shared corpus is missing: " << kDocs;
  auto manifest = Manifest();
  ASSERT_LT(static_cast<std::size_t>(GetParam()), manifest->size());
  auto entry = manifest->getObject(GetParam());
  const std::string file = entry->getValue<std::string>("file");
  SCOPED_TRACE(file);

  Options options;
  options.reveal = true;
  const Checker checker(options);
  const FileReport report = checker.CheckFile(kDocs + "/" + file, file);
  std::vector<const Finding*> found;
  std::vector<std::string> errors;
  Collect(report, &found, &errors);

  std::vector<bool> used(found.size(), false);
  for (const Expected& e : Items(entry, "expect")) {
    bool hit = false;
    for (std::size_t i = 0; i < found.size() && !hit; ++i) {
      if (!used[i] && std::string(KindName(found[i]->kind)) == e.kind &&
          Matches(e.kind, e.normalized, found[i]->normalized)) {
        used[i] = hit = true;
      }
    }
    EXPECT_TRUE(hit) << "missing " << e.kind << " " << e.normalized;
  }
  std::vector<Expected> allowed = Items(entry, "expect");
  for (const Expected& m : Items(entry, "may")) allowed.push_back(m);
  const std::vector<Expected> must_not = Items(entry, "must_not");
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (used[i]) continue;
    const std::string kind(KindName(found[i]->kind));
    for (const Expected& m : must_not) {
      EXPECT_FALSE(m.kind == kind && Matches(kind, m.normalized, found[i]->normalized))
          << "must_not " << kind << " " << found[i]->normalized;
    }
    bool ok = false;
    for (const Expected& a : allowed)
      ok = ok || (a.kind == kind && Matches(kind, a.normalized, found[i]->normalized));
    EXPECT_TRUE(ok) << "unexpected " << kind << " " << found[i]->normalized;
  }

  if (!entry->isNull("class")) {
    std::vector<int> classes;
    if (entry->has("class_in")) {
      auto arr = entry->getArray("class_in");
      for (std::size_t i = 0; i < arr->size(); ++i)
        classes.push_back(arr->getElement<int>(static_cast<unsigned>(i)));
    } else {
      classes.push_back(entry->getValue<int>("class"));
    }
    EXPECT_NE(std::find(classes.begin(), classes.end(), report.klass), classes.end())
        << "class " << report.klass;
  }
  std::vector<std::string> want_errors;
  if (entry->has("error_in")) {
    auto arr = entry->getArray("error_in");
    for (std::size_t i = 0; i < arr->size(); ++i)
      want_errors.push_back(arr->getElement<std::string>(static_cast<unsigned>(i)));
  } else if (!entry->isNull("error")) {
    want_errors.push_back(entry->getValue<std::string>("error"));
  }
  if (want_errors.empty()) {
    EXPECT_TRUE(errors.empty()) << "unexpected error " << (errors.empty() ? "" : errors[0]);
  } else {
    bool any = false;
    for (const std::string& e : errors)
      any = any || std::find(want_errors.begin(), want_errors.end(), e) != want_errors.end();
    EXPECT_TRUE(any) << "expected error " << want_errors[0];
  }
  const int exit_code = report.HasErrors() ? 2 : (report.HasFindings() ? 1 : 0);
  EXPECT_EQ(exit_code, entry->getValue<int>("exit"));
}

constexpr int kManifestEntries = 23;

TEST(CorpusManifestTest, EveryEntryHasATest) {
  std::ifstream in(kDocs + "/manifest.json");
  std::stringstream ss;
  ss << in.rdbuf();
  Poco::JSON::Parser parser;
  EXPECT_EQ(parser.parse(ss.str()).extract<Poco::JSON::Array::Ptr>()->size(),
            static_cast<std::size_t>(kManifestEntries))
      << "the corpus changed: update kManifestEntries";
}

INSTANTIATE_TEST_SUITE_P(Docs, CorpusTest, ::testing::Range(0, kManifestEntries),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return "entry" + std::to_string(info.param);
                         });

}  // namespace
}  // namespace doccheck
