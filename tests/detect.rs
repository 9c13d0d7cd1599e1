//! Integration tests of SDK detection over the real embedded catalog
//! (`rules/sdks/*.toml`): the catalog loads and validates, every SDK's
//! `[sdk.tests]` positive case detects it and every negative case does not,
//! and `--rules DIR` extensions load and fail with useful errors.

use privscan::detect::run_rule_tests;
use privscan::model::Location;
use privscan::rules::sdk::{Catalog, CatalogError};

#[test]
fn embedded_catalog_loads_and_every_rule_test_passes() {
    let catalog =
        Catalog::try_embedded().unwrap_or_else(|e| panic!("embedded catalog invalid: {e}"));
    let cases: usize = catalog
        .sdks()
        .iter()
        .map(|s| s.tests.positive.len() + s.tests.negative.len())
        .sum();
    eprintln!(
        "catalog {}: {} SDKs, {cases} rule test cases",
        catalog.version(),
        catalog.sdks().len()
    );
    assert!(!catalog.sdks().is_empty(), "no rules/sdks/*.toml embedded");
    let failures = run_rule_tests(&catalog);
    assert!(
        failures.is_empty(),
        "{} failing rule test cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn sdk_names_cover_vendor_aliases() {
    let catalog = Catalog::embedded();
    for (id, own, vendor) in catalog.sdk_names() {
        let sdk = catalog.sdk(&id).unwrap();
        assert_eq!(own[0], sdk.name);
        for a in &sdk.aliases {
            assert!(own.contains(a), "{id}: {a}");
        }
        for a in std::iter::once(&sdk.vendor.name).chain(&sdk.vendor.aliases) {
            assert!(own.contains(a) || vendor.contains(a), "{id}: {a}");
            assert!(
                !vendor.contains(&sdk.name),
                "{id}: own name among vendor names"
            );
        }
    }
}

#[test]
fn extra_rules_dir_extends_and_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"
[vendor]
id = "acme-internal"
name = "ACME"

[[sdk]]
id = "acme-tracker"
name = "ACME Tracker"
category = "analytics"
source = "internal wiki"
[sdk.match]
dex_class = ["com.acmecorp.tracker"]
[sdk.tests]
positive = ["dex_class:com.acmecorp.tracker.T"]
negative = ["dex_class:com.acmecorp.trackers.T"]
"#;
    std::fs::write(dir.path().join("acme-internal.toml"), text).unwrap();
    let catalog = Catalog::load(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(catalog.sdks().len(), Catalog::embedded().sdks().len() + 1);
    let mut det = catalog.detector();
    det.dex_class(
        b"Lcom/acmecorp/tracker/Main;",
        &Location::entry("classes.dex"),
    );
    let found = det.finish();
    assert_eq!(
        found.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        vec!["acme-tracker"]
    );

    std::fs::write(
        dir.path().join("acme-internal.toml"),
        text.replace("source = \"internal wiki\"\n", ""),
    )
    .unwrap();
    let err = Catalog::load(&[dir.path().to_path_buf()]).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, CatalogError::Invalid { .. }), "{msg}");
    assert!(
        msg.contains("acme-internal.toml")
            && msg.contains("acme-tracker")
            && msg.contains("source"),
        "{msg}"
    );
}
