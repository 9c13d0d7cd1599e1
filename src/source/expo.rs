//! Expo app config (`app.json` / `app.config.json`): `expo.ios.infoPlist`
//! keys (usage descriptions merged into the generated Info.plist) and
//! `expo.android.permissions` (added to the generated AndroidManifest.xml by
//! `expo prebuild`), with 1-based lines.
//!
//! Distrusts: the JSON (serde_json; unknown shapes skipped). Dynamic
//! `app.config.js` is code and is not evaluated.
//!
//! Format facts: Expo docs "app.json / app.config.js" (`ios.infoPlist`,
//! `android.permissions`; short names such as `CAMERA` mean
//! `android.permission.CAMERA`).

use serde_json::Value;

/// What an Expo config declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpoConfig {
    /// `(key, text, line)` of `ios.infoPlist` `*UsageDescription` keys.
    pub usage_descriptions: Vec<(String, String, u32)>,
    /// `(fully-qualified permission, line)`.
    pub permissions: Vec<(String, u32)>,
}

/// Why an app config could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("app.json is not valid JSON: {message}")]
pub struct ExpoError {
    /// serde_json's message (with line and column).
    pub message: String,
}

/// Read an `app.json`; a config without an `expo` key uses the root.
pub fn parse(text: &str) -> Result<ExpoConfig, ExpoError> {
    let v: Value = serde_json::from_str(text).map_err(|e| ExpoError {
        message: e.to_string(),
    })?;
    let root = v.get("expo").unwrap_or(&v);
    let mut out = ExpoConfig::default();
    if let Some(info) = root
        .get("ios")
        .and_then(|i| i.get("infoPlist"))
        .and_then(Value::as_object)
    {
        for (k, val) in info {
            if crate::property_list::is_usage_key(k) {
                out.usage_descriptions.push((
                    k.clone(),
                    val.as_str().unwrap_or_default().to_string(),
                    super::line_of(text, &format!("\"{k}\"")).unwrap_or(0),
                ));
            }
        }
    }
    if let Some(perms) = root
        .get("android")
        .and_then(|a| a.get("permissions"))
        .and_then(Value::as_array)
    {
        for p in perms.iter().filter_map(Value::as_str) {
            let full = if p.contains('.') {
                p.to_string()
            } else {
                format!("android.permission.{p}")
            };
            out.permissions
                .push((full, super::line_of(text, &format!("\"{p}\"")).unwrap_or(0)));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expo_config() {
        let text = "{\n \"expo\": {\n  \"ios\": {\"infoPlist\": {\n   \"NSCameraUsageDescription\": \"Film\",\n   \"UIBackgroundModes\": [\"audio\"]}},\n  \"android\": {\"permissions\": [\n   \"CAMERA\",\n   \"com.google.android.gms.permission.AD_ID\"]}\n }\n}";
        let c = parse(text).unwrap();
        assert_eq!(
            c.usage_descriptions,
            vec![("NSCameraUsageDescription".into(), "Film".into(), 4)]
        );
        assert_eq!(
            c.permissions,
            vec![
                ("android.permission.CAMERA".into(), 7),
                ("com.google.android.gms.permission.AD_ID".into(), 8)
            ]
        );
    }
}
