#include "extract/sheet_cells.h"

#include <utility>

#include "extract/xml_text.h"

namespace doccheck {

SheetCells::SheetCells(ExtractSink& sink, std::string part, std::string sheet)
    : sink_(sink), part_(std::move(part)), sheet_(std::move(sheet)) {}

void SheetCells::Add(std::uint64_t column, std::uint64_t row, std::string value, bool is_text) {
  if (value.empty()) return;
  if (row != row_) {
    Flush();
    row_ = row;
  }
  cells_.push_back(Cell{column, std::move(value), is_text});
}

void SheetCells::Flush() {
  if (cells_.empty()) return;
  bool heading_row = false;
  if (!heading_found_) {
    int text_cells = 0;
    for (const Cell& c : cells_) text_cells += c.is_text ? 1 : 0;
    if (text_cells >= 2) {
      heading_found_ = true;
      heading_row = true;
      for (const Cell& c : cells_) {
        if (c.is_text) headings_[c.column] = c.value;
      }
    }
  }
  TextBlock block;
  block.where.part = part_;
  block.where.sheet = sheet_;
  for (const Cell& c : cells_) {
    std::string_view header;
    if (!heading_row) {
      auto h = headings_.find(c.column);
      if (h != headings_.end()) {
        header = h->second;
      } else {
        auto f = first_text_.find(c.column);
        if (f != first_text_.end()) header = f->second;
      }
    }
    block.text = c.value;
    block.header = header;
    block.where.cell = CellRef(c.column, row_);
    sink_.Text(block);
  }
  for (Cell& c : cells_) {
    if (c.is_text && first_text_.find(c.column) == first_text_.end() &&
        first_text_.size() < 16384) {
      first_text_.emplace(c.column, std::move(c.value));
    }
  }
  cells_.clear();
}

}  // namespace doccheck
