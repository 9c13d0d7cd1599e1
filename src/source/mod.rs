//! Source-repository mode: a mobile app checkout (Android/Gradle, iOS,
//! Flutter, React Native) scanned before anything is built. (To be filled in.)

use crate::model::{ArtifactError, ArtifactReport};
use crate::scan::Config;
use std::path::Path;

/// `true` when `dir` looks like an app's source checkout rather than a
/// folder of built artifacts.
pub fn is_source_tree(_dir: &Path) -> bool {
    false
}

/// Scan a source checkout, filling `report`.
pub fn scan_source_tree(
    _dir: &Path,
    _config: &Config,
    _report: &mut ArtifactReport,
) -> Result<(), ArtifactError> {
    Err(ArtifactError {
        code: "unsupported".into(),
        message: "source-tree scanning is not supported yet".into(),
    })
}
