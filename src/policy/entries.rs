//! SDK entries: label lines ("SDK名称：…", "Company Name: …") and the
//! blocks that describe one SDK grouped into one entry.
//!
//! Distrusts: the text; labels are matched case-insensitively, values are
//! kept verbatim.

use super::lexicon::Lexicon;
use super::model::DeclaredSdk;
use super::numbering::numbering;
use super::patterns::is_placeholder;
use super::sdk_names::SdkResolver;
use super::text::Block;
use std::collections::HashSet;

/// What a label or a table column says about an SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// The SDK's name (`SDK名称`, `第三方名称`, `SDK Name`).
    Name,
    /// The company behind it (`公司名称`, `运营方`, `第三方主体`, `Company Name`).
    Vendor,
    /// The personal data it handles (`收集个人信息类型`, `Types of Data Collected`).
    Data,
    /// What it is used for (`使用目的`, `功能`, `Purpose`).
    Purpose,
    /// The permissions it uses (`调用权限`, `Permissions`).
    Permissions,
    /// Its privacy-policy link (`隐私政策链接`, `官网链接`).
    Link,
    /// Its package name (`包名`).
    Package,
}

/// The role a label or a table header cell names, from its words
/// (lower-cased, spaces removed): the Chinese and English labels PIPL
/// SDK lists use. Checked in an order that makes "主体名称" a company,
/// "权限名称" a permission and "收集个人信息类型" data.
pub(crate) fn label_role(label: &str) -> Option<Field> {
    let raw = label.trim();
    // An identifier (`NSCameraUsageDescription`, `READ_PHONE_STATE`,
    // `com.umeng`) is a value, not a label.
    if raw.is_ascii()
        && !raw.contains(' ')
        && (raw.contains(['_', '.'])
            || raw.chars().skip(1).any(|c| c.is_ascii_uppercase())
                && raw.chars().any(|c| c.is_ascii_lowercase()))
        && !raw.eq_ignore_ascii_case("sdk")
    {
        return None;
    }
    let l: String = label
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '`' | '_'))
        .collect();
    let l = l.as_str();
    let n = l.chars().count();
    if n == 0 || n > 40 {
        return None;
    }
    let has = |ws: &[&str]| ws.iter().any(|w| l.contains(w));
    if has(&[
        "链接",
        "link",
        "url",
        "网址",
        "privacypolicy",
        "隐私政策",
        "隐私权政策",
    ]) {
        return Some(Field::Link);
    }
    if has(&["权限", "permission"]) {
        return Some(Field::Permissions);
    }
    if has(&["包名", "package"]) {
        return Some(Field::Package);
    }
    if has(&[
        "个人信息",
        "信息类型",
        "收集",
        "数据",
        "typesofdata",
        "typeofdata",
        "datatype",
        "datacollected",
        "collecteddata",
        "informationcollected",
        "collectedinformation",
        "personalinformation",
        "dataprocessed",
    ]) {
        return Some(Field::Data);
    }
    if has(&[
        "目的", "用途", "功能", "场景", "purpose", "usage", "usedfor",
    ]) {
        return Some(Field::Purpose);
    }
    if has(&[
        "厂商",
        "运营",
        "公司",
        "主体",
        "机构",
        "开发者",
        "提供方",
        "提供商",
        "开发商",
        "company",
        "vendor",
        "provider",
        "developer",
        "operator",
        "manufacturer",
    ]) {
        return Some(Field::Vendor);
    }
    if has(&[
        "sdk",
        "名称",
        "第三方",
        "插件",
        "库名",
        "name",
        "library",
        "thirdparty",
    ]) {
        return Some(Field::Name);
    }
    None
}

