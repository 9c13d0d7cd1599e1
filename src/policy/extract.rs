//! Drafting a declared policy from privacy-policy prose: the assembly.
//!
//! The stages, each a module with one job: markup → blocks (`text`),
//! SDK entries from label lines (`entries`), numbering → clause tree
//! (`numbering`, `clauses`), permissions and iOS keys in a block's text
//! (`perm_match`), SDK names (`sdk_names`), data categories (`lexicon`);
//! this module walks the blocks once and files every declaration under the
//! clause that owns its block, with its provenance. `draft_toml` writes
//! the result as a policy file.
//!
//! Distrusts: the prose. `draft` never fails; junk gives an empty draft.
//! Sources of format facts: Android permission names from
//! `android.Manifest.permission` (via the permission catalog); iOS keys and
//! labels from Apple's Information Property List reference
//! (`rules/ios-usage-labels.toml`).

use super::clauses::{Node, build_tree, full_ends, line_of, public_tree};
use super::entries::{
    Role, entry_roles, entry_sdk, is_permissions_field, mark_kv_tables, table_columns, table_sdk,
};
use super::model::{Clause, DeclaredSdk, Policy};
use super::numbering::make_title;
use super::perm_match::{
    PlainKind, PlainWordScan, android_permissions_in, has_permission_word, ios_keys_in,
    permission_from_heading, row_lists_constants, sentence_at,
};
use super::text::{Block, BlockKind, Coverage, InputKind, to_blocks_with_coverage};
use crate::rules::permissions::PermissionCatalog;
use std::collections::HashMap;

pub use super::draft_json::draft_to_json;
pub use super::draft_toml::draft_to_toml;
pub use super::lexicon::{
    IOS_LABELS_EMBEDDED, IosUsageLabel, LEXICON_EMBEDDED, Lexicon, LexiconError,
    ios_usage_category, ios_usage_labels,
};
use super::norm::{name_key, normalize};
pub use super::patterns::is_placeholder;
pub(crate) use super::patterns::re_placeholder;
pub use super::sdk_names::SdkName;
use super::sdk_names::{SdkResolver, company_in};

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
    /// A permission or iOS key the policy says the app does not access.
    Denial,
}

impl DeclKind {
    /// Short name used in comments: `permission`, `ios key`, `sdk`, `category`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeclKind::AndroidPermission => "permission",
            DeclKind::IosUsage => "ios key",
            DeclKind::Sdk => "sdk",
            DeclKind::DataCategory => "category",
            DeclKind::Denial => "denial",
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
    /// How much of the document's text the blocks kept.
    pub coverage: Coverage,
}

impl Draft {
    /// Number of declarations (permissions, iOS keys, SDKs, data
    /// categories, denials) over all clauses.
    pub fn declarations(&self) -> usize {
        self.policy
            .clauses
            .iter()
            .map(|c| {
                c.android_permissions.len()
                    + c.ios_usage.len()
                    + c.sdks.len()
                    + c.data_categories.len()
                    + c.denies.len()
            })
            .sum()
    }

