//! Source-repo mode on the real app checkouts in `../shared/apps`: for each
//! app, the permissions of its main manifest, its iOS usage keys and its SDK
//! dependencies equal the lists written by hand in `../shared/apps/EXPECTED.md`
//! (parsed here; its shorthand such as `READ/WRITE_EXTERNAL_STORAGE` or
//! `FOREGROUND_SERVICE(_DATA_SYNC)` is expanded, slash forms checked against
//! the permission catalog). Differences are printed as a table; any fails.
//! Each app is also scanned with its own policy text (drafted from the
//! repo's privacy policy) without an artifact error.

use privscan::rules::permissions::PermissionCatalog;
use privscan::rules::sdk::Catalog;
use privscan::{ArtifactReport, Config};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn apps_dir() -> Option<PathBuf> {
    let a = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/apps"));
    if a.join("EXPECTED.md").is_file() {
        return Some(a);
    }
    let b = PathBuf::from("/work/shared/apps");
    b.join("EXPECTED.md").is_file().then_some(b)
}

#[derive(Debug, Default)]
struct Expected {
    dir: String,
    perms: Option<String>,
    ios: Option<String>,
    sdks: Option<String>,
}

/// Sections `## owner/repo` with bullets `* **Android perms...:** ...`,
/// `* **iOS keys...:** ...`, `* **SDKs...:** ...`.
fn parse_expected(text: &str) -> Vec<Expected> {
    let mut out: Vec<Expected> = Vec::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            out.push(Expected {
                // `## jackdavis01/mobile2 (Dog List)`: the repo is the first word.
                dir: h.split_whitespace().next().unwrap_or("").replace('/', "__"),
                ..Expected::default()
            });
            continue;
        }
        let Some(cur) = out.last_mut() else { continue };
        let Some(b) = line.strip_prefix("* **") else {
            continue;
        };
        let Some((label, body)) = b.split_once(":**") else {
            continue;
        };
        let body = body.trim().to_string();
        if label.starts_with("Android perms") {
            cur.perms = Some(body);
        } else if label.starts_with("iOS keys") {
            cur.ios = Some(body);
        } else if label.starts_with("SDKs") {
            cur.sdks = Some(body);
        }
    }
    out
}