/// `"Company Name: Google Inc."` → (Vendor, "Google Inc."); a two-cell
/// table row whose first cell is a label reads the same way.
pub(crate) fn field(text: &str) -> Option<(Field, &str)> {
    let t = text
        .trim_start_matches(['•', '·', '-', '*', ' ', '▪', '●'])
        .trim_start_matches(|c: char| ('①'..='⑳').contains(&c));
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
    if value.starts_with("//") {
        return None; // "https://…"
    }
    let f = match label.as_str() {
        "sdk name" | "name of sdk" | "name of the sdk" | "sdk" | "third-party sdk"
        | "third party sdk" => Field::Name,
        "company name"
        | "company"
        | "vendor"
        | "provider"
        | "developer"
        | "sdk provider"
        | "company name of the sdk" => Field::Vendor,
        l if l.starts_with("types of data")
            || l.starts_with("type of data")
            || l.starts_with("data type")
            || l.starts_with("data collected")
            || l.starts_with("types of personal information")
            || l.starts_with("personal information collected")
            || l.starts_with("information collected")
            || l.starts_with("collected data")
            || l.starts_with("collected information") =>
        {
            Field::Data
        }
        l if l.starts_with("purpose") => Field::Purpose,
        // Chinese labels: "SDK名称", "主体名称", "功能/服务", "调用权限"…
        // (not a sentence ending in a colon: "我们接入的SDK如下：").
        l if !l.is_ascii()
            && l.chars().count() <= 12
            && !["如下", "以下", "我们", "您", "包括", "例如"]
                .iter()
                .any(|w| l.contains(w)) =>
        {
            label_role(l)?
        }
        _ => return None,
    };
    Some((f, value))
}

/// A short `label：value` line whose label names no SDK field ("联系方式：",
/// "备注："): inside an entry it is one more line of the entry, and it never
/// starts an SDK.
pub(crate) fn is_label_line(text: &str) -> bool {
    let t = text.trim_start_matches(['•', '·', '-', '*', ' ', '▪', '●']);
    let Some(p) = t.find(['：', ':']) else {
        return false;
    };
    let label = t.get(..p).unwrap_or("");
    let after = t.get(p..).unwrap_or("");
    let n = label.chars().count();
    (1..=16).contains(&n)
        && !after.starts_with("://")
        && !label.contains(['。', '，', ',', '.', '；', '('])
        && label.split_whitespace().count() <= 4
}

/// An entry's first line can be a name: short, not a sentence, not a
/// label line, not a permission.
fn looks_like_name(text: &str) -> bool {
    let t = super::numbering::numbering(text).map_or(text, |n| n.2);
    t.chars().count() <= 60
        && !t.contains(['。', '，', '；', '？', '！'])
        && !t.trim_end().ends_with([':', '：'])
        && !is_label_line(t)
        && !t.contains("权限")
}

/// A block that is only a URL (the value of a link label on its own line).
fn is_url_line(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("http://") || t.starts_with("https://")) && !t.contains(' ')
}

/// The role of each block in SDK lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    None,
    /// First block of an SDK entry; `true` when the name is a `SDK Name:` field.
    EntryStart(bool),
    EntryField,
    /// The header row of an SDK table (declares nothing itself).
    TableHeader,
    /// A row of an SDK table: the SDK is in its cells.
    TableRow,
}

/// Column roles of each SDK table, by table number: a table is an SDK
/// table when its header row names an SDK column and at least one more
/// SDK field (company, data, purpose, permissions, package, link).
pub(crate) fn table_columns(blocks: &[Block]) -> Vec<(u32, Vec<Option<Field>>)> {
    let mut out: Vec<(u32, Vec<Option<Field>>)> = Vec::new();
    for b in blocks {
        let Some(row) = &b.row else { continue };
        if !row.header || out.iter().any(|t| t.0 == row.table) {
            continue;
        }
        let cols: Vec<Option<Field>> = row.cells.iter().map(|c| label_role(c)).collect();
        let names = cols.iter().filter(|c| **c == Some(Field::Name)).count();
        let others = cols
            .iter()
            .filter(|c| c.is_some_and(|f| f != Field::Name))
            .count();
        if names >= 1 && others >= 1 {
            out.push((row.table, cols));
        }
    }
    out
}

/// `true` for a permissions line of an entry ("调用权限：…", "Permissions: …").
pub(crate) fn is_permissions_field(b: &Block) -> bool {
    matches!(block_field(b), Some((Field::Permissions, _)))
}

