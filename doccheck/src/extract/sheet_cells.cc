#include "extract/sheet_cells.h"

#include <utility>

#include "extract/xml_text.h"

namespace doccheck {

SheetCells::SheetCells(ExtractSink& sink, std::string part, std::string sheet)
    : sink_(sink), part_(std::move(part)), sheet_(std::move(sheet)) {}

void SheetCells::StartRow(std::uint64_t row) {
  if (row != row_) {
    Flush();
    row_ = row;
  }
}

void SheetCells::Add(std::uint64_t column, std::uint64_t row, std::string value, bool is_text,
                     std::uint64_t text_id) {
  if (value.empty()) return;
  StartRow(row);
  cells_.push_back(Cell{column, std::move(value), {}, is_text, text_id});
}

void SheetCells::AddShared(std::uint64_t column, std::uint64_t row, std::string_view value,
                           std::uint64_t text_id) {
  if (value.empty()) return;
  StartRow(row);
  cells_.push_back(Cell{column, {}, value, true, text_id});
}

SheetCells::Column* SheetCells::Direct(std::uint64_t column) {
  if (column >= kDirectColumns) return nullptr;
  if (columns_.size() <= column) columns_.resize(static_cast<std::size_t>(column) + 1);
  return &columns_[static_cast<std::size_t>(column)];
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
        if (!c.is_text) continue;
        if (Column* col = Direct(c.column)) {
          col->heading = c.text();
          col->has_heading = true;
        } else {
          headings_[c.column] = c.text();
        }
      }
    }
  }
  TextBlock block;
  block.where.part = part_;
  block.where.sheet = sheet_;
  for (const Cell& c : cells_) {
    std::string_view header;
    if (!heading_row) {
      if (const Column* col = Direct(c.column)) {
        if (col->has_heading) {
          header = col->heading;
        } else if (col->has_first_text) {
          header = col->first_text;
        }
      } else if (auto h = headings_.find(c.column); h != headings_.end()) {
        header = h->second;
      } else if (auto f = first_text_.find(c.column); f != first_text_.end()) {
        header = f->second;
      }
    }
    block.text = c.text();
    block.text_id = c.text_id;
    block.header = header;
    AssignCellRef(c.column, row_, &block.where.cell);
    sink_.Text(block);
  }
  for (Cell& c : cells_) {
    if (!c.is_text || first_texts_ >= 16384) continue;
    if (Column* col = Direct(c.column)) {
      if (!col->has_first_text) {
        col->first_text = c.value.empty() ? std::string(c.shared) : std::move(c.value);
        col->has_first_text = true;
        ++first_texts_;
      }
    } else if (first_text_.find(c.column) == first_text_.end()) {
      first_text_.emplace(c.column, c.value.empty() ? std::string(c.shared) : std::move(c.value));
      ++first_texts_;
    }
  }
  cells_.clear();
}

}  // namespace doccheck
