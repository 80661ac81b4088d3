// The fast paths (fast_path.h) against vmime's full parse: for every message of the test
// corpora (the mail corpus, the rewrite goldens, the agent's test mails, CPython's 47 email
// test messages), hand-made edge cases, and seeded mutations of all of them, the decision
// with fast paths equals the decision without, field by field and byte by byte; and each
// fast path alone either gives vmime's answer or declines.
#include "fast_path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>

#include "doccheck/checker.h"
#include "mailcheck/decide.h"
#include "mailcheck/policy.h"
#include "mailcheck/report_writer.h"
#include "raw_header.h"
#include "test_util.h"
#include "vmime_adapter.h"

namespace mailcheck {
namespace {

constexpr char kCpythonDir[] = "/usr/lib/python3.11/test/test_email/data";

void AddDir(const std::string& dir, std::vector<std::string>* out) {
  std::error_code ec;
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".eml") || (name.rfind("msg_", 0) == 0 && name.ends_with(".txt"))) {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  for (const std::string& p : paths) out->push_back(testing::ReadFile(p));
}

// Messages whose shape the fast paths must either get right or decline.
std::vector<std::string> EdgeCases() {
  const std::string h =
      "From: Yoshida Takuya <yoshida-t@city.honjo.lg.jp>\r\n"
      "To: =?UTF-8?B?5bGx55SwIOe+jg==?= <yamada-a@city.honjo.lg.jp>\r\n"
      "Subject: test\r\n";
  const std::string body = "\r\nbody text\r\n";
  std::vector<std::string> m = {
      // Content-Type and Content-Disposition shapes.
      h + body,
      h + "Content-Type: text/plain\r\n" + body,
      h + "Content-Type: TEXT/Plain; charset=\"iso-2022-jp\"\r\n" + body,
      h + "Content-Type: text/plain; charset=UTF-8; format=flowed; delsp=yes\r\n" + body,
      h + "Content-Type: text/html; charset=UTF-8\r\n" + body,
      h + "Content-Type: text/plain; name=x.pdf\r\n" + body,
      h + "Content-Type: text/plain; NAME=\"x.pdf\"\r\n" + body,
      h + "Content-Type: text/plain; name*=UTF-8''%E5%90%8D.txt\r\n" + body,
      h + "Content-Type: text/plain; name*0=a; name*1=b.txt\r\n" + body,
      h + "Content-Type: text/plain (comment); charset=us-ascii\r\n" + body,
      h + "Content-Type: text/plain\r\n\tcharset=us-ascii\r\n" + body,
      h + "Content-Type: text/plain junk; charset=us-ascii\r\n" + body,
      h + "Content-Type:text/plain;charset=us-ascii\r\n" + body,
      h + "Content-Type : text/plain\r\n" + body,
      h + "Content-Type: text / plain\r\n" + body,
      h + "Content-Type: text/plain/x\r\n" + body,
      h + "Content-Type: text\r\n" + body,
      h + "Content-Type:\r\n" + body,
      h + "Content-Type: text/enriched\r\n" + body,
      h + "Content-Type: application/pdf\r\n" + body,
      h + "Content-Type: text/plain\r\nContent-Type: application/pdf\r\n" + body,
      h + "Content-Type: text/plain\r\nContent-Disposition: attachment\r\n" + body,
      h + "Content-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n" + body,
      h + "Content-Type: text/plain\r\nContent-Disposition: inline\r\n" + body,
      h + "Content-Type: text/plain\r\nContent-Disposition: INLINE \r\n" + body,
      h + "Content-Type: text/plain\r\nContent-Disposition: inline; filename=a.txt\r\n" + body,
      h + "Content-Disposition: attachment\r\n" + body,
      h + "Content-Type: message/rfc822\r\n\r\nFrom: a@b.example\r\nSubject: x\r\n\r\nhi\r\n",
      h + "Content-Type: multipart/mixed\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"
          "--b\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\n%PDF\r\n--b--\r\n",
      h + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n",
      h + "Content-Type: application/ms-tnef; name=\"winmail.dat\"\r\n"
          "Content-Transfer-Encoding: base64\r\n\r\neJ8+IgAA\r\n",
      h + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n"
          "\r\n\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\r\n",
      h + "Content-Type: text/plain; charset=\xE6\x97\xA5\r\n" + body,
      // Broken headers.
      "From nobody Mon Jan  1 00:00:00 2026\r\n" + h + body,
      h + "not a field\r\n" + body,
      h + ": empty name\r\n" + body,
      h + "Bad Name: x\r\n" + body,
      " leading continuation\r\n" + h + body,
      h + "   \r\n" + body,
      h + "X-Bare: a\rb\r\n" + body,
      h + "X-Bare-End: a\r" + body,
      h + "Content-Type: text/plain\n\nLF only\n",
      "To: a@city.honjo.lg.jp\n\nLF only, no Content-Type\n",
      h,
      h + "\r\n",
      "\r\nno header at all\r\n",
      "just text without a header",
      "Content-Type: text/plain",
  };
  // Address forms in To (and Cc, From).
  const std::vector<std::string> lists = {
      "a@city.honjo.lg.jp",
      " a@city.honjo.lg.jp , b@example.jp ,",
      "<a@city.honjo.lg.jp>",
      "< a@city.honjo.lg.jp >",
      "Taro Yamada <t-yamada@city.honjo.lg.jp>",
      "Taro  Yamada\t <t-yamada@city.honjo.lg.jp>",
      "\"Yamada, Taro\" <t-yamada@city.honjo.lg.jp>, \"Arai\" <arai@example.jp>",
      "\"  spaced \" <x@city.honjo.lg.jp>",
      "\"\" <x@city.honjo.lg.jp>",
      "\"Ya\\\"mada\" <x@city.honjo.lg.jp>",
      "=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@city.honjo.lg.jp>",
      "=?UTF-8?Q?=E5=B1=B1=E7=94=B0,_x?= <y@city.honjo.lg.jp>, z@example.jp",
      "=?UTF-8?B?5bGx55Sw?= =?UTF-8?B?IOe+jg==?= <y@city.honjo.lg.jp>",
      "\"=?UTF-8?B?5bGx55Sw?=\" <y@city.honjo.lg.jp>",
      "=?broken <y@city.honjo.lg.jp>, z@example.jp",
      "a=?b@city.honjo.lg.jp, c@example.jp",
      "=a@city.honjo.lg.jp",
      "a@city.honjo.lg.jp,\r\n b@example.jp,\r\n\tC <c@example.jp>",
      "Long\r\n Name <a@city.honjo.lg.jp>",
      "undisclosed-recipients:;",
      "Team: a@city.honjo.lg.jp, b@example.jp;, c@example.jp",
      "a@city.honjo.lg.jp (Taro)",
      "(comment) a@city.honjo.lg.jp",
      "\"quoted local\"@city.honjo.lg.jp",
      "a.\"b\"@city.honjo.lg.jp",
      "<@route.example:joe@city.honjo.lg.jp>",
      "postmaster",
      "<postmaster>",
      "a@",
      "@city.honjo.lg.jp",
      "a@[192.0.2.1]",
      "a@xn--eckwd4c7c.xn--zckzah",
      "a@XN--ECKWD4C7C.jp",
      "A.Yamada@CITY.Honjo.LG.jp",
      "a@b@city.honjo.lg.jp",
      "Name <a@city.honjo.lg.jp> trailing",
      "Name <a@city.honjo.lg.jp>> x",
      "Name <a@city.honjo.lg.jp, b@example.jp>",
      "Name \"x\" <a@city.honjo.lg.jp>",
      "\"x\" Name <a@city.honjo.lg.jp>",
      "Na@me <a@city.honjo.lg.jp>",
      "\xE5\xB1\xB1\xE7\x94\xB0 <a@city.honjo.lg.jp>",
      "\"unterminated <a@city.honjo.lg.jp>, b@example.jp",
      ",,, ,",
      "",
      "   ",
  };
  for (const std::string& list : lists) {
    const std::string rest =
        "Subject: addresses\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nx\r\n";
    m.push_back("From: " + list + "\r\nTo: " + list + "\r\n" + rest);
    m.push_back("From: a@city.honjo.lg.jp\r\nTo: b@city.honjo.lg.jp\r\nCc: " + list +
                "\r\nBcc: " + list + "\r\n" + rest);
  }
  // Subjects (unstructured text).
  for (const char* subject :
       {"", " ", "\t", "  plain", "plain  ", "a\tb", " folded\r\n line", " folded\r\n\tline",
        " =?UTF-8?B?6LOH5paZ44Gu6YCB5LuY?=", " a =?UTF-8?Q?x?= b", " =?", " =?x",
        " ?= =", " \xE8\xB3\x87\xE6\x96\x99", " a\x01b", " a\x7F", " a\rb", " [#123] Re: Fw: x",
        // vmime throws on these while parsing the header (and then lists no parts).
        " =??B?\"Ta Yos\" <yhC?==??B?"
        "?= <",
        " =?UTF-8?B?5Lit5?= =?UTF-8?B?paH?=", " =?UTF-8?B?YQ==?= =?UTF-8?Q?a=3D?= ok", " Lunch?",
        " =?UTF-8?X?abc?="}) {
    m.push_back(std::string("To: a@city.honjo.lg.jp\r\nSubject:") + subject + "\r\n\r\nx\r\n");
  }
  // Many recipients (the BCC rule).
  std::string many = "To: ";
  for (int i = 0; i < 30; ++i) many += "u" + std::to_string(i) + "@example.ne.jp, ";
  m.push_back(many + "\r\nSubject: many\r\n\r\nx\r\n");
  return m;
}

std::vector<std::string> AllMessages() {
  std::vector<std::string> out;
  AddDir(testing::CorpusMailDir(), &out);
  AddDir(testing::TestDataDir() + "/rewrite", &out);
  AddDir(testing::TestDataDir() + "/fast_path", &out);  // inputs the fuzzer found
  AddDir(std::string(SENDGUARD_SOURCE_DIR) + "/tests/agent/data", &out);
  AddDir(std::string(SENDGUARD_SOURCE_DIR) + "/fuzz/corpus/mail", &out);
  AddDir(kCpythonDir, &out);
  for (std::string& m : EdgeCases()) out.push_back(std::move(m));
  return out;
}

// Every observable part of a decision.
std::string Fingerprint(const Decision& d) {
  return DecisionToJson(d) + "\nsender=" + d.sender +
         "\nbcc_header_removed=" + (d.bcc_header_removed ? "1" : "0") +
         "\ntransmit=" + d.transmit_bytes;
}

std::string Describe(const std::vector<ParsedMailbox>& list) {
  std::string out;
  for (const ParsedMailbox& m : list) {
    out += "[" + m.local + "|" + m.domain + "|" + m.display_name + "|" + m.group + "]";
  }
  return out;
}

std::string Describe(const std::vector<MessagePart>& parts) {
  std::string out;
  for (const MessagePart& p : parts) out += "[" + p.name + (p.is_body ? "|body]" : "|att]");
  return out;
}

bool IsAddressField(const RawField& f) {
  for (const char* name : {"To", "Cc", "Bcc", "From", "Sender", "Reply-To"}) {
    if (FieldNameIs(f, name)) return true;
  }
  return false;
}

class FastPathTest : public ::testing::Test {
 protected:
  void SetUp() override { policy_ = DefaultPolicy(); }

