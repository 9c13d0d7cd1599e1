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
use super::permission_words::{PermissionWords, has_cue, opens_entry};
use super::text::{Block, BlockKind};
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
        let mut name = match (c.get(1), c.get(2)) {
            (Some(f), _) => f.as_str().to_string(),
            (None, Some(s)) => format!("android.permission.{}", s.as_str()),
            _ => continue,
        };
        // A misspelled platform name is read as the permission it names:
        // first the draft's own close-match rule, then the rule the policy
        // loader applies (`typos::permission_suggestion`), so a draft never
        // declares a name its own policy file would be refused for.
        if permissions.get(&name).is_none() {
            if let Some(fixed) = corrected(&name, permissions) {
                name = fixed;
            } else if let Some(fixed) =
                super::typos::permission_suggestion(&name, PermissionCatalog::embedded())
            {
                name = fixed;
            }
        }
        full_ranges.push((m.start(), m.end()));
        found_perms.push((name, m.as_str().to_string(), m.end()));
    }
    // A bare constant as a list item ("d) CAMERA", "- `INTERNET`") names
    // the permission without any other context.
    if !perm_ctx && let Some((name, quote, end)) = bare_constant(text, permissions) {
        found_perms.push((name, quote, end));
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

/// `d) CAMERA` / `3. RECORD_AUDIO` / `- INTERNET: …`: an item marker (at
/// most three characters and `)`, `.`, `、` or a bullet) then one constant
/// the catalog knows, then nothing or a colon.
fn bare_constant(text: &str, permissions: &PermissionCatalog) -> Option<FoundPermission> {
    let t = text.trim_start();
    let marker_end = t
        .char_indices()
        .take(5)
        .find(|&(_, c)| matches!(c, ')' | '）' | '.' | '、' | '-' | '*' | '•'))
        .map(|(i, c)| i + c.len_utf8())?;
    let marker = t.get(..marker_end)?;
    if !marker.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, ')' | '）' | '.' | '、' | '-' | '*' | '•' | '(' | '（')
    }) {
        return None;
    }
    let rest = t.get(marker_end..)?.trim_start().trim_start_matches('`');
    let len = rest
        .bytes()
        .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        .count();
    let token = rest.get(..len)?;
    let after = rest.get(len..)?.trim_start_matches('`').trim_start();
    if len < 3 || !(after.is_empty() || after.starts_with([':', '：'])) {
        return None;
    }
    let full = format!("android.permission.{token}");
    permissions.get(&full)?;
    let end = text.len() - after.len();
    Some((full, token.to_string(), end))
}

/// A table row with a cell made only of permission constants the catalog
/// knows ("GET_ACCOUNTS", "CAMERA, RECORD_AUDIO"): the column lists
/// permissions, so the row's constants need no other context.
pub(crate) fn row_lists_constants(block: &Block, permissions: &PermissionCatalog) -> bool {
    let Some(row) = &block.row else {
        return false;
    };
    row.cells.iter().any(|c| {
        let toks: Vec<&str> = c
            .split(|ch: char| ch.is_whitespace() || matches!(ch, ',' | '，' | '、' | '/' | '`'))
            .filter(|t| !t.is_empty())
            .collect();
        !toks.is_empty()
            && toks.iter().all(|t| {
                let full = if t.contains('.') {
                    t.to_string()
                } else {
                    format!("android.permission.{t}")
                };
                permissions.get(&full).is_some()
            })
    })
}

/// The catalog permission a misspelled `android.permission.*` name was
/// meant to be (`READ_EXTERNAL_STORAG` → `READ_EXTERNAL_STORAGE`): one edit
/// away or a missing/extra trailing letter, names of 8 or more characters;
/// `None` when no single catalog name is that close.
fn corrected(name: &str, permissions: &PermissionCatalog) -> Option<String> {
    let short = name.strip_prefix("android.permission.")?;
    if short.len() < 8 {
        return None;
    }
    let mut best: Option<&str> = None;
    for cand in permissions.iter().map(|p| p.name.as_str()) {
        let Some(c) = cand.strip_prefix("android.permission.") else {
            continue;
        };
        if c.len().abs_diff(short.len()) <= 1 && edit_distance_le1(c, short) {
            if best.is_some() {
                return None;
            }
            best = Some(cand);
        }
    }
    best.map(str::to_string)
}

