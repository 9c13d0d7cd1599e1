//! Loading: parse rule files (TOML, or the JSON `build.rs` embeds) and
//! validate every entry, with errors naming file, SDK id and field.

use super::*;

#[derive(Deserialize)]
pub(super) struct CatalogVersion {
    pub(super) version: String,
}

pub(super) fn invalid(
    file: &str,
    sdk: &str,
    field: &str,
    message: impl Into<String>,
) -> CatalogError {
    CatalogError::Invalid {
        file: file.into(),
        sdk: sdk.into(),
        field: field.into(),
        message: message.into(),
    }
}

pub(super) fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Field name from a serde message such as "unknown field `foo`, expected ...".
pub(super) fn field_of(message: &str) -> String {
    message.split('`').nth(1).unwrap_or("-").to_string()
}

/// Parse and validate one rule file. `file` names it in errors; `stem`,
/// when given, must equal `vendor.id`.
pub fn parse_file(file: &str, stem: Option<&str>, text: &str) -> Result<Vec<Sdk>, CatalogError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| CatalogError::Toml {
        file: file.into(),
        message: e.to_string(),
    })?;
    parse_table(file, stem, table)
}

/// [`parse_file`] for an embedded rule file, read from the JSON form
/// `build.rs` converted its TOML to (same table, same validation; an error
/// here is a build bug that the test suite catches).
pub(super) fn parse_embedded(
    file: &str,
    stem: Option<&str>,
    json: &str,
) -> Result<Vec<Sdk>, CatalogError> {
    let table: toml::Table = serde_json::from_str(json).map_err(|e| CatalogError::Toml {
        file: file.into(),
        message: format!("embedded JSON form: {e}"),
    })?;
    parse_table(file, stem, table)
}

/// Validate one rule file's parsed TOML document (see [`parse_file`]).
pub(super) fn parse_table(
    file: &str,
    stem: Option<&str>,
    table: toml::Table,
) -> Result<Vec<Sdk>, CatalogError> {
    for key in table.keys() {
        if key != "vendor" && key != "sdk" {
            return Err(invalid(
                file,
                "(file)",
                key,
                "unknown top-level key (expected [vendor] and [[sdk]])",
            ));
        }
    }
    let vendor_value = table
        .get("vendor")
        .cloned()
        .ok_or_else(|| invalid(file, "(vendor)", "vendor", "missing [vendor] table"))?;
    let vendor: Vendor = vendor_value.try_into().map_err(|e: toml::de::Error| {
        let m = e.to_string();
        invalid(file, "(vendor)", &field_of(&m), m.trim())
    })?;
    if !is_kebab(&vendor.id) {
        return Err(invalid(
            file,
            "(vendor)",
            "id",
            format!("'{}' is not kebab-case", vendor.id),
        ));
    }
    if let Some(stem) = stem
        && stem != vendor.id
    {
        return Err(invalid(
            file,
            "(vendor)",
            "id",
            format!("'{}' differs from the file name '{stem}'", vendor.id),
        ));
    }
    if vendor.name.trim().is_empty() {
        return Err(invalid(file, "(vendor)", "name", "empty"));
    }
    let entries = match table.get("sdk") {
        None => return Err(invalid(file, "(file)", "sdk", "no [[sdk]] entries")),
        Some(toml::Value::Array(a)) => a.clone(),
        Some(_) => {
            return Err(invalid(
                file,
                "(file)",
                "sdk",
                "must be an array of tables ([[sdk]])",
            ));
        }
    };
    let mut out = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        let label = entry
            .get("id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{}", i + 1));
        let def: SdkDef = entry.try_into().map_err(|e: toml::de::Error| {
            let m = e.to_string();
            invalid(file, &label, &field_of(&m), m.trim())
        })?;
        let sdk = Sdk {
            id: def.id,
            name: def.name,
            category: def.category,
            source: def.source,
            aliases: def.aliases,
            data: def.data,
            permissions: def.permissions,
            apple_privacy_manifest_required: def.apple_privacy_manifest_required,
            matchers: def.matchers,
            tests: def.tests,
            bundles: def.bundles,
            parts: def.parts,
            version_rules: def.version,
            vendor: vendor.clone(),
            file: file.to_string(),
        };
        validate_sdk(&sdk)?;
        out.push(sdk);
    }
    Ok(out)
}

