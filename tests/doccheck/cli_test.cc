// Tests of the doccheck command line (CONTRACTS.md §1) by running the real binary:
// exit codes, the single JSON document and its keys, masking and --reveal, directory
// recursion, stdin, errors for files that cannot be checked, and argument errors.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "synthetic_ids.h"

namespace doccheck {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Array;
using Poco::JSON::Object;

const std::string kMn = testing::MakeMyNumber("20481357924");

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q.push_back(c);
  }
  return q + "'";
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/doccheck_cli_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }

  // Runs doccheck with `args` (and `stdin_path` as standard input when given).
  CliRun Doccheck(const std::vector<std::string>& args, const std::string& stdin_path = "") {
    std::string cmd = Quote(DOCCHECK_BINARY);
    for (const std::string& a : args) cmd += " " + Quote(a);
    cmd += " < " + Quote(stdin_path.empty() ? "/dev/null" : stdin_path);
    cmd += " > " + Quote((dir_ / "stdout").string()) + " 2> " + Quote((dir_ / "stderr").string());
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(dir_ / "stdout");
    r.err = Slurp(dir_ / "stderr");
    return r;
  }

  static Object::Ptr Parse(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Object::Ptr>();
  }

  std::string File(const std::string& name, const std::string& bytes) {
    Write(dir_ / name, bytes);
    return (dir_ / name).string();
  }

  fs::path dir_;
};

