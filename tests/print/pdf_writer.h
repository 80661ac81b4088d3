// A minimal PDF writer for tests and benchmarks: one page per string, ASCII text in
// Helvetica, with a correct cross-reference table (poppler reads it without repair).
#ifndef TESTS_PRINT_PDF_WRITER_H_
#define TESTS_PRINT_PDF_WRITER_H_

#include <cstdio>
#include <string>
#include <vector>

namespace print_guard::testing {

// Each page shows its text's lines (split at '\n'); characters other than printable
// ASCII are not allowed.
inline std::string MakePdf(const std::vector<std::string>& pages) {
  std::vector<std::string> objects;  // object i+1
  const std::size_t n = pages.size();
  // 1: catalog, 2: pages, 3: font, then for each page: page object, content stream.
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (std::size_t i = 0; i < n; ++i) kids += std::to_string(4 + 2 * i) + " 0 R ";
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(n) + " >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (std::size_t i = 0; i < n; ++i) {
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
        "<< /F1 3 0 R >> >> /Contents " +
        std::to_string(5 + 2 * i) + " 0 R >>");
    std::string stream = "BT /F1 11 Tf 50 800 Td 14 TL\n";
    std::size_t start = 0;
    const std::string& text = pages[i];
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line;
      for (char c : text.substr(start, end - start)) {
        if (c == '(' || c == ')' || c == '\\') line += '\\';
        line += c;
      }
      stream += "(" + line + ") Tj T*\n";
      start = end + 1;
    }
    stream += "ET";
    objects.push_back("<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream +
                      "\nendstream");
  }
  std::string out = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t off : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", off);
    out += entry;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

// `count` pages of ordinary prose (no personal information); page `with_number` (1-based,
// 0 for none) also carries a synthetic My Number.
inline std::vector<std::string> OrdinaryPages(int count, int with_number = 0) {
  std::vector<std::string> pages;
  for (int p = 1; p <= count; ++p) {
    std::string text = "Meeting notes, page " + std::to_string(p) + "\n";
    for (int l = 0; l < 40; ++l)
      text += "The committee reviewed the road maintenance schedule and the library hours.\n";
    if (p == with_number) text += "Individual Number (My Number): 3739 6401 7574\n";
    pages.push_back(text);
  }
  return pages;
}

}  // namespace print_guard::testing

#endif  // TESTS_PRINT_PDF_WRITER_H_
