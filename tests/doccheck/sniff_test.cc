// Tests of the byte-level judgements every file passes through (text/decode.h's
// DetectCharset, extract/sniff.h's SniffFormat), which read 16 bytes at a time: they must
// say what a byte-at-a-time reading says for every length and every position of the byte
// that decides (a NUL, an ESC, a high byte, a control byte in the last, partial 16 bytes).
#include "extract/sniff.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "text/decode.h"

namespace doccheck {
namespace {

// Byte-at-a-time reference of DetectCharset's decisions (what it did before it read 16
// bytes at a time).
bool ReferenceValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    if (b >= 0xC2 && b <= 0xDF)
      len = 2;
    else if (b >= 0xE0 && b <= 0xEF)
      len = 3;
    else if (b >= 0xF0 && b <= 0xF4)
      len = 4;
    else
      return false;
    if (i + len > s.size()) return true;  // cut at the end of the sample
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// What decides between UTF-8, ISO-2022-JP, binary and "the legacy judgement": only the
// inputs where the reference is unambiguous without Shift_JIS/EUC-JP scoring are compared
// by kind; the rest must at least not be called UTF-8.
enum class Verdict { kUtf8, kIso2022Jp, kNul, kLegacy };

Verdict Reference(std::string_view s) {
  bool nul = false, high = false, esc = false;
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    nul |= b == 0;
    high |= b >= 0x80;
    esc |= b == 0x1B;
  }
  if (nul) return Verdict::kNul;
  if (!high) {
    if (esc &&
        (s.find("\x1B$B") != std::string_view::npos || s.find("\x1B$@") != std::string_view::npos ||
         s.find("\x1B(J") != std::string_view::npos || s.find("\x1B(I") != std::string_view::npos))
      return Verdict::kIso2022Jp;
    return Verdict::kUtf8;
  }
  return ReferenceValidUtf8(s) ? Verdict::kUtf8 : Verdict::kLegacy;
}

void ExpectSameVerdict(const std::string& s) {
  // No BOM: the cases start with ASCII.
  const Charset got = DetectCharset(s);
  switch (Reference(s)) {
    case Verdict::kUtf8:
      EXPECT_EQ(got, Charset::kUtf8) << testing::PrintToString(s);
      break;
    case Verdict::kIso2022Jp:
      EXPECT_EQ(got, Charset::kIso2022Jp) << testing::PrintToString(s);
      break;
    case Verdict::kNul:
      EXPECT_TRUE(got == Charset::kBinary || got == Charset::kUtf16Le || got == Charset::kUtf16Be)
          << testing::PrintToString(s);
      break;
    case Verdict::kLegacy:
      EXPECT_TRUE(got == Charset::kShiftJis || got == Charset::kEucJp) << testing::PrintToString(s);
      break;
  }
}

TEST(DetectCharsetTest, OneDecidingByteAtEveryPositionOfEveryLength) {
  // Lengths around the 16-byte steps; the deciding bytes at every position.
  const std::vector<std::string> deciders = {std::string(1, '\0'),
                                             "\x1B$B",
                                             "\x1B(J",
                                             std::string(1, '\x1B'),
                                             "\xE3\x81\x82",  // あ
                                             "\xE3\x81",      // あ cut: valid only at the very end
                                             "\xC3\xA9",      // é
                                             "\x82\xA0",      // あ in Shift_JIS: not UTF-8
                                             "\xFF",
                                             "\xE3\x41\x41",
                                             "\xC1\xBF",  // C1 never starts a sequence
                                             "\xC0\x80",  // nor C0
                                             "\xF5\x80\x80\x80",
                                             "\x80",              // a continuation byte on its own
                                             "\xE3\x81\x82\x82",  // one too many
                                             "\xF0\x9F\x98\x80",  // four bytes
                                             "\xF0\x9F\x98",      // cut: valid only at the end
                                             "\xED\xA0\x80"};     // a surrogate: accepted
  // In ASCII and among three-byte characters (日), past the 16-byte steps.
  for (std::size_t len = 0; len <= 70; ++len) {
    const std::string ascii(len, 'a');
    std::string kanji;
    while (kanji.size() < len) kanji += "日";
    for (const std::string& d : deciders) {
      for (std::size_t pos = 0; pos <= kanji.size(); pos += 3) {
        std::string s = kanji;
        s.insert(pos, d);
        ExpectSameVerdict(s);
      }
    }
    ExpectSameVerdict(ascii);
    for (const std::string& d : deciders) {
      for (std::size_t pos = 0; pos <= len; ++pos) {
        std::string s = ascii;
        s.insert(pos, d);
        ExpectSameVerdict(s);
      }
    }
  }
}

TEST(DetectCharsetTest, RandomMixturesAgreeWithTheByteAtATimeReading) {
  // Mostly UTF-8 Japanese and ASCII, sometimes a broken or legacy byte (fixed seed).
  std::uint32_t state = 16;
  const auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  const std::vector<std::string> pieces = {"a",
                                           "abcdefghijklmnopqrstu",
                                           "\n",
                                           " ",
                                           "\xE6\x97\xA5\xE6\x9C\xAC",  // 日本
                                           "\xEF\xBD\x91",              // ｑ
                                           "\xF0\x9F\x98\x80",          // an emoji
                                           "\x1B",
                                           "\x80",
                                           "\xC1\xBF",
                                           "\xF5\x80\x80\x80",
                                           "\xE3\x80"};
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    const std::uint32_t parts = next() % 40;
    for (std::uint32_t k = 0; k < parts; ++k) {
      // The broken pieces (the last five) are rare: one in four inputs holds any.
      const std::uint32_t pick = next() % (round % 4 == 0 ? pieces.size() : pieces.size() - 5);
      s += pieces[pick];
    }
    ExpectSameVerdict(s);
  }
}