  // Decides `raw` with and without fast paths under several envelopes and compares.
  // Returns false (with a failure) on the first difference.
  bool SameDecisions(const std::string& raw, const std::string& what) {
    const std::vector<Envelope> envelopes = {
        {},                                                             // header recipients decide
        {"yoshida-t@city.honjo.lg.jp", {"yamada-a@city.honjo.lg.jp"}},  // nothing to scan
        {"", {"a.yamada@example.ne.jp"}},                               // scanned (outside)
    };
    for (std::size_t e = 0; e < envelopes.size(); ++e) {
      for (bool only_when_needed : {true, false}) {
        DecideOptions fast, full;
        fast.scan_only_when_needed = full.scan_only_when_needed = only_when_needed;
        full.fast_paths = false;
        auto a = Decide(*policy_, checker_, raw, envelopes[e], fast);
        auto b = Decide(*policy_, checker_, raw, envelopes[e], full);
        EXPECT_EQ(a.ok(), b.ok()) << what;
        if (!a.ok() || !b.ok()) {
          if (a.ok() != b.ok()) return false;
          continue;
        }
        const std::string fa = Fingerprint(a.value()), fb = Fingerprint(b.value());
        if (fa != fb) {
          ADD_FAILURE() << what << " envelope " << e << " only_when_needed " << only_when_needed
                        << "\nfast:\n"
                        << fa << "\nvmime:\n"
                        << fb;
          return false;
        }
      }
    }
    return true;
  }

