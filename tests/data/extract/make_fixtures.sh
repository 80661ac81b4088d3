#!/bin/sh
# Regenerates the office-suite fixtures of the container extractor tests from the flat
# ODF sources in src/ with real LibreOffice (apt-get install libreoffice-writer-nogui
# libreoffice-calc-nogui libreoffice-impress-nogui). All personal data in them is made up.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work"   # a private LibreOffice profile
convert() {  # convert SRC FORMAT OUTNAME
  soffice --headless --convert-to "$2" --outdir "$work/out" "$here/src/$1" >/dev/null 2>&1
  base=$(basename "$1" | sed 's/\.[^.]*$//')
  ext=$(echo "$2" | sed 's/:.*//')
  mv "$work/out/$base.$ext" "$here/$3"
}
convert sample.fodt docx sample.docx
convert sample.fodt odt sample.odt
convert sample.fodt pdf sample.pdf
convert sample.fods xlsx sample.xlsx
convert sample.fods ods sample.ods
convert sample.fodp pptx sample.pptx
convert sample.fodp odp sample.odp
convert scanned.fodt pdf scanned.pdf
# A PDF that needs a password to open, and one that only has an owner password.
convert scanned.fodt 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}' locked.pdf
convert sample.fodt 'pdf:writer_pdf_Export:{"RestrictPermissions":{"type":"boolean","value":"true"},"PermissionPassword":{"type":"string","value":"owner"}}' owner_password.pdf
echo "fixtures written to $here"
