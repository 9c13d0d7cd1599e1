#!/usr/bin/env python3
"""Independent oracle for privscan's DEX call sites: androguard's
cross-references for every `method` entry of rules/data-apis.toml.

Usage: scripts/androguard_xrefs.py OUT.json APK...

For each APK, AnalyzeAPK (all classes*.dex), then for each catalogued
method `Lpkg/Class;->name` every MethodAnalysis with that class and name
(any proto) and its get_xref_from() set of (caller class, caller method,
byte offset). Writes {"androguard": version, "apks": {file name:
{"Lc;->name": [[caller class descriptor, caller method name, pc in code
units], ...]}}}. tests/androguard_xrefs.rs compares privscan against it
when PRIVSCAN_ANDROGUARD_XREFS names the file.
"""
import json
import os
import re
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

from androguard.misc import AnalyzeAPK
from loguru import logger
import androguard

logger.remove()


def catalog_methods(root):
    with open(os.path.join(root, "rules", "data-apis.toml"), "rb") as f:
        doc = tomllib.load(f)
    out = []
    for api in doc["api"]:
        for m in api.get("match", {}).get("method", []):
            cls, name = m.split("->", 1)
            out.append((m, cls, name))
    return out


def main():
    out_path, apks = sys.argv[1], sys.argv[2:]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    methods = catalog_methods(root)
    result = {"androguard": getattr(androguard, "__version__", "?"), "apks": {}}
    for apk in apks:
        try:
            _, _, dx = AnalyzeAPK(apk)
        except Exception as e:  # androguard refuses some corpus APKs
            result["apks"][os.path.basename(apk)] = {"error": f"{type(e).__name__}: {e}"}
            print(f"{os.path.basename(apk)}: androguard failed: {e}", file=sys.stderr)
            continue
        per = {}
        for ref, cls, name in methods:
            if name == "*":
                continue
            sites = set()
            for ma in dx.find_methods(classname=re.escape(cls) + "$", methodname="^" + re.escape(name) + "$"):
                for caller_cls, caller, offset in ma.get_xref_from():
                    sites.add((caller.class_name, caller.name, offset // 2))
            if sites:
                per[ref] = sorted([list(s) for s in sites])
        result["apks"][os.path.basename(apk)] = per
        print(f"{os.path.basename(apk)}: {sum(len(v) for v in per.values())} call sites", file=sys.stderr)
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
