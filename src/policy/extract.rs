//! Drafting a declared policy from privacy-policy prose.
//!
//! Owns: the clause tree built from the document's own numbering (Roman
//! numerals `I.`, `(A)`, `1.`/`1、`, `(1)`, markup headings), and the
//! declarations found in each clause: Android permission names, iOS
//! usage-description keys (by key or by Xcode's "Privacy - … Usage
//! Description" label), SDK entries and prose SDK mentions, and data
//! categories from the lexicon (`rules/data-categories.toml`).
//!
//! Distrusts: the prose. `draft` never fails; junk gives an empty draft.
//! Sources of format facts: Android permission names from
//! `android.Manifest.permission` (via the permission catalog); iOS keys and
//! labels from Apple's Information Property List reference
//! (`rules/ios-usage-labels.toml`).

use super::model::{Clause, DeclaredSdk, Policy};
use super::text::{Block, BlockKind, InputKind, to_blocks};
use crate::rules::permissions::PermissionCatalog;
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

pub use super::lexicon::{
    IOS_LABELS_EMBEDDED, IosUsageLabel, LEXICON_EMBEDDED, Lexicon, LexiconError,
    ios_usage_category, ios_usage_labels,
};
use super::norm::{name_key, normalize, normalize_phrase};
pub use super::sdk_names::SdkName;
use super::sdk_names::SdkResolver;

// ---------------------------------------------------------------------------
// Regexes (compiled once)

fn re_full_permission() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"\b(?:((?:[a-z][a-z0-9_]*\.)+permission\.[A-Z][A-Z0-9_]*)|Manifest\.permission\.([A-Z][A-Z0-9_]*))\b").unwrap_or_else(|_| never())
    })
}

fn re_short_permission() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b").unwrap_or_else(|_| never()))
}

fn re_slash_continuation() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"^[`'\x22 ]*/[`'\x22 ]*([A-Z][A-Z0-9_]*)").unwrap_or_else(|_| never())
    })
}

fn re_ios_key() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"\b(?:NS|NFC)[A-Za-z]*UsageDescription\b").unwrap_or_else(|_| never())
    })
}

/// `(?i)(Privacy - )?<label> Usage Description`, labels longest first.
fn re_ios_label() -> &'static Regex {
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

/// A regex that never matches, the fallback for a pattern that failed to
/// compile (a build defect caught by the unit tests, never input-driven).
fn never() -> Regex {
    #[allow(clippy::unwrap_used)]
    Regex::new(r"[^\s\S]").unwrap()
}

/// `true` when `s` contains an unfilled-template placeholder.
pub fn is_placeholder(s: &str) -> bool {
    re_placeholder().is_match(s)
}

// ---------------------------------------------------------------------------
// Public types

/// What the extractor needs besides the text.
#[derive(Debug, Clone, Copy)]
pub struct ExtractOptions<'a> {
    /// Android permission catalog used to recognise permission names.
    pub permissions: &'a PermissionCatalog,
    /// Names the SDK catalog knows each SDK by, for prose SDK mentions.
    pub sdk_names: &'a [SdkName],
    /// Data-category lexicon for category phrases.
    pub lexicon: &'a Lexicon,
}

/// What a declaration declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclKind {
    /// An Android permission name.
    AndroidPermission,
    /// An iOS `NS*UsageDescription` key.
    IosUsage,
    /// A third-party SDK.
    Sdk,
    /// A data category from the lexicon.
    DataCategory,
}

impl DeclKind {
    /// Short name used in comments: `permission`, `ios key`, `sdk`, `category`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeclKind::AndroidPermission => "permission",
            DeclKind::IosUsage => "ios key",
            DeclKind::Sdk => "sdk",
            DeclKind::DataCategory => "category",
        }
    }
}

/// Where a declaration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// Clause id the declaration belongs to.
    pub clause: String,
    /// What kind of value is declared.
    pub kind: DeclKind,
    /// The declared value: full permission name, iOS key, SDK name (or
    /// catalog id when resolved), category.
    pub value: String,
    /// The words of the document it came from.
    pub quote: String,
    /// Byte span `[start, end)` of the quote in the input (the whole block
    /// when the words could not be located exactly).
    pub span: (usize, usize),
    /// 1-based line of the quote.
    pub line: u32,
    /// For categories: the sentence speaks of permissions/authorisation
    /// ("we will request your authorization for the geolocation permission").
    pub permission_context: bool,
    /// For Android permissions: the rest of the line describing it (what the
    /// policy says the permission is for), when the clause lists it.
    pub description: Option<String>,
}

/// A node of the clause tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseNode {
    /// Clause id built from the numbering path, e.g. `III.(D)` (suffixed `~2`... when a number repeats).
    pub id: String,
    /// Heading text after the number (up to a colon; long headings shortened).
    pub title: String,
    /// Byte span `[start, end)` from the clause heading to the end of its
    /// last descendant's text.
    pub span: (usize, usize),
    /// 1-based line of the heading.
    pub line: u32,
    /// Sub-clauses, in document order.
    pub children: Vec<ClauseNode>,
}

/// A drafted policy with the evidence for each declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Clauses that declare something, in document order.
    pub policy: Policy,
    /// One entry per declaration in `policy`, saying which text it was drafted from.
    pub provenance: Vec<Provenance>,
    /// The whole clause tree (including clauses that declare nothing).
    pub tree: Vec<ClauseNode>,
    /// The markup kind the input was read as.
    pub kind: InputKind,
}

