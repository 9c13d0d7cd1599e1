#!/usr/bin/env bash
# Byte-compare the JSON reports of two privscan binaries over the whole
# corpus: every corpus input alone, the fixtures with and without their
# policy, a batch of the whole corpus, and source mode on each shared app.
#
# Usage: scripts/report-diff.sh BEFORE_BIN AFTER_BIN
# Prints one line per differing case and a summary; exit 1 if any differ.
# Nothing is masked: privscan's JSON carries no timing field. The exit code
# of each run is compared too.
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 BEFORE_BIN AFTER_BIN" >&2; exit 2; }
A=$1 B=$2
corpus=../shared/corpus apps=../shared/apps
[ -d "$corpus" ] || corpus=/work/shared/corpus
[ -d "$apps" ] || apps=/work/shared/apps
if [ ! -d "$corpus" ]; then echo "SKIP: no corpus folder (../shared/corpus)"; exit 0; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

cases=()
while IFS= read -r f; do cases+=("scan --format json $f"); done < <(
  find "$corpus" -type f ! -name '*.expected.json' ! -name '*.md' ! -name '*.tsv' \
    ! -path '*/_tools/*' | LC_ALL=C sort)
cases+=("scan --format json $corpus")
cases+=("scan --format json --manifest-only $corpus")
for f in fixtures/sample.apk fixtures/sample.ipa fixtures/sample.aab fixtures/sample.apks; do
  cases+=("scan --format json $f")
  cases+=("scan --format json $f --policy fixtures/sample-policy.toml")
done
if [ -d "$apps" ]; then
  for d in "$apps"/*/; do cases+=("scan --format json ${d%/}"); done
fi

n=0 bad=0
for c in "${cases[@]}"; do
  n=$((n + 1))
  # shellcheck disable=SC2086 # word splitting of the case is intended
  "$A" $c >"$tmp/a" 2>"$tmp/ae"; ra=$?
  # shellcheck disable=SC2086
  "$B" $c >"$tmp/b" 2>"$tmp/be"; rb=$?
  if [ $ra -ne $rb ] || ! cmp -s "$tmp/a" "$tmp/b" || ! cmp -s "$tmp/ae" "$tmp/be"; then
    bad=$((bad + 1))
    echo "DIFF (exit $ra vs $rb): privscan $c"
    diff "$tmp/a" "$tmp/b" | head -5
  fi
done
echo "compared $n reports (stdout, stderr, exit code): $((n - bad)) identical, $bad differ"
[ $bad -eq 0 ]
