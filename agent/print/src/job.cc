#include "print_guard/job.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace print_guard {
namespace {

using mailcheck::Result;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The media type without parameters, lower-cased: "text/plain" of "text/plain;charset=x".
std::string MediaType(std::string_view content_type) {
  std::string type = Lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type;
}

// The first `n` bytes of the file ("" when unreadable).
std::string Head(const std::string& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string head(n, '\0');
  in.read(head.data(), static_cast<std::streamsize>(n));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

std::string WhyFrom(const doccheck::FileReport& report) {
  for (const doccheck::FileError& e : report.errors)
    return std::string(doccheck::ErrorCodeName(e.code));
  for (const doccheck::FileReport& child : report.children) {
    std::string why = WhyFrom(child);
    if (!why.empty()) return why;
  }
  return "";
}

void MarkUnscannable(JobCheck* check, doccheck::ErrorCode code, std::string why,
                     std::string message) {
  check->unscannable = true;
  check->why = std::move(why);
  check->report.errors.push_back({code, std::move(message)});
}

// Runs `ps2ascii in out`; true when it finished with status 0.
bool RunPs2Ascii(const std::string& tool, const std::string& in, const std::string& out) {
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, 0);
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    execl(tool.c_str(), tool.c_str(), in.c_str(), out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

std::string UriScheme(std::string_view uri) {
  const std::size_t colon = uri.find(':');
  return colon == std::string_view::npos ? std::string() : Lower(uri.substr(0, colon));
}

Result<std::string> RealDeviceUri(std::string_view device_uri) {
  if (device_uri.substr(0, kUriPrefix.size()) != kUriPrefix) {
    return Result<std::string>::Error(
        "デバイスURIが sendguard:/ で始まっていません (device URI must start with sendguard:/)");
  }
  std::string real(device_uri.substr(kUriPrefix.size()));
  const std::string scheme = UriScheme(real);
  bool ok = !scheme.empty() && real.size() > scheme.size() + 1;
  for (char c : scheme) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-'))
      ok = false;
  }
  if (!ok) {
    return Result<std::string>::Error(
        "sendguard:/ の後に本来のデバイスURIがありません (no real device URI after sendguard:/)");
  }
  if (scheme == "sendguard") {
    return Result<std::string>::Error(
        "sendguard:/ が二重に指定されています (sendguard:/ wraps itself)");
  }
  return real;
}

Result<BackendJob> ParseBackendJob(const std::vector<std::string>& argv,
                                   const std::map<std::string, std::string>& env) {
  if (argv.size() != 6 && argv.size() != 7) {
    return Result<BackendJob>::Error(
        "使い方: sendguard job-id user title copies options [file] "
        "(usage: sendguard job-id user title copies options [file])");
  }
  BackendJob job;
  job.job_id = argv[1];
  job.user = argv[2];
  job.title = argv[3];
  char* end = nullptr;
  const long copies = std::strtol(argv[4].c_str(), &end, 10);
  job.copies =
      (end && *end == '\0' && copies >= 1 && copies <= 9999) ? static_cast<int>(copies) : 1;
  job.options = argv[5];
  if (argv.size() == 7) job.file = argv[6];
  auto get = [&env](const char* key) {
    auto it = env.find(key);
    return it == env.end() ? std::string() : it->second;
  };
  std::string device_uri = get("DEVICE_URI");
  if (device_uri.empty()) device_uri = argv[0];
  Result<std::string> real = RealDeviceUri(device_uri);
  if (!real.ok()) return Result<BackendJob>::Error(real.error());
  job.real_uri = real.value();
  job.content_type = get("CONTENT_TYPE");
  job.printer = get("PRINTER");
  return job;
}

JobCheck CheckJob(const doccheck::Checker& checker, const std::string& path,
                  std::string_view content_type, const CheckSettings& settings) {
  JobCheck check;
  check.report.path = path;
  check.report.format = "unknown";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    MarkUnscannable(&check, doccheck::ErrorCode::kIo, "io", "the job file cannot be read");
    return check;
  }
  check.size = static_cast<std::uint64_t>(st.st_size);
  if (check.size > settings.max_job_bytes) {
    MarkUnscannable(&check, doccheck::ErrorCode::kLimit, "too_large",
                    "the job is larger than " + std::to_string(settings.max_job_bytes) + " bytes");
    return check;
  }
  const std::string type = MediaType(content_type);
  const std::string head = Head(path, 8);

  if (type == "application/postscript" || type == "application/vnd.cups-postscript" ||
      (type.empty() && head.rfind("%!", 0) == 0)) {
    if (head.rfind("%!", 0) != 0) {
      MarkUnscannable(&check, doccheck::ErrorCode::kCorrupt, "content_mismatch",
                      "sent as PostScript but the bytes are not PostScript");
      return check;
    }
    if (access(settings.ps2ascii.c_str(), X_OK) != 0) {
      check.report.format = "postscript";
      MarkUnscannable(&check, doccheck::ErrorCode::kUnsupported, "unsupported",
                      "PostScript cannot be read without ghostscript (ps2ascii)");
      return check;
    }
    char tmpl_buf[4096];
    std::snprintf(tmpl_buf, sizeof tmpl_buf, "%s/sendguard-ps-XXXXXX", settings.temp_dir.c_str());
    const int fd = mkstemp(tmpl_buf);
    if (fd < 0) {
      MarkUnscannable(&check, doccheck::ErrorCode::kIo, "io", "no room for the PostScript text");
      return check;
    }
    close(fd);
    const std::string text_path = tmpl_buf;
    const bool ok = RunPs2Ascii(settings.ps2ascii, path, text_path);
    if (ok) {
      check.report = checker.CheckFile(text_path, path);
      check.report.format = "postscript";
    } else {
      check.report.format = "postscript";
      MarkUnscannable(&check, doccheck::ErrorCode::kCorrupt, "corrupt",
                      "the PostScript job could not be read");
    }
    unlink(text_path.c_str());
    if (!check.unscannable && check.report.HasErrors()) {
      check.unscannable = true;
      check.why = WhyFrom(check.report);
    }
    return check;
  }
  if (type.rfind("image/", 0) == 0 || type == "application/vnd.cups-raw" ||
      type == "application/vnd.cups-raster" || type == "application/octet-stream") {
    check.report.format = type.empty() ? "unknown" : type;
    MarkUnscannable(&check, doccheck::ErrorCode::kUnsupported, "unsupported",
                    "images and printer-ready data hold no text to check");
    return check;
  }

  check.report = checker.CheckFile(path);
  if (type == "application/pdf" && head.rfind("%PDF-", 0) != 0 && check.report.format != "pdf") {
    MarkUnscannable(&check, doccheck::ErrorCode::kCorrupt, "content_mismatch",
                    "sent as PDF but the bytes are not a PDF document");
    return check;
  }
  if (check.report.HasErrors()) {
    check.unscannable = true;
    check.why = WhyFrom(check.report);
  }
  return check;
}

Result<std::string> SpoolStream(int fd, const std::string& dir, std::uint64_t* size) {
  std::string tmpl = dir + "/sendguard-job-XXXXXX";
  const int out = mkstemp(tmpl.data());
  if (out < 0) {
    return Result<std::string>::Error("一時ファイルを作成できません (cannot create a file in " +
                                      dir + ": " + std::strerror(errno) + ")");
  }
  fchmod(out, 0600);
  std::uint64_t total = 0;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(out);
      unlink(tmpl.c_str());
      return Result<std::string>::Error("ジョブを読み取れません (cannot read the job: " +
                                        std::string(std::strerror(errno)) + ")");
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = write(out, buf + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        close(out);
        unlink(tmpl.c_str());
        return Result<std::string>::Error("ジョブを保存できません (cannot store the job: " +
                                          std::string(std::strerror(errno)) + ")");
      }
      done += w;
    }
    total += static_cast<std::uint64_t>(n);
  }
  close(out);
  if (size) *size = total;
  return tmpl;
}

std::string FileDigest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in || sodium_init() < 0) return "";
  crypto_generichash_state state;
  unsigned char digest[16];
  crypto_generichash_init(&state, nullptr, 0, sizeof digest);
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(buf), got);
  }
  if (in.bad()) return "";
  crypto_generichash_final(&state, digest, sizeof digest);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace print_guard
