//! React Native / Expo JavaScript dependencies: `package.json`
//! (`dependencies`, not `devDependencies`) and `package-lock.json` (lockfile
//! v1 `dependencies` and v2/v3 `packages`, `dev` entries skipped), with the
//! 1-based line of each package name.
//!
//! Distrusts: the JSON (serde_json; unknown shapes skipped, an unparsable
//! file is an error for that file only).
//!
//! Format facts: npm docs "package.json" and "package-lock.json"
//! (docs.npmjs.com/cli/configuring-npm/package-lock-json).

use serde_json::Value;

/// One JavaScript dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpmDep {
    /// Package name (`@scope/name`).
    pub name: String,
    /// Version range (package.json) or resolved version (lock file).
    pub version: Option<String>,
    /// 1-based line (0 when not found).
    pub line: u32,
}

/// Why a JSON file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} is not valid JSON: {message}")]
pub struct NpmError {
    /// `package.json` or `package-lock.json`.
    pub file: &'static str,
    /// serde_json's message (with line and column).
    pub message: String,
}

/// Runtime dependencies of a `package.json`.
pub fn parse_package_json(text: &str) -> Result<Vec<NpmDep>, NpmError> {
    let v: Value = serde_json::from_str(text).map_err(|e| NpmError {
        file: "package.json",
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    if let Some(deps) = v.get("dependencies").and_then(Value::as_object) {
        for (name, ver) in deps {
            out.push(NpmDep {
                name: name.clone(),
                version: ver.as_str().map(str::to_owned),
                line: super::line_of(text, &format!("\"{name}\"")).unwrap_or(0),
            });
        }
    }
    Ok(out)
}

/// Non-dev packages of a `package-lock.json`.
pub fn parse_package_lock(text: &str) -> Result<Vec<NpmDep>, NpmError> {
    let v: Value = serde_json::from_str(text).map_err(|e| NpmError {
        file: "package-lock.json",
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    if let Some(pkgs) = v.get("packages").and_then(Value::as_object) {
        for (path, p) in pkgs {
            let Some(name) = path
                .rsplit("node_modules/")
                .next()
                .filter(|n| !n.is_empty())
            else {
                continue;
            };
            if path.is_empty() || p.get("dev").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            out.push(NpmDep {
                name: name.to_string(),
                version: p.get("version").and_then(Value::as_str).map(str::to_owned),
                line: super::line_of(text, &format!("\"{path}\"")).unwrap_or(0),
            });
        }
    } else if let Some(deps) = v.get("dependencies").and_then(Value::as_object) {
        for (name, p) in deps {
            if p.get("dev").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            out.push(NpmDep {
                name: name.clone(),
                version: p.get("version").and_then(Value::as_str).map(str::to_owned),
                line: super::line_of(text, &format!("\"{name}\"")).unwrap_or(0),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_only() {
        let pj = "{\n  \"dependencies\": {\n    \"react-native-google-mobile-ads\": \"^14.0.0\"\n  },\n  \"devDependencies\": {\n    \"jest\": \"29\"\n  }\n}";
        let d = parse_package_json(pj).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].name, "react-native-google-mobile-ads");
        assert_eq!(d[0].line, 3);
        let lock = "{\n\"packages\": {\n\"\": {},\n\"node_modules/@sentry/react-native\": {\"version\": \"5.0.0\"},\n\"node_modules/jest\": {\"version\": \"29\", \"dev\": true}\n}\n}";
        let d = parse_package_lock(lock).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].name, "@sentry/react-native");
        assert_eq!(d[0].line, 4);
        assert!(parse_package_json("[").is_err());
    }
}
