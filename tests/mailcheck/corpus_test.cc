// The mail corpus (/work/shared/corpus/mail) with its manifest and policy: verdicts,
// moved sets, To/Cc after the rewrite, exit codes of the real CLI, and the byte-level
// promises of the rewrite. The attachment cases (p11-p14, p17) depend on doccheck.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "doccheck/checker.h"
#include "mailcheck/decide.h"
#include "mailcheck/policy.h"
#include "raw_header.h"
#include "rewrite_check.h"
#include "test_util.h"
#include "vmime_adapter.h"

namespace mailcheck {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

struct Case {
  std::string file;
  std::string verdict;
  std::set<std::string> moved, to_after, cc_after;
  int exit = 0;
  bool had_bcc = false;
};

std::set<std::string> StringSet(const Array::Ptr& array) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < array->size(); ++i) out.insert(array->getElement<std::string>(i));
  return out;
}

std::vector<Case> LoadManifest() {
  std::vector<Case> cases;
  auto root = testing::ParseJson(testing::ReadFile(testing::CorpusMailDir() + "/manifest.json"))
                  .extract<Array::Ptr>();
  for (std::size_t i = 0; i < root->size(); ++i) {
    Object::Ptr o = root->getObject(static_cast<unsigned>(i));
    Case c;
    c.file = o->getValue<std::string>("file");
    c.verdict = o->getValue<std::string>("verdict");
    c.moved = StringSet(o->getArray("moved"));
    c.to_after = StringSet(o->getArray("to_after"));
    c.cc_after = StringSet(o->getArray("cc_after"));
    c.exit = o->getValue<int>("exit");
    c.had_bcc = o->getValue<bool>("had_bcc");
    cases.push_back(c);
  }
  return cases;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Lower-case addresses of every `name` field of `message`.
std::set<std::string> AddressesIn(const std::string& message, const char* name) {
  std::set<std::string> out;
  RawHeader h = SplitHeader(message);
  for (const RawField& f : h.fields) {
    if (!FieldNameIs(f, name)) continue;
    for (const ParsedMailbox& m : ParseAddressList(f.value)) out.insert(Lower(m.Address()));
  }
  return out;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.file; }

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return info.param.file.substr(0, 3);
}

class CorpusTest : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    auto p = LoadPolicyFile(testing::CorpusMailDir() + "/policy.json");
    ASSERT_TRUE(p.ok()) << p.error();
    policy_ = p.value();
    checker_ = new doccheck::Checker(policy_->doccheck_options());
  }
  static void TearDownTestSuite() {
    delete checker_;
    checker_ = nullptr;
  }
  static std::shared_ptr<const Policy> policy_;
  static doccheck::Checker* checker_;
};
std::shared_ptr<const Policy> CorpusTest::policy_;
doccheck::Checker* CorpusTest::checker_ = nullptr;

TEST_P(CorpusTest, LibraryDecidesAsTheManifestSays) {
  const Case& c = GetParam();
  const std::string input = testing::ReadFile(testing::CorpusMailDir() + "/" + c.file);
  auto result = Decide(*policy_, *checker_, input);
  ASSERT_TRUE(result.ok()) << result.error();
  const Decision& d = result.value();
  EXPECT_EQ(VerdictName(d.verdict), c.verdict);
  std::set<std::string> moved(d.bcc_conversion.moved.begin(), d.bcc_conversion.moved.end());
  EXPECT_EQ(moved, c.moved);
  EXPECT_EQ(d.bcc_conversion.applied, !c.moved.empty());
  EXPECT_EQ(d.bcc_header_removed, c.had_bcc);
  for (const Reason& r : d.reasons) {
    EXPECT_FALSE(r.code.empty());
    EXPECT_FALSE(r.message.empty());
    EXPECT_FALSE(r.message_ja.empty());
  }
}

TEST_P(CorpusTest, RewriteChangesOnlyToAndBcc) {
  const Case& c = GetParam();
  const std::string input = testing::ReadFile(testing::CorpusMailDir() + "/" + c.file);
  auto result = Decide(*policy_, *checker_, input);
  ASSERT_TRUE(result.ok()) << result.error();
  const std::string& out = result.value().transmit_bytes;
  const bool converted = !c.moved.empty();
  EXPECT_TRUE(
      testing::OnlyToAndBccChanged(input, out, converted ? "undisclosed-recipients:;" : ""));
  if (!converted && !c.had_bcc) {
    EXPECT_EQ(out, input);
  }
  EXPECT_EQ(AddressesIn(out, "To"), c.to_after);
  EXPECT_EQ(AddressesIn(out, "Cc"), c.cc_after);
  EXPECT_TRUE(AddressesIn(out, "Bcc").empty());
}

