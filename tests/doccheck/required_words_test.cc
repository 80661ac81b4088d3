// The one pass that tells which detectors can find anything in a block (required_words.h)
// must see a required word wherever it is written — at every position of the 16-byte
// steps, in the bytes after the last full step, in the column heading only — and a
// stream scanned in many chunks on two threads (the workers kept between batches) must
// give what one thread gives, with labelled numbers whose labels occur in some chunks
// only.
#include "detect/required_words.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detect/detector.h"
#include "text/block_scanner.h"

namespace doccheck {
namespace {

class WordsDetector final : public Detector {
 public:
  explicit WordsDetector(std::vector<std::string_view> words) : words_(std::move(words)) {}
  std::string_view name() const override { return "test"; }
  void Detect(const ScanText&, std::vector<Candidate>&) const override {}
  std::vector<std::string_view> RequiredWords() const override { return words_; }

 private:
  std::vector<std::string_view> words_;
};

TEST(RequiredWordsTest, FindsAWordAtEveryPositionAndInTheHeader) {
  const WordsDetector none({});
  const WordsDetector account({"口座", "普通"});
  const WordsDetector secret({"秘", "限り"});
  const WordsDetector latin({"DOB", "x"});
  const RequiredWords words({&none, &account, &secret, &latin});

  const std::string filler = "議事録 2026年12月15日 minutes of the meeting, 出席者12名。";
  EXPECT_EQ(words.Present(filler, ""), 0b0001u);
  EXPECT_EQ(words.Present("", ""), 0b0001u);
  EXPECT_EQ(words.Present(filler, "普通預金"), 0b0011u);
  EXPECT_EQ(words.Present(filler, "x"), 0b1001u);
  for (std::size_t at = 0; at <= 40; ++at) {
    for (std::string_view word : {"口座", "限り", "DOB"}) {
      const std::string text = filler.substr(0, at) + std::string(word) + filler.substr(at);
      const std::uint64_t want = word == "口座" ? 0b0011u : word == "限り" ? 0b0101u : 0b1001u;
      EXPECT_EQ(words.Present(text, ""), want) << word << " at " << at;
      // At the very end (the bytes after the last 16-byte step).
      EXPECT_EQ(words.Present(filler.substr(0, at) + std::string(word), ""), want)
          << word << " ending at " << at;
    }
  }
  // Parts of a word are not the word; a one-byte word is found anywhere.
  EXPECT_EQ(words.Present(filler + "口", ""), 0b0001u);
  EXPECT_EQ(words.Present(filler + "xyz", ""), 0b1001u);
}

// Short blocks (spreadsheet cells, under the 18 bytes of the vector loop) take their own
// path, and a heading's part can be computed once: both must agree with a plain search.
TEST(RequiredWordsTest, ShortBlocksAndAHeadingComputedOnceAgreeWithAPlainSearch) {
  const WordsDetector none({});
  const WordsDetector account({"口座", "普通"});
  const WordsDetector secret({"秘", "限り"});
  const WordsDetector latin({"DOB", "x"});
  const std::vector<const WordsDetector*> detectors = {&none, &account, &secret, &latin};
  const RequiredWords words({&none, &account, &secret, &latin});
  const auto plain = [&](std::string_view text, std::string_view header) {
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < detectors.size(); ++i) {
      const std::vector<std::string_view> list = detectors[i]->RequiredWords();
      bool found = list.empty();
      for (std::string_view w : list) {
        found = found || text.find(w) != std::string_view::npos ||
                header.find(w) != std::string_view::npos;
      }
      if (found) bits |= std::uint64_t{1} << i;
    }
    return bits;
  };
  for (std::string_view text :
       {"", "口", "口座", "a口座", "口座a", "普通預金", "DOB", "xDOB", "DO", "限り", "秘", "12345",
        "0495-12-3456", "佐藤 太郎", "座口", "埼玉県本庄市本庄1丁目"}) {
    for (std::string_view header : {"", "普通預金", "x", "氏名", "限り"}) {
      EXPECT_EQ(words.Present(text, header), plain(text, header)) << text << " / " << header;
      EXPECT_EQ(words.PresentInText(text, words.InHeader(header)), plain(text, header))
          << text << " / " << header;
    }
  }
}

// The pass compares a third byte where all words of a pair share it (年金: the 金 after
// 年), and the pair alone where they do not (口座, 口調): near misses that share the pair
// are not words, and every word is found at every position, also among near misses.
TEST(RequiredWordsTest, NearMissesSharingTheFirstCharacterAreNotWords) {
  const WordsDetector none({});
  const WordsDetector pension({"年金"});
  const WordsDetector mouth({"口座", "口調"});
  const WordsDetector latin({"DOBX", "DOBY"});
  const RequiredWords words({&none, &pension, &mouth, &latin});
  const RequiredWords japanese({&none, &pension, &mouth});
  std::string misses;
  for (int i = 0; i < 8; ++i) misses += "年度 年額 年鑑、口頭 口述 DOBZ 入口 ";
  EXPECT_EQ(words.Present(misses, ""), 0b0001u);
  for (std::size_t at = 0; at <= misses.size(); ++at) {
    if (at < misses.size() && (static_cast<unsigned char>(misses[at]) & 0xC0) == 0x80) continue;
    for (std::string_view word : {"年金", "口座", "口調", "DOBY"}) {
      const std::string text = misses.substr(0, at) + std::string(word) + misses.substr(at);
      const std::uint64_t want = word == "年金" ? 0b0011u : word == "DOBY" ? 0b1001u : 0b0101u;
      ASSERT_EQ(words.Present(text, ""), want) << word << " at " << at;
      if (word != "DOBY") {  // Japanese words only: the SSSE3 nibble filter's path
        ASSERT_EQ(japanese.Present(text, ""), want & 0b0111u) << word << " at " << at;
      }
    }
  }
}

// Every detector's words (more pairs than the nibble filter's 8 buckets) at every
// position among near misses, as a plain search finds them.
TEST(RequiredWordsTest, EveryDetectorsWordsAgreeWithAPlainSearch) {
  const RequiredWords& words = RequiredWords::ForAllDetectors();
  const std::vector<const Detector*>& detectors = AllDetectors();
  const auto plain = [&](std::string_view text) {
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < detectors.size() && i < 64; ++i) {
      const std::vector<std::string_view> list = detectors[i]->RequiredWords();
      bool found = list.empty();
      for (std::string_view w : list) found = found || text.find(w) != std::string_view::npos;
      if (found) bits |= std::uint64_t{1} << i;
    }
    return bits;
  };
  // Near misses: each word's first character followed by something else.
  std::string misses = "本日の議事録 2026年12月15日、";
  for (const Detector* d : detectors) {
    for (std::string_view w : d->RequiredWords()) {
      if (w.size() > 3) misses += std::string(w.substr(0, 3)) + "田 ";
    }
  }
  // Short (under 256 bytes: the plain vector loop) and long (the nibble filter).
  for (const std::string& base : {misses, misses + misses + misses}) {
    ASSERT_EQ(words.Present(base, ""), plain(base));
    for (const Detector* d : detectors) {
      for (std::string_view w : d->RequiredWords()) {
        for (std::size_t at = 0; at <= base.size(); ++at) {
          if (at < base.size() && (static_cast<unsigned char>(base[at]) & 0xC0) == 0x80) continue;
          const std::string text = base.substr(0, at) + std::string(w) + base.substr(at);
          ASSERT_EQ(words.Present(text, ""), plain(text)) << w << " at " << at;
        }
      }
    }
  }
}

