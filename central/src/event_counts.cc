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
#include "sql_rows.h"

namespace central {
namespace {

using Poco::Data::Statement;
using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

// Rows per multi-row upsert: 5 values at most each, well under SQLite's variable limit.
constexpr std::size_t kRowsPerUpsert = 200;
// Events read per step of a rebuild (bounded memory at any table size).
constexpr int kRebuildBatch = 50000;

// kind, day, agent, user ("" in event_day_counts, which has no user)
using Key = std::tuple<std::string, std::int64_t, std::string, std::string>;
using Counts = std::map<Key, std::int64_t>;  // sorted: upserts lock rows in one order

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

// Adds `counts` to event_day_counts, or with `with_user` to event_user_day_counts.
void Upsert(Poco::Data::Session& s, bool postgres, const Counts& counts, bool with_user) {
  const std::string table = with_user ? "event_user_day_counts" : "event_day_counts";
  const std::string key = with_user ? "kind, day, agent, user_name" : "kind, day, agent";
  std::vector<Counts::const_iterator> rows;
  for (auto it = counts.begin(); it != counts.end(); ++it) rows.push_back(it);
  for (std::size_t start = 0; start < rows.size(); start += kRowsPerUpsert) {
    const std::size_t count = std::min(kRowsPerUpsert, rows.size() - start);
    Statement stmt(s);
    stmt << "INSERT INTO " + table + " (" + key + ", n) VALUES " +
                sql::RowPlaceholders(postgres, count, with_user ? 5 : 4) + " ON CONFLICT (" + key +
                ") DO UPDATE SET n = " + table + ".n + excluded.n";
    for (std::size_t i = start; i < start + count; ++i) {
      const auto& [k, n] = *rows[i];
      stmt, bind(std::get<0>(k)), bind(static_cast<Poco::Int64>(std::get<1>(k))),
          bind(std::get<2>(k));
      if (with_user) stmt, bind(std::get<3>(k));
      stmt, bind(static_cast<Poco::Int64>(n));
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
  Counts counts, users;
  for (const StoredEvent* e : events) {
    const std::int64_t day = console::LocalDayNumber(e->time);
    ++counts[Key{e->kind, day, e->agent, ""}];
    if (CountedPerUser(e->kind))
      ++users[Key{e->kind, day, e->agent, e->user ? *e->user : UserOf(e->json)}];
  }
  Upsert(session, postgres, counts, false);
  Upsert(session, postgres, users, true);
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
      Counts counts, users;
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
        ++counts[Key{kind[i], day, agent[i], ""}];
        if (CountedPerUser(kind[i])) ++users[Key{kind[i], day, agent[i], UserOf(body[i])}];
      }
      Upsert(session, postgres, counts, false);
      Upsert(session, postgres, users, true);
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
