//! Code evidence: which data each SDK's code — or the app's own — reads,
//! from DEX call sites ([`scan_dex`]) and Mach-O references
//! ([`scan_macho`]), matched against the data-API catalog
//! (`rules/data-apis.toml`).
//!
//! A DEX call site is attributed to the class that holds it, and the class
//! to the SDK whose `dex_class` prefix owns its package (the SDK catalog's
//! most specific prefix), or to the app. A Mach-O is attributed as a whole:
//! a framework binary to the SDK whose `framework` matcher names it,
//! anything else to the app.
//!
//! Bounded: per DEX, one `u32` per `method_ids`/`field_ids` entry and one
//! memo entry per distinct `const-string` index; per SDK × API the first
//! [`MAX_SITES`] call sites (smallest by entry, class, method, pc) are
//! kept and the rest counted, so the result does not depend on the order
//! in which DEX files are scanned or merged. Sources: `DESIGN.md`
//! "Evidence from code"; DEX facts in `crate::android::dex_code`.

use crate::android::dex::{DexFile, descriptor_to_dotted, mutf8_to_string};
use crate::android::dex_code::{self, RefKind, WalkStats};
use crate::rules::data_apis::DataApiCatalog;
use crate::rules::sdk::Catalog;
use aho_corasick::{Anchored, Input};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Call sites kept per owner × API reference (the rest are counted).
pub const MAX_SITES: usize = 3;

pub use crate::model::{CallSite, Collect};

#[derive(Debug, Clone, Default)]
struct Acc {
    count: u64,
    sites: Vec<CallSite>,
}

impl Acc {
    fn add(&mut self, site: impl FnOnce() -> CallSite, key: (&str, &[u8], &[u8], u32)) {
        self.count += 1;
        if self.sites.len() >= MAX_SITES
            && self.sites.last().is_some_and(|l| {
                (
                    l.entry.as_str(),
                    l.class.as_bytes(),
                    l.method.as_bytes(),
                    l.pc,
                ) <= key
            })
        {
            return;
        }
        let s = site();
        if self.sites.contains(&s) {
            return;
        }
        let pos = self.sites.partition_point(|e| e < &s);
        self.sites.insert(pos, s);
        self.sites.truncate(MAX_SITES);
    }

    fn merge(&mut self, other: Acc) {
        self.count += other.count;
        for s in other.sites {
            if !self.sites.contains(&s) {
                let pos = self.sites.partition_point(|e| e < &s);
                self.sites.insert(pos, s);
            }
        }
        self.sites.truncate(MAX_SITES);
    }
}

/// Key: (owner SDK index into `Catalog::sdks`, API index, matched reference).
type Key = (Option<usize>, usize, String);

/// Accumulated code evidence of one artifact (merge per-entry ones).
#[derive(Debug, Clone, Default)]
pub struct CollectAcc {
    map: BTreeMap<Key, Acc>,
}

impl CollectAcc {
    /// Add what another entry found.
    pub fn merge(&mut self, other: CollectAcc) {
        for (k, v) in other.map {
            self.map.entry(k).or_default().merge(v);
        }
    }

