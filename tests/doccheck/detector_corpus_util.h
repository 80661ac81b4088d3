// Shared helpers for the address and person_name detector tests: reading corpus text
// files as the text layer would hand them to detectors, and the acceptance matching rule
// of shared/corpus/README.md for address and person_name.
#ifndef TESTS_DOCCHECK_DETECTOR_CORPUS_UTIL_H_
#define TESTS_DOCCHECK_DETECTOR_CORPUS_UTIL_H_

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.h"
#include "text/decode.h"
#include "text/normalize.h"

namespace doccheck::testing {

inline std::string ReadCorpusFile(const std::string& name) {
  std::ifstream in(std::string(SENDGUARD_CORPUS_DIR) + "/docs/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The file decoded and normalised like the text layer does it.
inline std::string NormalizedCorpusText(const std::string& name) {
  return NormalizeForDetection(DecodeToUtf8(ReadCorpusFile(name)));
}

inline std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// README rule: one contains the other and the shorter is at least a third of the longer.
inline bool ContainmentMatch(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  return !a.empty() && b.find(a) != std::string_view::npos && CodePoints(a) * 3 >= CodePoints(b);
}

// Expected and neutral ("may") values of one kind for one corpus file.
struct Expectations {
  std::vector<std::string> expect;
  std::vector<std::string> may;
};

inline Expectations ManifestValues(const std::string& file, std::string_view kind) {
  Expectations result;
  Poco::JSON::Parser parser;
  auto root = parser.parse(ReadCorpusFile("manifest.json")).extract<Poco::JSON::Array::Ptr>();
  for (std::size_t i = 0; i < root->size(); ++i) {
    auto entry = root->getObject(static_cast<unsigned>(i));
    if (entry->getValue<std::string>("file") != file) continue;
    for (const char* list : {"expect", "may"}) {
      if (!entry->has(list)) continue;
      auto items = entry->getArray(list);
      for (std::size_t j = 0; j < items->size(); ++j) {
        auto item = items->getObject(static_cast<unsigned>(j));
        if (item->getValue<std::string>("kind") != kind) continue;
        auto value = NfkcWithoutSpaces(item->getValue<std::string>("normalized"));
        (std::string_view(list) == "expect" ? result.expect : result.may).push_back(value);
      }
    }
  }
  return result;
}

// Runs `detector` the way the extractor hands over a CSV: one cell per ScanText, with the
// column heading from the first line.
inline std::vector<Candidate> DetectCsv(const Detector& detector, std::string_view csv) {
  std::vector<Candidate> out;
  std::vector<std::string> header;
  std::istringstream lines{std::string(csv)};
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::istringstream cell_stream(line);
    std::string cell;
    while (std::getline(cell_stream, cell, ',')) cells.push_back(cell);
    if (first) {
      header = cells;
      first = false;
      continue;
    }
    for (std::size_t i = 0; i < cells.size(); ++i) {
      ScanText scan{cells[i], i < header.size() ? std::string_view(header[i]) : ""};
      std::vector<Candidate> found;
      detector.Detect(scan, found);
      out.insert(out.end(), found.begin(), found.end());
    }
  }
  return out;
}

// Checks `detector` against the manifest of corpus text `file` for `kind`: every expected
// value found (containment rule) and nothing outside expect/may.
inline void ExpectMatchesManifest(const Detector& detector, const std::string& file,
                                  const char* kind) {
  const Expectations want = ManifestValues(file, kind);
  const std::string text = NormalizedCorpusText(file);
  std::vector<Candidate> found;
  if (file.ends_with(".csv")) {
    found = DetectCsv(detector, text);
  } else {
    detector.Detect(ScanText{text, ""}, found);
  }
  for (const std::string& expected : want.expect) {
    bool hit = false;
    for (const Candidate& c : found) hit = hit || ContainmentMatch(c.normalized, expected);
    EXPECT_TRUE(hit) << file << ": missing " << expected;
  }
  for (const Candidate& c : found) {
    bool ok = false;
    for (const auto* list : {&want.expect, &want.may}) {
      for (const std::string& v : *list) ok = ok || ContainmentMatch(c.normalized, v);
    }
    EXPECT_TRUE(ok) << file << ": unexpected " << c.normalized;
  }
}

}  // namespace doccheck::testing

#endif  // TESTS_DOCCHECK_DETECTOR_CORPUS_UTIL_H_
