// Result<T>: a value or an error message for people, returned across mailcheck's public
// boundary instead of exceptions. Status (from doccheck) is the value-less form.
#ifndef MAILCHECK_RESULT_H_
#define MAILCHECK_RESULT_H_

#include <string>
#include <utility>
#include <variant>

#include "doccheck/status.h"

namespace mailcheck {

using Status = doccheck::Status;

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  static Result Error(std::string message) { return Result(ErrorTag{std::move(message)}); }

  bool ok() const { return std::holds_alternative<T>(state_); }
  // Precondition for value(): ok().
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  // Empty when ok().
  const std::string& error() const {
    static const std::string kNone;
    return ok() ? kNone : std::get<ErrorTag>(state_).message;
  }

 private:
  struct ErrorTag {
    std::string message;
  };
  explicit Result(ErrorTag error) : state_(std::move(error)) {}
  std::variant<T, ErrorTag> state_;
};

}  // namespace mailcheck

#endif  // MAILCHECK_RESULT_H_
