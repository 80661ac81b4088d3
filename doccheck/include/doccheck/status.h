// Status: the outcome of an operation that can fail, with a message for people.
#ifndef DOCCHECK_STATUS_H_
#define DOCCHECK_STATUS_H_

#include <string>
#include <utility>

namespace doccheck {

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

}  // namespace doccheck

#endif  // DOCCHECK_STATUS_H_
