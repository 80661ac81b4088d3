// mailcheck reaches vmime only through the MIME reader plugin, libsendguard-mime.so,
// loaded on the first message its fast paths do not read alone (vmime_adapter.h). Each
// test runs in a new process (a "threadsafe" death test re-runs the test alone), so that
// the plugin the binary's other tests loaded is not there yet.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "doccheck/checker.h"
#include "mailcheck/decide.h"
#include "test_util.h"

namespace mailcheck {
namespace {

// Internal mail allows every attachment, as the agent's policy usually has it.
const char kPolicy[] = R"({"internal_domains": ["city.honjo.lg.jp"],
  "attachments": {"external": {"my_number": "block", "class1": "prompt", "class2": "prompt",
                               "unscannable": "prompt"},
                  "internal": {"my_number": "allow", "class1": "allow", "class2": "allow",
                               "unscannable": "allow"}}})";

// Ordinary internal mail: plain addresses, a Japanese name and subject in encoded words
// (UTF-8, ISO-2022-JP), one text part. The fast paths read all of it.
const char kInternal[] =
    "From: sato-h@city.honjo.lg.jp\r\nTo: =?UTF-8?B?5bGx55Sw?= <arai-a@city.honjo.lg.jp>,"
    " kimura-t@city.honjo.lg.jp\r\nSubject: =?ISO-2022-JP?B?GyRCMnE1RBsoQg==?=\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nasu 10-ji kara desu.\r\n";

// Mail that needs vmime's parser: a Q-encoded display name, a multipart body with an
// attachment for an outside recipient.
const char kNeedsVmime[] =
    "From: sato-h@city.honjo.lg.jp\r\nTo: =?UTF-8?Q?=E5=B1=B1=E7=94=B0?= "
    "<a.yamada@example.ne.jp>\r\n"
    "Subject: =?UTF-8?B?5ZCN57C/?=\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
    "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee the list\r\n"
    "--b1\r\nContent-Type: text/csv; name=\"list.csv\"\r\n"
    "Content-Disposition: attachment; filename=\"list.csv\"\r\n\r\n"
    "name,no\r\nyamada,3739 6401 7574\r\n--b1--\r\n";

bool Mapped(const std::string& name) {
  std::ifstream maps("/proc/self/maps");
  std::stringstream all;
  all << maps.rdbuf();
  return all.str().find(name) != std::string::npos;
}

Result<Decision> DecideAsTheAgent(const std::string& message) {
  auto policy = ParsePolicy(kPolicy);
  if (!policy.ok()) std::abort();
  doccheck::Checker checker(policy.value()->doccheck_options());
  DecideOptions options;
  options.scan_only_when_needed = true;
  return Decide(*policy.value(), checker, message, {}, options);
}

TEST(MimePluginTest, OrdinaryInternalMailLoadsNoVmimeAndOtherMailLoadsIt) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const auto internal = DecideAsTheAgent(kInternal);
        const bool internal_ok = internal.ok() && internal.value().verdict == Verdict::kAllow &&
                                 internal.value().subject == "会議" &&
                                 !Mapped("libsendguard-mime.so") && !Mapped("libvmime");
        const auto other = DecideAsTheAgent(kNeedsVmime);
        const bool other_ok = other.ok() && other.value().subject == "名簿" &&
                              other.value().verdict == Verdict::kBlock &&
                              Mapped("libsendguard-mime.so") && Mapped("libvmime");
        std::fprintf(stderr, "internal=%d other=%d\n", internal_ok, other_ok);
        std::_Exit(internal_ok && other_ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "internal=1 other=1");
}

// Without the plugin, ordinary internal mail is still decided (the fast paths read it),
// and a message that needs vmime is not decided at all: an error, never a decision made
// on recipients or parts that could not be read.
TEST(MimePluginTest, WithoutTheMimeReaderMailThatNeedsItIsNotDecided) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ::setenv("SENDGUARD_MIME_PLUGIN", "/nonexistent/libsendguard-mime.so", 1);
        const auto internal = DecideAsTheAgent(kInternal);
        const bool internal_ok = internal.ok() && internal.value().verdict == Verdict::kAllow;
        const auto other = DecideAsTheAgent(kNeedsVmime);
        const bool refused = !other.ok() && other.error().find("MIME reader could not be loaded") !=
                                                std::string::npos;
        // Each thing that needs vmime alone: a display name, a subject, the parts.
        const auto name = DecideAsTheAgent(
            "To: =?UTF-8?Q?=E5=B1=B1=E7=94=B0?= <arai-a@city.honjo.lg.jp>\r\n\r\nhi\r\n");
        const auto subject = DecideAsTheAgent(
            "To: arai-a@city.honjo.lg.jp\r\nSubject: =?Shift_JIS?B?lryVwA==?=\r\n\r\nhi\r\n");
        const auto parts = DecideAsTheAgent(
            "To: a.yamada@example.ne.jp\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\r\nhi\r\n--b--\r\n");
        std::fprintf(stderr, "internal=%d refused=%d name=%d subject=%d parts=%d %s\n", internal_ok,
                     refused, !name.ok(), !subject.ok(), !parts.ok(),
                     other.ok() ? "" : other.error().c_str());
        std::_Exit(internal_ok && refused && !name.ok() && !subject.ok() && !parts.ok() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "internal=1 refused=1 name=1 subject=1 parts=1");
}

}  // namespace
}  // namespace mailcheck
