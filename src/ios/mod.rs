//! iOS formats: IPA / `.app` bundles (`bundle`), Info.plist and `.strings`
//! (`plist`), PrivacyInfo.xcprivacy (`privacy_manifest`), code-signature
//! blobs with entitlements (`codesign`), and the embedded iOS catalogs
//! (`rules`: usage keys, required-reason APIs).

pub mod bundle;
pub mod codesign;
pub mod plist;
pub mod privacy_manifest;
pub mod rules;

pub use bundle::{BundleSource, DirSource, FrameworkInfo, IosError, IosScan, scan_bundle};
