//! The data model every stage shares: what was observed in an artifact
//! (`Facts`), where it was seen (`Location`), what was found wrong
//! (`Finding`) and the per-artifact and whole-run reports.
//!
//! These types *are* the JSON contract of `../shared/DESIGN.md` ("JSON
//! contract"): field names are serialized as written here. Add fields freely;
//! renaming one needs a `SCHEMA_VERSION` bump.

use serde::{Deserialize, Serialize};

mod sdk;
pub mod store;

pub use sdk::*;

/// Version of the JSON report layout. Bumped only on a breaking rename.
pub const SCHEMA_VERSION: u32 = 1;

/// Where a fact or a finding's evidence was seen.
///
/// `entry` is the archive member (`AndroidManifest.xml`, `lib/arm64-v8a/libfoo.so`)
/// or, for a loose file or a source tree, the path relative to the scanned root.
/// `detail` narrows it down: an XML element path (`manifest/uses-permission[3]`),
/// a byte offset (`offset 0x1c40`), a symbol or class name. `line` is a 1-based
/// line number for text inputs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Location {
    /// Archive member name or path relative to the scanned root; `""` for a loose file scanned on its own.
    pub entry: String,
    /// Position inside the entry (element path, `offset 0x..`, symbol or class name); `None` when the entry alone is the location.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail: Option<String>,
    /// 1-based line number for text inputs; `None` for binary inputs.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u32>,
}

impl Location {
    /// A location naming only an entry.
    pub fn entry(entry: impl Into<String>) -> Self {
        Location {
            entry: entry.into(),
            detail: None,
            line: None,
        }
    }
    /// A location naming an entry and a detail inside it.
    pub fn detail(entry: impl Into<String>, detail: impl Into<String>) -> Self {
        Location {
            entry: entry.into(),
            detail: Some(detail.into()),
            line: None,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.entry)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(d) = &self.detail {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}

/// What kind of input an artifact is, decided from magic bytes and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArtifactKind {
    /// Android package (zip with `AndroidManifest.xml` at the root).
    Apk,
    /// Android App Bundle (zip with `base/manifest/AndroidManifest.xml`, protobuf manifests).
    Aab,
    /// Split APK set: an `.apks` zip of APKs (`toc.pb`) or a directory of split APKs.
    Apks,
    /// XAPK/APKM: a zip of APKs plus `manifest.json`, as third-party stores ship them.
    Xapk,
    /// iOS app archive (zip with `Payload/*.app`).
    Ipa,
    /// An unzipped `.app` bundle directory.
    App,
    /// A source tree (directory scanned file by file).
    Source,
    /// A loose `AndroidManifest.xml`, binary AXML or text XML.
    Manifest,
    /// A loose property list (XML or binary `bplist00`).
    Plist,
    /// A loose DEX file (`dex\n0xx` magic).
    Dex,
    /// A loose ELF shared object or executable (`\x7fELF` magic).
    Elf,
    /// A loose Mach-O binary, thin or fat/universal.
    Macho,
    /// An Android library (`.aar` zip, or the same layout unpacked in a folder).
    Aar,
    /// A Java archive (`.jar`): class entries, nested jars.
    Jar,
    /// A static library: an `ar` archive (`!<arch>`), or a fat file whose slices are.
    #[serde(rename = "staticlib")]
    StaticLib,
    /// A `.framework` folder (Info.plist, binary, privacy manifest).
    Framework,
    /// An `.xcframework` folder (`Info.plist` `AvailableLibraries`).
    Xcframework,
}

impl ArtifactKind {
    /// Lower-case name used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactKind::Apk => "apk",
            ArtifactKind::Aab => "aab",
            ArtifactKind::Apks => "apks",
            ArtifactKind::Xapk => "xapk",
            ArtifactKind::Ipa => "ipa",
            ArtifactKind::App => "app",
            ArtifactKind::Source => "source",
            ArtifactKind::Manifest => "manifest",
            ArtifactKind::Plist => "plist",
            ArtifactKind::Dex => "dex",
            ArtifactKind::Elf => "elf",
            ArtifactKind::Macho => "macho",
            ArtifactKind::Aar => "aar",
            ArtifactKind::Jar => "jar",
            ArtifactKind::StaticLib => "staticlib",
            ArtifactKind::Framework => "framework",
            ArtifactKind::Xcframework => "xcframework",
        }
    }
}

