// event_terms: computing an event's search terms and writing them in batches.
#include "central/event_index.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_set>

#include "central/console/console_store.h"
#include "pg_array.h"
#include "sqlite_insert.h"

namespace central {
namespace {

using Poco::Data::Statement;
using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

// Events read per step of the back-fill and of a sweep of pending events.
constexpr int kBackfillBatch = 2000;
// Steps of a sweep at most (4 million events): a sweep ends even if events were to keep
// arriving faster than it writes them.
constexpr int kMaxSweepSteps = 2000;

// The code points of UTF-8 text as their byte strings (ASCII letters lower-cased); an
// invalid byte stands for itself.
std::vector<std::string> CodePoints(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t n = 1;
    if (c >= 0xF0 && c < 0xF8)
      n = 4;
    else if (c >= 0xE0)
      n = 3;
    else if (c >= 0xC0)
      n = 2;
    if (c >= 0x80 && c < 0xC0) n = 1;
    if (i + n > text.size()) n = 1;
    std::string cp(text.substr(i, n));
    if (n == 1 && c >= 'A' && c <= 'Z') cp[0] = static_cast<char>(c - 'A' + 'a');
    out.push_back(std::move(cp));
    i += n;
  }
  return out;
}

bool IsSpace(const std::string& cp) {
  return cp == " " || cp == "\t" || cp == "\r" || cp == "\n" || cp == "\xE3\x80\x80";  // U+3000
}

// '*' is what the agent masks digits with (「住民票 ********5678」): a bigram with it is
// in most masked subjects and narrows nothing, so it is neither stored nor looked up.
bool IsMask(const std::string& cp) { return cp == "*"; }

void AddSubjectBigrams(std::string_view text, std::set<std::string>* terms) {
  const std::vector<std::string> cps = CodePoints(text);
  for (std::size_t i = 0; i + 1 < cps.size(); ++i) {
    if (IsSpace(cps[i]) || IsSpace(cps[i + 1])) continue;
    if (IsMask(cps[i]) || IsMask(cps[i + 1])) continue;
    terms->insert("s:" + cps[i] + cps[i + 1]);
  }
}

struct TermRow {
  std::string term;
  Poco::Int64 time;
  Poco::Int64 received;
  std::string id;
};

// One event's terms, as PostgreSQL keeps them: one row per event in event_term_sets.
struct TermSet {
  Poco::Int64 time;
  Poco::Int64 received;
  std::string id;
  std::vector<std::string> terms;
};

std::string TextArray(const std::vector<std::string>& values) {
  std::string array = "{";
  for (const std::string& v : values) pg::AppendText(array, v);
  array.push_back('}');
  return array;
}

// `may_exist`: some rows may be there already (a back-fill run again); the intake's
// rows are of newly stored events and cannot be, so they skip PostgreSQL's speculative
// insertion.
// PostgreSQL (event_term_sets): one statement for the batch, four arrays unnested into
// rows (pg_array.h); each event's terms travel as one element holding an array literal.
void InsertTermSets(Poco::Data::Session& s, std::vector<TermSet>& sets, bool may_exist) {
  // In key order: consecutive rows land at the end of the primary key, not on a random
  // page each.
  std::sort(sets.begin(), sets.end(), [](const TermSet& a, const TermSet& b) {
    return std::tie(a.time, a.received, a.id) < std::tie(b.time, b.received, b.id);
  });
  std::string times = "{", received = "{", ids = "{", terms = "{";
  bool any = false;
  for (const TermSet& e : sets) {
    if (e.terms.empty()) continue;  // nothing a search could find it by
    any = true;
    pg::AppendNumber(times, e.time);
    pg::AppendNumber(received, e.received);
    pg::AppendText(ids, e.id);
    pg::AppendText(terms, TextArray(e.terms));
  }
  if (!any) return;
  for (std::string* a : {&times, &received, &ids, &terms}) a->push_back('}');
  Statement(s) << "INSERT INTO event_term_sets (event_time, received_at, event_id, terms) "
                  "SELECT t, r, i, x::text[] FROM unnest($1::bigint[], $2::bigint[], "
                  "$3::text[], $4::text[]) AS u(t, r, i, x)" +
                      std::string(may_exist ? " ON CONFLICT DO NOTHING" : ""),
      Poco::Data::Keywords::use(times), Poco::Data::Keywords::use(received),
      Poco::Data::Keywords::use(ids), Poco::Data::Keywords::use(terms), now;
}

std::vector<TermSet> SetsOf(const std::vector<const StoredEvent*>& events) {
  std::vector<TermSet> sets;
  sets.reserve(events.size());
  for (const StoredEvent* e : events)
    sets.push_back(TermSet{e->time, e->received_at, e->id, EventTerms(*e)});
  return sets;
}

// SQLite (event_terms): one prepared statement stepped once per row (embedded: no round
// trips). Multi-row VALUES of 200 rows spent more time in SQLite's parser than in
// inserting.
void InsertRows(Poco::Data::Session& s, const std::vector<TermRow>& rows, bool may_exist) {
  if (rows.empty()) return;
  sql::SqliteInsert insert(s, std::string("INSERT ") + (may_exist ? "OR IGNORE " : "") +
                                  "INTO event_terms (term, event_time, received_at, event_id) "
                                  "VALUES (?, ?, ?, ?)");
  for (const TermRow& r : rows)
    insert.Text(1, r.term).Int(2, r.time).Int(3, r.received).Text(4, r.id).Run();
}

}  // namespace

