// Differential fuzzer for mailcheck's fast paths (mailcheck/src/fast_path.h): on arbitrary
// message bytes, the decision with fast paths must equal the decision with vmime parsing
// everything, and each fast path that answers must give vmime's answer. Aborts on the
// first difference.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "doccheck/checker.h"
#include "fast_path.h"
#include "mailcheck/decide.h"
#include "mailcheck/policy.h"
#include "mailcheck/report_writer.h"
#include "mime/mime_plugin.h"
#include "raw_header.h"
#include "vmime_adapter.h"

namespace {

std::string Fingerprint(const mailcheck::Decision& d) {
  return mailcheck::DecisionToJson(d) + "\n" + d.sender + "\n" +
         (d.bcc_header_removed ? "1" : "0") + "\n" + d.transmit_bytes;
}

bool SameMailboxes(const std::vector<mailcheck::ParsedMailbox>& a,
                   const std::vector<mailcheck::ParsedMailbox>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].local != b[i].local || a[i].domain != b[i].domain ||
        a[i].display_name != b[i].display_name || a[i].group != b[i].group) {
      return false;
    }
  }
  return true;
}

}  // namespace

// The MIME reader plugin (vmime) is loaded before libFuzzer counts its modules, so that
// its coverage guides the run; without it there would be nothing to compare against.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const mime::MimePlugin& plugin = mime::LoadMimePlugin();
  if (!plugin.api) {
    std::fprintf(stderr, "fast_path_fuzz: %s\n", plugin.error.c_str());
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const doccheck::Checker checker;
  static const auto policy = mailcheck::DefaultPolicy();
  const std::string_view raw(reinterpret_cast<const char*>(data), size);

  const mailcheck::RawHeader header = mailcheck::SplitHeader(raw);
  for (const mailcheck::RawField& field : header.fields) {
    const auto text = mailcheck::DecodeSimpleHeaderText(field.value);
    if (text && *text != mailcheck::DecodeHeaderText(field.value, false)) std::abort();
    const auto simple = mailcheck::ParseSimpleAddressList(field.value);
    if (simple && !SameMailboxes(*simple, mailcheck::ParseAddressList(field.value, false))) {
      std::abort();
    }
  }
  if (const auto listed = mailcheck::ListSinglePartText(raw, header)) {
    const auto full = mailcheck::ExtractParts(raw, 16, /*with_content=*/false);
    if (listed->size() != full.size()) std::abort();
    for (std::size_t i = 0; i < full.size(); ++i) {
      if ((*listed)[i].name != full[i].name || (*listed)[i].is_body != full[i].is_body) {
        std::abort();
      }
    }
  }

  // Internal envelope: nothing is scanned, so the part listing's fast path is taken.
  mailcheck::Envelope envelope{"yoshida-t@city.honjo.lg.jp", {"yamada-a@city.honjo.lg.jp"}};
  mailcheck::DecideOptions fast, full;
  fast.scan_only_when_needed = full.scan_only_when_needed = true;
  full.fast_paths = false;
  const auto a = mailcheck::Decide(*policy, checker, raw, envelope, fast);
  const auto b = mailcheck::Decide(*policy, checker, raw, envelope, full);
  if (a.ok() != b.ok()) std::abort();
  if (a.ok() && Fingerprint(a.value()) != Fingerprint(b.value())) std::abort();
  return 0;
}
