// Fuzzes the lean XML scanner (extract/lean_xml.h) on its own and against expat: any input
// must end in events or a clear error (the sanitizers watch memory), and a part that
// expat (ParseXml) reads without error must give the lean scanner the same events.
// (office_xml_fuzz reads inputs as XLSX worksheets and shared strings, through it too.)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "extract/lean_xml.h"
#include "extract/xml_text.h"
#include "fuzz_sink.h"

namespace {

// Every event as text; adjacent character data merged (parsers may split it).
class EventLog : public doccheck::XmlHandler {
 public:
  bool StartElement(std::string_view local, const doccheck::XmlAttributes& a) override {
    log += '<';
    log += local;
    for (const char* name : {"r", "t", "s", "id", "val", "name", "x"}) {
      if (auto v = a.Get(name)) {
        log += ' ';
        log += name;
        log += "=[";
        log += *v;
        log += ']';
      }
    }
    log += ">\n";
    text_ = false;
    return true;
  }
  bool EndElement(std::string_view local) override {
    log += "</";
    log += local;
    log += ">\n";
    text_ = false;
    return true;
  }
  bool Characters(std::string_view text) override {
    if (!text_) log += "text:";
    log += text;
    text_ = true;
    return true;
  }
  std::string log;

 private:
  bool text_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace doccheck;
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  Budget lean_budget(FuzzLimits());
  EventLog lean;
  const auto lean_error = ParseLeanXml(xml, "part.xml", lean, lean_budget);
  if (lean_error && lean_error->message.empty()) std::abort();  // errors must say something
  if (LeanXmlApplies(xml)) {
    Budget expat_budget(FuzzLimits());
    EventLog expat;
    const auto expat_error = ParseXml(xml, "part.xml", expat, expat_budget);
    if (!expat_error && (lean_error || lean.log != expat.log)) std::abort();
  }
  return 0;
}
