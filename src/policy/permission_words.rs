//! Plain-word permissions: the words a privacy policy uses for a permission
//! ("相机权限", "读取手机状态和身份", "camera access", "we do not access your
//! contacts") mapped to the Android permissions and iOS usage keys they
//! declare, with sense exclusions and denials.
//!
//! The lexicon is data: `rules/permission-words.toml` (one `[[entry]]` per
//! permission group; its header documents the fields). Words come from
//! AOSP's own user-facing labels (`frameworks/base/core/res/res/values{,-zh-rCN,
//! -zh-rTW}/strings.xml`, `permlab_*` / `permgrouplab_*`) and the common words
//! of Chinese and Western policies; each entry cites its source.
//!
//! [`PermissionWords::find`] reports every phrase in a text. Whether a hit
//! declares depends on its strength: a *label* (an AOSP label, or a derived
//! form such as `<word>权限` / `<word> permission` / `access to your <word>`)
//! declares on its own; a *word* only in a permission context. The sentence
//! gives that context when it speaks of permissions or authorisation
//! ([`Hit::context`]); the drafter adds clause and list context. A hit inside
//! a negated clause ("我们不会收集您的通讯录", "we do not access your contacts")
//! is a denial ([`Hit::negated`]), unless qualified ("不会主动使用", "unless").

use super::norm::{find_words_in, normalize, normalize_phrase};
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded lexicon text.
pub const PERMISSION_WORDS_EMBEDDED: &str = include_str!("../../rules/permission-words.toml");

/// One `[[entry]]` of `rules/permission-words.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Stable name of the entry (`camera`, `location-fine`).
    pub id: String,
    /// Fully-qualified Android permissions the words declare (a group for a plain word).
    pub android: Vec<String>,
    /// iOS `Info.plist` usage keys (each one listed in `rules/ios-usage-keys.toml`).
    pub ios: Vec<String>,
    /// Phrases that declare on their own.
    pub labels: Vec<String>,
    /// Words that declare only in a permission context.
    pub words: Vec<String>,
    /// Phrases containing a word in another sense: matched and ignored.
    pub exclude: Vec<String>,
    /// Where the words come from (AOSP string names, Apple key names).
    pub source: String,
    /// Sentences that must declare the entry (checked by the tests).
    pub positive: Vec<String>,
    /// Sentences that must not declare it (checked by the tests).
    pub negative: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    entry: Vec<Entry>,
}

/// How strongly a matched phrase declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strength {
    Label,
    Word,
    Exclude,
}

/// One phrase found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'a> {
    /// The lexicon entry (`camera`).
    pub entry: &'a str,
    /// Android permissions the phrase declares.
    pub permissions: &'a [String],
    /// iOS usage keys the phrase declares.
    pub ios_keys: &'a [String],
    /// The phrase sits in a negated clause ("不会调用你的通讯录").
    pub negated: bool,
    /// The phrase declares on its own (an AOSP label, `<word>权限`).
    pub label: bool,
    /// Its sentence speaks of permissions or authorisation.
    pub context: bool,
    /// Byte span `[start, end)` in the text searched.
    pub span: (usize, usize),
    /// The words as written.
    pub phrase: String,
}

impl Hit<'_> {
    /// Declared by the text alone: not negated, and a label or in a
    /// permission sentence.
    pub fn declares(&self) -> bool {
        !self.negated && (self.label || self.context)
    }
}

/// The compiled lexicon.
pub struct PermissionWords {
    entries: Vec<Entry>,
    /// Pattern index → (entry index, strength).
    patterns: Vec<(usize, Strength)>,
    matcher: Option<AhoCorasick>,
}

/// Derived label forms of a word: what policies write around a permission word.
fn derived(word: &str) -> Vec<String> {
    let w = normalize_phrase(word);
    if w.is_empty() {
        return Vec::new();
    }
    if w.is_ascii() {
        let mut v: Vec<String> = ["permission", "permissions", "access"]
            .iter()
            .map(|s| format!("{w} {s}"))
            .collect();
        for pre in [
            "access to the",
            "access to your",
            "access the",
            "access your",
            "use the",
            "use your",
            "uses the",
            "uses your",
        ] {
            v.push(format!("{pre} {w}"));
        }
        // "Siri权限", "NFC权限": a Latin word in a Chinese sentence.
        for suf in ["权限", "權限", "授权"] {
            v.push(format!("{w}{suf}"));
        }
        v
    } else {
        let mut v: Vec<String> = [
            "权限",
            "權限",
            "授权",
            "授權",
            "使用权限",
            "访问权限",
            "功能授权",
        ]
        .iter()
        .map(|s| format!("{w}{s}"))
        .collect();
        for pre in [
            "调用",
            "调用您的",
            "调用你的",
            "访问您的",
            "访问你的",
            "开启",
            "使用您的",
            "使用你的",
        ] {
            v.push(format!("{pre}{w}"));
        }
        v
    }
}

