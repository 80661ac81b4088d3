// What a value is labelled as: the words just before it on its line, the heading of its
// table column (spreadsheet header, or the header line of a TSV/CSV block), or a short
// label line just above it (PDF and form layouts put labels on their own line).
#ifndef DOCCHECK_SRC_DETECT_LABELS_H_
#define DOCCHECK_SRC_DETECT_LABELS_H_

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.h"

namespace doccheck {

// The label text before byte `pos` on its line: back to the previous cell or sentence
// boundary ('\t', ',', '、', '。', '）'), at most `max_chars` characters.
std::string_view InlineLabel(std::string_view text, std::size_t pos, int max_chars = 16);

// The tables of one block: runs of consecutive lines with tabs (or with the same number,
// at least two, of commas). Built once per block on first use.
class TableIndex {
 public:
  struct Table {
    std::size_t begin = 0;       // offset of the header line (the table's first line)
    std::size_t end = 0;         // offset just past the table's last line
    std::size_t header_end = 0;  // end of the header line
    char delimiter = '\t';
  };
  // Builds the index of `text` if not built yet; the text must stay the same.
  const Table* Find(std::string_view text, std::size_t pos);

 private:
  bool built_ = false;
  std::vector<Table> tables_;
};

// The heading of the column holding `pos` when its line is a data row of a table whose
// header row is the first line of that table; "" otherwise. `index` may be null (slower).
std::string_view TableColumnHeader(std::string_view text, std::size_t pos, TableIndex* index);

// True when `label` names one of `keywords`.
inline bool LabelHas(std::string_view label, std::initializer_list<std::string_view> keywords) {
  for (std::string_view k : keywords) {
    if (label.find(k) != std::string_view::npos) return true;
  }
  return false;
}

// The pieces that may label the value at `pos`, without copying: the block's header, the
// table column's header, the inline label, and the short label line just above (only
// when nothing labels the value on its own line).
struct LabelParts {
  std::string_view header;
  std::string_view column;
  std::string_view inline_label;
  std::string_view above;

  bool Has(std::initializer_list<std::string_view> keywords) const {
    return LabelHas(header, keywords) || LabelHas(column, keywords) ||
           LabelHas(inline_label, keywords) || LabelHas(above, keywords);
  }
};
LabelParts LabelPartsAt(const ScanText& scan, std::size_t pos);

// Everything that labels the value at `pos`: the block's header, the table column
// header, and the inline label (or the label line above when the value starts its line).
std::string LabelContext(const ScanText& scan, std::size_t pos);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_LABELS_H_