impl Draft {
    /// Every node of the tree, depth first.
    pub fn nodes(&self) -> Vec<&ClauseNode> {
        fn walk<'a>(n: &'a [ClauseNode], out: &mut Vec<&'a ClauseNode>) {
            for c in n {
                out.push(c);
                walk(&c.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.tree, &mut out);
        out
    }

    /// The deepest clause whose span contains byte `offset`.
    pub fn clause_at(&self, offset: usize) -> Option<&ClauseNode> {
        fn find(n: &[ClauseNode], off: usize) -> Option<&ClauseNode> {
            for c in n {
                if c.span.0 <= off && off < c.span.1 {
                    return find(&c.children, off).or(Some(c));
                }
            }
            None
        }
        find(&self.tree, offset)
    }
}

// ---------------------------------------------------------------------------
// Numbering

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Roman,
    AlphaParen,
    /// `a.` / `B.` (letter and dot, title capitalised).
    AlphaDot,
    /// Chinese numerals: `一、` / `三.`.
    CnNum,
    /// Chinese numerals in parentheses: `（一）`.
    CnParen,
    Num,
    ParenNum,
    Heading(u8),
}

/// Recognise the numbering at the start of `text`: style, id segment, rest.
fn numbering(text: &str) -> Option<(Style, String, &str)> {
    let t = text.trim_start();
    // (A) / （A） and (1) / （1）
    let open = t.strip_prefix('(').or_else(|| t.strip_prefix('（'));
    if let Some(after) = open {
        let close = after.find([')', '）'])?;
        let inner = after.get(..close)?;
        let close_len = if after.get(close..)?.starts_with(')') {
            1
        } else {
            '）'.len_utf8()
        };
        let rest = after.get(close + close_len..)?.trim_start();
        if (1..=3).contains(&inner.chars().count()) && inner.chars().all(is_cn_numeral) {
            return Some((Style::CnParen, format!("({inner})"), rest));
        }
        if inner.len() == 1 && inner.bytes().all(|b| b.is_ascii_uppercase()) {
            return Some((Style::AlphaParen, format!("({inner})"), rest));
        }
        if !inner.is_empty() && inner.len() <= 3 && inner.bytes().all(|b| b.is_ascii_digit()) {
            return Some((Style::ParenNum, format!("({inner})"), rest));
        }
        return None;
    }
    // 1. / 1、 / 1)
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let after = t.get(digits..)?;
        let sep = [".", "、", "．", ")"]
            .iter()
            .find(|s| after.starts_with(**s))?;
        let rest = after.get(sep.len()..)?;
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return None; // "1.5 million", "1.1 Scope"
        }
        let rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        return Some((Style::Num, t.get(..digits)?.to_string(), rest));
    }
    // 一、 / 十二.
    let cn: String = t
        .chars()
        .take_while(|&c| is_cn_numeral(c))
        .take(4)
        .collect();
    if (1..=3).contains(&cn.chars().count())
        && let Some(after) = t.get(cn.len()..)
        && let Some(sep) = ["、", ".", "．"].iter().find(|s| after.starts_with(**s))
    {
        let rest = after.get(sep.len()..)?.trim_start();
        if !rest.is_empty() {
            return Some((Style::CnNum, cn, rest));
        }
    }
    // a. Access data / B. Purposes
    let mut chars = t.chars();
    if let (Some(l), Some('.'), Some(' ')) = (chars.next(), chars.next(), chars.next())
        && l.is_ascii_alphabetic()
        && !matches!(l, 'I' | 'V' | 'X')
    {
        let rest = t.get(3..)?.trim_start();
        if rest.starts_with(|c: char| {
            c.is_uppercase() || (l.is_ascii_lowercase() && c.is_alphabetic())
        }) {
            return Some((Style::AlphaDot, l.to_string(), rest));
        }
    }
    // I. / III、
    let roman = t
        .bytes()
        .take_while(|b| matches!(b, b'I' | b'V' | b'X' | b'L'))
        .count();
    if (1..=6).contains(&roman) {
        let r = t.get(..roman)?;
        let after = t.get(roman..)?;
        let sep = [".", "、", "．"].iter().find(|s| after.starts_with(**s))?;
        let rest = after.get(sep.len()..)?;
        if !rest.starts_with(' ')
            && !rest.starts_with('\u{3000}')
            && !rest.starts_with(|c: char| !c.is_ascii())
        {
            return None;
        }
        let rest = rest.trim_start();
        if roman_value(r).is_some() && rest.starts_with(|c: char| c.is_uppercase() || !c.is_ascii())
        {
            return Some((Style::Roman, r.to_string(), rest));
        }
    }
    None
}

fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

fn roman_value(s: &str) -> Option<u32> {
    const CANON: &[&str] = &[
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
        "XV", "XVI", "XVII", "XVIII", "XIX", "XX",
    ];
    CANON
        .iter()
        .position(|c| *c == s)
        .and_then(|p| u32::try_from(p + 1).ok())
}

/// A readable title from a heading's text: the words before a colon, or
/// the text cut at a word boundary.
fn make_title(rest: &str) -> String {
    // Markdown anchors render as a leading "#" ("## <a href=#x>#</a> Title").
    let rest = rest.trim().trim_start_matches(['#', ' ']);
    if let Some(p) = rest.find([':', '：'])
        && p > 0
        && p < 120
    {
        return rest.get(..p).unwrap_or(rest).trim().to_string();
    }
    let trimmed = rest.trim_end_matches(['.', ';', '；', '。', ',']);
    if trimmed.chars().count() <= 100 {
        return trimmed.to_string();
    }
    let mut out = String::new();
    for w in trimmed.split_whitespace() {
        if out.chars().count() + w.chars().count() > 80 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        out = trimmed.chars().take(80).collect();
    }
    out.push('…');
    out
}

fn slug(s: &str) -> String {
    let n = normalize_phrase(s);
    let s: String = n.split(' ').take(6).collect::<Vec<_>>().join("-");
    if s.is_empty() {
        "section".to_string()
    } else {
        s
    }
}

// ---------------------------------------------------------------------------
// SDK list fields

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Vendor,
    Data,
    Purpose,
}