std::string DomainTerm(std::string_view domain) {
  std::string d(domain);
  for (char& c : d)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return "d:" + d;
}

bool IsIndexedDomain(std::string_view domain) { return domain.find('.') != std::string_view::npos; }

std::string UserTerm(std::string_view user) { return "u:" + std::string(user); }

std::vector<std::string> SubjectWordTerms(std::string_view word) {
  std::set<std::string> terms;
  AddSubjectBigrams(word, &terms);
  return {terms.begin(), terms.end()};
}

std::vector<std::string> EventTerms(const Poco::JSON::Object& o) {
  std::set<std::string> terms;
  if (o.has("user") && o.get("user").isString()) {
    const std::string user = o.getValue<std::string>("user");
    if (!user.empty()) terms.insert(UserTerm(user));
  }
  if (o.has("subject") && o.get("subject").isString())
    AddSubjectBigrams(o.getValue<std::string>("subject"), &terms);
  if (auto recipients = o.getArray("recipients")) {
    for (std::size_t i = 0; i < recipients->size(); ++i) {
      auto r = recipients->getObject(static_cast<unsigned>(i));
      if (!r || !r->has("address") || !r->get("address").isString()) continue;
      std::string domain = console::AddressDomain(r->getValue<std::string>("address"));
      // The domain and each parent, so that a parent domain is one equality lookup;
      // not a lone top-level label ("jp", "com"): in nearly every event, narrows nothing.
      while (IsIndexedDomain(domain)) {
        terms.insert(DomainTerm(domain));
        const std::size_t dot = domain.find('.');
        if (dot == std::string::npos) break;
        domain.erase(0, dot + 1);
      }
    }
  }
  return {terms.begin(), terms.end()};
}

std::vector<std::string> EventTerms(const StoredEvent& event) {
  if (event.terms) return *event.terms;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(event.json).extract<Poco::JSON::Object::Ptr>();
    if (!o) return {};
    return EventTerms(*o);
  } catch (const Poco::Exception&) {
    return {};
  } catch (const std::exception&) {
    return {};
  }
}

namespace {

// In key order: consecutive inserts land on the same B-tree pages (PostgreSQL's index,
// SQLite's table), not on a random page each.
void SortRows(std::vector<TermRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const TermRow& a, const TermRow& b) {
    return std::tie(a.term, a.time, a.received, a.id) < std::tie(b.term, b.time, b.received, b.id);
  });
}

std::vector<TermRow> RowsOf(const std::vector<const StoredEvent*>& events) {
  std::vector<TermRow> rows;
  for (const StoredEvent* e : events) {
    for (std::string& term : EventTerms(*e))
      rows.push_back(TermRow{std::move(term), e->time, e->received_at, e->id});
  }
  SortRows(rows);
  return rows;
}