impl PermissionWords {
    /// Parse a lexicon file (`[[entry]]` tables; see the file's header).
    pub fn parse(text: &str) -> Result<PermissionWords, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        Ok(PermissionWords::build(file.entry))
    }

    fn build(entries: Vec<Entry>) -> PermissionWords {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut phrases: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut add = |p: String, e: usize, s: Strength| {
            if !p.is_empty() && !index.contains_key(&p) {
                index.insert(p.clone(), phrases.len());
                phrases.push(p);
                patterns.push((e, s));
            }
        };
        // Sense exclusions first, then labels, derived labels, words: the
        // first entry to claim a phrase keeps it.
        for (i, e) in entries.iter().enumerate() {
            for p in &e.exclude {
                add(normalize_phrase(p), i, Strength::Exclude);
            }
        }
        for (i, e) in entries.iter().enumerate() {
            for p in &e.labels {
                add(normalize_phrase(p), i, Strength::Label);
            }
        }
        for (i, e) in entries.iter().enumerate() {
            for w in &e.words {
                for d in derived(w) {
                    add(d, i, Strength::Label);
                }
            }
        }
        for (i, e) in entries.iter().enumerate() {
            for w in &e.words {
                add(normalize_phrase(w), i, Strength::Word);
            }
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&phrases)
            .ok();
        PermissionWords {
            entries,
            patterns,
            matcher,
        }
    }

    /// The lexicon shipped in `rules/permission-words.toml` (parsed once; an
    /// unparsable embedded file, caught by the tests, gives an empty lexicon).
    pub fn embedded() -> &'static PermissionWords {
        static W: OnceLock<PermissionWords> = OnceLock::new();
        W.get_or_init(|| {
            PermissionWords::parse(PERMISSION_WORDS_EMBEDDED)
                .unwrap_or_else(|_| PermissionWords::build(Vec::new()))
        })
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every permission phrase in `text`, in order (longest phrase at each
    /// place; sense exclusions removed).
    pub fn find<'a>(&'a self, text: &str) -> Vec<Hit<'a>> {
        let Some(ac) = &self.matcher else {
            return Vec::new();
        };
        let norm = normalize(text);
        let mut out = Vec::new();
        for h in find_words_in(ac, &norm) {
            let Some(&(ei, strength)) = self.patterns.get(h.pattern) else {
                continue;
            };
            if strength == Strength::Exclude {
                continue;
            }
            let Some(e) = self.entries.get(ei) else {
                continue;
            };
            let sentence = sentence_around(text, h.start, h.end);
            out.push(Hit {
                entry: e.id.as_str(),
                permissions: &e.android,
                ios_keys: &e.ios,
                negated: negated(text, h.start, h.end),
                label: strength == Strength::Label,
                context: sentence_has_cue(text, sentence, h.start),
                span: (h.start, h.end),
                phrase: text.get(h.start..h.end).unwrap_or("").to_string(),
            });
        }
        out
    }
}

/// The hit opens a list entry: only an item marker ("7.", "（7）", "d)",
/// "-") comes before it, so the entry names the permission ("7. 通讯录 …",
/// "**Storage:** …").
pub fn opens_entry(text: &str, hit: &Hit) -> bool {
    let head = text.get(..hit.span.0).unwrap_or("");
    let marker = head.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '*' | '-' | '•' | '·' | '(' | ')' | '（' | '）' | '.' | '、' | '[' | ']'
            )
    });
    marker.chars().count() <= 3
        && marker
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || is_cn_digit(c))
}

