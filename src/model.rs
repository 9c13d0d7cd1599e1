//! The data model every stage shares: what was observed in an artifact
//! (`Facts`), where it was seen (`Location`), what was found wrong
//! (`Finding`) and the per-artifact and whole-run reports.
//!
//! These types *are* the JSON contract of `../shared/DESIGN.md` ("JSON
//! contract"): field names are serialized as written here. Add fields freely;
//! renaming one needs a `SCHEMA_VERSION` bump.

use serde::{Deserialize, Serialize};

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
    pub entry: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail: Option<String>,
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
    Apk,
    Aab,
    Apks,
    Xapk,
    Ipa,
    /// An unzipped `.app` bundle directory.
    App,
    Source,
    Manifest,
    Plist,
    Dex,
    Elf,
    Macho,
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
    Api(u32),
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
    #[serde(rename = "uses-permission")]
    UsesPermission,
    /// Granted only on API 23+; some tools drop these, Android grants them.
    #[serde(rename = "uses-permission-sdk-23")]
    UsesPermissionSdk23,
}

/// One `<uses-permission>` / `<uses-permission-sdk-23>` element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsesPermission {
    pub name: String,
    pub tag: UsesPermissionTag,
    /// `android:maxSdkVersion`, when present.
    pub max_sdk_version: Option<SdkLevel>,
    /// SDK ids (catalog `id`) whose catalog entry says they merge this
    /// permission into the manifest (filled by SDK detection).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added_by: Vec<String>,
    pub location: Location,
}

/// One `<permission>` definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermissionDef {
    pub name: String,
    /// Flag names joined with `|` (`signature|privileged`), as aapt prints
    /// them; `None` when the attribute is absent (Android's default is `normal`).
    pub protection_level: Option<String>,
    pub location: Location,
}

/// Kind of an application component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    Activity,
    ActivityAlias,
    Service,
    Receiver,
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
    pub kind: ComponentKind,
    /// Fully-qualified class name (`.Main` and `Main` are prefixed with the package).
    pub name: String,
    /// Effective export state: the explicit `android:exported`, else `true`
    /// when the component has an intent-filter (the pre-API-31 default), else
    /// `false`. Providers default to exported below API 17.
    pub exported: bool,
    /// The raw `android:exported` value, `None` when absent.
    pub exported_explicit: Option<bool>,
    pub has_intent_filter: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// Provider `android:authorities`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorities: Option<String>,
    pub location: Location,
}

/// A `<meta-data>` element (under `<application>` or a component).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetaData {
    pub name: String,
    pub value: Option<String>,
    /// `android:resource`, as `@0x7f..` when unresolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub location: Location,
}

/// A `<uses-feature>` element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsesFeature {
    /// Feature name; `None` for a `glEsVersion`-only element.
    pub name: Option<String>,
    /// `android:required`, default `true`.
    pub required: bool,
    pub location: Location,
}

/// `<application>` flags relevant to a privacy review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ApplicationFlags {
    pub debuggable: Option<bool>,
    pub allow_backup: Option<bool>,
    pub uses_cleartext_traffic: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Everything read from one AndroidManifest.xml (binary, text or protobuf).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AndroidManifest {
    pub package: Option<String>,
    pub version_code: Option<u64>,
    pub version_name: Option<String>,
    pub min_sdk: Option<SdkLevel>,
    pub target_sdk: Option<SdkLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_sdk: Option<SdkLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compile_sdk: Option<SdkLevel>,
    /// `split` attribute of a split APK's manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    pub uses_permissions: Vec<UsesPermission>,
    pub permissions: Vec<PermissionDef>,
    pub components: Vec<Component>,
    pub meta_data: Vec<MetaData>,
    pub uses_features: Vec<UsesFeature>,
    /// Package names listed under `<queries>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queries_packages: Vec<String>,
    pub application: ApplicationFlags,
}

/// One module of an AAB or one APK of a split set (issue: AAB/split APKs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AndroidModule {
    /// `base`, a feature module name, or a split name such as `config.arm64_v8a`.
    pub name: String,
    #[serde(flatten)]
    pub manifest: AndroidManifest,
}

/// Android facts of an artifact: the merged view plus per-module views.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AndroidFacts {
    #[serde(flatten)]
    pub manifest: AndroidManifest,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<AndroidModule>,
}

/// Severity of a finding, ordered `Info < Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
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
    pub title: String,
}

