//! The rule-file schema: SDK entries, vendors, matchers, embedded tests,
//! and the errors a rule file can have (`SDK_SCHEMA.md`).

use super::*;

/// Allowed `category` values.
pub const CATEGORIES: &[&str] = &[
    "analytics",
    "ads",
    "attribution",
    "crash",
    "push",
    "rtc",
    "live-streaming",
    "im",
    "social-login",
    "payments",
    "identity-verification",
    "location",
    "maps",
    "auth",
    "remote-config",
    "performance",
    "engagement",
    "messaging",
    "support",
    "feature-flags",
    "cdp",
    "other",
];

/// Matcher kinds that observations can be fed to (`[sdk.tests]` prefixes).
pub const MATCHER_KINDS: &[&str] = &[
    "dex_class",
    "native_lib",
    "elf_symbol",
    "objc_class",
    "macho_symbol",
    "framework",
    "manifest_component",
    "manifest_meta_data",
    "plist_key",
    "file",
    "gradle",
    "cocoapods",
    "spm",
    "pub",
    "npm",
    "domains",
];

/// Dependency ecosystems of [`Matchers`].
pub const ECOSYSTEMS: &[&str] = &["gradle", "cocoapods", "spm", "pub", "npm"];

/// Prefixes too broad to identify an SDK.
pub(super) const TOO_BROAD: &[&str] = &[
    "com",
    "org",
    "net",
    "io",
    "cn",
    "me",
    "android",
    "androidx",
    "java",
    "javax",
    "kotlin",
    "kotlinx",
    "dalvik",
    "com.google",
    "com.android",
    "com.google.android",
    "com.google.android.gms",
    "com.facebook",
    "com.tencent",
    "com.alibaba",
    "com.baidu",
    "com.huawei",
    "com.amazon",
    "com.microsoft",
    "android.support",
];

/// `[vendor]` of a rule file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// Kebab-case id, equal to the file stem.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Legal names, other languages, former names.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `[[vendor.entity]]`: the legal entities behind the vendor's SDKs, the
    /// names a privacy policy's company column uses.
    #[serde(default, rename = "entity")]
    pub entities: Vec<crate::model::LegalEntity>,
    /// `true` when the vendor's display `name` is also the brand of its
    /// product line ("Firebase"): a policy naming it declares each of the
    /// vendor's SDKs at product level. Otherwise a declaration by a vendor
    /// name or alias alone ("Google", "极光") is vendor-level (PS204).
    #[serde(default)]
    pub product_family: bool,
}

/// `[sdk.match]`: every matcher list (all optional, ≥1 non-empty).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Matchers {
    /// Java package/class prefixes, dotted, matched on package boundaries.
    #[serde(default)]
    pub dex_class: Vec<String>,
    /// `lib/<abi>/*.so` file names (exact, `*` glob allowed).
    #[serde(default)]
    pub native_lib: Vec<String>,
    /// Regexes on ELF dynamic symbol names.
    #[serde(default)]
    pub elf_symbol: Vec<String>,
    /// Objective-C class-name prefixes.
    #[serde(default)]
    pub objc_class: Vec<String>,
    /// Regexes on Mach-O symbol names.
    #[serde(default)]
    pub macho_symbol: Vec<String>,
    /// iOS framework / xcframework / dylib names without extension.
    #[serde(default)]
    pub framework: Vec<String>,
    /// Prefixes of component class names (package-boundary rule).
    #[serde(default)]
    pub manifest_component: Vec<String>,
    /// Exact `<meta-data android:name>` keys.
    #[serde(default)]
    pub manifest_meta_data: Vec<String>,
    /// Exact top-level Info.plist keys.
    #[serde(default)]
    pub plist_key: Vec<String>,
    /// Archive entry paths (exact, `*` glob allowed); `*.version` content gives the version.
    #[serde(default)]
    pub file: Vec<String>,
    /// `group:artifact` or `group` coordinates.
    #[serde(default)]
    pub gradle: Vec<String>,
    /// Pod names (subspecs match their root pod).
    #[serde(default)]
    pub cocoapods: Vec<String>,
    /// SwiftPM package identities / repository names.
    #[serde(default)]
    pub spm: Vec<String>,
    /// Flutter pub packages (TOML key `pub`).
    #[serde(default, rename = "pub")]
    pub pub_: Vec<String>,
    /// npm packages.
    #[serde(default)]
    pub npm: Vec<String>,
    /// Host names the SDK talks to (a host matches itself and subdomains).
    #[serde(default)]
    pub domains: Vec<String>,
}

impl Matchers {
    /// The list of a matcher kind (`"pub"` for Flutter), `None` for an unknown kind.
    pub fn list(&self, kind: &str) -> Option<&[String]> {
        Some(match kind {
            "dex_class" => &self.dex_class,
            "native_lib" => &self.native_lib,
            "elf_symbol" => &self.elf_symbol,
            "objc_class" => &self.objc_class,
            "macho_symbol" => &self.macho_symbol,
            "framework" => &self.framework,
            "manifest_component" => &self.manifest_component,
            "manifest_meta_data" => &self.manifest_meta_data,
            "plist_key" => &self.plist_key,
            "file" => &self.file,
            "gradle" => &self.gradle,
            "cocoapods" => &self.cocoapods,
            "spm" => &self.spm,
            "pub" => &self.pub_,
            "npm" => &self.npm,
            "domains" => &self.domains,
            _ => return None,
        })
    }
}