fn is_cn_digit(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// Words that make a sentence speak of permissions.
const CUES: &[&str] = &[
    "权限",
    "權限",
    "授权",
    "授權",
    "permission",
    "authoriz",
    "authoris",
    "access to your",
    "access to the",
    "allow access",
    "grant access",
];

/// `true` when `s` contains a permission cue.
pub fn has_cue(s: &str) -> bool {
    let l = s.to_lowercase();
    CUES.iter().any(|c| l.contains(c))
}

/// The sentence of `text` around `[start, end)`: `[s, e)` byte offsets.
fn sentence_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let is_end = |c: char| matches!(c, '。' | '；' | ';' | '!' | '?' | '！' | '？' | '\n');
    let before = text.get(..start).unwrap_or("");
    let s = before
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            is_end(c) || (c == '.' && before.get(i + 1..).is_some_and(|r| r.starts_with(' ')))
        })
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let after = text.get(end..).unwrap_or("");
    let e = after
        .char_indices()
        .find(|&(i, c)| {
            is_end(c)
                || (c == '.'
                    && (after
                        .get(i + 1..)
                        .is_none_or(|r| r.is_empty() || r.starts_with(' '))))
        })
        .map(|(i, _)| end + i)
        .unwrap_or(text.len());
    (s, e)
}

/// The sentence speaks of permissions. A sentence that introduces a list
/// (ends with a colon) gives no context to the words before its colon: it
/// declares its list, not itself ("X will use the following permissions:").
fn sentence_has_cue(text: &str, (s, e): (usize, usize), at: usize) -> bool {
    let Some(sent) = text.get(s..e) else {
        return false;
    };
    if sent.trim_end().ends_with([':', '：']) {
        return false;
    }
    let _ = at;
    has_cue(sent)
}

/// Negators (Chinese and English).
const NEGATORS: &[&str] = &[
    "不会",
    "不",
    "未",
    "绝不",
    "从不",
    "从未",
    "没有",
    "无需",
    "不需要",
    "do not",
    "does not",
    "don't",
    "doesn't",
    "dont",
    "doesnt",
    "never",
    "will not",
    "won't",
    "not",
    "no longer",
];

/// Access verbs a denial negates.
const VERBS: &[&str] = &[
    "收集", "调用", "获取", "访问", "使用", "读取", "申请", "请求", "开启", "需要", "collect",
    "access", "use", "read", "request", "require", "need", "ask for",
];

/// Words that qualify a denial into something else ("不会主动使用": it is
/// used, on your action).
const QUALIFIERS: &[&str] = &[
    "主动",
    "未经",
    "除非",
    "除外",
    "擅自",
    "without your",
    "unless",
    "actively",
    "except",
    "without asking",
    "如果您",
    "如您",
    "若您",
    "如你",
    "若你",
    "您可以",
    "if you",
    "you can",
    "you may",
];

/// Words that start like a negator but do not negate ("不时" from time to
/// time, "未来" future, "not only").
const NOT_NEGATORS: &[&str] = &[
    "不时",
    "不限",
    "不仅",
    "不断",
    "不同",
    "不定期",
    "不少于",
    "不超过",
    "不低于",
    "未来",
    "未成年",
    "not only",
    "not limited",
];

