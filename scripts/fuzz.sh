#!/usr/bin/env bash
# Run privscan's cargo-fuzz targets, each for a fixed budget, seeded from the
# shared corpus (../shared/corpus or /work/shared/corpus) and the repo's own
# rule/policy files. Seeds are copied into fuzz/corpus/<target>/ (git-ignored).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      default: 600 s, every target
#
# Needs cargo-fuzz 0.13.2 (`cargo install cargo-fuzz --version =0.13.2 --locked`).
# Builds without a sanitizer (`-s none`, works on stable) but with debug
# assertions, so an arithmetic overflow is a crash. For the ASan build on stable:
#   RUSTC_BOOTSTRAP=1 cargo fuzz build
# Crashes land in fuzz/artifacts/<target>/; replay one with
#   cargo fuzz run -s none -a <target> fuzz/artifacts/<target>/crash-...
# A summary line per target (executions, seconds, crashes) is appended to
# fuzz/summary.txt (git-ignored).
set -euo pipefail

SECS="${1:-600}"
shift || true
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
ALL=(zip_archive apk axml arsc dex dex_code elf text_manifest policy_file sdk_rules plist codesign macho policy_extract jar static_lib)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")

CORPUS=""
for c in "$ROOT/../shared/corpus" /work/shared/corpus; do
  [ -d "$c" ] && { CORPUS="$c"; break; }
done
[ -z "$CORPUS" ] && echo "SKIP seeds: shared corpus not found" >&2

MAXSEED=$((512 * 1024))
seed_files() { # target -> seed file paths
  local c="$CORPUS"
  case "$1" in
    zip_archive|apk) [ -n "$c" ] && ls "$c"/apk/* "$c"/aab/* "$c"/ipa/* 2>/dev/null; ls fixtures/*.apk fixtures/*.ipa 2>/dev/null ;;
    axml)            [ -n "$c" ] && ls "$c"/manifest-axml/* ;;
    dex|dex_code)    [ -n "$c" ] && ls "$c"/dex/* ;;
    elf)             [ -n "$c" ] && ls "$c"/elf/* ;;
    macho)           [ -n "$c" ] && ls "$c"/macho/* ;;
    text_manifest)   [ -n "$c" ] && ls "$c"/manifest-text/* ;;
    plist)           [ -n "$c" ] && ls "$c"/plist/* "$c"/xcprivacy/* ;;
    policy_file)     ls fixtures/*.toml tests/data/*.toml 2>/dev/null ;;
    sdk_rules)       ls rules/sdks/*.toml ;;
    jar)             ls fixtures/*.aar 2>/dev/null ;;
    static_lib)      ls fixtures/*.a 2>/dev/null ;;
    policy_extract)  ls docs/*.md tests/data/*.md tests/data/*.txt tests/data/*.html README.md 2>/dev/null ;;
  esac | grep -v '\.expected\.json$' || true
}

# Entries pulled out of the corpus archives / Mach-O files with Python.
extract_seeds() { # target dir
  [ -z "$CORPUS" ] && return 0
  python3 - "$1" "$2" "$CORPUS" "$MAXSEED" <<'PY'
import sys, zipfile, glob, os
target, out, corpus, maxseed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
n = 0
if target == "dex_code":
    target = "dex"
if target in ("arsc", "dex", "axml"):
    want = {"arsc": lambda s: s == "resources.arsc",
            "dex": lambda s: s.endswith(".dex"),
            "axml": lambda s: s.endswith("AndroidManifest.xml")}[target]
    for apk in glob.glob(corpus + "/apk/*"):
        try:
            z = zipfile.ZipFile(apk)
            for i in z.infolist():
                if want(i.filename) and i.file_size <= maxseed:
                    open(os.path.join(out, "x%03d" % n), "wb").write(z.read(i)); n += 1
        except Exception:
            pass
elif target == "codesign":
    for f in glob.glob(corpus + "/macho/*"):
        d = open(f, "rb").read()
        i = d.find(b"\xfa\xde\x0c\xc0")
        if i >= 0:
            open(os.path.join(out, "x%03d" % n), "wb").write(d[i:i + maxseed]); n += 1
PY
}

cargo fuzz build -s none -a
for t in "${TARGETS[@]}"; do
  dir="fuzz/corpus/$t"
  mkdir -p "$dir" "fuzz/artifacts/$t"
  for f in $(seed_files "$t"); do
    [ -f "$f" ] && [ "$(stat -c %s "$f")" -le "$MAXSEED" ] && cp -n "$f" "$dir/" 2>/dev/null || true
  done
  extract_seeds "$t" "$dir"
  log="fuzz/artifacts/$t/run.log"
  echo "== $t: $SECS s, $(ls "$dir" | wc -l) seeds"
  set +e
  cargo fuzz run -s none -a "$t" "$dir" -- \
    -max_total_time="$SECS" -rss_limit_mb=1024 -timeout=10 -max_len=262144 \
    -print_final_stats=1 > "$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  crashes=$(ls "fuzz/artifacts/$t" | grep -c -E '^(crash|oom|timeout|leak)-' || true)
  line="$(date -u +%FT%TZ) $t execs=$execs secs=$SECS exit=$rc crash_files=$crashes"
  echo "$line" | tee -a fuzz/summary.txt
done
