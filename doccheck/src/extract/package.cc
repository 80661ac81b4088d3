#include "extract/package.h"

#include <utility>

#include "extract/lean_xml.h"

namespace doccheck {
namespace {

// Collects the <Relationship> elements of a .rels part.
class RelationshipsHandler : public XmlHandler {
 public:
  RelationshipsHandler(std::string_view base, std::vector<Relationship>* out)
      : base_(base), out_(out) {}
  bool StartElement(std::string_view local, const XmlAttributes& a) override {
    if (local != "Relationship") return true;
    Relationship r;
    if (auto v = a.Get("Id")) r.id = *v;
    if (auto v = a.Get("Type")) r.type = *v;
    if (auto v = a.Get("TargetMode")) r.external = *v == "External";
    if (auto v = a.Get("Target"))
      r.target = r.external ? std::string(*v) : ResolvePartPath(base_, *v);
    out_->push_back(std::move(r));
    return true;
  }
  bool EndElement(std::string_view) override { return true; }
  bool Characters(std::string_view) override { return true; }

 private:
  std::string_view base_;
  std::vector<Relationship>* out_;
};

}  // namespace

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string ResolvePartPath(std::string_view base_part, std::string_view target) {
  std::vector<std::string> segments;
  if (!target.empty() && target.front() == '/') {
    target.remove_prefix(1);
  } else {
    std::size_t slash = base_part.rfind('/');
    std::string_view dir = slash == std::string_view::npos ? "" : base_part.substr(0, slash);
    while (!dir.empty()) {
      std::size_t next = dir.find('/');
      segments.emplace_back(dir.substr(0, next));
      dir = next == std::string_view::npos ? "" : dir.substr(next + 1);
    }
  }
  while (!target.empty()) {
    std::size_t next = target.find('/');
    std::string_view seg = target.substr(0, next);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.emplace_back(seg);
    }
    target = next == std::string_view::npos ? "" : target.substr(next + 1);
  }
  std::string path;
  for (const std::string& s : segments) {
    if (!path.empty()) path += '/';
    path += s;
  }
  return path;
}

int PartNumber(std::string_view name) {
  std::size_t end = name.rfind('.');
  if (end == std::string_view::npos) end = name.size();
  std::size_t begin = end;
  while (begin > 0 && name[begin - 1] >= '0' && name[begin - 1] <= '9') --begin;
  if (begin == end || end - begin > 6) return 0;
  int n = 0;
  for (std::size_t i = begin; i < end; ++i) n = n * 10 + (name[i] - '0');
  return n;
}

Package::Package(std::string_view bytes, std::string_view format, ExtractSink& sink)
    : zip_(bytes, static_cast<std::size_t>(
                      std::min<std::uint64_t>(sink.budget().limits().max_entries, 1000000))),
      format_(format),
      sink_(sink) {
  if (!zip_.ok()) {
    sink_.Error(ErrorCode::kCorrupt, std::string(format_) + " container is not a readable ZIP");
  } else if (zip_.damaged()) {
    sink_.Error(ErrorCode::kCorrupt,
                std::string(format_) + " container is damaged: " + zip_.problem());
  }
  if (zip_.more_entries()) {
    sink_.Error(ErrorCode::kLimit, std::string(format_) + " container has more than " +
                                       std::to_string(zip_.entries().size()) +
                                       " entries; only those were read");
  }
}

void Package::Report(FileError error) {
  if (error.code == ErrorCode::kLimit) stopped_ = true;
  sink_.Error(error.code, std::move(error.message));
}

bool Package::Read(const ZipEntry& entry, std::string* out) {
  out->clear();
  if (stopped_) return false;
  if (!sink_.budget().ChargeEntry()) {
    Report(FileError{ErrorCode::kLimit, "too many archive entries (at " + entry.name + ")"});
    return false;
  }
  auto error = zip_.Read(entry, sink_.budget(), sink_.budget().limits().max_file_bytes, out);
  if (error) {
    Report(std::move(*error));
    return false;
  }
  return true;
}

bool Package::Read(std::string_view name, std::string* out) {
  const ZipEntry* entry = zip_.Find(name);
  if (entry == nullptr) {
    out->clear();
    return false;
  }
  return Read(*entry, out);
}

bool Package::Parse(std::string_view name, XmlHandler& handler) {
  std::string xml;
  if (!Read(name, &xml)) return false;
  if (auto error = ParseXml(xml, name, handler, sink_.budget())) {
    Report(std::move(*error));
    return false;
  }
  return true;
}

bool Package::ParseLean(std::string_view name, XmlHandler& handler) {
  std::string xml;
  if (!Read(name, &xml)) return false;
  auto error = LeanXmlApplies(xml) ? ParseLeanXml(xml, name, handler, sink_.budget())
                                   : ParseXml(xml, name, handler, sink_.budget());
  if (error) {
    Report(std::move(*error));
    return false;
  }
  return true;
}

void Package::Embed(const ZipEntry& entry) {
  std::string bytes;
  if (Read(entry, &bytes)) sink_.Embedded(entry.name, bytes);
}

void EmbedOfficeObjects(Package& package, std::string_view prefix) {
  static constexpr std::string_view kDocumentSuffixes[] = {
      ".docx", ".xlsx", ".pptx", ".docm", ".xlsm", ".pptm", ".odt",  ".ods",
      ".odp",  ".pdf",  ".zip",  ".txt",  ".csv",  ".htm",  ".html", ".eml"};
  for (const ZipEntry& e : package.zip().entries()) {
    if (package.stopped()) return;
    if (!StartsWith(e.name, prefix) || e.is_directory()) continue;
    std::string lower = e.name;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    for (std::string_view suffix : kDocumentSuffixes) {
      if (EndsWith(lower, suffix)) {
        package.Embed(e);
        break;
      }
    }
  }
}

std::vector<Relationship> Package::Relationships(std::string_view part) {
  std::string rels_name;
  std::size_t slash = part.rfind('/');
  if (slash == std::string_view::npos) {
    rels_name = "_rels/" + std::string(part) + ".rels";
  } else {
    rels_name = std::string(part.substr(0, slash)) + "/_rels/" +
                std::string(part.substr(slash + 1)) + ".rels";
  }
  std::vector<Relationship> out;
  RelationshipsHandler handler(part, &out);
  Parse(rels_name, handler);
  return out;
}

}  // namespace doccheck
