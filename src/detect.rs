//! SDK detection: observed facts × compiled catalog → [`Detection`]s with
//! evidence.
//!
//! A [`Detector`] accumulates matches. Create one per worker (one per DEX
//! file or native library on a rayon thread), feed it observations, then
//! [`Detector::merge`] them and call [`Detector::finish`]. The result does not
//! depend on feeding or merging order: stored examples are the smallest
//! `MAX_EXAMPLES` per SDK and matcher kind (by location, then matched value),
//! the count covers every match, detections are sorted by SDK id.
//!
//! Distrusts observed values (class names, symbol names, file names and
//! contents come from hostile archives): nothing is allocated per
//! observation unless it matches, version strings read from `*.version`
//! files are bounded and must be printable.
//!
//! Matcher semantics are those of `SDK_SCHEMA.md`: `dex_class` and
//! `manifest_component` prefixes match on package boundaries only (the next
//! character is `/`, `;` or `$` in descriptor form) and the most specific
//! (longest) prefix wins; `objc_class` is a plain prefix (longest wins).

use crate::jvm::descriptor_to_dotted;
use crate::model::{AndroidManifest, Confidence, Detection, Location, SdkEvidence};
use crate::rules::sdk::{Catalog, ECOSYSTEMS, descriptor_prefix, glob_match};
use aho_corasick::{AhoCorasick, Anchored, Input};
use std::collections::BTreeMap;

/// Most evidence examples stored per SDK and matcher kind.
pub const MAX_EXAMPLES: usize = 5;
/// Longest version string read from a `*.version` file.
pub const MAX_VERSION_LEN: usize = 64;

/// Confidence tier of a matcher kind: code/library/file/dependency evidence
/// is `Present`; manifest components, meta-data and plist keys are
/// configuration only (`Configured`), and so is a `domains` hit (a host
/// name string does not prove the SDK's code is present). A build dependency (`gradle`, ...)
/// counts as `Present`: it puts the SDK's code in the build.
pub fn tier(kind: &str) -> Confidence {
    match kind {
        "manifest_component" | "manifest_meta_data" | "plist_key" | "domains" => {
            Confidence::Configured
        }
        _ => Confidence::Present,
    }
}

#[derive(Debug, Default, Clone)]
struct KindAcc {
    examples: Vec<SdkEvidence>,
    count: u64,
}

#[derive(Debug, Default, Clone)]
struct SdkAcc {
    kinds: BTreeMap<&'static str, KindAcc>,
    /// The version stated by the smallest entry name (see [`VersionNote`]).
    version: Option<VersionNote>,
    /// Observation count per mask of the `[[sdk.bundles]]` / `parts` rules
    /// covering it (bit i = rule i of this SDK as an inner SDK; 0 = its own).
    cover: BTreeMap<u64, u64>,
}

/// A version an artifact states, with where and how.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct VersionNote {
    /// Entry stating it (the order key: smallest wins).
    entry: String,
    version: String,
    kind: &'static str,
    text: String,
}

impl VersionNote {
    fn source(self) -> (String, crate::model::VersionSource) {
        (
            self.version,
            crate::model::VersionSource {
                kind: self.kind.to_string(),
                entry: self.entry,
                text: self.text,
            },
        )
    }
}

fn example_key(e: &SdkEvidence) -> (&str, Option<&str>, Option<u32>, &str, &str) {
    (
        &e.location.entry,
        e.location.detail.as_deref(),
        e.location.line,
        &e.matched,
        &e.pattern,
    )
}

impl KindAcc {
    fn insert(&mut self, ev: SdkEvidence) {
        if self.examples.len() >= MAX_EXAMPLES {
            match self.examples.last() {
                Some(last) if example_key(&ev) < example_key(last) => {
                    self.examples.pop();
                }
                _ => return,
            }
        }
        if self
            .examples
            .iter()
            .any(|e| example_key(e) == example_key(&ev))
        {
            return;
        }
        let pos = self
            .examples
            .partition_point(|e| example_key(e) < example_key(&ev));
        self.examples.insert(pos, ev);
    }
}