pub(super) fn validate_prefix(sdk: &Sdk, field: &str, p: &str) -> Result<(), CatalogError> {
    let bad = |m: String| invalid(&sdk.file, &sdk.id, field, m);
    if p.is_empty()
        || p.starts_with('.')
        || p.ends_with('.')
        || p.contains("..")
        || p.contains('/')
        || p.contains(' ')
    {
        return Err(bad(format!(
            "'{p}' is not a dotted Java package or class prefix"
        )));
    }
    if !p.contains('.') || TOO_BROAD.contains(&p) {
        return Err(bad(format!("'{p}' is too broad to identify one SDK")));
    }
    Ok(())
}

pub(super) fn validate_sdk(sdk: &Sdk) -> Result<(), CatalogError> {
    let f = sdk.file.as_str();
    let id = sdk.id.as_str();
    if !is_kebab(id) {
        return Err(invalid(f, id, "id", "not kebab-case"));
    }
    if sdk.name.trim().is_empty() {
        return Err(invalid(f, id, "name", "empty"));
    }
    if !CATEGORIES.contains(&sdk.category.as_str()) {
        return Err(invalid(
            f,
            id,
            "category",
            format!("'{}' is not one of {}", sdk.category, CATEGORIES.join(", ")),
        ));
    }
    if sdk.source.trim().is_empty() {
        return Err(invalid(
            f,
            id,
            "source",
            "empty: every SDK names the public source of its matchers",
        ));
    }
    let m = &sdk.matchers;
    if MATCHER_KINDS
        .iter()
        .all(|k| m.list(k).is_none_or(|l| l.is_empty()))
    {
        return Err(invalid(
            f,
            id,
            "match",
            "no matcher: at least one matcher list must be non-empty",
        ));
    }
    for kind in MATCHER_KINDS {
        for p in m.list(kind).unwrap_or_default() {
            if p.trim().is_empty() || p.trim() != p {
                return Err(invalid(
                    f,
                    id,
                    kind,
                    format!("pattern {p:?} is empty or has surrounding whitespace"),
                ));
            }
        }
    }
    for p in m.dex_class.iter() {
        validate_prefix(sdk, "dex_class", p)?;
    }
    for p in m.manifest_component.iter() {
        validate_prefix(sdk, "manifest_component", p)?;
    }
    for (field, list) in [
        ("elf_symbol", &m.elf_symbol),
        ("macho_symbol", &m.macho_symbol),
    ] {
        for p in list {
            regex::RegexBuilder::new(p)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| invalid(f, id, field, format!("bad regex {p:?}: {e}")))?;
        }
    }
    for (field, list) in [("native_lib", &m.native_lib), ("file", &m.file)] {
        for p in list {
            if p.trim_matches('*').is_empty() {
                return Err(invalid(
                    f,
                    id,
                    field,
                    format!("glob {p:?} matches everything"),
                ));
            }
        }
    }
    for b in &sdk.bundles {
        if b.dex_class.is_empty() && b.objc_class.is_empty() && b.files.is_empty() {
            return Err(invalid(
                f,
                id,
                "bundles",
                format!(
                    "bundle of '{}' names no dex_class, objc_class or files",
                    b.sdk
                ),
            ));
        }
        if b.source.trim().is_empty() {
            return Err(invalid(f, id, "bundles.source", "empty"));
        }
        for p in &b.dex_class {
            validate_prefix(sdk, "bundles.dex_class", p)?;
        }
    }
    for p in &sdk.version_rules.file_name {
        let re = regex::RegexBuilder::new(p)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| invalid(f, id, "version.file_name", format!("bad regex {p:?}: {e}")))?;
        if re.captures_len() < 2 {
            return Err(invalid(
                f,
                id,
                "version.file_name",
                format!("regex {p:?} has no capture group for the version"),
            ));
        }
    }
    for p in &sdk.version_rules.string {
        if p.len() < 4 || p.trim() != p {
            return Err(invalid(
                f,
                id,
                "version.string",
                format!("marker {p:?} is shorter than 4 bytes or has surrounding whitespace"),
            ));
        }
    }
    if sdk.tests.positive.is_empty() {
        return Err(invalid(
            f,
            id,
            "tests.positive",
            "at least one positive case is required",
        ));
    }
    if sdk.tests.negative.is_empty() {
        return Err(invalid(
            f,
            id,
            "tests.negative",
            "at least one negative case is required",
        ));
    }
    for (field, list) in [
        ("tests.positive", &sdk.tests.positive),
        ("tests.negative", &sdk.tests.negative),
    ] {
        for case in list {
            match case.split_once(':') {
                Some((k, v)) if MATCHER_KINDS.contains(&k) && !v.is_empty() => {}
                _ => {
                    return Err(invalid(
                        f,
                        id,
                        field,
                        format!(
                            "case {case:?} is not \"<matcher-kind>:<value>\" with a kind of {}",
                            MATCHER_KINDS.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}
