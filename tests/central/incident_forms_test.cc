// The incident forms (様式): the registry, the rendering (escaping, blank boxes, 和暦,
// repeated 続報 sheets, choices), the JSON data reader, the `form` CLI and the console's
// route for the forms' style sheet. The printed PDFs are checked by the ctest
// central_incident_forms_print (tests/central/forms).
#include "central/incident_forms.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "central/console/console_time.h"
#include "test_support.h"

namespace central {
namespace {

using central_test::CentralBinary;
using central_test::CommandRun;
using central_test::RunCommand;
using central_test::TempDir;

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

std::string Render(const std::string& id, const IncidentFormData& data = {},
                   bool standalone = false) {
  FormRenderOptions options;
  options.standalone = standalone;
  auto r = RenderIncidentForm(id, data, options);
  EXPECT_TRUE(r.ok()) << id << ": " << r.error();
  return r.ok() ? r.value() : "";
}

bool IsHeadingKey(const std::string& key) {
  return key == "reported_on" || key == "addressee" || key.rfind("reporter_", 0) == 0;
}

class IncidentFormsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(console::UseTimeZone("Asia/Tokyo").ok()); }
};

TEST_F(IncidentFormsTest, RegistryHasTheSixFormsWithUniqueIdsAndKeys) {
  std::vector<std::string> ids;
  for (const FormSpec& s : IncidentFormSpecs()) {
    ids.push_back(s.id);
    EXPECT_FALSE(s.title.empty()) << s.id;
    EXPECT_EQ(s.number.rfind("様式第", 0), 0u) << s.id;
    std::set<std::string> keys;
    for (const FormFieldSpec& f : s.fields) {
      EXPECT_TRUE(keys.insert(f.key).second) << s.id << ": key twice: " << f.key;
      EXPECT_FALSE(f.label_ja.empty()) << s.id << "." << f.key;
      for (char c : f.key) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << f.key;
    }
    EXPECT_TRUE(keys.count("reported_on") && keys.count("reporter_name")) << s.id;
    EXPECT_EQ(FindIncidentForm(s.id), &s);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"misato-1", "misato-2", "misato-3", "misato-4",
                                           "honjo-28", "honjo-1"}));
  EXPECT_EQ(FindIncidentForm("honjo-28")->title, "事故報告書");
  EXPECT_EQ(FindIncidentForm("honjo-1")->title, "事故等発生報告書");
  EXPECT_TRUE(FindIncidentForm("misato-2")->repeated_entries);
  EXPECT_EQ(FindIncidentForm("nope"), nullptr);
}

TEST_F(IncidentFormsTest, EachFormRendersAsACompletePageWithItsTitleAndNumber) {
  for (const FormSpec& s : IncidentFormSpecs()) {
    const std::string html = Render(s.id);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u) << s.id;
    EXPECT_NE(html.find("<h1 class=\"form-title\">" + s.title + "</h1>"), std::string::npos)
        << s.id;
    EXPECT_NE(html.find("<p class=\"form-number\">" + s.number + "</p>"), std::string::npos);
    EXPECT_EQ(Count(html, "<section class=\"sheet\""), 1u) << s.id;
    // Linked style sheet (the console's CSP allows no inline style), no script at all.
    EXPECT_NE(html.find("<link rel=\"stylesheet\" href=\"/static/incident-forms.css\">"),
              std::string::npos);
    EXPECT_EQ(html.find("<style"), std::string::npos);
    EXPECT_EQ(html.find("style=\""), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("http"), std::string::npos) << "no external asset";
    // Standalone: the same page with the style sheet inside it.
    const std::string alone = Render(s.id, {}, true);
    EXPECT_NE(alone.find("<style>\n" + IncidentFormStyleSheet() + "</style>"), std::string::npos);
    EXPECT_EQ(alone.find("<link"), std::string::npos);
  }
  EXPECT_NE(IncidentFormStyleSheet().find("@page { size: A4 portrait;"), std::string::npos);
}

