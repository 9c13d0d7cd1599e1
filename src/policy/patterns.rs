//! Regular expressions the drafter matches prose with, compiled once:
//! Android permission constants (full `android.permission.X`,
//! `Manifest.permission.X`, bare `X`), iOS `NS*UsageDescription` keys and
//! Xcode's "Privacy - … Usage Description" labels, template placeholders.
//!
//! Sources: permission names from `android.Manifest.permission`; iOS keys
//! and labels from Apple's Information Property List reference
//! (`rules/ios-usage-labels.toml`).

use super::lexicon::ios_usage_labels;
use regex::Regex;
use std::sync::OnceLock;

pub(crate) fn re_full_permission() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"\b(?:((?:[a-z][a-z0-9_]*\.)+permission\.[A-Z][A-Z0-9_]*)|Manifest\.permission\.([A-Z][A-Z0-9_]*))\b").unwrap_or_else(|_| never())
    })
}

pub(crate) fn re_short_permission() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b").unwrap_or_else(|_| never()))
}

pub(crate) fn re_slash_continuation() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"^[`'\x22 ]*/[`'\x22 ]*([A-Z][A-Z0-9_]*)").unwrap_or_else(|_| never())
    })
}

pub(crate) fn re_ios_key() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"\b(?:NS|NFC)[A-Za-z]*UsageDescription\b").unwrap_or_else(|_| never())
    })
}

/// `(?i)(Privacy - )?<label> Usage Description`, labels longest first.
pub(crate) fn re_ios_label() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        let mut labels: Vec<&str> = ios_usage_labels()
            .iter()
            .map(|l| l.label.as_str())
            .collect();
        labels.sort_by_key(|l| std::cmp::Reverse(l.len()));
        let alts: Vec<String> = labels
            .iter()
            .map(|l| regex::escape(l).replace(' ', r"\s+"))
            .collect();
        let pat = format!(
            r"(?i)(?:\bprivacy\s*[-–—:]\s*)?\b({})\s+usage\s+description\b",
            alts.join("|")
        );
        Regex::new(&pat).unwrap_or_else(|_| never())
    })
}

/// Placeholders of unfilled templates: `[SDK Name 1]`, `[Company Name]`,
/// `XXX`, `<Company Name>`, `{{app_name}}`.
pub(crate) fn re_placeholder() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?x)
            \[\s*(?:[A-Za-z][A-Za-z/&\x20-]{0,40}?\s*(?:name|company|data|types?|purpose|insert|date|e-?mail|address|url|website|app|country|phone|contact|sdk|placeholder|here)[A-Za-z\x20]{0,20}?\s*\d{0,3}|[A-Za-z][A-Za-z\x20]{0,30}\x20\d{1,3})\s*\]
            | \bX{3,}\b
            | <\s*(?:Company|App|Developer|Your|Insert|Date|Email|Address|Name|SDK)(?:\x20[A-Za-z]+){0,3}\s*>
            | \{\{\s*[A-Za-z_][A-Za-z0-9_\x20]{0,30}\}\}",
        )
        .unwrap_or_else(|_| never())
    })
}

/// Template text of Chinese-style policies and editor notes left in:
/// full-width bracket placeholders (`【9】`, `【SDK名称】`, `【公司名称】`),
/// fill-in notes (`（请根据具体使用目的填写）`, `(宿主…自行填写…)`), empty links
/// (`[here]()`), `TODO` / `TBD` / `待补充` / `待填写`.
pub(crate) fn re_editor_note() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?x)
            【\s*(?:\d{1,4}|[^】\n]{0,20}?(?:名称|公司|名字|日期|时间|链接|地址|邮箱|电话|填写|用途|目的|XX|xx|\*{2,}|＊)[^】\n]{0,10}?)\s*】
            | [（(][^（()）\n]{0,30}?(?:请|自行|根据)[^（()）\n]{0,30}?(?:填写|补充|替换|修改)[^（()）\n]{0,20}?[)）]
            | \[[^\]\n]{1,20}\]\(\s*\)
            | \bTODO\b | \bTBD\b | 待补充 | 待填写 | 此处填写",
        )
        .unwrap_or_else(|_| never())
    })
}

/// A regex that never matches, the fallback for a pattern that failed to
/// compile (a build defect caught by the unit tests, never input-driven).
pub(crate) fn never() -> Regex {
    #[allow(clippy::unwrap_used)]
    Regex::new(r"[^\s\S]").unwrap()
}

/// `true` when `s` contains an unfilled-template placeholder.
pub fn is_placeholder(s: &str) -> bool {
    re_placeholder().is_match(s) || re_editor_note().is_match(s)
}

// ---------------------------------------------------------------------------
// Public types
