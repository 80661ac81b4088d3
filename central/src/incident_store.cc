// IncidentStore on SQLite and PostgreSQL through PocoDb. Poco exceptions end here.
#include "central/incidents/incident_store.h"

#include <Poco/Data/Statement.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "poco_db.h"

namespace central::incidents {
namespace {

using Poco::Data::Statement;
using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using DbSession = PocoDb::DbSession;
using I64 = Poco::Int64;

const std::vector<std::vector<std::string>>& Migrations() {
  static const std::vector<std::vector<std::string>> kMigrations = {
      {"CREATE TABLE IF NOT EXISTS incident_cases (id TEXT PRIMARY KEY, flow TEXT NOT NULL, "
       "path TEXT NOT NULL, state TEXT NOT NULL, sections TEXT NOT NULL, source TEXT NOT NULL, "
       "form TEXT NOT NULL, opened_at BIGINT NOT NULL, opened_by TEXT NOT NULL, state_since "
       "BIGINT NOT NULL, known_on TEXT NOT NULL, events TEXT NOT NULL, ppc TEXT NOT NULL, "
       "notified_at BIGINT NOT NULL DEFAULT 0)",
       "CREATE INDEX IF NOT EXISTS incident_cases_by_state ON incident_cases (state)",
       "CREATE TABLE IF NOT EXISTS incident_timeline (seq {serial} PRIMARY KEY, case_id TEXT "
       "NOT NULL, at BIGINT NOT NULL, login TEXT NOT NULL, user_name TEXT NOT NULL, "
       "user_section TEXT NOT NULL, roles TEXT NOT NULL, kind TEXT NOT NULL, step TEXT NOT "
       "NULL, outcome TEXT NOT NULL, fields TEXT NOT NULL, corrects BIGINT NOT NULL)",
       "CREATE INDEX IF NOT EXISTS incident_timeline_by_case ON incident_timeline (case_id, seq)",
       "CREATE TABLE IF NOT EXISTS incident_reviews (event_id TEXT PRIMARY KEY, section TEXT NOT "
       "NULL, agent TEXT NOT NULL, user_name TEXT NOT NULL, event_time BIGINT NOT NULL, "
       "opened_at BIGINT NOT NULL, state TEXT NOT NULL, closed_by TEXT NOT NULL, reason TEXT "
       "NOT NULL, case_id TEXT NOT NULL, closed_at BIGINT NOT NULL)",
       "CREATE INDEX IF NOT EXISTS incident_reviews_by_state ON incident_reviews (state)"},
  };
  return kMigrations;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : "\n") + x;
  return out;
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

std::string FieldsJson(const std::map<std::string, std::string>& fields) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [k, v] : fields) o.set(k, v);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::map<std::string, std::string> ParseFields(const std::string& json) {
  std::map<std::string, std::string> out;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    for (const auto& [k, v] : *o) out[k] = v.isEmpty() ? "" : v.convert<std::string>();
  } catch (const Poco::Exception&) {
  }
  return out;
}

class PocoIncidentStore : public IncidentStore {
 public:
  explicit PocoIncidentStore(std::unique_ptr<PocoDb> db) : db_(std::move(db)) {}

  Status Migrate() {
    return db_->Migrate("incident_schema_version", "the incident tables", Migrations());
  }