  // Each fast path alone against vmime; counts how often it answered.
  bool SameParts(const std::string& raw, const std::string& what) {
    const RawHeader header = SplitHeader(raw);
    for (const RawField& f : header.fields) {
      if (auto text = DecodeSimpleHeaderText(f.value)) {
        ++texts_fast_;
        const std::string full = DecodeHeaderText(f.value, /*fast_path=*/false);
        if (*text != full) {
          ADD_FAILURE() << what << ": " << f.value << "\nfast:  " << *text << "\nvmime: " << full;
          return false;
        }
      }
      if (!IsAddressField(f)) continue;
      auto simple = ParseSimpleAddressList(f.value);
      if (!simple) continue;
      ++addresses_fast_;
      const std::string fast = Describe(*simple);
      const std::string full = Describe(ParseAddressList(f.value, /*fast_path=*/false));
      if (fast != full) {
        ADD_FAILURE() << what << ": " << f.value << "\nfast:  " << fast << "\nvmime: " << full;
        return false;
      }
    }
    auto listed = ListSinglePartText(raw, header);
    if (listed) {
      ++listed_fast_;
      const std::string fast = Describe(*listed);
      const std::string full = Describe(ExtractParts(raw, 16, /*with_content=*/false));
      if (fast != full) {
        ADD_FAILURE() << what << "\nfast:  " << fast << "\nvmime: " << full;
        return false;
      }
    }
    return true;
  }

