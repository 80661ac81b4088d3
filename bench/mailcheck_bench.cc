// mailcheck decisions per second: a plain 10 KB message, and one carrying a 5 MB XLSX
// (a synthetic resident list, deflate-compressed like a real office file).
//
//   cmake --build build-mail --target mailcheck_bench && build-mail/bench/mailcheck_bench
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "doccheck/checker.h"
#include "mailcheck/decide.h"
#include "mailcheck/policy.h"

namespace {

// A ZIP archive written in memory with deflated entries (enough for an XLSX).
class ZipWriter {
 public:
  void Add(const std::string& name, const std::string& data) {
    std::string packed = Deflate(data);
    const uint32_t crc =
        crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
    Entry e{name, crc, static_cast<uint32_t>(packed.size()), static_cast<uint32_t>(data.size()),
            static_cast<uint32_t>(out_.size())};
    Put32(0x04034b50);
    Put16(20), Put16(0), Put16(8), Put16(0), Put16(0x21);
    Put32(crc), Put32(e.packed), Put32(e.size);
    Put16(static_cast<uint16_t>(name.size())), Put16(0);
    out_ += name;
    out_ += packed;
    entries_.push_back(e);
  }

  std::string Finish() {
    const uint32_t dir_offset = static_cast<uint32_t>(out_.size());
    for (const Entry& e : entries_) {
      Put32(0x02014b50);
      Put16(20), Put16(20), Put16(0), Put16(8), Put16(0), Put16(0x21);
      Put32(e.crc), Put32(e.packed), Put32(e.size);
      Put16(static_cast<uint16_t>(e.name.size())), Put16(0), Put16(0), Put16(0), Put16(0);
      Put32(0), Put32(e.offset);
      out_ += e.name;
    }
    const uint32_t dir_size = static_cast<uint32_t>(out_.size()) - dir_offset;
    Put32(0x06054b50);
    Put16(0), Put16(0), Put16(static_cast<uint16_t>(entries_.size()));
    Put16(static_cast<uint16_t>(entries_.size()));
    Put32(dir_size), Put32(dir_offset), Put16(0);
    return out_;
  }

 private:
  struct Entry {
    std::string name;
    uint32_t crc, packed, size, offset;
  };
  static std::string Deflate(const std::string& data) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
  }
  void Put16(uint16_t v) {
    out_.push_back(static_cast<char>(v & 0xFF));
    out_.push_back(static_cast<char>(v >> 8));
  }
  void Put32(uint32_t v) {
    Put16(static_cast<uint16_t>(v & 0xFFFF));
    Put16(static_cast<uint16_t>(v >> 16));
  }
  std::string out_;
  std::vector<Entry> entries_;
};

// Synthetic resident rows (made-up names, addresses, phones and dates) as inline strings.
std::string SheetXml(int rows, std::mt19937* rng) {
  static const char* kFamily[] = {"山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村"};
  static const char* kGiven[] = {"太郎", "花子", "一郎", "恵子", "健一", "由美子", "直樹", "陽菜"};
  std::uniform_int_distribution<int> pick(0, 7), digit(0, 9), day(1, 28), year(1940, 2010);
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet "
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
  auto cell = [&](const std::string& ref, const std::string& text) {
    xml += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
  };
  for (int r = 1; r <= rows; ++r) {
    const std::string n = std::to_string(r);
    std::string phone = "0495-";
    for (int i = 0; i < 2; ++i) phone += std::to_string(digit(*rng));
    phone += "-";
    for (int i = 0; i < 4; ++i) phone += std::to_string(digit(*rng));
    xml += "<row r=\"" + n + "\">";
    cell("A" + n, std::string(kFamily[pick(*rng)]) + " " + kGiven[pick(*rng)]);
    cell("B" + n, "埼玉県本庄市本庄" + std::to_string(1 + pick(*rng)) + "丁目" +
                      std::to_string(day(*rng)) + "番" + std::to_string(day(*rng)) + "号");
    cell("C" + n, phone);
    cell("D" + n, std::to_string(year(*rng)) + "年" + std::to_string(1 + pick(*rng)) + "月" +
                      std::to_string(day(*rng)) + "日");
    xml += "</row>";
  }
  return xml + "</sheetData></worksheet>";
}

