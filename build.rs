//! Embeds every `rules/sdks/*.toml` (sorted by file name) into the binary.
//!
//! Writes `$OUT_DIR/sdk_rules.rs` with one `(name, toml, json)` row per file,
//! so a new vendor file needs no code change. `json` is the file's TOML
//! document converted here to JSON: at run time the embedded catalog is read
//! from it, which is about six times faster than lexing the TOML (1.3 ms
//! against 8 ms for the whole catalog; see docs/performance.md). The schema
//! is still validated at run time, on the same `toml::Table` either way. A
//! rule file that is not valid TOML fails the build, naming the file.

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
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let json_dir = out_dir.join("sdk_json");
    std::fs::create_dir_all(&json_dir).expect("create $OUT_DIR/sdk_json");
    let mut out = String::from(
        "/// `(file name, TOML text, the same document as JSON)` of every embedded SDK rule file, sorted by name.\npub static SDK_RULE_FILES: &[(&str, &str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text =
            std::fs::read_to_string(f).unwrap_or_else(|e| panic!("reading {}: {e}", f.display()));
        let table: toml::Table = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("rules/sdks/{name} is not valid TOML: {e}"));
        let json = serde_json::to_string(&table)
            .unwrap_or_else(|e| panic!("rules/sdks/{name}: cannot convert to JSON: {e}"));
        let json_path = json_dir.join(format!("{name}.json"));
        std::fs::write(&json_path, json).expect("write rule JSON");
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?}), include_str!({:?})),",
            f.display().to_string(),
            json_path.display().to_string()
        );
    }
    out.push_str("];\n");
    std::fs::write(out_dir.join("sdk_rules.rs"), out).expect("write sdk_rules.rs");
}
