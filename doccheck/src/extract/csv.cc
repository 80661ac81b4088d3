// CSV and TSV (RFC 4180 quoting; the delimiter is the one the first line uses most):
// the first row is the header, and every cell below is a block headed by its column's
// name, so a column 氏名 or 個人番号 gives the detectors their context. Cells are
// addressed like a spreadsheet ("H3") and keep their line number.
#include <algorithm>
#include <string>
#include <vector>

#include "extract/text_extractors.h"
#include "text/decode.h"

namespace doccheck {

std::string ColumnName(int column) {
  std::string name;
  for (int c = column + 1; c > 0; c = (c - 1) / 26)
    name.insert(name.begin(), static_cast<char>('A' + (c - 1) % 26));
  return name;
}

namespace {

struct Cell {
  std::string text;                // unquoted, unescaped
  std::vector<std::uint32_t> src;  // offset in the original bytes of each byte of `text`, + end
  std::size_t offset = 0;          // in the decoded text
};

class CsvExtractorImpl final : public Extractor {
 public:
  std::string_view format() const override { return "csv"; }
  void Extract(std::string_view bytes, ExtractSink& sink) const override {
    const Charset charset = DetectCharset(bytes.substr(0, 64 * 1024));
    std::string text;
    std::vector<std::uint32_t> offsets;
    TextDecoder decoder(charset);
    decoder.Decode(bytes, 0, true, &text, &offsets);
    if (decoder.identity()) {
      const std::size_t bom = BomLength(text, Charset::kUtf8);
      text.erase(0, bom);
      offsets.clear();
      for (std::size_t i = 0; i <= text.size(); ++i)
        offsets.push_back(static_cast<std::uint32_t>(i + bom));
    } else {
      offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
    }
    const std::size_t first_eol = text.find('\n');
    const std::string_view first = std::string_view(text).substr(0, first_eol);
    const char delim =
        std::count(first.begin(), first.end(), '\t') > std::count(first.begin(), first.end(), ',')
            ? '\t'
            : ',';

    std::vector<std::string> header;
    std::vector<Cell> row;
    int row_index = 0;
    int line = 1, row_line = 1;
    std::size_t i = 0;
    auto flush_row = [&]() {
      if (row_index == 0) {
        for (const Cell& c : row) header.push_back(c.text);
      }
      for (std::size_t col = 0; col < row.size(); ++col) {
        if (row[col].text.empty()) continue;
        TextBlock block;
        block.text = row[col].text;
        block.source_offsets = row[col].src.data();
        block.where.cell = ColumnName(static_cast<int>(col)) + std::to_string(row_index + 1);
        block.where.line = row_line;
        block.where.offset = offsets[std::min(row[col].offset, offsets.size() - 1)];
        if (row_index > 0 && col < header.size()) block.header = header[col];
        sink.Text(block);
      }
      row.clear();
      ++row_index;
      row_line = line;
    };
    while (i <= text.size()) {
      if ((row_index & 1023) == 0 && sink.budget().Expired()) {
        sink.Error(ErrorCode::kLimit, "time limit reached while reading the CSV");
        return;
      }
      Cell cell;
      cell.offset = i;
      if (i < text.size() && text[i] == '"') {
        ++i;
        while (i < text.size()) {
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              cell.src.push_back(offsets[i]);
              cell.text.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          cell.src.push_back(offsets[i]);
          cell.text.push_back(text[i++]);
        }
      }
      while (i < text.size() && text[i] != delim && text[i] != '\n') {
        if (text[i] != '\r') {
          cell.src.push_back(offsets[i]);
          cell.text.push_back(text[i]);
        }
        ++i;
      }
      cell.src.push_back(offsets[std::min(i, offsets.size() - 1)]);
      row.push_back(std::move(cell));
      if (i >= text.size()) {
        if (!(row.size() == 1 && row[0].text.empty())) flush_row();
        break;
      }
      if (text[i] == '\n') {
        ++line;
        ++i;
        flush_row();
      } else {
        ++i;  // delimiter
      }
    }
  }
};

}  // namespace

const Extractor& CsvExtractor() {
  static const CsvExtractorImpl extractor;
  return extractor;
}

}  // namespace doccheck
