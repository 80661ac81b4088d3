#include "raw_header.h"

#include <gtest/gtest.h>

namespace mailcheck {
namespace {

TEST(RawHeaderTest, SplitsFieldsWithContinuationLinesAndBody) {
  const std::string msg =
      "From: a@x.example\r\nTo: b@y.example,\r\n c@z.example\r\nSubject: hi\r\n\r\nbody\r\n";
  RawHeader h = SplitHeader(msg);
  ASSERT_EQ(h.fields.size(), 3u);
  EXPECT_EQ(h.fields[1].name, "To");
  EXPECT_EQ(msg.substr(h.fields[1].begin, h.fields[1].end - h.fields[1].begin),
            "To: b@y.example,\r\n c@z.example\r\n");
  EXPECT_EQ(h.fields[1].value, " b@y.example,\r\n c@z.example");
  EXPECT_EQ(h.fields[1].line_ending, "\r\n");
  EXPECT_EQ(msg.substr(h.body_offset), "body\r\n");
}

TEST(RawHeaderTest, HandlesBareLfAndHeaderOnlyMessages) {
  const std::string msg = "To: a@x.example\nSubject: s";
  RawHeader h = SplitHeader(msg);
  ASSERT_EQ(h.fields.size(), 2u);
  EXPECT_EQ(h.fields[0].line_ending, "\n");
  EXPECT_EQ(h.fields[1].line_ending, "");
  EXPECT_EQ(h.body_offset, msg.size());
}

TEST(RawHeaderTest, KeepsLinesThatAreNotFields) {
  const std::string msg = "From nobody Mon Jan 1 00:00:00 2001\nTo: a@x.example\n\nb";
  RawHeader h = SplitHeader(msg);
  ASSERT_EQ(h.fields.size(), 2u);
  EXPECT_TRUE(h.fields[0].name.empty());
  EXPECT_EQ(h.fields[1].name, "To");
}

TEST(RawHeaderTest, FieldNamesCompareWithoutCase) {
  RawHeader h = SplitHeader("tO: a@x.example\r\nBCC: b@x.example\r\n\r\n");
  EXPECT_TRUE(FieldNameIs(h.fields[0], "To"));
  EXPECT_TRUE(FieldNameIs(h.fields[1], "Bcc"));
  EXPECT_FALSE(FieldNameIs(h.fields[1], "Cc"));
}

TEST(RawHeaderTest, UnfoldRemovesLineBreaksOnly) {
  EXPECT_EQ(UnfoldValue(" a,\r\n b,\n\tc"), " a, b,\tc");
}

TEST(RawHeaderTest, RewriteReplacesFoldedToAndDropsBccKeepingEverythingElse) {
  const std::string msg =
      "From: a@x.example\r\nTo: b@y.example,\r\n c@z.example\r\nBcc: d@x.example,\r\n"
      "\te@x.example\r\nX-Keep:  odd   spacing\r\n\r\nTo: not a header\r\n";
  RawHeader h = SplitHeader(msg);
  HeaderEdit edit;
  edit.new_to = "undisclosed-recipients:;";
  EXPECT_EQ(RewriteHeader(msg, h, edit),
            "From: a@x.example\r\nTo: undisclosed-recipients:;\r\n"
            "X-Keep:  odd   spacing\r\n\r\nTo: not a header\r\n");
}

TEST(RawHeaderTest, RewriteKeepsLfLineEndingsAndDropsSecondTo) {
  const std::string msg = "To: a@x.example\nCc: c@x.example\nto: b@x.example\n\nbody";
  HeaderEdit edit;
  edit.new_to = "me@x.example";
  EXPECT_EQ(RewriteHeader(msg, SplitHeader(msg), edit),
            "To: me@x.example\nCc: c@x.example\n\nbody");
}

TEST(RawHeaderTest, RewriteWithNothingToDoIsIdentity) {
  const std::string msg = "To: a@x.example\r\nSubject: x\r\n\r\nbody";
  HeaderEdit edit;
  EXPECT_EQ(RewriteHeader(msg, SplitHeader(msg), edit), msg);
}

TEST(RawHeaderTest, BccInBodyIsNotTouched) {
  const std::string msg = "To: a@x.example\r\n\r\nBcc: b@x.example\r\n";
  HeaderEdit edit;
  EXPECT_EQ(RewriteHeader(msg, SplitHeader(msg), edit), msg);
}

}  // namespace
}  // namespace mailcheck
