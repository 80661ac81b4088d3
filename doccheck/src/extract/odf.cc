// OpenDocument: ODT (content.xml as one block, headers and footers from styles.xml),
// ODS (one block per non-empty cell with sheet, cell reference and column heading,
// honouring repeated rows and columns) and ODP (one block per draw:page, notes included).
// Password-protected documents (encryption data in META-INF/manifest.xml) are kEncrypted.
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "extract/container_extractors.h"
#include "extract/package.h"
#include "extract/sheet_cells.h"
#include "extract/xml_text.h"

namespace doccheck {
namespace {

// Repeated rows/columns that hold text are written out at most kMaxRepeat times each and
// kMaxRepeatedCells times in all (a hostile file could otherwise ask for 2^24 x 2^24
// copies); empty ones (a sheet's trailing 1,048,576 rows) only move the position on.
constexpr std::uint64_t kMaxRepeat = 100;
constexpr std::uint64_t kMaxRepeatedCells = 1000000;

std::uint64_t RepeatCount(const XmlAttributes& a, std::string_view name) {
  auto v = a.Get(name);
  if (!v) return 1;
  std::uint64_t n = std::strtoull(std::string(*v).c_str(), nullptr, 10);
  return std::clamp<std::uint64_t>(n, 1, 1u << 24);
}

// Forwards the events inside <office:master-styles> (headers and footers) to `inner`.
class MasterStylesFilter : public XmlHandler {
 public:
  explicit MasterStylesFilter(XmlHandler& inner) : inner_(inner) {}
  bool StartElement(std::string_view local, const XmlAttributes& a) override {
    if (depth_ > 0) {
      ++depth_;
      return inner_.StartElement(local, a);
    }
    if (local == "master-styles") depth_ = 1;
    return true;
  }
  bool EndElement(std::string_view local) override {
    if (depth_ == 0) return true;
    if (--depth_ == 0) return true;
    return inner_.EndElement(local);
  }
  bool Characters(std::string_view text) override {
    return depth_ > 0 ? inner_.Characters(text) : true;
  }

 private:
  XmlHandler& inner_;
  int depth_ = 0;
};

// ODP: one block per <draw:page>.
class PagesHandler : public XmlHandler {
 public:
  explicit PagesHandler(ExtractSink& sink) : sink_(sink) {}
  bool StartElement(std::string_view local, const XmlAttributes& a) override {
    if (depth_ == 0 && local == "page") {
      depth_ = 1;
      ++page_;
      return true;
    }
    if (depth_ > 0) ++depth_;
    return text_.StartElement(local, a);
  }
  bool EndElement(std::string_view local) override {
    if (depth_ > 0 && --depth_ == 0) {
      std::string text = text_.TakeText();
      if (!text.empty()) {
        Location where;
        where.part = "content.xml";
        where.page = page_;
        sink_.Text(TextBlock{text, false, where, ""});
      }
      return true;
    }
    return text_.EndElement(local);
  }
  bool Characters(std::string_view text) override { return text_.Characters(text); }

 private:
  ExtractSink& sink_;
  DocumentTextHandler text_{DocumentTextHandler::Dialect::kOdf};
  int depth_ = 0;
  int page_ = 0;
};

// ODS: the cells of every <table:table>, with positions from the repeat attributes.
class SpreadsheetHandler : public XmlHandler {
 public:
  explicit SpreadsheetHandler(ExtractSink& sink) : sink_(sink) {}

  bool StartElement(std::string_view local, const XmlAttributes& a) override {
    if (cell_depth_ > 0) {
      ++cell_depth_;
      return cell_text_.StartElement(local, a);
    }
    if (local == "table" && table_depth_ == 0) {
      table_depth_ = 1;
      std::string name;
      if (auto v = a.Get("name")) name = *v;
      ++tables_;
      if (name.empty()) name = "Sheet" + std::to_string(tables_);
      cells_.emplace(sink_, "content.xml", std::move(name));
      row_ = 0;
    } else if (table_depth_ > 0) {
      ++table_depth_;
      if (local == "table-row") {
        rows_repeated_ = RepeatCount(a, "number-rows-repeated");
        column_ = 0;
        row_cells_.clear();
      } else if (local == "table-cell" || local == "covered-table-cell") {
        columns_repeated_ = RepeatCount(a, "number-columns-repeated");
        value_type_.clear();
        value_.clear();
        if (auto v = a.Get("value-type")) value_type_ = *v;
        if (auto v = a.Get("date-value"))
          value_ = *v;
        else if (auto v = a.Get("value"))
          value_ = *v;
        cell_depth_ = 1;
      }
    }
    return true;
  }

  bool EndElement(std::string_view local) override {
    if (cell_depth_ > 0) {
      if (--cell_depth_ > 0) return cell_text_.EndElement(local);
      --table_depth_;  // the cell element itself
      EndCell();
      return true;
    }
    if (table_depth_ == 0) return true;
    if (--table_depth_ == 0) {
      cells_.reset();
      return true;
    }
    if (local == "table-row") EndRow();
    return true;
  }

  bool Characters(std::string_view text) override {
    return cell_depth_ > 0 ? cell_text_.Characters(text) : true;
  }

 private:
  struct RowCell {
    std::uint64_t column;
    std::string value;
    bool is_text;
  };