/// `"Company Name: Google Inc."` → (Vendor, "Google Inc.").
fn field(text: &str) -> Option<(Field, &str)> {
    let t = text.trim_start_matches(['•', '·', '-', '*', ' ', '▪', '●']);
    let p = t.find([':', '：'])?;
    if p == 0 || p > 70 {
        return None;
    }
    let label = t.get(..p)?.trim().to_ascii_lowercase();
    let sep_len = if t.get(p..)?.starts_with(':') {
        1
    } else {
        '：'.len_utf8()
    };
    let value = t.get(p + sep_len..)?.trim();
    let f = match label.as_str() {
        "sdk name" | "name of sdk" | "name of the sdk" | "sdk" | "third-party sdk"
        | "third party sdk" | "sdk名称" | "sdk 名称" | "第三方sdk名称" | "名称" => {
            Field::Name
        }
        "company name"
        | "company"
        | "vendor"
        | "provider"
        | "developer"
        | "sdk provider"
        | "company name of the sdk"
        | "公司名称"
        | "第三方名称"
        | "第三方公司名称"
        | "开发者"
        | "提供方" => Field::Vendor,
        l if l.starts_with("types of data")
            || l.starts_with("type of data")
            || l.starts_with("data type")
            || l.starts_with("data collected")
            || l.starts_with("types of personal information")
            || l.starts_with("personal information collected")
            || l.starts_with("information collected")
            || l.starts_with("collected data")
            || l.starts_with("collected information")
            || l.starts_with("收集")
            || l.starts_with("个人信息类型")
            || l.starts_with("数据类型")
            || l.starts_with("使用的个人信息")
            || l.starts_with("涉及个人信息") =>
        {
            Field::Data
        }
        l if l.starts_with("purpose")
            || l.starts_with("使用目的")
            || l == "目的"
            || l == "用途" =>
        {
            Field::Purpose
        }
        _ => return None,
    };
    Some((f, value))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    None,
    /// First block of an SDK entry; `true` when the name is a `SDK Name:` field.
    EntryStart(bool),
    EntryField,
}

fn entry_roles(blocks: &[Block]) -> Vec<Role> {
    let mut roles = vec![Role::None; blocks.len()];
    let mut i = 0usize;
    while i < blocks.len() {
        let Some(b) = blocks.get(i) else { break };
        let this = field(&b.text);
        let next = blocks.get(i + 1).and_then(|n| field(&n.text)).map(|f| f.0);
        let start = match this {
            Some((Field::Name, _)) => Some(true),
            Some(_) => None,
            None if b.text.chars().count() <= 100
                && matches!(next, Some(Field::Vendor | Field::Data | Field::Purpose)) =>
            {
                Some(false)
            }
            None => None,
        };
        let Some(by_field) = start else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        let mut describes = false;
        while let Some(nb) = blocks.get(j) {
            match field(&nb.text) {
                Some((f @ (Field::Vendor | Field::Data | Field::Purpose), _)) => {
                    describes |= f != Field::Vendor;
                    j += 1;
                }
                _ => break,
            }
        }
        // "Contact / Developer: X / Email: ..." is not an SDK entry: an entry
        // names its data or purpose (or is introduced by "SDK Name:").
        let name_ok = b.text.chars().any(char::is_alphabetic);
        if !(by_field || describes && name_ok) {
            i += 1;
            continue;
        }
        if let Some(r) = roles.get_mut(i) {
            *r = Role::EntryStart(by_field);
        }
        for k in i + 1..j {
            if let Some(r) = roles.get_mut(k) {
                *r = Role::EntryField;
            }
        }
        i = j.max(i + 1);
    }
    roles
}

// ---------------------------------------------------------------------------
// Drafting

struct Node {
    id: String,
    title: String,
    style: Style,
    /// Markup heading level of the clause's heading block, if it is one.
    level: Option<u8>,
    parent: Option<usize>,
    children: Vec<usize>,
    start: usize,
    end: usize,
    line: u32,
    has_content: bool,
    dead: bool,
    /// Children not dropped as table-of-contents lines.
    live_children: usize,
    /// Index of this node in its parent's `children`.
    sibling_pos: usize,
}

/// 1-based line of byte `offset`.
fn line_of(line_starts: &[usize], offset: usize) -> u32 {
    let idx = line_starts.partition_point(|&s| s <= offset);
    u32::try_from(idx.max(1)).unwrap_or(u32::MAX)
}

/// Locate `quote` inside the block's original text; fall back to the block.
fn locate(input: &str, block: &Block, quote: &str) -> (usize, usize) {
    let (s, e) = block.span;
    if let Some(raw) = input.get(s..e)
        && let Some(p) = raw.find(quote)
    {
        return (s + p, s + p + quote.len());
    }
    block.span
}

const PERMISSION_WORDS: &[&str] = &[
    "permission",
    "authoriz",
    "authoris",
    "access to your",
    "allow access",
    "grant access",
    "权限",
    "授权",
];

fn has_permission_word(s: &str) -> bool {
    let l = s.to_lowercase();
    PERMISSION_WORDS.iter().any(|w| l.contains(w))
}

/// The sentence of `text` containing byte `at`.
fn sentence_at(text: &str, at: usize) -> &str {
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

#[derive(Default)]
struct Decls {
    android: Vec<String>,
    ios: Vec<String>,
    sdks: Vec<DeclaredSdk>,
    categories: Vec<String>,
}

struct Ctx<'a> {
    input: &'a str,
    line_starts: Vec<usize>,
    decls: HashMap<usize, Decls>,
    provenance: Vec<Provenance>,
    nodes: &'a [Node],
}

