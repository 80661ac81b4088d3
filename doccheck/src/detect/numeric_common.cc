#include "detect/numeric_common.h"

#include <algorithm>

#include "detect/context.h"

namespace doccheck {

const std::initializer_list<std::string_view> kOtherNumberLabels = {
    "番号",     "No",   "NO",   "no.",  "ID",   "コード", "免許", "年金", "保険",
    "口座",     "電話", "TEL",  "Tel",  "FAX",  "Fax",    "注文", "受付", "請求",
    "伝票",     "管理", "製造", "整理", "予算", "金額",   "額",   "合計", "単価",
    "シリアル", "型番", "品番", "会員", "顧客", "契約",   "JAN",  "登録"};

bool LooksLikeAmount(std::string_view text, const NumberToken& token) {
  if (token.has_comma) return true;
  std::size_t n = 0;
  const char32_t before = CodePointBefore(text, token.begin, &n);
  if (before == 0xA5 || before == '$' || before == 0xFFE5 || before == 0x20AC) return true;
  // "¥ 123" with a space.
  if (before == ' ' && token.begin >= n) {
    std::size_t m = 0;
    const char32_t b2 = CodePointBefore(text, token.begin - n, &m);
    if (b2 == 0xA5 || b2 == '$') return true;
  }
  const char32_t after = CodePointAt(text, token.end, &n);
  return after == 0x5186 /*円*/ || after == 0x4E07 /*万*/ || after == 0x5104 /*億*/ ||
         after == '%' || after == 0x5343 /*千*/;
}

bool GluedToAlphanumeric(std::string_view text, const NumberToken& token) {
  if (token.begin > 0) {
    const char b = text[token.begin - 1];
    if (IsAsciiAlpha(b) || IsAsciiDigit(b) || b == '_') return true;
    if ((b == '.' || b == '/' || b == '-' || b == '+') && token.begin > 1 &&
        IsAsciiDigit(text[token.begin - 2]))
      return true;
  }
  if (token.end < text.size()) {
    const char a = text[token.end];
    if (IsAsciiAlpha(a) || IsAsciiDigit(a) || a == '_') return true;
    if ((a == '.' || a == '/' || a == '-') && token.end + 1 < text.size() &&
        IsAsciiDigit(text[token.end + 1]))
      return true;
  }
  return false;
}

void Emit(std::vector<Candidate>& out, Kind kind, std::size_t begin, std::size_t end,
          std::string normalized, double confidence) {
  Candidate c;
  c.kind = kind;
  c.begin = begin;
  c.end = end;
  c.normalized = std::move(normalized);
  c.confidence = confidence;
  out.push_back(std::move(c));
}

}  // namespace doccheck