TEST_F(IncidentFormsTest, EveryFieldIsEscapedSoHtmlInACaseIsInert) {
  const std::string payload =
      "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&</td></table><style>*{}";
  for (const FormSpec& s : IncidentFormSpecs()) {
    IncidentFormData data;
    for (const FormFieldSpec& f : s.fields) data.fields[f.key] = f.key + payload;
    data.entries.push_back(data.fields);
    data.case_id = "C" + payload;
    data.town_name = "T" + payload;
    const std::string html = Render(s.id, data, /*standalone=*/true);
    EXPECT_EQ(html.find("<script"), std::string::npos) << s.id;
    EXPECT_EQ(html.find("<img"), std::string::npos) << s.id;
    EXPECT_EQ(Count(html, "<style"), 1u) << s.id << ": only the form's own style element";
    EXPECT_EQ(Count(html, "</table>"), 3u * Count(html, "<section class=\"sheet\""))
        << s.id << ": seals, reporter and items per sheet, none injected";
    for (const FormFieldSpec& f : s.fields) {
      if (!f.options.empty() || f.kind == FormFieldKind::kDate ||
          f.kind == FormFieldKind::kDateTime)
        continue;
      EXPECT_NE(html.find(f.key + "&lt;script&gt;alert(1)&lt;&#x2F;script&gt;&lt;img src=x "
                                  "onerror=alert(2)&gt;&quot;&#39;&amp;"),
                std::string::npos)
          << s.id << "." << f.key;
    }
    EXPECT_NE(html.find("C&lt;script&gt;"), std::string::npos) << s.id;
    EXPECT_NE(html.find("T&lt;script&gt;"), std::string::npos) << s.id;
  }
}

TEST_F(IncidentFormsTest, MustacheInAValueIsTextNotTemplate) {
  IncidentFormData data;
  data.fields["summary"] = "{{title}}{{{css}}}{{#sheets}}x{{/sheets}}{{>partial}}";
  const std::string html = Render("misato-1", data);
  EXPECT_NE(html.find("<td>{{title}}{{{css}}}{{#sheets}}x{{&#x2F;sheets}}{{&gt;partial}}</td>"),
            std::string::npos)
      << html;
}

TEST_F(IncidentFormsTest, MissingValuesArePrintedAsBlankBoxesToFillInByHand) {
  for (const FormSpec& s : IncidentFormSpecs()) {
    const std::string html = Render(s.id);
    std::size_t rows = 0;
    for (const FormFieldSpec& f : s.fields) {
      if (IsHeadingKey(f.key)) continue;
      ++rows;
      EXPECT_NE(html.find("<th scope=\"row\">" + f.label_ja + "</th>"), std::string::npos)
          << s.id << "." << f.key;
    }
    EXPECT_EQ(Count(html, "<tr class=\"row-"), rows) << s.id;
    EXPECT_NE(html.find("<p class=\"date-line hand\">令和　　年　　月　　日</p>"),
              std::string::npos)
        << s.id;
    EXPECT_NE(html.find("<p class=\"addressee\">" + s.addressee + "　様</p>"), std::string::npos);
    EXPECT_EQ(html.find("■"), std::string::npos) << s.id << ": nothing ticked";
    EXPECT_NE(html.find("<th>氏名</th><td></td>"), std::string::npos) << s.id;
  }
  const std::string first = Render("misato-1");
  EXPECT_NE(first.find("<td>令和　　年　　月　　日 　　時　　分</td>"), std::string::npos);
  EXPECT_NE(Render("misato-2").find("<td>第　　報</td>"), std::string::npos);
  // Blank (whitespace-only) values count as missing.
  IncidentFormData spaces;
  spaces.fields["reported_on"] = "  \n";
  EXPECT_NE(Render("misato-1", spaces).find("令和　　年　　月　　日</p>"), std::string::npos);
}

