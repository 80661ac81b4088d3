// The print guard's view of one CUPS job (backend(7)): who printed what, where it really
// goes, and the bytes of the job, read and checked with doccheck. Everything here reads
// outside input (argv, environment, the job's bytes) and never throws: bad input becomes
// an error Result or a check that could not be completed ("unscannable"), never a crash.
// The functions are pure apart from the files they are given; thread-safe.
#ifndef PRINT_GUARD_JOB_H_
#define PRINT_GUARD_JOB_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "doccheck/checker.h"
#include "doccheck/report.h"
#include "mailcheck/result.h"

namespace print_guard {

// The URI scheme of a guarded queue: "sendguard:/" + the real device URI.
inline constexpr std::string_view kUriPrefix = "sendguard:/";

// One job as CUPS hands it to the backend: `job-id user title copies options [file]`.
struct BackendJob {
  std::string job_id;
  std::string user;
  std::string title;
  int copies = 1;
  std::string options;
  std::string file;          // argv[6], or "" when the job comes on stdin
  std::string content_type;  // CONTENT_TYPE (the original document's type)
  std::string real_uri;      // the wrapped device URI, e.g. "ipp://printer/ipp/print"
  std::string printer;       // PRINTER (the queue's name)
};

// "ipp://host/x" from "sendguard:/ipp://host/x". Refuses a URI that does not start with
// the prefix, whose rest is not "scheme:..." with a scheme of [a-z0-9+.-], or that wraps
// sendguard itself (a loop).
mailcheck::Result<std::string> RealDeviceUri(std::string_view device_uri);

// The scheme of a URI ("ipp" of "ipp://...").
std::string UriScheme(std::string_view uri);

// Reads argv (argv[0] included; 6 or 7 entries) and the environment (DEVICE_URI,
// CONTENT_TYPE, PRINTER). The error is Japanese first, then English.
mailcheck::Result<BackendJob> ParseBackendJob(const std::vector<std::string>& argv,
                                              const std::map<std::string, std::string>& env);

// The outcome of checking a job's bytes.
struct JobCheck {
  doccheck::FileReport report;  // errors mean "could not be fully checked"
  std::uint64_t size = 0;       // bytes in the job
  bool unscannable = false;     // not fully checked: see `why` and report.errors
  std::string why;              // reason code when unscannable: "too_large", "encrypted",
                                // "corrupt", "unsupported", "content_mismatch", "io", ...
};

struct CheckSettings {
  std::uint64_t max_job_bytes = 100ull << 20;  // larger jobs are not read: unscannable
  std::string ps2ascii = "/usr/bin/ps2ascii";  // PostScript to text (ghostscript)
  std::string temp_dir = "/tmp";               // for the PostScript text
};

// Checks the job file at `path`, sent as `content_type`. PDF, text (any Japanese
// encoding), Office/ODF and the other doccheck formats are checked from the bytes;
// PostScript through `ps2ascii` when it is installed; raster and raw jobs, and a job
// whose bytes are not what CONTENT_TYPE says, are unscannable.
JobCheck CheckJob(const doccheck::Checker& checker, const std::string& path,
                  std::string_view content_type, const CheckSettings& settings);

// Copies everything readable from `fd` into a new file under `dir` (mode 0600) and
// returns its path; the caller removes it. `size` receives the number of bytes copied.
mailcheck::Result<std::string> SpoolStream(int fd, const std::string& dir, std::uint64_t* size);

// A hex digest (BLAKE2b, 128 bits) of the file, "" when it cannot be read. Identifies a
// held job when it comes back after a release.
std::string FileDigest(const std::string& path);

}  // namespace print_guard

#endif  // PRINT_GUARD_JOB_H_