/// An API level as written in a manifest: a number, a pre-release codename
/// (`VanillaIceCream`, as aapt writes for preview SDKs) or an unresolved
/// resource reference (`@0x7f050022`). Serialized as a JSON number for `Api`
/// and as a string otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SdkLevel {
    /// A numeric API level (e.g. `34`).
    Api(u32),
    /// A pre-release codename or an unresolved `@0x...` resource reference, kept verbatim.
    Other(String),
}

impl SdkLevel {
    /// The numeric API level, if this is one.
    pub fn api(&self) -> Option<u32> {
        match self {
            SdkLevel::Api(n) => Some(*n),
            SdkLevel::Other(_) => None,
        }
    }
}

impl std::fmt::Display for SdkLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SdkLevel::Api(n) => write!(f, "{n}"),
            SdkLevel::Other(s) => f.write_str(s),
        }
    }
}

/// Element that requested a permission (AOSP `core/res/res/values/attrs_manifest.xml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UsesPermissionTag {
    /// Plain `<uses-permission>`: requested on every API level (up to `maxSdkVersion`).
    #[serde(rename = "uses-permission")]
    UsesPermission,
    /// Granted only on API 23+; some tools drop these, Android grants them.
    #[serde(rename = "uses-permission-sdk-23")]
    UsesPermissionSdk23,
}

/// One `<uses-permission>` / `<uses-permission-sdk-23>` element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsesPermission {
    /// Permission name as written, e.g. `android.permission.CAMERA` (not normalised).
    pub name: String,
    /// Which element requested it.
    pub tag: UsesPermissionTag,
    /// `android:maxSdkVersion`, when present.
    pub max_sdk_version: Option<SdkLevel>,
    /// SDK ids (catalog `id`) whose catalog entry says they merge this
    /// permission into the manifest (filled by SDK detection).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added_by: Vec<String>,
    /// The element in the manifest (entry and XML element path).
    pub location: Location,
}

/// Which platform mechanism added an [`ImpliedPermission`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImpliedRule {
    /// `CompatibilityPermissionInfo.COMPAT_PERMS` (formerly
    /// `PackageParser.NEW_PERMISSIONS`): added for a low `targetSdkVersion`.
    #[serde(rename = "compat-permission")]
    Compat,
    /// A `<split-permission>` of `frameworks/base/data/etc/platform.xml`:
    /// added because the app requests the permission that was split.
    #[serde(rename = "split-permission")]
    Split,
}

/// A permission Android adds to the requested set at parse time
/// (`ParsingPackageUtils.convertCompatPermissions` /
/// `convertSplitPermissions`), so the app is granted it although no
/// `uses-permission` names it. Filled by `crate::android::implied` from the
/// rules in `rules/implied-permissions.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpliedPermission {
    /// The added permission, e.g. `android.permission.ACCESS_BACKGROUND_LOCATION`.
    pub name: String,
    /// The mechanism that adds it.
    pub rule: ImpliedRule,
    /// For a split: the requested permission that was split (`ACCESS_FINE_LOCATION`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The rule applies to apps whose `targetSdkVersion` is below this API
    /// level; `None` when it applies to every app (a split without `targetSdk`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_sdk_below: Option<u32>,
    /// Lowest device API level that grants it: the level that added the
    /// permission, or 23 when the source is only `uses-permission-sdk-23`.
    pub min_api: u32,
    /// Highest device API level that grants it (the source's
    /// `maxSdkVersion`); `None` for every level from `min_api` on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_api: Option<u32>,
    /// The AOSP rule, e.g. `platform.xml <split-permission ...>`.
    pub source: String,
    /// Evidence: the source's `uses-permission` element, or `<uses-sdk>` for a compat rule.
    pub location: Location,
}

