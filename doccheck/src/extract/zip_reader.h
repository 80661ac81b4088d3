// ZipArchive: a small, defensive ZIP reader over bytes held in memory, used by the ZIP,
// OOXML and ODF extractors. It exists (instead of Poco::Zip) so that every limit is ours:
// nothing is allocated from sizes the archive declares, every inflated byte is charged to
// the Budget as it is produced, and one entry stops at Limits::max_file_bytes.
//
// Supports stored and deflated entries, data descriptors and zip64. Encrypted entries
// (general-purpose flag bit 0) are listed but never read. When the central directory is
// missing or damaged (a truncated file), the local headers are scanned instead so that what
// is there can still be salvaged; `damaged()` then says so.
//
// A ZipArchive is immutable after construction and safe to read from several threads;
// the bytes it was built over must outlive it.
#ifndef DOCCHECK_SRC_EXTRACT_ZIP_READER_H_
#define DOCCHECK_SRC_EXTRACT_ZIP_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doccheck/report.h"
#include "extract/extractor.h"

namespace doccheck {

struct ZipEntry {
  std::string name;          // UTF-8 (CP932 names are converted)
  std::uint16_t flags = 0;   // general-purpose bit flags
  std::uint16_t method = 0;  // 0 stored, 8 deflated
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0;    // as declared; never trusted for allocation
  std::uint64_t uncompressed_size = 0;  // as declared; never trusted for allocation
  std::uint64_t local_offset = 0;       // offset of the local file header
  bool sizes_known = true;              // false for salvaged entries with a data descriptor

  bool is_directory() const { return !name.empty() && name.back() == '/'; }
  bool encrypted() const { return (flags & 1) != 0; }
};

class ZipArchive {
 public:
  // Reads the directory of the archive in `bytes`, listing at most `max_entries` entries
  // (the rest are counted as `more_entries()`). Never throws.
  explicit ZipArchive(std::string_view bytes, std::size_t max_entries = 1000000);

  // False when not even one entry could be located (not a ZIP, or hopelessly broken).
  bool ok() const { return ok_; }
  // True when the archive is not intact (no usable central directory; truncated); the
  // entries are then what a scan of local headers found. `problem()` says what is wrong.
  bool damaged() const { return damaged_; }
  const std::string& problem() const { return problem_; }

  // Entries in central-directory order (or file order when salvaged).
  const std::vector<ZipEntry>& entries() const { return entries_; }
  // True when the archive holds more entries than were listed.
  bool more_entries() const { return more_entries_; }
  // The entry named exactly `name`, or nullptr.
  const ZipEntry* Find(std::string_view name) const;

  // Streams the uncompressed bytes of `entry` to `chunk` (pieces of at most 64 KiB),
  // charging each piece to `budget` first. Stops with an error when the entry is encrypted,
  // uses an unknown method, is corrupt (bad data, CRC mismatch, runs past the archive),
  // when more than `max_bytes` would be produced, when the budget refuses bytes or its time
  // runs out (kLimit), or when `chunk` returns false (no error then). Returns nullopt on
  // success. Messages name the entry, never its content.
  std::optional<FileError> Stream(const ZipEntry& entry, Budget& budget, std::uint64_t max_bytes,
                                  const std::function<bool(std::string_view)>& chunk) const;

  // Like Stream, collecting the bytes into `*out` (cleared first). On error `*out` holds
  // what was produced before it.
  std::optional<FileError> Read(const ZipEntry& entry, Budget& budget, std::uint64_t max_bytes,
                                std::string* out) const;

 private:
  bool ReadCentralDirectory();
  void ScanLocalHeaders();
  // Offset of the entry's data, or nullopt when its local header is unusable.
  std::optional<std::uint64_t> DataOffset(const ZipEntry& entry) const;
  // Read's quick path for an intact deflated entry of known size: inflated in one call
  // by libdeflate, then charged to the budget in Stream's pieces with Stream's errors.
  // False (with `*out` cleared and nothing charged) when the entry does not qualify or
  // does not inflate to exactly its declared size and CRC: Stream then reads it, and says
  // what is wrong as it always did.
  bool ReadWhole(const ZipEntry& entry, Budget& budget, std::uint64_t max_bytes, std::string* out,
                 std::optional<FileError>* error) const;

  std::string_view bytes_;
  std::size_t max_entries_;
  std::vector<ZipEntry> entries_;
  bool more_entries_ = false;
  bool ok_ = false;
  bool damaged_ = false;
  std::string problem_;
};

// True when `bytes` start like a ZIP archive (local header or empty-archive end record).
bool LooksLikeZip(std::string_view bytes);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_EXTRACT_ZIP_READER_H_
