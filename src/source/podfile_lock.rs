//! CocoaPods `Podfile.lock`: the pods an iOS/macOS target installs, with
//! versions and the 1-based line of each.
//!
//! Distrusts: the text; it is read line by line (no YAML parser): only the
//! top-level items of the `PODS:` section (`  - Name (1.2.3)` or
//! `  - Name (1.2.3):` when the pod has dependencies, quoted when the name
//! needs it) are taken. Lines over 4 KiB are ignored.
//!
//! Format facts: CocoaPods `Lockfile` (cocoapods-core `lockfile.rb`), which
//! writes `PODS`, `DEPENDENCIES`, `SPEC REPOS`, `EXTERNAL SOURCES`,
//! `SPEC CHECKSUMS`, `PODFILE CHECKSUM`, `COCOAPODS` in that order.

/// One installed pod (or subspec, `Name/Sub`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pod {
    /// Pod name (`Firebase/Analytics` for a subspec).
    pub name: String,
    /// Version in parentheses.
    pub version: Option<String>,
    /// 1-based line.
    pub line: u32,
}

/// Every top-level entry of the `PODS:` section.
pub fn parse(text: &str) -> Vec<Pod> {
    let mut out = Vec::new();
    let mut in_pods = false;
    for (i, line) in text.lines().enumerate() {
        if line.len() > 4096 {
            continue;
        }
        if !line.starts_with(' ') && !line.is_empty() {
            in_pods = line.trim_end() == "PODS:";
            continue;
        }
        if !in_pods {
            continue;
        }
        let Some(item) = line.strip_prefix("  - ") else {
            continue;
        };
        let item = item.trim_end().trim_end_matches(':').trim_matches('"');
        let (name, version) = match item.split_once(" (") {
            Some((n, v)) => (n.trim(), Some(v.trim_end_matches(')').to_string())),
            None => (item.trim(), None),
        };
        if name.is_empty() {
            continue;
        }
        out.push(Pod {
            name: name.to_string(),
            version,
            line: u32::try_from(i.saturating_add(1)).unwrap_or(u32::MAX),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_section_only() {
        let text = "PODS:\n  - Flutter (1.0.0)\n  - Google-Mobile-Ads-SDK (12.2.0):\n    - GoogleUserMessagingPlatform (>= 1.1)\n  - \"IronSourceSDK/Ads (9.2.0.0)\"\n\nDEPENDENCIES:\n  - Flutter (from `Flutter`)\n";
        let pods = parse(text);
        let got: Vec<(&str, Option<&str>, u32)> = pods
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_deref(), p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Flutter", Some("1.0.0"), 2),
                ("Google-Mobile-Ads-SDK", Some("12.2.0"), 3),
                ("IronSourceSDK/Ads", Some("9.2.0.0"), 5),
            ]
        );
    }
}
