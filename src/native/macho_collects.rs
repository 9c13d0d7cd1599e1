//! Code evidence from a Mach-O: the catalogued data APIs
//! (`rules/data-apis.toml`) its ObjC classes, selectors and imported
//! symbols reference. A binary is attributed as a whole (to the SDK whose
//! framework it is, or to the app); the accumulator is `crate::collects`'s.

use crate::collects::{CallSite, CollectAcc, Sites};
use crate::native::macho::MachOSlice;
use crate::rules::data_apis::DataApiCatalog;
use std::collections::HashSet;

/// The data APIs one Mach-O references: ObjC classes it defines or
/// imports (`_OBJC_CLASS_$_X` symbols), selectors it names
/// (`__objc_methname`) and C symbols it imports. `owner` is the SDK the
/// binary belongs to (index into `Catalog::sdks`), `None` for the app.
pub fn scan_macho(
    entry: &str,
    slices: &[MachOSlice],
    owner: Option<usize>,
    apis: &DataApiCatalog,
) -> CollectAcc {
    let mut classes: HashSet<&str> = HashSet::new();
    let mut selectors: HashSet<&str> = HashSet::new();
    let mut symbols: HashSet<&str> = HashSet::new();
    for s in slices {
        classes.extend(s.facts.objc_classes.iter().map(String::as_str));
        selectors.extend(s.objc_selectors.iter().map(String::as_str));
        for sym in &s.facts.imported_symbols {
            symbols.insert(sym);
            if let Some(c) = sym.strip_prefix("_OBJC_CLASS_$_") {
                classes.insert(c);
            }
        }
    }
    let mut acc = CollectAcc::default();
    for (api, evidence) in apis.match_ios(&classes, &selectors, &symbols) {
        let site = CallSite {
            entry: entry.to_string(),
            class: String::new(),
            method: String::new(),
            pc: 0,
        };
        let mut sites = Sites::default();
        sites.add(|| site, (entry, b"", b"", 0));
        acc.add(owner, api, evidence, sites);
    }
    acc
}
