//! iOS formats: IPA / `.app` bundles (`bundle`), Info.plist and `.strings`
//! (`plist`), PrivacyInfo.xcprivacy (`privacy_manifest`), code-signature
//! blobs with entitlements (`codesign`), and the embedded iOS catalogs
//! (`rules`: usage keys, required-reason APIs).
//!
//! How an IPA is scanned (for the README):
//! 1. `bundle::scan_bundle` finds `Payload/<Name>.app/` (or an unzipped
//!    `.app`), the main executable named by `CFBundleExecutable`, app
//!    extensions (`PlugIns/*.appex`, `Extensions/*.appex`), watch apps
//!    (`Watch/*.app`), `Frameworks/*.framework` and `Frameworks/*.dylib`.
//! 2. Every Info.plist (binary, XML or ASCII) gives the bundle id, versions,
//!    minimum OS, every `NS*UsageDescription` purpose string,
//!    `UIBackgroundModes`, `LSApplicationQueriesSchemes` and App Transport
//!    Security exceptions; `<lang>.lproj/InfoPlist.strings` give localized
//!    purpose strings.
//! 3. Every `PrivacyInfo.xcprivacy` is attributed to the innermost bundle
//!    containing it (app, extension or framework).
//! 4. Every Mach-O (thin or fat) gives per slice the architecture, linked
//!    dylibs, imported/exported symbols, ObjC class names and the code
//!    signature's identifier, team id and entitlements (XML or DER).
//! 5. `diff::ios::diff_ios` reports PS102 for purpose strings the policy does
//!    not declare; `diff::ios::precheck` runs the App Store pre-checks:
//!    PS301 (a required-reason API symbol with no `NSPrivacyAccessedAPITypes`
//!    entry in that bundle's privacy manifest, App Store Connect ITMS-91053)
//!    and PS303 (a framework that needs a purpose string is linked but the key
//!    is missing, ITMS-90683).
//!
//! A bad plist, manifest or Mach-O of one bundle is an `EntryError`; the rest
//! of the IPA is still scanned.

pub mod bundle;
pub mod privacy_manifest;
/// The iOS catalogs live with the other catalogs (`crate::rules::ios`);
/// this path is kept for callers of `ios::rules`.
pub use crate::rules::ios as rules;
// The readers below moved to neutral layers (the plist reader is shared with
// `native::codesign`); their old paths stay valid.
pub use crate::native::codesign;
pub use crate::property_list as plist;
pub use crate::property_list::bplist;
pub use crate::property_list::tamper as plist_tamper;
pub mod sdk_package;

pub use bundle::{BundleSource, DirSource, FrameworkInfo, IosError, IosScan, scan_bundle};
pub mod ipa;
