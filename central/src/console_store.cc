// The only console file that touches Poco::Data: ConsoleStore on SQLite and PostgreSQL.
// Poco exceptions end here.
#include "central/console/console_store.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <tuple>

#include "central/console/console_time.h"
#include "central/event_counts.h"
#include "central/event_index.h"
#include "poco_db.h"

namespace central::console {
namespace {

using Poco::Data::Statement;
using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using DbSession = Poco::Data::Session;

// The console's schema, one entry per version; a new version appends, never edits.
const std::vector<std::vector<std::string>>& Migrations() {
  static const std::vector<std::vector<std::string>> kMigrations = {
      {"CREATE TABLE IF NOT EXISTS console_sections (name TEXT PRIMARY KEY, created_at BIGINT "
       "NOT NULL)",
       "CREATE TABLE IF NOT EXISTS console_users (login TEXT PRIMARY KEY, name TEXT NOT NULL, "
       "section TEXT NOT NULL, roles TEXT NOT NULL, password_hash TEXT NOT NULL, created_at "
       "BIGINT NOT NULL)",
       "CREATE TABLE IF NOT EXISTS console_sessions (id_hash TEXT PRIMARY KEY, login TEXT NOT "
       "NULL, csrf_token TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen BIGINT NOT NULL)",
       "CREATE TABLE IF NOT EXISTS console_login_failures (login TEXT NOT NULL, at BIGINT NOT "
       "NULL, peer TEXT NOT NULL)",
       "CREATE INDEX IF NOT EXISTS console_login_failures_by_login ON console_login_failures "
       "(login, at)",
       "CREATE TABLE IF NOT EXISTS console_alerts (at BIGINT NOT NULL, kind TEXT NOT NULL, "
       "login TEXT NOT NULL, detail TEXT NOT NULL)",
       "CREATE TABLE IF NOT EXISTS console_agent_sections (agent TEXT PRIMARY KEY, section TEXT "
       "NOT NULL)",
       "CREATE TABLE IF NOT EXISTS console_policy_authors (version BIGINT PRIMARY KEY, login "
       "TEXT NOT NULL)"},
  };
  return kMigrations;
}

std::string JoinRoles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ",") + r;
  return out;
}

std::vector<std::string> SplitRoles(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// The filters SQL cannot apply (they look inside the event's JSON).
bool MatchesBody(const EventQuery& q, const std::string& body) {
  if (!q.user && !q.recipient_domain && q.subject_words.empty()) return true;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
    if (q.user && o->optValue<std::string>("user", "") != *q.user) return false;
    if (!q.subject_words.empty()) {
      const std::string subject = Lower(o->optValue<std::string>("subject", ""));
      for (const std::string& w : q.subject_words)
        if (subject.find(Lower(w)) == std::string::npos) return false;
    }
    if (q.recipient_domain) {
      auto recipients = o->getArray("recipients");
      if (!recipients) return false;
      bool found = false;
      for (std::size_t i = 0; i < recipients->size() && !found; ++i) {
        auto r = recipients->getObject(static_cast<unsigned>(i));
        if (!r) continue;
        found = DomainMatches(AddressDomain(r->optValue<std::string>("address", "")),
                              *q.recipient_domain);
      }
      if (!found) return false;
    }
    return true;
  } catch (const Poco::Exception&) {
    return false;
  }
}

class PocoConsoleStore : public ConsoleStore {
 public:
  explicit PocoConsoleStore(std::unique_ptr<PocoDb> db) : db_(std::move(db)) {}

  Status Migrate() {
    return db_->Migrate("console_schema_version", "the console's tables", Migrations());
  }

  Status AddSection(const std::string& name, Micros now_us) override {
    auto r = Run<bool>("adding section " + name, true, [&](DbSession& s) {
      Poco::Int64 taken = 0;
      Statement(s) << Q("SELECT COUNT(*) FROM console_sections WHERE name = ?"), bind(name),
          into(taken), now;
      if (taken > 0) return false;
      Statement(s) << Q("INSERT INTO console_sections (name, created_at) VALUES (?, ?)"),
          bind(name), bind(static_cast<Poco::Int64>(now_us)), now;
      return true;
    });
    if (!r.ok()) return Status::Error(r.error());
    if (!r.value()) return Status::Error("a section named '" + name + "' exists already");
    return Status::Ok();
  }

  Result<std::vector<Section>> ListSections() override {
    return Run<std::vector<Section>>("listing sections", false, [&](DbSession& s) {
      std::vector<std::string> name;
      std::vector<Poco::Int64> created;
      Statement(s) << "SELECT name, created_at FROM console_sections ORDER BY name", into(name),
          into(created), now;
      std::vector<Section> out(name.size());
      for (std::size_t i = 0; i < name.size(); ++i) out[i] = Section{name[i], created[i]};
      return out;
    });
  }

  Result<bool> SectionExists(const std::string& name) override {
    return Run<bool>("looking up a section", false, [&](DbSession& s) {
      Poco::Int64 n = 0;
      Statement(s) << Q("SELECT COUNT(*) FROM console_sections WHERE name = ?"), bind(name),
          into(n), now;
      return n > 0;
    });
  }

