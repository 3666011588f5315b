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
step "4. Sort the camp folder per channel (copies in $work/demo-out)"
run sort "$demo/kamp" --out demo-out || test $? -eq 1   # 1: some photos are not allowed
step "5. What the website may not show"
run check "$demo/kamp" --channel website || test $? -eq 1
