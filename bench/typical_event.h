// The violation event the central benchmarks send (bench/central_load.cc over HTTP,
// bench/central_intake.cc without it): about 600 bytes, what an agent reports after a
// blocked send (recipients, attachment findings, masked samples, a Japanese subject).
#ifndef SENDGUARD_BENCH_TYPICAL_EVENT_H_
#define SENDGUARD_BENCH_TYPICAL_EVENT_H_

#include <string>

inline std::string TypicalEvent(const std::string& id) {
  return R"({"id":")" + id +
         R"(","kind":"send_blocked","time":"2026-11-29T14:00:00Z","user":"yamada.taro",)"
         R"("host":"PC-SOMU-012","agent_version":"0.1.0","policy_version":3,"verdict":"block",)"
         R"("sender":"yamada@city.honjo.lg.jp","recipients":[{"address":"a@example.com",)"
         R"("external":true},{"address":"b@example.net","external":true}],)"
         R"("subject":"住民票の写し ********5678","attachments":[{"name":"名簿.xlsx","class":1,)"
         R"("findings":{"my_number":3,"person_name":12},"fully_checked":true}],)"
         R"("findings":{"my_number":3,"person_name":12},"samples":["1234 **** ***8"],)"
         R"("reasons":["attachment_my_number"],"reply":"550"})";
}

#endif  // SENDGUARD_BENCH_TYPICAL_EVENT_H_
