// IncidentService: what `serve` runs of the incident workflow — the flow definitions
// (built in, plus --flows-dir), the incident store, the notifier (--smtp) and the console
// handler — and the timer that opens reviews and re-notifies overdue steps daily. Also
// the `incident list|show` commands (CONTRACTS.md §5a).
#ifndef CENTRAL_INCIDENTS_INCIDENT_SERVICE_H_
#define CENTRAL_INCIDENTS_INCIDENT_SERVICE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "central/console/console_store.h"
#include "central/incidents/incident_console.h"
#include "central/result.h"

namespace central::incidents {

// The serve options this service reads (each takes a value):
//   --flows-dir DIR      more flow definitions (*.json); default STATE_DIR/flows when present
//   --flow ID            the flow new cases use (default aizumisato)
//   --smtp HOST:PORT     notifications on (off when unset)
//   --mail-from ADDR, --notify-domain DOMAIN (login@DOMAIN), --console-url URL
//   --notify-interval SECONDS   the timer (default 3600)
extern const std::vector<std::string> kServeOptions;
extern const char kServeUsage[];

class IncidentService {
 public:
  // `option` returns a serve option's value ("" when not given).
  static Result<std::unique_ptr<IncidentService>> Open(
      const std::string& db, const std::string& state_dir, console::ConsoleStore& console_store,
      const std::function<std::string(const std::string&)>& option);
  ~IncidentService();

  IncidentConsole* console();
  void StartTimer();
  void Stop();

 private:
  IncidentService();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `incident list|show`: runs it when argv names it (setting *exit_code); false otherwise.
bool RunIncidentCommand(int argc, char** argv, int* exit_code);
extern const char kIncidentUsage[];

}  // namespace central::incidents

#endif  // CENTRAL_INCIDENTS_INCIDENT_SERVICE_H_
