//! Code evidence: which data each SDK's code — or the app's own — reads,
//! from DEX call sites (`android::dex_collects::scan_dex`) and Mach-O
//! references (`native::macho_collects::scan_macho`), matched against the data-API catalog
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

use crate::rules::data_apis::DataApiCatalog;
use crate::rules::sdk::Catalog;
use aho_corasick::{Anchored, Input};
use std::collections::BTreeMap;

/// Call sites kept per owner × API reference (the rest are counted).
pub const MAX_SITES: usize = 3;

pub use crate::model::{CallSite, Collect};

/// Call sites of one (owner, API, reference): how many, and the first
/// [`MAX_SITES`] in (entry, class, method, pc) order.
#[derive(Debug, Clone, Default)]
pub struct Sites {
    count: u64,
    sites: Vec<CallSite>,
}

impl Sites {
    /// Count one call site; keep it when it is among the first
    /// [`MAX_SITES`] by `key` (= entry, class, method, pc of `site()`,
    /// so `site` is built only when kept).
    pub fn add(&mut self, site: impl FnOnce() -> CallSite, key: (&str, &[u8], &[u8], u32)) {
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

    /// Add the call sites counted in `other`.
    pub fn merge(&mut self, other: Sites) {
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

impl CollectAcc {
    /// Add `sites` of the API at index `api` of the data-API catalog,
    /// matched as `reference` (`Class->member`, `const-string "…"`, a
    /// symbol), in code owned by `owner` (index into `Catalog::sdks`;
    /// `None` for the app).
    pub fn add(&mut self, owner: Option<usize>, api: usize, reference: String, sites: Sites) {
        self.map
            .entry((owner, api, reference))
            .or_default()
            .merge(sites);
    }
}

/// Accumulated code evidence of one artifact (merge per-entry ones).
#[derive(Debug, Clone, Default)]
pub struct CollectAcc {
    map: BTreeMap<Key, Sites>,
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