TEST_F(IncidentFormsTest, DatesArePrintedInTheJapaneseEraOfTheDay) {
  IncidentFormData data;
  data.fields["reported_on"] = "2026-12-02";
  data.fields["occurred_at"] = "2026-12-01T05:10:00Z";  // Asia/Tokyo: 14:10
  data.fields["discovered_at"] = "2019-04-30 23:59";
  std::string html = Render("misato-1", data);
  EXPECT_NE(html.find("<p class=\"date-line\">令和8年12月2日</p>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>令和8年12月1日 14時10分</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>平成31年4月30日 23時59分</td>"), std::string::npos);
  data.fields["reported_on"] = "2019-05-01";
  data.fields["discovered_at"] = "2019-05-01";   // a date where a time is asked: the date
  data.fields["occurred_at"] = "昨日の夕方<b>";  // not a date: printed as written
  html = Render("misato-1", data);
  EXPECT_NE(html.find(">令和元年5月1日</p>"), std::string::npos);
  EXPECT_NE(html.find("<td>令和元年5月1日</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>昨日の夕方&lt;b&gt;</td>"), std::string::npos);
  EXPECT_EQ(console::EraDate(1989, 1, 7), "昭和64年");
  EXPECT_EQ(console::EraDate(1989, 1, 8), "平成元年");
  EXPECT_EQ(console::EraYear(2019), "令和元年");
}

TEST_F(IncidentFormsTest, EachFollowUpReportIsItsOwnSheetFallingBackToTheCase) {
  IncidentFormData data;
  data.case_id = "INC-7";
  data.fields["incident_title"] = "誤送付";
  data.fields["reporter_name"] = "山田 花子";
  data.entries = {{{"report_number", "2"}, {"progress", "削除を確認"}},
                  {{"report_number", "3"}, {"progress", "説明を完了"}, {"reporter_name", "佐藤"}}};
  const std::string html = Render("misato-2", data);
  EXPECT_EQ(Count(html, "<section class=\"sheet\""), 2u);
  EXPECT_NE(html.find("<td>第2報</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>第3報</td>"), std::string::npos);
  EXPECT_EQ(Count(html, "<td>誤送付</td>"), 2u);
  EXPECT_NE(html.find("<th>氏名</th><td>山田 花子</td>"), std::string::npos);
  EXPECT_NE(html.find("<th>氏名</th><td>佐藤</td>"), std::string::npos);
  EXPECT_NE(html.find("事案番号 INC-7　1&#x2F;2"), std::string::npos);
  EXPECT_NE(html.find("事案番号 INC-7　2&#x2F;2"), std::string::npos);
  EXPECT_LT(html.find("削除を確認"), html.find("説明を完了"));
  // A single-sheet form ignores entries.
  EXPECT_EQ(Count(Render("misato-1", data), "<section class=\"sheet\""), 1u);
}

TEST_F(IncidentFormsTest, ChoicesTickTheMatchingOptionsOrOther) {
  IncidentFormData data;
  data.fields["incident_kind"] = "漏えい、そのおそれ";
  data.fields["medium"] = "口頭";
  const std::string html = Render("misato-1", data);
  EXPECT_NE(html.find("■漏えい"), std::string::npos);
  EXPECT_NE(html.find("■そのおそれ"), std::string::npos);
  EXPECT_NE(html.find("□滅失"), std::string::npos);
  EXPECT_NE(html.find("■その他（口頭）"), std::string::npos);
  EXPECT_NE(html.find("□電子メール"), std::string::npos);
}

TEST_F(IncidentFormsTest, UnknownFormIdIsAnErrorInJapaneseAndEnglish) {
  for (const std::string id : {"misato-9", "", "<script>"}) {
    auto r = RenderIncidentForm(id, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().rfind("様式が見つかりません", 0), 0u) << r.error();
    EXPECT_NE(r.error().find("unknown form id"), std::string::npos);
    EXPECT_NE(r.error().find("misato-1"), std::string::npos) << "lists the valid ids";
  }
}