// The events with these ids, as stored.
std::vector<StoredEvent> ReadEvents(Poco::Data::Session& session, const std::string& id_array) {
  std::vector<std::string> id, agent, kind, body;
  std::vector<Poco::Int64> time, received;
  std::string ids = id_array;
  Statement(session) << "SELECT id, agent, kind, event_time, received_at, body FROM events "
                        "WHERE id = ANY($1::text[])",
      Poco::Data::Keywords::use(ids), into(id), into(agent), into(kind), into(time), into(received),
      into(body), now;
  std::vector<StoredEvent> out(id.size());
  for (std::size_t i = 0; i < id.size(); ++i)
    out[i] = StoredEvent{id[i], agent[i], kind[i], time[i], received[i], body[i]};
  return out;
}

}  // namespace

std::size_t IndexClaimed(Poco::Data::Session& session, const std::vector<IndexItem>& items) {
  if (items.empty()) return 0;
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const IndexItem& item : items) ids.push_back(item.id);
  std::string id_array = TextArray(ids);
  // Locked in id order, as IndexPendingEvents locks them: two writers never wait for each
  // other in a circle.
  std::vector<std::string> claimed;
  Statement(session) << "DELETE FROM event_terms_pending WHERE event_id IN (SELECT event_id "
                        "FROM event_terms_pending WHERE event_id = ANY($1::text[]) ORDER BY "
                        "event_id FOR UPDATE) RETURNING event_id",
      Poco::Data::Keywords::use(id_array), into(claimed), now;
  // Ids travel without NUL bytes (pg_array.h): compare them as stored.
  auto stored_form = [](std::string id) {
    id.erase(std::remove(id.begin(), id.end(), '\0'), id.end());
    return id;
  };
  const std::unordered_set<std::string> mine(claimed.begin(), claimed.end());
  std::vector<TermSet> sets;
  for (const IndexItem& item : items) {
    if (!mine.count(stored_form(item.id))) continue;  // another writer got there first
    sets.push_back(TermSet{item.time, item.received_at, item.id, item.terms});
  }
  InsertTermSets(session, sets, false);
  return sets.size();
}

std::size_t IndexPendingEvents(Poco::Data::Session& session, PendingSweep sweep,
                               std::int64_t received_before) {
  std::size_t total = 0;
  Poco::Int64 before = received_before;
  for (int step = 0; step < kMaxSweepSteps; ++step) {
    session.begin();
    std::vector<std::string> ids;
    const std::string limit = " ORDER BY event_id LIMIT " + std::to_string(kBackfillBatch);
    if (sweep == PendingSweep::kAll) {
      Statement(session) << "SELECT event_id FROM event_terms_pending" + limit + " FOR UPDATE",
          into(ids), now;
    } else {
      Statement(session) << "SELECT p.event_id FROM event_terms_pending p JOIN events e ON e.id "
                            "= p.event_id WHERE e.received_at < $1" +
                                limit + " FOR UPDATE OF p SKIP LOCKED",
          Poco::Data::Keywords::use(before), into(ids), now;
    }
    if (ids.empty()) {
      session.commit();
      return total;
    }
    std::string id_array = TextArray(ids);
    Statement(session) << "DELETE FROM event_terms_pending WHERE event_id = ANY($1::text[])",
        Poco::Data::Keywords::use(id_array), now;
    const std::vector<StoredEvent> events = ReadEvents(session, id_array);
    std::vector<const StoredEvent*> pointers;
    for (const StoredEvent& e : events) pointers.push_back(&e);
    std::vector<TermSet> sets = SetsOf(pointers);
    InsertTermSets(session, sets, true);
    session.commit();
    total += ids.size();
    if (ids.size() < static_cast<std::size_t>(kBackfillBatch)) return total;
  }
  return total;
}

const std::vector<std::string>& PendingIndexSchema() {
  static const std::vector<std::string> kSchema = {
      "CREATE TABLE IF NOT EXISTS event_terms_pending (event_id TEXT PRIMARY KEY)"};
  return kSchema;
}

void IndexEventBatch(Poco::Data::Session& session, bool postgres,
                     const std::vector<const StoredEvent*>& events) {
  if (postgres) {
    std::vector<TermSet> sets = SetsOf(events);
    InsertTermSets(session, sets, false);
  } else {
    InsertRows(session, RowsOf(events), false);
  }
}

