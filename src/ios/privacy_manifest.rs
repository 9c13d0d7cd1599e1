//! `PrivacyInfo.xcprivacy`: the privacy manifest of an app or of an SDK
//! bundle/framework (Apple: "Privacy manifest files",
//! developer.apple.com/documentation/bundleresources/privacy-manifest-files).
//!
//! Reads `NSPrivacyTracking`, `NSPrivacyTrackingDomains`,
//! `NSPrivacyCollectedDataTypes[].NSPrivacyCollectedDataType` and
//! `NSPrivacyCollectedDataTypes[]` with `NSPrivacyCollectedDataTypeLinked`,
//! `NSPrivacyCollectedDataTypeTracking` and
//! `NSPrivacyCollectedDataTypePurposes` (Apple: "Describing data use in
//! privacy manifests"), and `NSPrivacyAccessedAPITypes[]`
//! (`NSPrivacyAccessedAPIType` + `NSPrivacyAccessedAPITypeReasons`). Distrusts the plist (parsed with the
//! caps of `ios::plist`); entries of the wrong type are skipped, not fatal.

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

use plist::Value;

use crate::ios::plist::{PlistError, parse_dict};
use crate::limits::Limits;
use crate::model::{AccessedApiType, CollectedDataType, PrivacyManifest};

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_string)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Parses a privacy manifest. `entry` is recorded as the manifest's location.
///
/// Errors: the plist cannot be parsed or its root is not a dictionary.
pub fn parse(data: &[u8], entry: &str, limits: &Limits) -> Result<PrivacyManifest, PlistError> {
    let (root, _, _) = parse_dict(data, limits)?;
    let tracking = root
        .get("NSPrivacyTracking")
        .and_then(Value::as_boolean)
        .unwrap_or(false);
    let tracking_domains = strings(root.get("NSPrivacyTrackingDomains"));
    let mut accessed_api_types = Vec::new();
    if let Some(Value::Array(items)) = root.get("NSPrivacyAccessedAPITypes") {
        for item in items {
            let Some(d) = item.as_dictionary() else {
                continue;
            };
            let Some(category) = d.get("NSPrivacyAccessedAPIType").and_then(Value::as_string)
            else {
                continue;
            };
            accessed_api_types.push(AccessedApiType {
                category: category.to_owned(),
                reasons: strings(d.get("NSPrivacyAccessedAPITypeReasons")),
            });
        }
    }
    let mut collected_data_types = Vec::new();
    let mut collected = Vec::new();
    if let Some(Value::Array(items)) = root.get("NSPrivacyCollectedDataTypes") {
        for d in items.iter().filter_map(Value::as_dictionary) {
            let Some(t) = d
                .get("NSPrivacyCollectedDataType")
                .and_then(Value::as_string)
            else {
                continue;
            };
            collected_data_types.push(t.to_owned());
            collected.push(CollectedDataType {
                data_type: t.to_owned(),
                linked: d
                    .get("NSPrivacyCollectedDataTypeLinked")
                    .and_then(Value::as_boolean),
                tracking: d
                    .get("NSPrivacyCollectedDataTypeTracking")
                    .and_then(Value::as_boolean),
                purposes: strings(d.get("NSPrivacyCollectedDataTypePurposes")),
            });
        }
    }
    Ok(PrivacyManifest {
        entry: entry.to_owned(),
        tracking,
        tracking_domains,
        accessed_api_types,
        collected_data_types,
        collected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_all_sections() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>
<key>NSPrivacyTracking</key><true/>
<key>NSPrivacyTrackingDomains</key><array><string>t.example.com</string></array>
<key>NSPrivacyCollectedDataTypes</key><array><dict><key>NSPrivacyCollectedDataType</key>
<string>NSPrivacyCollectedDataTypeDeviceID</string><key>NSPrivacyCollectedDataTypeLinked</key><false/>
<key>NSPrivacyCollectedDataTypeTracking</key><true/><key>NSPrivacyCollectedDataTypePurposes</key>
<array><string>NSPrivacyCollectedDataTypePurposeAnalytics</string></array></dict><string>junk</string>
<dict><key>NSPrivacyCollectedDataType</key><string>NSPrivacyCollectedDataTypeCrashData</string></dict></array>
<key>NSPrivacyAccessedAPITypes</key><array><dict><key>NSPrivacyAccessedAPIType</key>
<string>NSPrivacyAccessedAPICategoryFileTimestamp</string><key>NSPrivacyAccessedAPITypeReasons</key>
<array><string>C617.1</string></array></dict></array></dict></plist>"#;
        let m = parse(
            xml.as_bytes(),
            "Payload/A.app/PrivacyInfo.xcprivacy",
            &Limits::default(),
        )
        .unwrap();
        assert!(m.tracking);
        assert_eq!(m.tracking_domains, vec!["t.example.com"]);
        assert_eq!(
            m.collected_data_types,
            vec![
                "NSPrivacyCollectedDataTypeDeviceID",
                "NSPrivacyCollectedDataTypeCrashData"
            ]
        );
        let c = &m.collected[0];
        assert_eq!(c.linked, Some(false));
        assert_eq!(c.tracking, Some(true));
        assert_eq!(
            c.purposes,
            vec!["NSPrivacyCollectedDataTypePurposeAnalytics"]
        );
        assert_eq!(m.collected[1].linked, None);
        assert!(m.collected[1].purposes.is_empty());
        assert_eq!(
            m.accessed_api_types[0].category,
            "NSPrivacyAccessedAPICategoryFileTimestamp"
        );
        assert_eq!(m.accessed_api_types[0].reasons, vec!["C617.1"]);
        assert!(parse(b"<plist><array/></plist>", "x", &Limits::default()).is_err());
    }
}
