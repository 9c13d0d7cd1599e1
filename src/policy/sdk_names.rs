//! SDK names: what the catalog calls each SDK, and resolving the names a
//! policy writes (SDK or company) to catalog ids.
//!
//! Precedence, as a reader resolves a name: an SDK's own name or alias
//! (`[[sdk]].name`/`aliases` in rules/sdks/*.toml) beats its vendor's names
//! (`[vendor].name`/`aliases`): "极光推送" is JPush even though it is also an
//! alias of the Jiguang vendor whose three SDKs share it. Words listed in
//! rules/sdk-not-names.toml (data identifiers, cipher modes, generic
//! features) never resolve, and a name inside a URL, a package or an
//! identifier (`INSTALL_REFERRER`, `com.oppo.x`, `https://x/umeng`) is not
//! a mention.

use super::norm::{Norm, find_words_in, name_key, normalize, normalize_phrase};
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// rules/sdk-not-names.toml, embedded.
pub const NOT_NAMES_EMBEDDED: &str = include_str!("../../rules/sdk-not-names.toml");

/// One entry of rules/sdk-not-names.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotSdkName {
    /// The phrase (compared like SDK names: case, width, punctuation ignored).
    pub word: String,
    /// What the word is in a policy.
    pub why: String,
    /// Where the meaning comes from.
    pub source: String,
    /// A sentence in which the word must not resolve to an SDK.
    pub positive: String,
    /// A sentence naming a real SDK that must still resolve.
    pub negative: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotNamesFile {
    word: Vec<NotSdkName>,
}

/// The embedded not-SDK words; empty if the embedded file does not parse
/// (its own test fails then).
pub fn not_sdk_names() -> &'static [NotSdkName] {
    static W: OnceLock<Vec<NotSdkName>> = OnceLock::new();
    W.get_or_init(|| {
        toml::from_str::<NotNamesFile>(NOT_NAMES_EMBEDDED)
            .map(|f| f.word)
            .unwrap_or_default()
    })
}

/// A name the catalog knows an SDK by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SdkName {
    /// Catalog SDK id (`zego-express`).
    pub id: String,
    /// The SDK's own names: SDK name and aliases (`[[sdk]]` in the catalog).
    pub names: Vec<String>,
    /// Its vendor's names: vendor name and aliases (`[vendor]`), shared by
    /// every SDK of the vendor.
    pub vendor_names: Vec<String>,
}

impl From<(String, Vec<String>, Vec<String>)> for SdkName {
    /// From the SDK catalog's `sdk_names()` triples `(id, own names, vendor names)`.
    fn from((id, names, vendor_names): (String, Vec<String>, Vec<String>)) -> Self {
        SdkName {
            id,
            names,
            vendor_names,
        }
    }
}

/// At most this many catalog SDKs may share a name for an SDK-list entry
/// naming it to resolve (to the first); see [`SdkResolver::resolve`].
const MAX_VENDOR_TIE: usize = 3;

fn push_id(map: &mut HashMap<String, Vec<String>>, key: String, id: &str) {
    let v = map.entry(key).or_default();
    if !v.iter().any(|x| x == id) {
        v.push(id.to_string());
    }
}

/// The trailing symbols that are part of a name ("Face++" → `++`,
/// "C#" → `#`): normalised for prose matching the name would become a
/// plain word ("face") that names no SDK, so in prose the symbols must
/// follow the words. Empty for other names.
fn identity_suffix(name: &str) -> &str {
    let t = name.trim();
    let body = t.trim_end_matches(['+', '#']);
    t.get(body.len()..).unwrap_or("")
}

/// Resolves SDK names against the catalog's names.
pub(crate) struct SdkResolver {
    /// name_key of an SDK's own names → ids.
    own_key: HashMap<String, Vec<String>>,
    /// name_key of any name (own first, then vendor) → ids.
    by_key: HashMap<String, Vec<String>>,
    matcher: Option<AhoCorasick>,
    pattern_id: Vec<String>,
    /// Per pattern: symbols that must follow it in the text ("Face" of
    /// "Face++" is a mention only as "Face++").
    pattern_suffix: Vec<String>,
    /// Not-SDK phrases (rules/sdk-not-names.toml): a name inside one is no mention.
    not_matcher: Option<AhoCorasick>,
}