  Status AddUser(const User& u) override {
    auto r = Run<std::string>("adding user " + u.login, true, [&](DbSession& s) {
      Poco::Int64 sections = 0, taken = 0;
      Statement(s) << Q("SELECT COUNT(*) FROM console_sections WHERE name = ?"), bind(u.section),
          into(sections), now;
      if (sections == 0) return std::string("no section named '" + u.section + "'");
      Statement(s) << Q("SELECT COUNT(*) FROM console_users WHERE login = ?"), bind(u.login),
          into(taken), now;
      if (taken > 0) return std::string("a user with login '" + u.login + "' exists already");
      Statement(s) << Q(
          "INSERT INTO console_users (login, name, section, roles, password_hash, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?)"),
          bind(u.login), bind(u.name), bind(u.section), bind(JoinRoles(u.roles)),
          bind(u.password_hash), bind(static_cast<Poco::Int64>(u.created_at)), now;
      return std::string();
    });
    if (!r.ok()) return Status::Error(r.error());
    if (!r.value().empty()) return Status::Error(r.value());
    return Status::Ok();
  }

  Result<std::optional<User>> FindUser(const std::string& login) override {
    return Run<std::optional<User>>("looking up a user", false, [&](DbSession& s) {
      auto users = Users(s, login);
      return users.empty() ? std::optional<User>() : std::optional<User>(users.front());
    });
  }

  Result<std::vector<User>> ListUsers() override {
    return Run<std::vector<User>>("listing users", false,
                                  [&](DbSession& s) { return Users(s, std::nullopt); });
  }

  Status SetAgentSection(const std::string& agent, const std::string& section) override {
    auto r = Run<bool>("setting the section of agent " + agent, true, [&](DbSession& s) {
      Poco::Int64 sections = 0;
      Statement(s) << Q("SELECT COUNT(*) FROM console_sections WHERE name = ?"), bind(section),
          into(sections), now;
      if (sections == 0) return false;
      s.begin();
      Statement(s) << Q("DELETE FROM console_agent_sections WHERE agent = ?"), bind(agent), now;
      Statement(s) << Q("INSERT INTO console_agent_sections (agent, section) VALUES (?, ?)"),
          bind(agent), bind(section), now;
      s.commit();
      return true;
    });
    if (!r.ok()) return Status::Error(r.error());
    if (!r.value()) return Status::Error("no section named '" + section + "'");
    return Status::Ok();
  }

  Result<std::map<std::string, std::string>> AgentSections() override {
    return Run<std::map<std::string, std::string>>(
        "reading agents' sections", false, [&](DbSession& s) {
          std::vector<std::string> agent, section;
          Statement(s) << "SELECT agent, section FROM console_agent_sections", into(agent),
              into(section), now;
          std::map<std::string, std::string> out;
          for (std::size_t i = 0; i < agent.size(); ++i) out[agent[i]] = section[i];
          return out;
        });
  }

  Status CreateSession(const std::string& id_hash, const Session& x) override {
    return ToStatus(Run<bool>("creating a session", true, [&](DbSession& s) {
      Statement(s) << Q(
          "INSERT INTO console_sessions (id_hash, login, csrf_token, created_at, last_seen) "
          "VALUES (?, ?, ?, ?, ?)"),
          bind(id_hash), bind(x.login), bind(x.csrf_token),
          bind(static_cast<Poco::Int64>(x.created_at)), bind(static_cast<Poco::Int64>(x.last_seen)),
          now;
      return true;
    }));
  }

  Result<std::optional<Session>> TouchSession(const std::string& id_hash, Micros now_us,
                                              Micros idle_us, Micros absolute_us) override {
    return Run<std::optional<Session>>("reading a session", true, [&](DbSession& s) {
      std::vector<std::string> login, csrf;
      std::vector<Poco::Int64> created, seen;
      Statement(s) << Q(
          "SELECT login, csrf_token, created_at, last_seen FROM console_sessions WHERE "
          "id_hash = ?"),
          bind(id_hash), into(login), into(csrf), into(created), into(seen), now;
      if (login.empty()) return std::optional<Session>();
      if (now_us - seen[0] > idle_us || now_us - created[0] > absolute_us) {
        Statement(s) << Q("DELETE FROM console_sessions WHERE id_hash = ?"), bind(id_hash), now;
        return std::optional<Session>();
      }
      Statement(s) << Q("UPDATE console_sessions SET last_seen = ? WHERE id_hash = ?"),
          bind(static_cast<Poco::Int64>(now_us)), bind(id_hash), now;
      return std::optional<Session>(Session{login[0], csrf[0], created[0], now_us});
    });
  }

  Status DeleteSession(const std::string& id_hash) override {
    return ToStatus(Run<bool>("ending a session", true, [&](DbSession& s) {
      Statement(s) << Q("DELETE FROM console_sessions WHERE id_hash = ?"), bind(id_hash), now;
      return true;
    }));
  }

  Status RecordLoginFailure(const std::string& login, const std::string& peer,
                            Micros now_us) override {
    return ToStatus(Run<bool>("recording a failed login", true, [&](DbSession& s) {
      Statement(s) << Q("INSERT INTO console_login_failures (login, at, peer) VALUES (?, ?, ?)"),
          bind(login), bind(static_cast<Poco::Int64>(now_us)), bind(peer), now;
      return true;
    }));
  }

  Result<int> CountLoginFailures(const std::string& login, Micros since) override {
    return Run<int>("counting failed logins", false, [&](DbSession& s) {
      Poco::Int64 n = 0;
      Statement(s) << Q("SELECT COUNT(*) FROM console_login_failures WHERE login = ? AND at >= ?"),
          bind(login), bind(static_cast<Poco::Int64>(since)), into(n), now;
      return static_cast<int>(n);
    });
  }