/// One problem found: an undeclared permission, an undeclared SDK, a missing
/// privacy-manifest entry, a tampered archive...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Finding code, e.g. `PS101` (see `crate::findings`).
    pub code: String,
    pub severity: Severity,
    /// What the finding is about: a permission name, SDK id, usage key...
    pub subject: String,
    pub message: String,
    pub clause: Option<ClauseRef>,
    pub evidence: Vec<Location>,
}

/// A problem reading one entry of an artifact that did not stop the scan of
/// the rest (a corrupt native library, an unreadable plist...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryError {
    pub entry: String,
    pub message: String,
}

/// Why an artifact could not be scanned at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtifactError {
    /// Stable machine-readable code, e.g. `zip`, `axml`, `limit`, `io`.
    pub code: String,
    pub message: String,
}

/// One `NS*UsageDescription` key of an Info.plist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageDescription {
    pub key: String,
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
    pub entry: String,
    pub tracking: bool,
    pub tracking_domains: Vec<String>,
    pub accessed_api_types: Vec<AccessedApiType>,
    /// `NSPrivacyCollectedDataType` values, e.g. `NSPrivacyCollectedDataTypeEmailAddress`.
    pub collected_data_types: Vec<String>,
}

/// One bundle inside an IPA: the app, an app extension, a watch app or a framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct IosBundle {
    /// Bundle directory inside the archive, e.g. `Payload/App.app/PlugIns/Share.appex`.
    pub path: String,
    /// `app`, `appex`, `watch`, `framework`.
    pub kind: String,
    pub bundle_id: Option<String>,
    pub executable: Option<String>,
}

/// iOS facts of an IPA or `.app`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct IosFacts {
    pub bundle_id: Option<String>,
    pub short_version: Option<String>,
    pub version: Option<String>,
    pub minimum_os: Option<String>,
    pub usage_descriptions: Vec<UsageDescription>,
    pub background_modes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queries_schemes: Vec<String>,
    /// `NSAppTransportSecurity` exceptions, e.g. `NSAllowsArbitraryLoads`, `NSExceptionDomains:example.com`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ats_exceptions: Vec<String>,
    pub privacy_manifests: Vec<PrivacyManifest>,
    /// Entitlements of the main executable: root-dict keys → values as JSON.
    pub entitlements: serde_json::Map<String, serde_json::Value>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imported_symbols: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exported_symbols: Vec<String>,
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
}

/// One executable entry: a DEX file, a native library, a Mach-O.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct BinaryFacts {
    /// Archive entry (`lib/arm64-v8a/libfoo.so`), `""` for a loose file.
    pub entry: String,
    /// `elf`, `macho` or `dex`.
    pub format: String,
    pub slices: Vec<BinarySlice>,
    pub dex: Option<DexSummary>,
}

/// Confidence tier of an SDK detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Configuration only: manifest meta-data/components, plist keys, API keys.
    Configured,
    /// Code is in the build: classes, libraries, files.
    Present,
}

/// One piece of evidence for an SDK detection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SdkEvidence {
    /// Matcher kind, e.g. `dex_class`, `native_lib`, `manifest_meta_data`.
    pub matcher: String,
    /// The pattern that matched.
    pub pattern: String,
    /// What it matched (class name, file name, key).
    pub matched: String,
    pub tier: Confidence,
    pub location: Location,
}

/// An SDK found in the build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub category: String,
    pub version: Option<String>,
    pub confidence: Confidence,
    pub evidence: Vec<SdkEvidence>,
}

/// The report of one scanned artifact (one element of `artifacts` in JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtifactReport {
    pub path: String,
    pub kind: Option<ArtifactKind>,
    pub sha256: Option<String>,
    pub size: Option<u64>,
    pub error: Option<ArtifactError>,
    pub android: Option<AndroidFacts>,
    pub ios: Option<IosFacts>,
    pub binaries: Vec<BinaryFacts>,
    pub sdks: Vec<Detection>,
    pub findings: Vec<Finding>,
    /// Per-entry problems that did not stop the scan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry_errors: Vec<EntryError>,
    /// The policy file this artifact was compared against, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
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
            findings: Vec::new(),
            entry_errors: Vec::new(),
            policy: None,
        }
    }
}

/// Tool name and version, as written in every report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
    /// Version of the SDK catalog the detections came from.
    pub catalog_version: String,
}

/// The whole run: what `privscan scan --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub artifacts: Vec<ArtifactReport>,
}