/// Accumulates evidence for every SDK of a catalog.
#[derive(Debug, Clone)]
pub struct Detector<'c> {
    catalog: &'c Catalog,
    acc: BTreeMap<usize, SdkAcc>,
    buf: Vec<u8>,
    /// Reused dotted-name buffer (no allocation per matched class).
    text: String,
    /// `(sdk, host)` → (`domains` entry, smallest location): hosts in string data.
    contacts: BTreeMap<(usize, String), (String, Location)>,
    /// Versions stated in string data, kept only for SDKs detected otherwise.
    pending_versions: BTreeMap<usize, VersionNote>,
    /// Last Swift module looked up and its framework owners.
    swift_cache: Option<(String, Vec<(usize, String)>)>,
}

impl Catalog {
    /// A fresh detector over this catalog.
    pub fn detector(&self) -> Detector<'_> {
        Detector {
            catalog: self,
            acc: BTreeMap::new(),
            buf: Vec::new(),
            text: String::new(),
            contacts: BTreeMap::new(),
            pending_versions: BTreeMap::new(),
            swift_cache: None,
        }
    }
}

/// Pattern id of the longest pattern matching at the start of `hay`
/// (the automaton is anchored and leftmost-longest).
fn longest_anchored(ac: &AhoCorasick, hay: &[u8]) -> Option<usize> {
    let input = Input::new(hay).anchored(Anchored::Yes);
    ac.try_find(input)
        .ok()
        .flatten()
        .map(|m| m.pattern().as_usize())
}

/// `Lcom/foo/Bar;` → `com.foo.Bar` into `out` (reused buffer).
fn dotted_into(descriptor: &[u8], out: &mut String) {
    out.clear();
    if descriptor.is_ascii() {
        let inner = descriptor
            .strip_prefix(b"L")
            .and_then(|d| d.strip_suffix(b";"))
            .unwrap_or(descriptor);
        out.extend(
            inner
                .iter()
                .map(|&b| if b == b'/' { '.' } else { char::from(b) }),
        );
    } else {
        out.push_str(&descriptor_to_dotted(descriptor));
    }
}

fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

impl<'c> Detector<'c> {
    /// Count one match; allocate evidence only when it is kept as an example.
    fn record(
        &mut self,
        sdk: usize,
        kind: &'static str,
        pattern: &str,
        matched: &str,
        loc: &Location,
    ) {
        let mask = self.cover_mask(sdk, kind, matched, &loc.entry);
        let acc = self.acc.entry(sdk).or_default();
        let c = acc.cover.entry(mask).or_default();
        *c = c.saturating_add(1);
        let k = acc.kinds.entry(kind).or_default();
        k.count = k.count.saturating_add(1);
        let key = (
            loc.entry.as_str(),
            loc.detail.as_deref(),
            loc.line,
            matched,
            pattern,
        );
        if k.examples.len() >= MAX_EXAMPLES
            && k.examples.last().is_some_and(|l| example_key(l) <= key)
        {
            return;
        }
        k.insert(SdkEvidence {
            matcher: kind.to_string(),
            pattern: pattern.to_string(),
            matched: matched.to_string(),
            tier: tier(kind),
            location: loc.clone(),
        });
    }

    /// Match the descriptor in `self.buf` against the `dex_class`
    /// (`component == false`) or `manifest_component` prefixes.
    fn prefix_match(&mut self, component: bool, loc: &Location) {
        let kind = if component {
            "manifest_component"
        } else {
            "dex_class"
        };
        self.prefix_match_as(component, kind, loc);
    }

