// XLSX: one TextBlock per non-empty cell of every worksheet (shared strings, inline
// strings, formula results and numbers), with the sheet name, cell reference and column
// heading; numbers with a date style are written as dates (YYYY/MM/DD). Comments and
// embedded documents follow. Worksheets and the shared strings, the large parts, are read
// by the lean XML scanner (lean_xml.h); a cell naming a shared string the table does not
// have is reported as kCorrupt.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include "extract/container_extractors.h"
#include "extract/package.h"
#include "extract/sheet_cells.h"
#include "extract/xml_text.h"

namespace doccheck {
namespace {

// The shared string table, packed: one buffer and the end offset of each string, so that
// a table of millions of empty <si/> costs 4 bytes each, not a std::string each.
class SharedStrings {
 public:
  void Append(std::string_view text) { data_.append(text); }
  void EndString() { ends_.push_back(static_cast<std::uint32_t>(data_.size())); }
  std::size_t size() const { return ends_.size(); }
  std::string_view operator[](std::size_t i) const {
    const std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(data_).substr(begin, ends_[i] - begin);
  }

 private:
  std::string data_;
  std::vector<std::uint32_t> ends_;
};

// Shared strings (xl/sharedStrings.xml): the text of each <si>, phonetic runs left out.
class SharedStringsHandler : public XmlHandler {
 public:
  explicit SharedStringsHandler(SharedStrings* out) : out_(out) {}
  bool StartElement(std::string_view local, const XmlAttributes&) override {
    if (skip_ > 0 || local == "rPh") {
      ++skip_;
    } else if (local == "t") {
      in_t_ = true;
    }
    return true;
  }
  bool EndElement(std::string_view local) override {
    if (skip_ > 0) {
      --skip_;
    } else if (local == "t") {
      in_t_ = false;
    } else if (local == "si") {
      out_->EndString();
    }
    return true;
  }
  bool Characters(std::string_view text) override {
    // The part is at most Limits::max_file_bytes, so offsets fit in 32 bits.
    if (in_t_ && skip_ == 0) out_->Append(text);
    return true;
  }

