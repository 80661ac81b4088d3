// Where and how the print guard (a CUPS backend, running as `lp` or root) reaches the
// agent of the user who printed a job (docs/PRINT_GUARD.md "Asking the user").
//
// Each user's agent listens on the AF_UNIX socket `<dir>/<uid>.sock`; `dir` is root's
// (installed by the package as /run/sendguard/print-prompt, mode 1733: everyone may
// create a socket there, nobody may list it or remove another user's). Both ends prove
// who they are with the kernel's credentials of the connection (SO_PEERCRED), never with
// a file a user could write: the backend talks only to a socket owned by, and a listener
// run by, the job's user; the agent answers only the spooler (root or `lp`). Pure
// functions over the system calls; thread-safe.
#ifndef AGENT_PRINT_PROMPT_SOCKET_H_
#define AGENT_PRINT_PROMPT_SOCKET_H_

#include <sys/types.h>

#include <optional>
#include <string>

namespace agent {

// The socket of the agent of `uid`: "<dir>/<uid>.sock".
std::string PrintPromptSocketPath(const std::string& dir, uid_t uid);

// The uid the process at the other end of the connected AF_UNIX socket `fd` had when it
// connected (or listened); nullopt when the kernel does not say.
std::optional<uid_t> PeerUid(int fd);

// Whether `dir` may hold print prompt sockets: a real directory (not a symbolic link)
// owned by root that, when others may write to it, is sticky. "" when it may; else why
// not (Japanese, then English).
std::string CheckPrintPromptDir(const std::string& dir);

// Whether the spooler may ask: root, or the user cupsd runs backends as (`lp`).
bool IsSpoolerUid(uid_t uid);

}  // namespace agent

#endif  // AGENT_PRINT_PROMPT_SOCKET_H_