    /// [`Self::prefix_match`], recording the evidence under `kind`
    /// (`jni_class` for a class named by a JNI export).
    fn prefix_match_as(&mut self, component: bool, kind: &'static str, loc: &Location) {
        let catalog = self.catalog;
        let idx = catalog.android();
        let (ac, owners) = if component {
            (idx.comp_ac.as_ref(), &idx.comp_owners)
        } else {
            (idx.dex_ac.as_ref(), &idx.dex_owners)
        };
        let Some(ac) = ac else { return };
        let Some(pid) = longest_anchored(ac, &self.buf) else {
            return;
        };
        let mut text = std::mem::take(&mut self.text);
        dotted_into(&self.buf, &mut text);
        for (sdk, pattern) in owners.get(pid / 3).into_iter().flatten() {
            self.record(*sdk, kind, pattern, &text, loc);
        }
        self.text = text;
    }

    /// A class seen in a DEX file: a descriptor `b"Lcom/foo/Bar;"` (array
    /// descriptors `[L...;` are reduced to their element class), or a dotted
    /// name `com.foo.Bar` (tests, text sources).
    pub fn dex_class(&mut self, descriptor: &[u8], loc: &Location) {
        let mut d = descriptor;
        while let Some(rest) = d.strip_prefix(b"[") {
            d = rest;
        }
        self.buf.clear();
        if d.ends_with(b";") {
            if !d.starts_with(b"L") {
                return;
            }
            self.buf.extend_from_slice(d);
        } else {
            if d.is_empty() {
                return;
            }
            self.buf.push(b'L');
            self.buf
                .extend(d.iter().map(|&b| if b == b'.' { b'/' } else { b }));
            self.buf.push(b';');
        }
        self.prefix_match(false, loc);
    }

    /// A native library file name (`libfoo.so`; a path is reduced to its file name).
    pub fn native_lib(&mut self, file_name: &str, loc: &Location) {
        let name = basename(file_name);
        let idx = self.catalog.android();
        let mut hits: Vec<(usize, String)> =
            idx.native_exact.get(name).cloned().unwrap_or_default();
        hits.extend(
            idx.native_globs
                .iter()
                .filter(|(_, g)| glob_match(g, name))
                .cloned(),
        );
        for (sdk, pattern) in hits {
            self.record(sdk, "native_lib", &pattern, name, loc);
            self.version_from_name(sdk, name, loc);
        }
    }

    /// A dynamic symbol of an ELF library. A JNI export
    /// (`Java_im_zego_zegoexpress_…`, see [`crate::jvm::jni`]) also names
    /// the Java class that calls into the library: that class is matched
    /// against the `dex_class` prefixes and recorded as `jni_class`
    /// evidence, so a library is attributed even when its file name and
    /// symbols carry no pattern of their own.
    pub fn elf_symbol(&mut self, sym: &str, loc: &Location) {
        if sym.starts_with("Java_")
            && let Some(m) = crate::jvm::jni::demangle(sym)
        {
            self.buf.clear();
            self.buf.push(b'L');
            self.buf.extend_from_slice(m.class.as_bytes());
            self.buf.push(b';');
            self.prefix_match_as(false, "jni_class", loc);
        }
        let idx = self.catalog.android();
        let Some(set) = idx.elf_set.as_ref() else {
            return;
        };
        // Almost no symbol matches: the cheap yes/no test first, the
        // allocating per-pattern `matches` only on a hit.
        if !set.is_match(sym) {
            return;
        }
        let hits: Vec<usize> = set.matches(sym).into_iter().collect();
        for i in hits {
            if let Some((sdk, pattern)) = self.catalog.android().elf_owners.get(i) {
                self.record(*sdk, "elf_symbol", pattern, sym, loc);
            }
        }
    }