  void EndCell() {
    std::string text = cell_text_.TakeText();
    if (text.empty()) text = value_;
    if (!text.empty()) {
      bool is_text = value_type_.empty() || value_type_ == "string";
      std::uint64_t n = Repeats(columns_repeated_);
      for (std::uint64_t i = 0; i < n; ++i) row_cells_.push_back({column_ + i, text, is_text});
    }
    column_ += columns_repeated_;
  }

  void EndRow() {
    if (!row_cells_.empty() && cells_) {
      std::uint64_t n = 1;
      if (rows_repeated_ > 1) {
        n = std::min(rows_repeated_, kMaxRepeat);
        std::uint64_t copies = (n - 1) * row_cells_.size();
        if (copies > repeated_budget_) n = 1 + repeated_budget_ / row_cells_.size();
        repeated_budget_ -= (n - 1) * row_cells_.size();
      }
      for (std::uint64_t r = 0; r < n; ++r) {
        for (const RowCell& c : row_cells_) cells_->Add(c.column, row_ + r + 1, c.value, c.is_text);
      }
    }
    row_ += rows_repeated_;
    row_cells_.clear();
  }

  // How many copies of a repeated cell to write out: 1 + what the budget allows.
  std::uint64_t Repeats(std::uint64_t requested) {
    std::uint64_t extra = std::min({requested, kMaxRepeat, repeated_budget_ + 1}) - 1;
    repeated_budget_ -= extra;
    return extra + 1;
  }

  ExtractSink& sink_;
  std::uint64_t repeated_budget_ = kMaxRepeatedCells;
  std::optional<SheetCells> cells_;
  DocumentTextHandler cell_text_{DocumentTextHandler::Dialect::kOdf};
  int table_depth_ = 0;
  int cell_depth_ = 0;
  int tables_ = 0;
  std::uint64_t row_ = 0;
  std::uint64_t column_ = 0;
  std::uint64_t rows_repeated_ = 1;
  std::uint64_t columns_repeated_ = 1;
  std::string value_type_;
  std::string value_;
  std::vector<RowCell> row_cells_;
};

enum class OdfKind { kText, kSpreadsheet, kPresentation };

void EmitWhole(ExtractSink& sink, std::string_view part, DocumentTextHandler& handler) {
  std::string text = handler.TakeText();
  if (text.empty()) return;
  Location where;
  where.part = std::string(part);
  sink.Text(TextBlock{text, false, where, ""});
}

class Odf : public Extractor {
 public:
  Odf(std::string_view format, OdfKind kind) : format_(format), kind_(kind) {}
  std::string_view format() const override { return format_; }
  void Extract(std::string_view bytes, ExtractSink& sink) const override;

 private:
  std::string_view format_;
  OdfKind kind_;
};

void Odf::Extract(std::string_view bytes, ExtractSink& sink) const {
  Package package(bytes, format_, sink);
  if (!package.ok()) return;
  std::string manifest;
  if (package.Read("META-INF/manifest.xml", &manifest) &&
      manifest.find("encryption-data") != std::string::npos) {
    sink.Error(ErrorCode::kEncrypted, std::string(format_) + " document is password-protected");
    return;
  }
  if (package.stopped()) return;
  if (package.zip().Find("content.xml") == nullptr) {
    if (!package.zip().damaged()) {
      sink.Error(ErrorCode::kCorrupt, std::string(format_) + " has no content.xml");
    }
    return;
  }
  switch (kind_) {
    case OdfKind::kText: {
      DocumentTextHandler handler(DocumentTextHandler::Dialect::kOdf);
      package.Parse("content.xml", handler);
      EmitWhole(sink, "content.xml", handler);
      break;
    }
    case OdfKind::kSpreadsheet: {
      SpreadsheetHandler handler(sink);
      package.Parse("content.xml", handler);
      break;
    }
    case OdfKind::kPresentation: {
      PagesHandler handler(sink);
      package.Parse("content.xml", handler);
      break;
    }
  }
  if (package.stopped()) return;
  // Headers and footers live in the master pages. (A presentation's master pages hold
  // only placeholders.)
  if (kind_ != OdfKind::kPresentation) {
    DocumentTextHandler styles_text(DocumentTextHandler::Dialect::kOdf);
    MasterStylesFilter filter(styles_text);
    package.Parse("styles.xml", filter);
    EmitWhole(sink, "styles.xml", styles_text);
  }
  // Embedded objects ("Object 1/content.xml") are documents of their own kind; the
  // office documents and archives among the attachments are checked recursively.
  for (const ZipEntry& e : package.zip().entries()) {
    if (package.stopped()) return;
    std::string_view n = e.name;
    if (StartsWith(n, "Object ") && EndsWith(n, "/content.xml") && n.find('/') == n.size() - 12) {
      DocumentTextHandler handler(DocumentTextHandler::Dialect::kOdf);
      package.Parse(e.name, handler);
      EmitWhole(sink, e.name, handler);
    }
  }
}

}  // namespace

const Extractor& OdtExtractor() {
  static const Odf kExtractor("odt", OdfKind::kText);
  return kExtractor;
}

const Extractor& OdsExtractor() {
  static const Odf kExtractor("ods", OdfKind::kSpreadsheet);
  return kExtractor;
}

const Extractor& OdpExtractor() {
  static const Odf kExtractor("odp", OdfKind::kPresentation);
  return kExtractor;
}

}  // namespace doccheck
