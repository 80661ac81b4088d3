// PersonNameDetector: names of people in Japanese text.
//
// Finds a name
//   - after a label (氏名, 名前, 申請者, 相談者氏名, 世帯主, 口座名義, ...) followed by
//     ':', '：', spaces, a tab, or a line break when the label stands alone on its line;
//   - in a cell whose column heading (ScanText::header) names people (氏名, 職員名, ...);
//   - in the column of a TSV/CSV/space-aligned table whose header line names people;
//   - standing alone as "common surname + space + given name" (吉田 大輔) in a list.
// A name is kanji (family + given, optional space), or katakana for foreign names
// (ウィルソン ルーカス). Honorifics (様, 殿, さん) are left out; labels, departments
// (総務課, 市民課窓口) and roles (担当, 年金係) are never names. Readings under
// フリガナ / カナ / ふりがな are reported with a low confidence: they are neutral.
// `normalized` is NFKC without spaces. Stateless and thread-safe.
#ifndef DOCCHECK_SRC_DETECT_PERSON_NAME_DETECTOR_H_
#define DOCCHECK_SRC_DETECT_PERSON_NAME_DETECTOR_H_

#include "detect/detector.h"

namespace doccheck {

const Detector& PersonNameDetector();

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_PERSON_NAME_DETECTOR_H_