  Status ClearLoginFailures(const std::string& login) override {
    return ToStatus(Run<bool>("clearing failed logins", true, [&](DbSession& s) {
      Statement(s) << Q("DELETE FROM console_login_failures WHERE login = ?"), bind(login), now;
      return true;
    }));
  }

  Status RecordAlert(const Alert& a) override {
    return ToStatus(Run<bool>("recording an alert", true, [&](DbSession& s) {
      Statement(s) << Q("INSERT INTO console_alerts (at, kind, login, detail) VALUES (?, ?, ?, ?)"),
          bind(static_cast<Poco::Int64>(a.time)), bind(a.kind), bind(a.login), bind(a.detail), now;
      return true;
    }));
  }

  Result<std::vector<Alert>> ListAlerts(Micros since) override {
    return Run<std::vector<Alert>>("reading alerts", false, [&](DbSession& s) {
      std::vector<Poco::Int64> at;
      std::vector<std::string> kind, login, detail;
      Statement(s) << Q(
          "SELECT at, kind, login, detail FROM console_alerts WHERE at >= ? ORDER BY at DESC"),
          bind(static_cast<Poco::Int64>(since)), into(at), into(kind), into(login), into(detail),
          now;
      std::vector<Alert> out(at.size());
      for (std::size_t i = 0; i < at.size(); ++i)
        out[i] = Alert{at[i], kind[i], login[i], detail[i]};
      return out;
    });
  }

  Status RecordPolicyAuthor(std::int64_t version, const std::string& login) override {
    return ToStatus(Run<bool>("recording who published a policy", true, [&](DbSession& s) {
      Statement(s) << Q("INSERT INTO console_policy_authors (version, login) VALUES (?, ?)"),
          bind(static_cast<Poco::Int64>(version)), bind(login), now;
      return true;
    }));
  }

  Result<std::vector<PolicyVersion>> PolicyHistory() override {
    return Run<std::vector<PolicyVersion>>("reading the policy history", false, [&](DbSession& s) {
      std::vector<Poco::Int64> version, published;
      std::vector<std::string> text, login;
      Statement(s) << "SELECT p.version, p.published_at, p.policy, COALESCE(a.login, '') FROM "
                      "policies p LEFT JOIN console_policy_authors a ON a.version = p.version "
                      "ORDER BY p.version DESC",
          into(version), into(published), into(text), into(login), now;
      std::vector<PolicyVersion> out(version.size());
      for (std::size_t i = 0; i < version.size(); ++i)
        out[i] = PolicyVersion{version[i], published[i], login[i], text[i]};
      return out;
    });
  }

  Result<EventPage> SearchEvents(const EventQuery& q) override {
    return Run<EventPage>("searching events", false, [&](DbSession& s) {
      EventPage page;
      const int limit = std::clamp(q.limit, 1, 1000);
      constexpr int kBatch = 500;
      // The index terms the filters need (event_index.h); the events are read through the
      // most selective one, the others checked by key. What the index cannot decide
      // (subject words as substrings, one-character words) is checked on the candidates'
      // JSON only.
      std::vector<std::string> terms;
      EventQuery body_filter;  // what is left for MatchesBody
      body_filter.subject_words = q.subject_words;
      if (q.recipient_domain) {
        if (IsIndexedDomain(*q.recipient_domain))
          terms.push_back(DomainTerm(*q.recipient_domain));
        else
          body_filter.recipient_domain = q.recipient_domain;  // "jp": in nearly every event
      }
      if (q.user && !q.user->empty())
        terms.push_back(UserTerm(*q.user));
      else
        body_filter.user = q.user;
      for (const std::string& w : q.subject_words)
        for (std::string& t : SubjectWordTerms(w)) terms.push_back(std::move(t));
      std::sort(terms.begin(), terms.end());
      terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
      if (terms.empty()) body_filter.recipient_domain = q.recipient_domain;
      if (!terms.empty()) WritePendingTerms(s);
      const bool postgres = db_->dialect() == PocoDb::Dialect::kPostgres;
      if (terms.size() > 1 && !postgres) {
        // Drive by the rarest term (counted up to a cap: a cheap range scan each).
        std::vector<std::pair<Poco::Int64, std::string>> counted;
        for (const std::string& t : terms) {
          Poco::Int64 n = 0;
          Statement(s) << Q(
              "SELECT COUNT(*) FROM (SELECT 1 FROM event_terms WHERE term = ? "
              "LIMIT 5000) c"),
              bind(t), into(n), now;
          counted.emplace_back(n, t);
        }
        std::sort(counted.begin(), counted.end());
        for (std::size_t i = 0; i < counted.size(); ++i) terms[i] = counted[i].second;
      }
      if (!terms.empty()) return SearchByTerms(s, q, terms, body_filter, limit);
      // Without index terms: the events in the time index's order. Read one row more than
      // a page (to know whether a next page exists); a filter on the JSON (a user given as
      // "", a domain with nothing to index) may drop rows: then read on in batches that
      // double, up to kBatch.
      int batch = limit + 1;
      std::optional<EventKey> cursor = q.before;
      int scanned = 0;
      while (true) {
        std::string sql =
            "SELECT e.id, e.agent, e.kind, e.event_time, e.received_at, e.body, "
            "COALESCE(s.section, '') FROM events e LEFT JOIN console_agent_sections s ON "
            "s.agent = e.agent WHERE 1 = 1" +
            RangeSql(q, cursor, "e.");
        if (q.section) sql += " AND COALESCE(s.section, '') = ?";
        if (q.agent) sql += " AND e.agent = ?";
        if (q.kind) sql += " AND e.kind = ?";
        sql += " ORDER BY e.event_time DESC, e.received_at DESC, e.id DESC LIMIT " +
               std::to_string(batch);
        Statement stmt(s);
        stmt << Q(sql);
        // Bound values must outlive execute(): bind() copies them.
        BindRange(stmt, q, cursor);
        if (q.section) stmt, bind(*q.section);
        if (q.agent) stmt, bind(*q.agent);
        if (q.kind) stmt, bind(*q.kind);
        std::vector<std::string> id, agent, kind, body, section;
        std::vector<Poco::Int64> time, received;
        stmt, into(id), into(agent), into(kind), into(time), into(received), into(body),
            into(section);
        stmt.execute();
        for (std::size_t i = 0; i < id.size(); ++i) {
          ++scanned;
          cursor = EventKey{time[i], received[i], id[i]};
          if (!MatchesBody(body_filter, body[i])) {
            if (scanned >= q.scan_limit) {
              page.next = cursor;
              return page;
            }
            continue;
          }
          page.events.push_back(ConsoleEvent{
              StoredEvent{id[i], agent[i], kind[i], time[i], received[i], body[i]}, section[i]});
          if (static_cast<int>(page.events.size()) == limit) {
            // More may follow unless this was the last row the filters let through
            // (a following page can still come out empty when body filters drop it all).
            if (i + 1 < id.size() || id.size() == static_cast<std::size_t>(batch))
              page.next = cursor;
            return page;
          }
          if (scanned >= q.scan_limit) {
            page.next = cursor;
            return page;
          }
        }
        if (id.size() < static_cast<std::size_t>(batch)) return page;
        batch = std::min(batch * 2, std::max(kBatch, limit + 1));
      }
    });
  }

