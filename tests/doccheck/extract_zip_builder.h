// ZipBuilder: writes small ZIP archives in memory for extractor tests, including broken
// ones (encrypted flag, lying sizes, bad CRC) that office suites never produce.
#ifndef TESTS_DOCCHECK_EXTRACT_ZIP_BUILDER_H_
#define TESTS_DOCCHECK_EXTRACT_ZIP_BUILDER_H_

#include <zlib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace doccheck {

struct ZipBuilderEntry {
  ZipBuilderEntry(std::string n, std::string d, bool deflated = true)
      : name(std::move(n)), data(std::move(d)), deflate(deflated) {}

  std::string name;
  std::string data;  // uncompressed content
  bool deflate = true;
  std::uint16_t extra_flags = 0;               // OR-ed into the general-purpose flags
  std::optional<std::uint32_t> declared_size;  // lie about the uncompressed size
  std::optional<std::uint32_t> declared_crc;   // lie about the CRC
};

class ZipBuilder {
 public:
  ZipBuilder& Add(std::string name, std::string data, bool deflate = true) {
    entries_.emplace_back(std::move(name), std::move(data), deflate);
    return *this;
  }
  ZipBuilder& Add(ZipBuilderEntry entry) {
    entries_.push_back(std::move(entry));
    return *this;
  }

  std::string Build() const {
    std::string out, central;
    for (const ZipBuilderEntry& e : entries_) {
      std::string body = e.deflate ? Deflate(e.data) : e.data;
      std::uint32_t crc = e.declared_crc.value_or(static_cast<std::uint32_t>(crc32(
          0, reinterpret_cast<const Bytef*>(e.data.data()), static_cast<uInt>(e.data.size()))));
      std::uint32_t size = e.declared_size.value_or(static_cast<std::uint32_t>(e.data.size()));
      std::uint16_t method = e.deflate ? 8 : 0;
      std::uint32_t offset = static_cast<std::uint32_t>(out.size());
      Put32(out, 0x04034b50);
      Put16(out, 20);
      Put16(out, static_cast<std::uint16_t>(0x0800 | e.extra_flags));
      Put16(out, method);
      Put32(out, 0);
      Put32(out, crc);
      Put32(out, static_cast<std::uint32_t>(body.size()));
      Put32(out, size);
      Put16(out, static_cast<std::uint16_t>(e.name.size()));
      Put16(out, 0);
      out += e.name;
      out += body;
      Put32(central, 0x02014b50);
      Put16(central, 20);
      Put16(central, 20);
      Put16(central, static_cast<std::uint16_t>(0x0800 | e.extra_flags));
      Put16(central, method);
      Put32(central, 0);
      Put32(central, crc);
      Put32(central, static_cast<std::uint32_t>(body.size()));
      Put32(central, size);
      Put16(central, static_cast<std::uint16_t>(e.name.size()));
      Put16(central, 0);
      Put16(central, 0);
      Put16(central, 0);
      Put16(central, 0);
      Put32(central, 0);
      Put32(central, offset);
      central += e.name;
    }
    std::uint32_t cd_offset = static_cast<std::uint32_t>(out.size());
    out += central;
    Put32(out, 0x06054b50);
    Put16(out, 0);
    Put16(out, 0);
    Put16(out, static_cast<std::uint16_t>(entries_.size()));
    Put16(out, static_cast<std::uint16_t>(entries_.size()));
    Put32(out, static_cast<std::uint32_t>(central.size()));
    Put32(out, cd_offset);
    Put16(out, 0);
    return out;
  }

  static std::string Deflate(std::string_view data) {
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
  }

 private:
  static void Put16(std::string& s, std::uint16_t v) {
    s.push_back(static_cast<char>(v & 0xFF));
    s.push_back(static_cast<char>(v >> 8));
  }
  static void Put32(std::string& s, std::uint32_t v) {
    Put16(s, static_cast<std::uint16_t>(v & 0xFFFF));
    Put16(s, static_cast<std::uint16_t>(v >> 16));
  }

  std::vector<ZipBuilderEntry> entries_;
};

// An XLSX of one sheet "S" (xl/worksheets/sheet1.xml) with a shared-string table.
inline std::string XlsxWith(const std::string& sheet, const std::string& shared) {
  return ZipBuilder()
      .Add("xl/workbook.xml",
           "<workbook xmlns:r=\"urn:r\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
           "</sheets></workbook>")
      .Add("xl/_rels/workbook.xml.rels",
           "<Relationships><Relationship Id=\"rId1\" Type=\"urn:x/worksheet\" "
           "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
           "Type=\"urn:x/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>")
      .Add("xl/worksheets/sheet1.xml", sheet)
      .Add("xl/sharedStrings.xml", shared)
      .Build();
}

}  // namespace doccheck

#endif  // TESTS_DOCCHECK_EXTRACT_ZIP_BUILDER_H_
