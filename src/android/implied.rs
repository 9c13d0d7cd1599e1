//! Permissions as the platform grants them: the implied and split
//! permissions Android adds to a parsed manifest's requested set.
//!
//! Mirrors `ParsingPackageUtils` (AOSP `frameworks/base`
//! `core/java/com/android/internal/pm/pkg/parsing/ParsingPackageUtils.java`):
//! `convertCompatPermissions` walks `CompatibilityPermissionInfo.COMPAT_PERMS`
//! (newest first) and stops at the first entry whose `sdkVersion` the
//! `targetSdkVersion` reaches, adding each earlier entry the app does not
//! request; `convertSplitPermissions` then walks the `<split-permission>`
//! list of `data/etc/platform.xml` in order and, for each entry the app's
//! `targetSdkVersion` is below and whose split permission is in the
//! requested set, adds each new permission not yet requested. The requested
//! set grows as entries apply, so chains apply too.
//!
//! The effective `targetSdkVersion` is the manifest's, else `minSdkVersion`,
//! else 0 (`ParsingPackageUtils`: "an SDK version of 0 is common for
//! pre-Doughnut applications"); a codename means `CUR_DEVELOPMENT` (10000).
//! An unresolved `@0x...` reference leaves it unknown: nothing is implied.
//!
//! The platform parses `uses-permission` elements per device: an element
//! whose `maxSdkVersion` is below the device's API level is dropped, and a
//! split's new permission exists only from the API level that added it
//! (`added_in` in `rules/android-permissions.toml`). Each implied
//! permission therefore carries the device range that grants it; a range
//! that is empty (`BLUETOOTH` with `maxSdkVersion="30"` never yields
//! `BLUETOOTH_SCAN`, added in 31) implies nothing.

use crate::model::{
    AndroidManifest, ImpliedPermission, ImpliedRule, Location, SdkLevel, UsesPermissionTag,
};
use crate::rules::implied::ImpliedRules;
use crate::rules::permissions::PermissionCatalog;
use std::collections::HashMap;

/// `Build.VERSION_CODES.CUR_DEVELOPMENT`: the target of a pre-release codename.
const CUR_DEVELOPMENT: u32 = 10_000;

/// Device API range `[lo, hi]` on which a permission is requested; `hi = None` is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    lo: u32,
    hi: Option<u32>,
}

impl Range {
    fn hull(self, o: Range) -> Range {
        Range {
            lo: self.lo.min(o.lo),
            hi: match (self.hi, o.hi) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            },
        }
    }
    fn is_empty(self) -> bool {
        self.hi.is_some_and(|h| h < self.lo)
    }
}

/// The `targetSdkVersion` Android uses for `m`; `None` when unresolved.
pub fn effective_target_sdk(m: &AndroidManifest) -> Option<u32> {
    fn level(l: &SdkLevel) -> Option<u32> {
        match l {
            SdkLevel::Api(n) => Some(*n),
            SdkLevel::Other(s) if s.starts_with('@') => None,
            SdkLevel::Other(_) => Some(CUR_DEVELOPMENT),
        }
    }
    match (&m.target_sdk, &m.min_sdk) {
        (Some(t), _) => level(t),
        (None, Some(min)) => level(min),
        (None, None) => Some(0),
    }
}

