//! SwiftPM `Package.resolved` (format versions 1, 2 and 3): the resolved
//! package pins of an Xcode project or Swift package, with the 1-based line
//! of each pin's repository URL.
//!
//! Distrusts: the JSON (parsed by serde_json into a value; unknown shapes are
//! skipped, an unparsable file is an error for that file only).
//!
//! Format facts: SwiftPM `PinsStore` — v1 `{"object": {"pins": [{"package",
//! "repositoryURL", "state": {"version"}}]}, "version": 1}`; v2/v3 `{"pins":
//! [{"identity", "kind", "location", "state": {"version"}}], "version": 2|3}`
//! (v3 adds `originHash`).

use serde_json::Value;

/// One pinned package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// v2/v3 `identity`, v1 `package` (lower-cased by SwiftPM in v2+).
    pub identity: String,
    /// Repository URL or local path (`location` / `repositoryURL`).
    pub location: Option<String>,
    /// `state.version`; `None` for branch or revision pins.
    pub version: Option<String>,
    /// 1-based line of the pin's URL or name (0 when not found).
    pub line: u32,
}

/// Why a `Package.resolved` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Package.resolved is not valid JSON: {message}")]
pub struct ResolvedError {
    /// serde_json's message (with line and column).
    pub message: String,
}

/// Every pin of a `Package.resolved`.
pub fn parse(text: &str) -> Result<Vec<Pin>, ResolvedError> {
    let v: Value = serde_json::from_str(text).map_err(|e| ResolvedError {
        message: e.to_string(),
    })?;
    let pins = v
        .get("pins")
        .or_else(|| v.get("object").and_then(|o| o.get("pins")))
        .and_then(Value::as_array);
    let mut out = Vec::new();
    for p in pins.into_iter().flatten() {
        let identity = p
            .get("identity")
            .or_else(|| p.get("package"))
            .and_then(Value::as_str);
        let location = p
            .get("location")
            .or_else(|| p.get("repositoryURL"))
            .and_then(Value::as_str);
        let Some(identity) = identity.or(location) else {
            continue;
        };
        let version = p
            .get("state")
            .and_then(|s| s.get("version"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let needle = location.unwrap_or(identity);
        out.push(Pin {
            identity: identity.to_string(),
            location: location.map(str::to_owned),
            version,
            line: super::line_of(text, &format!("\"{needle}\"")).unwrap_or(0),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_and_v2() {
        let v1 = r#"{
  "object": {
    "pins": [
      {
        "package": "AnyCodable",
        "repositoryURL": "https://github.com/Flight-School/AnyCodable",
        "state": { "branch": null, "revision": "86", "version": "0.6.7" }
      }
    ]
  },
  "version": 1
}"#;
        let p = parse(v1).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].identity, "AnyCodable");
        assert_eq!(p[0].version.as_deref(), Some("0.6.7"));
        assert_eq!(p[0].line, 6);
        let v3 = r#"{"originHash":"x","pins":[{"identity":"purchases-ios-spm","kind":"remoteSourceControl",
"location":"https://github.com/RevenueCat/purchases-ios-spm.git","state":{"version":"5.0.0"}}],"version":3}"#;
        let p = parse(v3).unwrap();
        assert_eq!(p[0].identity, "purchases-ios-spm");
        assert_eq!(p[0].line, 2);
        assert!(parse("{").is_err());
    }
}