impl Ctx<'_> {
    fn clause_id(&self, node: usize) -> String {
        self.nodes
            .get(node)
            .map(|n| n.id.clone())
            .unwrap_or_default()
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        node: usize,
        kind: DeclKind,
        value: &str,
        quote: &str,
        block: &Block,
        ctx: bool,
        description: Option<String>,
    ) {
        let d = self.decls.entry(node).or_default();
        let list = match kind {
            DeclKind::AndroidPermission => &mut d.android,
            DeclKind::IosUsage => &mut d.ios,
            DeclKind::DataCategory => &mut d.categories,
            DeclKind::Sdk => return,
        };
        if list.iter().any(|v| v == value) {
            // Keep the first provenance, but a later permission-context
            // sentence upgrades a category's context.
            if kind == DeclKind::DataCategory && ctx {
                let id = self.clause_id(node);
                if !self.provenance.iter().any(|p| {
                    p.clause == id && p.kind == kind && p.value == value && p.permission_context
                }) {
                    self.push_prov(node, kind, value, quote, block, ctx, description);
                }
            }
            return;
        }
        list.push(value.to_string());
        self.push_prov(node, kind, value, quote, block, ctx, description);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_prov(
        &mut self,
        node: usize,
        kind: DeclKind,
        value: &str,
        quote: &str,
        block: &Block,
        ctx: bool,
        description: Option<String>,
    ) {
        let span = locate(self.input, block, quote);
        self.provenance.push(Provenance {
            clause: self.clause_id(node),
            kind,
            value: value.to_string(),
            quote: quote.to_string(),
            span,
            line: line_of(&self.line_starts, span.0),
            permission_context: ctx,
            description,
        });
    }

    fn add_sdk(&mut self, node: usize, sdk: DeclaredSdk, quote: &str, block: &Block) {
        let d = self.decls.entry(node).or_default();
        let dup = d.sdks.iter().any(|s| match (&s.id, &sdk.id) {
            (Some(a), Some(b)) => a == b,
            _ => name_key(&s.name) == name_key(&sdk.name),
        });
        if dup {
            return;
        }
        let value = sdk.id.clone().unwrap_or_else(|| sdk.name.clone());
        d.sdks.push(sdk);
        self.push_prov(node, DeclKind::Sdk, &value, quote, block, false, None);
    }
}

