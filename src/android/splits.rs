//! Split APK sets: `.apks` (bundletool), `.xapk`, `.apkm`, and directories
//! of split APKs, merged into one Android view. (To be filled in.)

use crate::limits::Budget;
use crate::model::{ArtifactError, ArtifactKind, ArtifactReport};
use crate::scan::Config;
use std::path::Path;

/// Scan a split-set archive (`kind` is `Apks` or `Xapk`), filling `report`.
pub fn scan_split_set(
    _data: &[u8],
    kind: ArtifactKind,
    _config: &Config,
    _budget: &Budget,
    _report: &mut ArtifactReport,
) -> Result<(), ArtifactError> {
    Err(ArtifactError {
        code: "unsupported".into(),
        message: format!("{} scanning is not supported yet", kind.as_str()),
    })
}

/// `true` when `dir` is a directory of split APKs (a `base.apk` or
/// several `.apk` files and nothing that makes it a source tree).
pub fn is_split_dir(_dir: &Path) -> bool {
    false
}

/// Scan a directory of split APKs as one app.
pub fn scan_split_dir(
    _dir: &Path,
    _config: &Config,
    _report: &mut ArtifactReport,
) -> Result<(), ArtifactError> {
    Err(ArtifactError {
        code: "unsupported".into(),
        message: "split APK directories are not supported yet".into(),
    })
}