    /// `true` when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The rows, sorted by SDK id (app last), data category, API.
    pub fn finish(self, catalog: &Catalog, apis: &DataApiCatalog) -> Vec<Collect> {
        let mut out: Vec<Collect> = self
            .map
            .into_iter()
            .filter_map(|((owner, api, reference), acc)| {
                let a = apis.apis().get(api)?;
                Some(Collect {
                    sdk: owner
                        .and_then(|o| catalog.sdks().get(o))
                        .map(|s| s.id.clone()),
                    data: a.data.clone(),
                    api_id: a.id.clone(),
                    api: reference,
                    count: acc.count,
                    call_sites: acc.sites,
                    play: a.play.clone(),
                    apple: a.apple.clone(),
                    permission: a.permission.clone(),
                    permission_requested: None,
                    declared: None,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (a.sdk.is_none(), &a.sdk, &a.data, &a.api).cmp(&(
                b.sdk.is_none(),
                &b.sdk,
                &b.data,
                &b.api,
            ))
        });
        out
    }
}

/// The SDK (index into `Catalog::sdks`) whose `dex_class` prefix owns the
/// class `descriptor` (`Lcom/foo/Bar;`), most specific prefix first.
pub fn dex_class_owner(catalog: &Catalog, descriptor: &[u8]) -> Option<usize> {
    let idx = catalog.android();
    let ac = idx.dex_ac.as_ref()?;
    let m = ac
        .try_find(Input::new(descriptor).anchored(Anchored::Yes))
        .ok()
        .flatten()?;
    idx.dex_owners
        .get(m.pattern().as_usize() / 3)?
        .first()
        .map(|(sdk, _)| *sdk)
}

const NONE: u32 = u32::MAX;

/// Walk the code of `dex` (entry name `entry`) and collect every call site
/// of a catalogued data API. Returns the evidence and the walk's stats
/// (check [`WalkStats::complete`]: an incomplete walk must be reported).
///
/// Errors: `method_ids` or `field_ids` past the end of the file.
pub fn scan_dex(
    dex: &DexFile<'_>,
    entry: &str,
    catalog: &Catalog,
    apis: &DataApiCatalog,
) -> Result<(CollectAcc, WalkStats), crate::android::dex::DexError> {
    let idx = dex_code::index(dex)?;
    // Matched references: (api, text); per-member slots index into it.
    let mut hits: Vec<(usize, String)> = Vec::new();
    let mut type_memo: HashMap<u32, (bool, bool)> = HashMap::new();
    let mut class_flags = |class_idx: u32| -> (bool, bool) {
        *type_memo.entry(class_idx).or_insert_with(|| {
            dex.type_descriptor(class_idx)
                .map(|d| (apis.has_method_class(d), apis.has_field_class(d)))
                .unwrap_or((false, false))
        })
    };
    let mut method_hit = vec![NONE; idx.method_count() as usize];
    for (m, slot) in method_hit.iter_mut().enumerate() {
        let Some(c) = idx.method_class_idx(m as u32) else {
            break;
        };
        if !class_flags(c).0 {
            continue;
        }
        if let Ok((class, name)) = idx.method_ref(m as u32)
            && let Some(api) = apis.match_method(class, name)
        {
            *slot = hits.len() as u32;
            hits.push((
                api,
                format!("{}->{}", mutf8_to_string(class), mutf8_to_string(name)),
            ));
        }
    }
    let mut field_hit = vec![NONE; idx.field_count() as usize];
    for (f, slot) in field_hit.iter_mut().enumerate() {
        let Some(c) = idx.field_class_idx(f as u32) else {
            break;
        };
        if !class_flags(c).1 {
            continue;
        }
        if let Ok((class, name)) = idx.field_ref(f as u32)
            && let Some(api) = apis.match_field(class, name)
        {
            *slot = hits.len() as u32;
            hits.push((
                api,
                format!("{}->{}", mutf8_to_string(class), mutf8_to_string(name)),
            ));
        }
    }
    let mut string_memo: HashMap<u32, u32> = HashMap::new();
    // Per class with a hit: owner and dotted name (computed once per class).
    let mut owners: HashMap<u32, (Option<usize>, String)> = HashMap::new();
    // Per (owner, hit): no allocation per call site.
    let mut per: HashMap<(Option<usize>, u32), Acc> = HashMap::new();
    let stats = idx.walk(&mut |caller, r| {
        let hit = match r.kind {
            RefKind::ConstString => *string_memo.entry(r.index).or_insert_with(|| {
                match dex.string(r.index).ok().and_then(|s| apis.match_string(s)) {
                    Some(api) => {
                        let s = dex.string(r.index).map(mutf8_to_string).unwrap_or_default();
                        hits.push((api, format!("const-string \"{s}\"")));
                        (hits.len() - 1) as u32
                    }
                    None => NONE,
                }
            }),
            k if k.is_method() => method_hit.get(r.index as usize).copied().unwrap_or(NONE),
            k if k.is_field() => field_hit.get(r.index as usize).copied().unwrap_or(NONE),
            _ => NONE,
        };
        if hit == NONE {
            return;
        }
        let (owner, class) = owners.entry(caller.class_def).or_insert_with(|| {
            let d = dex.type_descriptor(caller.class_idx).unwrap_or_default();
            (dex_class_owner(catalog, d), descriptor_to_dotted(d))
        });
        let method = idx
            .method_ref(caller.method_idx)
            .map(|m| m.1)
            .unwrap_or_default();
        per.entry((*owner, hit)).or_default().add(
            || CallSite {
                entry: entry.to_string(),
                class: class.clone(),
                method: mutf8_to_string(method),
                pc: r.pc,
            },
            (entry, class.as_bytes(), method, r.pc),
        );
    });
    let mut acc = CollectAcc::default();
    for ((owner, hit), a) in per {
        if let Some((api, reference)) = hits.get(hit as usize) {
            acc.map
                .entry((owner, *api, reference.clone()))
                .or_default()
                .merge(a);
        }
    }
    Ok((acc, stats))
}

/// The data APIs one Mach-O references: ObjC classes it defines or
/// imports (`_OBJC_CLASS_$_X` symbols), selectors it names
/// (`__objc_methname`) and C symbols it imports. `owner` is the SDK the
/// binary belongs to (index into `Catalog::sdks`), `None` for the app.
pub fn scan_macho(
    entry: &str,
    slices: &[crate::native::macho::MachOSlice],
    owner: Option<usize>,
    apis: &DataApiCatalog,
) -> CollectAcc {
    let mut classes: HashSet<&str> = HashSet::new();
    let mut selectors: HashSet<&str> = HashSet::new();
    let mut symbols: HashSet<&str> = HashSet::new();
    for s in slices {
        classes.extend(s.facts.objc_classes.iter().map(String::as_str));
        selectors.extend(s.objc_selectors.iter().map(String::as_str));
        for sym in &s.facts.imported_symbols {
            symbols.insert(sym);
            if let Some(c) = sym.strip_prefix("_OBJC_CLASS_$_") {
                classes.insert(c);
            }
        }
    }
    let mut acc = CollectAcc::default();
    for (api, evidence) in apis.match_ios(&classes, &selectors, &symbols) {
        let site = CallSite {
            entry: entry.to_string(),
            class: String::new(),
            method: String::new(),
            pc: 0,
        };
        acc.map
            .entry((owner, api, evidence))
            .or_default()
            .add(|| site, (entry, b"", b"", 0));
    }
    acc
}

impl Collect {
    /// The cells of the report's collects table: SDK (`app` for the app's
    /// code), data, API, call sites (`N: class.method (entry)`, the kept
    /// sites then `+K more`), declared (`yes`/`no`/`-` without a policy).
    pub fn cells(&self) -> [String; 5] {
        let mut sites: Vec<String> = self
            .call_sites
            .iter()
            .map(|s| {
                if s.class.is_empty() {
                    s.entry.clone()
                } else {
                    format!("{}.{} ({})", s.class, s.method, s.entry)
                }
            })
            .collect();
        let more = self.count.saturating_sub(self.call_sites.len() as u64);
        if more > 0 {
            sites.push(format!("+{more} more"));
        }
        let mut api = self.api.clone();
        if self.permission_requested == Some(false) {
            api.push_str(" [permission not requested]");
        }
        [
            self.sdk.clone().unwrap_or_else(|| "app".into()),
            self.data.clone(),
            api,
            format!("{}: {}", self.count, sites.join(", ")),
            match self.declared {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => "-".into(),
            },
        ]
    }
}

/// Header of the collects table.
pub const TABLE_HEADER: [&str; 5] = ["SDK", "DATA", "API", "CALL SITES", "DECLARED"];

#[cfg(test)]
#[path = "collects_tests.rs"]
mod tests;
