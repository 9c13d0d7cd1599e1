//! SDK names: what the catalog calls each SDK, and resolving the names a
//! policy writes (SDK or company) to catalog ids.

use super::norm::{Norm, find_words_in, name_key, normalize, normalize_phrase};
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;

/// A name the catalog knows an SDK by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkName {
    /// Catalog SDK id (`zego-express`).
    pub id: String,
    /// SDK name, aliases, vendor name, vendor aliases.
    pub names: Vec<String>,
}

impl From<(String, Vec<String>)> for SdkName {
    /// From the SDK catalog's `sdk_names()` pairs `(id, names)`.
    fn from((id, names): (String, Vec<String>)) -> Self {
        SdkName { id, names }
    }
}

/// At most this many catalog SDKs may share a name for an SDK-list entry
/// naming it to resolve (to the first); see [`SdkResolver::resolve`].
const MAX_VENDOR_TIE: usize = 3;

/// Resolves SDK names against the catalog's names.
pub(crate) struct SdkResolver {
    by_key: HashMap<String, Vec<String>>,
    matcher: Option<AhoCorasick>,
    pattern_id: Vec<String>,
}

impl SdkResolver {
    pub(crate) fn new(names: &[SdkName]) -> SdkResolver {
        let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
        let mut by_phrase: HashMap<String, Vec<String>> = HashMap::new();
        for s in names {
            for n in &s.names {
                let k = name_key(n);
                if k.len() >= 2 {
                    let v = by_key.entry(k).or_default();
                    if !v.contains(&s.id) {
                        v.push(s.id.clone());
                    }
                }
                let p = normalize_phrase(n);
                if p.chars().count() >= 3 {
                    let v = by_phrase.entry(p).or_default();
                    if !v.contains(&s.id) {
                        v.push(s.id.clone());
                    }
                }
            }
        }
        let mut patterns = Vec::new();
        let mut pattern_id = Vec::new();
        let mut sorted: Vec<_> = by_phrase
            .into_iter()
            .filter(|(_, ids)| ids.len() == 1)
            .collect();
        sorted.sort();
        for (p, ids) in sorted {
            if let Some(id) = ids.into_iter().next() {
                patterns.push(p);
                pattern_id.push(id);
            }
        }
        let matcher = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .ok()
        };
        SdkResolver {
            by_key,
            matcher,
            pattern_id,
        }
    }

    /// The catalog id for a name (SDK or company) of an SDK-list entry.
    /// A company name shared by a few SDKs of one vendor ("Shenzhen Jigou
    /// Technology Co., Ltd." → ZEGO Express, ZIM, ...) resolves to the first
    /// of them in catalog order — the vendor's main SDK; a name shared by
    /// more ("Google") resolves to none.
    pub(crate) fn resolve(&self, name: &str) -> Option<&str> {
        match self.by_key.get(&name_key(name)) {
            Some(ids) if ids.len() <= MAX_VENDOR_TIE => ids.first().map(String::as_str),
            _ => None,
        }
    }

    /// Catalog SDKs mentioned in `text`: (id, start, end).
    pub(crate) fn mentions<'a>(&'a self, text: &str) -> Vec<(&'a str, usize, usize)> {
        self.mentions_in(&normalize(text))
    }

    pub(crate) fn mentions_in<'a>(&'a self, n: &Norm) -> Vec<(&'a str, usize, usize)> {
        let Some(ac) = &self.matcher else {
            return Vec::new();
        };
        find_words_in(ac, n)
            .into_iter()
            .filter_map(|h| {
                self.pattern_id
                    .get(h.pattern)
                    .map(|id| (id.as_str(), h.start, h.end))
            })
            .collect()
    }
}
