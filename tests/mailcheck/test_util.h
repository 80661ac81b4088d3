// Helpers shared by the mailcheck tests: files, running the CLI, JSON.
#ifndef SENDGUARD_TESTS_MAILCHECK_TEST_UTIL_H_
#define SENDGUARD_TESTS_MAILCHECK_TEST_UTIL_H_

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace mailcheck::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string CorpusMailDir() { return std::string(SENDGUARD_CORPUS_DIR) + "/mail"; }
inline std::string TestDataDir() { return std::string(SENDGUARD_TEST_DATA_DIR) + "/mailcheck"; }

// A fresh directory under the system temp dir, removed by the caller when wanted.
inline std::string MakeTempDir(const std::string& tag) {
  std::string pattern = (std::filesystem::temp_directory_path() / ("mailcheck-" + tag + "-XXXXXX"));
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  char* dir = mkdtemp(buf.data());
  return dir ? std::string(dir) : std::string();
}

inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout only
};

// Runs `args` (quoted for the shell) and captures stdout.
inline CommandResult Run(const std::vector<std::string>& args, const std::string& stdin_path = "") {
  std::string command;
  for (const std::string& a : args) command += ShellQuote(a) + " ";
  if (!stdin_path.empty()) command += "< " + ShellQuote(stdin_path) + " ";
  command += "2>/dev/null";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) result.out.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline Poco::Dynamic::Var ParseJson(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text);
}

}  // namespace mailcheck::testing

#endif  // SENDGUARD_TESTS_MAILCHECK_TEST_UTIL_H_
