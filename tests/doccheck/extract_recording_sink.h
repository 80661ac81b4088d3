// RecordingSink: an ExtractSink for extractor tests that keeps everything it is given
// (text blocks with their locations, embedded children, errors) and owns a real Budget.
#ifndef TESTS_DOCCHECK_EXTRACT_RECORDING_SINK_H_
#define TESTS_DOCCHECK_EXTRACT_RECORDING_SINK_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "extract/extractor.h"

namespace doccheck {

struct RecordedBlock {
  std::string text;
  bool raw = false;
  Location where;
  std::string header;
  std::uint64_t text_id = 0;
};

struct RecordedChild {
  std::string name;
  std::string bytes;
};

class RecordingSink : public ExtractSink {
 public:
  explicit RecordingSink(Limits limits = {}, int depth = 0) : budget_(limits), depth_(depth) {}

  void Text(const TextBlock& block) override {
    blocks.push_back({std::string(block.text), block.raw, block.where, std::string(block.header),
                      block.text_id});
  }
  void Embedded(std::string_view name, std::string_view bytes) override {
    children.push_back({std::string(name), std::string(bytes)});
  }
  void Error(ErrorCode code, std::string message) override {
    errors.push_back(FileError{code, std::move(message)});
  }
  Budget& budget() override { return budget_; }
  int depth() const override { return depth_; }

  // All block texts joined with "\n---\n" (for golden comparisons).
  std::string AllText() const {
    std::string out;
    for (const RecordedBlock& b : blocks) {
      if (!out.empty()) out += "\n---\n";
      out += b.text;
    }
    return out;
  }
  bool HasError(ErrorCode code) const {
    for (const FileError& e : errors) {
      if (e.code == code) return true;
    }
    return false;
  }
  // The block of the spreadsheet cell `sheet`!`cell`, or nullptr.
  const RecordedBlock* Cell(std::string_view sheet, std::string_view cell) const {
    for (const RecordedBlock& b : blocks) {
      if (b.where.sheet == sheet && b.where.cell == cell) return &b;
    }
    return nullptr;
  }

  std::vector<RecordedBlock> blocks;
  std::vector<RecordedChild> children;
  std::vector<FileError> errors;

 private:
  Budget budget_;
  int depth_;
};

// Everything a sink recorded, in a stable text form for golden files: one "## block"
// line with the location before each block's text, then children and errors.
inline std::string FormatRecording(const RecordingSink& sink) {
  std::string out;
  for (const RecordedBlock& b : sink.blocks) {
    out += "## block part=" + b.where.part;
    if (!b.where.sheet.empty()) out += " sheet=" + b.where.sheet;
    if (!b.where.cell.empty()) out += " cell=" + b.where.cell;
    if (b.where.page) out += " page=" + std::to_string(*b.where.page);
    if (!b.header.empty()) out += " header=" + b.header;
    if (b.raw) out += " raw";
    out += "\n" + b.text + "\n";
  }
  for (const RecordedChild& c : sink.children) {
    out += "## child " + c.name + " (" + std::to_string(c.bytes.size()) + " bytes)\n";
  }
  for (const FileError& e : sink.errors) {
    out += "## error " + std::string(ErrorCodeName(e.code)) + ": " + e.message + "\n";
  }
  return out;
}

inline std::string ReadTestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string CorpusFile(const std::string& name) {
  return ReadTestFile(std::string(SENDGUARD_CORPUS_DIR) + "/docs/" + name);
}

inline std::string ExtractData(const std::string& name) {
  return ReadTestFile(std::string(SENDGUARD_TEST_DATA_DIR) + "/extract/" + name);
}

// Compares `actual` with tests/data/extract/golden/`name`; with SENDGUARD_UPDATE_GOLDEN=1
// in the environment, (re)writes the golden file instead.
inline void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(SENDGUARD_TEST_DATA_DIR) + "/extract/golden/" + name;
  if (const char* update = std::getenv("SENDGUARD_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(ReadTestFile(path), actual)
      << "golden file " << path << " (SENDGUARD_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace doccheck

#endif  // TESTS_DOCCHECK_EXTRACT_RECORDING_SINK_H_
