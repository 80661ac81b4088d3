// An independent check of the surgical-rewrite promise (CONTRACTS.md §2): compared with
// the input, OUT differs only in To (replaced) and Bcc (removed). Written separately from
// raw_header.cc so the library is not checked against itself.
#ifndef SENDGUARD_TESTS_MAILCHECK_REWRITE_CHECK_H_
#define SENDGUARD_TESTS_MAILCHECK_REWRITE_CHECK_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailcheck::testing {

struct SplitMessage {
  std::vector<std::string> fields;  // raw bytes of each field, continuation lines included
  std::string body;                 // everything from the blank line on
};

inline SplitMessage Split(const std::string& m) {
  SplitMessage s;
  std::size_t pos = 0;
  while (pos < m.size()) {
    std::size_t nl = m.find('\n', pos);
    std::size_t next = nl == std::string::npos ? m.size() : nl + 1;
    std::string line = m.substr(pos, next - pos);
    if (line == "\r\n" || line == "\n") {
      s.body = m.substr(pos);
      return s;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !s.fields.empty()) {
      s.fields.back() += line;
    } else {
      s.fields.push_back(line);
    }
    pos = next;
  }
  return s;
}

inline std::string LowerName(const std::string& field) {
  std::size_t colon = field.find(':');
  std::string name = field.substr(0, colon == std::string::npos ? 0 : colon);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// `expected_to` is the new To value ("undisclosed-recipients:;") or "" when To must be
// unchanged.
inline ::testing::AssertionResult OnlyToAndBccChanged(const std::string& in, const std::string& out,
                                                      const std::string& expected_to) {
  SplitMessage a = Split(in), b = Split(out);
  if (a.body != b.body) return ::testing::AssertionFailure() << "bytes after the header differ";
  std::vector<std::string> kept_in, kept_out, to_out;
  for (const std::string& f : a.fields) {
    std::string n = LowerName(f);
    if (n == "bcc") continue;
    if (n == "to" && !expected_to.empty()) continue;
    kept_in.push_back(f);
  }
  for (const std::string& f : b.fields) {
    std::string n = LowerName(f);
    if (n == "bcc") return ::testing::AssertionFailure() << "a Bcc field is left: " << f;
    if (n == "to" && !expected_to.empty()) {
      to_out.push_back(f);
      continue;
    }
    kept_out.push_back(f);
  }
  if (kept_in != kept_out) {
    return ::testing::AssertionFailure() << "other header fields changed or moved";
  }
  if (!expected_to.empty()) {
    if (to_out.size() != 1) {
      return ::testing::AssertionFailure() << to_out.size() << " To fields after conversion";
    }
    std::string line = to_out[0];
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line != "To: " + expected_to) {
      return ::testing::AssertionFailure() << "To is \"" << line << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace mailcheck::testing

#endif  // SENDGUARD_TESTS_MAILCHECK_REWRITE_CHECK_H_