    /// An Objective-C class name from a Mach-O (`__objc_classname`, `_OBJC_CLASS_$_X`).
    /// A pattern matches the class of that exact name (`FIRAnalytics` does
    /// not match `FIRAnalyticsConfiguration`, which FirebaseCore ships); a
    /// pattern ending in `*` (`FIRCLS*`) matches every class it prefixes.
    /// An exact match wins over a prefix.
    pub fn objc_class(&mut self, name: &str, loc: &Location) {
        let catalog = self.catalog;
        if let Some(owners) = catalog.apple().objc_exact.get(name) {
            for (sdk, pattern) in owners {
                self.record(*sdk, "objc_class", pattern, name, loc);
            }
            return;
        }
        let Some(ac) = catalog.apple().objc_ac.as_ref() else {
            return;
        };
        let Some(pid) = longest_anchored(ac, name.as_bytes()) else {
            return;
        };
        for (sdk, pattern) in catalog.apple().objc_owners.get(pid).into_iter().flatten() {
            self.record(*sdk, "objc_class", pattern, name, loc);
        }
    }

    /// A Mach-O symbol name (with its leading `_`). A Swift-mangled symbol
    /// also names its module, matched against the `framework` names
    /// (`swift_module` evidence).
    pub fn macho_symbol(&mut self, sym: &str, loc: &Location) {
        if sym.starts_with("_$s")
            || sym.starts_with("_$S")
            || sym.starts_with("_T0")
            || sym.starts_with("$s")
        {
            self.swift_symbol(sym, loc);
        }
        let idx = self.catalog.apple();
        let Some(set) = idx.macho_set.as_ref() else {
            return;
        };
        // Almost no symbol matches: the cheap yes/no test first, the
        // allocating per-pattern `matches` only on a hit.
        if !set.is_match(sym) {
            return;
        }
        let hits: Vec<usize> = set.matches(sym).into_iter().collect();
        for i in hits {
            if let Some((sdk, pattern)) = self.catalog.apple().macho_owners.get(i) {
                self.record(*sdk, "macho_symbol", pattern, sym, loc);
            }
        }
    }

    /// An iOS framework, xcframework or dylib: `Foo`, `Foo.framework`,
    /// `Frameworks/Foo.framework`, `libFoo.dylib` (case-insensitive).
    pub fn framework(&mut self, name: &str, loc: &Location) {
        self.framework_hits(name, loc);
    }

    /// [`Self::framework`] for an embedded framework whose Info.plist states
    /// `CFBundleShortVersionString` (`version`): the version is kept for
    /// every SDK the framework matched, with `info_plist` (the plist's entry)
    /// as its evidence. A `*.version` file or a versioned dependency of the
    /// same SDK with a smaller entry name wins (see [`Self::file`]).
    pub fn framework_with_version(
        &mut self,
        name: &str,
        version: Option<&str>,
        info_plist: &str,
        loc: &Location,
    ) {
        let hits = self.framework_hits(name, loc);
        if let Some(v) = version.and_then(|v| parse_version(v.as_bytes())) {
            for sdk in hits {
                self.note_version(sdk, info_plist, &v, "info_plist", &v);
            }
        }
    }

    /// Keep `version` for `sdk` when `source` (the entry stating it) sorts
    /// before the source of the version already kept: order-independent.
    /// `kind` and `text` say how the entry states it ([`crate::model::VersionSource`]).
    fn note_version(
        &mut self,
        sdk: usize,
        source: &str,
        version: &str,
        kind: &'static str,
        text: &str,
    ) {
        let acc = self.acc.entry(sdk).or_default();
        let note = VersionNote {
            entry: source.to_string(),
            version: version.to_string(),
            kind,
            text: text.to_string(),
        };
        if acc.version.as_ref().is_none_or(|v| note < *v) {
            acc.version = Some(note);
        }
    }

