//! Code evidence from DEX bytecode: every call site of a catalogued data
//! API (`rules/data-apis.toml`), attributed to the SDK whose `dex_class`
//! prefix owns the calling class ([`crate::collects::dex_class_owner`]) or
//! to the app. The accumulator and its bounds are `crate::collects`'s;
//! the bytecode walk is [`crate::android::dex_code`]'s.

use crate::android::dex::{DexError, DexFile, descriptor_to_dotted, mutf8_to_string};
use crate::android::dex_code::{self, RefKind, WalkStats};
use crate::collects::{CallSite, CollectAcc, Sites, dex_class_owner};
use crate::rules::data_apis::DataApiCatalog;
use crate::rules::sdk::Catalog;
use std::collections::HashMap;

const NONE: u32 = u32::MAX;

/// Walk the code of `dex` (entry name `entry`) and collect every call site
/// of a catalogued data API. Returns the evidence and the walk's stats
/// (check [`WalkStats::complete`]: an incomplete walk must be reported).
///
/// Errors: `method_ids` or `field_ids` past the end of the file.
pub fn scan_dex(
    dex: &DexFile<'_>,
    entry: &str,
    catalog: &Catalog,
    apis: &DataApiCatalog,
) -> Result<(CollectAcc, WalkStats), DexError> {
    let idx = dex_code::index(dex)?;
    // Matched references: (api, text); per-member slots index into it.
    let mut hits: Vec<(usize, String)> = Vec::new();
    let mut type_memo: HashMap<u32, (bool, bool)> = HashMap::new();
    let mut class_flags = |class_idx: u32| -> (bool, bool) {
        *type_memo.entry(class_idx).or_insert_with(|| {
            dex.type_descriptor(class_idx)
                .map(|d| (apis.has_method_class(d), apis.has_field_class(d)))
                .unwrap_or((false, false))
        })
    };
    let mut method_hit = vec![NONE; idx.method_count() as usize];
    for (m, slot) in method_hit.iter_mut().enumerate() {
        let Some(c) = idx.method_class_idx(m as u32) else {
            break;
        };
        if !class_flags(c).0 {
            continue;
        }
        if let Ok((class, name)) = idx.method_ref(m as u32)
            && let Some(api) = apis.match_method(class, name)
        {
            *slot = hits.len() as u32;
            hits.push((
                api,
                format!("{}->{}", mutf8_to_string(class), mutf8_to_string(name)),
            ));
        }
    }
    let mut field_hit = vec![NONE; idx.field_count() as usize];
    for (f, slot) in field_hit.iter_mut().enumerate() {
        let Some(c) = idx.field_class_idx(f as u32) else {
            break;
        };
        if !class_flags(c).1 {
            continue;
        }
        if let Ok((class, name)) = idx.field_ref(f as u32)
            && let Some(api) = apis.match_field(class, name)
        {
            *slot = hits.len() as u32;
            hits.push((
                api,
                format!("{}->{}", mutf8_to_string(class), mutf8_to_string(name)),
            ));
        }
    }
    let mut string_memo: HashMap<u32, u32> = HashMap::new();
    // Per class with a hit: owner and dotted name (computed once per class).
    let mut owners: HashMap<u32, (Option<usize>, String)> = HashMap::new();
    // Per (owner, hit): no allocation per call site.
    let mut per: HashMap<(Option<usize>, u32), Sites> = HashMap::new();
    let stats = idx.walk(&mut |caller, r| {
        let hit = match r.kind {
            RefKind::ConstString => *string_memo.entry(r.index).or_insert_with(|| {
                match dex.string(r.index).ok().and_then(|s| apis.match_string(s)) {
                    Some(api) => {
                        let s = dex.string(r.index).map(mutf8_to_string).unwrap_or_default();
                        hits.push((api, format!("const-string \"{s}\"")));
                        (hits.len() - 1) as u32
                    }
                    None => NONE,
                }
            }),
            k if k.is_method() => method_hit.get(r.index as usize).copied().unwrap_or(NONE),
            k if k.is_field() => field_hit.get(r.index as usize).copied().unwrap_or(NONE),
            _ => NONE,
        };
        if hit == NONE {
            return;
        }
        let (owner, class) = owners.entry(caller.class_def).or_insert_with(|| {
            let d = dex.type_descriptor(caller.class_idx).unwrap_or_default();
            (dex_class_owner(catalog, d), descriptor_to_dotted(d))
        });
        let method = idx
            .method_ref(caller.method_idx)
            .map(|m| m.1)
            .unwrap_or_default();
        per.entry((*owner, hit)).or_default().add(
            || CallSite {
                entry: entry.to_string(),
                class: class.clone(),
                method: mutf8_to_string(method),
                pc: r.pc,
            },
            (entry, class.as_bytes(), method, r.pc),
        );
    });
    let mut acc = CollectAcc::default();
    for ((owner, hit), a) in per {
        if let Some((api, reference)) = hits.get(hit as usize) {
            acc.add(owner, *api, reference.clone(), a);
        }
    }
    Ok((acc, stats))
}