/// One `<permission>` definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermissionDef {
    /// Permission name being defined, e.g. `com.example.permission.C2D_MESSAGE`.
    pub name: String,
    /// Flag names joined with `|` (`signature|privileged`), as aapt prints
    /// them; `None` when the attribute is absent (Android's default is `normal`).
    pub protection_level: Option<String>,
    /// The element in the manifest (entry and XML element path).
    pub location: Location,
}

/// Kind of an application component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    /// `<activity>`.
    Activity,
    /// `<activity-alias>`.
    ActivityAlias,
    /// `<service>`.
    Service,
    /// `<receiver>` (broadcast receiver).
    Receiver,
    /// `<provider>` (content provider).
    Provider,
}

impl ComponentKind {
    /// The manifest element name.
    pub fn tag(self) -> &'static str {
        match self {
            ComponentKind::Activity => "activity",
            ComponentKind::ActivityAlias => "activity-alias",
            ComponentKind::Service => "service",
            ComponentKind::Receiver => "receiver",
            ComponentKind::Provider => "provider",
        }
    }
}

/// An `<activity>`, `<activity-alias>`, `<service>`, `<receiver>` or `<provider>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// Which element declared the component.
    pub kind: ComponentKind,
    /// Fully-qualified class name (`.Main` and `Main` are prefixed with the package).
    pub name: String,
    /// Effective export state: the explicit `android:exported`, else `true`
    /// when the component has an intent-filter (the pre-API-31 default), else
    /// `false`. Providers default to exported below API 17.
    pub exported: bool,
    /// The raw `android:exported` value, `None` when absent.
    pub exported_explicit: Option<bool>,
    /// Whether the component has at least one `<intent-filter>` child.
    pub has_intent_filter: bool,
    /// `android:permission` a caller must hold; `None` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// Provider `android:authorities`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorities: Option<String>,
    /// The element in the manifest (entry and XML element path).
    pub location: Location,
}

/// A `<meta-data>` element (under `<application>` or a component).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetaData {
    /// `android:name`, e.g. `com.google.android.gms.ads.APPLICATION_ID`.
    pub name: String,
    /// `android:value` as a string (typed values printed as aapt does); `None` when absent.
    pub value: Option<String>,
    /// `android:resource`, as `@0x7f..` when unresolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The element in the manifest (entry and XML element path).
    pub location: Location,
}

/// A `<uses-feature>` element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsesFeature {
    /// Feature name; `None` for a `glEsVersion`-only element.
    pub name: Option<String>,
    /// `android:required`, default `true`.
    pub required: bool,
    /// The element in the manifest (entry and XML element path).
    pub location: Location,
}

/// `<application>` flags relevant to a privacy review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ApplicationFlags {
    /// `android:debuggable`; `None` when absent (release default: `false`).
    pub debuggable: Option<bool>,
    /// `android:allowBackup`; `None` when absent (Android's default: `true`).
    pub allow_backup: Option<bool>,
    /// `android:usesCleartextTraffic`; `None` when absent (Android's default: `true` when targeting API < 28, else `false`).
    pub uses_cleartext_traffic: Option<bool>,
    /// `android:label` (string, or `@0x..` when the resource is unresolved); `None` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `android:name`: the `Application` subclass, `None` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Everything read from one AndroidManifest.xml (binary, text or protobuf).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AndroidManifest {
    /// `<manifest package>`: the application id; `None` when absent (e.g. a broken manifest).
    pub package: Option<String>,
    /// `android:versionCode` (with `versionCodeMajor` in the high 32 bits when present); `None` when absent.
    pub version_code: Option<u64>,
    /// `android:versionName`; `None` when absent.
    pub version_name: Option<String>,
    /// `<uses-sdk android:minSdkVersion>`; `None` when absent (Android then assumes 1).
    pub min_sdk: Option<SdkLevel>,
    /// `<uses-sdk android:targetSdkVersion>`; `None` when absent (Android then uses `minSdkVersion`).
    pub target_sdk: Option<SdkLevel>,
    /// `<uses-sdk android:maxSdkVersion>`; `None` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_sdk: Option<SdkLevel>,
    /// `android:compileSdkVersion` on `<manifest>`; `None` when absent (older build tools do not write it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compile_sdk: Option<SdkLevel>,
    /// `split` attribute of a split APK's manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    /// Every `<uses-permission>` and `<uses-permission-sdk-23>`, in document order (duplicates kept).
    pub uses_permissions: Vec<UsesPermission>,
    /// `<permission>` elements: permissions the app itself defines.
    pub permissions: Vec<PermissionDef>,
    /// Activities, aliases, services, receivers and providers under `<application>`.
    pub components: Vec<Component>,
    /// `<meta-data>` elements, from `<application>` and its components.
    pub meta_data: Vec<MetaData>,
    /// `<uses-feature>` elements.
    pub uses_features: Vec<UsesFeature>,
    /// Package names listed under `<queries>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queries_packages: Vec<String>,
    /// Flags of the `<application>` element; all `None` when it is absent.
    pub application: ApplicationFlags,
    /// Permissions Android grants without a `uses-permission` (implied by a
    /// low `targetSdkVersion` or split from a requested permission), in the
    /// order the platform adds them. Empty when none apply or the
    /// `targetSdkVersion` is unresolved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implied_permissions: Vec<ImpliedPermission>,
}

