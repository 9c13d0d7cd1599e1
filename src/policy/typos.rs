//! Misspelled names in a policy file: an Android permission or iOS usage
//! key that is not a known name but is one or two edits from one
//! (`CAMRA`, `ACESS_FINE_LOCATION`, `NSCamraUsageDescription`). Such a name
//! would silently declare nothing and surface only as a stale-policy note,
//! so loading reports it with the name it was probably meant to be.
//!
//! Known names: Android permissions from the permission catalog
//! (`rules/android-permissions.toml`, from `android.Manifest.permission`);
//! iOS keys from `rules/ios-usage-labels.toml` (Apple's Information
//! Property List reference). A name far from every known one (a vendor or
//! newer permission) is accepted as written.

use super::lexicon::ios_usage_labels;
use crate::rules::permissions::PermissionCatalog;

/// Levenshtein distance of two ASCII-ish strings, capped: `None` when it
/// exceeds `max` (bounded work: rows of `b.len() + 1`).
fn distance_at_most(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max || a.len() > 128 || b.len() > 128 {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        let mut row_min = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(usize::MAX) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX) + 1;
            let v = sub.min(del).min(ins);
            if let Some(c) = cur.get_mut(j + 1) {
                *c = v;
            }
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().filter(|&d| d <= max)
}

/// Allowed edits for a name of `len` characters: 1 up to 8, else 2.
fn budget(len: usize) -> usize {
    if len <= 8 { 1 } else { 2 }
}

/// The closest known name to `candidate` among `known`, when `candidate`
/// is not itself known and is within the edit budget of one.
fn nearest<'a>(candidate: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let max = budget(candidate.chars().count());
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        if k == candidate {
            return None;
        }
        if let Some(d) = distance_at_most(candidate, k, max)
            && best.is_none_or(|(bd, _)| d < bd)
        {
            best = Some((d, k));
        }
    }
    best.map(|b| b.1)
}

/// For a full `android.permission.X` name the catalog does not know: the
/// catalog name it is probably a misspelling of.
pub fn permission_suggestion(name: &str, catalog: &PermissionCatalog) -> Option<String> {
    const NS: &str = "android.permission.";
    let constant = name.strip_prefix(NS)?;
    if catalog.get(name).is_some() {
        return None;
    }
    let known: Vec<&str> = catalog
        .iter()
        .filter_map(|p| p.name.strip_prefix(NS))
        .collect();
    nearest(constant, known.into_iter()).map(|k| format!("{NS}{k}"))
}

/// For an iOS key Apple does not define: the usage key it is probably a
/// misspelling of.
pub fn ios_key_suggestion(key: &str) -> Option<String> {
    let labels = ios_usage_labels();
    if labels.iter().any(|l| l.key == key) {
        return None;
    }
    nearest(key, labels.iter().map(|l| l.key.as_str())).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_suggestions_and_real_names_do_not() {
        let cat = PermissionCatalog::embedded();
        assert_eq!(
            permission_suggestion("android.permission.CAMRA", cat).as_deref(),
            Some("android.permission.CAMERA")
        );
        assert_eq!(
            permission_suggestion("android.permission.ACESS_FINE_LOCATION", cat).as_deref(),
            Some("android.permission.ACCESS_FINE_LOCATION")
        );
        assert_eq!(
            permission_suggestion("android.permission.CAMERA", cat),
            None
        );
        assert_eq!(
            permission_suggestion("android.permission.SOMETHING_ENTIRELY_NEW", cat),
            None
        );
        assert_eq!(
            permission_suggestion("com.vendor.permission.CAMRA", cat),
            None
        );
        assert_eq!(
            ios_key_suggestion("NSCamraUsageDescription").as_deref(),
            Some("NSCameraUsageDescription")
        );
        assert_eq!(ios_key_suggestion("NSCameraUsageDescription"), None);
    }

    /// The drafter declares any key of `rules/ios-usage-keys.toml`; the
    /// loader must accept every one of them, or a draft would not load.
    #[test]
    fn every_catalog_key_loads_without_a_suggestion() {
        let keys = &crate::rules::ios::usage_catalog().keys;
        assert!(keys.len() > 20, "{} keys", keys.len());
        for k in keys {
            assert_eq!(ios_key_suggestion(&k.key), None, "{}", k.key);
        }
    }
}