#ifdef MAILCHECK_BINARY
TEST_P(CorpusTest, CliExitCodeJsonAndRewrite) {
  const Case& c = GetParam();
  const std::string path = testing::CorpusMailDir() + "/" + c.file;
  const std::string dir = testing::MakeTempDir("corpus");
  const std::string out_path = dir + "/out.eml";
  auto r = testing::Run({MAILCHECK_BINARY, "--policy", testing::CorpusMailDir() + "/policy.json",
                         "--json", "--rewrite", out_path, path});
  EXPECT_EQ(r.exit_code, c.exit);
  Object::Ptr json = testing::ParseJson(r.out).extract<Object::Ptr>();
  EXPECT_EQ(json->getValue<std::string>("verdict"), c.verdict);
  EXPECT_EQ(json->getValue<int>("policy_version"), 1);
  Object::Ptr bcc = json->getObject("bcc_conversion");
  EXPECT_EQ(StringSet(bcc->getArray("moved")), c.moved);
  EXPECT_TRUE(json->getArray("reasons") && json->getArray("recipients") &&
              json->getArray("attachments"));
  if (c.verdict != "block") {
    ASSERT_TRUE(std::filesystem::exists(out_path)) << "--rewrite OUT not written";
    const std::string input = testing::ReadFile(path);
    const std::string out = testing::ReadFile(out_path);
    EXPECT_TRUE(testing::OnlyToAndBccChanged(input, out,
                                             c.moved.empty() ? "" : "undisclosed-recipients:;"));
    if (c.moved.empty() && !c.had_bcc) {
      EXPECT_EQ(out, input);
    }
    EXPECT_EQ(AddressesIn(out, "To"), c.to_after);
    EXPECT_EQ(AddressesIn(out, "Cc"), c.cc_after);
  }
  std::filesystem::remove_all(dir);
}

TEST(CorpusCliTest, StdinGivesTheSameDecision) {
  const std::string path = testing::CorpusMailDir() + "/p03_two_external_to.eml";
  auto r = testing::Run(
      {MAILCHECK_BINARY, "--policy", testing::CorpusMailDir() + "/policy.json", "--json", "-"},
      path);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\"verdict\":\"convert\""), std::string::npos);
}

TEST(CorpusCliTest, UnreadableMessageIsExitThree) {
  auto r = testing::Run({MAILCHECK_BINARY, "/nonexistent/message.eml"});
  EXPECT_EQ(r.exit_code, 3);
  const std::string dir = testing::MakeTempDir("empty");
  testing::WriteFile(dir + "/empty.eml", "");
  EXPECT_EQ(testing::Run({MAILCHECK_BINARY, dir + "/empty.eml"}).exit_code, 3);
  std::filesystem::remove_all(dir);
}

// mailcheck reads a mail with vmime through the MIME reader plugin
// (libsendguard-mime.so); missing or not the plugin, the message is not decided: exit 3
// with the reason on stderr, no verdict, nothing rewritten.
TEST(CorpusCliTest, MailIsReadThroughTheMimePluginAndWithoutItIsNotDecided) {
  const std::string path = testing::CorpusMailDir() + "/p12_residents_xlsx_external.eml";
  const std::string policy = testing::CorpusMailDir() + "/policy.json";
  const std::string dir = testing::MakeTempDir("mime");
  const auto read = testing::Run({MAILCHECK_BINARY, "--policy", policy, "--json", path});
  EXPECT_EQ(read.exit_code, 1) << read.out;
  EXPECT_NE(read.out.find("\"verdict\":\"prompt\""), std::string::npos) << read.out;
  for (const std::string& plugin : {dir + "/no-such-plugin.so", std::string("libz.so.1")}) {
    ::setenv("SENDGUARD_MIME_PLUGIN", plugin.c_str(), 1);
    const auto r = testing::Run(
        {MAILCHECK_BINARY, "--policy", policy, "--json", "--rewrite", dir + "/out.eml", path});
    ::unsetenv("SENDGUARD_MIME_PLUGIN");
    EXPECT_EQ(r.exit_code, 3) << plugin;
    EXPECT_EQ(r.out, "") << plugin;
    EXPECT_FALSE(std::filesystem::exists(dir + "/out.eml")) << plugin;
  }
  std::filesystem::remove_all(dir);
}

TEST(CorpusCliTest, EnvelopeRecipientsOverrideHeaders) {
  // p02 has one external To; an extra envelope recipient outside the headers is a
  // blind copy and never triggers conversion (the To header has one address).
  const std::string path = testing::CorpusMailDir() + "/p02_one_external_to.eml";
  auto r = testing::Run({MAILCHECK_BINARY, "--policy", testing::CorpusMailDir() + "/policy.json",
                         "--json", "--from", "yoshida-t@city.honjo.lg.jp", "--rcpt",
                         "t.kimura@pref.example.lg.jp", "--rcpt", "<x@example.com>", path});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\"address\":\"x@example.com\",\"name\":\"\",\"field\":\"bcc\""),
            std::string::npos)
      << r.out;
}
#endif

INSTANTIATE_TEST_SUITE_P(Manifest, CorpusTest, ::testing::ValuesIn(LoadManifest()), CaseName);

}  // namespace
}  // namespace mailcheck