    /// `true` when the document yielded nothing usable: no declaration at
    /// all. A scan must not diff a build against such a draft.
    pub fn is_empty(&self) -> bool {
        self.declarations() == 0
    }

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

#[derive(Default)]
struct Decls {
    android: Vec<String>,
    ios: Vec<String>,
    sdks: Vec<DeclaredSdk>,
    categories: Vec<String>,
    denies: Vec<String>,
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
            DeclKind::Denial => &mut d.denies,
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
/// Draft a policy from prose. `source` is the file name (used for the
/// policy's `source`, and its extension to pick the markup kind).
pub fn draft(input: &str, source: &str, opts: &ExtractOptions) -> Draft {
    let kind = InputKind::detect(Some(source), input);
    let (mut blocks, coverage) = to_blocks_with_coverage(input, kind);
    mark_kv_tables(&mut blocks);
    let roles = entry_roles(&blocks);
    let mut line_starts = vec![0usize];
    line_starts.extend(memchr::memchr_iter(b'\n', input.as_bytes()).map(|i| i + 1));

    // 1. Clause tree.
    let (nodes, owner) = build_tree(&blocks, &roles, &line_starts);

    // 2. Declarations.
    let resolver = SdkResolver::new(opts.sdk_names);
    let columns = table_columns(&blocks);
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
    let mut plain = PlainWordScan::new();
    let mut bi = 0usize;
    while bi < blocks.len() {
        let (Some(b), Some(Some(node))) = (blocks.get(bi), owner.get(bi).copied()) else {
            bi += 1;
            continue;
        };
        let role = roles.get(bi).copied().unwrap_or(Role::None);
        match role {
            Role::EntryStart(by_field) => {
                // An SDK list entry: this block and its field blocks.
                let (sdk, _) = entry_sdk(&blocks, &roles, bi, by_field, opts.lexicon, &resolver);
                if let Some(sdk) = sdk {
                    let quote = sdk.name.clone();
                    ctx.add_sdk(node, sdk, &quote, b);
                }
                bi += 1;
                continue;
            }
            // An entry's permissions line ("调用权限：存储权限") declares them
            // for the document; its other lines describe the SDK only.
            Role::EntryField if !is_permissions_field(b) => {
                bi += 1;
                continue;
            }
            Role::TableHeader => {
                plain.header(b);
                bi += 1;
                continue;
            }
            Role::TableRow => {
                if let Some(sdk) = table_sdk(b, &columns, opts.lexicon, &resolver) {
                    let quote = sdk.name.clone();
                    ctx.add_sdk(node, sdk, &quote, b);
                }
            }
            _ => {}
        }
        let in_sdk_entry = role != Role::None;
        let text = b.text.as_str();
        let clause_has_perm_title = titles_with_permission(Some(node)).is_some();
        let block_perm_ctx = has_permission_word(text)
            || clause_has_perm_title
            || text.contains('`')
            || row_lists_constants(b, opts.permissions);
        let mut declared_here = false;
        // Android permission constants.
        let mut found_perms = android_permissions_in(text, block_perm_ctx, opts.permissions);
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
            if let Some(cand) = permission_from_heading(text, opts.permissions) {
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
        for (key, quote) in ios_keys_in(text) {
            ctx.add(node, DeclKind::IosUsage, &key, &quote, b, true, None);
            declared_here = true;
        }
        // Permissions in plain words (filed after the walk, below).
        let heads_clause = nodes.get(node).is_some_and(|n| n.start == b.span.0);
        plain.block(
            bi,
            node,
            b,
            clause_has_perm_title,
            heads_clause,
            declared_here,
        );
        // Prose SDK mentions (not inside an entry: the entry is the SDK).
        let norm = normalize(text);
        let mentions = if in_sdk_entry {
            Vec::new()
        } else {
            resolver.mentions_in(text, &norm)
        };
        // A prose statement naming one SDK and its company ("该SDK由“X”提供").
        let company = if mentions.len() == 1 {
            company_in(text)
        } else {
            None
        };
        for (id, s, e) in mentions {
            let quote = text.get(s..e).unwrap_or("").to_string();
            let sdk = DeclaredSdk {
                name: quote.clone(),
                id: Some(id.to_string()),
                vendor: company.clone(),
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

    // Plain-word permissions are the declarations of a document that names
    // no constant; where it does name them (it has a permission list), its
    // prose words are only data categories, so a permission missing from
    // the list is PS103, not silently declared. Denials are always kept.
    let explicit_android = ctx.decls.values().any(|d| !d.android.is_empty());
    let explicit_ios = ctx.decls.values().any(|d| !d.ios.is_empty());
    for p in &plain.found {
        let Some(b) = blocks.get(p.block) else {
            continue;
        };
        // A list entry or table cell in words is part of the enumeration.
        let kind = match p.kind {
            PlainKind::Android if p.entry || !explicit_android => DeclKind::AndroidPermission,
            PlainKind::Ios if p.entry || !explicit_ios => DeclKind::IosUsage,
            PlainKind::Denial => DeclKind::Denial,
            _ => continue,
        };
        ctx.add(p.node, kind, &p.value, &p.quote, b, true, None);
    }

    // 3. Assemble.
    let Ctx {
        mut decls,
        provenance,
        ..
    } = ctx;
    // An SDK named without its company where a later entry of the same
    // document names the company ("高德地图SDK" in 3.1.3, "服务提供商：高德软件
    // 有限公司" in 5.5.1): the document has told the reader who provides it.
    let mut vendors: Vec<(Option<String>, String, String)> = Vec::new();
    let mut order: Vec<usize> = decls.keys().copied().collect();
    order.sort_unstable();
    for d in order.iter().filter_map(|k| decls.get(k)) {
        for sdk in &d.sdks {
            if let Some(v) = &sdk.vendor {
                vendors.push((sdk.id.clone(), name_key(&sdk.name), v.clone()));
            }
        }
    }
    for d in decls.values_mut() {
        for sdk in d.sdks.iter_mut().filter(|s| s.vendor.is_none()) {
            let key = name_key(&sdk.name);
            sdk.vendor = vendors
                .iter()
                .find(|(id, k, _)| match (id, &sdk.id) {
                    (Some(a), Some(b)) => a == b,
                    _ => *k == key,
                })
                .map(|v| v.2.clone());
        }
    }
    let full_end = full_ends(&nodes);
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
                denies: d.denies,
                span: Some((n.start, full_end.get(i).copied().unwrap_or(n.end))),
                line: Some(n.line),
            });
        }
    }
    let tree = public_tree(&nodes, &full_end);
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
        coverage,
    }
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
            names: vec!["ZEGO Express".into()],
            vendor_names: vec!["Shenzhen Jigou Technology Co., Ltd.".into()],
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
            names: vec!["ZEGO Express".into()],
            vendor_names: vec!["即构科技".into()],
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
        assert!(
            super::super::patterns::re_ios_label().is_match("Privacy - Camera Usage Description")
        );
        assert!(is_placeholder("[SDK Name 1]"));
        assert!(is_placeholder("Contact XXX"));
        assert!(!is_placeholder("[Matrix]"));
    }
}
