// ConsoleStore: what the web console keeps beside the agent Store — sections (所属),
// users with their roles and password hashes, login sessions, failed logins and alerts
// (Art. 11), who published which policy version — and the console's read side of the
// agent Store's tables (event search, policy history, access records with filters).
//
// It opens the same --db value as the Store (SQLite or PostgreSQL, through Poco::Data)
// with its own connections and its own schema version table (console_schema_version),
// so the two evolve separately. Open the Store first: the console reads its tables.
// Thread-safe: the server calls it from many request threads at once.
#ifndef CENTRAL_CONSOLE_CONSOLE_STORE_H_
#define CENTRAL_CONSOLE_CONSOLE_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "central/result.h"
#include "central/store.h"
#include "central/time_format.h"

namespace central::console {

struct Section {
  std::string name;
  Micros created_at = 0;
};

struct User {
  std::string login;
  std::string name;                // display name (漢字)
  std::string section;             // the section the user belongs to
  std::vector<std::string> roles;  // role codes (roles.h), at least one
  std::string password_hash;       // crypto_pwhash_str text
  Micros created_at = 0;
};

// A login session as stored: the session id itself is never stored, only its hash.
struct Session {
  std::string login;
  std::string csrf_token;
  Micros created_at = 0;
  Micros last_seen = 0;
};

// Sort key of the event list (newest first): the keyset pagination cursor.
struct EventKey {
  Micros time = 0;
  Micros received_at = 0;
  std::string id;
};

struct EventQuery {
  std::optional<Micros> from;          // event time >= from
  std::optional<Micros> to;            // event time < to
  std::optional<std::string> section;  // only agents of this section ("" : no section)
  std::optional<std::string> agent;
  std::optional<std::string> kind;
  std::optional<std::string> user;              // the desktop login in the event
  std::optional<std::string> recipient_domain;  // a recipient's domain, or a parent of it
  std::vector<std::string> subject_words;       // each must occur in the subject
  std::optional<EventKey> before;               // the page after this key (from the previous page)
  int limit = 50;
  // Stop after looking at this many stored events even when the page is not full
  // (the page then has a `next` key to continue from).
  int scan_limit = 20000;
};

// Events of some kinds counted per week and section (the dashboard's charts).
struct WeeklyCountQuery {
  std::vector<std::string> kinds;
  Micros from = 0;                     // start of the first week
  int weeks = 8;                       // weeks of 7 days from `from`
  std::optional<std::string> section;  // only agents of this section ("" : no section)
  std::optional<std::string> user;     // only events whose desktop user is this
};

struct WeeklyCount {
  std::string kind;
  std::string section;  // the agent's section, "" for none
  int week = 0;         // 0 = the first week
  std::int64_t count = 0;
};

// Events counted per section, desktop user and week (the near misses per person).
struct UserWeeklyCount {
  std::string section;  // the agent's section, "" for none
  std::string user;     // the event's desktop login, "" when it has none
  int week = 0;         // 0 = the first week (7 × 24 hours from the query's `from`)
  std::int64_t count = 0;
};

struct ConsoleEvent {
  StoredEvent event;
  std::string section;  // the agent's section at query time; "" when it has none
};

struct EventPage {
  std::vector<ConsoleEvent> events;
  std::optional<EventKey> next;  // set when more may follow
};

struct PolicyVersion {
  std::int64_t version = 0;
  Micros published_at = 0;
  std::string published_by;  // console login, or "" when published by the CLI
  std::string text;
};

struct AccessQuery {
  Micros from = 0;
  Micros to = 0;
  std::string who_contains;
  std::string action_contains;
  int limit = 1000;
};

struct Alert {
  Micros time = 0;
  std::string kind;  // "login_locked", ...
  std::string login;
  std::string detail;
};

class ConsoleStore {
 public:
  // Opens (creating and migrating the console's tables) the database named by a --db
  // value, as OpenStore does.
  static Result<std::unique_ptr<ConsoleStore>> Open(const std::string& db);
  virtual ~ConsoleStore() = default;

  // Fails when the name is taken.
  virtual Status AddSection(const std::string& name, Micros now) = 0;
  virtual Result<std::vector<Section>> ListSections() = 0;  // by name
  virtual Result<bool> SectionExists(const std::string& name) = 0;

  // Fails when the login is taken or the user's section does not exist.
  virtual Status AddUser(const User& user) = 0;
  virtual Result<std::optional<User>> FindUser(const std::string& login) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;  // by login

  // The agent's section (replacing any earlier one). Fails when the section does not exist.
  virtual Status SetAgentSection(const std::string& agent, const std::string& section) = 0;
  virtual Result<std::map<std::string, std::string>> AgentSections() = 0;  // agent -> section

  virtual Status CreateSession(const std::string& id_hash, const Session& session) = 0;
  // The live session for an id hash, its last_seen moved to `now`; nullopt (and the row
  // deleted) when unknown, idle longer than `idle_us` or older than `absolute_us`.
  virtual Result<std::optional<Session>> TouchSession(const std::string& id_hash, Micros now,
                                                      Micros idle_us, Micros absolute_us) = 0;
  virtual Status DeleteSession(const std::string& id_hash) = 0;

  virtual Status RecordLoginFailure(const std::string& login, const std::string& peer,
                                    Micros now) = 0;
  virtual Result<int> CountLoginFailures(const std::string& login, Micros since) = 0;
  virtual Status ClearLoginFailures(const std::string& login) = 0;
  virtual Status RecordAlert(const Alert& alert) = 0;
  virtual Result<std::vector<Alert>> ListAlerts(Micros since) = 0;  // newest first

  virtual Status RecordPolicyAuthor(std::int64_t version, const std::string& login) = 0;
  // Every published version, newest first (text included).
  virtual Result<std::vector<PolicyVersion>> PolicyHistory() = 0;

  virtual Result<EventPage> SearchEvents(const EventQuery& query) = 0;
  virtual Result<std::optional<ConsoleEvent>> GetEvent(const std::string& id) = 0;
  // Counted in the database, never by reading the events: from the day counts
  // (event_counts.h) when they are kept in the console's time zone, else by GROUP BY over
  // the events.
  virtual Result<std::vector<WeeklyCount>> CountEventsByWeek(const WeeklyCountQuery& query) = 0;
  // Counted in the database per section, user and week (query.user is not used): the
  // user is read from each event's JSON by the database, not by parsing it here.
  virtual Result<std::vector<UserWeeklyCount>> CountEventsByUserAndWeek(
      const WeeklyCountQuery& query) = 0;
  // Makes the day counts those of the console's time zone (serve calls it at start, after
  // UseTimeZone): the number of events recounted, or -1 when they were current.
  virtual Result<std::int64_t> PrepareEventCounts() = 0;

  // Access records with query.from <= time < query.to, newest first.
  virtual Result<std::vector<AccessRecord>> SearchAccess(const AccessQuery& query) = 0;
};

// The domain part of an address, lower-cased ("" when there is no '@').
std::string AddressDomain(const std::string& address);
// True when `domain` equals `wanted` or ends with "." + wanted (case-insensitive).
bool DomainMatches(const std::string& domain, const std::string& wanted);

}  // namespace central::console

#endif  // CENTRAL_CONSOLE_CONSOLE_STORE_H_
