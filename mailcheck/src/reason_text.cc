#include "reason_text.h"

#include <algorithm>

namespace mailcheck {

std::string_view KindNameJa(doccheck::Kind kind) {
  using doccheck::Kind;
  switch (kind) {
    case Kind::kMyNumber:
      return "個人番号";
    case Kind::kCorporateNumber:
      return "法人番号";
    case Kind::kDriversLicense:
      return "運転免許証番号";
    case Kind::kPassport:
      return "旅券番号";
    case Kind::kResidenceCard:
      return "在留カード番号";
    case Kind::kPensionNumber:
      return "基礎年金番号";
    case Kind::kHealthInsurance:
      return "健康保険の被保険者番号";
    case Kind::kBankAccount:
      return "口座番号";
    case Kind::kCreditCard:
      return "クレジットカード番号";
    case Kind::kPhone:
      return "電話番号";
    case Kind::kEmail:
      return "メールアドレス";
    case Kind::kPostalCode:
      return "郵便番号";
    case Kind::kAddress:
      return "住所";
    case Kind::kBirthDate:
      return "生年月日";
    case Kind::kPersonName:
      return "氏名";
    case Kind::kClassificationLabel:
      return "秘密区分の表示";
  }
  return "個人情報";
}

std::string_view KindNameEn(doccheck::Kind kind) {
  using doccheck::Kind;
  switch (kind) {
    case Kind::kMyNumber:
      return "My Number";
    case Kind::kCorporateNumber:
      return "corporate number";
    case Kind::kDriversLicense:
      return "driver's licence number";
    case Kind::kPassport:
      return "passport number";
    case Kind::kResidenceCard:
      return "residence card number";
    case Kind::kPensionNumber:
      return "pension number";
    case Kind::kHealthInsurance:
      return "health insurance number";
    case Kind::kBankAccount:
      return "bank account number";
    case Kind::kCreditCard:
      return "credit card number";
    case Kind::kPhone:
      return "phone number";
    case Kind::kEmail:
      return "e-mail address";
    case Kind::kPostalCode:
      return "postal code";
    case Kind::kAddress:
      return "address";
    case Kind::kBirthDate:
      return "birth date";
    case Kind::kPersonName:
      return "person's name";
    case Kind::kClassificationLabel:
      return "classification label";
  }
  return "personal information";
}

std::string DomainOf(std::string_view address) {
  std::size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(address.substr(at + 1));
}

std::vector<std::string> DistinctDomains(const std::vector<std::string>& addresses) {
  std::vector<std::string> out;
  for (const std::string& address : addresses) {
    std::string domain = DomainOf(address);
    if (domain.empty()) domain = address;
    if (std::find(out.begin(), out.end(), domain) == out.end()) out.push_back(domain);
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& items, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  if (items.size() > max) out += ", … (+" + std::to_string(items.size() - max) + ")";
  return out;
}

std::string CountNoun(std::size_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

}  // namespace mailcheck
