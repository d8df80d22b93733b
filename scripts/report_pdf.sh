#!/bin/sh
# Convert a qkaward workbook to PDF with LibreOffice, to check that its pages print legibly.
#
#   scripts/report_pdf.sh REPORT.xlsx [OUTDIR]      → OUTDIR/REPORT.pdf (default OUTDIR: beside the workbook)
#   PREVIEW=1 scripts/report_pdf.sh REPORT.xlsx     → also OUTDIR/REPORT-page-1.png (pdftoppm, 60 dpi)
#
# Needs `soffice` (apt-get install libreoffice-calc; for Chinese text also fonts-noto-cjk) and, for the
# preview, `pdftoppm` (poppler-utils). Exit codes: 0 done, 2 usage or missing tool, 1 conversion failed.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 REPORT.xlsx [OUTDIR]" >&2
    exit 2
fi
src=$1
[ -f "$src" ] || { echo "no such file: $src" >&2; exit 2; }
# soffice has no "--": make the path absolute so a name starting with "-" is never read as an option
case $src in /*) ;; *) src=$PWD/$src ;; esac
outdir=${2:-$(dirname -- "$src")}
command -v soffice >/dev/null 2>&1 || {
    echo "soffice not found: apt-get install -y libreoffice-calc fonts-noto-cjk" >&2
    exit 2
}

# A private LibreOffice profile: a running desktop instance or a stale lock must not block the conversion.
profile=$(mktemp -d "${TMPDIR:-/tmp}/qkaward-lo.XXXXXX")
trap 'rm -rf -- "$profile"' EXIT INT TERM

log=$profile/convert.log
soffice -env:UserInstallation="file://$profile" --headless --norestore \
    --convert-to pdf --outdir "$outdir" "$src" >"$log" 2>&1 || true

base=$(basename -- "$src")
pdf="$outdir/${base%.*}.pdf"
[ -s "$pdf" ] || { cat "$log" >&2; echo "conversion failed: no $pdf" >&2; exit 1; }
echo "$pdf"

if [ "${PREVIEW:-0}" = 1 ]; then
    command -v pdftoppm >/dev/null 2>&1 || { echo "pdftoppm not found: apt-get install -y poppler-utils" >&2; exit 2; }
    pdftoppm -png -r 60 -f 1 -l 1 -singlefile -- "$pdf" "${pdf%.pdf}-page-1"
    echo "${pdf%.pdf}-page-1.png"
fi