/// One module of an AAB or one APK of a split set (issue: AAB/split APKs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AndroidModule {
    /// `base`, a feature module name, or a split name such as `config.arm64_v8a`.
    pub name: String,
    /// The module's own manifest facts (flattened into the module object in JSON).
    #[serde(flatten)]
    pub manifest: AndroidManifest,
}

/// Android facts of an artifact: the merged view plus per-module views.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AndroidFacts {
    /// The merged view: the base manifest plus what split/feature modules add (flattened in JSON).
    #[serde(flatten)]
    pub manifest: AndroidManifest,
    /// Per-module views for AABs and split sets; empty for a single APK.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<AndroidModule>,
}

/// Severity of a finding, ordered `Info < Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational, no action needed (e.g. a stale policy entry).
    Info,
    /// Minor issue.
    Low,
    /// Should be fixed before release.
    Medium,
    /// A likely store-review or regulatory violation.
    High,
}

impl Severity {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The policy clause a finding violates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClauseRef {
    /// The policy's own numbering, e.g. `III.(D)`.
    pub id: String,
    /// Heading text of the clause, e.g. `Permissions we request`.
    pub title: String,
    /// 1-based line of the clause in the policy file; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// One problem found: an undeclared permission, an undeclared SDK, a missing
/// privacy-manifest entry, a tampered archive...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Finding code, e.g. `PS101` (see `crate::findings`).
    pub code: String,
    /// Severity: the code's default from `crate::findings`, possibly refined per finding.
    pub severity: Severity,
    /// What the finding is about: a permission name, SDK id, usage key...
    pub subject: String,
    /// Human-readable one-line explanation naming the subject and the clause.
    pub message: String,
    /// The violated policy clause; `None` when no policy was given or the code has no clause.
    pub clause: Option<ClauseRef>,
    /// Where the evidence was seen; may be empty for policy-only findings.
    pub evidence: Vec<Location>,
}

/// A problem reading one entry of an artifact that did not stop the scan of
/// the rest (a corrupt native library, an unreadable plist...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryError {
    /// Archive member (or relative path) that failed.
    pub entry: String,
    /// What went wrong, with the byte offset when known.
    pub message: String,
}

/// Why an artifact could not be scanned at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtifactError {
    /// Stable machine-readable code, e.g. `zip`, `axml`, `limit`, `io`.
    pub code: String,
    /// Human-readable description, prefixed with the artifact path.
    pub message: String,
}

/// One `NS*UsageDescription` key of an Info.plist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageDescription {
    /// Info.plist key, e.g. `NSCameraUsageDescription`.
    pub key: String,
    /// The purpose string shown to the user; empty when the plist value is not a string.
    pub text: String,
    /// Bundle the key belongs to (the app, or an `.appex` extension).
    pub location: Location,
}