TEST(SniffFormatTest, ControlBytesDecideBinaryAtTheSameCountWhereverTheyAre) {
  // More than 1 % control bytes (other than \t \n \f \r ESC) is binary.
  for (const std::size_t n : {std::size_t{1000}, std::size_t{1007}}) {
    for (const std::size_t first : {std::size_t{0}, std::size_t{5}, n - 20}) {
      std::string text(n, 'x');
      for (std::size_t i = 0; i < n; i += 7) text[i] = (i % 2 == 0) ? '\n' : '\t';
      // The allowed control bytes, in the 16-byte steps and in the bytes after them.
      for (const std::size_t at : {std::size_t{40}, std::size_t{61}, n - 6}) {
        text[at] = '\x1B';
        text[at + 1] = '\x0C';
        text[at + 2] = '\r';
      }
      const std::size_t allowed = n / 100;  // 10 control bytes in 1000 or 1007
      std::string ok = text, binary = text;
      for (std::size_t k = 0; k < allowed; ++k) ok[first + k] = '\x01';
      for (std::size_t k = 0; k <= allowed; ++k) binary[first + k] = '\x01';
      EXPECT_EQ(SniffFormat(ok, "a.txt"), "txt") << n << " " << first;
      EXPECT_EQ(SniffFormat(binary, "a.txt"), "unknown") << n << " " << first;
    }
  }
}

TEST(SniffFormatTest, GivesTheCharsetItJudgedTheFormatBy) {
  const std::string utf8 = "本日の会議資料をお送りします。\n";
  const std::string iso = "\x1B$B$3$s$K$A$O\x1B(B\n";  // こんにちは in ISO-2022-JP
  const std::string sjis = "\x82\xB1\x82\xF1\x82\xC9\x82\xBF\x82\xCD\n";
  for (const std::string& s : {utf8, iso, sjis, std::string("plain ascii\n")}) {
    std::optional<Charset> charset;
    EXPECT_EQ(SniffFormat(s, "a.txt", &charset), "txt");
    ASSERT_TRUE(charset.has_value());
    EXPECT_EQ(*charset, DetectCharset(s));
  }
  std::optional<Charset> none;
  EXPECT_EQ(SniffFormat(std::string("%PDF-1.7\n"), "a.pdf", &none), "pdf");
  EXPECT_FALSE(none.has_value());
}

TEST(SniffFormatTest, AnIso2022JpMailHeadBeforeUtf8TextIsStillReadAsMail) {
  // The first 4 KiB are 7-bit with ISO-2022-JP escapes; UTF-8 follows later, so the
  // 64 KiB sample is UTF-8 while the head alone reads as ISO-2022-JP.
  std::string head =
      "From: a@example.jp\nTo: b@example.jp\nSubject: \x1B$B$3$s\x1B(B\n"
      "MIME-Version: 1.0\n\n";
  std::string s = head + std::string(5000, 'a') + "日本\n";
  EXPECT_EQ(DetectCharset(s), Charset::kUtf8);
  EXPECT_EQ(SniffFormat(s, "mail"), "eml");
}

}  // namespace
}  // namespace doccheck
