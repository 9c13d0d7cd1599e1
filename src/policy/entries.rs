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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Name,
    Vendor,
    Data,
    Purpose,
}

/// `"Company Name: Google Inc."` → (Vendor, "Google Inc.").
pub(crate) fn field(text: &str) -> Option<(Field, &str)> {
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
pub(crate) enum Role {
    None,
    /// First block of an SDK entry; `true` when the name is a `SDK Name:` field.
    EntryStart(bool),
    EntryField,
}

pub(crate) fn entry_roles(blocks: &[Block]) -> Vec<Role> {
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
    let text = blocks.get(bi).map(|b| b.text.as_str()).unwrap_or("");
    let name_text = if by_field {
        field(text).map(|f| f.1).unwrap_or("")
    } else {
        numbering(text).map(|n| n.2).unwrap_or(text)
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
                    for (c, _, _) in lexicon.find(v) {
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