/// Levenshtein distance of `a` and `b` is at most 1 (ASCII).
fn edit_distance_le1(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let p = long.iter().zip(short).take_while(|(x, y)| x == y).count();
    if long.len() == short.len() {
        long.get(p + 1..) == short.get(p + 1..)
    } else {
        long.get(p + 1..) == short.get(p..)
    }
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
    // Only keys Apple defines (rules/ios-usage-keys.toml): a made-up
    // `NSFooUsageDescription` is not an iOS key.
    let apple = &crate::rules::ios::usage_catalog().keys;
    let mut out: Vec<(String, String)> = re_ios_key()
        .find_iter(text)
        .filter(|m| apple.iter().any(|k| k.key == m.as_str()))
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

/// The words stand alone at the head of an entry: what follows them is the
/// end, punctuation, or (in Chinese) a separate description; "Notification
/// of Rights" and "通知和修订" are titles about something else.
fn names_alone(text: &str, h: &super::permission_words::Hit) -> bool {
    let rest = text.get(h.span.1..).unwrap_or("");
    let Some(c) = rest.chars().next() else {
        return true;
    };
    if c.is_ascii_punctuation() || matches!(c, '：' | '（' | '、' | '，' | '。' | '；') {
        return true;
    }
    if c.is_whitespace() {
        let next = rest.trim_start().chars().next();
        return next.is_none_or(|n| !n.is_ascii_alphabetic());
    }
    false
}

/// The platform a run of blocks speaks of (an "iOS" / "Android" section or
/// table label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Platform {
    Android,
    Ios,
}

/// What a plain-word hit is recorded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlainKind {
    /// An Android permission the words declare.
    Android,
    /// An iOS usage key the words declare.
    Ios,
    /// A permission or key the words deny ("不会调用你的通讯录").
    Denial,
}

/// One plain-word declaration or denial: clause node, block index, what,
/// value (permission or key), the words.
pub(crate) struct PlainDecl {
    pub(crate) node: usize,
    pub(crate) block: usize,
    pub(crate) kind: PlainKind,
    pub(crate) value: String,
    pub(crate) quote: String,
    /// Read from a list entry or table cell that names the permission (an
    /// enumeration), not from a prose sentence.
    pub(crate) entry: bool,
}

/// Plain-word permissions over the blocks of one document, in order
/// (`rules/permission-words.toml` via [`PermissionWords`]).
///
/// A hit declares when it is not negated and any of: it is a label; its
/// sentence speaks of permissions; its clause (or an ancestor) is titled so
/// (`clause_ctx`); it is an item of a list introduced by a permission
/// sentence ending in a colon; it opens a list item or heading ("7. 通讯录").
/// Blocks that name permission constants are skipped: their words describe
/// the constants. iOS keys are drafted inside an iOS section, or for entries
/// without Android permissions; Android permissions everywhere else.
pub(crate) struct PlainWordScan {
    words: &'static PermissionWords,
    platform: Option<Platform>,
    list_intro: bool,
    /// Table whose header row names a permissions column.
    perm_table: Option<u32>,
    pub(crate) found: Vec<PlainDecl>,
}

impl PlainWordScan {
    pub(crate) fn new() -> PlainWordScan {
        PlainWordScan {
            words: PermissionWords::embedded(),
            platform: None,
            list_intro: false,
            perm_table: None,
            found: Vec::new(),
        }
    }

    /// A table's header row: its rows list permissions when a header cell
    /// says so ("权限", "Permissions").
    pub(crate) fn header(&mut self, block: &Block) {
        if let Some(r) = &block.row {
            if r.cells.iter().any(|c| has_cue(c)) {
                self.perm_table = Some(r.table);
            } else if self.perm_table == Some(r.table) {
                self.perm_table = None;
            }
        }
    }

