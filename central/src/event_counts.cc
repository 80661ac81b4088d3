// event_day_counts: events per local day, kind and agent, kept at intake (event_counts.h).
#include "central/event_counts.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "central/console/console_time.h"

namespace central {
namespace {

using Poco::Data::Statement;
using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

// Rows per multi-row upsert: 4 values each, well under SQLite's variable limit.
constexpr std::size_t kRowsPerUpsert = 200;
// Events read per step of a rebuild (bounded memory at any table size).
constexpr int kRebuildBatch = 50000;

using Key = std::tuple<std::string, std::int64_t, std::string>;  // kind, day, agent
using Counts = std::map<Key, std::int64_t>;  // sorted: upserts lock rows in one order
// kind, day, agent, user (event_user_day_counts)
using UserKey = std::tuple<std::string, std::int64_t, std::string, std::string>;
using UserCounts = std::map<UserKey, std::int64_t>;

bool CountedPerUser(const std::string& kind) {
  const auto& kinds = PerUserCountedKinds();
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

// The desktop user of an event's JSON when it is a string, else "" (as the events list).
std::string UserOf(const std::string& json) {
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    if (o && o->has("user") && o->get("user").isString()) return o->getValue<std::string>("user");
  } catch (const Poco::Exception&) {
  } catch (const std::exception&) {
  }
  return "";
}

std::string Placeholders(bool postgres, std::size_t rows, int columns) {
  std::string sql;
  int n = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (int c = 0; c < columns; ++c) {
      if (c > 0) sql += ", ";
      sql += postgres ? "$" + std::to_string(++n) : std::string("?");
    }
    sql += ")";
  }
  return sql;
}

void Upsert(Poco::Data::Session& s, bool postgres, const Counts& counts) {
  std::vector<std::tuple<std::string, Poco::Int64, std::string, Poco::Int64>> rows;
  rows.reserve(counts.size());
  for (const auto& [key, n] : counts)
    rows.emplace_back(std::get<0>(key), std::get<1>(key), std::get<2>(key), n);
  for (std::size_t start = 0; start < rows.size(); start += kRowsPerUpsert) {
    const std::size_t count = std::min(kRowsPerUpsert, rows.size() - start);
    Statement stmt(s);
    stmt << "INSERT INTO event_day_counts (kind, day, agent, n) VALUES " +
                Placeholders(postgres, count, 4) +
                " ON CONFLICT (kind, day, agent) DO UPDATE SET n = event_day_counts.n + "
                "excluded.n";
    for (std::size_t i = start; i < start + count; ++i) {
      stmt, bind(std::get<0>(rows[i])), bind(std::get<1>(rows[i])), bind(std::get<2>(rows[i])),
          bind(std::get<3>(rows[i]));
    }
    stmt.execute();
  }
}

void UpsertUsers(Poco::Data::Session& s, bool postgres, const UserCounts& counts) {
  std::vector<std::tuple<std::string, Poco::Int64, std::string, std::string, Poco::Int64>> rows;
  rows.reserve(counts.size());
  for (const auto& [key, n] : counts)
    rows.emplace_back(std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), n);
  for (std::size_t start = 0; start < rows.size(); start += kRowsPerUpsert) {
    const std::size_t count = std::min(kRowsPerUpsert, rows.size() - start);
    Statement stmt(s);
    stmt << "INSERT INTO event_user_day_counts (kind, day, agent, user_name, n) VALUES " +
                Placeholders(postgres, count, 5) +
                " ON CONFLICT (kind, day, agent, user_name) DO UPDATE SET n = "
                "event_user_day_counts.n + excluded.n";
    for (std::size_t i = start; i < start + count; ++i) {
      stmt, bind(std::get<0>(rows[i])), bind(std::get<1>(rows[i])), bind(std::get<2>(rows[i])),
          bind(std::get<3>(rows[i])), bind(std::get<4>(rows[i]));
    }
    stmt.execute();
  }
}

std::vector<std::string> StateZones(Poco::Data::Session& s, bool for_share) {
  std::vector<std::string> zones;
  Statement(s) << std::string("SELECT zone FROM event_day_counts_state") +
                      (for_share ? " FOR SHARE" : ""),
      into(zones), now;
  return zones;
}

bool IsCurrent(const std::vector<std::string>& zones) {
  return zones.size() == 1 && zones[0] == console::CurrentTimeZone();
}

}  // namespace

const std::vector<std::string>& PerUserCountedKinds() {
  static const std::vector<std::string> kKinds = {"send_blocked", "print_blocked"};
  return kKinds;
}

