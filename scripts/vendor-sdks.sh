#!/usr/bin/env bash
# Measure privscan on real vendor SDK binaries (issues 15 and 16).
#
# Usage: scripts/vendor-sdks.sh [BIN]     (BIN defaults to target/debug/privscan)
# Env:   VENDOR_SDKS_DIR=DIR  keep the downloaded packages in DIR and reuse them
#        (default: a temp dir removed at exit). Nothing is written into the repository.
#
# Reads scripts/vendor-sdks.tsv (npm package@version, path inside the tarball's package/,
# expected vendor, expected catalog SDK id or "none", expected version or "-", how it is
# known), fetches each package once with `npm pack`, runs `BIN scan --format json` on each
# listed file or folder, and prints per file: read / partly read / refused (with the error)
# / CLEAN-BUT-UNREAD (must never happen), the SDKs found (id, vendor, company, version),
# then the totals: vendor-level recall, false detections, versions found vs stated, and
# a per-vendor table. The evaluation is scripts/vendor-sdks.py.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/debug/privscan}
[ -x "$BIN" ] || { echo "no privscan binary at $BIN (cargo build first)" >&2; exit 2; }
command -v npm >/dev/null || { echo "SKIP: npm not found" >&2; exit 0; }
if [ -n "${VENDOR_SDKS_DIR:-}" ]; then DIR=$VENDOR_SDKS_DIR; mkdir -p "$DIR"
else DIR=$(mktemp -d); trap 'rm -rf "$DIR"' EXIT; fi
out=$(mktemp -d); trap 'rm -rf "$out"; [ -z "${VENDOR_SDKS_DIR:-}" ] && rm -rf "$DIR"' EXIT

i=0
while IFS=$'\t' read -r pkg path vendor sdk version evidence; do
  case "$pkg" in ''|'#'*|package) continue ;; esac
  i=$((i + 1))
  name=${pkg%@*}; ver=${pkg##*@}
  stem=$(printf '%s' "${name#@}" | tr '/' '-')-$ver
  pdir=$DIR/$stem
  if [ ! -d "$pdir/package" ]; then
    mkdir -p "$pdir"
    (cd "$pdir" && npm pack --silent "$pkg" >/dev/null 2>"$pdir/npm.err") \
      && tar xzf "$pdir/$stem.tgz" -C "$pdir" && rm -f "$pdir/$stem.tgz" \
      || { echo "fetch failed: $pkg: $(head -c 300 "$pdir/npm.err")" >&2; rm -rf "$pdir"; }
  fi
  target=$pdir/package/$path
  case "$path" in
    *'!'*) zip=${path%%!*}; inner=${path#*!}
      if [ ! -e "$pdir/package/$zip.d/$inner" ] && [ -f "$pdir/package/$zip" ]; then
        python3 -c 'import sys,zipfile
z=zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if "__MACOSX" not in n: z.extract(n, sys.argv[2])' "$pdir/package/$zip" "$pdir/package/$zip.d"
        rm -f "$pdir/package/$zip"
      fi
      target=$pdir/package/$zip.d/$inner ;;
  esac
  if [ -e "$target" ]; then
    "$BIN" scan --format json "$target" >"$out/$i.json" 2>"$out/$i.err"; echo $? >"$out/$i.rc"
  else
    echo "missing in package: $path" >"$out/$i.err"; echo 127 >"$out/$i.rc"
  fi
done < scripts/vendor-sdks.tsv
python3 scripts/vendor-sdks.py scripts/vendor-sdks.tsv "$out"
