// HTML: the visible text. Tags are dropped, white space is collapsed as a browser does
// (except in <pre> and <textarea>), block elements and <br> end a line, <script>, <style>
// and comments are skipped, character references decoded. The charset comes from
// <meta charset> or is detected. Every byte of the text keeps its offset in the original
// file, and findings carry the line of the file.
//
// Tables keep their structure. A table with a header row (the first row of <thead>, or
// the last row made of <th> cells only before the first row holding a <td>) is read as a
// CSV file is: every cell is a block headed by its column's heading, colspan included,
// so a column 生年月日 gives its cells their context. A table without one (forms whose
// <th> labels the <td> beside it) is written into the text row by row, cells separated by
// tabs. A table nested in a cell is a table of its own.
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <vector>

#include "extract/text_extractors.h"
#include "text/decode.h"
#include "text/utf8.h"

namespace doccheck {
namespace {

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The charset named by <meta charset=...> or <meta http-equiv content="...charset=...">.
Charset MetaCharset(std::string_view bytes) {
  const std::string head = LowerAscii(bytes.substr(0, 4096));
  const std::size_t p = head.find("charset=");
  if (p == std::string::npos) return Charset::kBinary;
  std::size_t b = p + 8;
  while (b < head.size() && (head[b] == '"' || head[b] == '\'' || head[b] == ' ')) ++b;
  std::size_t e = b;
  while (e < head.size() &&
         (std::isalnum(static_cast<unsigned char>(head[e])) || head[e] == '-' || head[e] == '_'))
    ++e;
  return CharsetFromLabel(head.substr(b, e - b));
}

bool BlockTag(std::string_view name) {
  static constexpr std::string_view kBlocks[] = {
      "p",       "div",    "br",  "li",   "ul",     "ol",         "h1",      "h2",
      "h3",      "h4",     "h5",  "h6",   "tr",     "table",      "section", "article",
      "header",  "footer", "dt",  "dd",   "title",  "blockquote", "pre",     "hr",
      "address", "form",   "nav", "main", "caption"};
  for (std::string_view b : kBlocks) {
    if (name == b) return true;
  }
  return false;
}

// Where "</name" (any case) starts at or after `from`, or npos. Without copying the rest
// of the document, which made many <script> elements quadratic.
std::size_t FindClosingTag(const std::string& src, std::size_t from, std::string_view name) {
  for (std::size_t p = src.find("</", from); p != std::string::npos; p = src.find("</", p + 2)) {
    if (p + 2 + name.size() <= src.size() &&
        strncasecmp(src.data() + p + 2, name.data(), name.size()) == 0) {
      return p;
    }
  }
  return std::string::npos;
}

bool HtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Text with the original offset of each of its bytes.
struct Piece {
  std::string text;
  std::vector<std::uint32_t> src;

  void Put(std::string_view s, std::uint32_t at) {
    text.append(s.data(), s.size());
    src.insert(src.end(), s.size(), at);
  }
  // Appends a collapsed space or a break, never two in a row nor one at the start.
  void Space(char c, std::uint32_t at) {
    if (text.empty()) return;
    const char last = text.back();
    if (last == '\n' || last == '\t') return;
    if (last == ' ') {
      if (c == ' ') return;
      text.back() = c;
      src.back() = at;
      return;
    }
    Put(std::string_view(&c, 1), at);
  }
  void Append(const Piece& p, std::size_t begin, std::size_t end) {
    text.append(p.text, begin, end - begin);
    src.insert(src.end(), p.src.begin() + static_cast<std::ptrdiff_t>(begin),
               p.src.begin() + static_cast<std::ptrdiff_t>(end));
  }
};

struct Cell {
  Piece piece;
  int colspan = 1;
  bool th = false;
};

struct Row {
  std::vector<Cell> cells;
  bool in_thead = false;
};

struct Table {
  std::vector<Row> rows;
  bool in_thead = false;
  bool cell_open = false;
};

// colspan="N" in the attributes of a tag (lower-cased), 1 to 64.
int Colspan(std::string_view attrs) {
  const std::size_t p = attrs.find("colspan");
  if (p == std::string_view::npos) return 1;
  std::size_t i = p + 7;
  while (i < attrs.size() &&
         (attrs[i] == ' ' || attrs[i] == '=' || attrs[i] == '"' || attrs[i] == '\'')) {
    ++i;
  }
  int n = 0;
  while (i < attrs.size() && std::isdigit(static_cast<unsigned char>(attrs[i])) && n < 1000) {
    n = n * 10 + (attrs[i++] - '0');
  }
  return std::clamp(n, 1, 64);
}

class HtmlReader {
 public:
  HtmlReader(ExtractSink& sink, const std::vector<std::uint32_t>* line_starts)
      : sink_(sink), line_starts_(line_starts) {}