TEST_F(CliTest, CleanFileExitsZero) {
  const CliRun r = Doccheck({File("clean.txt", "本日の会議は午後三時からです。\n")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(CliTest, FindingExitsOne) {
  const CliRun r = Doccheck({File("mn.txt", "個人番号 " + kMn + "\n")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

TEST_F(CliTest, NonexistentFileIsAnIoErrorAndExitsTwo) {
  const CliRun r = Doccheck({"--json", (dir_ / "missing.txt").string()});
  EXPECT_EQ(r.exit_code, 2);
  const Object::Ptr file = Parse(r.out)->getArray("files")->getObject(0);
  ASSERT_EQ(file->getArray("errors")->size(), 1u);
  EXPECT_EQ(file->getArray("errors")->getObject(0)->getValue<std::string>("code"), "io");
}

TEST_F(CliTest, UnreadableFileIsAnIoErrorAndExitsTwo) {
  const std::string path = File("secret.txt", "個人番号 " + kMn + "\n");
  ::chmod(path.c_str(), 0);
  if (std::ifstream(path).good()) GTEST_SKIP() << "running with privileges that read mode 000";
  const CliRun r = Doccheck({"--json", path});
  EXPECT_EQ(r.exit_code, 2);
  const Object::Ptr file = Parse(r.out)->getArray("files")->getObject(0);
  ASSERT_EQ(file->getArray("errors")->size(), 1u);
  EXPECT_EQ(file->getArray("errors")->getObject(0)->getValue<std::string>("code"), "io");
}

TEST_F(CliTest, ErrorWinsOverFindings) {
  const CliRun r =
      Doccheck({File("mn.txt", "個人番号 " + kMn + "\n"), (dir_ / "missing").string()});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(CliTest, UnknownBinaryIsUnsupportedAndExitsTwo) {
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>((i * 131 + 7) % 256));
  const CliRun r = Doccheck({"--json", File("blob.bin", bytes)});
  EXPECT_EQ(r.exit_code, 2);
  const Object::Ptr file = Parse(r.out)->getArray("files")->getObject(0);
  ASSERT_EQ(file->getArray("errors")->size(), 1u);
  EXPECT_EQ(file->getArray("errors")->getObject(0)->getValue<std::string>("code"), "unsupported");
}

TEST_F(CliTest, JsonIsOneDocumentWithTheContractKeys) {
  const CliRun r = Doccheck({"--json", File("mn.txt", "見出し\n個人番号 " + kMn + "\n")});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const Object::Ptr root = Parse(r.out);  // throws unless the whole output is one document
  EXPECT_EQ(root->size(), 2u);
  ASSERT_TRUE(root->has("files"));
  ASSERT_TRUE(root->has("summary"));
  const Object::Ptr file = root->getArray("files")->getObject(0);
  for (const char* key : {"path", "format", "class", "findings", "errors", "children"}) {
    EXPECT_TRUE(file->has(key)) << key;
  }
  EXPECT_EQ(file->getValue<std::string>("format"), "txt");
  EXPECT_EQ(file->getValue<int>("class"), 1);
  const Object::Ptr finding = file->getArray("findings")->getObject(0);
  EXPECT_EQ(finding->getValue<std::string>("kind"), "my_number");
  EXPECT_EQ(finding->getValue<std::string>("value"), kMn.substr(0, 4) + " **** ***" + kMn.back());
  EXPECT_FALSE(finding->has("normalized"));
  EXPECT_GT(finding->getValue<double>("confidence"), 0.0);
  EXPECT_LE(finding->getValue<double>("confidence"), 1.0);
  const Object::Ptr location = finding->getObject("location");
  for (const char* key : {"part", "sheet", "cell", "page", "line", "offset"}) {
    EXPECT_TRUE(location->has(key)) << key;
  }
  EXPECT_EQ(location->getValue<int>("line"), 2);
  EXPECT_EQ(location->getValue<int>("offset"),
            static_cast<int>(std::string("見出し\n個人番号 ").size()));
  EXPECT_TRUE(location->isNull("page"));
  const Object::Ptr summary = root->getObject("summary");
  EXPECT_EQ(summary->getValue<int>("files"), 1);
  EXPECT_EQ(summary->getValue<int>("with_findings"), 1);
  EXPECT_EQ(summary->getValue<int>("errors"), 0);
  EXPECT_EQ(summary->getValue<int>("highest_class"), 1);
}

TEST_F(CliTest, JsonOutputNeverContainsTheUnmaskedValueWithoutReveal) {
  const CliRun r = Doccheck({"--json", File("mn.txt", "個人番号 " + kMn + "\n")});
  EXPECT_EQ(r.out.find(kMn), std::string::npos) << r.out;
}

TEST_F(CliTest, TextOutputNeverContainsTheUnmaskedValueWithoutReveal) {
  const CliRun r = Doccheck({File("mn.txt", "個人番号 " + kMn + "\n")});
  EXPECT_EQ(r.out.find(kMn), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("my_number"), std::string::npos) << r.out;
}

TEST_F(CliTest, RevealAddsNormalized) {
  const CliRun r = Doccheck({"--json", "--reveal", File("mn.txt", "個人番号 " + kMn + "\n")});
  const Object::Ptr finding =
      Parse(r.out)->getArray("files")->getObject(0)->getArray("findings")->getObject(0);
  ASSERT_TRUE(finding->has("normalized"));
  EXPECT_EQ(finding->getValue<std::string>("normalized"), kMn);
}

TEST_F(CliTest, DirectoriesAreRecursed) {
  File("tree/a.txt", "個人番号 " + kMn + "\n");
  File("tree/sub/b.txt", "本日の会議は午後三時からです。\n");
  File("tree/sub/deeper/c.txt", "【部外秘】\n");
  const CliRun r = Doccheck({"--json", (dir_ / "tree").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const Object::Ptr root = Parse(r.out);
  const Array::Ptr files = root->getArray("files");
  std::set<std::string> paths;
  for (std::size_t i = 0; i < files->size(); ++i) {
    paths.insert(files->getObject(static_cast<unsigned>(i))->getValue<std::string>("path"));
  }
  EXPECT_EQ(paths, (std::set<std::string>{(dir_ / "tree/a.txt").string(),
                                          (dir_ / "tree/sub/b.txt").string(),
                                          (dir_ / "tree/sub/deeper/c.txt").string()}));
  EXPECT_EQ(root->getObject("summary")->getValue<int>("files"), 3);
  EXPECT_EQ(root->getObject("summary")->getValue<int>("with_findings"), 2);
}

TEST_F(CliTest, DashReadsOneDocumentFromStdin) {
  const std::string input = File("in.txt", "個人番号 " + kMn + "\n");
  const CliRun r = Doccheck({"--json", "-"}, input);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const Object::Ptr file = Parse(r.out)->getArray("files")->getObject(0);
  EXPECT_EQ(file->getValue<std::string>("path"), "-");
  ASSERT_EQ(file->getArray("findings")->size(), 1u);
  EXPECT_EQ(file->getArray("findings")->getObject(0)->getValue<std::string>("kind"), "my_number");
}

TEST_F(CliTest, EmptyStdinIsCleanAndExitsZero) {
  const CliRun r = Doccheck({"-"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(CliTest, PathsWithQuotesAndBackslashesStayValidJson) {
  const std::string path = File("we\"ird\\name.txt", "個人番号 " + kMn + "\n");
  const CliRun r = Doccheck({"--json", path});
  const Object::Ptr file = Parse(r.out)->getArray("files")->getObject(0);
  EXPECT_EQ(file->getValue<std::string>("path"), path);
}

TEST_F(CliTest, JobsGivesTheSameReportInTheSameOrder) {
  for (int i = 0; i < 8; ++i) {
    File("many/f" + std::to_string(i) + ".txt",
         i % 2 ? "個人番号 " + kMn + "\n" : std::string("本日は晴天です。\n"));
  }
  const CliRun one = Doccheck({"--json", "--jobs", "1", (dir_ / "many").string()});
  const CliRun four = Doccheck({"--json", "--jobs", "4", (dir_ / "many").string()});
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_EQ(one.out, four.out);
}

struct BadArgs {
  const char* name;
  std::vector<std::string> args;
  const char* message_part;
};

class CliBadArgsTest : public CliTest, public ::testing::WithParamInterface<BadArgs> {};

TEST_P(CliBadArgsTest, ExitsTwoWithAClearMessage) {
  std::vector<std::string> args = GetParam().args;
  const CliRun r = Doccheck(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(GetParam().message_part), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadArgsTest,
    ::testing::Values(
        BadArgs{"JobsNotANumber", {"--jobs", "abc", "/dev/null"}, "abc"},
        BadArgs{"JobsZero", {"--jobs", "0", "/dev/null"}, "--jobs"},
        BadArgs{"JobsNegative", {"--jobs", "-3", "/dev/null"}, "--jobs"},
        BadArgs{"JobsTrailingGarbage", {"--jobs", "2x", "/dev/null"}, "2x"},
        BadArgs{"JobsMissingValue", {"/dev/null", "--jobs"}, "--jobs"},
        BadArgs{"MaxBytesNotANumber", {"--max-bytes", "lots", "/dev/null"}, "lots"},
        BadArgs{"UnknownOption", {"--frobnicate", "/dev/null"}, "--frobnicate"},
        BadArgs{"NoPath", {"--json"}, "PATH"},
        BadArgs{"MissingPolicyFile", {"--policy", "/nonexistent/p.json", "/dev/null"}, "p.json"}),
    [](const ::testing::TestParamInfo<BadArgs>& info) { return std::string(info.param.name); });

TEST_F(CliTest, MaxBytesLimitsAPlainTextFile) {
  const std::string path = File("big.txt", std::string(1000, 'a') + "\n");
  const CliRun r = Doccheck({"--json", "--max-bytes", "100", path});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  const Object::Ptr file = Parse(r.out)->getArray("files")->getObject(0);
  ASSERT_EQ(file->getArray("errors")->size(), 1u);
  EXPECT_EQ(file->getArray("errors")->getObject(0)->getValue<std::string>("code"), "limit");
}

TEST_F(CliTest, MaxBytesLimitsStdin) {
  const std::string path = File("big.txt", std::string(1000, 'a') + "\n");
  const CliRun r = Doccheck({"--json", "--max-bytes", "100", "-"}, path);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  const Object::Ptr file = Parse(r.out)->getArray("files")->getObject(0);
  ASSERT_EQ(file->getArray("errors")->size(), 1u);
  EXPECT_EQ(file->getArray("errors")->getObject(0)->getValue<std::string>("code"), "limit");
}

TEST_F(CliTest, TextOutputHasOneBlockPerFileAndASummaryLine) {
  const CliRun r = Doccheck({File("a.txt", "個人番号 " + kMn + "\n"), File("b.txt", "晴天\n")});
  EXPECT_NE(r.out.find((dir_ / "a.txt").string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find((dir_ / "b.txt").string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 files"), std::string::npos) << r.out;
}

TEST_F(CliTest, HelpExitsZero) {
  const CliRun r = Doccheck({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("usage"), std::string::npos);
}

TEST_F(CliTest, NamesStillFoundWithoutMecabDictionary) {
  // Without the dictionary the detector keeps its own rules: labelled names are found.
  const std::string path = File("n.txt", "氏名：山田 太郎\n連絡先 090-1234-5678\n");
  ::setenv("DOCCHECK_MECAB_DICDIR", (dir_ / "no-such-dic").c_str(), 1);
  const CliRun r = Doccheck({"--json", "--reveal", path});
  ::unsetenv("DOCCHECK_MECAB_DICDIR");
  EXPECT_NE(r.out.find("\"person_name\""), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("山田太郎"), std::string::npos) << r.out;
}

// The PDF reader is a plugin (libsendguard-pdf.so) that doccheck loads on the first PDF.
// Found, the PDF is read; missing or not the plugin, the PDF is an `io` error ("not fully
// checked", exit 2), never a clean file.
TEST_F(CliTest, PdfIsReadThroughThePluginAndWithoutItIsNotClean) {
  const std::string pdf = std::string(SENDGUARD_TEST_DATA_DIR) + "/extract/sample.pdf";
  const CliRun read = Doccheck({"--json", pdf});
  EXPECT_NE(read.exit_code, 2) << read.out << read.err;
  EXPECT_EQ(read.out.find("\"code\":\"io\""), std::string::npos) << read.out;

  for (const std::string& plugin : {(dir_ / "no-such-plugin.so").string(),
                                    std::string("libz.so.1")}) {  // a library, not the plugin
    ::setenv("SENDGUARD_PDF_PLUGIN", plugin.c_str(), 1);
    const CliRun r = Doccheck({"--json", pdf});
    const CliRun text = Doccheck({pdf});
    ::unsetenv("SENDGUARD_PDF_PLUGIN");
    EXPECT_EQ(r.exit_code, 2) << plugin << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("\"code\":\"io\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("PDF reader could not be loaded"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(plugin), std::string::npos) << r.out;
    EXPECT_NE(text.out.find("not fully checked"), std::string::npos) << text.out;
  }
}

// The EML reader is in the MIME reader plugin (libsendguard-mime.so, vmime's only user)
// that doccheck loads on the first mail. Found, the mail is read; missing or not the
// plugin, the mail is an `io` error ("not fully checked", exit 2), never a clean file.
TEST_F(CliTest, EmlIsReadThroughTheMimePluginAndWithoutItIsNotClean) {
  const std::string eml =
      File("resident.eml",
           "From: a@city.honjo.lg.jp\r\nTo: b@example.ne.jp\r\nSubject: =?UTF-8?B?5L2P5rCR?=\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "\xe5\x80\x8b\xe4\xba\xba\xe7\x95\xaa\xe5\x8f\xb7 3739 6401 7574\r\n");
  const CliRun read = Doccheck({"--json", eml});
  EXPECT_EQ(read.exit_code, 1) << read.out << read.err;
  EXPECT_NE(read.out.find("\"my_number\""), std::string::npos) << read.out;
  EXPECT_EQ(read.out.find("\"code\":\"io\""), std::string::npos) << read.out;

  for (const std::string& plugin : {(dir_ / "no-such-plugin.so").string(),
                                    std::string("libz.so.1")}) {  // a library, not the plugin
    ::setenv("SENDGUARD_MIME_PLUGIN", plugin.c_str(), 1);
    const CliRun r = Doccheck({"--json", eml});
    const CliRun text = Doccheck({eml});
    ::unsetenv("SENDGUARD_MIME_PLUGIN");
    EXPECT_EQ(r.exit_code, 2) << plugin << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("\"code\":\"io\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("mail reader could not be loaded"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(plugin), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("\"my_number\""), std::string::npos) << r.out;
    EXPECT_NE(text.out.find("not fully checked"), std::string::npos) << text.out;
  }
}

// libdeflate is loaded on first use; without it (not installed, or another library named)
// office files are read by zlib alone, to the same findings.
TEST_F(CliTest, OfficeFilesReadTheSameWithoutLibdeflate) {
  for (const char* name : {"sample.xlsx", "sample.docx", "sample.ods"}) {
    const std::string file = std::string(SENDGUARD_TEST_DATA_DIR) + "/extract/" + name;
    const CliRun with = Doccheck({"--json", "--reveal", file});
    EXPECT_NE(with.out.find("\"findings\""), std::string::npos) << with.out << with.err;
    for (const char* lib : {"/nonexistent/libdeflate.so.0", "libz.so.1"}) {
      ::setenv("DOCCHECK_LIBDEFLATE", lib, 1);
      const CliRun without = Doccheck({"--json", "--reveal", file});
      ::unsetenv("DOCCHECK_LIBDEFLATE");
      EXPECT_EQ(without.exit_code, with.exit_code) << name << " " << lib << without.err;
      EXPECT_EQ(without.out, with.out) << name << " " << lib;
    }
  }
}

// Runs `command` on a pseudo-terminal (util-linux script): stdout and stderr both go to
// it, and the output comes back together.
std::string OnTerminal(const std::string& command, const std::string& out_path) {
  const std::string cmd =
      "script -qec " + Quote(command) + " /dev/null > " + Quote(out_path) + " 2>&1 < /dev/null";
  std::system(cmd.c_str());
  return Slurp(out_path);
}

TEST_F(CliTest, ProgressOnATerminalOnlyAndNeverWithJson) {
  for (int i = 0; i < 5; ++i) {
    File("many/f" + std::to_string(i) + ".txt", std::string(20000, 'a') + "\n");
  }
  const std::string many = (dir_ / "many").string();
  const std::string shown = OnTerminal(Quote(DOCCHECK_BINARY) + " " + Quote(many) + " > /dev/null",
                                       (dir_ / "tty1").string());
  EXPECT_NE(shown.find("5/5 files"), std::string::npos) << shown;
  EXPECT_NE(shown.find("0.1/0.1 MB"), std::string::npos) << shown;
  EXPECT_NE(shown.find("MB/s"), std::string::npos) << shown;
  const std::string json = OnTerminal(
      Quote(DOCCHECK_BINARY) + " --json " + Quote(many) + " > /dev/null", (dir_ / "tty2").string());
  EXPECT_EQ(json.find("MB/s"), std::string::npos) << json;
  EXPECT_EQ(json.find("files"), std::string::npos) << json;
  const CliRun piped = Doccheck({many});
  EXPECT_EQ(piped.err.find("MB/s"), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find("files"), std::string::npos) << piped.err;
}

}  // namespace
}  // namespace doccheck