const std::vector<std::string>& EventUserCountSchema() {
  static const std::vector<std::string> kSchema = {
      "CREATE TABLE IF NOT EXISTS event_user_day_counts (kind TEXT NOT NULL, day BIGINT NOT "
      "NULL, agent TEXT NOT NULL, user_name TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY "
      "(kind, day, agent, user_name)){without_rowid}",
      // Stale until serve recounts, now with the users.
      "INSERT INTO event_day_counts_state (zone) VALUES ('')"};
  return kSchema;
}

const std::vector<std::string>& EventCountSchema() {
  static const std::vector<std::string> kSchema = {
      "CREATE TABLE IF NOT EXISTS event_day_counts (kind TEXT NOT NULL, day BIGINT NOT NULL, "
      "agent TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (kind, day, agent)){without_rowid}",
      "CREATE TABLE IF NOT EXISTS event_day_counts_state (zone TEXT NOT NULL)",
      "INSERT INTO event_day_counts_state (zone) VALUES ('')"};
  return kSchema;
}

void CountEventBatch(Poco::Data::Session& session, bool postgres,
                     const std::vector<const StoredEvent*>& events) {
  if (events.empty()) return;
  const std::vector<std::string> zones = StateZones(session, postgres);
  if (!IsCurrent(zones)) {
    // Counted in another zone, or already stale: the next rebuild recounts. An insert,
    // not an update, so that concurrent batches do not wait for each other.
    if (std::find(zones.begin(), zones.end(), "") == zones.end())
      Statement(session) << "INSERT INTO event_day_counts_state (zone) VALUES ('')", now;
    return;
  }
  Counts counts;
  UserCounts users;
  for (const StoredEvent* e : events) {
    const std::int64_t day = console::LocalDayNumber(e->time);
    ++counts[Key{e->kind, day, e->agent}];
    if (CountedPerUser(e->kind)) ++users[UserKey{e->kind, day, e->agent, UserOf(e->json)}];
  }
  Upsert(session, postgres, counts);
  UpsertUsers(session, postgres, users);
}

bool EventCountsCurrent(Poco::Data::Session& session) {
  return IsCurrent(StateZones(session, false));
}

std::int64_t RebuildEventCounts(Poco::Data::Session& session, bool postgres) {
  if (EventCountsCurrent(session)) return -1;
  session.begin();
  try {
    // Wait for the batches being stored, and make later ones wait for the recount.
    if (postgres) Statement(session) << "LOCK TABLE event_day_counts_state IN EXCLUSIVE MODE", now;
    // The first statement writes, so SQLite takes its write lock before reading.
    Statement(session) << "DELETE FROM event_day_counts_state", now;
    Statement(session) << "DELETE FROM event_day_counts", now;
    Statement(session) << "DELETE FROM event_user_day_counts", now;
    std::string per_user_kinds;  // for the SQL: 'send_blocked', 'print_blocked'
    for (const std::string& k : PerUserCountedKinds())
      per_user_kinds += (per_user_kinds.empty() ? "'" : ", '") + k + "'";
    std::int64_t total = 0;
    std::string after;
    bool first = true;
    while (true) {
      Counts counts;
      UserCounts users;
      std::vector<std::string> id, kind, agent, body;
      std::vector<Poco::Int64> time;
      Statement stmt(session);
      // The JSON only of the events counted per user too.
      stmt << "SELECT id, kind, agent, event_time, CASE WHEN kind IN (" + per_user_kinds +
                  ") THEN body ELSE '' END FROM events" +
                  (first ? "" : (postgres ? " WHERE id > $1" : " WHERE id > ?")) +
                  " ORDER BY id LIMIT " + std::to_string(kRebuildBatch);
      if (!first) stmt, bind(after);
      stmt, into(id), into(kind), into(agent), into(time), into(body);
      stmt.execute();
      for (std::size_t i = 0; i < id.size(); ++i) {
        const std::int64_t day = console::LocalDayNumber(time[i]);
        ++counts[Key{kind[i], day, agent[i]}];
        if (CountedPerUser(kind[i])) ++users[UserKey{kind[i], day, agent[i], UserOf(body[i])}];
      }
      Upsert(session, postgres, counts);
      UpsertUsers(session, postgres, users);
      total += static_cast<std::int64_t>(id.size());
      if (id.size() < static_cast<std::size_t>(kRebuildBatch)) break;
      after = id.back();
      first = false;
    }
    Statement(session) << (postgres ? "INSERT INTO event_day_counts_state (zone) VALUES ($1)"
                                    : "INSERT INTO event_day_counts_state (zone) VALUES (?)"),
        bind(console::CurrentTimeZone()), now;
    session.commit();
    return total;
  } catch (...) {
    session.rollback();
    throw;
  }
}

}  // namespace central