    fn framework_hits(&mut self, name: &str, loc: &Location) -> Vec<usize> {
        let base = basename(name.trim_end_matches('/'));
        let stem = [".framework", ".xcframework", ".dylib", ".a"]
            .iter()
            .find_map(|ext| base.strip_suffix(ext))
            .unwrap_or(base);
        let lower = stem.to_lowercase();
        let idx = self.catalog.apple();
        let mut hits = idx.frameworks.get(&lower).cloned().unwrap_or_default();
        if hits.is_empty()
            && let Some(no_lib) = lower.strip_prefix("lib")
        {
            hits = idx.frameworks.get(no_lib).cloned().unwrap_or_default();
        }
        let mut sdks = Vec::with_capacity(hits.len());
        for (sdk, pattern) in hits {
            self.record(sdk, "framework", &pattern, base, loc);
            sdks.push(sdk);
        }
        sdks
    }

    /// An archive entry path (`META-INF/foo.version`, `assets/x.dat`). An
    /// AAB module path `base/root/META-INF/...` is also tried without its
    /// `<module>/root/` prefix. `content` of a matched `*.version` file gives
    /// the SDK version (trimmed, at most `MAX_VERSION_LEN` printable bytes).
    pub fn file(&mut self, entry: &str, content: Option<&[u8]>, loc: &Location) {
        let idx = self.catalog.common();
        let mut candidates = vec![entry];
        if let Some(pos) = entry.find("/root/") {
            candidates.push(&entry[pos + "/root/".len()..]);
        }
        let mut hits: Vec<(usize, String)> = Vec::new();
        for c in &candidates {
            hits.extend(idx.file_exact.get(*c).cloned().unwrap_or_default());
            hits.extend(
                idx.file_globs
                    .iter()
                    .filter(|(_, g)| glob_match(g, c))
                    .cloned(),
            );
            if !hits.is_empty() {
                break;
            }
        }
        let version = content
            .filter(|_| entry.ends_with(".version"))
            .and_then(parse_version);
        for (sdk, pattern) in hits {
            self.record(sdk, "file", &pattern, entry, loc);
            if let Some(v) = &version {
                self.note_version(sdk, entry, v, "version_file", v);
            }
            self.version_from_name(sdk, basename(entry), loc);
        }
    }

    /// Components (`manifest_component`) and `<meta-data>` keys
    /// (`manifest_meta_data`) of a manifest.
    pub fn manifest(&mut self, m: &AndroidManifest) {
        for c in &m.components {
            self.buf.clear();
            self.buf.extend_from_slice(&descriptor_prefix(&c.name));
            self.buf.push(b';');
            self.prefix_match(true, &c.location);
        }
        for md in &m.meta_data {
            let hits = self
                .catalog
                .android()
                .meta_data
                .get(&md.name)
                .cloned()
                .unwrap_or_default();
            for (sdk, pattern) in hits {
                self.record(sdk, "manifest_meta_data", &pattern, &md.name, &md.location);
            }
        }
    }

    /// A top-level Info.plist key.
    pub fn plist_key(&mut self, key: &str, loc: &Location) {
        let hits = self
            .catalog
            .apple()
            .plist_keys
            .get(key)
            .cloned()
            .unwrap_or_default();
        for (sdk, pattern) in hits {
            self.record(sdk, "plist_key", &pattern, key, loc);
        }
    }

