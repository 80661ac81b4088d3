// Status and Result<T>: the outcome of an operation that can fail, with a message for
// people. They cross every public boundary of central_core instead of exceptions; the
// adapter files that wrap Poco and libsodium catch what those throw. The same types as
// mailcheck's (central already links it for policy validation), so values pass between
// the two without conversion.
#ifndef CENTRAL_RESULT_H_
#define CENTRAL_RESULT_H_

#include "mailcheck/result.h"

namespace central {

using Status = mailcheck::Status;

template <typename T>
using Result = mailcheck::Result<T>;

}  // namespace central

#endif  // CENTRAL_RESULT_H_
