//! Regenerates the sample apps in `fixtures/` from the testkit writers:
//! `cargo run --example make_fixtures`. The `fixtures_fresh` test fails when
//! the committed files differ from what this writes.

fn main() -> std::io::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in privscan::testkit::all_fixtures() {
        let path = dir.join(name);
        std::fs::write(&path, &bytes)?;
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}
