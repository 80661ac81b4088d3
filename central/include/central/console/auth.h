// The console's people and their rights: role codes (CONTRACTS.md §5a), password hashing
// (libsodium Argon2id, crypto_pwhash_str), session ids and CSRF tokens, and what each role
// may see and do (enforced in the API, DESIGN.md "The web console"). Pure functions over
// libsodium; thread-safe once sodium_init has run (EnsureSodium).
#ifndef CENTRAL_CONSOLE_AUTH_H_
#define CENTRAL_CONSOLE_AUTH_H_

#include <string>
#include <string_view>
#include <vector>

#include "central/console/console_store.h"
#include "central/result.h"

namespace central::console {

// The role codes, in the order the console lists them.
inline constexpr const char* kRoleCodes[] = {"soukatsu", "hogo",  "kanri",
                                             "kansa",    "tanto", "sysadmin"};

bool IsRoleCode(std::string_view code);
// 総括責任者, 個人情報保護責任者, 管理者, 監査責任者, 取扱担当者, システム管理者.
std::string RoleNameJa(std::string_view code);
// "soukatsu,kanri" -> the codes; an error names the first unknown one.
Result<std::vector<std::string>> ParseRoles(std::string_view text);

// Argon2id (crypto_pwhash_str) with libsodium's INTERACTIVE limits.
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(const std::string& hash, std::string_view password);
// Spends the time of one verification, for an unknown login (no timing oracle).
void VerifyDummyPassword(std::string_view password);

// 32 random bytes as 43 base64url characters: session ids and CSRF tokens.
std::string NewRandomToken();
// Lower-case hex SHA-256: what the store keeps instead of a session id.
std::string HashSessionId(std::string_view id);
// Constant-time comparison of two tokens.
bool TokensEqual(std::string_view a, std::string_view b);

// What a user may do. Every console endpoint asks one of these.
struct Rights {
  bool all_sections = false;    // see events of every section (hogo, soukatsu, kansa)
  bool own_section = false;     // see events of their section (kanri)
  bool agents_read = false;     // sysadmin, kansa
  bool agents_write = false;    // sysadmin
  bool policy_read = false;     // sysadmin, kansa
  bool policy_write = false;    // sysadmin
  bool access_records = false;  // kansa
  bool events() const { return all_sections || own_section; }
};
Rights RightsOf(const std::vector<std::string>& roles);

// Whether a user may see an event of `section` (the agent's section, "" for none).
bool MaySeeSection(const User& user, const Rights& rights, const std::string& section);

}  // namespace central::console

#endif  // CENTRAL_CONSOLE_AUTH_H_
