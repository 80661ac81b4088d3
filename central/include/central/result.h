// Status and Result<T>: the outcome of an operation that can fail, with a message for
// people. They cross every public boundary of central_core instead of exceptions; the
// adapter files that wrap Poco and libsodium catch what those throw.
#ifndef CENTRAL_RESULT_H_
#define CENTRAL_RESULT_H_

#include <string>
#include <utility>
#include <variant>

namespace central {

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

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

}  // namespace central

#endif  // CENTRAL_RESULT_H_