  Result<std::int64_t> PrepareEventCounts() override {
    return Run<std::int64_t>("counting events per day", true, [&](DbSession& s) {
      return RebuildEventCounts(s, db_->dialect() == PocoDb::Dialect::kPostgres);
    });
  }

  Result<std::vector<WeeklyCount>> CountEventsByWeek(const WeeklyCountQuery& q) override {
    return Run<std::vector<WeeklyCount>>("counting events per week", false, [&](DbSession& s) {
      std::vector<WeeklyCount> out;
      if (q.kinds.empty() || q.weeks <= 0) return out;
      if (!q.user && EventCountsCurrent(s)) return CountFromDays(s, q);
      if (q.user) WritePendingTerms(s);
      constexpr Poco::Int64 kWeek = 7LL * 24 * 3600 * 1000000;
      const Poco::Int64 from = q.from, to = q.from + q.weeks * kWeek;
      std::string sql =
          "SELECT e.kind, COALESCE(s.section, ''), (e.event_time - ?) / " + std::to_string(kWeek) +
          ", COUNT(*) FROM events e LEFT JOIN console_agent_sections s ON s.agent = e.agent ";
      const bool postgres = db_->dialect() == PocoDb::Dialect::kPostgres;
      if (q.user && postgres)
        sql +=
            "JOIN event_term_sets t ON t.terms @> ?::text[] AND t.event_id = e.id AND "
            "t.event_time = e.event_time AND t.received_at = e.received_at ";
      else if (q.user)
        sql +=
            "JOIN event_terms t ON t.term = ? AND t.event_id = e.id AND t.event_time = "
            "e.event_time AND t.received_at = e.received_at ";
      sql += "WHERE e.kind IN (";
      for (std::size_t i = 0; i < q.kinds.size(); ++i) sql += i ? ", ?" : "?";
      sql += ") AND e.event_time >= ? AND e.event_time < ?";
      if (q.section) sql += " AND COALESCE(s.section, '') = ?";
      sql += " GROUP BY 1, 2, 3";
      Statement stmt(s);
      stmt << Q(sql), bind(from);
      if (q.user) stmt, bind(postgres ? TermArrayLiteral({UserTerm(*q.user)}) : UserTerm(*q.user));
      for (const std::string& k : q.kinds) stmt, bind(k);
      stmt, bind(from), bind(to);
      if (q.section) stmt, bind(*q.section);
      std::vector<std::string> kind, section;
      std::vector<Poco::Int64> week, count;
      stmt, into(kind), into(section), into(week), into(count);
      stmt.execute();
      for (std::size_t i = 0; i < kind.size(); ++i)
        out.push_back(WeeklyCount{kind[i], section[i], static_cast<int>(week[i]), count[i]});
      return out;
    });
  }

  // Before a search reads event_terms: on PostgreSQL the intake writes an event's terms
  // after its commit (event_index.h); the terms still pending are written now, waiting
  // for a writer that holds some, so that the search sees every event stored before it.
  void WritePendingTerms(DbSession& s) {
    if (db_->dialect() == PocoDb::Dialect::kPostgres) IndexPendingEvents(s, PendingSweep::kAll);
  }

  // Events a term search may show, newest first: keys only.
  struct Candidates {
    std::vector<Poco::Int64> time, received;
    std::vector<std::string> id;
  };