TEST_F(IncidentFormsTest, FormDataFromJson) {
  auto ok = IncidentFormDataFromJson(
      R"({"case_id":"INC-1","town_name":"本庄市","fields":{"persons":12,"remarks":null,)"
      R"("summary":"a\nb"},"entries":[{"report_number":2},{}]})");
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(ok.value().case_id, "INC-1");
  EXPECT_EQ(ok.value().town_name, "本庄市");
  EXPECT_EQ(ok.value().fields.at("persons"), "12");
  EXPECT_EQ(ok.value().fields.at("remarks"), "");
  EXPECT_EQ(ok.value().fields.at("summary"), "a\nb");
  ASSERT_EQ(ok.value().entries.size(), 2u);
  EXPECT_EQ(ok.value().entries[0].at("report_number"), "2");
  EXPECT_TRUE(IncidentFormDataFromJson("{}").ok());
  for (const char* bad :
       {"[]", "\"x\"", "{", "{\"field\":{}}", "{\"fields\":[]}", "{\"fields\":{\"a\":{\"b\":1}}}",
        "{\"fields\":{\"a\":[1]}}", "{\"entries\":{}}", "{\"entries\":[1]}", "{\"case_id\":{}}"}) {
    auto r = IncidentFormDataFromJson(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().find(" / "), std::string::npos) << bad << ": " << r.error();
  }
}

TEST(IncidentFormsCliTest, ListRenderAndErrors) {
  TempDir dir;
  CommandRun list = RunCommand({CentralBinary(), "form", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("honjo-28  本庄市 様式第28号 事故報告書"), std::string::npos) << list.out;
  CommandRun json = RunCommand({CentralBinary(), "form", "list", "--json"});
  ASSERT_EQ(json.exit_code, 0);
  EXPECT_NE(json.out.find("\"key\": \"occurred_at\""), std::string::npos) << json.out;

  const std::string data = (dir.path() / "d.json").string();
  std::ofstream(data) << R"({"fields":{"reporter_name":"<b>山田</b>"}})";
  CommandRun r = RunCommand({CentralBinary(), "form", "render", "--form", "honjo-1", "--data", data,
                             "--time-zone", "UTC"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("<td>&lt;b&gt;山田&lt;&#x2F;b&gt;</td>"), std::string::npos);
  EXPECT_NE(r.out.find("<style>"), std::string::npos) << "standalone by default";
  r = RunCommand({CentralBinary(), "form", "render", "--form", "honjo-1", "--linked"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("<style>"), std::string::npos);

  r = RunCommand({CentralBinary(), "form", "render", "--form", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("様式が見つかりません"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  std::ofstream(data) << "{\"fields\":[";
  r = RunCommand({CentralBinary(), "form", "render", "--form", "misato-1", "--data", data});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("JSON"), std::string::npos) << r.err;
  r = RunCommand({CentralBinary(), "form", "render", "--form", "misato-1", "--data",
                  (dir.path() / "missing.json").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(RunCommand({CentralBinary(), "form", "render"}).exit_code, 2);
  EXPECT_EQ(RunCommand({CentralBinary(), "form", "render", "--form"}).exit_code, 2);
  EXPECT_EQ(RunCommand({CentralBinary(), "form", "print"}).exit_code, 2);
  EXPECT_EQ(RunCommand({CentralBinary(), "form", "list", "--csv"}).exit_code, 2);
  EXPECT_EQ(RunCommand({CentralBinary(), "form", "render", "--form", "misato-1", "--time-zone",
                        "../etc/passwd"})
                .exit_code,
            2);
}

TEST(IncidentFormsConsoleTest, TheConsoleServesTheFormStyleSheetWithoutLogin) {
  TempDir dir;
  const int port = central_test::FreePort();
  const std::string state = (dir.path() / "state").string();
  central_test::Process server({CentralBinary(), "serve", "--listen",
                                "127.0.0.1:" + std::to_string(port), "--state-dir", state},
                               dir.path() / "serve");
  ASSERT_TRUE(central_test::WaitForPort(port));
  central_test::HttpReply r = central_test::Http(port, "GET", kIncidentFormStyleSheetPath, "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["Content-Type"], "text/css; charset=utf-8");
  EXPECT_EQ(r.body, IncidentFormStyleSheet());
  EXPECT_NE(r.headers["Content-Security-Policy"].find("style-src 'self'"), std::string::npos);
}

}  // namespace
}  // namespace central
