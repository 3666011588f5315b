#!/usr/bin/env bash
# The whole flow on the demo school (../shared/demo), in a scratch folder: the repository and
# ../shared are only read. Usage: scripts/demo.sh WORKDIR   (make demo runs it)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-demo-work}
shared=$(cd "${SHARED:-$here/../shared}" && pwd)
fotopoort="$here/${VENV:-.venv}/bin/fotopoort"
demo="$shared/demo"

rm -rf "$work"
mkdir -p "$work"
cd "$work"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ fotopoort %s\n' "$*"; "$fotopoort" "$@"; }

step "1. A policy file (the template maps the demo school's column labels)"
run init .
step "2. Import the school's consent export"
run consents import "$demo/privacyvoorkeuren.csv"
run consents show
step "3. Enrol the children whose parents allowed face recognition"
run enroll "$demo/referentiefotos"
run enrolled
step "4. Sort the camp folder per channel (copies in $work/demo-out; redacted copies too)"
run sort "$demo/kamp" --out demo-out --redact || test $? -eq 1   # 1: some photos are not allowed
"$here/${VENV:-.venv}/bin/python" "$here/scripts/compare_expected.py" demo-out/report.json "$demo/expected.csv"
step "4b. Videos: made now from the camp photos, decided per track (copies in $work/demo-out-video)"
"$here/${VENV:-.venv}/bin/python" "$here/scripts/make_demo_video.py" "$demo" video
run sort video --out demo-out-video || test $? -eq 1
"$here/${VENV:-.venv}/bin/python" "$here/scripts/compare_expected.py" demo-out-video/report.json video.csv
step "5. What the website may not show"
run check "$demo/kamp" --channel website || test $? -eq 1
step "6. December: a new export (Daan withdrew website, Fatima now allows school)"
run consents import "$demo/privacyvoorkeuren-december.csv"
run consents diff
step "7. What must come down, and what may now go out"
run recheck || test $? -eq 1   # 1: the take-down list is not empty
step "8. Photos waiting for a person, and the audit trail of one photo"
run review list --channel website
run audit --photo "$demo/kamp/k01_daan.jpg"
step "9. What a person looks at: every photo with its faces boxed, per channel"
printf 'The HTML report (open it in a browser; it shows children, readable by you only):\n  %s\n' \
  "$(pwd)/demo-out/report.html"
printf 'The videos, one thumbnail per track (where its face is largest, boxed, and when):\n  %s\n' \
  "$(pwd)/demo-out-video/report.html"

step "10. The same school without consent for face recognition (no biometric_column)"
mkdir -p zonder-gezichtsherkenning
cd zonder-gezichtsherkenning
grep -v '^biometric_column:' ../consents.yaml > consents.yaml
run consents import "$demo/privacyvoorkeuren.csv" > /dev/null
run enroll "$demo/referentiefotos" || test $? -eq 2   # 2: refused, nobody can be enrolled
run check "$demo/kamp" --channel website || test $? -eq 1   # every photo with a face: review
printf '(a teacher names the faces on the page `fotopoort review serve` opens; here, the same from the command line)\n'
run review assign "$demo/kamp/k12_mila.jpg" --face 1 --child 0101105 --by "juf Anna" --note demo
run check "$demo/kamp/k12_mila.jpg" --channel website   # named once: not asked again
cd ..
