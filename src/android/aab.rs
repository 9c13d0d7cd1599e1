//! Android App Bundles (`.aab`): per-module protobuf manifests (aapt2
//! `XmlNode`), `resources.pb`, DEX and native libraries. (To be filled in.)

use crate::limits::Budget;
use crate::model::{ArtifactError, ArtifactReport};
use crate::scan::Config;

/// Scan an AAB held in `data`, filling `report`.
pub fn scan_aab(
    _data: &[u8],
    _config: &Config,
    _budget: &Budget,
    _report: &mut ArtifactReport,
) -> Result<(), ArtifactError> {
    Err(ArtifactError {
        code: "unsupported".into(),
        message: "AAB scanning is not supported yet".into(),
    })
}