impl SdkResolver {
    pub(crate) fn new(names: &[SdkName]) -> SdkResolver {
        let not_keys: HashSet<String> = not_sdk_names().iter().map(|w| name_key(&w.word)).collect();
        let not_phrases: HashSet<String> = not_sdk_names()
            .iter()
            .map(|w| normalize_phrase(&w.word))
            .collect();
        let mut own_key: HashMap<String, Vec<String>> = HashMap::new();
        let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
        let mut own_phrase: HashMap<String, Vec<String>> = HashMap::new();
        let mut vendor_phrase: HashMap<String, Vec<String>> = HashMap::new();
        // Phrase → the symbols that must follow it in prose (`identity_suffix`),
        // empty when any name with that phrase needs none.
        let mut suffixes: HashMap<String, String> = HashMap::new();
        for s in names {
            for (own, n) in s
                .names
                .iter()
                .map(|n| (true, n))
                .chain(s.vendor_names.iter().map(|n| (false, n)))
            {
                let k = name_key(n);
                if k.len() >= 2 && !not_keys.contains(&k) {
                    if own {
                        push_id(&mut own_key, k.clone(), &s.id);
                    }
                    push_id(&mut by_key, k, &s.id);
                }
                let p = normalize_phrase(n);
                if p.chars().count() >= 3 && !not_phrases.contains(&p) {
                    let suffix = identity_suffix(n);
                    let slot = suffixes
                        .entry(p.clone())
                        .or_insert_with(|| suffix.to_string());
                    if suffix.is_empty() || *slot != suffix {
                        slot.clear();
                    }
                    let map = if own {
                        &mut own_phrase
                    } else {
                        &mut vendor_phrase
                    };
                    push_id(map, p, &s.id);
                }
            }
        }
        // A phrase names one SDK: its own name when exactly one SDK owns it,
        // else a vendor name shared by no other SDK and owned by none.
        let mut chosen: Vec<(String, String)> = Vec::new();
        for (p, ids) in &own_phrase {
            if let [id] = ids.as_slice() {
                chosen.push((p.clone(), id.clone()));
            }
        }
        for (p, ids) in &vendor_phrase {
            if let ([id], false) = (ids.as_slice(), own_phrase.contains_key(p)) {
                chosen.push((p.clone(), id.clone()));
            }
        }
        chosen.sort();
        let pattern_suffix: Vec<String> = chosen
            .iter()
            .map(|(p, _)| suffixes.get(p).cloned().unwrap_or_default())
            .collect();
        let (patterns, pattern_id): (Vec<String>, Vec<String>) = chosen.into_iter().unzip();
        let matcher = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .ok()
        };
        let mut not_list: Vec<&String> = not_phrases.iter().filter(|p| !p.is_empty()).collect();
        not_list.sort();
        let not_matcher = if not_list.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(not_list)
                .ok()
        };
        SdkResolver {
            own_key,
            by_key,
            matcher,
            pattern_id,
            pattern_suffix,
            not_matcher,
        }
    }

    /// The catalog id for a name (SDK or company) of an SDK-list entry.
    /// An SDK's own name resolves to it even when the vendor uses it too.
    /// A company name shared by a few SDKs of one vendor ("Shenzhen Jigou
    /// Technology Co., Ltd." → ZEGO Express, ZIM, ...) resolves to the first
    /// of them in catalog order — the vendor's main SDK; a name shared by
    /// more ("Google") resolves to none.
    pub(crate) fn resolve(&self, name: &str) -> Option<&str> {
        let k = name_key(name);
        if let Some([id]) = self.own_key.get(&k).map(Vec::as_slice) {
            return Some(id.as_str());
        }
        match self.by_key.get(&k) {
            Some(ids) if ids.len() <= MAX_VENDOR_TIE => ids.first().map(String::as_str),
            _ => None,
        }
    }

    /// Catalog SDKs mentioned in `text`: (id, start, end).
    pub(crate) fn mentions<'a>(&'a self, text: &str) -> Vec<(&'a str, usize, usize)> {
        let n = normalize(text);
        self.mentions_in(text, &n)
    }

    /// Catalog SDKs mentioned in `text` (normalised as `n`): (id, start,
    /// end), byte offsets into `text`. A name inside a URL, a dotted package
    /// or an `IDENTIFIER_LIKE_THIS` is not a mention.
    pub(crate) fn mentions_in<'a>(&'a self, text: &str, n: &Norm) -> Vec<(&'a str, usize, usize)> {
        let Some(ac) = &self.matcher else {
            return Vec::new();
        };
        let mut urls = url_spans(text);
        if let Some(nm) = &self.not_matcher {
            urls.extend(find_words_in(nm, n).into_iter().map(|h| (h.start, h.end)));
        }
        find_words_in(ac, n)
            .into_iter()
            .filter(|h| !urls.iter().any(|&(s, e)| h.start >= s && h.end <= e))
            .filter(|h| !in_identifier(text, h.start, h.end))
            .filter(|h| {
                let suffix = self
                    .pattern_suffix
                    .get(h.pattern)
                    .map_or("", String::as_str);
                text.get(h.end..).is_some_and(|t| t.starts_with(suffix))
            })
            .filter_map(|h| {
                self.pattern_id
                    .get(h.pattern)
                    .map(|id| (id.as_str(), h.start, h.end))
            })
            .collect()
    }
}