/// The phrase at `at` sits in a negated clause: a negator directly followed
/// by an access verb (at most a few characters apart) before it in its
/// clause, and no qualifier.
fn negated(text: &str, at: usize, end: usize) -> bool {
    let before = text.get(..at).unwrap_or("");
    let scope_start = before
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            matches!(c, '，' | ',' | '；' | ';' | '。' | '\n' | '但' | ':' | '：')
                || (c == '.' && before.get(i + 1..).is_some_and(|r| r.starts_with(' ')))
        })
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let scope = text.get(scope_start..end).unwrap_or("").to_lowercase();
    let scope = scope.replace(['’', '‘'], "'");
    if scope.contains(" but ") || QUALIFIERS.iter().any(|q| scope.contains(q)) {
        return false;
    }
    for n in NEGATORS {
        let ascii = n.is_ascii();
        let mut from = 0;
        while let Some(p) = scope.get(from..).and_then(|s| s.find(n)) {
            let pos = from + p;
            from = pos + n.len();
            if ascii {
                let ok_start = pos == 0
                    || scope
                        .get(..pos)
                        .and_then(|s| s.chars().last())
                        .is_some_and(|c| !c.is_ascii_alphanumeric());
                if !ok_start {
                    continue;
                }
            }
            if NOT_NEGATORS
                .iter()
                .any(|f| scope.get(pos..).is_some_and(|s| s.starts_with(f)))
            {
                continue;
            }
            let rest = scope.get(pos + n.len()..).unwrap_or("");
            // The verb follows the negator closely: "不会调用", "不收集",
            // "do not access", "will never use".
            let window: String = if ascii {
                rest.split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                rest.chars().take(4).collect()
            };
            let verb_at = VERBS
                .iter()
                .filter_map(|v| {
                    if v.is_ascii() {
                        window
                            .split(' ')
                            .any(|w| w.starts_with(v))
                            .then(|| rest.find(v))
                            .flatten()
                            .map(|p| p + v.len())
                    } else {
                        window
                            .contains(v)
                            .then(|| rest.find(v))
                            .flatten()
                            .map(|p| p + v.len())
                    }
                })
                .min();
            // The phrase is the verb's object: a few words or characters
            // after it ("do not access your contacts", "不会收集您的通讯录、相册").
            if let Some(v_end) = verb_at {
                let hit_at = scope.len().saturating_sub(end - at);
                let between = rest
                    .get(v_end..hit_at.saturating_sub(pos + n.len()))
                    .unwrap_or("");
                let close = if between.is_ascii() {
                    between.split_whitespace().count() <= 4
                } else {
                    between.chars().count() <= 14
                };
                if close {
                    return true;
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_entry_is_sourced_and_its_examples_hold() {
        let w = PermissionWords::embedded();
        assert!(w.entries().len() >= 40, "{}", w.entries().len());
        let perms = crate::rules::permissions::PermissionCatalog::embedded();
        let keys: HashSet<&str> = crate::rules::ios::usage_catalog()
            .keys
            .iter()
            .map(|k| k.key.as_str())
            .collect();
        let mut ids = HashSet::new();
        for e in w.entries() {
            assert!(ids.insert(e.id.as_str()), "duplicate id {}", e.id);
            assert!(!e.source.is_empty(), "{} has no source", e.id);
            assert!(!e.positive.is_empty() && !e.negative.is_empty(), "{}", e.id);
            assert!(!e.android.is_empty() || !e.ios.is_empty(), "{}", e.id);
            for p in &e.android {
                assert!(
                    perms.get(p).is_some() || p.starts_with("com.android.launcher."),
                    "{}: {p} is not an Android permission",
                    e.id
                );
                assert!(!p.starts_with("ohos."), "{p}");
            }
            for k in &e.ios {
                assert!(keys.contains(k.as_str()), "{}: {k} is not an iOS key", e.id);
            }
            let declares = |s: &str| {
                w.find(s)
                    .iter()
                    .any(|h| h.entry == e.id && !h.negated && (h.declares() || opens_entry(s, h)))
            };
            for s in &e.positive {
                assert!(declares(s), "{}: positive {s:?} does not declare", e.id);
            }
            for s in &e.negative {
                let alone = w.find(s).iter().any(|h| h.entry == e.id && h.declares());
                assert!(!alone, "{}: negative {s:?} declares", e.id);
            }
        }
    }

    #[test]
    fn groups_senses_and_denials() {
        let w = PermissionWords::embedded();
        let hits = w.find("（3）定位权限（访问精准/粗略定位）");
        let first = hits.first().unwrap();
        assert_eq!(first.phrase, "定位权限");
        assert_eq!(
            first.permissions,
            [
                "android.permission.ACCESS_FINE_LOCATION",
                "android.permission.ACCESS_COARSE_LOCATION"
            ]
        );
        assert!(w.find("用于定位安全事件").is_empty());
        assert!(w.find("根据网络实名制要求").is_empty());
        let deny = w.find("该功能为你自主选择使用，不会调用你的通讯录");
        assert_eq!(deny.len(), 1);
        assert!(deny[0].negated && !deny[0].declares());
        assert_eq!(deny[0].permissions, ["android.permission.READ_CONTACTS"]);
        let en = w.find("We do not access your contacts.");
        assert!(en.iter().all(|h| h.negated) && !en.is_empty());
        let qualified = w.find("我们不会主动使用你的相机或者相册");
        assert!(qualified.iter().all(|h| !h.negated) && !qualified.is_empty());
        let intro = w.find("Enhanced Screenshot Notification will use following permissions:");
        assert!(intro.iter().all(|h| !h.declares()), "{intro:?}");
        let never = w.find("it never does look up your location");
        assert!(never.iter().all(|h| !h.negated));
    }
}