  Piece& Target() {
    if (!tables_.empty() && tables_.back().cell_open) {
      return tables_.back().rows.back().cells.back().piece;
    }
    return main_;
  }
  bool InCell() const { return !tables_.empty() && tables_.back().cell_open; }

  // Text (or a collapsible space) at original offset `at`.
  void Put(std::string_view s, std::uint32_t at) { Target().Put(s, at); }
  void Space(std::uint32_t at) { Target().Space(' ', at); }
  // A line break: inside a cell it is a space, so that a row stays one line.
  void Break(std::uint32_t at) { Target().Space(InCell() ? ' ' : '\n', at); }
  void PreBreak(std::uint32_t at) {
    if (InCell()) {
      Target().Space(' ', at);
    } else {
      main_.Put("\n", at);
    }
  }

  void Tag(std::string_view name, std::string_view attrs, bool closing, std::uint32_t at) {
    if (name == "table") {
      if (!closing) {
        if (tables_.size() >= 32) return;
        if (!InCell()) main_.Space('\n', at);
        tables_.emplace_back();
      } else if (!tables_.empty()) {
        Table t = std::move(tables_.back());
        tables_.pop_back();
        Finish(t);
        if (!InCell()) main_.Space('\n', at);
      }
      return;
    }
    if (tables_.empty()) {
      if (BlockTag(name)) main_.Space('\n', at);
      return;
    }
    Table& t = tables_.back();
    if (name == "thead") {
      t.in_thead = !closing;
      t.cell_open = false;
    } else if (name == "tbody" || name == "tfoot") {
      t.in_thead = false;
      t.cell_open = false;
    } else if (name == "tr") {
      t.cell_open = false;
      if (!closing) {
        t.rows.emplace_back();
        t.rows.back().in_thead = t.in_thead;
      }
    } else if (name == "td" || name == "th") {
      if (closing) {
        t.cell_open = false;
        return;
      }
      if (t.rows.empty()) {
        t.rows.emplace_back();
        t.rows.back().in_thead = t.in_thead;
      }
      Cell cell;
      cell.colspan = Colspan(attrs);
      cell.th = name == "th";
      t.rows.back().cells.push_back(std::move(cell));
      t.cell_open = true;
    } else if (BlockTag(name)) {
      Break(at);
    }
  }

  // Emits what is left: unclosed tables, then the text outside tables.
  void End(std::uint32_t at) {
    while (!tables_.empty()) Tag("table", "", true, at);
    if (main_.text.empty()) return;
    main_.src.push_back(at);
    TextBlock block;
    block.text = main_.text;
    block.source_offsets = main_.src.data();
    block.source_line_starts = line_starts_;
    sink_.Text(block);
  }

 private:
  // Index of the header row of `t`, or -1. A header row has two cells at least (a title
  // spanning the table is none); a table whose later rows hold <th> cells too is a form
  // (label beside value) and has none.
  static int HeaderRow(const Table& t) {
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      if (t.rows[r].in_thead && !t.rows[r].cells.empty()) return static_cast<int>(r);
    }
    auto has_td = [](const Row& row) {
      return std::any_of(row.cells.begin(), row.cells.end(), [](const Cell& c) { return !c.th; });
    };
    int header = -1;
    std::size_t r = 0;
    for (; r < t.rows.size(); ++r) {
      const Row& row = t.rows[r];
      if (row.cells.empty()) continue;
      if (has_td(row)) break;
      if (row.cells.size() >= 2) header = static_cast<int>(r);
    }
    for (; r < t.rows.size(); ++r) {
      const Row& row = t.rows[r];
      if (std::any_of(row.cells.begin(), row.cells.end(), [](const Cell& c) { return c.th; })) {
        return -1;
      }
    }
    return header;
  }