/// An `NSPrivacyAccessedAPITypes` entry of a privacy manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessedApiType {
    /// e.g. `NSPrivacyAccessedAPICategoryFileTimestamp`.
    pub category: String,
    /// Approved reason codes, e.g. `C617.1`.
    pub reasons: Vec<String>,
}

/// One `PrivacyInfo.xcprivacy` (Apple: "Privacy manifest files").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PrivacyManifest {
    /// Archive member the manifest was read from, e.g. `Payload/App.app/PrivacyInfo.xcprivacy`.
    pub entry: String,
    /// `NSPrivacyTracking`; `false` when absent.
    pub tracking: bool,
    /// `NSPrivacyTrackingDomains`; empty when absent.
    pub tracking_domains: Vec<String>,
    /// `NSPrivacyAccessedAPITypes` entries; empty when absent.
    pub accessed_api_types: Vec<AccessedApiType>,
    /// `NSPrivacyCollectedDataType` values, e.g. `NSPrivacyCollectedDataTypeEmailAddress`.
    pub collected_data_types: Vec<String>,
    /// `NSPrivacyCollectedDataTypes` entries with their flags and purposes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collected: Vec<CollectedDataType>,
}

/// One `NSPrivacyCollectedDataTypes` entry (Apple: "Describing data use in
/// privacy manifests"); flags are `None` when the key is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CollectedDataType {
    /// `NSPrivacyCollectedDataType`, e.g. `NSPrivacyCollectedDataTypeDeviceID`.
    pub data_type: String,
    /// `NSPrivacyCollectedDataTypeLinked`.
    pub linked: Option<bool>,
    /// `NSPrivacyCollectedDataTypeTracking`.
    pub tracking: Option<bool>,
    /// `NSPrivacyCollectedDataTypePurposes`, e.g. `NSPrivacyCollectedDataTypePurposeAnalytics`.
    pub purposes: Vec<String>,
}

/// One bundle inside an IPA: the app, an app extension, a watch app or a framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct IosBundle {
    /// Bundle directory inside the archive, e.g. `Payload/App.app/PlugIns/Share.appex`.
    pub path: String,
    /// `app`, `appex`, `watch`, `framework`.
    pub kind: String,
    /// `CFBundleIdentifier` of the bundle's Info.plist; `None` when absent or unreadable.
    pub bundle_id: Option<String>,
    /// `CFBundleExecutable` (file name inside the bundle); `None` when absent.
    pub executable: Option<String>,
}

/// iOS facts of an IPA or `.app`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct IosFacts {
    /// `CFBundleIdentifier` of the main app's Info.plist; `None` when absent.
    pub bundle_id: Option<String>,
    /// `CFBundleShortVersionString` (marketing version, e.g. `2.4.1`); `None` when absent.
    pub short_version: Option<String>,
    /// `CFBundleVersion` (build number); `None` when absent.
    pub version: Option<String>,
    /// `MinimumOSVersion` (or `LSMinimumSystemVersion`), e.g. `15.0`; `None` when absent.
    pub minimum_os: Option<String>,
    /// Every `NS*UsageDescription` key of the app and its extensions.
    pub usage_descriptions: Vec<UsageDescription>,
    /// `UIBackgroundModes` values, e.g. `location`, `audio`.
    pub background_modes: Vec<String>,
    /// `LSApplicationQueriesSchemes`: URL schemes the app may query with `canOpenURL`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queries_schemes: Vec<String>,
    /// `NSAppTransportSecurity` exceptions, e.g. `NSAllowsArbitraryLoads`, `NSExceptionDomains:example.com`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ats_exceptions: Vec<String>,
    /// Every `PrivacyInfo.xcprivacy` found: the app's, its extensions' and its frameworks'.
    pub privacy_manifests: Vec<PrivacyManifest>,
    /// Entitlements of the main executable: root-dict keys → values as JSON.
    pub entitlements: serde_json::Map<String, serde_json::Value>,
    /// Every bundle found in the archive (app, extensions, watch app, frameworks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bundles: Vec<IosBundle>,
}