/// The implied and split permissions Android adds to `m`, in the order the
/// platform adds them, each with its rule, device range and evidence.
/// `perms` gives the API level that added each permission (the lower bound
/// of its device range; 1 when the catalog does not know it). Empty when
/// the effective `targetSdkVersion` is unresolved.
pub fn implied_permissions(
    m: &AndroidManifest,
    rules: &ImpliedRules,
    perms: &PermissionCatalog,
) -> Vec<ImpliedPermission> {
    let Some(target) = effective_target_sdk(m) else {
        return Vec::new();
    };
    let entry = m
        .uses_permissions
        .first()
        .map(|u| u.location.entry.clone())
        .unwrap_or_else(|| "AndroidManifest.xml".to_owned());
    // name -> (range, evidence, index into `out` when implied)
    let mut requested: HashMap<String, (Range, Location, Option<usize>)> = HashMap::new();
    for up in &m.uses_permissions {
        let name = up.name.trim();
        if name.is_empty() {
            continue;
        }
        let r = Range {
            lo: if up.tag == UsesPermissionTag::UsesPermissionSdk23 {
                23
            } else {
                1
            },
            hi: match &up.max_sdk_version {
                Some(SdkLevel::Api(n)) => Some(*n),
                _ => None,
            },
        };
        requested
            .entry(name.to_owned())
            .and_modify(|(old, _, _)| *old = old.hull(r))
            .or_insert((r, up.location.clone(), None));
    }
    let added_in = |p: &str| perms.get(p).and_then(|i| i.added_in).unwrap_or(1);
    let mut out: Vec<ImpliedPermission> = Vec::new();

    for c in &rules.compat {
        if target >= c.sdk_version {
            break;
        }
        if requested.contains_key(&c.permission) {
            continue;
        }
        let range = Range {
            lo: added_in(&c.permission),
            hi: None,
        };
        let loc = Location::detail(
            &entry,
            format!("manifest/uses-sdk (targetSdkVersion {target})"),
        );
        requested.insert(c.permission.clone(), (range, loc.clone(), Some(out.len())));
        out.push(ImpliedPermission {
            name: c.permission.clone(),
            rule: ImpliedRule::Compat,
            from: None,
            target_sdk_below: Some(c.sdk_version),
            min_api: range.lo,
            max_api: None,
            source: c.source.clone(),
            location: loc,
        });
    }

    for s in &rules.split {
        if s.feature_flag.is_some() || s.target_sdk.is_some_and(|t| target >= t) {
            continue;
        }
        let Some((src, src_loc, _)) = requested.get(&s.from) else {
            continue;
        };
        let range = Range {
            lo: src.lo.max(added_in(&s.permission)),
            hi: src.hi,
        };
        if range.is_empty() {
            continue;
        }
        let loc = src_loc.clone();
        match requested.get_mut(&s.permission) {
            // Requested by the manifest itself: reported as a uses-permission.
            Some((_, _, None)) => {}
            // Implied twice (FINE and COARSE both split to BACKGROUND):
            // the first rule names it, the device range is the union.
            Some((r, _, Some(i))) => {
                *r = r.hull(range);
                if let Some(p) = out.get_mut(*i) {
                    p.min_api = r.lo;
                    p.max_api = r.hi;
                }
            }
            None => {
                requested.insert(s.permission.clone(), (range, loc.clone(), Some(out.len())));
                out.push(ImpliedPermission {
                    name: s.permission.clone(),
                    rule: ImpliedRule::Split,
                    from: Some(s.from.clone()),
                    target_sdk_below: s.target_sdk,
                    min_api: range.lo,
                    max_api: range.hi,
                    source: s.source.clone(),
                    location: loc,
                });
            }
        }
    }
    out
}

/// One line naming why `p` is granted, for reports:
/// `ACCESS_BACKGROUND_LOCATION (split from ACCESS_FINE_LOCATION, targetSdkVersion < 29, API 29+)`.
pub fn describe(p: &ImpliedPermission) -> String {
    let why = match (&p.rule, &p.from) {
        (ImpliedRule::Split, Some(from)) => format!("split from {from}"),
        _ => "implied by targetSdkVersion".to_owned(),
    };
    let target = p
        .target_sdk_below
        .map(|t| format!(", targetSdkVersion < {t}"))
        .unwrap_or_default();
    let api = match p.max_api {
        Some(hi) if hi == p.min_api => format!("API {hi}"),
        Some(hi) => format!("API {}-{hi}", p.min_api),
        None if p.min_api <= 1 => "every API level".to_owned(),
        None => format!("API {}+", p.min_api),
    };
    format!("{} ({why}{target}, granted on {api})", p.name)
}

#[cfg(test)]
#[path = "implied_tests.rs"]
mod tests;
