//! Permissions and iOS usage keys named in a block's text: Android
//! permission constants (full, `Manifest.permission.X`, short forms in a
//! permission context, `A_B` / `C` slash continuations, title-case headings
//! under a permissions section) and iOS keys (by key or Xcode label).
//!
//! Sources: permission names are checked against the permission catalog
//! (`rules/android-permissions.toml`, from `android.Manifest.permission`);
//! iOS labels from `rules/ios-usage-labels.toml` (Apple's Information
//! Property List reference).

use super::lexicon::ios_usage_labels;
use super::norm::normalize_phrase;
use super::patterns::{
    re_full_permission, re_ios_key, re_ios_label, re_short_permission, re_slash_continuation,
};
use crate::rules::permissions::PermissionCatalog;

pub(crate) const PERMISSION_WORDS: &[&str] = &[
    "permission",
    "authoriz",
    "authoris",
    "access to your",
    "allow access",
    "grant access",
    "权限",
    "授权",
];

pub(crate) fn has_permission_word(s: &str) -> bool {
    let l = s.to_lowercase();
    PERMISSION_WORDS.iter().any(|w| l.contains(w))
}

/// The sentence of `text` containing byte `at`.
pub(crate) fn sentence_at(text: &str, at: usize) -> &str {
    let is_end = |i: usize| {
        let rest = text.get(i..).unwrap_or("");
        rest.starts_with(". ")
            || rest.starts_with("; ")
            || rest.starts_with('。')
            || rest.starts_with('；')
            || rest.starts_with("! ")
            || rest.starts_with("? ")
    };
    let mut start = 0;
    let mut end = text.len();
    for (i, _) in text.char_indices() {
        if is_end(i) {
            if i < at {
                start = i + 1;
            } else {
                end = i;
                break;
            }
        }
    }
    text.get(start.min(end)..end).unwrap_or(text)
}

/// A permission found in text: full manifest name, the words it was found
/// in, and the byte offset in the text where those words end.
pub(crate) type FoundPermission = (String, String, usize);

/// Android permission constants named in `text`: full names always; short
/// forms (`CAMERA`, `READ_MEDIA_IMAGES / VIDEO`) only when `perm_ctx` (the
/// text or its clause speaks of permissions) and only when the catalog
/// knows the name. In order of discovery (full names first).
pub(crate) fn android_permissions_in(
    text: &str,
    perm_ctx: bool,
    permissions: &PermissionCatalog,
) -> Vec<FoundPermission> {
    let mut full_ranges: Vec<(usize, usize)> = Vec::new();
    let mut found_perms: Vec<FoundPermission> = Vec::new();
    let may_name_full = text.contains("permission.");
    let full_matches = may_name_full.then(|| re_full_permission().captures_iter(text));
    for c in full_matches.into_iter().flatten() {
        let Some(m) = c.get(0) else { continue };
        let name = match (c.get(1), c.get(2)) {
            (Some(f), _) => f.as_str().to_string(),
            (None, Some(s)) => format!("android.permission.{}", s.as_str()),
            _ => continue,
        };
        full_ranges.push((m.start(), m.end()));
        found_perms.push((name, m.as_str().to_string(), m.end()));
    }
    // Short forms: only real permissions, only in permission context.
    if perm_ctx {
        for m in re_short_permission().find_iter(text) {
            if full_ranges
                .iter()
                .any(|&(s, e)| m.start() >= s && m.end() <= e)
            {
                continue;
            }
            let full = format!("android.permission.{}", m.as_str());
            if permissions.get(&full).is_none() {
                continue;
            }
            found_perms.push((full, m.as_str().to_string(), m.end()));
            // "`READ_MEDIA_IMAGES` / `VIDEO` / `AUDIO`"
            let prefix = m
                .as_str()
                .rsplit_once('_')
                .map(|(p, _)| format!("{p}_"))
                .unwrap_or_default();
            let mut at = m.end();
            while !prefix.is_empty() {
                let Some(c) = text
                    .get(at..)
                    .and_then(|r| re_slash_continuation().captures(r))
                else {
                    break;
                };
                let (Some(all), Some(tok)) = (c.get(0), c.get(1)) else {
                    break;
                };
                let cand = format!("android.permission.{prefix}{}", tok.as_str());
                at += all.end();
                if permissions.get(&cand).is_some() {
                    found_perms.push((cand, tok.as_str().to_string(), at));
                }
            }
        }
    }
    found_perms
}

/// A title-case heading naming one permission ("Internet Access",
/// "Camera permission", "Record Audio" → `INTERNET`, `CAMERA`,
/// `RECORD_AUDIO`), when the catalog knows the name.
pub(crate) fn permission_from_heading(
    text: &str,
    permissions: &PermissionCatalog,
) -> Option<String> {
    let words = normalize_phrase(text).to_ascii_uppercase();
    let mut words: Vec<&str> = words.split(' ').collect();
    loop {
        let cand = format!("android.permission.{}", words.join("_"));
        if permissions.get(&cand).is_some() {
            return Some(cand);
        }
        match words.last() {
            Some(&("ACCESS" | "PERMISSION" | "PERMISSIONS")) if words.len() > 1 => {
                words.pop();
            }
            _ => return None,
        }
    }
}

/// iOS usage keys named in `text`: `(key, quote)`, keys first, then Xcode
/// labels ("Privacy - Camera Usage Description" → `NSCameraUsageDescription`).
pub(crate) fn ios_keys_in(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = re_ios_key()
        .find_iter(text)
        .map(|m| (m.as_str().to_string(), m.as_str().to_string()))
        .collect();
    let may_label = text.contains("sage") || text.contains("SAGE");
    let label_matches = may_label.then(|| re_ios_label().captures_iter(text));
    for c in label_matches.into_iter().flatten() {
        let (Some(all), Some(label)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let want = normalize_phrase(label.as_str());
        if let Some(l) = ios_usage_labels()
            .iter()
            .find(|l| normalize_phrase(&l.label) == want)
        {
            out.push((l.key.clone(), all.as_str().to_string()));
        }
    }
    out
}
