#include "agent/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace agent {
namespace {

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool FsyncDirOf(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  const int fd = ::open(dir.empty() ? "/" : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

mailcheck::Status WriteFileDurably(const std::string& tmp_path, const std::string& final_path,
                                   std::string_view data) {
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return mailcheck::Status::Error("cannot create " + tmp_path + ": " + std::strerror(errno));
  }
  const bool written = WriteAll(fd, data) && ::fsync(fd) == 0;
  int saved_errno = errno;
  ::close(fd);
  if (written && ::rename(tmp_path.c_str(), final_path.c_str()) == 0) {
    if (FsyncDirOf(final_path)) return mailcheck::Status::Ok();
    saved_errno = errno;
  } else if (written) {
    saved_errno = errno;
  }
  ::unlink(tmp_path.c_str());
  return mailcheck::Status::Error("cannot write " + final_path + ": " + std::strerror(saved_errno));
}

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace agent