/// One architecture slice of an ELF or Mach-O file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct BinarySlice {
    /// `arm64`, `armv7`, `x86_64`, `aarch64`...
    pub arch: String,
    /// `DT_NEEDED` entries, or `LC_LOAD_DYLIB`/`LC_LOAD_WEAK_DYLIB`/`LC_REEXPORT_DYLIB` paths.
    pub needed: Vec<String>,
    /// ELF `DT_SONAME` / Mach-O `LC_ID_DYLIB`.
    pub soname: Option<String>,
    /// Undefined symbols the binary imports (ELF `.dynsym` with `st_shndx == 0`, capped at `MAX_SYMBOLS`; Mach-O `N_UNDF|N_EXT`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imported_symbols: Vec<String>,
    /// Global/weak defined symbols the binary exports (ELF `.dynsym`, capped at `MAX_SYMBOLS`; Mach-O `N_SECT|N_EXT`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exported_symbols: Vec<String>,
    /// Objective-C class names (Mach-O `__objc_classname` and `_OBJC_CLASS_$_` symbols); always empty for ELF.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objc_classes: Vec<String>,
}

/// DEX header facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DexSummary {
    /// Magic version, e.g. `035`.
    pub version: String,
    /// Number of `class_defs`.
    pub classes: u32,
    /// Number of `type_ids`.
    pub types: u32,
    /// Number of `string_ids`.
    pub strings: u32,
    /// Logical DEX files read: more than 1 for a v041 container (Android 15),
    /// whose counts above are then summed over its sections.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub sections: u32,
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// One executable entry: a DEX file, a native library, a Mach-O.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct BinaryFacts {
    /// Archive entry (`lib/arm64-v8a/libfoo.so`), `""` for a loose file.
    pub entry: String,
    /// `elf`, `macho` or `dex`.
    pub format: String,
    /// One entry per architecture (fat Mach-O has several); empty for DEX.
    pub slices: Vec<BinarySlice>,
    /// DEX header summary; `None` for ELF and Mach-O.
    pub dex: Option<DexSummary>,
}

/// The report of one scanned artifact (one element of `artifacts` in JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtifactReport {
    /// The input path as given (displayed form).
    pub path: String,
    /// Detected kind; `None` when the input could not be read or recognised.
    pub kind: Option<ArtifactKind>,
    /// SHA-256 of the input file, lower-case hex; `None` for directories and unreadable files.
    pub sha256: Option<String>,
    /// Size of the input file in bytes; `None` for directories and unreadable files.
    pub size: Option<u64>,
    /// Why the artifact could not be scanned; `None` when the scan completed.
    pub error: Option<ArtifactError>,
    /// Android facts; `None` for non-Android inputs.
    pub android: Option<AndroidFacts>,
    /// iOS facts; `None` for non-iOS inputs.
    pub ios: Option<IosFacts>,
    /// Executables found (DEX, native libraries, Mach-O), in entry order.
    pub binaries: Vec<BinaryFacts>,
    /// SDKs detected in the build.
    pub sdks: Vec<Detection>,
    /// What the code reads: data-API call sites per SDK (or the app), see `crate::collects`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collects: Vec<Collect>,
    /// Hosts of catalog SDKs named in the build's string data, sorted by SDK
    /// then host (including SDKs not detected: a URL alone is no detection).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// Findings, after the policy's `[[allow]]` exceptions are applied.
    pub findings: Vec<Finding>,
    /// Per-entry problems that did not stop the scan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry_errors: Vec<EntryError>,
    /// The policy file this artifact was compared against, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Findings a `--baseline` file dropped from `findings`; 0 (and absent in JSON) without one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub baseline_suppressed: u64,
    /// Policy `[[allow]]` entries (as `code subject`) that suppressed at
    /// least one finding of this artifact.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allows_used: Vec<String>,
    /// Store declarations (Data safety, privacy manifests) beside the
    /// policy and the build, per data type; see `crate::store`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<store::StoreReport>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl ArtifactReport {
    /// An empty report for `path`.
    pub fn new(path: impl Into<String>) -> Self {
        ArtifactReport {
            path: path.into(),
            kind: None,
            sha256: None,
            size: None,
            error: None,
            android: None,
            ios: None,
            binaries: Vec::new(),
            sdks: Vec::new(),
            collects: Vec::new(),
            contacts: Vec::new(),
            findings: Vec::new(),
            entry_errors: Vec::new(),
            policy: None,
            baseline_suppressed: 0,
            allows_used: Vec::new(),
            store: None,
        }
    }
}