    /// Read one block. `clause_ctx`: the owning clause is titled with a
    /// permission word; `heads_clause`: the block is its clause's heading;
    /// `names_constants`: the block names permission constants or iOS keys.
    pub(crate) fn block(
        &mut self,
        index: usize,
        node: usize,
        block: &Block,
        clause_ctx: bool,
        heads_clause: bool,
        names_constants: bool,
    ) {
        if block.row.as_ref().is_some_and(|r| r.header) {
            self.header(block);
            return;
        }
        let text = block.text.as_str();
        let is_item = block.kind == BlockKind::ListItem;
        // Platform sections: a short label block ("iOS", "Android 权限").
        let short = text.chars().count() <= 30;
        let ios = text.contains("iOS") || text.contains("iPhone") || text.contains("iPadOS");
        let android = text.contains("Android") || text.contains("安卓");
        if short && ios != android {
            self.platform = Some(if ios {
                Platform::Ios
            } else {
                Platform::Android
            });
        } else if matches!(block.kind, BlockKind::Heading(_)) {
            self.platform = None;
        }
        let in_list = is_item && self.list_intro;
        if !is_item {
            let t = text.trim_end();
            self.list_intro = t.ends_with([':', '：']) && has_cue(t);
        }
        // Inside an iOS section a short name ("NFC") read as an Android
        // constant does not make the row a description of that constant.
        if names_constants && self.platform != Some(Platform::Ios) {
            return;
        }
        let opens = is_item || heads_clause || matches!(block.kind, BlockKind::Heading(_));
        // Table rows are read cell by cell: a cell that opens with the
        // words names the permission.
        let perm_row = block
            .row
            .as_ref()
            .is_some_and(|r| self.perm_table == Some(r.table));
        let pieces: Vec<&str> = match &block.row {
            Some(r) if perm_row => r.cells.iter().map(String::as_str).collect(),
            _ => vec![text],
        };
        for piece in pieces {
            self.piece(
                index,
                node,
                piece,
                clause_ctx,
                in_list,
                opens && block.row.is_none(),
                perm_row,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn piece(
        &mut self,
        index: usize,
        node: usize,
        text: &str,
        clause_ctx: bool,
        in_list: bool,
        opens: bool,
        perm_row: bool,
    ) {
        for h in self.words.find(text) {
            let kind_of = |ios_key: bool| {
                if h.negated {
                    PlainKind::Denial
                } else if ios_key {
                    PlainKind::Ios
                } else {
                    PlainKind::Android
                }
            };
            // An item of a permission list or a cell of a permission table
            // is part of the enumeration; a heading or list item that opens
            // with the words names the permission (in a document without
            // constants, see `extract`).
            let heads = opens_entry(text, &h) && names_alone(text, &h);
            let entry = !h.negated && (in_list || perm_row) && heads;
            let declares =
                h.declares() || entry || (!h.negated && (clause_ctx || (opens && heads)));
            if !(declares || h.negated) {
                continue;
            }
            let mut push = |kind: PlainKind, value: &str| {
                self.found.push(PlainDecl {
                    node,
                    block: index,
                    kind,
                    value: value.to_string(),
                    quote: h.phrase.clone(),
                    entry,
                });
            };
            let ios_section = self.platform == Some(Platform::Ios);
            if h.negated || !ios_section {
                for p in h.permissions {
                    push(kind_of(false), p);
                }
            }
            // An iOS-only capability outside an iOS section needs words that
            // declare on their own ("Siri权限"), not a bare list item.
            let ios_only = h.permissions.is_empty() && (h.negated || h.declares());
            if h.negated || ios_section || ios_only {
                for k in h.ios_keys {
                    push(kind_of(true), k);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::extract::{ExtractOptions, Lexicon, draft};
    use super::*;

    fn drafted(text: &str) -> super::super::model::Policy {
        let opts = ExtractOptions {
            permissions: PermissionCatalog::embedded(),
            sdk_names: &[],
            lexicon: Lexicon::embedded(),
        };
        draft(text, "p.md", &opts).policy
    }

    fn perms(p: &super::super::model::Policy) -> Vec<(String, String)> {
        p.android_permissions()
            .map(|(n, c)| (n.replace("android.permission.", ""), c.id.clone()))
            .collect()
    }

    #[test]
    fn plain_words_declare_groups_denials_and_senses() {
        let p = drafted(
            "一、权限说明\n（一）定位权限（访问精准/粗略定位）：用于附近功能\n（二）为了定位安全事件，我们会记录日志。\n（三）该功能为你自主选择使用，不会调用你的通讯录。\n",
        );
        assert_eq!(
            perms(&p),
            [
                ("ACCESS_FINE_LOCATION".to_string(), "一.(一)".to_string()),
                ("ACCESS_COARSE_LOCATION".to_string(), "一.(一)".to_string())
            ]
        );
        let denied: Vec<(&str, &str)> = p.denials().map(|(d, c)| (d, c.id.as_str())).collect();
        assert_eq!(
            denied,
            [
                ("android.permission.READ_CONTACTS", "一.(三)"),
                ("NSContactsUsageDescription", "一.(三)")
            ]
        );
    }

    #[test]
    fn prose_words_beside_a_constant_list_stay_prose() {
        // The document lists constants: the prose sentence is a data
        // category only (PS103 material), the list stays the declaration.
        let p = drafted(
            "1. Features\nWe will request your authorization for the camera and microphone.\n2. Permissions\nandroid.permission.CAMERA: scan codes\n",
        );
        assert_eq!(perms(&p), [("CAMERA".to_string(), "2".to_string())]);
        // Without constants the same sentence declares both.
        let p = drafted(
            "1. Features\nWe will request your authorization for the camera and microphone.\n",
        );
        assert_eq!(
            perms(&p),
            [
                ("CAMERA".to_string(), "1".to_string()),
                ("RECORD_AUDIO".to_string(), "1".to_string())
            ]
        );
    }

    #[test]
    fn bare_constants_lists_and_made_up_keys() {
        let cat = PermissionCatalog::embedded();
        assert_eq!(
            android_permissions_in("d) CAMERA", false, cat)
                .into_iter()
                .map(|p| p.0)
                .collect::<Vec<_>>(),
            ["android.permission.CAMERA"]
        );
        assert!(android_permissions_in("d) CAMERA flash mode", false, cat).is_empty());
        assert_eq!(
            android_permissions_in("android.permission.READ_EXTERNAL_STORAG", false, cat)
                .into_iter()
                .map(|p| p.0)
                .collect::<Vec<_>>(),
            ["android.permission.READ_EXTERNAL_STORAGE"]
        );
        // Short misspellings the loader would refuse are read as the
        // loader's suggestion (found by proptest: "android.permission.NC").
        for (typo, meant) in [("NC", "NFC"), ("CAMRA", "CAMERA")] {
            assert_eq!(
                android_permissions_in(&format!("android.permission.{typo}"), false, cat)
                    .into_iter()
                    .map(|p| p.0)
                    .collect::<Vec<_>>(),
                [format!("android.permission.{meant}")]
            );
        }
        assert!(ios_keys_in("NSFooBarUsageDescription").is_empty());
        assert_eq!(ios_keys_in("NSCameraUsageDescription").len(), 1);
        let p = drafted(
            "# Privacy policy\n\nEnhanced Screenshot Notification will use following permissions:\n\n- **Internet:** link previews\n- **Storage:** read the latest screenshot\n",
        );
        assert_eq!(
            perms(&p).into_iter().map(|x| x.0).collect::<Vec<_>>(),
            [
                "INTERNET",
                "READ_EXTERNAL_STORAGE",
                "WRITE_EXTERNAL_STORAGE"
            ]
        );
    }
}
