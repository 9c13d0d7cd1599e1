//! Embeds every `rules/sdks/*.toml` (sorted by file name) into the binary:
//! writes `$OUT_DIR/sdk_rules.rs` with one `include_str!` per file, so a new
//! vendor file needs no code change.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let dir = root.join("rules").join("sdks");
    println!("cargo:rerun-if-changed=rules/sdks");
    println!("cargo:rerun-if-changed=rules/catalog.toml");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from(
        "/// `(file name, contents)` of every embedded SDK rule file, sorted.\npub static SDK_RULE_FILES: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        );
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("sdk_rules.rs"), out).expect("write sdk_rules.rs");
}
