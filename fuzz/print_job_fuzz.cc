// Fuzzes the print guard's job reading (agent/print): the first byte chooses the
// CONTENT_TYPE the job claims, the rest is the job's bytes, spooled through SpoolStream
// as stdin would be and checked with CheckJob; the same bytes are also read as a device
// URI and as backend arguments. None of it may crash, hang or leak.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "print_guard/decision.h"
#include "print_guard/job.h"

namespace {

constexpr const char* kTypes[] = {
    "application/pdf",
    "text/plain",
    "text/plain;charset=shift_jis",
    "application/postscript",
    "image/jpeg",
    "",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.cups-raw"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view type = kTypes[data[0] % (sizeof kTypes / sizeof kTypes[0])];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  print_guard::RealDeviceUri(bytes);
  print_guard::ParseBackendJob({"sendguard", "1", "u", std::string(bytes), std::string(bytes), ""},
                               {{"DEVICE_URI", "sendguard:/" + std::string(bytes)}});

  // Through a file descriptor, as CUPS feeds a filtered job on stdin.
  std::FILE* tmp = std::tmpfile();
  if (!tmp) return 0;
  std::fwrite(bytes.data(), 1, bytes.size(), tmp);
  std::fflush(tmp);
  std::rewind(tmp);
  std::uint64_t spooled = 0;
  mailcheck::Result<std::string> path = print_guard::SpoolStream(fileno(tmp), "/tmp", &spooled);
  std::fclose(tmp);
  if (!path.ok()) return 0;

  static const doccheck::Checker checker;
  print_guard::CheckSettings settings;
  settings.max_job_bytes = 1 << 20;
  settings.ps2ascii = "/nonexistent/ps2ascii";  // no child processes under the fuzzer
  print_guard::JobCheck check = print_guard::CheckJob(checker, path.value(), type, settings);
  mailcheck::PrintActions actions;
  actions.my_number = mailcheck::PrintAction::kHold;
  actions.unscannable = mailcheck::PrintAction::kHold;
  print_guard::Decide(actions, check);
  print_guard::FileDigest(path.value());
  unlink(path.value().c_str());
  return 0;
}
