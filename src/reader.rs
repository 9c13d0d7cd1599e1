//! What every format reader (`android`, `ios`, `native`, `source`) gets
//! from the pipeline: the resource caps, whether to read only the manifest
//! or Info.plist, and the SDK catalog its detector feeds. Nothing of the
//! policy, the `[[allow]]` list or the date: readers observe, the pipeline
//! (`scan`) diffs.

use crate::limits::Limits;
use crate::rules::lazy::CatalogSource;

/// Options of one read, owned below the readers so they need not import
/// the pipeline's `scan::Config` (see `Config::read_options`).
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Resource caps per artifact.
    pub limits: Limits,
    /// Read only the manifest / Info.plist: no DEX, native code or SDK
    /// detection.
    pub manifest_only: bool,
    /// The SDK catalog (built on first dereference).
    pub catalog: &'static CatalogSource,
}

impl ReadOptions {
    /// The catalog for a string pass over binaries
    /// (`crate::detect::scan_strings`), or `None` with `manifest_only`
    /// (no binary is read for SDK evidence).
    pub fn string_pass(&self) -> Option<&'static CatalogSource> {
        (!self.manifest_only).then_some(self.catalog)
    }
}
