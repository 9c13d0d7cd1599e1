//! Data-category lexicon (`rules/data-categories.toml`) and the iOS
//! usage-key label table (`rules/ios-usage-labels.toml`).

use super::norm::{Norm, find_words_in, normalize, normalize_phrase};
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

/// The embedded lexicon text.
pub const LEXICON_EMBEDDED: &str = crate::rules::DATA_CATEGORIES_TOML;
/// The embedded iOS usage-key label table.
pub const IOS_LABELS_EMBEDDED: &str = include_str!("../../rules/ios-usage-labels.toml");

/// Errors loading a lexicon file.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// The lexicon file could not be read.
    #[error("cannot read lexicon {path}: {source}")]
    Io {
        /// Path of the lexicon file.
        path: String,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The lexicon is not valid TOML or not a `[categories]` table of phrase arrays.
    #[error("lexicon {path} is not valid: {message}")]
    Parse {
        /// Path of the lexicon file.
        path: String,
        /// The TOML parser's message.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    categories: BTreeMap<String, Vec<String>>,
}

/// Data-category lexicon: category → phrases that describe it.
#[derive(Debug, Clone)]
pub struct Lexicon {
    categories: BTreeMap<String, Vec<String>>,
    /// Pattern index → category.
    pattern_category: Vec<String>,
    matcher: Option<AhoCorasick>,
}

impl Lexicon {
    /// Parse a lexicon file (`[categories]` table of phrase arrays).
    pub fn parse(text: &str, path: &str) -> Result<Lexicon, LexiconError> {
        let file: LexiconFile = toml::from_str(text).map_err(|e| LexiconError::Parse {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        Ok(Lexicon::build(file.categories))
    }

    fn build(categories: BTreeMap<String, Vec<String>>) -> Lexicon {
        let mut pattern_category = Vec::new();
        let mut patterns = Vec::new();
        let mut seen = HashSet::new();
        for (cat, phrases) in &categories {
            for p in phrases {
                let n = normalize_phrase(p);
                if !n.is_empty() && seen.insert(n.clone()) {
                    patterns.push(n);
                    pattern_category.push(cat.clone());
                }
            }
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        Lexicon {
            categories,
            pattern_category,
            matcher,
        }
    }

    /// The lexicon shipped in `rules/data-categories.toml` (parsed once).
    pub fn embedded() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| {
            Lexicon::parse(LEXICON_EMBEDDED, "rules/data-categories.toml")
                .unwrap_or_else(|_| Lexicon::build(BTreeMap::new()))
        })
    }

    /// The embedded lexicon plus the phrases of a user file (same format).
    pub fn load_extra(path: &std::path::Path) -> Result<Lexicon, LexiconError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| LexiconError::Io {
            path: shown.clone(),
            source,
        })?;
        Lexicon::embedded().with_extra(&text, &shown)
    }

    /// This lexicon plus the phrases of `text` (a lexicon file).
    pub fn with_extra(&self, text: &str, path: &str) -> Result<Lexicon, LexiconError> {
        let extra: LexiconFile = toml::from_str(text).map_err(|e| LexiconError::Parse {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        let mut cats = self.categories.clone();
        for (c, phrases) in extra.categories {
            cats.entry(c).or_default().extend(phrases);
        }
        Ok(Lexicon::build(cats))
    }

    /// Category names, sorted.
    pub fn categories(&self) -> impl Iterator<Item = &str> {
        self.categories.keys().map(String::as_str)
    }

    /// Every category phrase in `text`: (category, start, end) with byte
    /// offsets into `text`, in order, longest match at each place.
    pub fn find<'a>(&'a self, text: &str) -> Vec<(&'a str, usize, usize)> {
        self.find_in(&normalize(text))
    }

    pub(crate) fn find_in<'a>(&'a self, n: &Norm) -> Vec<(&'a str, usize, usize)> {
        let Some(ac) = &self.matcher else {
            return Vec::new();
        };
        find_words_in(ac, n)
            .into_iter()
            .filter_map(|h| {
                self.pattern_category
                    .get(h.pattern)
                    .map(|c| (c.as_str(), h.start, h.end))
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// iOS usage labels

/// One iOS usage-description key with its Xcode label and data category.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IosUsageLabel {
    /// Info.plist key, e.g. `NSCameraUsageDescription`.
    pub key: String,
    /// The words between "Privacy - " and " Usage Description" in Xcode.
    pub label: String,
    /// Data category the key grants access to, named as in `rules/data-categories.toml` (e.g. `camera`).
    pub category: String,
}

#[derive(Deserialize)]
struct IosLabelFile {
    key: Vec<IosUsageLabel>,
}

/// The iOS usage-key table (`rules/ios-usage-labels.toml`, parsed once).
pub fn ios_usage_labels() -> &'static [IosUsageLabel] {
    static T: OnceLock<Vec<IosUsageLabel>> = OnceLock::new();
    T.get_or_init(|| {
        toml::from_str::<IosLabelFile>(IOS_LABELS_EMBEDDED)
            .map(|f| f.key)
            .unwrap_or_default()
    })
}

/// Data category of an iOS usage key (`NSCameraUsageDescription` → `camera`).
pub fn ios_usage_category(key: &str) -> Option<&'static str> {
    ios_usage_labels()
        .iter()
        .find(|l| l.key == key)
        .map(|l| l.category.as_str())
}
