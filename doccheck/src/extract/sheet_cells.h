// SheetCells: turns the non-empty cells of one spreadsheet sheet, given row by row, into
// TextBlocks carrying the sheet name, the cell reference and the column's heading, which
// the detectors use (a column headed 氏名 makes the cells below it names). Shared by the
// XLSX and ODS extractors.
//
// The heading row is the first row with at least two text cells (a one-cell title row
// above it is not); a column without a cell there takes its first text cell instead. The
// heading cells themselves are emitted too, with an empty header. Not thread-safe.
#ifndef DOCCHECK_SRC_EXTRACT_SHEET_CELLS_H_
#define DOCCHECK_SRC_EXTRACT_SHEET_CELLS_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "extract/extractor.h"

namespace doccheck {

class SheetCells {
 public:
  // `part` is the container part holding the sheet ("xl/worksheets/sheet2.xml").
  SheetCells(ExtractSink& sink, std::string part, std::string sheet);
  ~SheetCells() { Flush(); }
  SheetCells(const SheetCells&) = delete;
  SheetCells& operator=(const SheetCells&) = delete;

  // Adds the cell at 0-based `column`, 1-based `row`. Rows must come in ascending order;
  // `is_text` is false for numbers and dates (they never become headings); `text_id` is
  // passed on as TextBlock::text_id.
  void Add(std::uint64_t column, std::uint64_t row, std::string value, bool is_text,
           std::uint64_t text_id = 0);
  // The same for a text cell whose text outlives the sheet (an XLSX shared string): held
  // as a view, not copied.
  void AddShared(std::uint64_t column, std::uint64_t row, std::string_view value,
                 std::uint64_t text_id);
  // Emits the buffered row, if any.
  void Flush();

 private:
  struct Cell {
    std::uint64_t column;
    std::string value;        // owned text, or empty for
    std::string_view shared;  // text held elsewhere (AddShared)
    bool is_text;
    std::uint64_t text_id;
    std::string_view text() const { return value.empty() ? shared : std::string_view(value); }
  };
  void StartRow(std::uint64_t row);

  ExtractSink& sink_;
  std::string part_;
  std::string sheet_;
  std::uint64_t row_ = 0;
  std::vector<Cell> cells_;
  // The heading of each column: from the heading row, else its first text cell. Held in
  // a vector for the columns a spreadsheet can have (XFD, 16384; looked up for every
  // cell), in maps beyond.
  struct Column {
    std::string heading, first_text;
    bool has_heading = false, has_first_text = false;
  };
  Column* Direct(std::uint64_t column);  // null past kDirectColumns

  static constexpr std::uint64_t kDirectColumns = 16384;
  bool heading_found_ = false;
  std::vector<Column> columns_;
  std::unordered_map<std::uint64_t, std::string> headings_;    // from the heading row
  std::unordered_map<std::uint64_t, std::string> first_text_;  // first text in each column
  std::size_t first_texts_ = 0;                                // held in either
};

}  // namespace doccheck

#endif  // DOCCHECK_SRC_EXTRACT_SHEET_CELLS_H_
