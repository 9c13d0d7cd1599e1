#!/usr/bin/env python3
"""Report import cycles among privscan's src/ modules.

Parses every `crate::a::b` path in src/**/*.rs (use lines and inline paths,
comments, string literals and `#[cfg(test)]` items stripped; tests.rs files
and *_tests.rs files skipped) into a graph and prints its strongly
connected components with more than one node, at two granularities:
  files:   one node per module file (src/android/apk.rs = android::apk);
           a path names the deepest module file it reaches;
  layers:  one node per top-level module (android, ios, input, scan, ...).
Edges from a module to its own descendants or ancestors are ignored at the
file level (a parent re-exporting its children is not a cycle).
Usage: scripts/module-cycles.py [--layers-only]; exit 1 when a file-level
cycle exists (layer-level cycles are printed for information: e.g. `ios`
uses `native::macho` while `native::macho` uses `ios::codesign`, which is no
cycle between files)."""
import os, re, sys
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
mods = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith(".rs") or f in ("tests.rs", "proptests.rs") or f.endswith("_tests.rs"): continue
        p = os.path.relpath(os.path.join(d, f), root)[:-3].split(os.sep)
        if p[-1] == "mod": p = p[:-1]
        if p in (["lib"], ["main"]): continue
        mods["::".join(p)] = os.path.join(d, f)

# One left-to-right pass: raw strings (r#"..."#, br"..."), ordinary strings,
# char literals, line and block comments. Newlines inside a removed string
# or comment are kept, so line structure survives.
TOKEN = re.compile(
    r'(?<![A-Za-z0-9_])b?r(?P<h>#*)".*?"(?P=h)'
    r'|"(?:\\.|[^"\\])*"'
    r"|'(?:\\.|[^'\\\n])'"
    r'|//[^\n]*'
    r'|/\*.*?\*/',
    re.S,
)

def strip(src):
    def blank(m):
        t = m.group(0)
        keep = "\n" * t.count("\n")
        return ('""' + keep) if t[0] in 'rb"' else keep
    return TOKEN.sub(blank, src)

def non_test(src):
    """Drop `#[cfg(test)]` items (test modules may use the testkit)."""
    out, skip, depth = [], False, 0
    lines = src.split("\n")
    i = 0
    while i < len(lines):
        l = lines[i]
        if l.strip() == "#[cfg(test)]":
            # skip the attributed item: up to its closing brace at the same indent, or `;`
            j = i + 1
            while j < len(lines) and lines[j].lstrip().startswith("#"): j += 1
            if j < len(lines) and lines[j].rstrip().endswith(";"):
                i = j + 1; continue
            ind = len(l) - len(l.lstrip())
            k = j + 1
            while k < len(lines) and not (lines[k].startswith(" " * ind + "}") and len(lines[k]) - len(lines[k].lstrip()) == ind):
                k += 1
            i = k + 1; continue
        out.append(l); i += 1
    return "\n".join(out)

def targets(src):
    out = set()
    for m in re.finditer(r"crate::([A-Za-z_][\w:]*(?:::\{[^;]*?\})?)", src):
        path = m.group(1)
        brace = re.match(r"(.*?)::\{(.*)\}$", path, re.S)
        paths = [path] if not brace else [brace.group(1) + "::" + x.strip() for x in re.split(r",(?![^{]*\})", brace.group(2)) if x.strip()]
        if brace and not paths: paths = [brace.group(1)]
        for p in paths:
            parts = [x for x in p.split("::") if x and re.match(r"^[A-Za-z_]\w*$", x)]
            best = None
            for i in range(len(parts), 0, -1):
                if "::".join(parts[:i]) in mods:
                    best = "::".join(parts[:i]); break
            if best: out.add(best)
    return out

edges = {m: set() for m in mods}
for m, f in mods.items():
    for t in targets(non_test(strip(open(f).read()))):
        if t == m or t.startswith(m + "::") or m.startswith(t + "::"): continue
        edges[m].add(t)

def sccs(g):
    idx, low, st, on, res, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def go(v):
        idx[v] = low[v] = n[0]; n[0] += 1; st.append(v); on.add(v)
        for w in g[v]:
            if w not in idx: go(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            c = []
            while True:
                w = st.pop(); on.discard(w); c.append(w)
                if w == v: break
            if len(c) > 1: res.append(sorted(c))
    for v in sorted(g):
        if v not in idx: go(v)
    return res

layers = {}
for m, ts in edges.items():
    a = m.split("::")[0]
    layers.setdefault(a, set())
    for t in ts:
        b = t.split("::")[0]
        if a != b: layers[a].add(b)
        layers.setdefault(b, set())
bad = False
for name, g in ([] if "--layers-only" in sys.argv else [("files", edges)]) + [("layers", layers)]:
    cs = sccs(g)
    print(f"{name}: {len(g)} modules, {sum(len(v) for v in g.values())} imports, {len(cs)} cycle(s)")
    for c in cs:
        bad = bad or name == "files"
        print("  cycle: " + " <-> ".join(c))
        for a in c:
            print(f"    {a} -> " + ", ".join(sorted(t for t in g[a] if t in c)))
print("layer imports:")
for a in sorted(layers):
    print(f"  {a} -> {', '.join(sorted(layers[a])) or '-'}")
sys.exit(1 if bad else 0)