  // The time range and the keyset cursor (strictly older than `cursor`) as SQL, and their
  // values bound in the same order.
  // `table` is the events' alias ("e.": columns event_time, received_at, id) or "" for the
  // index tables (event_time, received_at, event_id). The cursor's first conjunct is a
  // plain range, so an index in page order is searched from the cursor on instead of
  // scanned and sorted (deep pages stay as fast as the first).
  static std::string RangeSql(const EventQuery& q, const std::optional<EventKey>& cursor,
                              const std::string& table = "") {
    const std::string time = table + "event_time", received = table + "received_at",
                      id = table.empty() ? "event_id" : table + "id";
    std::string sql;
    if (q.from) sql += " AND " + time + " >= ?";
    if (q.to) sql += " AND " + time + " < ?";
    if (cursor) {
      sql += " AND " + time + " <= ? AND (" + time + " < ? OR (" + time + " = ? AND (" + received +
             " < ? OR (" + received + " = ? AND " + id + " < ?))))";
    }
    return sql;
  }
  static void BindRange(Statement& stmt, const EventQuery& q,
                        const std::optional<EventKey>& cursor) {
    if (q.from) stmt, bind(static_cast<Poco::Int64>(*q.from));
    if (q.to) stmt, bind(static_cast<Poco::Int64>(*q.to));
    if (cursor) {
      stmt, bind(static_cast<Poco::Int64>(cursor->time)),
          bind(static_cast<Poco::Int64>(cursor->time)),
          bind(static_cast<Poco::Int64>(cursor->time)),
          bind(static_cast<Poco::Int64>(cursor->received_at)),
          bind(static_cast<Poco::Int64>(cursor->received_at)), bind(cursor->id);
    }
  }
  static constexpr const char* kNewestFirst =
      " ORDER BY event_time DESC, received_at DESC, event_id DESC";

  // SQLite: the newest `want` rows of one term (event_terms' key is the term, then the
  // page order).
  Candidates TermCandidates(DbSession& s, const EventQuery& q, const std::string& term,
                            const std::optional<EventKey>& cursor, int want) {
    Candidates c;
    Statement stmt(s);
    stmt << Q("SELECT event_time, received_at, event_id FROM event_terms WHERE term = ?" +
              RangeSql(q, cursor) + kNewestFirst + " LIMIT " + std::to_string(want)),
        bind(term);
    BindRange(stmt, q, cursor);
    stmt, into(c.time), into(c.received), into(c.id);
    stmt.execute();
    return c;
  }

  // PostgreSQL: the newest `want` events whose term set holds every term (event_index.h),
  // by a plan chosen here, not by the planner. It takes a word's bigrams (住民, 民票) for
  // independent and expects a handful of events where there are 8 % of them: then it
  // reads every one through the GIN index and sorts them (0.5 s at a million events, 2 s
  // for a section head's several rounds). Here the terms are taken for as correlated as
  // they can be: the events that hold them all are as many as those of the rarest term,
  // whose share the table's statistics give (most_common_elems; a term not there is
  // rare). When that share would fill the page well within 41,000 events, the newest
  // events are walked in page order (the primary key), a bounded number, checking each
  // one's terms; what the walk did not fill (the terms were rarer together) and a rare
  // term's events are read through the GIN index.
  static constexpr int kMaxWalked = 41000;
  // The share of events that hold the rarest of `terms` by the table's statistics; 0 when
  // one of them is not among the common elements (rare), or there are no statistics yet.
  double RarestShare(DbSession& s, const std::vector<std::string>& terms) {
    Poco::Int64 known = 0;
    double rarest = 0;
    std::string array = TermArrayLiteral(terms);
    Statement(s) << "SELECT COUNT(*), COALESCE(MIN(f), 0) FROM pg_stats p, "
                    "unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs) AS "
                    "m(e, f) WHERE p.tablename = 'event_term_sets' AND p.attname = 'terms' AND "
                    "m.e = ANY($1::text[])",
        Poco::Data::Keywords::use(array), into(known), into(rarest), now;
    return known == static_cast<Poco::Int64>(terms.size()) ? rarest : 0;
  }

