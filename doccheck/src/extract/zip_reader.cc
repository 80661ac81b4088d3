#include "extract/zip_reader.h"

#include <dlfcn.h>
#include <libdeflate.h>
#include <unicode/ucnv.h>
#include <unicode/utypes.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

namespace doccheck {
namespace {

constexpr std::uint32_t kLocalHeaderSig = 0x04034b50;
constexpr std::uint32_t kCentralHeaderSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kZip64EndSig = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
constexpr std::size_t kLocalHeaderSize = 30;
constexpr std::size_t kCentralHeaderSize = 46;
constexpr std::size_t kEndSize = 22;
constexpr std::size_t kChunk = 64 * 1024;

std::uint16_t Le16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) |
                                    (static_cast<unsigned char>(b[at + 1]) << 8));
}
std::uint32_t Le32(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(Le16(b, at)) |
         (static_cast<std::uint32_t>(Le16(b, at + 2)) << 16);
}
std::uint64_t Le64(std::string_view b, std::size_t at) {
  return static_cast<std::uint64_t>(Le32(b, at)) |
         (static_cast<std::uint64_t>(Le32(b, at + 4)) << 32);
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t extra;
    if (c < 0x80) {
      extra = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

// Entry names without the UTF-8 flag are, in practice, CP932 when made on Japanese Windows.
std::string NameToUtf8(std::string_view raw, std::uint16_t flags) {
  if ((flags & 0x0800) != 0 || IsValidUtf8(raw)) return std::string(raw);
  UErrorCode status = U_ZERO_ERROR;
  std::string out(raw.size() * 3 + 1, '\0');
  int32_t n = ucnv_convert("UTF-8", "windows-31j", out.data(), static_cast<int32_t>(out.size()),
                           raw.data(), static_cast<int32_t>(raw.size()), &status);
  if (U_FAILURE(status)) {
    std::string ascii(raw);
    for (char& c : ascii) {
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
    return ascii;
  }
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Applies the zip64 extended-information extra field to sizes/offset that overflowed.
void ApplyZip64Extra(std::string_view extra, ZipEntry* e, bool usize_ff, bool csize_ff,
                     bool offset_ff) {
  std::size_t pos = 0;
  while (pos + 4 <= extra.size()) {
    std::uint16_t id = Le16(extra, pos);
    std::uint16_t len = Le16(extra, pos + 2);
    std::size_t data = pos + 4;
    if (data + len > extra.size()) return;
    if (id == 0x0001) {
      std::size_t p = data;
      std::size_t end = data + len;
      if (usize_ff && p + 8 <= end) e->uncompressed_size = Le64(extra, p), p += 8;
      if (csize_ff && p + 8 <= end) e->compressed_size = Le64(extra, p), p += 8;
      if (offset_ff && p + 8 <= end) e->local_offset = Le64(extra, p), p += 8;
      return;
    }
    pos = data + len;
  }
}

// The Info-ZIP Unicode Path extra field (0x7075), when present and valid.
std::optional<std::string> UnicodePathExtra(std::string_view extra) {
  std::size_t pos = 0;
  while (pos + 4 <= extra.size()) {
    std::uint16_t id = Le16(extra, pos);
    std::uint16_t len = Le16(extra, pos + 2);
    std::size_t data = pos + 4;
    if (data + len > extra.size()) return std::nullopt;
    if (id == 0x7075 && len > 5 && extra[data] == 1) {
      std::string_view name = extra.substr(data + 5, len - 5);
      if (IsValidUtf8(name)) return std::string(name);
    }
    pos = data + len;
  }
  return std::nullopt;
}

FileError MakeError(ErrorCode code, std::string message) {
  return FileError{code, std::move(message)};
}

// Owns a zlib inflate stream for the length of one Stream call.
class Inflater {
 public:
  Inflater() { ok_ = inflateInit2(&z_, -MAX_WBITS) == Z_OK; }
  ~Inflater() {
    if (ok_) inflateEnd(&z_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  bool ok() const { return ok_; }
  z_stream& z() { return z_; }

 private:
  z_stream z_{};
  bool ok_ = false;
};

// libdeflate, loaded with dlopen on the first whole-entry read rather than linked: a
// process that never opens a ZIP (an idle agent) does not map it. Without it (not
// installed, or DOCCHECK_LIBDEFLATE naming something else) every entry goes through the
// zlib stream, which gives the same bytes and errors, more slowly.
struct Deflate {
  decltype(&libdeflate_alloc_decompressor) alloc = nullptr;
  decltype(&libdeflate_free_decompressor) free = nullptr;
  decltype(&libdeflate_deflate_decompress) decompress = nullptr;
  decltype(&libdeflate_crc32) crc32 = nullptr;
};

const Deflate* LoadDeflate() {
  static const std::optional<Deflate> api = []() -> std::optional<Deflate> {
    const char* name = std::getenv("DOCCHECK_LIBDEFLATE");
    void* lib = dlopen(name != nullptr ? name : "libdeflate.so.0", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) return std::nullopt;
    Deflate d;
    d.alloc = reinterpret_cast<decltype(d.alloc)>(dlsym(lib, "libdeflate_alloc_decompressor"));
    d.free = reinterpret_cast<decltype(d.free)>(dlsym(lib, "libdeflate_free_decompressor"));
    d.decompress =
        reinterpret_cast<decltype(d.decompress)>(dlsym(lib, "libdeflate_deflate_decompress"));
    d.crc32 = reinterpret_cast<decltype(d.crc32)>(dlsym(lib, "libdeflate_crc32"));
    if (!d.alloc || !d.free || !d.decompress || !d.crc32) return std::nullopt;
    return d;
  }();
  return api ? &*api : nullptr;
}

// A libdeflate decompressor per thread (it holds ~32 KiB of tables; allocated once).
libdeflate_decompressor* Decompressor(const Deflate& api) {
  struct Owner {
    const Deflate& api;
    libdeflate_decompressor* d = api.alloc();
    ~Owner() {
      if (d != nullptr) api.free(d);
    }
  };
  thread_local Owner owner{api};
  return owner.d;
}

}  // namespace

bool LooksLikeZip(std::string_view bytes) {
  return bytes.size() >= 4 && (Le32(bytes, 0) == kLocalHeaderSig || Le32(bytes, 0) == kEndSig);
}

ZipArchive::ZipArchive(std::string_view bytes, std::size_t max_entries)
    : bytes_(bytes), max_entries_(max_entries) {
  if (ReadCentralDirectory()) {
    ok_ = true;
    return;
  }
  entries_.clear();
  more_entries_ = false;
  damaged_ = true;
  ScanLocalHeaders();
  ok_ = !entries_.empty();
  if (problem_.empty()) problem_ = "no central directory (truncated or not a ZIP archive)";
}

bool ZipArchive::ReadCentralDirectory() {
  const std::string_view b = bytes_;
  if (b.size() < kEndSize) return false;
  // The end record is in the last 64 KiB + 22 bytes (its comment is at most 65535 bytes).
  std::size_t lowest = b.size() > kEndSize + 65535 ? b.size() - kEndSize - 65535 : 0;
  std::size_t eocd = std::string_view::npos;
  for (std::size_t i = b.size() - kEndSize + 1; i-- > lowest;) {
    if (b[i] == 'P' && Le32(b, i) == kEndSig && i + kEndSize + Le16(b, i + 20) <= b.size()) {
      eocd = i;
      break;
    }
  }
  if (eocd == std::string_view::npos) return false;

  std::uint64_t count = Le16(b, eocd + 10);
  std::uint64_t cd_size = Le32(b, eocd + 12);
  std::uint64_t cd_offset = Le32(b, eocd + 16);
  std::uint64_t cd_end_limit = eocd;
  if (eocd >= 20 && Le32(b, eocd - 20) == kZip64LocatorSig) {
    std::uint64_t z64 = Le64(b, eocd - 20 + 8);
    if (z64 + 56 <= eocd - 20 && Le32(b, z64) == kZip64EndSig) {
      count = Le64(b, z64 + 32);
      cd_size = Le64(b, z64 + 40);
      cd_offset = Le64(b, z64 + 48);
      cd_end_limit = z64;
    }
  }
  if (cd_size > cd_end_limit) {
    problem_ = "central directory is larger than the archive";
    return false;
  }
  // Self-extracting or prefixed archives: offsets are relative to a later start.
  std::uint64_t shift = 0;
  if (cd_offset + cd_size > cd_end_limit ||
      (cd_size > 0 && Le32(b, cd_offset) != kCentralHeaderSig)) {
    std::uint64_t real = cd_end_limit - cd_size;
    if (cd_size == 0 || real + 4 > b.size() || Le32(b, real) != kCentralHeaderSig ||
        real < cd_offset) {
      problem_ = "central directory not found where the end record says";
      return false;
    }
    shift = real - cd_offset;
    cd_offset = real;
  }
  (void)count;  // the directory is walked by size; a lying count changes nothing

  std::size_t pos = cd_offset;
  const std::size_t end = cd_offset + cd_size;
  while (pos + kCentralHeaderSize <= end) {
    if (Le32(b, pos) != kCentralHeaderSig) {
      problem_ = "damaged central directory";
      return false;
    }
    if (entries_.size() >= max_entries_) {
      more_entries_ = true;
      return true;
    }
    ZipEntry e;
    e.flags = Le16(b, pos + 8);
    e.method = Le16(b, pos + 10);
    e.crc32 = Le32(b, pos + 16);
    e.compressed_size = Le32(b, pos + 20);
    e.uncompressed_size = Le32(b, pos + 24);
    std::size_t name_len = Le16(b, pos + 28);
    std::size_t extra_len = Le16(b, pos + 30);
    std::size_t comment_len = Le16(b, pos + 32);
    e.local_offset = Le32(b, pos + 42);
    std::size_t next = pos + kCentralHeaderSize + name_len + extra_len + comment_len;
    if (next > end) {
      problem_ = "damaged central directory";
      return false;
    }
    std::string_view raw_name = b.substr(pos + kCentralHeaderSize, name_len);
    std::string_view extra = b.substr(pos + kCentralHeaderSize + name_len, extra_len);
    ApplyZip64Extra(extra, &e, e.uncompressed_size == 0xFFFFFFFFu, e.compressed_size == 0xFFFFFFFFu,
                    e.local_offset == 0xFFFFFFFFu);
    e.local_offset += shift;
    if (auto unicode = UnicodePathExtra(extra)) {
      e.name = std::move(*unicode);
    } else {
      e.name = NameToUtf8(raw_name, e.flags);
    }
    entries_.push_back(std::move(e));
    pos = next;
  }
  return true;
}

void ZipArchive::ScanLocalHeaders() {
  const std::string_view b = bytes_;
  std::size_t pos = 0;
  while (pos + kLocalHeaderSize <= b.size() && Le32(b, pos) == kLocalHeaderSig) {
    if (entries_.size() >= max_entries_) {
      more_entries_ = true;
      return;
    }
    ZipEntry e;
    e.flags = Le16(b, pos + 6);
    e.method = Le16(b, pos + 8);
    e.crc32 = Le32(b, pos + 14);
    e.compressed_size = Le32(b, pos + 18);
    e.uncompressed_size = Le32(b, pos + 22);
    std::size_t name_len = Le16(b, pos + 26);
    std::size_t extra_len = Le16(b, pos + 28);
    std::size_t data = pos + kLocalHeaderSize + name_len + extra_len;
    if (data > b.size()) break;
    std::string_view extra = b.substr(pos + kLocalHeaderSize + name_len, extra_len);
    ApplyZip64Extra(extra, &e, e.uncompressed_size == 0xFFFFFFFFu, e.compressed_size == 0xFFFFFFFFu,
                    false);
    if (auto unicode = UnicodePathExtra(extra)) {
      e.name = std::move(*unicode);
    } else {
      e.name = NameToUtf8(b.substr(pos + kLocalHeaderSize, name_len), e.flags);
    }
    e.local_offset = pos;
    std::size_t next;
    if ((e.flags & 0x08) != 0) {
      // Sizes follow the data: the entry ends where the next local header starts.
      e.sizes_known = false;
      std::size_t found = b.find("PK\x03\x04", data);
      std::size_t stop = found == std::string_view::npos ? b.size() : found;
      e.compressed_size = stop - data;
      e.uncompressed_size = 0;
      next = stop;
    } else {
      next = data + std::min<std::uint64_t>(e.compressed_size, b.size() - data);
    }
    entries_.push_back(std::move(e));
    if (next <= pos) break;
    pos = next;
  }
}

const ZipEntry* ZipArchive::Find(std::string_view name) const {
  for (const ZipEntry& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::optional<std::uint64_t> ZipArchive::DataOffset(const ZipEntry& entry) const {
  const std::string_view b = bytes_;
  if (entry.local_offset > b.size() || b.size() - entry.local_offset < kLocalHeaderSize ||
      Le32(b, entry.local_offset) != kLocalHeaderSig) {
    return std::nullopt;
  }
  std::uint64_t data = entry.local_offset + kLocalHeaderSize + Le16(b, entry.local_offset + 26) +
                       Le16(b, entry.local_offset + 28);
  if (data > b.size()) return std::nullopt;
  return data;
}

std::optional<FileError> ZipArchive::Stream(
    const ZipEntry& entry, Budget& budget, std::uint64_t max_bytes,
    const std::function<bool(std::string_view)>& chunk) const {
  const std::string& name = entry.name;
  if (entry.encrypted()) {
    return MakeError(ErrorCode::kEncrypted, "archive entry " + name + " is encrypted");
  }
  if (entry.method != 0 && entry.method != 8) {
    return MakeError(ErrorCode::kUnsupported, "archive entry " + name +
                                                  " uses unsupported compression method " +
                                                  std::to_string(entry.method));
  }
  if (entry.sizes_known && entry.uncompressed_size > max_bytes) {
    return MakeError(ErrorCode::kLimit, "archive entry " + name + " unpacks to " +
                                            std::to_string(entry.uncompressed_size) +
                                            " bytes, over the limit of " +
                                            std::to_string(max_bytes));
  }
  std::optional<std::uint64_t> data = DataOffset(entry);
  if (!data) {
    return MakeError(ErrorCode::kCorrupt, "archive entry " + name + " has a damaged header");
  }
  std::uint64_t available = bytes_.size() - *data;
  bool truncated = entry.compressed_size > available;
  std::string_view input = bytes_.substr(*data, std::min(entry.compressed_size, available));

  std::uint64_t produced = 0;
  std::uint32_t crc = crc32(0L, Z_NULL, 0);
  // Charges and hands on one piece; returns an error, or sets *stop when chunk said so.
  auto emit = [&](std::string_view piece, bool* stop) -> std::optional<FileError> {
    produced += piece.size();
    if (produced > max_bytes) {
      return MakeError(ErrorCode::kLimit, "archive entry " + name +
                                              " unpacks to more than the limit of " +
                                              std::to_string(max_bytes) + " bytes");
    }
    if (!budget.ChargeBytes(piece.size())) {
      return MakeError(ErrorCode::kLimit, "archive entry " + name +
                                              ": unpacked size of the archive tree is over "
                                              "the limit");
    }
    if (budget.Expired()) {
      return MakeError(ErrorCode::kLimit,
                       "time limit reached while unpacking archive entry " + name);
    }
    crc = crc32(crc, reinterpret_cast<const Bytef*>(piece.data()), static_cast<uInt>(piece.size()));
    *stop = !chunk(piece);
    return std::nullopt;
  };

  bool stop = false;
  if (entry.method == 0) {
    for (std::size_t at = 0; at < input.size() && !stop; at += kChunk) {
      if (auto err = emit(input.substr(at, kChunk), &stop)) return err;
    }
    if (stop) return std::nullopt;
    if (truncated) {
      return MakeError(ErrorCode::kCorrupt, "archive entry " + name + " is truncated");
    }
  } else {
    Inflater inflater;
    if (!inflater.ok()) {
      return MakeError(ErrorCode::kIo, "cannot start inflating archive entry " + name);
    }
    z_stream& z = inflater.z();
    std::unique_ptr<char[]> out(new char[kChunk]);
    std::size_t in_at = 0;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      if (z.avail_in == 0) {
        if (in_at >= input.size()) break;
        std::size_t take = std::min<std::size_t>(input.size() - in_at, 1u << 30);
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data() + in_at));
        z.avail_in = static_cast<uInt>(take);
        in_at += take;
      }
      z.next_out = reinterpret_cast<Bytef*>(out.get());
      z.avail_out = static_cast<uInt>(kChunk);
      rc = inflate(&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        return MakeError(ErrorCode::kCorrupt, "archive entry " + name + " has corrupt data");
      }
      std::size_t n = kChunk - z.avail_out;
      if (n > 0) {
        if (auto err = emit(std::string_view(out.get(), n), &stop)) return err;
        if (stop) return std::nullopt;
      } else if (rc == Z_BUF_ERROR && z.avail_in == 0 && in_at >= input.size()) {
        break;
      }
    }
    if (rc != Z_STREAM_END) {
      return MakeError(ErrorCode::kCorrupt, "archive entry " + name + " is truncated");
    }
  }
  if (entry.sizes_known) {
    if (produced != entry.uncompressed_size || crc != entry.crc32) {
      return MakeError(ErrorCode::kCorrupt,
                       "archive entry " + name + " fails its size or CRC check");
    }
  }
  return std::nullopt;
}

bool ZipArchive::ReadWhole(const ZipEntry& entry, Budget& budget, std::uint64_t max_bytes,
                           std::string* out, std::optional<FileError>* error) const {
  // Parts of office documents: up to 64 MiB, and no more than deflate can expand the
  // stored bytes (1032:1), so a header that lies costs at most one zeroed buffer the size
  // Read would have reserved anyway.
  const std::uint64_t size = entry.uncompressed_size;
  if (entry.method != 8 || entry.encrypted() || !entry.sizes_known || size == 0 ||
      size > max_bytes || size > (64u << 20) || size / 1032 > entry.compressed_size) {
    return false;
  }
  const std::optional<std::uint64_t> data = DataOffset(entry);
  if (!data || entry.compressed_size > bytes_.size() - *data) return false;
  const Deflate* api = LoadDeflate();
  if (api == nullptr) return false;
  libdeflate_decompressor* d = Decompressor(*api);
  if (d == nullptr) return false;
  out->resize(static_cast<std::size_t>(size));
  // A null actual size: anything but exactly `size` bytes is a failure.
  if (api->decompress(d, bytes_.data() + *data, static_cast<std::size_t>(entry.compressed_size),
                      out->data(), out->size(), nullptr) != LIBDEFLATE_SUCCESS ||
      api->crc32(0, out->data(), out->size()) != entry.crc32) {
    out->clear();
    return false;
  }
  // Charged as Stream charges: 64 KiB at a time, and on a limit `*out` keeps what came
  // before the piece that crossed it.
  const std::string& name = entry.name;
  for (std::size_t at = 0; at < out->size(); at += kChunk) {
    const std::size_t piece = std::min(kChunk, out->size() - at);
    if (!budget.ChargeBytes(piece)) {
      out->resize(at);
      *error = MakeError(ErrorCode::kLimit, "archive entry " + name +
                                                ": unpacked size of the archive tree is over "
                                                "the limit");
      return true;
    }
    if (budget.Expired()) {
      out->resize(at);
      *error =
          MakeError(ErrorCode::kLimit, "time limit reached while unpacking archive entry " + name);
      return true;
    }
  }
  return true;
}

std::optional<FileError> ZipArchive::Read(const ZipEntry& entry, Budget& budget,
                                          std::uint64_t max_bytes, std::string* out) const {
  out->clear();
  std::optional<FileError> error;
  if (ReadWhole(entry, budget, max_bytes, out, &error)) return error;
  if (entry.sizes_known) {
    // A reservation bounded by what this entry may legitimately produce (up to 64 MiB, so
    // that a large worksheet is not copied while it grows; untouched pages cost nothing).
    out->reserve(std::min<std::uint64_t>({entry.uncompressed_size, max_bytes, 64u << 20}));
  }
  return Stream(entry, budget, max_bytes, [out](std::string_view piece) {
    out->append(piece);
    return true;
  });
}

}  // namespace doccheck
