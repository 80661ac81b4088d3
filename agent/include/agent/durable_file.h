// Files that must survive a crash or a power cut (the outbox's events, the last good
// policy): written under a temporary name, fsync'd, renamed over the final name, and the
// directory fsync'd, so a reader finds either the old file or the whole new one.
#ifndef AGENT_DURABLE_FILE_H_
#define AGENT_DURABLE_FILE_H_

#include <string>
#include <string_view>

#include "mailcheck/result.h"

namespace agent {

// `tmp_path` must be in the same directory as `final_path`. The file is created 0600.
// On failure the temporary file is removed and the error names the path and the cause.
mailcheck::Status WriteFileDurably(const std::string& tmp_path, const std::string& final_path,
                                   std::string_view data);

// The whole file; false when it cannot be read.
bool ReadWholeFile(const std::string& path, std::string* out);

}  // namespace agent

#endif  // AGENT_DURABLE_FILE_H_
