// HTML: the visible text. Tags are dropped (block elements and <br> end a line, table
// cells are tab-separated), <script>, <style> and comments are skipped, character
// references decoded. The charset comes from <meta charset> or is detected. Every byte
// of the text keeps its offset in the original file.
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

    std::string text;
    std::vector<std::uint32_t> offsets;
    auto put = [&](std::string_view s, std::size_t at) {
      text.append(s.data(), s.size());
      offsets.insert(offsets.end(), s.size(), original(at));
    };
    std::size_t i = 0;
    const std::size_t n = src.size();
    while (i < n) {
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
        i = e == n ? n : e + 1;
        if (!closing && (name == "script" || name == "style")) {
          const std::size_t close = LowerAscii(std::string_view(src).substr(i)).find("</" + name);
          i = close == std::string::npos ? n : i + close;
          continue;
        }
        if (name == "td" || name == "th") {
          if (!closing) put("\t", i);
        } else if (BlockTag(name)) {
          put("\n", i);
        }
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
            put(out, i);
            i = semi + 1;
            continue;
          }
        }
      }
      put(std::string_view(&src[i], 1), i);
      ++i;
    }
    offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
    TextBlock block;
    block.text = text;
    block.source_offsets = offsets.data();
    sink.Text(block);
  }
};

}  // namespace

const Extractor& HtmlExtractor() {
  static const HtmlExtractorImpl extractor;
  return extractor;
}

}  // namespace doccheck
