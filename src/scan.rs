//! The scan pipeline: one artifact path in, one `ArtifactReport` out; many
//! paths in parallel (rayon) into a `ScanReport`. (skeleton)

use crate::limits::Limits;
use crate::policy::Policy;

/// Everything a scan needs besides its inputs.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The declared policy to diff against; `None` reports facts only.
    pub policy: Option<Policy>,
    pub limits: Limits,
    /// Read only the manifest (CI gates that only need permissions).
    pub manifest_only: bool,
}

/// Scan every input. (skeleton)
pub fn scan(_inputs: &[std::path::PathBuf], _config: &Config) -> crate::model::ScanReport {
    crate::model::ScanReport {
        schema_version: crate::model::SCHEMA_VERSION,
        tool: crate::model::ToolInfo {
            name: "privscan".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            catalog_version: String::new(),
        },
        artifacts: Vec::new(),
    }
}
