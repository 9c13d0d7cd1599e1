//! Xcode `project.pbxproj` build settings that become Info.plist keys:
//! `INFOPLIST_KEY_NS…UsageDescription = "...";` (Xcode 13+ generated
//! Info.plist, `GENERATE_INFOPLIST_FILE = YES`). Apps that keep their
//! purpose strings there have none in any Info.plist file.
//!
//! Distrusts: the text (an OpenStep plist of tens of thousands of lines);
//! it is scanned line by line with one regex, lines over 16 KiB ignored.
//!
//! Format facts: Xcode build settings reference, "Info.plist keys"
//! (`INFOPLIST_KEY_<key>` sets `<key>` in the generated Info.plist).

use regex::Regex;
use std::sync::OnceLock;

/// One usage-description build setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageSetting {
    /// The Info.plist key (`NSCameraUsageDescription`).
    pub key: String,
    /// The purpose string, unquoted (escapes kept as written).
    pub text: String,
    /// 1-based line.
    pub line: u32,
}

fn re() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r#"^\s*"?INFOPLIST_KEY_((?:NS|NFC)[A-Za-z0-9]*UsageDescription)"?\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))\s*;"#,
        )
        .ok()
    })
    .as_ref()
}

/// Every `INFOPLIST_KEY_*UsageDescription` setting, in file order (one per
/// build configuration, so keys repeat).
pub fn usage_settings(text: &str) -> Vec<UsageSetting> {
    let Some(re) = re() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.len() > 16 * 1024 || !line.contains("INFOPLIST_KEY_") {
            continue;
        }
        if let Some(c) = re.captures(line) {
            out.push(UsageSetting {
                key: c.get(1).map_or("", |m| m.as_str()).to_string(),
                text: c
                    .get(2)
                    .or_else(|| c.get(3))
                    .map_or("", |m| m.as_str())
                    .to_string(),
                line: u32::try_from(i.saturating_add(1)).unwrap_or(u32::MAX),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings() {
        let text = "\t\t\t\tINFOPLIST_KEY_NSCameraUsageDescription = \"Upload \\\"photos\\\"\";\n\t\t\t\tINFOPLIST_KEY_NSHumanReadableCopyright = \"\";\n\t\t\t\tINFOPLIST_KEY_NSMicrophoneUsageDescription = Speak;\n";
        let s = usage_settings(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].key, "NSCameraUsageDescription");
        assert_eq!(s[0].text, "Upload \\\"photos\\\"");
        assert_eq!(s[0].line, 1);
        assert_eq!(s[1].key, "NSMicrophoneUsageDescription");
        assert_eq!(s[1].text, "Speak");
        assert_eq!(s[1].line, 3);
    }
}
