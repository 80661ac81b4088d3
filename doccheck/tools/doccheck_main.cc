// doccheck: finds personal information in documents (CONTRACTS.md §1).
// A thin command line over doccheck::Checker.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "doccheck/checker.h"
#include "doccheck/report_format.h"

namespace {

constexpr char kUsage[] =
    "usage: doccheck [--policy FILE] [--json] [--reveal] [--max-bytes N] [--jobs N] PATH...\n"
    "  PATH    a file or a directory (searched recursively); - reads one document from stdin\n"
    "  exit 0: nothing found, 1: findings, 2: a file could not be fully checked\n";

struct Args {
  std::string policy;
  bool json = false;
  bool reveal = false;
  long long max_bytes = -1;
  int jobs = 0;
  std::vector<std::string> paths;
};

bool ParseArgs(int argc, char** argv, Args* args, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* flag) -> const char* {
      if (i + 1 >= argc) {
        *error = std::string(flag) + " needs a value";
        return nullptr;
      }
      return argv[++i];
    };
    if (a == "--json") {
      args->json = true;
    } else if (a == "--reveal") {
      args->reveal = true;
    } else if (a == "--policy") {
      const char* v = value("--policy");
      if (!v) return false;
      args->policy = v;
    } else if (a == "--max-bytes" || a == "--jobs") {
      const char* v = value(a.c_str());
      if (!v) return false;
      char* end = nullptr;
      const long long n = std::strtoll(v, &end, 10);
      if (!*v || *end || n <= 0) {
        *error = a + " needs a positive number, not '" + v + "'";
        return false;
      }
      if (a == "--jobs")
        args->jobs = static_cast<int>(std::min(n, 256LL));
      else
        args->max_bytes = n;
    } else if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (a.size() > 1 && a[0] == '-' && a != "-") {
      *error = "unknown option " + a;
      return false;
    } else {
      args->paths.push_back(a);
    }
  }
  if (args->paths.empty()) {
    *error = "no PATH given";
    return false;
  }
  return true;
}

// Expands directories (recursively, sorted) into files; keeps everything else as given.
std::vector<std::string> ExpandPaths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (p != "-" && std::filesystem::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = std::filesystem::recursive_directory_iterator(
               p, std::filesystem::directory_options::skip_permission_denied, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  return files;
}

// Progress of a run over many files, on stderr: files, megabytes and rate, redrawn on
// one line at most four times a second. Thread-safe.
class Progress {
 public:
  Progress(std::size_t files, std::uint64_t total_bytes)
      : files_(files), total_bytes_(total_bytes), start_(std::chrono::steady_clock::now()) {}

  // One more file of `bytes` is done.
  void FileDone(std::uint64_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    bytes_ += bytes;
    const auto now = std::chrono::steady_clock::now();
    if (done_ != files_ && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double mb = static_cast<double>(bytes_) / 1e6;
    std::fprintf(stderr, "\r確認中 checked %zu/%zu files, %.1f/%.1f MB, %.1f MB/s ", done_, files_,
                 mb, static_cast<double>(total_bytes_) / 1e6, seconds > 0 ? mb / seconds : 0.0);
    if (done_ == files_) std::fputs("\n", stderr);
    std::fflush(stderr);
  }

 private:
  std::mutex mutex_;
  const std::size_t files_;
  const std::uint64_t total_bytes_;
  const std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
  std::size_t done_ = 0;
  std::uint64_t bytes_ = 0;
};

std::uint64_t FileSize(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = path == "-" ? 0 : std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(size);
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, &args, &error)) {
    std::fprintf(stderr, "doccheck: %s\n%s", error.c_str(), kUsage);
    return 2;
  }
  doccheck::Options options;
  if (!args.policy.empty()) {
    const doccheck::Status s = doccheck::LoadOptionsFromPolicyFile(args.policy, &options);
    if (!s.ok()) {
      std::fprintf(stderr, "doccheck: %s\n", s.message().c_str());
      return 2;
    }
  }
  if (args.max_bytes > 0)
    options.limits.max_file_bytes = static_cast<std::uint64_t>(args.max_bytes);
  options.reveal = args.reveal;
  const std::vector<std::string> files = ExpandPaths(args.paths);
  const int cores =
      args.jobs > 0 ? args.jobs : static_cast<int>(std::thread::hardware_concurrency());
  // One file: its chunks are scanned in parallel; many files: one thread per file.
  if (files.size() == 1) options.threads_per_file = std::max(1, cores);
  const doccheck::Checker checker(options);

  std::vector<doccheck::FileReport> reports(files.size());
  const int jobs =
      std::max(1, std::min<int>(cores, static_cast<int>(std::max<std::size_t>(files.size(), 1))));
  // Progress only for a person watching: stderr a terminal, and not with --json (whose
  // consumer is a program).
  std::unique_ptr<Progress> progress;
  if (isatty(STDERR_FILENO) && !args.json && files.size() > 1) {
    std::uint64_t total = 0;
    for (const std::string& f : files) total += FileSize(f);
    progress = std::make_unique<Progress>(files.size(), total);
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&]() {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      if (files[i] == "-") {
        std::string bytes((std::istreambuf_iterator<char>(std::cin)),
                          std::istreambuf_iterator<char>());
        reports[i] = checker.CheckBytes("-", bytes);
      } else {
        reports[i] = checker.CheckFile(files[i]);
      }
      if (progress) progress->FileDone(FileSize(files[i]));
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();

  bool any_error = false, any_finding = false;
  for (const doccheck::FileReport& r : reports) {
    any_error = any_error || r.HasErrors();
    any_finding = any_finding || r.HasFindings();
  }
  std::string out;
  if (args.json) {
    out = doccheck::ReportsToJson(reports, args.reveal);
  } else {
    for (const doccheck::FileReport& r : reports) {
      doccheck::AppendFileReportText(r, args.reveal, &out);
      out.push_back('\n');
    }
    out += doccheck::SummaryText(reports) + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return any_error ? 2 : (any_finding ? 1 : 0);
}
