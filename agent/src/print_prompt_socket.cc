#include "agent/print_prompt_socket.h"

#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace agent {

std::string PrintPromptSocketPath(const std::string& dir, uid_t uid) {
  return dir + "/" + std::to_string(uid) + ".sock";
}

std::optional<uid_t> PeerUid(int fd) {
  struct ucred cred {};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred)
    return std::nullopt;
  return cred.uid;
}

std::string CheckPrintPromptDir(const std::string& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0)
    return dir + " がありません (" + dir + ": " + std::strerror(errno) + ")";
  if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
      ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)))
    return dir + " は root の（他人が書けるならスティッキーな）ディレクトリではありません (" + dir +
           " is not a root-owned directory, sticky when others may write to it)";
  return "";
}

bool IsSpoolerUid(uid_t uid) {
  if (uid == 0) return true;
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  return ::getpwnam_r("lp", &pw, buf, sizeof buf, &found) == 0 && found && found->pw_uid == uid;
}

}  // namespace agent
