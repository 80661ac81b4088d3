#include "mailcheck/kind_names.h"

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

std::string KindLabelJa(std::string_view json_name) {
  if (auto kind = doccheck::KindFromName(json_name)) return std::string(KindNameJa(*kind));
  return std::string(json_name);
}

}  // namespace mailcheck
