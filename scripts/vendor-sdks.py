#!/usr/bin/env python3
"""Evaluate privscan's JSON reports on real vendor SDK binaries against scripts/vendor-sdks.tsv.

Usage: scripts/vendor-sdks.py TSV OUTDIR   (OUTDIR holds N.json / N.err / N.rc per data row,
N counted from 1 over the TSV's data rows; written by scripts/vendor-sdks.sh).

Per file: read / partly read (PS906 or incomplete) / refused (artifact error or exit 2) /
CLEAN-BUT-UNREAD (exit 0, no error, no SDK, no finding, nothing incomplete: must never
happen for a vendor SDK binary). Totals: vendor-level recall over the rows whose expected
vendor is in the catalog with an expected SDK id; SDK-level recall; false detections (an SDK
whose vendor is not an expected vendor of the row; SDKs reported as bundled by / part of an
expected-vendor SDK are listed but not counted); versions found vs stated.
"""
import collections
import glob
import json
import os
import sys
import tomllib


def catalog():
    """SDK id -> vendor id, from rules/sdks/*.toml (the file stem is the vendor id)."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rules", "sdks")
    sdk_vendor, vendors = {}, set()
    for path in glob.glob(os.path.join(root, "*.toml")):
        with open(path, "rb") as f:
            data = tomllib.load(f)
        vid = data["vendor"]["id"]
        vendors.add(vid)
        for sdk in data.get("sdk", []):
            sdk_vendor[sdk["id"]] = vid
    return sdk_vendor, vendors


def main():
    tsv, out = sys.argv[1], sys.argv[2]
    sdk_vendor, vendors = catalog()
    rows = []
    with open(tsv, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#") or line.startswith("package\t"):
                continue
            rows.append(line.rstrip("\n").split("\t"))
    t = collections.Counter()
    per_vendor = collections.defaultdict(collections.Counter)
    for n, (pkg, path, vendor, sdk, version, _evidence) in enumerate(rows, 1):
        expected = set(vendor.split(","))
        primary = vendor.split(",")[0]
        pv = per_vendor[primary]
        pv["files"] += 1
        t["files"] += 1
        rc = open(os.path.join(out, f"{n}.rc")).read().strip()
        err = open(os.path.join(out, f"{n}.err"), errors="replace").read().strip()
        try:
            with open(os.path.join(out, f"{n}.json")) as f:
                report = json.load(f)
        except (OSError, ValueError):
            report = None
        arts = (report or {}).get("artifacts", [])
        totals = (report or {}).get("totals", {})
        errors = [a["error"] for a in arts if a.get("error")]
        sdks = [s for a in arts for s in a.get("sdks", [])]
        findings = [x for a in arts for x in a.get("findings", [])]
        incomplete = totals.get("incomplete", 0) or any(
            x.get("rule_id") == "PS906" or x.get("id") == "PS906" for x in findings)
        if report is None or rc == "2" or errors or not arts:
            state = "refused: " + ("; ".join(str(e) for e in errors) or err.splitlines()[-1:][0] if (errors or err) else f"exit {rc}")
            t["refused"] += 1
            pv["refused"] += 1
        elif incomplete:
            state = "partly read"
            t["partly"] += 1
            pv["read"] += 1
        elif not sdks and not findings:
            state = "CLEAN-BUT-UNREAD?" if not any(a.get("binaries") or a.get("android") or a.get("ios") for a in arts) else "read, nothing matched"
            t["unread" if state.startswith("CLEAN") else "read"] += 1
            pv["read"] += 1
        else:
            state = "read"
            t["read"] += 1
            pv["read"] += 1
        print(f"[{n}] {pkg} {path}\n     expected {vendor}/{sdk} {version}  -> {state}")
        outer = {s["id"] for s in sdks if sdk_vendor.get(s["id"]) in expected}
        false = []
        for s in sdks:
            vid = sdk_vendor.get(s["id"], "?")
            comp = ", ".join(c.get("name", "") for c in s.get("companies", []))
            rel = s.get("bundled_by", []) + s.get("part_of", [])
            mark = ""
            if vid not in expected:
                if set(rel) & outer:
                    mark = "  (bundled/part of an expected SDK)"
                else:
                    mark = "  FALSE?"
                    false.append(s["id"])
            print(f"     - {s['id']} [{vid}] {s.get('confidence')} company={comp or '-'} version={s.get('version')}{mark}")
        in_catalog = primary in vendors and sdk != "none"
        if in_catalog:
            t["recall_rows"] += 1
            pv["recall_rows"] += 1
            if any(sdk_vendor.get(s["id"]) == primary for s in sdks):
                t["vendor_hits"] += 1
                pv["vendor_hits"] += 1
            if any(s["id"] == sdk for s in sdks):
                t["sdk_hits"] += 1
                pv["sdk_hits"] += 1
        if false:
            t["false"] += len(false)
            pv["false"] += len(false)
        if version != "-" and in_catalog:
            t["versions_stated"] += 1
            pv["versions_stated"] += 1
            got = [s.get("version") for s in sdks if sdk_vendor.get(s["id"]) == primary and s.get("version")]
            if version in got:
                t["versions_found"] += 1
                pv["versions_found"] += 1
            elif got:
                t["versions_wrong"] += 1
                print(f"     version mismatch: stated {version}, reported {got}")
    print()
    print(f"files {t['files']}: read {t['read']}, partly read {t['partly']}, refused {t['refused']}, CLEAN-BUT-UNREAD {t['unread']}")
    rr = t["recall_rows"] or 1
    print(f"vendor-level recall {t['vendor_hits']}/{t['recall_rows']} = {100 * t['vendor_hits'] / rr:.0f}%; "
          f"SDK-level {t['sdk_hits']}/{t['recall_rows']} = {100 * t['sdk_hits'] / rr:.0f}%")
    print(f"false detections {t['false']}")
    print(f"versions found {t['versions_found']}/{t['versions_stated']} stated (wrong {t['versions_wrong']})")
    print(f"vendors {len(per_vendor)}")
    print()
    print("| vendor | files | read | refused | vendor found | SDK found | versions | false |")
    print("|---|---|---|---|---|---|---|---|")
    for v in sorted(per_vendor):
        c = per_vendor[v]
        rec = f"{c['vendor_hits']}/{c['recall_rows']}" if c["recall_rows"] else "n/a"
        srec = f"{c['sdk_hits']}/{c['recall_rows']}" if c["recall_rows"] else "n/a"
        ver = f"{c['versions_found']}/{c['versions_stated']}" if c["versions_stated"] else "-"
        print(f"| {v} | {c['files']} | {c['read']} | {c['refused']} | {rec} | {srec} | {ver} | {c['false']} |")
    return 1 if t["unread"] else 0


if __name__ == "__main__":
    sys.exit(main())