  Result<std::string> CreateCase(Case c, TimelineEntry first) override {
    return db_->Run<std::string>("opening a case", true, [&](DbSession& s) {
      s.begin();
      const std::string year = c.id;  // the caller passes the year as the id's prefix
      I64 n = 0;
      Statement(s) << db_->Q("SELECT COUNT(*) FROM incident_cases WHERE id LIKE ?"),
          bind(year + "-%"), into(n), now;
      char num[32];
      std::snprintf(num, sizeof num, "%04lld", static_cast<long long>(n + 1));
      c.id = year + "-" + num;
      Statement(s) << db_->Q(
          "INSERT INTO incident_cases (id, flow, path, state, sections, source, form, "
          "opened_at, opened_by, state_since, known_on, events, ppc, notified_at) VALUES "
          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"),
          bind(c.id), bind(c.flow), bind(c.path), bind(c.state), bind(Join(c.sections)),
          bind(c.source), bind(c.form), bind(static_cast<I64>(c.opened_at)), bind(c.opened_by),
          bind(static_cast<I64>(c.state_since)), bind(c.known_on), bind(Join(c.events)),
          bind(c.ppc_json.empty() ? std::string("{}") : c.ppc_json), now;
      first.case_id = c.id;
      Insert(s, first);
      s.commit();
      return c.id;
    });
  }

  Result<std::optional<Case>> GetCase(const std::string& id) override {
    return db_->Run<std::optional<Case>>("reading a case", false, [&](DbSession& s) {
      auto cases = Cases(s, "id = ?", id);
      return cases.empty() ? std::optional<Case>() : std::optional<Case>(cases.front());
    });
  }

  Result<std::vector<Case>> ListCases(const std::string& state) override {
    return db_->Run<std::vector<Case>>("listing cases", false, [&](DbSession& s) {
      if (state.empty()) return Cases(s, "1 = 1", "");
      if (state == "open") return Cases(s, "state <> ?", "closed");
      return Cases(s, "state = ?", state);
    });
  }

  Result<bool> Append(const std::string& case_id, const std::string& expect_state,
                      TimelineEntry entry, const CaseChange& change) override {
    return db_->Run<bool>("writing to a case", true, [&](DbSession& s) {
      s.begin();
      std::vector<std::string> state;
      Statement(s) << db_->Q("SELECT state FROM incident_cases WHERE id = ?"), bind(case_id),
          into(state), now;
      if (state.empty() || (!expect_state.empty() && state[0] != expect_state)) return false;
      entry.case_id = case_id;
      Insert(s, entry);
      if (!change.new_state.empty()) {
        Statement(s) << db_->Q(
            "UPDATE incident_cases SET state = ?, state_since = ?, notified_at = 0 WHERE id = ?"),
            bind(change.new_state), bind(static_cast<I64>(entry.at)), bind(case_id), now;
      }
      if (change.sections) {
        Statement(s) << db_->Q("UPDATE incident_cases SET sections = ? WHERE id = ?"),
            bind(Join(*change.sections)), bind(case_id), now;
      }
      if (change.known_on) {
        Statement(s) << db_->Q("UPDATE incident_cases SET known_on = ? WHERE id = ?"),
            bind(*change.known_on), bind(case_id), now;
      }
      if (change.ppc_json) {
        Statement(s) << db_->Q("UPDATE incident_cases SET ppc = ? WHERE id = ?"),
            bind(*change.ppc_json), bind(case_id), now;
      }
      s.commit();
      return true;
    });
  }

  Result<std::vector<TimelineEntry>> Timeline(const std::string& case_id) override {
    return db_->Run<std::vector<TimelineEntry>>("reading a timeline", false, [&](DbSession& s) {
      std::vector<I64> seq, at, corrects;
      std::vector<std::string> login, name, section, roles, kind, step, outcome, fields;
      Statement(s) << db_->Q(
          "SELECT seq, at, login, user_name, user_section, roles, kind, step, outcome, fields, "
          "corrects FROM incident_timeline WHERE case_id = ? ORDER BY seq"),
          bind(case_id), into(seq), into(at), into(login), into(name), into(section), into(roles),
          into(kind), into(step), into(outcome), into(fields), into(corrects), now;
      std::vector<TimelineEntry> out(seq.size());
      for (std::size_t i = 0; i < seq.size(); ++i) {
        out[i] = TimelineEntry{seq[i],
                               case_id,
                               at[i],
                               login[i],
                               name[i],
                               section[i],
                               roles[i],
                               kind[i],
                               step[i],
                               outcome[i],
                               ParseFields(fields[i]),
                               corrects[i]};
      }
      return out;
    });
  }

  Status MarkNotified(const std::string& case_id, Micros at) override {
    return PocoDb::ToStatus(db_->Run<bool>("marking a notification", true, [&](DbSession& s) {
      Statement(s) << db_->Q("UPDATE incident_cases SET notified_at = ? WHERE id = ?"),
          bind(static_cast<I64>(at)), bind(case_id), now;
      return true;
    }));
  }

  Result<std::vector<Review>> SweepReviews(Micros at) override {
    return db_->Run<std::vector<Review>>("opening reviews", true, [&](DbSession& s) {
      std::vector<Review> opened;
      // What the intake queued since the last sweep (review_queue, store migration 4):
      // usually nothing, whatever the number of events stored. A long queue (the first
      // sweep after the migration) goes in transactions of kSweepBatch events.
      constexpr int kSweepBatch = 2000;
      while (true) {
        std::vector<std::string> id, agent, body, section;
        std::vector<I64> time;
        s.begin();
        Statement(s) << "SELECT e.id, e.agent, e.body, e.event_time, COALESCE(a.section, '') "
                        "FROM review_queue q JOIN events e ON e.id = q.event_id LEFT JOIN "
                        "console_agent_sections a ON a.agent = e.agent ORDER BY q.event_id "
                        "LIMIT " +
                            std::to_string(kSweepBatch),
            into(id), into(agent), into(body), into(time), into(section), now;
        std::vector<Review> batch;
        for (std::size_t i = 0; i < id.size(); ++i) {
          // Events that need no review are recorded too ("none"), so each is judged once.
          const bool needs = NeedsReview(body[i]);
          std::string user;
          try {
            Poco::JSON::Parser parser;
            user = parser.parse(body[i]).extract<Poco::JSON::Object::Ptr>()->optValue<std::string>(
                "user", "");
          } catch (const Poco::Exception&) {
          }
          Statement insert(s);
          insert << db_->Q(
              "INSERT INTO incident_reviews (event_id, section, agent, user_name, event_time, "
              "opened_at, state, closed_by, reason, case_id, closed_at) VALUES (?, ?, ?, ?, ?, "
              "?, ?, '', '', '', 0) ON CONFLICT (event_id) DO NOTHING"),
              bind(id[i]), bind(section[i]), bind(agent[i]), bind(user), bind(time[i]),
              bind(static_cast<I64>(at)), bind(std::string(needs ? "open" : "none"));
          // Opened by this sweep, not by another process sweeping the same queue.
          const bool inserted = insert.execute() > 0;
          Statement(s) << db_->Q("DELETE FROM review_queue WHERE event_id = ?"), bind(id[i]), now;
          if (inserted && needs) {
            Review r;
            r.event_id = id[i];
            r.section = section[i];
            r.agent = agent[i];
            r.user = user;
            r.event_time = time[i];
            r.opened_at = at;
            r.state = "open";
            batch.push_back(std::move(r));
          }
        }
        s.commit();
        opened.insert(opened.end(), batch.begin(), batch.end());
        if (id.size() < static_cast<std::size_t>(kSweepBatch)) return opened;
      }
    });
  }

  Result<std::map<std::string, std::int64_t>> CountOpenReviews() override {
    return db_->Run<std::map<std::string, std::int64_t>>(
        "counting open reviews", false, [&](DbSession& s) {
          std::vector<std::string> section;
          std::vector<I64> n;
          Statement(s) << "SELECT section, COUNT(*) FROM incident_reviews WHERE state = 'open' "
                          "GROUP BY section",
              into(section), into(n), now;
          std::map<std::string, std::int64_t> out;
          for (std::size_t i = 0; i < section.size(); ++i) out[section[i]] = n[i];
          return out;
        });
  }

  Result<std::vector<Review>> ListReviews(const std::string& state) override {
    return db_->Run<std::vector<Review>>("listing reviews", false, [&](DbSession& s) {
      return Reviews(s, state.empty() ? "state <> 'none'" : "state = ?", state);
    });
  }

  Result<std::optional<Review>> GetReview(const std::string& event_id) override {
    return db_->Run<std::optional<Review>>("reading a review", false, [&](DbSession& s) {
      auto r = Reviews(s, "event_id = ? AND state <> 'none'", event_id);
      return r.empty() ? std::optional<Review>() : std::optional<Review>(r.front());
    });
  }

  Result<bool> CloseReview(const std::string& event_id, const std::string& state,
                           const std::string& login, const std::string& reason,
                           const std::string& case_id, Micros at) override {
    return db_->Run<bool>("closing a review", true, [&](DbSession& s) {
      Statement update(s);
      update << db_->Q(
          "UPDATE incident_reviews SET state = ?, closed_by = ?, reason = ?, case_id = ?, "
          "closed_at = ? WHERE event_id = ? AND state = 'open'"),
          bind(state), bind(login), bind(reason), bind(case_id), bind(static_cast<I64>(at)),
          bind(event_id);
      return update.execute() > 0;
    });
  }

 private:
  void Insert(DbSession& s, const TimelineEntry& e) {
    Statement(s) << db_->Q(
        "INSERT INTO incident_timeline (case_id, at, login, user_name, user_section, roles, "
        "kind, step, outcome, fields, corrects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        bind(e.case_id), bind(static_cast<I64>(e.at)), bind(e.login), bind(e.user_name),
        bind(e.user_section), bind(e.roles), bind(e.kind), bind(e.step), bind(e.outcome),
        bind(FieldsJson(e.fields)), bind(static_cast<I64>(e.corrects)), now;
  }

  std::vector<Case> Cases(DbSession& s, const std::string& where, const std::string& arg) {
    std::vector<std::string> id, flow, path, state, sections, source, form, by, known, events, ppc;
    std::vector<I64> opened, since, notified;
    Statement stmt(s);
    stmt << db_->Q(
        "SELECT id, flow, path, state, sections, source, form, opened_at, opened_by, "
        "state_since, known_on, events, ppc, notified_at FROM incident_cases WHERE " +
        where + " ORDER BY opened_at DESC, id DESC");
    if (where.find('?') != std::string::npos) stmt, bind(arg);
    stmt, into(id), into(flow), into(path), into(state), into(sections), into(source), into(form),
        into(opened), into(by), into(since), into(known), into(events), into(ppc), into(notified);
    stmt.execute();
    std::vector<Case> out(id.size());
    for (std::size_t i = 0; i < id.size(); ++i) {
      out[i] =
          Case{id[i],     flow[i], path[i],  state[i], Split(sections[i]), source[i], form[i],
               opened[i], by[i],   since[i], known[i], Split(events[i]),   ppc[i],    notified[i]};
    }
    return out;
  }

  std::vector<Review> Reviews(DbSession& s, const std::string& where, const std::string& arg) {
    std::vector<std::string> id, section, agent, user, state, by, reason, case_id;
    std::vector<I64> time, opened, closed;
    Statement stmt(s);
    stmt << db_->Q(
        "SELECT event_id, section, agent, user_name, event_time, opened_at, state, closed_by, "
        "reason, case_id, closed_at FROM incident_reviews WHERE " +
        where + " ORDER BY event_time, event_id");
    if (where.find('?') != std::string::npos) stmt, bind(arg);
    stmt, into(id), into(section), into(agent), into(user), into(time), into(opened), into(state),
        into(by), into(reason), into(case_id), into(closed);
    stmt.execute();
    std::vector<Review> out(id.size());
    for (std::size_t i = 0; i < id.size(); ++i) {
      out[i] = Review{id[i],    section[i], agent[i],  user[i],    time[i],  opened[i],
                      state[i], by[i],      reason[i], case_id[i], closed[i]};
    }
    return out;
  }

  std::unique_ptr<PocoDb> db_;
};

}  // namespace

bool NeedsReview(const std::string& event_json) {
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(event_json).extract<Poco::JSON::Object::Ptr>();
    bool external = false;
    if (auto r = o->getArray("recipients")) {
      for (std::size_t i = 0; i < r->size(); ++i) {
        auto x = r->getObject(static_cast<unsigned>(i));
        if (x && x->optValue<bool>("external", false)) external = true;
      }
    }
    if (!external) return false;
    // Kinds that are not personal information by themselves.
    auto personal = [](const std::string& kind) {
      return kind != "classification_label" && kind != "corporate_number";
    };
    auto any = [&](const Poco::JSON::Object::Ptr& f) {
      if (!f) return false;
      for (const auto& [k, v] : *f) {
        try {
          if (personal(k) && v.convert<Poco::Int64>() > 0) return true;
        } catch (const Poco::Exception&) {
        }
      }
      return false;
    };
    if (any(o->getObject("findings"))) return true;
    if (auto a = o->getArray("attachments")) {
      for (std::size_t i = 0; i < a->size(); ++i) {
        auto x = a->getObject(static_cast<unsigned>(i));
        if (x && (x->optValue<Poco::Int64>("class", 0) == 1 || any(x->getObject("findings"))))
          return true;
      }
    }
    return false;
  } catch (const Poco::Exception&) {
    return false;
  }
}

Result<std::unique_ptr<IncidentStore>> IncidentStore::Open(const std::string& db) {
  using R = Result<std::unique_ptr<IncidentStore>>;
  auto opened = PocoDb::Open(db);
  if (!opened.ok()) return R::Error(opened.error());
  auto store = std::make_unique<PocoIncidentStore>(std::move(opened.value()));
  Status migrated = store->Migrate();
  if (!migrated.ok()) return R::Error(migrated.message());
  return std::unique_ptr<IncidentStore>(std::move(store));
}

}  // namespace central::incidents
