//! iOS formats: IPA / `.app` bundles, Info.plist, PrivacyInfo.xcprivacy,
//! code-signature blobs (entitlements).

pub mod bundle;
pub mod codesign;
pub mod plist;
pub mod privacy_manifest;
