// False alarms seen on real Japanese text (Debian's manpages-ja, see bench/manpages_ja.sh):
// table headers and word lists after 名前, reading-like headings (読み込み), katakana word
// lists, ISBN-10s and digit examples as phone numbers. Translator credits with an e-mail
// address are names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detect/name_morphology.h"
#include "synthetic_ids.h"

namespace doccheck {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using testing::NormalizedOf;

// A man page as groff renders it: the NAME section header 名前 stands on its own line.
std::string Page(const std::string& body) {
  return "FD(4)                Linux Programmer's Manual                FD(4)\n\n\n\n名前\n"
         "       fd - フロッピーディスクデバイス\n\n説明\n" +
         body;
}

TEST(RealTextTest, IsbnIsNotAPhoneNumber) {
  EXPECT_THAT(NormalizedOf(Kind::kPhone, "(Prentice-Hall  1992,  ISBN  0-13-951294-2)\n"),
              IsEmpty());
  EXPECT_THAT(
      NormalizedOf(Kind::kPhone, "Addison-Wesley, Reading, MA, 2000, ISBN 0-201-61633-5.\n"),
      IsEmpty());
  // Without the word, the ISBN-10 check digit tells.
  EXPECT_THAT(NormalizedOf(Kind::kPhone, "参考文献 0-13-326224-3 を参照\n"), IsEmpty());
  EXPECT_THAT(NormalizedOf(Kind::kPhone, "正規表現 [0123456789] は任意の数字\n"), IsEmpty());
  EXPECT_THAT(NormalizedOf(Kind::kPhone, "電話 03-1234-5678\n"), ElementsAreArray({"0312345678"}));
}

class RealTextNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NameMorphology::Available()) GTEST_SKIP() << "mecab-ipadic-utf8 is not installed";
  }
};

TEST_F(RealTextNamesTest, TableHeaderAfterNameIsNoName) {
  const std::string page = Page(
      "       lw(1i)    l    l    l    l    c    lw(1i)    c     c     c     c     c.\n"
      "       名前 容量 シリンダー     セクター  ヘッド    ベース\n"
      "            KiB                 マイナー番号 _ fdnd360    360 40   9    2    4\n");
  EXPECT_THAT(NormalizedOf(Kind::kPersonName, page), IsEmpty());
}

TEST_F(RealTextNamesTest, WordsAfterReadingLikeHeadingsAreNoReadings) {
  const std::string page = Page(
      "           r   読み取りアクセス\n"
      "           w   書き込みアクセス\n"
      "           e   存在\n"
      "           d   ディレクトリ\n"
      "           l   シンボリックリンク\n"
      "       perms    フィールド許可を表す文字の組み合わせである。   読み込み   (r),\n"
      "       書き込み                 (w),                 実行                  (x)\n");
  EXPECT_THAT(NormalizedOf(Kind::kPersonName, page), IsEmpty());
}

TEST_F(RealTextNamesTest, KatakanaWordListsAreNoNames) {
  const std::string page = Page(
      "       これはシステムコールであり、OS       は名前・リリース・バージョンなどを\n"
      "\nブックマーク ファイル\n       ブックマークを保存する。\n\nアドレス・ファミリー\n");
  EXPECT_THAT(NormalizedOf(Kind::kPersonName, page), IsEmpty());
}

TEST_F(RealTextNamesTest, TranslatorCreditsWithAnAddressAreNames) {
  const std::string page = Page(
      "翻訳者\n"
      "       棚橋誠治 <tanabash@example.jp>\n"
      "       喜瀬 浩 <kise@example.jp>.  鍋谷 栄展 <nabe@example.jp>.\n"
      "       Debian JP Documentation ML <debian-doc@example.jp>\n");
  EXPECT_THAT(NormalizedOf(Kind::kPersonName, page),
              ElementsAreArray({"棚橋誠治", "喜瀬浩", "鍋谷栄展"}));
}

}  // namespace
}  // namespace doccheck