/// Byte spans of URLs (`http://`, `https://`, `www.`) up to the next space,
/// quote or bracket.
fn url_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for pat in ["http://", "https://", "www."] {
        for (s, _) in text.match_indices(pat) {
            if out.iter().any(|&(a, b)| s >= a && s < b) {
                continue;
            }
            let rest = text.get(s..).unwrap_or("");
            let len = rest
                .find(|c: char| {
                    c.is_whitespace() || "\"'<>()[]{}）（，。、；".contains(c) || !c.is_ascii()
                })
                .unwrap_or(rest.len());
            out.push((s, s + len));
        }
    }
    out
}

/// Whether `text[s..e]` is glued to an identifier: `_` on either side, or
/// `.`/`/` followed/preceded by an ASCII letter (`com.oppo.push`, `x/umeng`).
fn in_identifier(text: &str, s: usize, e: usize) -> bool {
    let before = text.get(..s).and_then(|t| t.chars().next_back());
    let before2 = text
        .get(..s)
        .and_then(|t| t.chars().rev().nth(1))
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let after = text.get(e..).and_then(|t| t.chars().next());
    let after2 = text
        .get(e..)
        .and_then(|t| t.chars().nth(1))
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let glue = |c: Option<char>, next_alnum: bool| match c {
        Some('_') => true,
        Some('.' | '/') => next_alnum,
        _ => false,
    };
    glue(before, before2) || glue(after, after2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver() -> SdkResolver {
        let jiguang = [
            "Jiguang",
            "极光",
            "极光推送",
            "深圳市和讯华谷信息技术有限公司",
        ];
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        SdkResolver::new(&[
            SdkName {
                id: "jpush".into(),
                names: v(&["JPush", "极光推送"]),
                vendor_names: v(&jiguang),
            },
            SdkName {
                id: "jiguang-jcore".into(),
                names: v(&["JCore"]),
                vendor_names: v(&jiguang),
            },
            SdkName {
                id: "jverification".into(),
                names: v(&["极光认证", "一键登录"]),
                vendor_names: v(&jiguang),
            },
            SdkName {
                id: "hms-ads".into(),
                names: v(&["Huawei Ads", "OAID"]),
                vendor_names: v(&["Huawei"]),
            },
            SdkName {
                id: "oppo-push".into(),
                names: v(&["OPPO Push"]),
                vendor_names: v(&["OPPO"]),
            },
            SdkName {
                id: "megvii-faceid".into(),
                names: v(&["Megvii FaceID", "Face++"]),
                vendor_names: v(&["旷视"]),
            },
        ])
    }

    /// "Face++" is a name only with its `++`: "Face unlock" and "face
    /// recognition" in prose mention no SDK (seed policy and
    /// w-io-app-readme drafted Megvii from them), "Face++" still does.
    #[test]
    fn a_name_whose_symbols_carry_it_needs_them_in_prose() {
        let r = resolver();
        let ids = |t: &str| r.mentions(t).iter().map(|m| m.0).collect::<Vec<_>>();
        assert!(ids("biometric identification (Face unlock, Iris unlock)").is_empty());
        assert!(ids("we use face recognition for login").is_empty());
        assert_eq!(ids("liveness checks by Face++ (旷视)"), ["megvii-faceid"]);
        assert_eq!(ids("Face++ SDK"), ["megvii-faceid"]);
        assert_eq!(r.resolve("Face++"), Some("megvii-faceid"));
        assert_eq!(identity_suffix("C#"), "#");
        assert_eq!(identity_suffix("Firebase"), "");
    }

    #[test]
    fn own_name_beats_vendor_alias() {
        let r = resolver();
        assert_eq!(r.resolve("极光推送"), Some("jpush"));
        let m: Vec<&str> = r
            .mentions("集成了“极光推送”SDK")
            .iter()
            .map(|m| m.0)
            .collect();
        assert_eq!(m, ["jpush"]);
        // The vendor's name alone, shared by three SDKs: the first for an entry,
        // no prose mention.
        assert_eq!(r.resolve("深圳市和讯华谷信息技术有限公司"), Some("jpush"));
        assert!(r.mentions("由极光提供").is_empty());
    }

    #[test]
    fn not_sdk_words_and_identifiers_do_not_resolve() {
        let r = resolver();
        assert_eq!(r.resolve("OAID"), None);
        assert_eq!(r.resolve("一键登录"), None);
        assert!(r.mentions("设备标识符（IMEI、OAID）").is_empty());
        assert!(r.mentions("本机号码一键登录").is_empty());
        assert!(r.mentions("see https://www.oppo.com/privacy").is_empty());
        assert!(r.mentions("package com.oppo.push.x").is_empty());
        let m: Vec<&str> = r.mentions("OPPO推送 (oppo)").iter().map(|m| m.0).collect();
        assert_eq!(m, ["oppo-push"]);
        assert_eq!(r.resolve("Huawei Ads"), Some("hms-ads"));
    }

    #[test]
    fn not_names_file_parses_and_its_examples_hold() {
        let words = not_sdk_names();
        assert!(words.len() >= 10, "rules/sdk-not-names.toml did not parse");
        let cat = crate::rules::sdk::Catalog::embedded();
        let names: Vec<SdkName> = cat.sdk_names().into_iter().map(SdkName::from).collect();
        let r = SdkResolver::new(&names);
        for w in words {
            assert!(!w.source.is_empty() && !w.why.is_empty(), "{}", w.word);
            assert_eq!(r.resolve(&w.word), None, "{} resolves", w.word);
            assert!(
                r.mentions(&w.positive).is_empty(),
                "{}: {:?} in {:?}",
                w.word,
                r.mentions(&w.positive),
                w.positive
            );
            assert!(
                !r.mentions(&w.negative).is_empty(),
                "{}: {:?}",
                w.word,
                w.negative
            );
        }
    }
}

/// The company a prose SDK statement names for its SDK, or `None`:
/// '该SDK由“深圳市和讯华谷信息技术有限公司”提供', 'SDK提供方：X',
/// '服务提供商：X', '主体名称：X', '运营方：X', 'provided by X'. The name ends
/// at the closing quote or the next clause punctuation; at most 60 characters.
pub(crate) fn company_in(text: &str) -> Option<String> {
    const LABELS: &[&str] = &[
        "SDK提供方",
        "提供方",
        "服务提供商",
        "服务提供方",
        "主体名称",
        "运营方",
        "第三方主体",
    ];
    let clean = |v: &str| -> Option<String> {
        let v = v.trim_start_matches([' ', '“', '"', '「', '『']);
        let end = v
            .find([
                '”', '"', '」', '』', '；', ';', '，', ',', '。', '（', '(', '\n',
            ])
            .unwrap_or(v.len());
        let name = v.get(..end)?.trim();
        let n = name.chars().count();
        (2..=60).contains(&n).then(|| name.to_string())
    };
    if let Some(p) = text.find('由') {
        let rest = text.get(p + '由'.len_utf8()..)?;
        if let Some(name) = rest
            .find("提供")
            .and_then(|q| rest.get(..q))
            .and_then(clean)
        {
            return Some(name);
        }
    }
    for l in LABELS {
        if let Some(p) = text.find(l) {
            let rest = text
                .get(p + l.len()..)?
                .trim_start_matches([':', '：', ' ']);
            if let Some(name) = clean(rest) {
                return Some(name);
            }
        }
    }
    let lower = text.to_ascii_lowercase();
    let p = lower.find("provided by ")?;
    let rest = text.get(p + "provided by ".len()..)?;
    let end = rest
        .find(['.', ';', ',', '(', '\n'])
        .map_or(rest.len(), |e| {
            // Keep "Co., Ltd." / "Inc." inside the name.
            if rest
                .get(e..)
                .is_some_and(|t| t.starts_with(", Ltd") || t.starts_with(".,"))
            {
                rest.len().min(e + 6)
            } else {
                e
            }
        });
    clean(rest.get(..end)?)
}

#[cfg(test)]
mod company_tests {
    use super::company_in;

    #[test]
    fn prose_company_statements() {
        assert_eq!(
            company_in("“极光推送”：该SDK由“深圳市和讯华谷信息技术有限公司”提供，用于推送")
                .as_deref(),
            Some("深圳市和讯华谷信息技术有限公司")
        );
        assert_eq!(
            company_in("主体名称：北京百度网讯科技有限公司").as_deref(),
            Some("北京百度网讯科技有限公司")
        );
        assert_eq!(
            company_in("服务提供商：高德软件有限公司；收集信息：位置").as_deref(),
            Some("高德软件有限公司")
        );
        assert_eq!(
            company_in("Crashlytics is provided by Google LLC; it collects crash data").as_deref(),
            Some("Google LLC")
        );
        assert_eq!(company_in("我们使用极光推送发送通知"), None);
        assert_eq!(company_in("由于网络原因"), None);
    }
}
