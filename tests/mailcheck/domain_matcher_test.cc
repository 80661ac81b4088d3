#include "mailcheck/domain_matcher.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace mailcheck {
namespace {

DomainMatcher Honjo() {
  Result<DomainMatcher> m = DomainMatcher::Create({"city.honjo.lg.jp"});
  EXPECT_TRUE(m.ok()) << m.error();
  return std::move(m).value();
}

struct InternalCase {
  const char* domain;
  bool internal;
};

class InternalDomainTest : public ::testing::TestWithParam<InternalCase> {};

TEST_P(InternalDomainTest, MatchesExactOrSubdomainOnLabelBoundary) {
  EXPECT_EQ(Honjo().IsInternal(GetParam().domain), GetParam().internal) << GetParam().domain;
}

INSTANTIATE_TEST_SUITE_P(
    Table, InternalDomainTest,
    ::testing::Values(
        InternalCase{"city.honjo.lg.jp", true}, InternalCase{"CITY.HONJO.LG.JP", true},
        InternalCase{"City.Honjo.Lg.Jp", true}, InternalCase{"city.honjo.lg.jp.", true},
        InternalCase{"kyoiku.city.honjo.lg.jp", true}, InternalCase{"a.b.city.honjo.lg.jp", true},
        // Full-width letters are IDNA-mapped to ASCII.
        InternalCase{"ｃｉｔｙ.honjo.lg.jp", true}, InternalCase{"xcity.honjo.lg.jp", false},
        InternalCase{"city.honjo.lg.jp.evil.example", false}, InternalCase{"honjo.lg.jp", false},
        InternalCase{"pref.saitama.lg.jp", false}, InternalCase{"city-honjo.lg.jp", false},
        InternalCase{"", false}, InternalCase{"[127.0.0.1]", false}));

TEST(DomainMatcherTest, IdnaNormalisesInternalDomains) {
  Result<DomainMatcher> m = DomainMatcher::Create({"本庄市.jp"});
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_TRUE(m.value().IsInternal("本庄市.JP"));
  EXPECT_TRUE(m.value().IsInternal("xn--7st3kr5t.jp"));
  EXPECT_TRUE(m.value().IsInternal("soumu.本庄市.jp"));
  EXPECT_EQ(m.value().internal_domains().front(), "xn--7st3kr5t.jp");
}

TEST(DomainMatcherTest, RejectsInvalidInternalDomains) {
  EXPECT_FALSE(DomainMatcher::Create({"not a domain"}).ok());
  EXPECT_FALSE(DomainMatcher::Create({"localhost"}).ok());
  EXPECT_FALSE(DomainMatcher::Create({""}).ok());
}

struct LookalikeCase {
  const char* domain;
  bool lookalike;
  Lookalike::Why why;
};

class LookalikeTest : public ::testing::TestWithParam<LookalikeCase> {};

TEST_P(LookalikeTest, FlagsDomainsThatImitateTheInternalOne) {
  std::optional<Lookalike> l = Honjo().FindLookalike(GetParam().domain, {});
  EXPECT_EQ(l.has_value(), GetParam().lookalike) << GetParam().domain;
  if (l && GetParam().lookalike) {
    EXPECT_EQ(l->why, GetParam().why) << GetParam().domain;
    EXPECT_EQ(l->resembles, "city.honjo.lg.jp");
  }
}

using W = Lookalike::Why;
INSTANTIATE_TEST_SUITE_P(
    Table, LookalikeTest,
    ::testing::Values(LookalikeCase{"city.honjo.lg.jp.example.net", true, W::kInternalPrefix},
                      LookalikeCase{"city.honjo.lg.jp.evil.example", true, W::kInternalPrefix},
                      LookalikeCase{"xcity.honjo.lg.jp", true, W::kEditDistance},
                      LookalikeCase{"city-honjo.lg.jp", true, W::kEditDistance},
                      LookalikeCase{"city.honjo.lg.ip", true, W::kEditDistance},
                      LookalikeCase{"ctiy.honjo.lg.jp", true, W::kEditDistance},  // swapped letters
                      LookalikeCase{"cty.honjo.lg.jp", true, W::kEditDistance},
                      LookalikeCase{"kyoiku.city-honjo.lg.jp", true, W::kEditDistance},
                      // Cyrillic "с" and "о": same skeleton as the internal domain.
                      LookalikeCase{"\xD1\x81ity.h\xD0\xBEnjo.lg.jp", true, W::kSkeleton},
                      LookalikeCase{"city.honj0.lg.jp", true, W::kEditDistance},
                      // Parents and unrelated domains are plain external.
                      LookalikeCase{"honjo.lg.jp", false, W::kSkeleton},
                      LookalikeCase{"lg.jp", false, W::kSkeleton},
                      LookalikeCase{"example.com", false, W::kSkeleton},
                      LookalikeCase{"pref.example.lg.jp", false, W::kSkeleton},
                      LookalikeCase{"town.misato.lg.jp", false, W::kSkeleton}));

TEST(DomainMatcherTest, SameSkeletonAsAnotherRecipientsDomain) {
  DomainMatcher m = Honjo();
  std::optional<Lookalike> l = m.FindLookalike("examp1e.com", {"example.com", "examp1e.com"});
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->why, Lookalike::Why::kSkeleton);
  EXPECT_EQ(l->resembles, "example.com");
  EXPECT_FALSE(m.FindLookalike("example.com", {"example.com", "example.net"}).has_value());
}