TEST(RequiredWordsTest, ChunksOnTwoThreadsGiveWhatOneThreadGives) {
  std::string text;
  for (int i = 0; text.size() < 200000; ++i) {
    text += "本日の議事は予算案の審議である。次回は12月15日。\n";
    if (i % 97 == 0) text += "個人番号：123456789018\n";
    // Labels that some chunks hold and others do not.
    if (i % 1000 == 500) text += "口座番号：1234567\n";
    if (i % 1500 == 700) text += "【極秘】\n";
  }
  auto scan = [&](int threads) {
    std::vector<Finding> out;
    TextStreamScanner scanner(Charset::kUtf8, Location{}, &out, 8192, threads);
    for (std::size_t at = 0; at < text.size(); at += 5000) {
      scanner.Feed(std::string_view(text).substr(at, 5000), false);
    }
    scanner.Feed({}, true);
    return out;
  };
  const std::vector<Finding> one = scan(1);
  const std::vector<Finding> two = scan(2);
  int accounts = 0, labels = 0;
  for (const Finding& f : one) {
    accounts += f.kind == Kind::kBankAccount;
    labels += f.kind == Kind::kClassificationLabel;
  }
  EXPECT_GE(accounts, 3);
  EXPECT_GE(labels, 2);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].kind, two[i].kind) << i;
    EXPECT_EQ(one[i].normalized, two[i].normalized) << i;
    EXPECT_EQ(one[i].location.offset, two[i].location.offset) << i;
    EXPECT_EQ(one[i].location.line, two[i].location.line) << i;
  }
}

}  // namespace
}  // namespace doccheck