  std::shared_ptr<const Policy> policy_;
  doccheck::Checker checker_;
  int addresses_fast_ = 0;
  int listed_fast_ = 0;
  int texts_fast_ = 0;
};

TEST_F(FastPathTest, CorporaAndEdgeCasesDecideTheSameWithAndWithoutFastPaths) {
  const std::vector<std::string> messages = AllMessages();
  ASSERT_GT(messages.size(), 150u);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string what = "message " + std::to_string(i) + ":\n" + messages[i].substr(0, 600);
    SameParts(messages[i], what);
    SameDecisions(messages[i], what);
  }
  // The fast paths really ran (and were compared) on a good share of the inputs.
  EXPECT_GT(addresses_fast_, 150);
  EXPECT_GT(listed_fast_, 60);
  EXPECT_GT(texts_fast_, 1000);
}

TEST_F(FastPathTest, ThePlainFormsTakeTheFastPathsAndTheRestIsDeclined) {
  auto list = ParseSimpleAddressList(
      " =?UTF-8?B?5bGx55SwIOe+jg==?= <yamada-a@city.honjo.lg.jp>,\r\n \"Arai, Ai\""
      " <arai-a@city.honjo.lg.jp>, kimura-t@city.honjo.lg.jp, <x@example.jp>");
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(Describe(*list),
            "[yamada-a|city.honjo.lg.jp|山田 美|][arai-a|city.honjo.lg.jp|Arai, Ai|]"
            "[kimura-t|city.honjo.lg.jp||][x|example.jp||]");
  for (const char* declined :
       {"Team: a@b.example;", "a@b.example (x)", "\"q l\"@b.example", "postmaster",
        "a@xn--eckwd4c7c.jp", "a@[192.0.2.1]", "\"a\\\"b\" <a@b.example>",
        "<@r.example:a@b.example>", "N <a@b.example> junk"}) {
    EXPECT_FALSE(ParseSimpleAddressList(declined).has_value()) << declined;
  }
  EXPECT_EQ(DecodeSimpleHeaderText(" \tPlan for\r\n\tMonday  "), "Plan for\tMonday  ");
  EXPECT_EQ(DecodeSimpleHeaderText(" =?UTF-8?B?6LOH5paZ?="), "資料");
  EXPECT_EQ(
      DecodeSimpleHeaderText("Re: =?ISO-2022-JP?B?GyRCO3FOQRsoQg==?=\r\n =?utf-8?b?6LOH5paZ?="),
      "Re: 資料資料");
  for (const char* declined :
       {"=?UTF-8?Q?=E8=B3=87?=", "=?Shift_JIS?B?jpGX3w==?=", "=?UTF-8?B?6LOH5paZ?", "a =? b",
        "=?UTF-8?B?6LOH5p?=", "=?UTF-8?B?gA==?=", "=?UTF-8*ja?B?6LOH5paZ?="}) {
    EXPECT_FALSE(DecodeSimpleHeaderText(declined).has_value()) << declined;
  }
  EXPECT_FALSE(DecodeSimpleHeaderText(" \xE8\xB3\x87").has_value());
  const std::string plain =
      "To: a@b.example\r\nContent-Type: text/plain; charset=UTF-8; format=flowed\r\n\r\nx";
  EXPECT_TRUE(ListSinglePartText(plain, SplitHeader(plain)).has_value());
  for (const char* declined :
       {"Content-Type: text/plain; name=x.pdf\r\n\r\nx",
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b--",
        "Content-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nx",
        "Content-Type: message/rfc822\r\n\r\nx", "From x Mon\r\nTo: a@b.example\r\n\r\nx"}) {
    EXPECT_FALSE(ListSinglePartText(declined, SplitHeader(declined)).has_value()) << declined;
  }
}

