//! One SDK inside another: `[[sdk.bundles]]` (an SDK package that ships
//! another vendor's code) and `parts` (transitive parts of an SDK family),
//! resolved when a [`Detector`] finishes.
//!
//! Every observation of an inner SDK is counted under the mask of the rules
//! covering it (bit i = rule i of that inner SDK; mask 0 = evidence of its
//! own). At the end the inner SDK is "bundled by" / "part of" the outer SDKs
//! when every observation is covered by a rule whose outer SDK is present
//! by its own code: one observation outside (its own native library, its
//! own classes outside the bundled packages, a dependency of its own) and it
//! is reported as an SDK the app embeds. Counts are sums, so the result does
//! not depend on feeding or merging order.

use super::{Detector, tier};
use crate::model::Confidence;
use std::collections::{BTreeSet, HashMap};

/// The relations of one detected SDK, as catalog ids.
#[derive(Debug, Clone, Default)]
pub(super) struct Rel {
    pub(super) bundled_by: Vec<String>,
    pub(super) part_of: Vec<String>,
    pub(super) contains: Vec<String>,
}

impl Detector<'_> {
    /// The mask of the rules putting this observation of `sdk` inside
    /// another SDK (0 for an SDK no rule names as inner).
    pub(super) fn cover_mask(&self, sdk: usize, kind: &str, matched: &str, entry: &str) -> u64 {
        let Some(rules) = self.catalog.relations.by_inner.get(&sdk) else {
            return 0;
        };
        let mut mask = 0u64;
        for (bit, rule) in rules.iter().enumerate().take(64) {
            if rule.covers(kind, matched, entry) {
                mask |= 1 << bit;
            }
        }
        mask
    }

    /// SDK index → its relations, for every detected SDK that has one.
    pub(super) fn resolve_relations(&self) -> HashMap<usize, Rel> {
        let present: BTreeSet<usize> = self
            .acc
            .iter()
            .filter(|(_, a)| a.kinds.keys().any(|k| tier(k) == Confidence::Present))
            .map(|(&i, _)| i)
            .collect();
        let id = |i: usize| {
            self.catalog
                .sdks()
                .get(i)
                .map(|s| s.id.clone())
                .unwrap_or_default()
        };
        let mut out: HashMap<usize, Rel> = HashMap::new();
        for (&inner, acc) in &self.acc {
            let Some(rules) = self.catalog.relations.by_inner.get(&inner) else {
                continue;
            };
            if acc.cover.is_empty() {
                continue;
            }
            let live = |mask: u64| -> Vec<usize> {
                (0..rules.len().min(64))
                    .filter(|b| mask & (1 << b) != 0)
                    .filter(|&b| present.contains(&rules[b].outer) && rules[b].outer != inner)
                    .collect()
            };
            // Every observation inside some present outer SDK.
            if !acc.cover.keys().all(|&m| !live(m).is_empty()) {
                continue;
            }
            let mut bundled: BTreeSet<usize> = BTreeSet::new();
            let mut part: BTreeSet<usize> = BTreeSet::new();
            for &m in acc.cover.keys() {
                for b in live(m) {
                    if rules[b].part {
                        part.insert(rules[b].outer);
                    } else {
                        bundled.insert(rules[b].outer);
                    }
                }
            }
            for &o in bundled.iter().chain(&part) {
                out.entry(o).or_default().contains.push(id(inner));
            }
            let r = out.entry(inner).or_default();
            r.bundled_by = bundled.into_iter().map(id).collect();
            r.part_of = part.into_iter().map(id).collect();
        }
        for r in out.values_mut() {
            r.contains.sort();
            r.contains.dedup();
            r.bundled_by.sort();
            r.part_of.sort();
        }
        out
    }
}