  static std::pair<std::size_t, std::size_t> Trimmed(const Piece& p) {
    std::size_t b = 0;
    std::size_t e = p.text.size();
    while (b < e && HtmlSpace(p.text[b])) ++b;
    while (e > b && HtmlSpace(p.text[e - 1])) --e;
    return {b, e};
  }

  void EmitCell(const Cell& cell, std::string_view header) {
    const auto [b, e] = Trimmed(cell.piece);
    if (b == e) return;
    Piece out;
    out.Append(cell.piece, b, e);
    out.src.push_back(cell.piece.src[e - 1] + 1);
    TextBlock block;
    block.text = out.text;
    block.source_offsets = out.src.data();
    block.source_line_starts = line_starts_;
    block.header = header;
    sink_.Text(block);
  }

  void Finish(const Table& t) {
    const int header_row = HeaderRow(t);
    if (header_row < 0) {
      // Row by row into the text: a cell's label stays beside its value.
      Piece& target = Target();
      for (const Row& row : t.rows) {
        bool first = true;
        for (const Cell& cell : row.cells) {
          const auto [b, e] = Trimmed(cell.piece);
          const std::uint32_t at = b < e ? cell.piece.src[b] : 0;
          if (!first) {
            for (int k = 0; k < cell.colspan; ++k) {
              target.Put(InCell() ? " " : "\t", at);
            }
          } else if (cell.colspan > 1 && !InCell()) {
            for (int k = 1; k < cell.colspan; ++k) target.Put("\t", at);
          }
          first = false;
          target.Append(cell.piece, b, e);
        }
        if (!row.cells.empty() && !target.text.empty()) {
          target.Put(InCell() ? " " : "\n", target.src.back());
        }
      }
      return;
    }
    std::vector<std::string> headings;
    for (const Cell& c : t.rows[static_cast<std::size_t>(header_row)].cells) {
      const auto [b, e] = Trimmed(c.piece);
      for (int k = 0; k < c.colspan; ++k) headings.push_back(c.piece.text.substr(b, e - b));
    }
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const bool data = static_cast<int>(r) > header_row;
      std::size_t column = 0;
      for (const Cell& c : t.rows[r].cells) {
        EmitCell(c, data && column < headings.size() ? std::string_view(headings[column])
                                                     : std::string_view());
        column += static_cast<std::size_t>(c.colspan);
      }
    }
  }

  ExtractSink& sink_;
  const std::vector<std::uint32_t>* line_starts_;
  Piece main_;
  std::vector<Table> tables_;
};