  Candidates TermSetCandidates(DbSession& s, const EventQuery& q,
                               const std::vector<std::string>& terms_list, double rarest_share,
                               std::optional<EventKey> cursor, int want) {
    const std::string terms = TermArrayLiteral(terms_list);
    Candidates c;
    // A walk is worth it when the share fills the page well within kMaxWalked events.
    const double share = rarest_share * kMaxWalked >= 2.0 * want ? rarest_share : 0;
    // Each walk as long as the share says the rest of the page needs, with a margin.
    for (int walked_so_far = 0; share > 0 && walked_so_far < kMaxWalked;) {
      const int need = want - static_cast<int>(c.id.size());
      const int window = std::min(std::max(static_cast<int>(need / share * 1.25) + 100, 500),
                                  kMaxWalked - walked_so_far);
      walked_so_far += window;
      // The window's events that hold the terms (a subquery with a LIMIT: the planner must
      // walk the window, it cannot turn to the GIN index).
      std::vector<Poco::Int64> time, received;
      std::vector<std::string> id;
      {
        Statement stmt(s);
        stmt << Q(
            "SELECT event_time, received_at, event_id FROM (SELECT event_time, "
            "received_at, event_id, terms FROM event_term_sets WHERE TRUE" +
            RangeSql(q, cursor) + kNewestFirst + " LIMIT " + std::to_string(window) +
            ") w WHERE terms @> ?::text[]" + kNewestFirst + " LIMIT " + std::to_string(need));
        BindRange(stmt, q, cursor);
        stmt, bind(terms), into(time), into(received), into(id);
        stmt.execute();
      }
      c.time.insert(c.time.end(), time.begin(), time.end());
      c.received.insert(c.received.end(), received.begin(), received.end());
      c.id.insert(c.id.end(), id.begin(), id.end());
      if (static_cast<int>(c.id.size()) >= want) return c;
      // Not filled: go on from the window's oldest event (from the primary key alone).
      std::vector<Poco::Int64> last_time, last_received;
      std::vector<std::string> last_id;
      {
        Statement stmt(s);
        stmt << Q("SELECT event_time, received_at, event_id FROM event_term_sets WHERE TRUE" +
                  RangeSql(q, cursor) + kNewestFirst + " LIMIT 1 OFFSET " +
                  std::to_string(window - 1));
        BindRange(stmt, q, cursor);
        stmt, into(last_time), into(last_received), into(last_id);
        stmt.execute();
      }
      if (last_id.empty()) return c;  // the window held every event left
      cursor = EventKey{last_time[0], last_received[0], last_id[0]};
    }
    Statement stmt(s);
    stmt << Q(
        "SELECT event_time, received_at, event_id FROM event_term_sets WHERE terms @> "
        "?::text[]" +
        RangeSql(q, cursor) + kNewestFirst + " LIMIT " +
        std::to_string(want - static_cast<int>(c.id.size()))),
        bind(terms);
    BindRange(stmt, q, cursor);
    std::vector<Poco::Int64> time, received;
    std::vector<std::string> id;
    stmt, into(time), into(received), into(id);
    stmt.execute();
    c.time.insert(c.time.end(), time.begin(), time.end());
    c.received.insert(c.received.end(), received.begin(), received.end());
    c.id.insert(c.id.end(), id.begin(), id.end());
    return c;
  }

  // SearchEvents through the index: candidates are read from the driving term's rows in
  // page order, a bounded number per round (index only), and only those candidates are
  // looked up in events with the other filters (other terms by key, section, agent, kind).
  // Each statement's work is bounded whatever the planner estimates: PostgreSQL, taking
  // two correlated subject bigrams for independent, hash-joined every row of both terms
  // before sorting (2 s for a section head's subject search at a million events).
  EventPage SearchByTerms(DbSession& s, const EventQuery& q, const std::vector<std::string>& terms,
                          const EventQuery& body_filter, int limit) {
    EventPage page;
    const bool postgres = db_->dialect() == PocoDb::Dialect::kPostgres;
    const double rarest_share = postgres ? RarestShare(s, terms) : 0;  // once, not per round
    constexpr int kMaxRound = 4000;
    int round = limit + 1;  // a page and one, when every candidate passes
    std::optional<EventKey> cursor = q.before;
    int scanned = 0;
    while (true) {
      Candidates cand = postgres ? TermSetCandidates(s, q, terms, rarest_share, cursor, round)
                                 : TermCandidates(s, q, terms[0], cursor, round);
      std::vector<Poco::Int64>& cand_time = cand.time;
      std::vector<Poco::Int64>& cand_received = cand.received;
      std::vector<std::string>& cand_id = cand.id;
      if (cand_id.empty()) return page;
      const bool more_candidates = cand_id.size() == static_cast<std::size_t>(round);
      // The candidates that pass every other filter, newest first.
      std::string look =
          "SELECT e.id, e.agent, e.kind, e.event_time, e.received_at, e.body, "
          "COALESCE(s.section, '') FROM events e LEFT JOIN console_agent_sections s ON "
          "s.agent = e.agent WHERE e.id IN (?";
      for (std::size_t i = 1; i < cand_id.size(); ++i) look += ", ?";
      look += ")";
      if (q.section) look += " AND COALESCE(s.section, '') = ?";
      if (q.agent) look += " AND e.agent = ?";
      if (q.kind) look += " AND e.kind = ?";
      const std::size_t checked_terms = postgres ? 1 : terms.size();  // each one's EXISTS
      for (std::size_t i = 1; i < checked_terms; ++i) {
        look +=
            " AND EXISTS (SELECT 1 FROM event_terms x WHERE x.term = ? AND x.event_time = "
            "e.event_time AND x.received_at = e.received_at AND x.event_id = e.id)";
      }
      look += " ORDER BY e.event_time DESC, e.received_at DESC, e.id DESC";
      std::vector<std::string> id, agent, kind, body, section;
      std::vector<Poco::Int64> time, received;
      {
        Statement stmt(s);
        stmt << Q(look);
        for (const std::string& c : cand_id) stmt, bind(c);
        if (q.section) stmt, bind(*q.section);
        if (q.agent) stmt, bind(*q.agent);
        if (q.kind) stmt, bind(*q.kind);
        for (std::size_t i = 1; i < checked_terms; ++i) stmt, bind(terms[i]);
        stmt, into(id), into(agent), into(kind), into(time), into(received), into(body),
            into(section);
        stmt.execute();
      }
      for (std::size_t i = 0; i < id.size(); ++i) {
        if (!MatchesBody(body_filter, body[i])) continue;
        page.events.push_back(ConsoleEvent{
            StoredEvent{id[i], agent[i], kind[i], time[i], received[i], body[i]}, section[i]});
        if (static_cast<int>(page.events.size()) == limit) {
          // More may follow unless no other candidate passed and none is left.
          if (i + 1 < id.size() || more_candidates)
            page.next = EventKey{time[i], received[i], id[i]};
          return page;
        }
      }
      scanned += static_cast<int>(cand_id.size());
      cursor = EventKey{cand_time.back(), cand_received.back(), cand_id.back()};
      if (!more_candidates) return page;
      if (scanned >= q.scan_limit) {
        page.next = cursor;
        return page;
      }
      round = std::min(round * 2, std::max(kMaxRound, limit + 1));
    }
  }