/// Draft a policy from prose. `source` is the file name (used for the
/// policy's `source`, and its extension to pick the markup kind).
pub fn draft(input: &str, source: &str, opts: &ExtractOptions) -> Draft {
    let kind = InputKind::detect(Some(source), input);
    let blocks = to_blocks(input, kind);
    let roles = entry_roles(&blocks);
    let mut line_starts = vec![0usize];
    line_starts.extend(memchr::memchr_iter(b'\n', input.as_bytes()).map(|i| i + 1));

    // 1. Clause tree.
    let mut nodes: Vec<Node> = Vec::new();
    let mut owner: Vec<Option<usize>> = Vec::with_capacity(blocks.len());
    let mut stack: Vec<usize> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut dup_next: HashMap<String, usize> = HashMap::new();
    for (bi, b) in blocks.iter().enumerate() {
        let role = roles.get(bi).copied().unwrap_or(Role::None);
        let num = if role == Role::None {
            numbering(&b.text)
        } else {
            None
        };
        let heading = match (num, b.kind) {
            (Some((style, seg, rest)), _) => Some((style, Some(seg), rest)),
            (None, BlockKind::Heading(l)) => Some((Style::Heading(l), None, b.text.as_str())),
            _ => None,
        };
        let Some((style, seg, rest)) = heading else {
            match stack.last() {
                Some(&top) => {
                    if let Some(n) = nodes.get_mut(top) {
                        n.has_content = true;
                        n.end = n.end.max(b.span.1);
                    }
                    owner.push(Some(top));
                }
                None => {
                    // Text before any heading: a preamble clause.
                    let idx = nodes.len();
                    nodes.push(Node {
                        id: "preamble".into(),
                        title: make_title(&b.text),
                        style: Style::Heading(0),
                        level: Some(0),
                        parent: None,
                        children: Vec::new(),
                        start: b.span.0,
                        end: b.span.1,
                        line: line_of(&line_starts, b.span.0),
                        has_content: true,
                        dead: false,
                        live_children: 0,
                        sibling_pos: 0,
                    });
                    ids.insert("preamble".into(), idx);
                    stack.push(idx);
                    owner.push(Some(idx));
                }
            }
            continue;
        };
        // Pop to the parent of the new clause: a numbered clause becomes a
        // sibling of the open clause numbered the same way; an unnumbered
        // markup heading closes everything below a higher-level heading.
        let level = match b.kind {
            BlockKind::Heading(l) => Some(l),
            _ => None,
        };
        match style {
            Style::Heading(l) => {
                while let Some(&top) = stack.last() {
                    match nodes.get(top).and_then(|n| n.level) {
                        Some(tl) if tl < l => break,
                        _ => {
                            stack.pop();
                        }
                    }
                }
            }
            _ => {
                if let Some(pos) = stack
                    .iter()
                    .rposition(|&i| nodes.get(i).is_some_and(|n| n.style == style))
                {
                    stack.truncate(pos);
                } else if let Some(l) = level {
                    // A numbered markup heading also closes deeper headings.
                    while let Some(&top) = stack.last() {
                        match nodes.get(top).and_then(|n| n.level) {
                            Some(tl) if tl < l => break,
                            Some(_) => {
                                stack.pop();
                            }
                            None => break,
                        }
                    }
                }
            }
        }
        // The preamble never parents numbered clauses.
        if stack.len() == 1
            && stack
                .first()
                .and_then(|&i| nodes.get(i))
                .is_some_and(|n| n.id == "preamble")
        {
            stack.clear();
        }
        let parent = stack.last().copied();
        let parent_id = parent.and_then(|p| nodes.get(p)).map(|n| n.id.clone());
        let mut id = match (&seg, &parent_id) {
            (Some(s), Some(p))
                if nodes.get(parent.unwrap_or(0)).is_some_and(|n| {
                    !matches!(n.style, Style::Heading(_)) || n.id != "preamble"
                }) =>
            {
                format!("{p}.{s}")
            }
            (Some(s), _) => s.clone(),
            (None, _) => slug(rest),
        };
        if let Some(&old) = ids.get(&id) {
            let no_children = nodes.get(old).is_some_and(|n| n.live_children == 0);
            let empty = no_children && nodes.get(old).is_some_and(|n| !n.has_content);
            // The last line of a table of contents is followed by the
            // introduction; it is still a contents line if the line before
            // it was one.
            let last_toc_line = no_children
                && nodes
                    .get(old)
                    .is_some_and(|n| n.end.saturating_sub(n.start) < 1000)
                && nodes
                    .get(old)
                    .and_then(|n| n.parent)
                    .and_then(|p| nodes.get(p))
                    .map(|p| {
                        let pos = nodes.get(old).map_or(0, |n| n.sibling_pos);
                        pos > 0
                            && p.children
                                .get(pos - 1)
                                .and_then(|&c| nodes.get(c))
                                .is_some_and(|c| c.dead)
                    })
                    .unwrap_or(false);
            if empty || last_toc_line {
                // A table-of-contents line listed this heading before the
                // real section: drop it (its blocks go to its parent, below).
                let old_parent = nodes.get(old).and_then(|n| n.parent);
                if let Some(n) = nodes.get_mut(old) {
                    n.dead = true;
                }
                if let Some(p) = old_parent.and_then(|p| nodes.get_mut(p)) {
                    p.live_children = p.live_children.saturating_sub(1);
                }
            } else {
                let k = dup_next.entry(id.clone()).or_insert(1);
                loop {
                    *k += 1;
                    if !ids.contains_key(&format!("{id}~{k}")) {
                        break;
                    }
                }
                id = format!("{id}~{k}");
            }
        }
        let idx = nodes.len();
        nodes.push(Node {
            id: id.clone(),
            title: make_title(rest),
            style,
            level,
            parent,
            children: Vec::new(),
            start: b.span.0,
            end: b.span.1,
            line: line_of(&line_starts, b.span.0),
            has_content: false,
            dead: false,
            live_children: 0,
            sibling_pos: 0,
        });
        ids.insert(id, idx);
        if let Some(p) = parent.and_then(|p| nodes.get_mut(p)) {
            let pos = p.children.len();
            p.children.push(idx);
            p.live_children += 1;
            if let Some(n) = nodes.get_mut(idx) {
                n.sibling_pos = pos;
            }
        }
        stack.push(idx);
        owner.push(Some(idx));
    }

    // Blocks of dropped table-of-contents lines belong to the nearest live
    // ancestor.
    for o in owner.iter_mut() {
        while let Some(i) = *o {
            match nodes.get(i) {
                Some(n) if n.dead => *o = n.parent,
                _ => break,
            }
        }
    }

    // 2. Declarations.
    let resolver = SdkResolver::new(opts.sdk_names);
    let mut ctx = Ctx {
        input,
        line_starts,
        decls: HashMap::new(),
        provenance: Vec::new(),
        nodes: &nodes,
    };
    let perm_title: Vec<bool> = nodes
        .iter()
        .map(|n| has_permission_word(&n.title))
        .collect();
    let titles_with_permission = |mut n: Option<usize>| -> Option<usize> {
        while let Some(i) = n {
            let node = nodes.get(i)?;
            if perm_title.get(i).copied().unwrap_or(false) {
                return Some(i);
            }
            n = node.parent;
        }
        None
    };
    let mut bi = 0usize;
    while bi < blocks.len() {
        let (Some(b), Some(Some(node))) = (blocks.get(bi), owner.get(bi).copied()) else {
            bi += 1;
            continue;
        };
        let role = roles.get(bi).copied().unwrap_or(Role::None);
        if let Role::EntryStart(by_field) = role {
            // An SDK list entry: this block and its field blocks.
            let name_text = if by_field {
                field(&b.text).map(|f| f.1).unwrap_or("")
            } else {
                numbering(&b.text).map(|n| n.2).unwrap_or(b.text.as_str())
            };
            let mut sdk = DeclaredSdk {
                name: name_text.trim().to_string(),
                ..Default::default()
            };
            let mut j = bi + 1;
            while roles.get(j) == Some(&Role::EntryField) {
                if let Some((f, v)) = blocks.get(j).and_then(|fb| field(&fb.text)) {
                    match f {
                        Field::Vendor => sdk.vendor = Some(v.to_string()),
                        Field::Purpose => sdk.purpose = Some(v.to_string()),
                        Field::Data => {
                            for (c, _, _) in opts.lexicon.find(v) {
                                if !sdk.data.iter().any(|d| d == c) {
                                    sdk.data.push(c.to_string());
                                }
                            }
                        }
                        Field::Name => {}
                    }
                }
                j += 1;
            }
            let placeholder = is_placeholder(&sdk.name) || sdk.name.is_empty();
            if !placeholder {
                sdk.id = resolver
                    .resolve(&sdk.name)
                    .or_else(|| {
                        sdk.vendor
                            .as_deref()
                            .filter(|v| !is_placeholder(v))
                            .and_then(|v| resolver.resolve(v))
                    })
                    .or_else(|| {
                        // "即构 ZEGO Express SDK": a catalog name inside the
                        // entry's name, else inside its company name.
                        let single = |t: &str| {
                            let ids: HashSet<&str> =
                                resolver.mentions(t).into_iter().map(|m| m.0).collect();
                            if ids.len() == 1 {
                                ids.into_iter().next()
                            } else {
                                None
                            }
                        };
                        single(&sdk.name).or_else(|| sdk.vendor.as_deref().and_then(single))
                    })
                    .map(str::to_string);
                let quote = sdk.name.clone();
                ctx.add_sdk(node, sdk, &quote, b);
            }
            bi = j;
            continue;
        }
        let text = b.text.as_str();
        let clause_has_perm_title = titles_with_permission(Some(node)).is_some();
        let block_perm_ctx =
            has_permission_word(text) || clause_has_perm_title || text.contains('`');
        let mut declared_here = false;
        // Android permissions, full names.
        let mut full_ranges: Vec<(usize, usize)> = Vec::new();
        let mut found_perms: Vec<(String, String, usize)> = Vec::new();
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
        if block_perm_ctx {
            for m in re_short_permission().find_iter(text) {
                if full_ranges
                    .iter()
                    .any(|&(s, e)| m.start() >= s && m.end() <= e)
                {
                    continue;
                }
                let full = format!("android.permission.{}", m.as_str());
                if opts.permissions.get(&full).is_none() {
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
                    if opts.permissions.get(&cand).is_some() {
                        found_perms.push((cand, tok.as_str().to_string(), at));
                    }
                }
            }
        }
        // Title-case permission headings under a permissions section
        // ("#### Record Audio" → RECORD_AUDIO).
        let mut perm_node = node;
        if matches!(b.kind, BlockKind::Heading(_))
            && found_perms.is_empty()
            && let Some(pn) = nodes
                .get(node)
                .and_then(|n| n.parent)
                .and_then(|p| titles_with_permission(Some(p)))
        {
            // "Internet Access" / "Camera permission" → INTERNET / CAMERA.
            let words = normalize_phrase(text).to_ascii_uppercase();
            let mut words: Vec<&str> = words.split(' ').collect();
            let mut found = None;
            loop {
                let cand = format!("android.permission.{}", words.join("_"));
                if opts.permissions.get(&cand).is_some() {
                    found = Some(cand);
                    break;
                }
                match words.last() {
                    Some(&("ACCESS" | "PERMISSION" | "PERMISSIONS")) if words.len() > 1 => {
                        words.pop();
                    }
                    _ => break,
                }
            }
            if let Some(cand) = found {
                found_perms.push((cand, text.to_string(), text.len()));
                perm_node = pn;
            }
        }
        found_perms.sort_by_key(|p| p.2);
        let last_end = found_perms.iter().map(|p| p.2).max().unwrap_or(0);
        let description = text
            .get(last_end..)
            .map(|d| {
                d.trim_start_matches([':', '：', ' ', '`', ')', ',', '-', '–'])
                    .trim()
                    .to_string()
            })
            .filter(|d| !d.is_empty());
        for (name, quote, _) in &found_perms {
            ctx.add(
                perm_node,
                DeclKind::AndroidPermission,
                name,
                quote,
                b,
                true,
                description.clone(),
            );
            declared_here = true;
        }
        // iOS keys.
        for m in re_ios_key().find_iter(text) {
            ctx.add(
                node,
                DeclKind::IosUsage,
                m.as_str(),
                m.as_str(),
                b,
                true,
                None,
            );
            declared_here = true;
        }
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
                ctx.add(
                    node,
                    DeclKind::IosUsage,
                    &l.key,
                    all.as_str(),
                    b,
                    true,
                    None,
                );
                declared_here = true;
            }
        }
        // Prose SDK mentions.
        let norm = normalize(text);
        for (id, s, e) in resolver.mentions_in(&norm) {
            let quote = text.get(s..e).unwrap_or("").to_string();
            let sdk = DeclaredSdk {
                name: quote.clone(),
                id: Some(id.to_string()),
                ..Default::default()
            };
            ctx.add_sdk(node, sdk, &quote, b);
        }
        // Data categories (not from the permission list's descriptions).
        if !declared_here {
            // A heading inside a permissions section ("#### Location" under
            // "## App Permissions") names a permission.
            let heading_in_permissions = matches!(b.kind, BlockKind::Heading(_))
                && titles_with_permission(nodes.get(node).and_then(|n| n.parent)).is_some();
            for (cat, s, e) in opts.lexicon.find_in(&norm) {
                let quote = text.get(s..e).unwrap_or("");
                let pctx = heading_in_permissions || has_permission_word(sentence_at(text, s));
                ctx.add(node, DeclKind::DataCategory, cat, quote, b, pctx, None);
            }
        }
        bi += 1;
    }

    // 3. Assemble.
    let Ctx {
        mut decls,
        provenance,
        ..
    } = ctx;
    let mut full_end: Vec<usize> = nodes.iter().map(|n| n.end).collect();
    for i in (0..nodes.len()).rev() {
        if let Some(p) = nodes.get(i).and_then(|n| n.parent) {
            let e = full_end.get(i).copied().unwrap_or(0);
            if let Some(pe) = full_end.get_mut(p) {
                *pe = (*pe).max(e);
            }
        }
    }
    let mut clauses = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.dead {
            continue;
        }
        if let Some(d) = decls.remove(&i) {
            clauses.push(Clause {
                id: n.id.clone(),
                title: n.title.clone(),
                android_permissions: d.android,
                ios_usage: d.ios,
                sdks: d.sdks,
                data_categories: d.categories,
                span: Some((n.start, full_end.get(i).copied().unwrap_or(n.end))),
                line: Some(n.line),
            });
        }
    }
    fn build(nodes: &[Node], full_end: &[usize], idx: &[usize]) -> Vec<ClauseNode> {
        idx.iter()
            .filter_map(|&i| nodes.get(i).filter(|n| !n.dead).map(|n| (i, n)))
            .map(|(i, n)| ClauseNode {
                id: n.id.clone(),
                title: n.title.clone(),
                span: (n.start, full_end.get(i).copied().unwrap_or(n.end)),
                line: n.line,
                children: build(nodes, full_end, &n.children),
            })
            .collect()
    }
    let roots: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.parent.is_none())
        .map(|(i, _)| i)
        .collect();
    let tree = build(&nodes, &full_end, &roots);
    let name = blocks
        .first()
        .map(|b| make_title(&b.text))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| source.to_string());
    Draft {
        policy: Policy {
            name,
            source: source.to_string(),
            clauses,
            allow: Vec::new(),
        },
        provenance,
        tree,
        kind,
    }
}

