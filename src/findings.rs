//! The registry of finding codes: each code's id, name, default severity
//! and documentation, defined once. Reports (text, JSON, SARIF `rules`),
//! the README table and `privscan explain` all read from here.

use crate::model::Severity;

/// A finding code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// Permission requested, not declared.
    PS101,
    /// iOS usage description present, capability not declared.
    PS102,
    /// Declared only in prose, missing from the clause that enumerates permissions.
    PS103,
    /// Declared permission not requested (stale policy).
    PS104,
    /// The policy denies a capability the build requests.
    PS105,
    /// The app's own code reads a data type no clause declares.
    PS106,
    /// Permission the platform grants implicitly (implied or split), not declared.
    PS107,
    /// SDK embedded, not declared.
    PS201,
    /// SDK's code reads data its policy entry does not list.
    PS202,
    /// Declared SDK not found.
    PS203,
    /// SDK declared only by its vendor's name, not by product.
    PS204,
    /// SDK seen only through configuration (meta-data, keys, components), no code.
    PS205,
    /// Required-reason API used, not declared in PrivacyInfo.xcprivacy.
    PS301,
    /// SDK that Apple requires a privacy manifest for ships without one.
    PS302,
    /// Framework used without its usage-description key.
    PS303,
    /// Unfilled template text in the policy.
    PS401,
    /// The policy contradicts itself.
    PS402,
    /// The build collects a data type the Data safety form does not declare.
    PS501,
    /// The build collects a data type no privacy manifest declares.
    PS502,
    /// Data safety declares a data type the policy never mentions.
    PS503,
    /// The policy declares data the Data safety form does not.
    PS504,
    /// "No data collected" declared while an SDK that collects is embedded.
    PS505,
    /// Tracking SDKs or NSPrivacyTrackingDomains with NSPrivacyTracking false.
    PS506,
    /// An SDK's privacy manifest declares a data type the app's omits.
    PS507,
    /// Archive headers tampered (Android still installs it).
    PS901,
    /// Artifact Android/iOS would refuse to install or load.
    PS902,
    /// Binary XML tampered (Android still parses it).
    PS903,
    /// A policy `[[allow]]` entry has expired.
    PS904,
    /// A resource cap stopped part of the scan: the results are incomplete.
    PS905,
    /// Part of an artifact (an archive member, a library, a nested jar) was not read.
    PS906,
}

/// Documentation of a code.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    /// The code this entry documents.
    pub code: Code,
    /// Stable id, e.g. `PS101`.
    pub id: &'static str,
    /// PascalCase name naming what is wrong (SARIF `rule.name`).
    pub name: &'static str,
    /// Default severity; some codes refine it per finding (PS101 by protectionLevel).
    pub severity: Severity,
    /// One line (SARIF `shortDescription`).
    pub short: &'static str,
    /// Why it matters (SARIF `fullDescription`).
    pub why: &'static str,
    /// How to resolve (SARIF `help`).
    pub help: &'static str,
}

