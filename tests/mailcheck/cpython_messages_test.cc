// The 47 real-world messages of CPython's email test suite (Debian package
// libpython3.11-testsuite): with no conversion they pass through byte-identical; with
// conversion only To changes. This is the proof that the rewrite is surgical.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "doccheck/checker.h"
#include "mailcheck/decide.h"
#include "mailcheck/policy.h"
#include "raw_header.h"
#include "rewrite_check.h"
#include "test_util.h"

namespace mailcheck {
namespace {

constexpr char kDataDir[] = "/usr/lib/python3.11/test/test_email/data";

std::vector<std::string> Messages() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kDataDir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("msg_", 0) == 0 && name.ends_with(".txt")) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::shared_ptr<const Policy> Compile(const char* json) {
  auto p = ParsePolicy(json);
  EXPECT_TRUE(p.ok()) << p.error();
  return p.value();
}

class CpythonMessagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    messages_ = Messages();
    if (messages_.empty()) {
      GTEST_SKIP() << "CPython test messages not installed: apt-get install -y "
                      "libpython3.11-testsuite ("
                   << kDataDir << ")";
    }
  }
  std::vector<std::string> messages_;
  doccheck::Checker checker_;
};

TEST_F(CpythonMessagesTest, AllFortySevenArePresent) { EXPECT_EQ(messages_.size(), 47u); }

TEST_F(CpythonMessagesTest, WithoutConversionTheyPassThroughByteIdentical) {
  auto policy = Compile(R"({"internal_domains": ["city.honjo.lg.jp"],
                           "bcc_conversion": {"enabled": false}})");
  int identical = 0;
  for (const std::string& path : messages_) {
    const std::string input = testing::ReadFile(path);
    auto d = Decide(*policy, checker_, input);
    ASSERT_TRUE(d.ok()) << path << ": " << d.error();
    EXPECT_FALSE(d.value().bcc_conversion.applied) << path;
    if (d.value().bcc_header_removed) {
      // Only the Bcc field may go.
      EXPECT_TRUE(testing::OnlyToAndBccChanged(input, d.value().transmit_bytes, "")) << path;
    } else {
      EXPECT_EQ(d.value().transmit_bytes, input) << path;
      ++identical;
    }
  }
  EXPECT_GE(identical, 38);
}

TEST_F(CpythonMessagesTest, WithConversionOnlyToAndBccChange) {
  // One To address is enough, and nothing in these messages is internal.
  auto policy = Compile(R"({"internal_domains": ["city.honjo.lg.jp"],
                           "bcc_conversion": {"min_to_recipients": 1}})");
  int converted = 0;
  for (const std::string& path : messages_) {
    std::string input = testing::ReadFile(path);
    RawHeader header = SplitHeader(input);
    bool has_to = std::any_of(header.fields.begin(), header.fields.end(),
                              [](const RawField& f) { return FieldNameIs(f, "To"); });
    if (!has_to) {
      // Give it a To so that it converts too; the line ending follows the message.
      const bool crlf = input.find("\r\n") != std::string::npos;
      input = "To: a@example.com, b@example.org" + std::string(crlf ? "\r\n" : "\n") + input;
    }
    auto d = Decide(*policy, checker_, input);
    ASSERT_TRUE(d.ok()) << path << ": " << d.error();
    if (!d.value().bcc_conversion.applied) {
      // A To that holds no address at all (e.g. only a group with no members).
      EXPECT_TRUE(testing::OnlyToAndBccChanged(input, d.value().transmit_bytes, "")) << path;
      continue;
    }
    ++converted;
    EXPECT_TRUE(
        testing::OnlyToAndBccChanged(input, d.value().transmit_bytes, "undisclosed-recipients:;"))
        << path;
  }
  EXPECT_GE(converted, 40);
}

}  // namespace
}  // namespace mailcheck
