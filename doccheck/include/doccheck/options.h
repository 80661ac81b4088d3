// Options that shape one doccheck run: resource limits and the classification rules.
// Built once (from defaults or a policy file) and shared read-only between threads.
#ifndef DOCCHECK_OPTIONS_H_
#define DOCCHECK_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "doccheck/status.h"

namespace doccheck {

// Limits of CONTRACTS.md §1. Hitting one is a `limit` error on that file.
struct Limits {
  std::uint64_t max_file_bytes = 100ull << 20;  // unpacked bytes of one file or entry
  std::uint64_t max_tree_bytes = 1ull << 30;    // unpacked bytes of a whole archive tree
  int max_depth = 8;                            // nesting of archives/mails/containers
  std::uint64_t max_entries = 10000;            // entries in one archive tree
  double max_seconds = 60.0;                    // wall time per top-level file
  std::uint64_t max_findings = 10000;           // findings kept per file (all are counted)
};

// Which findings make which Article 10 class. Defaults follow CONTRACTS.md §1.
struct ClassRules {
  bool identifier_numbers_class1 = true;  // my_number, passport, ... => class 1
  bool birth_date_class1 = true;          // any birth date => class 1
  bool people_list_class1 = true;         // names + (address|phone|email) => class 1
  int min_people_for_list = 1;            // names needed to count as a list of people
};

struct Options {
  Limits limits;
  ClassRules class_rules;
  bool reveal = false;       // keep Finding::normalized in output
  int threads_per_file = 1;  // threads scanning one large text file at once
};

// Reads the optional "doccheck" object of a policy file (CONTRACTS.md §3):
//   {"doccheck": {"limits": {"max_file_bytes": N, "max_tree_bytes": N, "max_depth": N,
//                            "max_entries": N, "max_seconds": N},
//                 "class_rules": {"identifier_numbers_class1": true, ...}}}
// Unknown keys are ignored; wrong types are errors naming the key.
Status LoadOptionsFromPolicyJson(std::string_view json, Options* options);
Status LoadOptionsFromPolicyFile(const std::string& path, Options* options);

}  // namespace doccheck

#endif  // DOCCHECK_OPTIONS_H_