// ---------------------------------------------------------------------------
// TOML output

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// One-line comment text (no newlines, bounded length).
fn comment_text(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 100 {
        format!("{}…", one.chars().take(100).collect::<String>())
    } else {
        one
    }
}

/// Write the draft in the policy-file format (DESIGN.md "The declared
/// policy"), with a `# <clause id>: "<quoted words>"` comment per declaration.
pub fn draft_to_toml(draft: &Draft) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let p = &draft.policy;
    let _ = writeln!(
        out,
        "# Drafted by `privscan policy extract` from {}. Review every entry.",
        comment_text(&p.source)
    );
    let _ = writeln!(
        out,
        "[policy]\nname = {}\nsource = {}\n",
        toml_str(&p.name),
        toml_str(&p.source)
    );
    let quote = |clause: &str, kind: DeclKind, value: &str| -> String {
        draft
            .provenance
            .iter()
            .find(|pr| pr.clause == clause && pr.kind == kind && pr.value == value)
            .map(|pr| {
                format!(
                    "# {}: \"{}\" (line {})",
                    clause,
                    comment_text(&pr.quote),
                    pr.line
                )
            })
            .unwrap_or_else(|| format!("# {clause}"))
    };
    for c in &p.clauses {
        // Where the clause is in the prose (a comment: the policy-file
        // format's `line` is the line in the policy file itself).
        if let (Some(l), Some((s, e))) = (c.line, c.span) {
            let _ = writeln!(
                out,
                "# {}: line {l}, bytes {s}..{e} of {}",
                c.id,
                comment_text(&p.source)
            );
        }
        let _ = writeln!(
            out,
            "[[clause]]\nid = {}\ntitle = {}",
            toml_str(&c.id),
            toml_str(&c.title)
        );
        let mut list = |key: &str, kind: DeclKind, values: &[String]| {
            if values.is_empty() {
                return;
            }
            let _ = writeln!(out, "{key} = [");
            for v in values {
                let _ = writeln!(out, "  {}\n  {},", quote(&c.id, kind, v), toml_str(v));
            }
            let _ = writeln!(out, "]");
        };
        list(
            "android_permissions",
            DeclKind::AndroidPermission,
            &c.android_permissions,
        );
        list("ios_usage", DeclKind::IosUsage, &c.ios_usage);
        list(
            "data_categories",
            DeclKind::DataCategory,
            &c.data_categories,
        );
        if !c.sdks.is_empty() {
            let _ = writeln!(out, "sdks = [");
            for s in &c.sdks {
                let key = s.id.clone().unwrap_or_else(|| s.name.clone());
                let _ = writeln!(out, "  {}", quote(&c.id, DeclKind::Sdk, &key));
                let mut fields = vec![format!("name = {}", toml_str(&s.name))];
                if let Some(v) = &s.vendor {
                    fields.push(format!("vendor = {}", toml_str(v)));
                }
                if !s.data.is_empty() {
                    let d: Vec<String> = s.data.iter().map(|x| toml_str(x)).collect();
                    fields.push(format!("data = [{}]", d.join(", ")));
                }
                if let Some(v) = &s.purpose {
                    fields.push(format!("purpose = {}", toml_str(v)));
                }
                if let Some(v) = &s.id {
                    fields.push(format!("id = {}", toml_str(v)));
                }
                let _ = writeln!(out, "  {{ {} }},", fields.join(", "));
            }
            let _ = writeln!(out, "]");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> PermissionCatalog {
        PermissionCatalog::parse(
            r#"
[[permission]]
name = "android.permission.CAMERA"
protection_level = "dangerous"
category = "camera"
[[permission]]
name = "android.permission.RECORD_AUDIO"
protection_level = "dangerous"
category = "microphone"
[[permission]]
name = "android.permission.READ_MEDIA_IMAGES"
protection_level = "dangerous"
category = "photos"
[[permission]]
name = "android.permission.READ_MEDIA_VIDEO"
protection_level = "dangerous"
category = "photos"
"#,
        )
        .unwrap()
    }

    #[test]
    fn numbering_styles() {
        assert_eq!(
            numbering("III. How We Share").map(|n| (n.0, n.1)),
            Some((Style::Roman, "III".into()))
        );
        assert_eq!(numbering("(A) Sharing").map(|n| n.1), Some("(A)".into()));
        assert_eq!(numbering("（3）位置").map(|n| n.1), Some("(3)".into()));
        assert_eq!(
            numbering("3、位置信息").map(|n| (n.0, n.1)),
            Some((Style::Num, "3".into()))
        );
        assert_eq!(numbering("1.5 million users"), None);
        assert_eq!(numbering("I. am not a heading"), None);
        assert_eq!(numbering("IV.x"), None);
    }

    #[test]
    fn lexicon_whole_words_plural_and_cjk() {
        let lex = Lexicon::embedded();
        let text = "Relocation aside, we use GPS and your Cameras; 通讯录 too";
        let found: Vec<(&str, &str)> = lex
            .find(text)
            .iter()
            .map(|f| (f.0, &text[f.1..f.2]))
            .collect();
        assert_eq!(
            found,
            [
                ("location", "GPS"),
                ("camera", "Cameras"),
                ("contacts", "通讯录")
            ]
        );
        let extra = lex
            .with_extra(
                "[categories]\nlocation = [\"whereabouts trail\"]\n",
                "x.toml",
            )
            .unwrap();
        assert_eq!(
            extra.find("the whereabouts trail").first().map(|f| f.0),
            Some("location")
        );
        assert!(Lexicon::parse("categories = 3", "bad.toml").is_err());
    }

    #[test]
    fn load_extra_adds_phrases_and_reports_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("extra.toml");
        std::fs::write(
            &good,
            "[categories]\nlocation = [\"lbs\"]\nvehicle = [\"licence plate\"]\n",
        )
        .unwrap();
        let lex = Lexicon::load_extra(&good).unwrap();
        let found: Vec<&str> = lex
            .find("LBS and the licence plates")
            .iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(found, ["location", "vehicle"]);
        assert!(
            lex.categories().any(|c| c == "camera"),
            "embedded phrases kept"
        );
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "[categories]\nlocation = 3\n").unwrap();
        let err = Lexicon::load_extra(&bad).unwrap_err().to_string();
        assert!(
            err.contains("bad.toml") && err.contains("not valid"),
            "{err}"
        );
        let missing = Lexicon::load_extra(&dir.path().join("none.toml"))
            .unwrap_err()
            .to_string();
        assert!(missing.contains("cannot read lexicon"), "{missing}");
    }

    #[test]
    fn short_forms_need_context_and_catalog() {
        let cat = catalog();
        let lex = Lexicon::embedded();
        let opts = ExtractOptions {
            permissions: &cat,
            sdk_names: &[],
            lexicon: lex,
        };
        let d = draft(
            "1. Permissions\nWe need CAMERA and `READ_MEDIA_IMAGES` / `VIDEO` / `AUDIO` and FOO_BAR.\n2. Other\nCAMERA shy\n",
            "p.txt",
            &opts,
        );
        let perms: Vec<(&str, &Clause)> = d.policy.android_permissions().collect();
        let names: Vec<&str> = perms.iter().map(|p| p.0).collect();
        assert_eq!(
            names,
            [
                "android.permission.CAMERA",
                "android.permission.READ_MEDIA_IMAGES",
                "android.permission.READ_MEDIA_VIDEO"
            ]
        );
        assert!(perms.iter().all(|p| p.1.id == "1"));
    }

    #[test]
    fn sdk_entries_resolve_and_placeholders_are_not_declared() {
        let cat = catalog();
        let names = [SdkName {
            id: "zego-express".into(),
            names: vec![
                "ZEGO Express".into(),
                "Shenzhen Jigou Technology Co., Ltd.".into(),
            ],
        }];
        let opts = ExtractOptions {
            permissions: &cat,
            sdk_names: &names,
            lexicon: Lexicon::embedded(),
        };
        let text = "I. SDKs\n1. [SDK Name 1]\nCompany Name: [Company Name 1]\nPurpose of the SDK: [SDK Purpose 1]\n2. Jigou\nCompany Name: Shenzhen Jigou Technology Co., Ltd\nTypes of Data Collected by the SDK: IMEI, camera permission\nPurpose of the SDK: live\n";
        let d = draft(text, "p.txt", &opts);
        let sdks: Vec<&DeclaredSdk> = d.policy.sdks().map(|s| s.0).collect();
        assert_eq!(sdks.len(), 1);
        assert_eq!(sdks[0].id.as_deref(), Some("zego-express"));
        assert_eq!(sdks[0].data, ["device-id", "camera"]);
        assert_eq!(d.nodes().len(), 1, "SDK entries are not clauses");
    }

    #[test]
    fn chinese_numbering_sdk_list_and_categories() {
        let cat = catalog();
        let names = [SdkName {
            id: "zego-express".into(),
            names: vec!["ZEGO Express".into(), "即构科技".into()],
        }];
        let opts = ExtractOptions {
            permissions: &cat,
            sdk_names: &names,
            lexicon: Lexicon::embedded(),
        };
        let text = "隐私政策\n一、我们如何收集信息\n（一）位置信息\n1、当您使用附近功能时，我们会申请定位权限。\n（二）第三方SDK\nSDK名称：即构 ZEGO Express SDK\n公司名称：深圳市即构科技有限公司\n收集个人信息类型：设备信息、麦克风\n使用目的：实时音视频\n二、权限\nandroid.permission.CAMERA：相机\n";
        let d = draft(text, "p.txt", &opts);
        let ids: Vec<&str> = d.nodes().iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            ids,
            ["preamble", "一", "一.(一)", "一.(一).1", "一.(二)", "二"]
        );
        let loc: Vec<(&str, &str, bool)> = d
            .provenance
            .iter()
            .filter(|p| p.value == "location")
            .map(|p| (p.clause.as_str(), p.quote.as_str(), p.permission_context))
            .collect();
        assert_eq!(
            loc,
            [("一.(一)", "位置", false), ("一.(一).1", "定位", true)]
        );
        let sdk: Vec<(&str, &str)> = d
            .policy
            .sdks()
            .map(|(s, c)| (s.name.as_str(), c.id.as_str()))
            .collect();
        assert_eq!(sdk, [("即构 ZEGO Express SDK", "一.(二)")]);
        let zego = d.policy.sdks().next().map(|s| s.0.clone()).unwrap();
        assert_eq!(zego.id.as_deref(), Some("zego-express"));
        assert_eq!(zego.data, ["microphone"]);
        assert_eq!(zego.purpose.as_deref(), Some("实时音视频"));
        assert_eq!(
            d.policy.permission_clause().map(|c| c.id.as_str()),
            Some("二")
        );
    }

    #[test]
    fn junk_gives_empty_draft() {
        let cat = catalog();
        let opts = ExtractOptions {
            permissions: &cat,
            sdk_names: &[],
            lexicon: Lexicon::embedded(),
        };
        for junk in ["", "\0\0\u{FFFD}", "((((((", "I.\nII.\n(A)\n1.\n"] {
            let d = draft(junk, "x.bin", &opts);
            assert!(
                d.policy
                    .clauses
                    .iter()
                    .all(|c| c.android_permissions.is_empty())
            );
        }
    }

    #[test]
    fn regexes_compile() {
        assert!(re_ios_label().is_match("Privacy - Camera Usage Description"));
        assert!(is_placeholder("[SDK Name 1]"));
        assert!(is_placeholder("Contact XXX"));
        assert!(!is_placeholder("[Matrix]"));
    }
}
