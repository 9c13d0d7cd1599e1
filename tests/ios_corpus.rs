//! The iOS parsers against the shared developer corpus (`../shared/corpus`,
//! answers from independent tools in `*.expected.json`, see EXPECTED.md).
//!
//! Decisions where the oracles reject or disagree (documented per case below):
//! - `plist/rust-plist__ascii-sample.plist`: plistlib and plistutil reject the
//!   OpenStep format; the `plist` crate (like CoreFoundation) reads it, so we parse it.
//! - `plist/rust-plist__xml_error.plist`: every oracle rejects it; so do we.
//! - `plist/rust-plist__binary_zero_offset_size.plist`: plistlib rejects it and
//!   libplist returns nothing (root `NoneType`); we reject it.
//! - `plist/rust-plist__binary_circular_array.plist`: plistlib (≥ 3.7) builds a
//!   recursive list; CoreFoundation rejects cycles (hostile-inputs P2); we reject it.
//! - `macho/ruby-macho__dylib_use_command-weak-delay.bin`: macholib reads the
//!   name at a fixed offset and gets garbage; we follow the command's name
//!   offset like llvm-objdump and LIEF (the expected value).
//! - `macho/ruby-macho__macho-invalid-fat-header` (nfat_arch = 0): llvm-objdump
//!   rejects it, the other tools list no slices; we return `NoArchitectures`.
//! - `macho/ruby-macho__truncated-load-commands.macho`, `...load-cmdsize-too-large`:
//!   the header arch is reported with no dylibs and a warning.

use std::path::{Path, PathBuf};

use privscan::Limits;
use privscan::ios::{plist, privacy_manifest};
use privscan::native::macho;
use serde_json::Value;

fn corpus() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    [local, PathBuf::from("/work/shared/corpus")].into_iter().find(|p| p.is_dir())
}

fn files(kind: &str) -> Vec<(PathBuf, Value)> {
    let Some(root) = corpus() else {
        eprintln!("SKIP: shared corpus not found");
        return Vec::new();
    };
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(root.join(kind)) else { return out };
    for e in rd.flatten() {
        let p = e.path();
        let name = p.to_string_lossy().into_owned();
        if name.ends_with(".expected.json") {
            continue;
        }
        let exp: Value = serde_json::from_slice(&std::fs::read(format!("{name}.expected.json")).unwrap()).unwrap();
        out.push((p, exp));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn macho_dylibs_and_archs_match_expected() {
    let mut checked = 0;
    for (path, exp) in files("macho") {
        let e = &exp["expected"];
        let data = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let got = macho::parse(&data, &name, &Limits::default());
        let archs: Vec<String> = serde_json::from_value(e["archs"].clone()).unwrap();
        match got {
            Err(err) => {
                assert!(archs.is_empty(), "{name}: unexpected error {err}");
                assert!(name.contains("invalid-fat-header"), "{name}: {err}");
            }
            Ok(f) => {
                let got_archs: Vec<&str> = f.slices.iter().map(|s| s.facts.arch.as_str()).collect();
                assert_eq!(got_archs, archs, "{name}: archs");
                let dylibs: Vec<Vec<String>> = serde_json::from_value(e["load_dylibs_by_slice"].clone()).unwrap();
                let got_dylibs: Vec<Vec<String>> = f.slices.iter().map(|s| s.facts.needed.clone()).collect();
                assert_eq!(got_dylibs, dylibs, "{name}: dylibs");
                let cmds: Vec<Vec<String>> = serde_json::from_value(e["load_cmds_by_slice"].clone()).unwrap();
                let got_cmds: Vec<Vec<String>> =
                    f.slices.iter().map(|s| s.load_dylibs.iter().map(|(k, _)| k.to_string()).collect()).collect();
                assert_eq!(got_cmds, cmds, "{name}: load command kinds");
                let ids: Vec<Option<String>> = serde_json::from_value(e["id_dylib_by_slice"].clone()).unwrap();
                let got_ids: Vec<Option<String>> = f.slices.iter().map(|s| s.facts.soname.clone()).collect();
                assert_eq!(got_ids, ids, "{name}: LC_ID_DYLIB");
                if let Some(fat) = e["is_fat"].as_bool() {
                    assert_eq!(f.is_fat, fat, "{name}");
                }
            }
        }
        checked += 1;
    }
    eprintln!("checked {checked} Mach-O files");
}