  Result<std::vector<UserWeeklyCount>> CountEventsByUserAndWeek(
      const WeeklyCountQuery& q) override {
    return Run<std::vector<
        UserWeeklyCount>>("counting events per person and week", false, [&](DbSession& s) {
      std::vector<UserWeeklyCount> out;
      if (q.kinds.empty() || q.weeks <= 0) return out;
      const auto& per_user = PerUserCountedKinds();
      const bool counted = std::all_of(q.kinds.begin(), q.kinds.end(), [&](const std::string& k) {
        return std::find(per_user.begin(), per_user.end(), k) != per_user.end();
      });
      if (counted && EventCountsCurrent(s)) return CountUsersFromDays(s, q);
      constexpr Poco::Int64 kWeek = 7LL * 24 * 3600 * 1000000;
      // The desktop user when it is a string (as the events list shows it), else "".
      const std::string user =
          db_->dialect() == PocoDb::Dialect::kPostgres
              ? "CASE WHEN json_typeof(j.body->'user') = 'string' THEN j.body->>'user' "
                "ELSE '' END"
              : "CASE WHEN json_valid(e.body) THEN CASE WHEN json_type(e.body, '$.user') = "
                "'text' THEN json_extract(e.body, '$.user') ELSE '' END ELSE '' END";
      std::string sql = "SELECT COALESCE(s.section, ''), " + user + ", (e.event_time - ?) / " +
                        std::to_string(kWeek) +
                        ", COUNT(*) FROM events e LEFT JOIN console_agent_sections s ON "
                        "s.agent = e.agent " +
                        (db_->dialect() == PocoDb::Dialect::kPostgres
                             ? "CROSS JOIN LATERAL (SELECT e.body::json AS body) j "  // once
                             : "") +
                        "WHERE e.kind IN (";
      for (std::size_t i = 0; i < q.kinds.size(); ++i) sql += i ? ", ?" : "?";
      sql += ") AND e.event_time >= ? AND e.event_time < ?";
      if (q.section) sql += " AND COALESCE(s.section, '') = ?";
      sql += " GROUP BY 1, 2, 3";
      const Poco::Int64 from = q.from, to = q.from + q.weeks * kWeek;
      Statement stmt(s);
      stmt << Q(sql), bind(from);
      for (const std::string& k : q.kinds) stmt, bind(k);
      stmt, bind(from), bind(to);
      if (q.section) stmt, bind(*q.section);
      std::vector<std::string> section, users;
      std::vector<Poco::Int64> week, count;
      stmt, into(section), into(users), into(week), into(count);
      stmt.execute();
      for (std::size_t i = 0; i < section.size(); ++i)
        out.push_back(UserWeeklyCount{section[i], users[i], static_cast<int>(week[i]), count[i]});
      return out;
    });
  }

  // Sums of event_day_counts (or, `per_user`, event_user_day_counts; event_counts.h) per
  // kind, section, user ("" without `per_user`) and week: about kinds × agents × days rows,
  // no event read. A week is 7 local days from q.from, a Monday's midnight.
  using WeekKey = std::tuple<std::string, std::string, std::string, int>;  // kind, section, user
  std::map<WeekKey, std::int64_t> SumDays(DbSession& s, const WeeklyCountQuery& q, bool per_user) {
    const std::int64_t first_day = LocalDayNumber(q.from);
    const std::string user = per_user ? "c.user_name" : "''";
    std::string sql = "SELECT c.kind, COALESCE(s.section, ''), " + user +
                      ", c.day, SUM(c.n) FROM " +
                      (per_user ? "event_user_day_counts" : "event_day_counts") +
                      " c LEFT JOIN console_agent_sections s ON s.agent = c.agent WHERE "
                      "c.kind IN (";
    for (std::size_t i = 0; i < q.kinds.size(); ++i) sql += i ? ", ?" : "?";
    sql += ") AND c.day >= ? AND c.day < ?";
    if (q.section) sql += " AND COALESCE(s.section, '') = ?";
    sql += std::string(" GROUP BY c.kind, COALESCE(s.section, ''), ") +
           (per_user ? "c.user_name, " : "") + "c.day";
    Statement stmt(s);
    stmt << Q(sql);
    for (const std::string& k : q.kinds) stmt, bind(k);
    stmt, bind(static_cast<Poco::Int64>(first_day)),
        bind(static_cast<Poco::Int64>(first_day + 7LL * q.weeks));
    if (q.section) stmt, bind(*q.section);
    std::vector<std::string> kind, section, users;
    std::vector<Poco::Int64> day, count;
    stmt, into(kind), into(section), into(users), into(day), into(count);
    stmt.execute();
    std::map<WeekKey, std::int64_t> weekly;
    for (std::size_t i = 0; i < kind.size(); ++i)
      weekly[{kind[i], section[i], users[i], static_cast<int>((day[i] - first_day) / 7)}] +=
          count[i];
    return weekly;
  }