    /// A build dependency. `ecosystem` is `gradle` (`group:artifact[:version]`,
    /// matched as `group:artifact` then `group`), `cocoapods` (`Pod/Subspec`,
    /// matched whole then by root pod), `spm` (identity or repository URL),
    /// `pub` or `npm` (`name[@version]`). Case-insensitive.
    pub fn dependency(&mut self, ecosystem: &str, coordinate: &str, loc: &Location) {
        let Some(eco) = ECOSYSTEMS.iter().copied().find(|e| *e == ecosystem) else {
            return;
        };
        let c = coordinate.trim().to_lowercase();
        let mut keys: Vec<String> = Vec::new();
        match eco {
            "gradle" => {
                let parts: Vec<&str> = c.split(':').collect();
                if parts.len() >= 2 {
                    keys.push(format!("{}:{}", parts[0], parts[1]));
                }
                keys.push(parts[0].to_string());
            }
            "cocoapods" => {
                keys.push(c.clone());
                if let Some((root, _)) = c.split_once('/') {
                    keys.push(root.to_string());
                }
            }
            "spm" => {
                let last = c.trim_end_matches('/').rsplit('/').next().unwrap_or(&c);
                keys.push(last.strip_suffix(".git").unwrap_or(last).to_string());
            }
            _ => {
                // npm `@scope/name@1.2.3`, pub `name: ^1.0`
                let body = c.get(1..).unwrap_or_default();
                let name = match body.find(['@', ':', ' ']) {
                    Some(i) => &c[..i + 1],
                    None => c.as_str(),
                };
                keys.push(name.to_string());
            }
        }
        let idx = self.catalog.deps();
        let Some(hits) = keys
            .iter()
            .find_map(|k| idx.deps.get(&(eco, k.clone())))
            .cloned()
        else {
            return;
        };
        // A pinned version in the coordinate (`group:artifact:1.2.3`,
        // `name@1.2.3`) is the SDK's version; ranges and placeholders are not.
        let pinned = match eco {
            "gradle" => coordinate.trim().split(':').nth(2),
            "npm" => coordinate
                .trim()
                .get(1..)
                .and_then(|b| b.split_once('@'))
                .map(|(_, v)| v),
            _ => None,
        }
        .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        .filter(|v| {
            v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
        .and_then(|v| parse_version(v.as_bytes()));
        let source = loc.entry.clone();
        for (sdk, pattern) in hits {
            self.record(sdk, kind_name(eco), &pattern, coordinate, loc);
            if let Some(v) = &pinned {
                self.note_version(sdk, &source, v, "dependency", coordinate);
            }
        }
    }

    /// A host name seen in the build (URL, network-security config): matches
    /// a `domains` entry equal to it or to one of its parent domains, and is
    /// kept as a contact of that SDK (never as detection evidence on its
    /// own: see [`Finished::contacts`]).
    pub fn domain(&mut self, host: &str, loc: &Location) {
        let lower = host.trim().trim_end_matches('.').to_lowercase();
        let mut rest = lower.as_str();
        let hits = loop {
            if let Some(h) = self.catalog.common().domains.get(rest) {
                break h;
            }
            match rest.split_once('.') {
                Some((_, parent)) if parent.contains('.') => rest = parent,
                _ => return,
            }
        };
        for (sdk, pattern) in hits {
            let key = (*sdk, lower.clone());
            match self.contacts.get_mut(&key) {
                Some((_, l)) if example_loc_key(loc) < example_loc_key(l) => *l = loc.clone(),
                Some(_) => {}
                None => {
                    self.contacts.insert(key, (pattern.clone(), loc.clone()));
                }
            }
        }
    }

    /// Add another detector's evidence (from another worker) to this one.
    pub fn merge(&mut self, other: Detector<'_>) {
        for (sdk, oacc) in other.acc {
            let acc = self.acc.entry(sdk).or_default();
            for (kind, k) in oacc.kinds {
                let mine = acc.kinds.entry(kind).or_default();
                mine.count = mine.count.saturating_add(k.count);
                for ev in k.examples {
                    mine.insert(ev);
                }
            }
            if let Some(v) = oacc.version
                && acc.version.as_ref().is_none_or(|me| v < *me)
            {
                acc.version = Some(v);
            }
            for (mask, n) in oacc.cover {
                let c = acc.cover.entry(mask).or_default();
                *c = c.saturating_add(n);
            }
        }
        for (key, (pattern, loc)) in other.contacts {
            match self.contacts.get_mut(&key) {
                Some((_, l)) if example_loc_key(&loc) < example_loc_key(l) => *l = loc,
                Some(_) => {}
                None => {
                    self.contacts.insert(key, (pattern, loc));
                }
            }
        }
        for (sdk, v) in other.pending_versions {
            self.note_pending(sdk, v);
        }
    }

    /// The detections, sorted by SDK id.
    pub fn finish(self) -> Vec<Detection> {
        self.finish_all().detections
    }

    /// The detections (sorted by SDK id, with bundled/part relations
    /// resolved and contacts attached) and every contact, including those
    /// of SDKs not detected.
    pub fn finish_all(mut self) -> Finished {
        let relations = self.resolve_relations();
        for (sdk, v) in std::mem::take(&mut self.pending_versions) {
            if let Some(acc) = self.acc.get_mut(&sdk)
                && acc.version.as_ref().is_none_or(|me| v < *me)
            {
                acc.version = Some(v);
            }
        }
        let contacts = std::mem::take(&mut self.contacts);
        let mut out: Vec<Detection> = Vec::with_capacity(self.acc.len());
        for (sdk_idx, acc) in self.acc {
            let Some(sdk) = self.catalog.sdks().get(sdk_idx) else {
                continue;
            };
            let confidence = if acc.kinds.keys().any(|k| tier(k) == Confidence::Present) {
                Confidence::Present
            } else {
                Confidence::Configured
            };
            let mut evidence = Vec::new();
            let mut matcher_counts = BTreeMap::new();
            for (kind, k) in acc.kinds {
                matcher_counts.insert(kind.to_string(), k.count);
                evidence.extend(k.examples);
            }
            let hosts: Vec<String> = contacts
                .range((sdk_idx, String::new())..)
                .take_while(|((s, _), _)| *s == sdk_idx)
                .map(|((_, h), _)| h.clone())
                .collect();
            let (version, version_source) = match acc.version.map(VersionNote::source) {
                Some((v, s)) => (Some(v), Some(s)),
                None => (None, None),
            };
            let rel = relations.get(&sdk_idx).cloned().unwrap_or_default();
            out.push(Detection {
                id: sdk.id.clone(),
                name: sdk.name.clone(),
                vendor: sdk.vendor.name.clone(),
                category: sdk.category.clone(),
                version,
                confidence,
                evidence,
                matcher_counts,
                companies: sdk.vendor.entities.clone(),
                version_source,
                bundled_by: rel.bundled_by,
                part_of: rel.part_of,
                contains: rel.contains,
                contacts: hosts,
            });
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        let mut all = Vec::with_capacity(contacts.len());
        for ((sdk_idx, host), (domain, location)) in contacts {
            let Some(sdk) = self.catalog.sdks().get(sdk_idx) else {
                continue;
            };
            all.push(crate::model::Contact {
                sdk: sdk.id.clone(),
                host,
                domain,
                sdk_detected: out.iter().any(|d| d.id == sdk.id),
                location,
            });
        }
        all.sort_by(|a, b| (&a.sdk, &a.host).cmp(&(&b.sdk, &b.host)));
        Finished {
            detections: out,
            contacts: all,
        }
    }
}

fn kind_name(eco: &str) -> &'static str {
    match eco {
        "gradle" => "gradle",
        "cocoapods" => "cocoapods",
        "spm" => "spm",
        "pub" => "pub",
        _ => "npm",
    }
}

/// A version from a `*.version` file: trimmed, non-empty, at most
/// `MAX_VERSION_LEN` bytes of printable ASCII without spaces.
fn parse_version(content: &[u8]) -> Option<String> {
    let head = content.get(..content.len().min(MAX_VERSION_LEN * 2))?;
    let s = std::str::from_utf8(head).ok()?.trim();
    (!s.is_empty() && s.len() <= MAX_VERSION_LEN && s.bytes().all(|b| b.is_ascii_graphic()))
        .then(|| s.to_string())
}

/// Fill `UsesPermission::added_by` with the ids of detected SDKs whose
/// catalog entry lists the permission (sorted, no duplicates).
pub fn attribute_permissions(
    manifest: &mut AndroidManifest,
    detections: &[Detection],
    catalog: &Catalog,
) {
    for p in &mut manifest.uses_permissions {
        for d in detections {
            if catalog
                .sdk(&d.id)
                .is_some_and(|s| s.permissions.contains(&p.name))
                && !p.added_by.contains(&d.id)
            {
                p.added_by.push(d.id.clone());
            }
        }
        p.added_by.sort();
    }
}

/// Feed one `[sdk.tests]` case (`"<kind>:<value>"`) to a detector.
pub fn feed_case(det: &mut Detector<'_>, case: &str) -> bool {
    let Some((kind, value)) = case.split_once(':') else {
        return false;
    };
    let loc = Location::detail("rule-test", case);
    match kind {
        "dex_class" => det.dex_class(value.as_bytes(), &loc),
        "native_lib" => det.native_lib(value, &loc),
        "elf_symbol" => det.elf_symbol(value, &loc),
        "objc_class" => det.objc_class(value, &loc),
        "macho_symbol" => det.macho_symbol(value, &loc),
        "framework" => det.framework(value, &loc),
        "plist_key" => det.plist_key(value, &loc),
        "file" => det.file(value, None, &loc),
        "domains" => det.domain(value, &loc),
        "manifest_component" | "manifest_meta_data" => {
            let mut m = AndroidManifest::default();
            if kind == "manifest_component" {
                m.components.push(crate::model::Component {
                    kind: crate::model::ComponentKind::Activity,
                    name: value.to_string(),
                    exported: false,
                    exported_explicit: None,
                    has_intent_filter: false,
                    permission: None,
                    authorities: None,
                    location: loc,
                });
            } else {
                m.meta_data.push(crate::model::MetaData {
                    name: value.to_string(),
                    value: None,
                    resource: None,
                    location: loc,
                });
            }
            det.manifest(&m);
        }
        eco if ECOSYSTEMS.contains(&eco) => det.dependency(eco, value, &loc),
        _ => return false,
    }
    true
}

/// Run every SDK's `[sdk.tests]` against the catalog: each positive case
/// must detect that SDK, each negative case must not. Returns one message
/// per failing case (empty when all pass).
pub fn run_rule_tests(catalog: &Catalog) -> Vec<String> {
    let mut failures = Vec::new();
    for sdk in catalog.sdks() {
        for (positive, cases) in [(true, &sdk.tests.positive), (false, &sdk.tests.negative)] {
            for case in cases {
                let mut det = catalog.detector();
                if !feed_case(&mut det, case) {
                    failures.push(format!(
                        "{} ({}): case {case:?} has an unknown matcher kind",
                        sdk.id, sdk.file
                    ));
                    continue;
                }
                let done = det.finish_all();
                let found = done.detections;
                let hit = found.iter().any(|d| d.id == sdk.id)
                    || (case.starts_with("domains:")
                        && done.contacts.iter().any(|c| c.sdk == sdk.id));
                if hit != positive {
                    let got: Vec<&str> = found.iter().map(|d| d.id.as_str()).collect();
                    failures.push(format!(
                        "{} ({}): {} case {case:?} {} (detected: {got:?})",
                        sdk.id,
                        sdk.file,
                        if positive { "positive" } else { "negative" },
                        if positive {
                            "did not detect it"
                        } else {
                            "detected it"
                        }
                    ));
                }
            }
        }
    }
    failures
}

/// What [`Detector::finish_all`] returns.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    /// The detections, sorted by SDK id.
    pub detections: Vec<Detection>,
    /// Every host of a catalog SDK's `domains` seen in string data, sorted
    /// by SDK id then host; an SDK seen only here is not in `detections`.
    pub contacts: Vec<crate::model::Contact>,
}

fn example_loc_key(l: &Location) -> (&str, Option<&str>, Option<u32>) {
    (&l.entry, l.detail.as_deref(), l.line)
}

mod relations;
mod strings;
#[cfg(test)]
mod tests;