class HtmlExtractorImpl final : public Extractor {
 public:
  std::string_view format() const override { return "html"; }
  void Extract(std::string_view bytes, ExtractSink& sink) const override {
    Charset charset = MetaCharset(bytes);
    if (charset == Charset::kBinary) charset = DetectCharset(bytes.substr(0, 64 * 1024));
    std::string src;
    std::vector<std::uint32_t> src_offsets;
    TextDecoder decoder(charset);
    decoder.Decode(bytes, 0, true, &src, &src_offsets);
    const bool identity = decoder.identity();
    auto original = [&](std::size_t i) -> std::uint32_t {
      return identity ? static_cast<std::uint32_t>(i)
                      : (i < src_offsets.size() ? src_offsets[i]
                                                : static_cast<std::uint32_t>(bytes.size()));
    };
    std::vector<std::uint32_t> line_starts;
    for (const char* p = static_cast<const char*>(std::memchr(src.data(), '\n', src.size()));
         p != nullptr;
         p = static_cast<const char*>(
             std::memchr(p + 1, '\n', src.size() - static_cast<std::size_t>(p + 1 - src.data())))) {
      line_starts.push_back(original(static_cast<std::size_t>(p - src.data()) + 1));
    }

    HtmlReader reader(sink, &line_starts);
    int pre = 0;  // depth of <pre>/<textarea>: white space kept
    std::size_t i = 0;
    const std::size_t n = src.size();
    while (i < n) {
      if ((i & 0xFFFF) == 0 && i > 0 && sink.budget().Expired()) {
        sink.Error(ErrorCode::kLimit, "time limit reached while reading the HTML");
        return;
      }
      const char c = src[i];
      if (c == '<') {
        if (src.compare(i, 4, "<!--") == 0) {
          const std::size_t e = src.find("-->", i + 4);
          i = e == std::string::npos ? n : e + 3;
          continue;
        }
        std::size_t e = src.find('>', i + 1);
        if (e == std::string::npos) e = n;
        std::size_t nb = i + 1;
        const bool closing = nb < n && src[nb] == '/';
        if (closing) ++nb;
        std::size_t ne = nb;
        while (ne < e && std::isalnum(static_cast<unsigned char>(src[ne]))) ++ne;
        const std::string name = LowerAscii(std::string_view(src).substr(nb, ne - nb));
        const std::uint32_t at = original(i);
        if (name.empty() && !closing && src.compare(i, 2, "<!") != 0 &&
            src.compare(i, 2, "<?") != 0) {
          reader.Put("<", at);  // a '<' that opens no tag
          ++i;
          continue;
        }
        i = e == n ? n : e + 1;
        if (!closing && (name == "script" || name == "style")) {
          const std::size_t close = FindClosingTag(src, i, name);
          i = close == std::string::npos ? n : close;
          continue;
        }
        if (name == "pre" || name == "textarea") pre = std::max(0, pre + (closing ? -1 : 1));
        const std::string attrs =
            closing ? std::string() : LowerAscii(std::string_view(src).substr(ne, e - ne));
        reader.Tag(name, attrs, closing, at);
        continue;
      }
      if (HtmlSpace(c)) {
        if (pre > 0 && c == '\n') {
          reader.PreBreak(original(i));
        } else {
          reader.Space(original(i));
        }
        ++i;
        continue;
      }
      if (c == '&') {
        const std::size_t semi = src.find(';', i);
        if (semi != std::string::npos && semi - i <= 10) {
          const std::string ent = src.substr(i + 1, semi - i - 1);
          std::string out;
          if (!ent.empty() && ent[0] == '#') {
            char32_t cp = 0;
            try {
              cp = static_cast<char32_t>(ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X')
                                             ? std::stoul(ent.substr(2), nullptr, 16)
                                             : std::stoul(ent.substr(1)));
            } catch (...) {
              cp = 0;
            }
            if (cp) AppendUtf8(cp, &out);
          } else if (ent == "amp")
            out = "&";
          else if (ent == "lt")
            out = "<";
          else if (ent == "gt")
            out = ">";
          else if (ent == "quot")
            out = "\"";
          else if (ent == "apos")
            out = "'";
          else if (ent == "nbsp")
            out = " ";
          if (!out.empty()) {
            reader.Put(out, original(i));
            i = semi + 1;
            continue;
          }
        }
      }
      // A whole UTF-8 character at a time.
      std::size_t len = 1;
      const auto lead = static_cast<unsigned char>(c);
      if (lead >= 0xC0) len = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      len = std::min(len, n - i);
      std::size_t j = i + len;
      reader.Put(std::string_view(&src[i], len), original(i));
      // Bytes of one character map to their own offsets.
      Piece& t = reader.Target();
      for (std::size_t k = 0; k < len; ++k) t.src[t.src.size() - len + k] = original(i + k);
      i = j;
    }
    reader.End(static_cast<std::uint32_t>(bytes.size()));
  }
};

}  // namespace

const Extractor& HtmlExtractor() {
  static const HtmlExtractorImpl extractor;
  return extractor;
}

}  // namespace doccheck