// Encoded words (RFC 2047, B encoding, UTF-8 and ISO-2022-JP), which most Japanese
// subjects and display names are: seeded random texts, split into words at any byte,
// joined by any blanks or folds, with plain text around them; wherever the fast paths
// answer, they give what vmime gives. (A Japanese subject is then read without loading
// the MIME reader plugin.)
std::string Base64(const std::string& bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out.push_back(kAlphabet[(v >> k) & 63]);
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += std::string{kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += std::string{kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63],
                       kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

TEST(FastPathEncodedWordTest, EncodedWordsDecodeAsVmimeDoes) {
  // "会議の資料（第２回）～確認", "山田 太郎", ASCII, and JIS X 0201 Roman / half-width.
  const std::vector<std::string> utf8 = {
      "\xE4\xBC\x9A\xE8\xAD\xB0\xE3\x81\xAE\xE8\xB3\x87\xE6\x96\x99\xEF\xBC\x88"
      "\xE7\xAC\xAC\xEF\xBC\x92\xE5\x9B\x9E\xEF\xBC\x89\xEF\xBD\x9E\xE7\xA2\xBA"
      "\xE8\xAA\x8D",
      "\xE5\xB1\xB1\xE7\x94\xB0 \xE5\xA4\xAA\xE9\x83\x8E", "Plan B", ""};
  // The same in ISO-2022-JP, plus escapes to JIS X 0201 Roman ("ESC ( J") and bad bytes.
  const std::vector<std::string> jis = {"\x1B$B2q5D$N;qNA!JBh#22s!K!A3NG'\x1B(B",
                                        "\x1B$B;3ED\x1B(B \x1B$BB@O:\x1B(B",
                                        "\x1B(J\\100\x1B(B",
                                        "\x1B$B2q\x1B",
                                        "\x1B$Bx\x1B(B",
                                        "Plan B"};
  const std::vector<std::string> glue = {"", " ", "\t", "\r\n ", "  ", "\r\n\t"};
  const std::vector<std::string> text = {"", "Re: ", "Fwd:", "[ML 12] ", "x", " (2) "};
  std::mt19937 rng(2047);
  int answered = 0, compared = 0, names_answered = 0;
  for (int round = 0; round < 3000; ++round) {
    const bool use_jis = rng() % 2 == 0;
    const std::string& bytes = use_jis ? jis[rng() % jis.size()] : utf8[rng() % utf8.size()];
    const std::string charset =
        use_jis ? (rng() % 2 ? "ISO-2022-JP" : "iso-2022-jp") : (rng() % 2 ? "UTF-8" : "utf-8");
    // Split at random bytes into 1-3 words.
    std::vector<std::string> pieces;
    std::size_t at = 0;
    const int words = 1 + static_cast<int>(rng() % 3);
    for (int w = 0; w < words; ++w) {
      const std::size_t rest = bytes.size() - at;
      const std::size_t take = w + 1 == words ? rest : (rest == 0 ? 0 : rng() % (rest + 1));
      pieces.push_back(bytes.substr(at, take));
      at += take;
    }
    std::string value = text[rng() % text.size()] + glue[rng() % glue.size()];
    for (std::size_t w = 0; w < pieces.size(); ++w) {
      if (w > 0) value += glue[rng() % glue.size()];
      value += "=?" + charset + (rng() % 4 ? "?B?" : "?b?") + Base64(pieces[w]) + "?=";
      if (rng() % 5 == 0) value += text[rng() % text.size()];
    }
    value += glue[rng() % glue.size()];

    ++compared;
    const std::optional<std::string> fast = DecodeSimpleHeaderText(value);
    if (fast) {
      ++answered;
      ASSERT_EQ(*fast, DecodeHeaderText(value, /*fast_path=*/false)) << value;
    }
    // The same as a display name (no folds inside a name).
    if (value.find('\n') == std::string::npos && value.find('"') == std::string::npos &&
        value.find(',') == std::string::npos) {
      const std::string list = value + " <a.yamada@example.ne.jp>";
      const std::optional<std::vector<ParsedMailbox>> simple = ParseSimpleAddressList(list);
      if (simple) {
        ++names_answered;
        ASSERT_EQ(Describe(*simple), Describe(ParseAddressList(list, /*fast_path=*/false))) << list;
      }
    }
  }
  EXPECT_EQ(compared, 3000);
  std::printf("encoded words: %d of %d subjects and %d display names answered\n", answered,
              compared, names_answered);
  EXPECT_GT(answered, 1000);  // the rest: words split inside a character, bad bytes
  EXPECT_GT(names_answered, 150);
}

// A bounded, seeded mutation run over the same inputs (the fuzzer's idea without
// libFuzzer): header bytes replaced, inserted or deleted, with a bias to the characters
// the fast paths care about.
TEST_F(FastPathTest, MutatedMessagesDecideTheSameWithAndWithoutFastPaths) {
  const std::vector<std::string> messages = AllMessages();
  std::mt19937 rng(17);
  const std::string interesting = "<>\"(),;:@\\=?* \t\r\n\x80\xE5xn-.";
  int compared = 0, failures = 0;
  for (int round = 0; round < 4000 && failures == 0; ++round) {
    std::string m = messages[rng() % messages.size()];
    if (m.size() > 8192) m.resize(8192);  // the header is what matters
    const std::size_t head = std::min<std::size_t>(m.size(), SplitHeader(m).body_offset + 8);
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !m.empty(); ++k) {
      const std::size_t at = rng() % std::min(head, m.size());
      const char c = (rng() % 3 == 0) ? static_cast<char>(rng() % 256)
                                      : interesting[rng() % interesting.size()];
      switch (rng() % 3) {
        case 0:
          if (at < m.size()) m[at] = c;
          break;
        case 1:
          m.insert(m.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          if (at < m.size()) m.erase(at, 1);
          break;
      }
    }
    if (m.empty()) continue;
    const std::string what = "mutation " + std::to_string(round) + ":\n" + m.substr(0, 800);
    if (!SameParts(m, what)) ++failures;
    // Whole decisions cost more (doccheck scans): every fourth mutation.
    if (round % 4 == 0 && !SameDecisions(m, what)) ++failures;
    ++compared;
  }
  EXPECT_EQ(failures, 0);
  EXPECT_GT(compared, 3000);
}

}  // namespace
}  // namespace mailcheck