  std::vector<UserWeeklyCount> CountUsersFromDays(DbSession& s, const WeeklyCountQuery& q) {
    std::map<std::tuple<std::string, std::string, int>, std::int64_t> by_user;
    for (const auto& [key, n] : SumDays(s, q, true))
      by_user[{std::get<1>(key), std::get<2>(key), std::get<3>(key)}] += n;
    std::vector<UserWeeklyCount> out;
    for (const auto& [key, n] : by_user)
      out.push_back(UserWeeklyCount{std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
    return out;
  }

  std::vector<WeeklyCount> CountFromDays(DbSession& s, const WeeklyCountQuery& q) {
    std::vector<WeeklyCount> out;
    for (const auto& [key, n] : SumDays(s, q, false))
      out.push_back(WeeklyCount{std::get<0>(key), std::get<1>(key), std::get<3>(key), n});
    return out;
  }

  Result<std::optional<ConsoleEvent>> GetEvent(const std::string& id) override {
    return Run<std::optional<ConsoleEvent>>("reading an event", false, [&](DbSession& s) {
      std::vector<std::string> agent, kind, body, section;
      std::vector<Poco::Int64> time, received;
      Statement(s) << Q(
          "SELECT e.agent, e.kind, e.event_time, e.received_at, e.body, COALESCE(s.section, "
          "'') FROM events e LEFT JOIN console_agent_sections s ON s.agent = e.agent WHERE "
          "e.id = ?"),
          bind(id), into(agent), into(kind), into(time), into(received), into(body), into(section),
          now;
      if (agent.empty()) return std::optional<ConsoleEvent>();
      return std::optional<ConsoleEvent>(ConsoleEvent{
          StoredEvent{id, agent[0], kind[0], time[0], received[0], body[0]}, section[0]});
    });
  }

  Result<std::vector<AccessRecord>> SearchAccess(const AccessQuery& q) override {
    return Run<std::vector<AccessRecord>>("searching access records", false, [&](DbSession& s) {
      std::vector<Poco::Int64> at;
      std::vector<std::string> who, action, peer;
      std::vector<int> result;
      // Substring filters are applied here, not with LIKE, so that % and _ in them are
      // plain characters.
      Statement(s) << Q(
          "SELECT at, who, action, result, peer FROM access_log WHERE at >= ? AND at < ? "
          "ORDER BY at DESC, seq DESC"),
          bind(static_cast<Poco::Int64>(q.from)), bind(static_cast<Poco::Int64>(q.to)), into(at),
          into(who), into(action), into(result), into(peer), now;
      std::vector<AccessRecord> out;
      for (std::size_t i = 0; i < at.size() && static_cast<int>(out.size()) < q.limit; ++i) {
        if (!q.who_contains.empty() && who[i].find(q.who_contains) == std::string::npos) continue;
        if (!q.action_contains.empty() && action[i].find(q.action_contains) == std::string::npos)
          continue;
        out.push_back(AccessRecord{at[i], who[i], action[i], result[i], peer[i]});
      }
      return out;
    });
  }

 private:
  std::vector<User> Users(DbSession& s, const std::optional<std::string>& login) {
    std::vector<std::string> logins, name, section, roles, hash;
    std::vector<Poco::Int64> created;
    std::string sql =
        "SELECT login, name, section, roles, password_hash, created_at FROM console_users";
    Statement stmt(s);
    if (login) sql += " WHERE login = ?";
    stmt << Q(sql + " ORDER BY login");
    if (login) stmt, bind(*login);
    stmt, into(logins), into(name), into(section), into(roles), into(hash), into(created);
    stmt.execute();
    std::vector<User> out(logins.size());
    for (std::size_t i = 0; i < logins.size(); ++i)
      out[i] = User{logins[i], name[i], section[i], SplitRoles(roles[i]), hash[i], created[i]};
    return out;
  }

  // The shared plumbing (poco_db.h), under the names the queries above use.
  std::string Q(const std::string& sql) const { return db_->Q(sql); }
  static void Sql(DbSession& s, const std::string& sql) { PocoDb::Sql(s, sql); }
  static Status ToStatus(const Result<bool>& r) { return PocoDb::ToStatus(r); }
  template <typename T, typename F>
  Result<T> Run(const std::string& what, bool writes, F&& body) {
    return db_->Run<T>(what, writes, std::forward<F>(body));
  }

  std::unique_ptr<PocoDb> db_;
};

}  // namespace

std::string AddressDomain(const std::string& address) {
  const std::size_t at = address.rfind('@');
  if (at == std::string::npos) return "";
  std::string d = Lower(address.substr(at + 1));
  while (!d.empty() && (d.back() == '>' || d.back() == '.')) d.pop_back();
  return d;
}

bool DomainMatches(const std::string& domain, const std::string& wanted) {
  const std::string d = Lower(domain), w = Lower(wanted);
  if (w.empty()) return false;
  if (d == w) return true;
  return d.size() > w.size() && d.compare(d.size() - w.size(), w.size(), w) == 0 &&
         d[d.size() - w.size() - 1] == '.';
}

Result<std::unique_ptr<ConsoleStore>> ConsoleStore::Open(const std::string& db) {
  using R = Result<std::unique_ptr<ConsoleStore>>;
  auto db_open = PocoDb::Open(db);
  if (!db_open.ok()) return R::Error(db_open.error());
  auto store = std::make_unique<PocoConsoleStore>(std::move(db_open.value()));
  try {
    Status migrated = store->Migrate();
    if (!migrated.ok()) return R::Error(migrated.message());
  } catch (const Poco::Exception& e) {
    return R::Error(e.displayText());
  }
  return std::unique_ptr<ConsoleStore>(std::move(store));
}

}  // namespace central::console