void BackfillEventIndex(Poco::Data::Session& session, bool postgres) {
  std::string after;
  bool first = true;
  while (true) {
    std::vector<std::string> id, agent, kind, body;
    std::vector<Poco::Int64> time, received;
    Statement stmt(session);
    stmt << std::string("SELECT id, agent, kind, event_time, received_at, body FROM events") +
                (first ? "" : (postgres ? " WHERE id > $1" : " WHERE id > ?")) +
                " ORDER BY id LIMIT " + std::to_string(kBackfillBatch);
    if (!first) stmt, bind(after);
    stmt, into(id), into(agent), into(kind), into(time), into(received), into(body);
    stmt.execute();
    if (id.empty()) return;
    std::vector<StoredEvent> batch(id.size());
    std::vector<const StoredEvent*> pointers;
    for (std::size_t i = 0; i < id.size(); ++i) {
      batch[i] = StoredEvent{id[i], agent[i], kind[i], time[i], received[i], body[i]};
      pointers.push_back(&batch[i]);
    }
    if (postgres) {
      std::vector<TermSet> sets = SetsOf(pointers);
      InsertTermSets(session, sets, true);
    } else {
      InsertRows(session, RowsOf(pointers), true);
    }
    after = id.back();
    first = false;
    if (id.size() < static_cast<std::size_t>(kBackfillBatch)) return;
  }
}

const std::vector<std::string>& TermSetSchema() {
  static const std::vector<std::string> kSchema = {
      "CREATE TABLE IF NOT EXISTS event_term_sets (event_time BIGINT NOT NULL, received_at "
      "BIGINT NOT NULL, event_id TEXT NOT NULL, terms TEXT[] NOT NULL, PRIMARY KEY "
      "(event_time, received_at, event_id))",
      "CREATE INDEX IF NOT EXISTS event_term_sets_by_term ON event_term_sets USING gin (terms)"};
  return kSchema;
}

void MoveEventIndexToTermSets(Poco::Data::Session& session) {
  for (const std::string& sql : TermSetSchema()) Statement(session) << sql, now;
  std::string old_table;
  Statement(session) << "SELECT COALESCE(to_regclass('event_terms')::text, '')", into(old_table),
      now;
  if (old_table.empty()) return;  // moved already (the migration run again)
  Poco::Int64 rows = 0;
  Statement(session) << "SELECT reltuples::bigint FROM pg_class WHERE relname = 'event_terms'",
      into(rows), now;
  // reltuples is the planner's estimate, -1 before the table was ever analysed: then say
  // it anyway, the table may be large.
  if (rows > 100000 || rows < 0) {  // about 10,000 events: a minute per million
    const std::string count = rows < 0 ? "" : " (約 " + std::to_string(rows) + " 行)";
    std::fprintf(stderr,
                 "sendguard-central: 検索用の索引を新しい形式に移しています%s。100 万件の"
                 "イベントで 1 分ほどかかります (moving the search index to its new form)\n",
                 count.c_str());
  }
  Statement(session) << "INSERT INTO event_term_sets (event_time, received_at, event_id, terms) "
                        "SELECT event_time, received_at, event_id, array_agg(term ORDER BY term) "
                        "FROM event_terms GROUP BY event_time, received_at, event_id "
                        "ON CONFLICT DO NOTHING",
      now;
  Statement(session) << "DROP TABLE event_terms", now;
  // The planner's figures for the new table: which terms are common (most_common_elems)
  // decides between reading a term's events through the GIN index and walking the
  // primary key newest first.
  Statement(session) << "ANALYZE event_term_sets", now;
}

std::string TermArrayLiteral(const std::vector<std::string>& terms) { return TextArray(terms); }

const std::vector<std::string>& EventIndexSchema() {
  static const std::vector<std::string> kSchema = {
      "CREATE TABLE IF NOT EXISTS event_terms (term TEXT NOT NULL, event_time BIGINT NOT NULL, "
      "received_at BIGINT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (term, event_time, "
      "received_at, event_id)){without_rowid}"};
  return kSchema;
}

}  // namespace central
