//! Prose privacy-policy extractor (policy::extract::draft) over arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use privscan::policy::extract::{ExtractOptions, Lexicon, draft};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let opts = ExtractOptions {
        permissions: privscan::rules::permissions::PermissionCatalog::embedded(),
        sdk_names: &[],
        lexicon: Lexicon::embedded(),
    };
    let _ = draft(&text, "policy.md", &opts);
});