/// The field of a block: a label line, or a two-cell row whose first cell
/// is a label (key-value tables).
fn block_field(b: &Block) -> Option<(Field, &str)> {
    if let Some(row) = &b.row {
        // Only rows of a key-value table (see `kv_row`) read as labels.
        return match row.cells.as_slice() {
            [k, v] if row.kv => label_role(k).map(|f| (f, v.as_str())),
            _ => None,
        };
    }
    field(&b.text)
}

/// Mark the rows of key-value tables: two columns whose first row is a
/// label and a value (`SDK名称 | 友盟`), not a header of two labels
/// (`收集的个人信息 | 收集目的`).
pub(crate) fn mark_kv_tables(blocks: &mut [Block]) {
    let mut kv: Vec<u32> = Vec::new();
    for b in blocks.iter() {
        if let Some(row) = &b.row
            && row.index == 0
            && let [k, v] = row.cells.as_slice()
            && label_role(k).is_some()
            && label_role(v).is_none()
        {
            kv.push(row.table);
        }
    }
    for b in blocks.iter_mut() {
        if let Some(row) = &mut b.row {
            row.kv = kv.contains(&row.table);
        }
    }
}

pub(crate) fn entry_roles(blocks: &[Block]) -> Vec<Role> {
    let mut roles = vec![Role::None; blocks.len()];
    let tables = table_columns(blocks);
    for (i, b) in blocks.iter().enumerate() {
        if let Some(row) = &b.row
            && tables.iter().any(|t| t.0 == row.table)
            && let Some(r) = roles.get_mut(i)
        {
            *r = if row.header {
                Role::TableHeader
            } else {
                Role::TableRow
            };
        }
    }
    let mut i = 0usize;
    while i < blocks.len() {
        let Some(b) = blocks.get(i) else { break };
        if roles.get(i) != Some(&Role::None) {
            i += 1;
            continue;
        }
        let this = block_field(b);
        let next = blocks.get(i + 1).and_then(block_field).map(|f| f.0);
        let start = match this {
            Some((Field::Name, _)) => Some(true),
            Some(_) => None,
            // An unknown label ("联系方式：…") never starts an SDK.
            None if is_label_line(&b.text) => None,
            None if b.text.chars().count() <= 100
                && matches!(
                    next,
                    Some(
                        Field::Vendor
                            | Field::Data
                            | Field::Purpose
                            | Field::Permissions
                            | Field::Package
                    )
                ) =>
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
        let mut has_vendor = false;
        let mut known = 0usize;
        while let Some(nb) = blocks.get(j) {
            if roles.get(j) != Some(&Role::None) {
                break;
            }
            match block_field(nb) {
                Some((Field::Name, _)) => break,
                Some((f, _)) => {
                    describes |= f != Field::Vendor;
                    has_vendor |= f == Field::Vendor;
                    known += 1;
                    j += 1;
                }
                // An unknown label or a link's URL on its own line stays in
                // the entry, once the entry has a known field.
                None if known > 0 && (is_label_line(&nb.text) || is_url_line(&nb.text)) => {
                    j += 1;
                }
                None => break,
            }
        }
        // "Contact / Developer: X / Email: ..." is not an SDK entry: an entry
        // names its data or purpose (or is introduced by "SDK Name:").
        let name_ok = b.text.chars().any(char::is_alphabetic) && looks_like_name(&b.text);
        // A line that is not a label names an SDK only when its company
        // follows or it says it is one ("①微信开放平台SDK", "2. Firebase"
        // with "Company Name:"): a list of permissions or purposes with
        // labels ("（3）定位权限：…") is not an SDK list.
        let says_sdk = b.text.to_lowercase().contains("sdk");
        if !(by_field || describes && name_ok && (has_vendor || says_sdk)) {
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

/// The SDK a row of an SDK table names: the cells of its name, company,
/// purpose and data columns (`columns` from `table_columns`).
pub(crate) fn table_sdk(
    block: &Block,
    columns: &[(u32, Vec<Option<Field>>)],
    lexicon: &Lexicon,
    resolver: &SdkResolver,
) -> Option<DeclaredSdk> {
    let row = block.row.as_ref()?;
    let cols = &columns.iter().find(|t| t.0 == row.table)?.1;
    let cell = |want: Field| -> Option<&str> {
        cols.iter()
            .zip(&row.cells)
            .find(|(c, v)| **c == Some(want) && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    };
    let name = cell(Field::Name)?;
    if is_placeholder(name) || name.chars().all(|c| !c.is_alphanumeric()) {
        return None;
    }
    let mut sdk = DeclaredSdk {
        name: name.to_string(),
        vendor: cell(Field::Vendor)
            .filter(|v| !is_placeholder(v))
            .map(str::to_string),
        purpose: cell(Field::Purpose).map(str::to_string),
        ..Default::default()
    };
    if let Some(d) = cell(Field::Data) {
        for (c, _, _) in lexicon.find(d) {
            if !sdk.data.iter().any(|x| x == c) {
                sdk.data.push(c.to_string());
            }
        }
    }
    let package = cell(Field::Package).unwrap_or("");
    sdk.id = resolve_entry(resolver, &sdk.name, sdk.vendor.as_deref()).or_else(|| {
        (!package.is_empty())
            .then(|| resolver.resolve(package))
            .flatten()
            .map(str::to_string)
    });
    Some(sdk)
}

/// The SDK entry starting at block `bi` (an `EntryStart` role): its name,
/// vendor, purpose and data categories from its field blocks, resolved
/// against the catalog. Returns the entry (`None` for a placeholder or an
/// empty name) and the index of the first block after it.
pub(crate) fn entry_sdk(
    blocks: &[Block],
    roles: &[Role],
    bi: usize,
    by_field: bool,
    lexicon: &Lexicon,
    resolver: &SdkResolver,
) -> (Option<DeclaredSdk>, usize) {
    let block = blocks.get(bi);
    let text = block.map(|b| b.text.as_str()).unwrap_or("");
    let name_text = if by_field {
        block.and_then(block_field).map(|f| f.1).unwrap_or("")
    } else {
        numbering(text).map(|n| n.2).unwrap_or(text)
    };
    let mut sdk = DeclaredSdk {
        name: name_text.trim().to_string(),
        ..Default::default()
    };
    let mut j = bi + 1;
    while roles.get(j) == Some(&Role::EntryField) {
        if let Some((f, v)) = blocks.get(j).and_then(block_field) {
            match f {
                Field::Vendor if sdk.vendor.is_none() => sdk.vendor = Some(v.to_string()),
                Field::Purpose => sdk.purpose = Some(v.to_string()),
                Field::Data => {
                    for (c, _, _) in lexicon.find(v) {
                        if !sdk.data.iter().any(|d| d == c) {
                            sdk.data.push(c.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
        j += 1;
    }
    if is_placeholder(&sdk.name) || sdk.name.is_empty() {
        return (None, j);
    }
    sdk.id = resolve_entry(resolver, &sdk.name, sdk.vendor.as_deref());
    (Some(sdk), j)
}

/// The catalog id of an entry named `name` with company `vendor`: the name,
/// else the company, else the one catalog name inside the name ("即构 ZEGO
/// Express SDK"), else inside the company name.
pub(crate) fn resolve_entry(
    resolver: &SdkResolver,
    name: &str,
    vendor: Option<&str>,
) -> Option<String> {
    resolver
        .resolve(name)
        .or_else(|| {
            vendor
                .filter(|v| !is_placeholder(v))
                .and_then(|v| resolver.resolve(v))
        })
        .or_else(|| {
            let single = |t: &str| {
                let ids: HashSet<&str> = resolver.mentions(t).into_iter().map(|m| m.0).collect();
                if ids.len() == 1 {
                    ids.into_iter().next()
                } else {
                    None
                }
            };
            single(name).or_else(|| vendor.and_then(single))
        })
        .map(str::to_string)
}