// An XLSX of `rows` resident rows; `sheet_bytes` receives the unpacked sheet XML size.
std::string Xlsx(int rows, std::size_t* sheet_bytes) {
  std::mt19937 rng(42);
  ZipWriter zip;
  zip.Add("[Content_Types].xml",
          "<?xml version=\"1.0\"?><Types "
          "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
          "<Default Extension=\"rels\" "
          "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
          "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
          "<Override PartName=\"/xl/workbook.xml\" "
          "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+"
          "xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" "
          "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+"
          "xml\"/></Types>");
  zip.Add("_rels/.rels",
          "<?xml version=\"1.0\"?><Relationships "
          "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
          "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
          "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
  zip.Add("xl/workbook.xml",
          "<?xml version=\"1.0\"?><workbook "
          "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
          "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
          "<sheets><sheet name=\"名簿\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
  zip.Add("xl/_rels/workbook.xml.rels",
          "<?xml version=\"1.0\"?><Relationships "
          "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
          "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
          "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>");
  const std::string sheet = SheetXml(rows, &rng);
  *sheet_bytes = sheet.size();
  zip.Add("xl/worksheets/sheet1.xml", sheet);
  return zip.Finish();
}

std::string Base64Lines(const std::string& data) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int column = 0;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<uint8_t>(data[i + 1]) << 8;
    if (i + 2 < data.size()) v |= static_cast<uint8_t>(data[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < data.size() ? kAlphabet[v & 63] : '=';
    if ((column += 4) == 76) {
      out += "\r\n";
      column = 0;
    }
  }
  return out + "\r\n";
}

const char kHeader[] =
    "From: \"Takuya Yoshida\" <yoshida-t@city.honjo.lg.jp>\r\n"
    "To: \"Aya Yamada\" <a.yamada@example.ne.jp>, \"Aya Takahashi\" "
    "<a.takahashi@example.co.jp>,\r\n"
    " \"Taro Kimura\" <kimura-t@city.honjo.lg.jp>\r\n"
    "Cc: \"Ai Arai\" <arai-a@city.honjo.lg.jp>\r\n"
    "Subject: =?UTF-8?B?6LOH5paZ44Gu6YCB5LuY?=\r\n"
    "Date: Mon, 02 Nov 2026 10:07:00 +0900\r\n"
    "Message-ID: <bench.001@city.honjo.lg.jp>\r\n"
    "MIME-Version: 1.0\r\n";

// About 10 KB: headers and a Japanese UTF-8 text body without personal data.
std::string PlainMessage() {
  std::string msg = std::string(kHeader) +
                    "Content-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: 8bit\r\n\r\n";
  while (msg.size() < 10 * 1024) {
    msg +=
        "各位　お疲れ様です。企画課です。来月の説明会の資料をお送りします。"
        "ご確認のほどよろしくお願いいたします。\r\n";
  }
  return msg;
}

// Sizes of the generated attachment, reported as counters.
struct XlsxInfo {
  int rows = 0;
  std::size_t xlsx_bytes = 0;
  std::size_t sheet_bytes = 0;
};

// A message carrying an XLSX of about `target_bytes` (compressed).
std::string XlsxMessage(std::size_t target_bytes, XlsxInfo* info) {
  int rows = 2000;
  std::string xlsx = Xlsx(rows, &info->sheet_bytes);
  rows = static_cast<int>(rows * (static_cast<double>(target_bytes) / xlsx.size()));
  xlsx = Xlsx(rows, &info->sheet_bytes);
  info->rows = rows;
  info->xlsx_bytes = xlsx.size();
  return std::string(kHeader) +
         "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
         "--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n名簿を送ります。\r\n"
         "--b1\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml."
         "sheet; name=\"meibo.xlsx\"\r\n"
         "Content-Disposition: attachment; filename=\"meibo.xlsx\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" +
         Base64Lines(xlsx) + "--b1--\r\n";
}

void Run(benchmark::State& state, const std::string& message) {
  std::shared_ptr<const mailcheck::Policy> policy = mailcheck::DefaultPolicy();
  doccheck::Checker checker(policy->doccheck_options());
  mailcheck::Verdict verdict = mailcheck::Verdict::kAllow;
  for (auto _ : state) {
    auto decision = mailcheck::Decide(*policy, checker, message);
    if (!decision.ok()) {
      state.SkipWithError(decision.error().c_str());
      return;
    }
    verdict = decision.value().verdict;
    benchmark::DoNotOptimize(decision.value().transmit_bytes.data());
  }
  state.SetLabel(std::string(mailcheck::VerdictName(verdict)));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * message.size()));
  state.counters["decisions/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_DecidePlain10KB(benchmark::State& state) {
  static const std::string message = PlainMessage();
  Run(state, message);
}
BENCHMARK(BM_DecidePlain10KB)->Unit(benchmark::kMicrosecond);

// Internal mail as the agent decides it (scan_only_when_needed): nothing is scanned, so
// what is left is parsing the headers and listing the parts. Thunderbird's header shape.
const char kInternalHeader[] =
    "From: =?UTF-8?B?5ZCJ55SwIOaLk+S5nw==?= <yoshida-t@city.honjo.lg.jp>\r\n"
    "To: =?UTF-8?B?5bGx55SwIOe+jg==?= <yamada-a@city.honjo.lg.jp>,\r\n"
    " Taro Kimura <kimura-t@city.honjo.lg.jp>\r\n"
    "Cc: \"Ai Arai\" <arai-a@city.honjo.lg.jp>\r\n"
    "Subject: =?UTF-8?B?6LOH5paZ44Gu6YCB5LuY?=\r\n"
    "Date: Mon, 02 Nov 2026 10:07:00 +0900\r\n"
    "Message-ID: <bench.002@city.honjo.lg.jp>\r\n"
    "User-Agent: Mozilla Thunderbird\r\n"
    "Content-Language: ja\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n";

void RunInternal(benchmark::State& state, bool fast_paths) {
  static const std::string message = [] {
    std::string m = PlainMessage();
    return kInternalHeader + m.substr(m.find("\r\n\r\n") + 4);
  }();
  std::shared_ptr<const mailcheck::Policy> policy = mailcheck::DefaultPolicy();
  doccheck::Checker checker(policy->doccheck_options());
  mailcheck::Envelope envelope;
  envelope.mail_from = "yoshida-t@city.honjo.lg.jp";
  envelope.rcpt_to = {"yamada-a@city.honjo.lg.jp", "kimura-t@city.honjo.lg.jp",
                      "arai-a@city.honjo.lg.jp"};
  mailcheck::DecideOptions options;
  options.scan_only_when_needed = true;
  options.fast_paths = fast_paths;
  mailcheck::Verdict verdict = mailcheck::Verdict::kAllow;
  for (auto _ : state) {
    auto decision = mailcheck::Decide(*policy, checker, message, envelope, options);
    if (!decision.ok()) {
      state.SkipWithError(decision.error().c_str());
      return;
    }
    verdict = decision.value().verdict;
    benchmark::DoNotOptimize(decision.value().transmit_bytes.data());
  }
  state.SetLabel(std::string(mailcheck::VerdictName(verdict)));
  state.counters["decisions/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// What the agent runs for internal plain mail.
void BM_DecidePlain10KBInternal(benchmark::State& state) { RunInternal(state, true); }
BENCHMARK(BM_DecidePlain10KBInternal)->Unit(benchmark::kMicrosecond);

// The same decision with every fast path off (vmime parses everything): the reference.
void BM_DecidePlain10KBInternalVmimeOnly(benchmark::State& state) { RunInternal(state, false); }
BENCHMARK(BM_DecidePlain10KBInternalVmimeOnly)->Unit(benchmark::kMicrosecond);

void RunXlsx(benchmark::State& state, const std::string& message, const XlsxInfo& info) {
  state.counters["xlsx_bytes"] = static_cast<double>(info.xlsx_bytes);
  state.counters["sheet_xml_bytes"] = static_cast<double>(info.sheet_bytes);
  state.counters["rows"] = info.rows;
  Run(state, message);
}

void BM_DecideXlsx300KB(benchmark::State& state) {
  static XlsxInfo info;
  static const std::string message = XlsxMessage(300 * 1024, &info);
  RunXlsx(state, message, info);
}
BENCHMARK(BM_DecideXlsx300KB)->Unit(benchmark::kMillisecond);

void BM_DecideXlsx5MB(benchmark::State& state) {
  static XlsxInfo info;
  static const std::string message = XlsxMessage(5 * 1024 * 1024, &info);
  RunXlsx(state, message, info);
}
BENCHMARK(BM_DecideXlsx5MB)->Unit(benchmark::kMillisecond)->MinTime(5.0);

}  // namespace

BENCHMARK_MAIN();