/// Split on commas outside parentheses and braces.
fn split_items(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Remove parenthesised notes that contain spaces (`(the debug manifest...)`).
fn drop_notes(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('(') {
        let Some(j) = rest[i..].find(')') else { break };
        let inner = &rest[i + 1..i + j];
        out.push_str(&rest[..i]);
        if !inner.contains(' ') {
            out.push_str(&rest[i..=i + j]);
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

fn qualify(name: &str) -> String {
    if name.contains('.') && !name.starts_with("health.") {
        name.to_string()
    } else {
        format!("android.permission.{name}")
    }
}

fn known(cat: &PermissionCatalog, name: &str) -> bool {
    cat.get(&qualify(name)).is_some()
}

/// `A_B/C_D` shorthand: the first piece keeps a shared suffix, the last a
/// shared prefix; the (prefix, suffix) pair whose expansions are all real
/// permissions wins (shortest first).
fn expand_slash(s: &str, cat: &PermissionCatalog) -> Vec<String> {
    let pieces: Vec<&str> = s.split('/').collect();
    if pieces.len() < 2 {
        return vec![s.to_string()];
    }
    let first = pieces[0];
    let last = pieces[pieces.len() - 1];
    let mut prefixes = vec![String::new()];
    for (i, c) in first.char_indices() {
        if c == '_' {
            prefixes.push(first[..=i].to_string());
        }
    }
    let mut suffixes = vec![String::new()];
    for (i, c) in last.char_indices() {
        if c == '_' {
            suffixes.push(last[i..].to_string());
        }
    }
    let mut combos: Vec<(String, String)> = Vec::new();
    for p in &prefixes {
        for x in &suffixes {
            combos.push((p.clone(), x.clone()));
        }
    }
    combos.sort_by_key(|(p, x)| p.len() + x.len());
    for (p, x) in combos {
        let mut names = Vec::new();
        for (i, piece) in pieces.iter().enumerate() {
            let n = if i == 0 {
                format!("{piece}{x}")
            } else if i == pieces.len() - 1 {
                format!("{p}{piece}")
            } else {
                format!("{p}{piece}{x}")
            };
            names.push(n);
        }
        if names.iter().all(|n| known(cat, n)) {
            return names;
        }
    }
    panic!("cannot expand permission shorthand {s:?}");
}

/// Expand one permission item into full names (wildcards kept as `*`).
fn expand_perm(item: &str, cat: &PermissionCatalog) -> Vec<String> {
    let item = item.trim().trim_end_matches('.');
    // `X_{A,B}` brace form.
    if let (Some(i), Some(j)) = (item.find('{'), item.find('}')) {
        let (pre, post) = (&item[..i], &item[j + 1..]);
        return item[i + 1..j]
            .split(',')
            .map(|m| format!("{pre}{}{post}", m.trim()))
            .collect();
    }
    // `X(+_A)`, `X(_A/_B)` forms: X plus each X_A.
    if let (Some(i), Some(j)) = (item.find('('), item.rfind(')')) {
        let base = &item[..i];
        let mut out = vec![base.to_string()];
        for alt in item[i + 1..j].split('/') {
            out.push(format!("{base}{}", alt.trim().trim_start_matches('+')));
        }
        return out;
    }
    if item.contains('/') {
        return expand_slash(item, cat);
    }
    vec![item.to_string()]
}

struct PermSpec {
    names: BTreeSet<String>,
    /// Patterns with `*` (each must match at least one found name).
    globs: Vec<String>,
    /// `etc.`: the list is not exhaustive.
    open: bool,
    /// `No X permission`.
    absent: Vec<String>,
}

fn perm_spec(body: &str, cat: &PermissionCatalog) -> PermSpec {
    let mut spec = PermSpec {
        names: BTreeSet::new(),
        globs: Vec::new(),
        open: false,
        absent: Vec::new(),
    };
    let clean = body.replace('`', "");
    // Sentences after the list: `**No INTERNET permission.**`.
    let mut list = clean.clone();
    if let Some(i) = clean.find("**No ") {
        let neg = &clean[i + 5..];
        if let Some(name) = neg.split_whitespace().next() {
            spec.absent.push(qualify(name));
        }
        list = clean[..i].to_string();
    }
    // The list ends at the first sentence end (`INSTALL_SHORTCUT. Comments ...`).
    let list = drop_notes(&list.replace("**", ""));
    let list = match list.find(". ").filter(|i| {
        list[i + 2..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
    }) {
        Some(i) => list[..i].to_string(),
        None => list,
    };
    for item in split_items(&list) {
        let mut item = item.trim_end_matches('.').trim().to_string();
        if let Some(x) = item.strip_suffix(" etc") {
            spec.open = true;
            item = x.to_string();
        }
        if let Some(x) = item.strip_suffix(" only") {
            item = x.to_string();
        }
        if item.contains(' ') && !item.contains(" / ") {
            continue; // prose (`plus an AccessibilityService`)
        }
        // `health.READ_A / READ_B`: spaced slashes are full names sharing a namespace.
        if item.contains(" / ") {
            let mut ns = String::new();
            for p in item.split(" / ") {
                let p = p.trim();
                if let Some((n, _)) = p.rsplit_once('.') {
                    ns = format!("{n}.");
                    push_name(&mut spec, &qualify(p));
                } else {
                    push_name(&mut spec, &qualify(&format!("{ns}{p}")));
                }
            }
            continue;
        }
        for n in expand_perm(&item, cat) {
            push_name(&mut spec, &qualify(&n));
        }
    }
    spec
}

fn push_name(spec: &mut PermSpec, n: &str) {
    if n.contains('*') {
        spec.globs.push(n.to_string());
    } else {
        spec.names.insert(n.to_string());
    }
}

/// EXPECTED.md writes `INSTALL_SHORTCUT` for
/// `com.android.launcher.permission.INSTALL_SHORTCUT`: a found name whose
/// last segment equals an expected `android.permission.<X>` that is not a
/// real `android.permission` is reported under the expected spelling.
fn canonical(found: &str, expected: &BTreeSet<String>) -> String {
    if expected.contains(found) {
        return found.to_string();
    }
    let last = found.rsplit('.').next().unwrap_or(found);
    let short = format!("android.permission.{last}");
    if found.contains(".permission.") && expected.contains(&short) {
        return short;
    }
    found.to_string()
}

fn glob(p: &str, s: &str) -> bool {
    privscan::rules::sdk::glob_match(p, s)
}

/// iOS shorthand: `Camera`, `Location (WhenInUse/Always)`, `Bluetooth
/// Always/Peripheral` → `NS<…>UsageDescription`.
fn ios_spec(body: &str) -> BTreeSet<String> {
    let first = body.split(". ").next().unwrap_or(body).replace("**", "");
    let mut out = BTreeSet::new();
    for item in split_items(&first) {
        let item = item.trim_end_matches('.').trim();
        let (base, alts): (String, Vec<String>) = if let Some(i) = item.find('(') {
            let j = item.rfind(')').unwrap_or(item.len());
            (
                item[..i].trim().to_string(),
                item[i + 1..j].split('/').map(str::to_string).collect(),
            )
        } else if let Some((b, rest)) = item.split_once(' ') {
            (b.to_string(), rest.split('/').map(str::to_string).collect())
        } else {
            (item.to_string(), vec![String::new()])
        };
        for a in alts {
            out.insert(format!("NS{base}{}UsageDescription", a.trim()));
        }
    }
    out
}

/// Catalog SDK ids named by an SDK bullet: each item (backticked or not) as
/// a dependency coordinate in every ecosystem, and the SDK names/aliases the
/// text mentions. Sentences saying something is *not* there are skipped.
fn sdk_spec(body: &str, catalog: &Catalog) -> BTreeSet<String> {
    let text: String = body
        .split(". ")
        .filter(|s| !s.split_whitespace().any(|w| w.trim_matches('*') == "not"))
        .collect::<Vec<_>>()
        .join(". ");
    let mut ids = BTreeSet::new();
    let mut det = catalog.detector();
    let loc = privscan::Location::entry("EXPECTED.md");
    for item in split_items(&text.replace("**", "")) {
        for word in item
            .split(|c: char| c.is_whitespace() || c == '+' || c == '/')
            .map(|w| {
                w.trim_matches(|c: char| c == '`' || c == '.' || c == ';' || c == ')' || c == '(')
            })
            .filter(|w| w.len() > 2)
        {
            if word.contains(':') {
                det.dependency("gradle", word, &loc);
                continue;
            }
            for eco in ["pub", "cocoapods", "spm", "npm"] {
                det.dependency(eco, word, &loc);
            }
            // EXPECTED.md writes Google artifacts without their group.
            for group in [
                "com.google.android.gms",
                "com.google.firebase",
                "com.google.android.play",
            ] {
                det.dependency("gradle", &format!("{group}:{word}"), &loc);
            }
        }
    }
    ids.extend(det.finish().into_iter().map(|d| d.id));
    // Names are matched in the prose only: a backticked coordinate such as
    // `stream-webrtc-android` must not also name the generic WebRTC SDK.
    let prose: String = text
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, p)| p)
        .collect::<Vec<_>>()
        .join(" ");
    let lower = prose.to_lowercase();
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let items: BTreeSet<String> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '`')
        .map(squash)
        .filter(|w| w.len() > 3)
        .collect();
    for sdk in catalog.sdks() {
        if items.contains(&squash(&sdk.id)) || items.contains(&squash(&sdk.name)) {
            ids.insert(sdk.id.clone());
        }
    }
    for sdk in catalog.sdks() {
        let named = std::iter::once(&sdk.name)
            .chain(&sdk.aliases)
            .filter(|n| n.len() >= 4)
            .any(|n| contains_phrase(&lower, &n.to_lowercase()));
        if named {
            ids.insert(sdk.id.clone());
        }
    }
    ids
}

fn contains_phrase(hay: &str, needle: &str) -> bool {
    let mut start = 0;
    while let Some(i) = hay[start..].find(needle) {
        let at = start + i;
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return true;
        }
        start = at + needle.len().max(1);
    }
    false
}

/// Permissions of the app module's main manifest (the `:main` module with
/// the most components).
fn main_manifest_perms(r: &ArtifactReport) -> BTreeSet<String> {
    let Some(a) = &r.android else {
        return BTreeSet::new();
    };
    a.modules
        .iter()
        .filter(|m| m.name.ends_with(":main"))
        .max_by_key(|m| m.manifest.components.len())
        .map(|m| {
            m.manifest
                .uses_permissions
                .iter()
                .map(|p| p.name.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// SDKs found through dependency declarations, without the `other`
/// category (frameworks such as Flutter's engine, which EXPECTED.md does
/// not list as SDKs).
fn found_sdks(r: &ArtifactReport) -> BTreeSet<String> {
    r.sdks
        .iter()
        .filter(|d| d.category != "other")
        .filter(|d| {
            ["gradle", "cocoapods", "spm", "pub", "npm"]
                .iter()
                .any(|k| d.matcher_counts.contains_key(*k))
        })
        .filter(|d| {
            !d.evidence.iter().all(|e| {
                e.location
                    .detail
                    .as_deref()
                    .is_some_and(|x| x.contains("debug builds only"))
            })
        })
        .map(|d| d.id.clone())
        .collect()
}

#[test]
fn apps_match_expected() {
    let Some(dir) = apps_dir() else {
        eprintln!("SKIP: ../shared/apps not found");
        return;
    };
    let text = std::fs::read_to_string(dir.join("EXPECTED.md")).unwrap();
    let expected = parse_expected(&text);
    assert!(
        expected.len() >= 10,
        "EXPECTED.md sections: {}",
        expected.len()
    );
    let perms_cat = PermissionCatalog::embedded();
    let catalog = Catalog::embedded();
    let config = Config::new();
    let mut rows: Vec<(String, &str, String, String)> = Vec::new();
    let mut checked = 0;
    let mut compared = 0usize;
    for e in &expected {
        let app = dir.join(&e.dir);
        if !app.is_dir() {
            eprintln!("SKIP: {} not present", e.dir);
            continue;
        }
        assert!(
            privscan::source::is_source_tree(&app),
            "{} is not seen as a source tree",
            e.dir
        );
        let r = privscan::scan::scan_path(&app, &config);
        assert!(r.error.is_none(), "{}: {:?}", e.dir, r.error);
        checked += 1;
        if let Some(body) = &e.perms {
            let spec = perm_spec(body, perms_cat);
            compared += spec.names.len() + spec.globs.len();
            let found: BTreeSet<String> = main_manifest_perms(&r)
                .into_iter()
                .map(|f| canonical(&f, &spec.names))
                .collect();
            for n in spec.names.iter().filter(|n| !found.contains(*n)) {
                rows.push((e.dir.clone(), "permission", n.clone(), "missing".into()));
            }
            for g in spec.globs.iter() {
                if !found.iter().any(|f| glob(g, f)) {
                    rows.push((e.dir.clone(), "permission", g.clone(), "missing".into()));
                }
            }
            if !spec.open {
                for f in found
                    .iter()
                    .filter(|f| !spec.names.contains(*f) && !spec.globs.iter().any(|g| glob(g, f)))
                {
                    rows.push((e.dir.clone(), "permission", f.clone(), "unexpected".into()));
                }
            }
            for a in spec.absent.iter().filter(|a| found.contains(*a)) {
                rows.push((
                    e.dir.clone(),
                    "permission",
                    a.clone(),
                    "must be absent".into(),
                ));
            }
        }
        if let Some(body) = &e.ios {
            let want = ios_spec(body);
            compared += want.len();
            let got: BTreeSet<String> = r
                .ios
                .as_ref()
                .map(|i| i.usage_descriptions.iter().map(|u| u.key.clone()).collect())
                .unwrap_or_default();
            for k in want.difference(&got) {
                rows.push((e.dir.clone(), "ios key", k.clone(), "missing".into()));
            }
            for k in got.difference(&want) {
                rows.push((e.dir.clone(), "ios key", k.clone(), "unexpected".into()));
            }
        }
        if let Some(body) = &e.sdks {
            let want: BTreeSet<String> = sdk_spec(body, catalog)
                .into_iter()
                .filter(|id| catalog.sdk(id).is_some_and(|s| s.category != "other"))
                .collect();
            let got = found_sdks(&r);
            compared += want.len();
            for k in want.difference(&got) {
                rows.push((e.dir.clone(), "sdk", k.clone(), "missing".into()));
            }
            for k in got.difference(&want) {
                rows.push((e.dir.clone(), "sdk", k.clone(), "unexpected".into()));
            }
        }
    }
    if !rows.is_empty() {
        eprintln!("{:<36} {:<11} {:<55} problem", "app", "kind", "subject");
        for (app, kind, subject, problem) in &rows {
            eprintln!("{app:<36} {kind:<11} {subject:<55} {problem}");
        }
    }
    eprintln!("{checked} apps, {compared} expected permissions/keys/SDKs compared");
    assert!(checked >= 10, "apps checked: {checked}");
    assert!(compared >= 150, "expected items compared: {compared}");
    assert!(
        rows.is_empty(),
        "{} differences from EXPECTED.md",
        rows.len()
    );
}

/// `privscan scan <app>` with no `--policy`: the repo's own policy text is
/// drafted and used, findings carry file:line evidence, no artifact error.
#[test]
fn apps_scan_with_own_policy() {
    let Some(dir) = apps_dir() else {
        eprintln!("SKIP: ../shared/apps not found");
        return;
    };
    let mut with_policy = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let app = entry.unwrap().path();
        if !app.is_dir() {
            continue;
        }
        let report = privscan::scan(std::slice::from_ref(&app), &Config::new());
        assert_eq!(report.artifacts.len(), 1, "{}", app.display());
        let r = &report.artifacts[0];
        assert!(r.error.is_none(), "{}: {:?}", app.display(), r.error);
        if let Some(p) = &r.policy {
            with_policy += 1;
            assert!(app.join(p).is_file(), "policy {p} is a file of the repo");
            assert!(!r.findings.is_empty(), "{}: no findings", app.display());
        }
        for f in &r.findings {
            for ev in &f.evidence {
                if ev.entry.is_empty() {
                    continue;
                }
                assert!(
                    app.join(&ev.entry).is_file() || ev.entry.contains('/') || ev.line.is_some(),
                    "{}: evidence {} of {} is not a repo file",
                    app.display(),
                    ev,
                    f.code
                );
            }
        }
        let text = privscan::report::text::render(&report, false);
        assert!(text.contains(&app.display().to_string()) || !text.is_empty());
    }
    assert!(
        with_policy >= 10,
        "apps with a drafted policy: {with_policy}"
    );
}
