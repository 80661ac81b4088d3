// A document with more findings than Limits::max_findings keeps only that many in the
// report (memory stays bounded) but counts every one, classifies on all of them, and
// always keeps classification labels.
#include <gtest/gtest.h>

#include <string>

#include "doccheck/checker.h"
#include "doccheck/report_format.h"

namespace doccheck {
namespace {

std::string ManyPhones(int n) {
  std::string s = "【部外秘】\n";
  for (int i = 0; i < n; ++i) s += "連絡先 090-1234-" + std::to_string(1000 + i % 9000) + "\n";
  return s;
}

TEST(FindingsCapTest, KeepsAtMostTheCapButCountsAll) {
  Options options;
  options.limits.max_findings = 10;
  const FileReport r = Checker(options).CheckBytes("x.txt", ManyPhones(50));
  EXPECT_EQ(r.findings.size(), 10u);  // the label (first) and 9 phones
  EXPECT_EQ(r.findings_omitted, 41u);
  EXPECT_EQ(r.CountKind(Kind::kPhone), 50);
  EXPECT_EQ(r.CountKind(Kind::kClassificationLabel), 1);
  EXPECT_EQ(r.klass, 2);
  EXPECT_TRUE(r.HasFindings());
}

TEST(FindingsCapTest, JsonSaysHowManyWereOmitted) {
  Options options;
  options.limits.max_findings = 5;
  const FileReport r = Checker(options).CheckBytes("x.txt", ManyPhones(8));
  std::string json;
  AppendFileReportJson(r, false, &json);
  EXPECT_NE(json.find("\"findings_omitted\":4"), std::string::npos) << json;  // 9 - 5
}

TEST(FindingsCapTest, LabelsAreKeptPastTheCap) {
  Options options;
  options.limits.max_findings = 3;
  const FileReport r = Checker(options).CheckBytes("x.txt",
                                                   "090-1111-2222 090-1111-3333\n"
                                                   "090-1111-4444 090-1111-5555\n【極秘】\n");
  EXPECT_EQ(r.CountKind(Kind::kClassificationLabel), 1);
  bool kept = false;
  for (const Finding& f : r.findings) kept = kept || f.kind == Kind::kClassificationLabel;
  EXPECT_TRUE(kept);
  EXPECT_EQ(r.klass, 1);
}

TEST(FindingsCapTest, UnderTheCapNothingIsOmitted) {
  const FileReport r = Checker().CheckBytes("x.txt", ManyPhones(8));
  EXPECT_EQ(r.findings_omitted, 0u);
  EXPECT_EQ(r.CountKind(Kind::kPhone), 8);
  std::string json;
  AppendFileReportJson(r, false, &json);
  EXPECT_EQ(json.find("findings_omitted"), std::string::npos);
}

}  // namespace
}  // namespace doccheck