 private:
  SharedStrings* out_;
  bool in_t_ = false;
  int skip_ = 0;
};

// True for a number format that shows a date.
bool IsDateFormatCode(std::string_view code) {
  std::string bare;
  bool quoted = false;
  int bracket = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (quoted) {
      quoted = c != '"';
    } else if (c == '"') {
      quoted = true;
    } else if (c == '[') {
      ++bracket;
    } else if (c == ']') {
      bracket = bracket > 0 ? bracket - 1 : 0;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (bracket == 0) {
      bare.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
  }
  if (bare.find("general") != std::string::npos) return false;
  if (bare.find('y') != std::string::npos || bare.find('d') != std::string::npos) return true;
  return bare.find('m') != std::string::npos &&
         (bare.find('g') != std::string::npos || bare.find('e') != std::string::npos) &&
         bare.find("0e") == std::string::npos;
}

bool IsBuiltinDateFormat(int id) {
  return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

// Styles (xl/styles.xml): which cell style indexes show dates.
class StylesHandler : public XmlHandler {
 public:
  explicit StylesHandler(std::vector<bool>* date_styles) : date_styles_(date_styles) {}
  bool StartElement(std::string_view local, const XmlAttributes& a) override {
    if (local == "numFmt") {
      auto id = a.Get("numFmtId");
      auto code = a.Get("formatCode");
      if (id && code) custom_dates_[std::atoi(std::string(*id).c_str())] = IsDateFormatCode(*code);
    } else if (local == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (local == "xf" && in_cell_xfs_) {
      int id = 0;
      if (auto v = a.Get("numFmtId")) id = std::atoi(std::string(*v).c_str());
      auto custom = custom_dates_.find(id);
      date_styles_->push_back(custom != custom_dates_.end() ? custom->second
                                                            : IsBuiltinDateFormat(id));
    }
    return true;
  }
  bool EndElement(std::string_view local) override {
    if (local == "cellXfs") in_cell_xfs_ = false;
    return true;
  }
  bool Characters(std::string_view) override { return true; }

 private:
  std::vector<bool>* date_styles_;
  std::unordered_map<int, bool> custom_dates_;
  bool in_cell_xfs_ = false;
};

struct SheetInfo {
  std::string name;
  std::string id;
  std::string part;
};

// The workbook (xl/workbook.xml): sheet names with their relationship ids, date system.
class WorkbookHandler : public XmlHandler {
 public:
  WorkbookHandler(std::vector<SheetInfo>* sheets, bool* date1904)
      : sheets_(sheets), date1904_(date1904) {}
  bool StartElement(std::string_view local, const XmlAttributes& a) override {
    if (local == "sheet") {
      SheetInfo s;
      if (auto v = a.Get("name")) s.name = *v;
      if (auto v = a.Get("id")) s.id = *v;
      sheets_->push_back(std::move(s));
    } else if (local == "workbookPr") {
      if (auto v = a.Get("date1904")) *date1904_ = *v == "1" || *v == "true";
    }
    return true;
  }
  bool EndElement(std::string_view) override { return true; }
  bool Characters(std::string_view) override { return true; }

 private:
  std::vector<SheetInfo>* sheets_;
  bool* date1904_;
};

// "123456789018" for integral values (also written as 1.23456789018E+11), else as stored.
std::string FormatNumber(std::string_view stored) {
  if (!stored.empty() && stored.size() < 16 &&
      stored.find_first_not_of("0123456789") == std::string_view::npos) {
    return std::string(stored);
  }
  std::string s(stored);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(v)) return s;
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  return s;
}

// A date serial as "YYYY/MM/DD" (1900 or 1904 date system), or "" when out of range.
std::string FormatDateSerial(std::string_view stored, bool date1904) {
  std::string s(stored);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !(v >= 1 && v < 2958466)) return "";
  // Days since 1970-01-01; the 1900 system counts from 1899-12-30 (Lotus' leap-year bug).
  long long days = static_cast<long long>(std::floor(v)) + (date1904 ? 24107 : -25569);
  // Civil-from-days (Howard Hinnant's algorithm).
  days += 719468;
  long long era = (days >= 0 ? days : days - 146096) / 146097;
  long long doe = days - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = yoe + era * 400;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long d = doy - (153 * mp + 2) / 5 + 1;
  long long m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d/%02d/%02d", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d));
  return buf;
}

// strtoul/strtoull of `s` (which they read up to the first byte that cannot continue a
// number): a few plain digits, as sheets write indexes, rows and styles, are read here;
// anything else (signs, spaces, 10+ digits, overflow) goes to strtoull itself.
std::uint64_t ParseUnsigned(std::string_view s, bool* parsed) {
  std::size_t n = 0;
  std::uint64_t v = 0;
  while (n < s.size() && n < 10 && s[n] >= '0' && s[n] <= '9') {
    v = v * 10 + static_cast<std::uint64_t>(s[n] - '0');
    ++n;
  }
  if (n > 0 && n < 10 && (n == s.size() || s[n] < '0' || s[n] > '9')) {
    *parsed = true;
    return v;
  }
  const std::string copy(s);
  char* end = nullptr;
  v = std::strtoull(copy.c_str(), &end, 10);
  *parsed = end != copy.c_str();
  return v;
}

// One worksheet: hands each non-empty cell to SheetCells.
class SheetHandler : public XmlHandler {
 public:
  // Cells that named a shared string the table does not have (hostile or damaged input):
  // how many, and the first one's reference.
  std::uint64_t bad_shared_refs() const { return bad_shared_refs_; }
  const std::string& first_bad_ref() const { return first_bad_ref_; }

  SheetHandler(SheetCells* cells, const SharedStrings& shared, const std::vector<bool>& date_styles,
               bool date1904)
      : cells_(cells), shared_(shared), date_styles_(date_styles), date1904_(date1904) {}

  bool StartElement(std::string_view local, const XmlAttributes& a) override {
    if (local == "row") {
      std::uint64_t r = row_ + 1;
      if (auto v = a.Get("r")) {
        bool ok = false;
        std::uint64_t parsed = ParseUnsigned(*v, &ok);
        if (parsed > 0) r = parsed;
      }
      row_ = r;
      column_ = static_cast<std::uint64_t>(-1);
    } else if (local == "c") {
      in_cell_ = true;
      value_.clear();
      inline_text_.clear();
      type_ = Type::kNumber;
      style_ = 0;
      std::uint64_t col = column_ + 1, row = row_;
      if (auto v = a.Get("r")) {
        std::uint64_t pc, pr;
        if (ParseCellRef(*v, &pc, &pr)) col = pc, row = pr;
      }
      column_ = col;
      if (row != row_) row_ = row;
      if (auto v = a.Get("t")) type_ = TypeOf(*v);
      if (auto v = a.Get("s")) {
        bool ok = false;
        style_ = static_cast<std::size_t>(ParseUnsigned(*v, &ok));
      }
    } else if (in_cell_ && local == "v") {
      in_v_ = true;
    } else if (in_cell_ && local == "rPh") {
      ++skip_;
    } else if (in_cell_ && local == "t" && skip_ == 0) {
      in_t_ = true;
    }
    return true;
  }
  bool EndElement(std::string_view local) override {
    if (local == "v") {
      in_v_ = false;
    } else if (local == "rPh" && skip_ > 0) {
      --skip_;
    } else if (local == "t") {
      in_t_ = false;
    } else if (local == "c" && in_cell_) {
      in_cell_ = false;
      EndCell();
    }
    return true;
  }
  bool Characters(std::string_view text) override {
    if (in_v_) {
      if (value_.size() < (1u << 20)) value_.append(text);
    } else if (in_t_ && skip_ == 0) {
      inline_text_.append(text);
    }
    return true;
  }

 private:
  void EndCell() {
    std::string text;
    bool is_text = true;
    if (type_ == Type::kShared) {
      bool parsed = false;
      const std::uint64_t index = ParseUnsigned(value_, &parsed);
      if (parsed && index < shared_.size()) {
        // The table outlives the sheet: the cell is a view of it, not a copy.
        cells_->AddShared(column_, row_, shared_[index], index + 1);
        return;
      } else if (bad_shared_refs_++ == 0) {
        first_bad_ref_ = CellRef(column_, row_);
      }
    } else if (type_ == Type::kDate) {
      text = value_;  // an ISO 8601 date written as text
    } else if (type_ == Type::kInline) {
      text = std::move(inline_text_);
    } else if (type_ == Type::kFormula) {
      text = value_;
    } else if (type_ == Type::kNumber && !value_.empty()) {
      is_text = false;
      if (style_ < date_styles_.size() && date_styles_[style_]) {
        text = FormatDateSerial(value_, date1904_);
      }
      if (text.empty()) text = FormatNumber(value_);
    }
    cells_->Add(column_, row_, std::move(text), is_text);
  }

  SheetCells* cells_;
  const SharedStrings& shared_;
  std::uint64_t bad_shared_refs_ = 0;  // cells whose shared string does not exist
  std::string first_bad_ref_;
  const std::vector<bool>& date_styles_;
  bool date1904_;
  std::uint64_t row_ = 0;
  std::uint64_t column_ = static_cast<std::uint64_t>(-1);
  bool in_cell_ = false, in_v_ = false, in_t_ = false;
  int skip_ = 0;
  // The cell's t attribute: s, d, inlineStr, str, n (the default); others (b, e) hold no
  // text to check.
  enum class Type { kShared, kDate, kInline, kFormula, kNumber, kOther };
  static Type TypeOf(std::string_view t) {
    if (t == "s") return Type::kShared;
    if (t == "d") return Type::kDate;
    if (t == "inlineStr") return Type::kInline;
    if (t == "str") return Type::kFormula;
    if (t == "n") return Type::kNumber;
    return Type::kOther;
  }
  Type type_ = Type::kNumber;
  std::size_t style_ = 0;
  std::string value_, inline_text_;
};

class Xlsx : public Extractor {
 public:
  std::string_view format() const override { return "xlsx"; }
  void Extract(std::string_view bytes, ExtractSink& sink) const override;
};

void Xlsx::Extract(std::string_view bytes, ExtractSink& sink) const {
  Package package(bytes, "xlsx", sink);
  if (!package.ok()) return;
  std::string workbook = "xl/workbook.xml";
  for (const Relationship& r : package.Relationships("")) {
    if (EndsWith(r.type, "/officeDocument") && !r.external) workbook = r.target;
  }
  std::vector<SheetInfo> sheets;
  bool date1904 = false;
  WorkbookHandler workbook_handler(&sheets, &date1904);
  if (!package.Parse(workbook, workbook_handler) && package.zip().Find(workbook) == nullptr &&
      !package.zip().damaged()) {
    sink.Error(ErrorCode::kCorrupt, "xlsx has no workbook part " + workbook);
  }
  std::string shared_part = "xl/sharedStrings.xml", styles_part = "xl/styles.xml";
  std::unordered_map<std::string, std::string> targets;
  for (const Relationship& r : package.Relationships(workbook)) {
    if (r.external) continue;
    targets[r.id] = r.target;
    if (EndsWith(r.type, "/sharedStrings")) shared_part = r.target;
    if (EndsWith(r.type, "/styles")) styles_part = r.target;
  }
  SharedStrings shared;
  SharedStringsHandler shared_handler(&shared);
  package.ParseLean(shared_part, shared_handler);
  std::vector<bool> date_styles;
  StylesHandler styles_handler(&date_styles);
  package.Parse(styles_part, styles_handler);

  for (SheetInfo& s : sheets) {
    auto t = targets.find(s.id);
    if (t != targets.end()) s.part = t->second;
  }
  if (sheets.empty()) {
    // No usable workbook: read the worksheets found in the archive, named by number.
    for (const ZipEntry& e : package.zip().entries()) {
      if (StartsWith(e.name, "xl/worksheets/") && EndsWith(e.name, ".xml") &&
          e.name.find('/', 14) == std::string::npos) {
        sheets.push_back(SheetInfo{"Sheet" + std::to_string(PartNumber(e.name)), "", e.name});
      }
    }
  }
  for (const SheetInfo& s : sheets) {
    if (package.stopped()) return;
    if (s.part.empty()) continue;  // chartsheets and dialog sheets have no cells
    SheetCells cells(sink, s.part, s.name);
    SheetHandler handler(&cells, shared, date_styles, date1904);
    package.ParseLean(s.part, handler);
    cells.Flush();
    if (handler.bad_shared_refs() > 0) {
      sink.Error(ErrorCode::kCorrupt,
                 s.part + ": " + std::to_string(handler.bad_shared_refs()) +
                     " cell(s) refer to a shared string that does not exist (first: " +
                     handler.first_bad_ref() + "); their text could not be checked");
    }
  }
  for (const ZipEntry& e : package.zip().entries()) {
    if (package.stopped()) return;
    if (StartsWith(e.name, "xl/comments") && EndsWith(e.name, ".xml")) {
      DocumentTextHandler handler(DocumentTextHandler::Dialect::kOoxml);
      package.Parse(e.name, handler);
      std::string text = handler.TakeText();
      if (!text.empty()) {
        Location where;
        where.part = e.name;
        sink.Text(TextBlock{text, false, where, ""});
      }
    }
  }
  EmbedOfficeObjects(package, "xl/embeddings/");
}

}  // namespace

const Extractor& XlsxExtractor() {
  static const Xlsx kExtractor;
  return kExtractor;
}

}  // namespace doccheck
