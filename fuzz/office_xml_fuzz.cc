// Fuzzes the XML side of the office extractors: the input is one XML part, placed (stored,
// uncompressed) as the main parts of a DOCX, XLSX, PPTX and ODT/ODS/ODP package.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "extract/container_extractors.h"
#include "fuzz_sink.h"

namespace {

void Put16(std::string& s, std::uint32_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void Put32(std::string& s, std::uint32_t v) {
  Put16(s, v & 0xFFFF);
  Put16(s, v >> 16);
}

// A stored ZIP of `entries`.
std::string StoredZip(const std::vector<std::pair<std::string, std::string_view>>& entries) {
  std::string out, central;
  for (const auto& [name, data] : entries) {
    std::uint32_t crc = static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    std::uint32_t offset = static_cast<std::uint32_t>(out.size());
    Put32(out, 0x04034b50);
    Put16(out, 20);
    Put16(out, 0);
    Put16(out, 0);
    Put32(out, 0);
    Put32(out, crc);
    Put32(out, static_cast<std::uint32_t>(data.size()));
    Put32(out, static_cast<std::uint32_t>(data.size()));
    Put16(out, static_cast<std::uint32_t>(name.size()));
    Put16(out, 0);
    out += name;
    out += data;
    Put32(central, 0x02014b50);
    Put16(central, 20);
    Put16(central, 20);
    Put16(central, 0);
    Put16(central, 0);
    Put32(central, 0);
    Put32(central, crc);
    Put32(central, static_cast<std::uint32_t>(data.size()));
    Put32(central, static_cast<std::uint32_t>(data.size()));
    Put16(central, static_cast<std::uint32_t>(name.size()));
    Put32(central, 0);
    Put32(central, 0);
    Put32(central, 0);
    Put32(central, offset);
    central += name;
  }
  std::uint32_t cd = static_cast<std::uint32_t>(out.size());
  out += central;
  Put32(out, 0x06054b50);
  Put32(out, 0);
  Put16(out, static_cast<std::uint32_t>(entries.size()));
  Put16(out, static_cast<std::uint32_t>(entries.size()));
  Put32(out, static_cast<std::uint32_t>(central.size()));
  Put32(out, cd);
  Put16(out, 0);
  return out;
}

constexpr std::string_view kWorkbook =
    "<workbook xmlns:r=\"urn:r\"><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>";
constexpr std::string_view kWorkbookRels =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"x/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"x/styles\" "
    "Target=\"styles.xml\"/></Relationships>";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace doccheck;
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  const std::pair<const Extractor*, std::string> cases[] = {
      {&DocxExtractor(), StoredZip({{"word/document.xml", xml}, {"word/header1.xml", xml}})},
      {&XlsxExtractor(), StoredZip({{"xl/workbook.xml", kWorkbook},
                                    {"xl/_rels/workbook.xml.rels", kWorkbookRels},
                                    {"xl/worksheets/sheet1.xml", xml},
                                    {"xl/sharedStrings.xml", xml},
                                    {"xl/styles.xml", xml}})},
      {&XlsxExtractor(), StoredZip({{"xl/workbook.xml", xml}, {"_rels/.rels", xml}})},
      {&PptxExtractor(), StoredZip({{"ppt/slides/slide1.xml", xml}})},
      {&OdtExtractor(), StoredZip({{"content.xml", xml}, {"styles.xml", xml}})},
      {&OdsExtractor(), StoredZip({{"content.xml", xml}})},
      {&OdpExtractor(), StoredZip({{"content.xml", xml}})},
  };
  for (const auto& [extractor, package] : cases) {
    FuzzSink sink;
    extractor->Extract(package, sink);
  }
  return 0;
}