/// Every code, in id order.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: Code::PS101,
        id: "PS101",
        name: "PermissionNotDeclared",
        severity: Severity::High,
        short: "Permission requested, not declared in the privacy policy",
        why: "The app's manifest requests a permission that the privacy policy does not list. Users and reviewers rely on the policy to learn what the app can access; dangerous permissions (camera, microphone, location, contacts...) that are not disclosed are a common store-review and regulatory violation. Severity follows the permission's protectionLevel: dangerous is high, others medium or low.",
        help: "Add the permission to the policy clause that enumerates app permissions, or remove it from the manifest (tools:node=\"remove\" for permissions merged in by libraries).",
    },
    CodeInfo {
        code: Code::PS102,
        id: "PS102",
        name: "UsageDescriptionNotDeclared",
        severity: Severity::High,
        short: "iOS usage description present, capability not declared in the privacy policy",
        why: "An NS*UsageDescription key in Info.plist means the app asks iOS for that capability (camera, microphone, location...), but the policy does not declare it.",
        help: "Declare the usage key (or its data category) in the policy's permission clause, or remove the key and the code that needs it.",
    },
    CodeInfo {
        code: Code::PS103,
        id: "PS103",
        name: "DeclaredOnlyInProse",
        severity: Severity::Medium,
        short: "Declared only in prose, missing from the clause that enumerates permissions",
        why: "The policy describes collecting a data category in prose, and the app requests a matching permission, but the clause that lists the app's permissions omits it. Readers of the permission list get an incomplete picture.",
        help: "List the permission in the enumerating clause.",
    },
    CodeInfo {
        code: Code::PS104,
        id: "PS104",
        name: "DeclaredPermissionNotRequested",
        severity: Severity::Info,
        short: "Declared permission not requested by the app (stale policy)",
        why: "The policy lists a permission the build does not request. Harmless for users, but it shows the policy and the build have drifted apart.",
        help: "Remove the permission from the policy, or check that the right build was scanned.",
    },
    CodeInfo {
        code: Code::PS105,
        id: "PS105",
        name: "DeniedCapabilityRequested",
        severity: Severity::High,
        short: "The privacy policy denies a capability the build requests",
        why: "A clause of the policy says the app does not access something (\"we do not access your contacts\", \"我们不会收集您的通讯录\"), yet the build requests the permission or iOS usage key that gives that access. The user was told the opposite of what the app can do; regulators treat a false denial more severely than an omission.",
        help: "Remove the permission or usage key from the build, or correct the denying clause (the finding cites it) and declare the capability.",
    },
    CodeInfo {
        code: Code::PS106,
        id: "PS106",
        name: "AppDataNotDeclared",
        severity: Severity::Medium,
        short: "The app's own code reads a data type no clause of the policy declares",
        why: "Code that belongs to no catalogued SDK (the app, or a library the catalog does not know) calls framework APIs that read a data type (device ids, location, contacts, clipboard...) that no clause of the policy declares, neither as a data category nor through a listed permission. The evidence lists call sites (class.method -> API, DEX entry).",
        help: "Declare the data type in the policy clause that describes what the app collects, or remove the code that reads it.",
    },
    CodeInfo {
        code: Code::PS107,
        id: "PS107",
        name: "ImpliedPermissionNotDeclared",
        severity: Severity::Medium,
        short: "Permission Android grants implicitly (implied by a low targetSdkVersion or split from a requested permission), not declared in the privacy policy",
        why: "No uses-permission names it, but Android adds it when it parses the manifest: CompatibilityPermissionInfo (READ_PHONE_STATE and WRITE_EXTERNAL_STORAGE below targetSdkVersion 4, POST_NOTIFICATIONS below 33) or a platform.xml <split-permission> (ACCESS_BACKGROUND_LOCATION with FINE/COARSE location below 29, BLUETOOTH_SCAN/CONNECT/ADVERTISE with BLUETOOTH below 31, READ_MEDIA_* with storage below 33...). The app holds it once the source permission is granted, so users get the access the policy does not disclose. Severity: medium for a dangerous permission, low when the policy declares the permission it was split from or its data category, and for non-dangerous ones; lower than PS101 because the build's author did not write the request.",
        help: "Declare the permission in the policy's permission clause, or raise targetSdkVersion past the rule's level (the finding names it), or cap the source permission with android:maxSdkVersion below the level that added the implied one.",
    },
    CodeInfo {
        code: Code::PS201,
        id: "PS201",
        name: "SdkNotDeclared",
        severity: Severity::High,
        short: "Third-party SDK embedded, not declared in the privacy policy",
        why: "The build embeds a third-party SDK that the policy's SDK list does not name. Many jurisdictions and app stores require disclosing third parties that receive user data. High for ads, analytics and RTC SDKs, medium otherwise.",
        help: "Add the SDK (name, company, data collected, purpose) to the policy's third-party SDK list, or remove it from the build.",
    },
    CodeInfo {
        code: Code::PS202,
        id: "PS202",
        name: "SdkDataNotDisclosed",
        severity: Severity::Medium,
        short: "SDK's code reads data that its policy entry does not list",
        why: "The DEX bytecode of an SDK the policy declares calls framework APIs that read a data type (IMEI, Android ID, installed-app list, location, clipboard...) that the policy's entry for that SDK does not list. Regulators (China's MIIT app rectification campaigns) and app stores (Play Data safety, Apple privacy labels) check exactly this: which party's code reads what. The evidence lists call sites (class.method -> API, DEX entry).",
        help: "Add the data type to the SDK's entry in the policy, or configure the SDK not to collect it (and check with its vendor).",
    },
    CodeInfo {
        code: Code::PS203,
        id: "PS203",
        name: "DeclaredSdkNotFound",
        severity: Severity::Info,
        short: "Declared SDK not found in the build",
        why: "The policy names an SDK the build does not appear to embed: the policy may be stale, or the SDK is loaded in a way static analysis cannot see.",
        help: "Remove the SDK from the policy if it is no longer used.",
    },
    CodeInfo {
        code: Code::PS204,
        id: "PS204",
        name: "SdkDeclaredOnlyByVendor",
        severity: Severity::Medium,
        short: "Embedded SDK declared only by its vendor's name, not by product",
        why: "The policy names the company (\"Google\", \"深圳市和讯华谷信息技术有限公司\") or lists it as the vendor of another product, but not the SDK the build embeds. A reader learns who receives data, not which SDK or what it collects; PIPL Art. 23 and MIIT's SDK-list rules ask for each third party's product, purpose and data. Medium, not the high of an undeclared SDK (PS201): the recipient is disclosed.",
        help: "Name the SDK (product) in the policy's SDK list, with its purpose and the data it collects; a vendor-level line covers none of its products.",
    },
    CodeInfo {
        code: Code::PS205,
        id: "PS205",
        name: "SdkConfiguredOnly",
        severity: Severity::Low,
        short: "Undeclared SDK seen only through configuration, without its code",
        why: "The build carries an SDK's configuration (a manifest meta-data API key, an opt-out flag, a leftover component or provider, an Info.plist key, a host name) but none of its code, native libraries or build dependencies: the SDK is probably not embedded (a leftover key, or a flag that turns it off). It is not reported as an embedded SDK (PS201); it is shown so that a reviewer can remove the leftover or check for code loaded at run time.",
        help: "Remove the leftover configuration, or declare the SDK if its code is loaded in a way static analysis cannot see.",
    },
    CodeInfo {
        code: Code::PS301,
        id: "PS301",
        name: "RequiredReasonApiNotDeclared",
        severity: Severity::High,
        short: "Required-reason API used, not declared in PrivacyInfo.xcprivacy (ITMS-91053)",
        why: "Apple requires apps and SDKs that call required-reason APIs (file timestamps, system boot time, disk space, active keyboards, user defaults) to declare an approved reason in NSPrivacyAccessedAPITypes. App Store Connect rejects uploads that do not (ITMS-91053: Missing API declaration).",
        help: "Add an NSPrivacyAccessedAPITypes entry with the category and an approved reason to the bundle's PrivacyInfo.xcprivacy.",
    },
    CodeInfo {
        code: Code::PS302,
        id: "PS302",
        name: "SdkPrivacyManifestMissing",
        severity: Severity::High,
        short: "SDK on Apple's list of commonly used SDKs ships without a privacy manifest (ITMS-91061)",
        why: "Apple requires the SDKs on its list of commonly used third-party SDKs to include a privacy manifest and signature; submissions with such an SDK missing its PrivacyInfo.xcprivacy are rejected (ITMS-91061).",
        help: "Update the SDK to a version that ships PrivacyInfo.xcprivacy.",
    },
    CodeInfo {
        code: Code::PS303,
        id: "PS303",
        name: "UsageDescriptionMissing",
        severity: Severity::High,
        short: "Framework used without its usage-description key (ITMS-90683)",
        why: "The app links a framework that accesses protected resources (camera capture, location, photos, contacts...) but Info.plist lacks the matching NS*UsageDescription key. iOS terminates the app when it asks for access, and App Store Connect rejects the upload (ITMS-90683: Missing purpose string in Info.plist).",
        help: "Add the NS*UsageDescription key with a user-facing explanation to Info.plist.",
    },
    CodeInfo {
        code: Code::PS401,
        id: "PS401",
        name: "PolicyTemplateUnfilled",
        severity: Severity::Medium,
        short: "Unfilled template text in the privacy policy",
        why: "The policy still contains template placeholders such as \"[SDK Name 1]\": a declaration the reader cannot rely on.",
        help: "Fill in or remove the placeholder.",
    },
    CodeInfo {
        code: Code::PS402,
        id: "PS402",
        name: "PolicyContradiction",
        severity: Severity::Medium,
        short: "The privacy policy contradicts itself",
        why: "The prose describes collecting a data category that the clause enumerating permissions does not cover, or a listed permission is described as something else.",
        help: "Make the permission list and the prose agree.",
    },
    CodeInfo {
        code: Code::PS501,
        id: "PS501",
        name: "DataSafetyOmitsCollectedType",
        severity: Severity::High,
        short: "The build collects a data type the Play Data safety form does not declare",
        why: "Google Play requires the Data safety form to declare every user data type the app or its SDKs collect or share. The build's code reads the data (data-API call sites), embeds an SDK whose documentation says it collects it, or requests a permission that gives access to it (low severity when only a permission is seen), yet the form declares none of the type's PSL_* ids. Play enforces inaccurate forms with update rejections and removal.",
        help: "Declare the type in Play Console (App content > Data safety) for the app and every SDK that collects it, or remove the code, SDK or permission.",
    },
    CodeInfo {
        code: Code::PS502,
        id: "PS502",
        name: "PrivacyManifestOmitsCollectedType",
        severity: Severity::High,
        short: "The build collects a data type no privacy manifest declares",
        why: "Xcode's privacy report merges NSPrivacyCollectedDataTypes of the app's and every framework's PrivacyInfo.xcprivacy; the App Store privacy label is filled from it. The build's code or an embedded SDK collects a data type that no manifest declares.",
        help: "Add an NSPrivacyCollectedDataTypes entry (type, linked, tracking, purposes) to the app's PrivacyInfo.xcprivacy, or update the SDK to a version whose manifest declares it.",
    },
    CodeInfo {
        code: Code::PS503,
        id: "PS503",
        name: "DataSafetyNotInPolicy",
        severity: Severity::Medium,
        short: "The Data safety form declares a data type the privacy policy never mentions",
        why: "The store listing tells users the app collects a data type, but the privacy policy, which Play requires to describe all collection, names no category or permission that covers it. One of the two declarations is wrong.",
        help: "Describe the data type in the policy, or remove it from the Data safety form if the app does not collect it.",
    },
    CodeInfo {
        code: Code::PS504,
        id: "PS504",
        name: "PolicyNotInDataSafety",
        severity: Severity::Medium,
        short: "The privacy policy declares data the Data safety form does not",
        why: "A clause of the policy says the app collects a data category, but the Data safety form declares none of the Play data types that category covers: the store listing under-reports what the policy admits.",
        help: "Declare the data type in the Data safety form, or correct the policy clause.",
    },
    CodeInfo {
        code: Code::PS505,
        id: "PS505",
        name: "NoDataCollectedButSdkCollects",
        severity: Severity::High,
        short: "\"No data collected\" declared while an SDK that collects data is embedded",
        why: "The Data safety form answers that the app collects no user data (or declares no type), or the merged privacy manifests declare no collected data, yet the build embeds an SDK whose documentation lists data it collects. Data collected by SDKs counts as the app's collection for both stores.",
        help: "Declare the SDK's data types, or remove or configure the SDK so it collects nothing.",
    },
    CodeInfo {
        code: Code::PS506,
        id: "PS506",
        name: "TrackingNotDeclared",
        severity: Severity::High,
        short: "Tracking SDKs or tracking domains while NSPrivacyTracking is false",
        why: "No privacy manifest sets NSPrivacyTracking true, yet a manifest lists NSPrivacyTrackingDomains or the build embeds an advertising or attribution SDK. Apple requires NSPrivacyTracking and App Tracking Transparency consent for tracking, and iOS blocks the listed domains until the user allows tracking.",
        help: "Set NSPrivacyTracking true and request ATT consent, or remove the tracking domains and SDKs (or configure the SDK not to track).",
    },
    CodeInfo {
        code: Code::PS507,
        id: "PS507",
        name: "SdkManifestTypeNotInApp",
        severity: Severity::Medium,
        short: "An SDK's privacy manifest declares a data type the app's declarations omit",
        why: "An embedded framework's PrivacyInfo.xcprivacy says it collects a data type that the app's own manifest does not declare. The App Store privacy label must cover the SDK's collection too.",
        help: "Add the type to the app's privacy manifest and App Store privacy label, or drop the SDK.",
    },
    CodeInfo {
        code: Code::PS901,
        id: "PS901",
        name: "ArchiveTampered",
        severity: Severity::Medium,
        short: "Archive headers tampered: Android installs it, most analysis tools fail on it",
        why: "Malware tampers with zip headers (fake encryption bit, invalid compression method, lying local headers) so that analysis tools fail while Android's installer, which ignores those fields, still installs the app. The tampering itself is a red flag.",
        help: "Treat the artifact as suspicious; obtain a clean build from the developer.",
    },
    CodeInfo {
        code: Code::PS902,
        id: "PS902",
        name: "NotInstallable",
        severity: Severity::Medium,
        short: "Artifact Android or iOS would refuse (duplicate entries, inconsistent archive, unloadable binary)",
        why: "The artifact has a defect the platform rejects, such as duplicate zip entry names (Android: kDuplicateEntry). privscan still scans every copy, but what it reports may not be what any device runs.",
        help: "Rebuild the artifact with standard tooling.",
    },
    CodeInfo {
        code: Code::PS903,
        id: "PS903",
        name: "BinaryXmlTampered",
        severity: Severity::Medium,
        short: "Binary XML tampered: Android parses it, many tools do not",
        why: "The manifest's binary XML has been altered (header type, chunk sizes, decoy attribute names) in ways Android tolerates but that blind decompilers and scanners; a common packer and malware technique.",
        help: "Treat the artifact as suspicious.",
    },
    CodeInfo {
        code: Code::PS904,
        id: "PS904",
        name: "AllowExpired",
        severity: Severity::Medium,
        short: "A policy [[allow]] exception has expired",
        why: "A reviewed exception passed its expiry date; the finding it suppressed is reported again.",
        help: "Review the exception again and extend or remove it.",
    },
    CodeInfo {
        code: Code::PS905,
        id: "PS905",
        name: "ResourceCapHit",
        severity: Severity::Medium,
        short: "A resource cap stopped part of the scan: permissions or SDKs in the unread part are not reported",
        why: "An entry inflates past the per-entry cap, the artifact past the total cap, or a table past its count cap: a zip bomb, or an unusually large app. privscan stops reading there instead of running out of memory, so what it reports is incomplete.",
        help: "If the artifact is legitimate, raise the cap named in the message (--max-entry-size, --max-total-inflated) and scan again; otherwise treat it as hostile.",
    },
    CodeInfo {
        code: Code::PS906,
        id: "PS906",
        name: "PartlyRead",
        severity: Severity::Medium,
        short: "Part of the artifact could not be read (malformed member, broken nested jar, missing library binary): what it holds is not reported",
        why: "A static-library member, a jar inside an AAR, a library an xcframework lists or a native library is malformed or missing. privscan reports what it read; SDKs, symbols or permissions in the unread part are unknown, so the result is incomplete rather than clean.",
        help: "Check that the package is complete and not corrupted (re-download it from the vendor); the entry named in the finding is the part that was not read.",
    },
];

impl Code {
    /// This code's documentation.
    pub fn info(self) -> &'static CodeInfo {
        // CODES holds every variant in declaration order; the test below checks it.
        &CODES[self as usize]
    }

    /// Stable id, e.g. `PS101`.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The code with id `id`.
    pub fn from_id(id: &str) -> Option<Code> {
        CODES.iter().find(|c| c.id == id).map(|c| c.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_ordered_and_documented() {
        for (i, c) in CODES.iter().enumerate() {
            assert_eq!(c.code as usize, i, "{} out of order", c.id);
            assert_eq!(format!("{:?}", c.code), c.id);
            assert!(
                !c.short.is_empty() && !c.why.is_empty() && !c.help.is_empty(),
                "{}",
                c.id
            );
            assert_eq!(Code::from_id(c.id), Some(c.code));
        }
        let mut ids: Vec<_> = CODES.iter().map(|c| c.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), CODES.len());
    }
}