/// `[sdk.tests]`: `"<matcher-kind>:<observed value>"` cases.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SdkTests {
    /// Cases that must detect this SDK.
    #[serde(default)]
    pub positive: Vec<String>,
    /// Cases that must not detect it.
    #[serde(default)]
    pub negative: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SdkDef {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) category: String,
    pub(super) source: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    #[serde(default)]
    pub(super) data: Vec<String>,
    #[serde(default)]
    pub(super) permissions: Vec<String>,
    #[serde(default)]
    pub(super) apple_privacy_manifest_required: bool,
    #[serde(rename = "match")]
    pub(super) matchers: Matchers,
    pub(super) tests: SdkTests,
    #[serde(default)]
    pub(super) bundles: Vec<Bundle>,
    #[serde(default)]
    pub(super) parts: Vec<String>,
    #[serde(default)]
    pub(super) version: VersionRules,
}

/// `[[sdk.bundles]]`: another catalog SDK's code that this SDK's own
/// package ships inside it (the MSA OAID AAR carries
/// `com.huawei.hms.ads.identifier`; ZEGO Express carries
/// `com.zego.zegoavkit2`). Evidence of `sdk` that falls inside these
/// packages or files is reported as bundled by the outer SDK.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Catalog id of the bundled (inner) SDK.
    pub sdk: String,
    /// Dotted package prefixes of the inner SDK's classes the outer ships
    /// (package-boundary match on `dex_class`, `jni_class` and
    /// `manifest_component` evidence).
    #[serde(default)]
    pub dex_class: Vec<String>,
    /// Objective-C class names of the inner SDK the outer ships (exact, or
    /// a prefix ending in `*`, as `[sdk.match] objc_class`): `objc_class`
    /// evidence naming them is inside (the Alipay iOS framework carries
    /// Alibaba's `UTDevice`).
    #[serde(default)]
    pub objc_class: Vec<String>,
    /// File names (native libraries, frameworks, archive entries; exact,
    /// case-insensitive) the outer ships: evidence in or naming them is inside.
    #[serde(default)]
    pub files: Vec<String>,
    /// Public source saying the outer SDK carries this code.
    pub source: String,
}

/// `[sdk.version]`: where an artifact states this SDK's version, beyond
/// `*.version` files, framework Info.plists and pinned dependencies.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct VersionRules {
    /// Regexes over a matched native library or archive file name whose
    /// capture groups, joined with `.`, are the version
    /// (`^libjpush(\d)(\d)(\d)\.so$` → `2.1.9`).
    #[serde(default)]
    pub file_name: Vec<String>,
    /// Literal markers in string data (DEX strings, ELF read-only data,
    /// Mach-O C strings) immediately followed by the version
    /// (`ZegoExpressEngine-` in `ZegoExpressEngine-3.14.5`).
    #[serde(default)]
    pub string: Vec<String>,
}

/// One `[[sdk]]` entry with its vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdk {
    /// Globally unique kebab-case id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One of [`CATEGORIES`].
    pub category: String,
    /// Public source of the matchers.
    pub source: String,
    /// Other product names.
    pub aliases: Vec<String>,
    /// Documented data collected (data categories).
    pub data: Vec<String>,
    /// Permissions its AAR manifest merges into the app.
    pub permissions: Vec<String>,
    /// On Apple's list of commonly used third-party SDKs.
    pub apple_privacy_manifest_required: bool,
    /// `[sdk.match]`.
    pub matchers: Matchers,
    /// `[sdk.tests]`.
    pub tests: SdkTests,
    /// `[[sdk.bundles]]`: other SDKs' code this SDK ships.
    pub bundles: Vec<Bundle>,
    /// `parts`: catalog ids of SDKs this one pulls in as transitive
    /// dependencies (Firebase Remote Config → Firebase A/B Testing); such a
    /// part is reported as part of this SDK unless its own dependency is declared.
    pub parts: Vec<String>,
    /// `[sdk.version]`.
    pub version_rules: VersionRules,
    /// The `[vendor]` of its file.
    pub vendor: Vendor,
    /// Rule file it came from (`firebase.toml`, or a path for `--rules`).
    pub file: String,
}

/// A rule file that could not be loaded, or a catalog that is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// The file is not valid TOML.
    #[error("{file}: {message}")]
    Toml {
        /// Rule file name (e.g. `zego.toml`) or path given with `--rules`.
        file: String,
        /// The TOML parser's message (with line and column).
        message: String,
    },
    /// A field breaks the schema.
    #[error("{file}: sdk '{sdk}': field '{field}': {message}")]
    Invalid {
        /// Rule file name or path.
        file: String,
        /// Id of the offending SDK, or `(vendor)` / `(file)` when the error is outside any `[[sdk]]`.
        sdk: String,
        /// The offending field, e.g. `dex_class`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// Two SDKs (or vendors) share an id.
    #[error("duplicate {what} id '{id}' in {first} and {second}")]
    DuplicateId {
        /// `sdk` or `vendor`.
        what: &'static str,
        /// The duplicated id.
        id: String,
        /// Rule file of the first definition.
        first: String,
        /// Rule file of the second definition.
        second: String,
    },
    /// Two SDKs share an identical `dex_class` prefix.
    #[error(
        "dex_class prefix '{prefix}' is shared by sdk '{first}' ({first_file}) and sdk '{second}' ({second_file})"
    )]
    SharedPrefix {
        /// The shared `dex_class` prefix, dotted form (e.g. `im.zego.zegoexpress`).
        prefix: String,
        /// Id of the first SDK declaring it.
        first: String,
        /// Rule file of the first SDK.
        first_file: String,
        /// Id of the second SDK declaring it.
        second: String,
        /// Rule file of the second SDK.
        second_file: String,
    },
    /// A `--rules` directory or file could not be read.
    #[error("reading {path}: {message}")]
    Io {
        /// The directory or file that could not be read.
        path: String,
        /// The I/O error's message.
        message: String,
    },
}