TEST(DomainMatcherTest, InternalDomainsAreNeverLookalikes) {
  DomainMatcher m = Honjo();
  EXPECT_FALSE(m.FindLookalike("city.honjo.lg.jp", {}).has_value());
  EXPECT_FALSE(m.FindLookalike("KYOIKU.city.honjo.lg.jp", {"kyoiku.city.honjo.lg.jp"}).has_value());
}

TEST(DomainMatcherTest, BatchGivesOneResultPerDomainInOrder) {
  DomainMatcher m = Honjo();
  std::vector<std::optional<Lookalike>> r = m.FindLookalikes(
      {"city.honjo.lg.jp", "example.com", "xcity.honjo.lg.jp", "", "examp1e.com", "example.com"});
  ASSERT_EQ(r.size(), 6u);
  EXPECT_FALSE(r[0]);
  ASSERT_TRUE(r[1]);  // looks the same as examp1e.com: both are flagged for the user
  EXPECT_EQ(r[1]->resembles, "examp1e.com");
  ASSERT_TRUE(r[2]);
  EXPECT_EQ(r[2]->why, Lookalike::Why::kEditDistance);
  EXPECT_FALSE(r[3]);
  ASSERT_TRUE(r[4]);
  EXPECT_EQ(r[4]->resembles, "example.com");
}

// Normalize and the skeletons are remembered per domain (a desktop mails the same few
// domains all day). A remembered answer must be the answer: the same results from a
// matcher that has seen the domains before, from one that has not, after the memory was
// emptied (more distinct domains than it keeps), and from several threads at once.
TEST(DomainMatcherTest, RememberedDomainsGiveTheSameAnswers) {
  const std::vector<std::string> domains = {"city.honjo.lg.jp",
                                            "CITY.Honjo.LG.JP.",
                                            "kyoiku.city.honjo.lg.jp",
                                            "example.com",
                                            "examp1e.com",
                                            "xcity.honjo.lg.jp",
                                            "city.honjo.lg.jp.evil.example",
                                            "сity.honjo.lg.jp",
                                            "例え.jp",
                                            "xn--r8jz45g.jp",
                                            "",
                                            "bad domain",
                                            "honjo.lg.jp"};
  auto answers = [&](const DomainMatcher& m) {
    std::string out;
    for (const std::string& d : domains) {
      const NormalizedDomain n = m.Normalize(d);
      out += n.ascii + "|" + n.unicode + "|" + (n.valid ? "v" : "-") + "|" +
             (m.IsInternal(d) ? "i" : "e") + ";";
    }
    for (const auto& l : m.FindLookalikes(domains))
      out += l ? std::to_string(static_cast<int>(l->why)) + l->resembles + ";" : "none;";
    return out;
  };
  const std::string fresh = answers(Honjo());
  DomainMatcher m = Honjo();
  EXPECT_EQ(answers(m), fresh);
  EXPECT_EQ(answers(m), fresh);     // now from memory
  for (int i = 0; i < 3000; ++i) {  // more than it keeps: emptied on the way
    m.Normalize("d" + std::to_string(i) + ".example.jp");
    m.FindLookalikes({"d" + std::to_string(i) + ".example.jp"});
  }
  EXPECT_EQ(answers(m), fresh);
  std::vector<std::thread> threads;
  std::vector<std::string> seen(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) m.Normalize("t" + std::to_string(t * 1000 + i) + ".example");
      seen[t] = answers(m);
    });
  }
  for (std::thread& th : threads) th.join();
  for (const std::string& s2 : seen) EXPECT_EQ(s2, fresh);
}

TEST(EditDistanceTest, CountsCodePointsAndStopsAboveTheLimit) {
  EXPECT_EQ(BoundedEditDistance("abc", "abc", 2), 0);
  EXPECT_EQ(BoundedEditDistance("abc", "abd", 2), 1);
  EXPECT_EQ(BoundedEditDistance("abc", "bac", 2), 1);
  EXPECT_EQ(BoundedEditDistance("本庄", "本荘", 2), 1);
  EXPECT_EQ(BoundedEditDistance("abcdef", "uvwxyz", 2), 3);
  EXPECT_EQ(BoundedEditDistance("", "abc", 2), 3);
}

}  // namespace
}  // namespace mailcheck
