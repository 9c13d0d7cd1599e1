//! The SDK catalog a scan uses, built lazily: a `--manifest-only` scan
//! never pays for compiling the embedded catalog.

use super::sdk::Catalog;

/// Where a scan's SDK catalog comes from. Dereferences to the
/// [`Catalog`]; the embedded one is parsed and its automata compiled on the
/// first dereference (about 60 M instructions, most of a `--manifest-only`
/// scan's cost if done eagerly), so paths that never match SDKs never pay
/// for it. `&CatalogSource` coerces to `&Catalog` wherever one is expected.
#[derive(Debug)]
pub enum CatalogSource {
    /// The catalog embedded in the binary ([`Catalog::embedded`]), built lazily.
    Embedded,
    /// A catalog built by the caller (e.g. with `--rules` extensions).
    Custom(Box<Catalog>),
}

impl std::ops::Deref for CatalogSource {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        match self {
            CatalogSource::Embedded => Catalog::embedded(),
            CatalogSource::Custom(c) => c,
        }
    }
}

impl CatalogSource {
    /// A caller-built catalog, leaked to `'static` for the scan's lifetime
    /// (one per process run).
    pub fn custom(catalog: Catalog) -> &'static CatalogSource {
        Box::leak(Box::new(CatalogSource::Custom(Box::new(catalog))))
    }

    /// The catalog version without building the catalog: every catalog
    /// carries the version of `rules/catalog.toml`.
    pub fn version_label(&self) -> String {
        match self {
            CatalogSource::Embedded => embedded_catalog_version(),
            CatalogSource::Custom(c) => c.version().to_string(),
        }
    }
}

/// The embedded catalog, built on first dereference.
pub static EMBEDDED_CATALOG: CatalogSource = CatalogSource::Embedded;

/// `version` of the embedded `rules/catalog.toml` (the value
/// [`Catalog::version`] reports), read without building the catalog.
fn embedded_catalog_version() -> String {
    #[derive(serde::Deserialize)]
    struct Header {
        version: String,
    }
    toml::from_str::<Header>(super::sdk::CATALOG_TOML)
        .map(|h| h.version)
        .unwrap_or_else(|_| "unknown".into())
}
