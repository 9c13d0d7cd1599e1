#!/usr/bin/env bash
# Side-by-side whole-process timings of privscan and peer tools on the same
# APKs, in one run. Each command is run N times (after one warm-up) and its
# best wall time is kept; peak RSS comes from one more run under GNU time
# (/usr/bin/time -f %M).
#
# Usage: scripts/compare.sh [-n N] [--bin PATH] [--all] [--jobs-check] [APK ...]
#   -n N          runs per command (default 5; androguard gets min(N,3))
#   --bin PATH    privscan binary (default target/release/privscan)
#   --all         every APK of the corpus (default: the median-size and the
#                 largest corpus APK, or the APKs given)
#   --jobs-check  also time one full scan of the whole corpus at --jobs 1
#                 and --jobs 2, with peak RSS
# Peers (each skipped with a note when missing):
#   aapt dump permissions, aapt dump badging   (Debian: apt-get install aapt)
#   aapt2 dump permissions                     (Debian: aapt2, when packaged)
#   androguard APK(f).get_permissions()         (pip install androguard==4.1.4)
#   unzip -p APK 'classes*.dex' > /dev/null    (Info-ZIP: inflate the DEX only)
# Corpus: ../shared/corpus/apk next to the crate, else /work/shared/corpus/apk.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import os, subprocess, sys, shutil, statistics, time

args = sys.argv[1:]
n, binary, all_apks, jobs_check, apks = 5, "target/release/privscan", False, False, []
i = 0
while i < len(args):
    a = args[i]
    if a == "-n": n = int(args[i + 1]); i += 1
    elif a == "--bin": binary = args[i + 1]; i += 1
    elif a == "--all": all_apks = True
    elif a == "--jobs-check": jobs_check = True
    else: apks.append(a)
    i += 1

corpus = next((d for d in ("../shared/corpus", "/work/shared/corpus") if os.path.isdir(d)), None)
if not apks:
    if corpus is None:
        sys.exit("SKIP: no corpus folder (../shared/corpus) and no APK given")
    d = os.path.join(corpus, "apk")
    found = sorted((os.path.getsize(os.path.join(d, f)), os.path.join(d, f))
                   for f in os.listdir(d) if f.endswith(".apk"))
    if all_apks:
        apks = [p for _, p in found]
    else:
        apks = [found[(len(found) - 1) // 2][1], found[-1][1]]
if not os.access(binary, os.X_OK):
    sys.exit(f"no privscan binary at {binary}: run `cargo build --release` first")

def run_once(cmd):
    """Wall seconds of one whole process (output to /dev/null)."""
    with open(os.devnull, "wb") as out:
        t = time.perf_counter()
        subprocess.run(cmd, stdout=out, stderr=out)
        return time.perf_counter() - t

def peak_rss_kib(cmd):
    """Peak RSS (KiB) of one run, measured by GNU time (the child of a fork
    of this Python process would count Python's own pages)."""
    if not os.access("/usr/bin/time", os.X_OK):
        return float("nan")
    with open(os.devnull, "wb") as out:
        r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=out,
                           stderr=subprocess.PIPE)
    try:
        return float(r.stderr.decode(errors="replace").strip().splitlines()[-1])
    except (ValueError, IndexError):
        return float("nan")

def best(cmd, runs):
    run_once(cmd)  # warm-up (page cache, lazy loading)
    return min(run_once(cmd) for _ in range(runs)), peak_rss_kib(cmd)

tools = [
    ("privscan --manifest-only", lambda f: [binary, "scan", "--format", "json", "--manifest-only", f], n),
    ("privscan full", lambda f: [binary, "scan", "--format", "json", f], n),
]
if shutil.which("aapt"):
    tools.append(("aapt dump permissions", lambda f: ["aapt", "dump", "permissions", f], n))
    tools.append(("aapt dump badging", lambda f: ["aapt", "dump", "badging", f], n))
else:
    print("note: aapt not installed (apt-get install aapt); skipped")
if shutil.which("aapt2"):
    tools.append(("aapt2 dump permissions", lambda f: ["aapt2", "dump", "permissions", f], n))
else:
    print("note: aapt2 not installed (not packaged for this Debian release?); skipped")
if subprocess.run([sys.executable, "-c", "import androguard"], capture_output=True).returncode == 0:
    tools.append(("androguard get_permissions", lambda f: [sys.executable, "-c",
        "import sys; from androguard.core.apk import APK; APK(sys.argv[1]).get_permissions()", f],
        min(n, 3)))
else:
    print("note: androguard not importable (pip install androguard==4.1.4); skipped")
if shutil.which("unzip"):
    tools.append(("unzip -p classes*.dex", lambda f: ["unzip", "-p", f, "classes*.dex"], n))

try:
    load = open("/proc/loadavg").read().split()[:3]
except OSError:
    load = ["?"]
print(f"machine: {os.cpu_count()} CPUs, load average {' '.join(load)} (start); best of {n} wall times")
results = {}
for f in apks:
    name = os.path.basename(f)
    results[name] = {}
    print(f"\n{name} ({os.path.getsize(f) / 1024:.0f} KiB)")
    for label, cmd, runs in tools:
        wall, rss = best(cmd(f), runs)
        results[name][label] = wall
        print(f"  {label:<28} {wall * 1000:9.1f} ms   peak RSS {rss / 1024:6.1f} MiB")
    r = results[name]
    def ratio(a, b):
        return f"{r[a] / r[b]:.2f}x" if a in r and b in r and r[b] > 0 else "n/a"
    print(f"  ratio manifest-only / aapt dump permissions: {ratio('privscan --manifest-only', 'aapt dump permissions')}  (target <= 1.0x)")
    print(f"  ratio manifest-only / aapt dump badging:     {ratio('privscan --manifest-only', 'aapt dump badging')}")
    print(f"  ratio full scan / unzip -p classes*.dex:     {ratio('privscan full', 'unzip -p classes*.dex')}  (target <= 1.0x)")
    print(f"  ratio androguard / full scan:                {ratio('androguard get_permissions', 'privscan full')}  (target >= 20x)")

labels = [t[0] for t in tools]
print("\nper-app best wall time (ms)")
print("app".ljust(52) + "".join(l[:14].rjust(15) for l in labels))
for name, r in results.items():
    print(name[:51].ljust(52) + "".join(f"{r[l] * 1000:15.1f}" for l in labels))

if jobs_check:
    if corpus is None:
        print("SKIP: --jobs-check needs the corpus folder")
    else:
        print(f"\nwhole corpus ({corpus}), full scan, best of {n}")
        times = {}
        for j in (1, 2):
            wall, rss = best([binary, "scan", "--format", "json", "--jobs", str(j), corpus], n)
            times[j] = wall
            print(f"  --jobs {j}: {wall * 1000:8.1f} ms   peak RSS {rss / 1024:6.1f} MiB")
        print(f"  speed-up --jobs 2 vs --jobs 1: {times[1] / times[2]:.2f}x  (target >= 1.7x)")
try:
    print(f"\nload average (end): {' '.join(open('/proc/loadavg').read().split()[:3])}")
except OSError:
    pass
PY