/// Tool name and version, as written in every report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// Always `privscan`.
    pub name: String,
    /// Crate version (`CARGO_PKG_VERSION`).
    pub version: String,
    /// Version of the SDK catalog the detections came from.
    pub catalog_version: String,
}

/// The whole run: what `privscan scan --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    /// `SCHEMA_VERSION` of the layout this report was written with.
    pub schema_version: u32,
    /// Which tool and catalog produced the report.
    pub tool: ToolInfo,
    /// How the run was made (policy, flags, inputs); `None` for reports
    /// built by library callers without a command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunInfo>,
    /// Counts over `artifacts`, filled by [`ScanReport::with_totals`]; `None` when not computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<Totals>,
    /// One report per scanned input, in input order.
    pub artifacts: Vec<ArtifactReport>,
}

/// The policy a run was compared against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRef {
    /// The file as given (`--policy` or `--policy-text`).
    pub path: String,
    /// SHA-256 of the file's bytes, lower-case hex: what `privscan merge` compares.
    pub sha256: String,
    /// `true` when the policy was drafted from prose (`--policy-text`).
    #[serde(default)]
    pub drafted: bool,
}

/// Command-line settings that change what a scan finds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RunFlags {
    /// `--manifest-only`.
    pub manifest_only: bool,
    /// Per-entry inflate cap in bytes (`--max-entry-size`).
    pub max_entry_size: u64,
    /// Per-artifact inflate cap in bytes (`--max-total-inflated`).
    pub max_total_inflated: u64,
    /// `--rules` directories, as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// `--baseline` file, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// `--shard K/N` (or the shard `--shard-total` resolved to); `None` for a whole batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
}

/// How a report was made: what `privscan merge` checks before joining reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RunInfo {
    /// The policy; `None` when the policy check was skipped (no `--policy`/`--policy-text`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyRef>,
    /// Settings that change findings.
    pub flags: RunFlags,
    /// Input paths as given on the command line, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<String>,
    /// Policy `[[allow]]` entries (`code subject`) that suppressed no finding in any artifact.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unused_allows: Vec<String>,
}

/// Counts over a report's artifacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Totals {
    /// Artifacts in the report.
    pub artifacts: u64,
    /// Artifacts with an `error` (not scanned).
    pub not_scanned: u64,
    /// Artifacts a resource cap read only in part (a PS905 finding).
    pub incomplete: u64,
    /// Findings at high severity.
    pub high: u64,
    /// Findings at medium severity.
    pub medium: u64,
    /// Findings at low severity.
    pub low: u64,
    /// Findings at info severity.
    pub info: u64,
    /// Findings dropped by the baseline, summed over artifacts.
    pub baseline_suppressed: u64,
}

impl Totals {
    /// Count `artifacts`.
    pub fn of(artifacts: &[ArtifactReport]) -> Totals {
        let mut t = Totals {
            artifacts: artifacts.len() as u64,
            ..Totals::default()
        };
        for a in artifacts {
            t.not_scanned += u64::from(a.error.is_some());
            t.incomplete += u64::from(a.findings.iter().any(|f| f.code == "PS905"));
            t.baseline_suppressed += a.baseline_suppressed;
            for f in &a.findings {
                match f.severity {
                    Severity::High => t.high += 1,
                    Severity::Medium => t.medium += 1,
                    Severity::Low => t.low += 1,
                    Severity::Info => t.info += 1,
                }
            }
        }
        t
    }
}

impl ScanReport {
    /// This report with `totals` computed from its artifacts.
    pub fn with_totals(mut self) -> ScanReport {
        self.totals = Some(Totals::of(&self.artifacts));
        self
    }
}
