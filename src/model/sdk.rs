//! SDK detections: the inventory of what the build embeds (`Detection`,
//! its evidence, versions, contacts and companies) and the data its code
//! reads (`Collect`, `CallSite`). Part of the JSON contract; fields are
//! only ever added.

use serde::{Deserialize, Serialize};

use super::Location;

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
    /// Confidence tier of this matcher kind.
    pub tier: Confidence,
    /// Where it matched.
    pub location: Location,
}

/// One place in code that reads data.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CallSite {
    /// Archive entry of the DEX or Mach-O (`classes2.dex`,
    /// `Frameworks/X.framework/X`; empty for a loose file).
    pub entry: String,
    /// Caller class, dotted (`com.foo.Bar$1`); empty for a Mach-O.
    pub class: String,
    /// Caller method name (`onCreate`); empty for a Mach-O.
    pub method: String,
    /// Instruction offset in the method, in 16-bit code units (0 for a Mach-O).
    pub pc: u32,
}

/// "Code of `sdk` (or the app) reads `data` via `api`": one row of the
/// collects table (JSON `collects`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collect {
    /// Catalog SDK id owning the calling code; `None` for the app's own code.
    pub sdk: Option<String>,
    /// Data category read (`device-id`, `location`...; see `rules/data-apis.toml`).
    pub data: String,
    /// Data-API catalog entry id (`telephony-device-id`).
    pub api_id: String,
    /// The reference that matched: `Landroid/telephony/TelephonyManager;->getDeviceId`,
    /// `const-string "android_id"`, `ASIdentifierManager advertisingIdentifier`.
    pub api: String,
    /// Number of call sites (instructions) in the build.
    pub count: u64,
    /// The first `collects::MAX_SITES` call sites.
    pub call_sites: Vec<CallSite>,
    /// Google Play Data safety type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub play: Option<String>,
    /// Apple privacy-manifest data type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apple: Option<String>,
    /// Permissions guarding the API (any one suffices).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permission: Vec<String>,
    /// Whether the manifest requests one of `permission`; `None` when the
    /// API needs none or there is no manifest. `false` means dead or
    /// reflective code, or a library feature the app does not use: shown,
    /// not a finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_requested: Option<bool>,
    /// Whether the policy declares this data for this party (the SDK's
    /// entry, or any clause for the app); `None` without a policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<bool>,
}

/// A legal entity of an SDK vendor: `[[vendor.entity]]` in `rules/sdks/*.toml`,
/// copied into every [`Detection`] of that vendor.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LegalEntity {
    /// Registered name in English or Latin script: `Shenzhen Jigou Technology Co., Ltd.`.
    pub name: String,
    /// Registered name in the entity's own language and script when it is
    /// not Latin: `深圳市即构科技有限公司`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_name: Option<String>,
    /// ISO 3166-1 alpha-2 code of the jurisdiction of incorporation (`CN`, `US`), where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
}

/// An SDK found in the build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// Catalog id, e.g. `firebase-analytics`.
    pub id: String,
    /// Display name from the catalog, e.g. `Firebase Analytics`.
    pub name: String,
    /// Company behind the SDK, from the catalog.
    pub vendor: String,
    /// Catalog category, e.g. `analytics`, `ads`, `rtc`.
    pub category: String,
    /// Version the artifact states for the SDK (a `*.version` file, a framework's
    /// Info.plist, a pinned dependency); `None` when nothing states one.
    pub version: Option<String>,
    /// Highest tier among the evidence: `present` beats `configured`.
    pub confidence: Confidence,
    /// Stored examples: at most `detect::MAX_EXAMPLES` per matcher kind.
    pub evidence: Vec<SdkEvidence>,
    /// Matcher kind → number of observations that matched (all of them,
    /// not only the stored examples). Its keys say which matcher kinds
    /// survived obfuscation/shrinking.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub matcher_counts: std::collections::BTreeMap<String, u64>,
    /// The vendor's legal entities from the catalog (`[[vendor.entity]]`),
    /// the company names a privacy policy is expected to use; empty when the
    /// catalog names none (open-source projects).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub companies: Vec<LegalEntity>,
    /// Where the artifact states `version` (`None` when `version` is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_source: Option<VersionSource>,
    /// Catalog ids of the SDKs whose own packages ship all of this SDK's
    /// evidence (`[[sdk.bundles]]`): the code is another SDK's internals,
    /// reported under it ("bundled by X"), not as an SDK the app embeds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bundled_by: Vec<String>,
    /// Catalog ids of detected SDKs that pull this one in as a transitive
    /// part (`parts`: Firebase Remote Config → Firebase A/B Testing), when no
    /// own dependency of it is declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub part_of: Vec<String>,
    /// Catalog ids of detected SDKs reported inside this one (their
    /// `bundled_by` or `part_of` names this SDK).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contains: Vec<String>,
    /// Host names of this SDK's catalog `domains` found in the build's
    /// string data (supporting evidence, sorted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<String>,
}

/// Where an artifact states an SDK's version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSource {
    /// How: `version_file` (`META-INF/*.version`), `info_plist`
    /// (`CFBundleShortVersionString`), `dependency` (a pinned coordinate),
    /// `file_name` (`[sdk.version] file_name`), `string` (`[sdk.version]
    /// string` marker in string data), `what_string` (`@(#)PROGRAM:`), `manifest`
    /// (an SDK package's `android:versionName`).
    pub kind: String,
    /// Archive entry (or file) that states it.
    pub entry: String,
    /// The text that states it (`libjpush219.so`, `ZegoExpressEngine-3.14.5`).
    pub text: String,
}

/// A host of a catalog SDK's `domains` named in the build's string data:
/// which SDK talks to which host. A contact alone never makes an SDK
/// detected (a URL string is not the SDK's code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Catalog id of the SDK whose `domains` the host is under.
    pub sdk: String,
    /// The host as found, lower-cased (`api.zego.im`).
    pub host: String,
    /// The `domains` entry it matched (`zego.im`).
    pub domain: String,
    /// `true` when the SDK is also detected by its code, library or dependency.
    pub sdk_detected: bool,
    /// First binary (by entry name) whose strings name it.
    pub location: Location,
}

impl Detection {
    /// The vendor with its legal entities, for inventories:
    /// `ZEGO (Shenzhen Jigou Technology Co., Ltd. / 深圳市即构科技有限公司)`.
    pub fn company_label(&self) -> String {
        let names: Vec<String> = self
            .companies
            .iter()
            .map(|e| match &e.local_name {
                Some(l) => format!("{} / {l}", e.name),
                None => e.name.clone(),
            })
            .collect();
        if names.is_empty() {
            self.vendor.clone()
        } else {
            format!("{} ({})", self.vendor, names.join("; "))
        }
    }

    /// The name for inventories, with its relation to other SDKs:
    /// `HUAWEI Ads Kit (bundled by msa-oaid)`, `Firebase A/B Testing (part of
    /// firebase-remote-config)`, `MSA OAID SDK (bundles hms-ads)`.
    pub fn inventory_name(&self) -> String {
        let mut out = self.name.clone();
        for (what, ids) in [
            ("bundled by", &self.bundled_by),
            ("part of", &self.part_of),
            ("contains", &self.contains),
        ] {
            if !ids.is_empty() {
                out.push_str(&format!(" ({what} {})", ids.join(", ")));
            }
        }
        out
    }
}
