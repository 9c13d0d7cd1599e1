//! Attribute resolution: reading `android:` attributes by resource id or
//! name, typed values, qualified class names, `versionCode` and
//! `protectionLevel` flags (AOSP `core/res/res/values/attrs_manifest.xml`).

use super::*;

/// A permission name: `TypedArray.getNonResourceString` (used by
/// `PackageParser` for `<uses-permission>` and `<permission>` names) returns
/// only a literal string; a reference or any other type yields no name, and
/// Android then ignores the element (`aapt dump badging` too: "attribute is
/// not a string value").
pub(super) fn non_resource_string(v: &AttrValue) -> Option<String> {
    match v {
        AttrValue::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// `PackageParser.buildClassName`: `.Foo` and `Foo` (no dot) are in the
/// package; a name with a dot elsewhere is already qualified.
pub(super) fn qualify(package: &str, name: &str) -> String {
    if package.is_empty() {
        return name.to_string();
    }
    if name.starts_with('.') {
        format!("{package}{name}")
    } else if !name.contains('.') {
        format!("{package}.{name}")
    } else {
        name.to_string()
    }
}

/// `android:versionCode` is a 32-bit int; Android combines it with
/// `versionCodeMajor` as `(major << 32) | (code & 0xffffffff)`, so a
/// negative value is its unsigned 32-bit form.
pub(super) fn version_code(v: i64) -> u64 {
    if v < 0 {
        u64::from(v as i32 as u32)
    } else {
        v as u64
    }
}

/// Names of `android:protectionLevel` flags (AOSP
/// `core/res/res/values/attrs_manifest.xml`, `<attr name="protectionLevel">`).
pub(super) const PROTECTION_FLAGS: &[(u32, &str)] = &[
    (0x10, "privileged"),
    (0x20, "development"),
    (0x40, "appop"),
    (0x80, "pre23"),
    (0x100, "installer"),
    (0x200, "verifier"),
    (0x400, "preinstalled"),
    (0x800, "setup"),
    (0x1000, "instant"),
    (0x2000, "runtime"),
    (0x4000, "oem"),
    (0x8000, "vendorPrivileged"),
    (0x10000, "textClassifier"),
    (0x20000, "wellbeing"),
    (0x40000, "documenter"),
    (0x80000, "configurator"),
    (0x100000, "incidentReportApprover"),
    (0x200000, "appPredictor"),
    (0x400000, "module"),
    (0x800000, "companion"),
    (0x1000000, "retailDemo"),
    (0x2000000, "recents"),
    (0x4000000, "role"),
    (0x8000000, "knownSigner"),
];

/// Name of a compiled `protectionLevel` value: the base level
/// (`normal`, `dangerous`, `signature`, `signatureOrSystem`, `internal`;
/// `base(N)` for an unknown one) followed by the set flag names in
/// alphabetical order, then any unknown bits in hex, joined with `|` —
/// the normalisation the corpus uses (e.g. `18` → `signature|privileged`,
/// `0x42` → `signature|appop`).
pub fn protection_level_name(flags: u32) -> String {
    let base = flags & 0xf;
    let mut names: Vec<String> = vec![match base {
        0 => "normal".to_string(),
        1 => "dangerous".to_string(),
        2 => "signature".to_string(),
        3 => "signatureOrSystem".to_string(),
        4 => "internal".to_string(),
        other => format!("base({other})"),
    }];
    let mut flag_names: Vec<&str> = PROTECTION_FLAGS
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    flag_names.sort_unstable();
    names.extend(flag_names.into_iter().map(str::to_string));
    let known = PROTECTION_FLAGS
        .iter()
        .fold(0xf_u32, |acc, (bit, _)| acc | bit);
    let rest = flags & !known;
    if rest != 0 {
        names.push(format!("{rest:#x}"));
    }
    names.join("|")
}

/// The attribute `obtainAttributes` finds for resource ID `id` in a binary
/// element. `AssetManager.obtainAttributes` → `RetrieveAttributes` (AOSP
/// `libs/androidfw/AttributeResolution.cpp`) walks the requested IDs
/// (sorted) and the XML attributes together, skipping XML attributes while
/// their ID (`ResXMLParser::getAttributeNameResID`, 0 without one) is lower,
/// and never steps back. So the attribute at position j is seen iff its ID
/// is greater than every ID before it: one after a higher ID (out of
/// order), or a second copy of an ID, does not exist for Android. aapt and
/// aapt2 write attributes sorted by ID, so only a tampered file differs
/// (the decoder notes it as `axml-attr-order`, PS903). Proto (AAB) trees
/// are sorted by bundletool when it writes the device's binary XML, so
/// they are matched by ID alone.
fn visible_by_id(el: &XmlElement, id: u32) -> Option<&crate::android::xml::XmlAttribute> {
    let mut max_before = 0u32;
    for a in &el.attributes {
        let rid = a.resource_id.unwrap_or(0);
        if rid == id {
            return (id > max_before).then_some(a);
        }
        max_before = max_before.max(rid);
        if max_before >= id {
            return None;
        }
    }
    None
}

/// Attribute lookup and value conversion for one document.
pub(super) struct Reader<'a> {
    pub(super) source: XmlSource,
    pub(super) resources: Option<&'a dyn ResourceResolver>,
    pub(super) entry: &'a str,
}

impl Reader<'_> {
    /// A framework (`android:`) attribute: by resource ID for binary and
    /// proto trees, by namespace URI + local name for text. First match wins.
    pub(super) fn android<'e>(
        &self,
        el: &'e XmlElement,
        id: u32,
        local: &str,
    ) -> Option<&'e AttrValue> {
        let found = match self.source {
            XmlSource::Binary => visible_by_id(el, id),
            XmlSource::Proto => el.attributes.iter().find(|a| a.resource_id == Some(id)),
            XmlSource::Text => el
                .attributes
                .iter()
                .find(|a| a.namespace.as_deref() == Some(ANDROID_NS) && a.name == local),
        };
        found.map(|a| &a.value)
    }

    /// An attribute with no namespace, matched by name (`package`, `split`,
    /// `coreApp`), in every source: the first one, as
    /// `ResXMLParser::indexOfAttribute` returns it, whatever its position
    /// or resource ID. A value Android reads as null (a typed string with
    /// no rawValue, see the AXML decoder) is absent.
    pub(super) fn plain_attr<'e>(&self, el: &'e XmlElement, name: &str) -> Option<&'e AttrValue> {
        el.attributes
            .iter()
            .find(|a| a.namespace.is_none() && a.name == name)
            .map(|a| &a.value)
            .filter(|v| !matches!(v, AttrValue::Null))
    }

    pub(super) fn location(&self, el: &XmlElement, path: &str) -> Location {
        Location {
            entry: self.entry.to_string(),
            detail: Some(path.to_string()),
            line: if el.line == 0 { None } else { Some(el.line) },
        }
    }

    /// A reference resolved through the resource table, once (no chains:
    /// aapt badging resolves one level).
    pub(super) fn resolve(&self, v: &AttrValue) -> Option<AttrValue> {
        match v {
            AttrValue::Reference(id) => self.resources.and_then(|r| r.resolve(*id)),
            _ => None,
        }
    }

    /// The value as text; a reference becomes its resolved value's text, or
    /// `@0x7f050007` when unresolvable.
    pub(super) fn text(&self, v: &AttrValue) -> String {
        match self.resolve(v) {
            Some(AttrValue::Reference(_)) | None => v.to_text(),
            Some(resolved) => resolved.to_text(),
        }
    }

    /// A boolean: `TYPE_INT_BOOLEAN`, an int (non-zero = true), text
    /// `true`/`false`, or a reference to one of those.
    pub(super) fn bool(&self, v: &AttrValue) -> Option<bool> {
        match v {
            AttrValue::Bool(b) => Some(*b),
            AttrValue::IntDec(i) => Some(*i != 0),
            AttrValue::IntHex(u) => Some(*u != 0),
            AttrValue::String(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            AttrValue::Reference(_) => match self.resolve(v) {
                Some(AttrValue::Reference(_)) | None => None,
                Some(resolved) => self.bool(&resolved),
            },
            _ => None,
        }
    }

    /// An integer: `TYPE_INT_DEC`/`TYPE_INT_HEX`, text in decimal or `0x`
    /// hex, or a reference to one of those.
    pub(super) fn int(&self, v: &AttrValue) -> Option<i64> {
        match v {
            AttrValue::IntDec(i) => Some(i64::from(*i)),
            AttrValue::IntHex(u) => Some(i64::from(*u)),
            AttrValue::String(s) => parse_int(s),
            AttrValue::Reference(_) => match self.resolve(v) {
                Some(AttrValue::Reference(_)) | None => None,
                Some(resolved) => self.int(&resolved),
            },
            _ => None,
        }
    }

    /// An API level: an integer becomes `Api(n)`; a codename string
    /// (`VanillaIceCream`) or text reference (`@string/min`) stays
    /// `Other` as written; an unresolvable binary reference is
    /// `Other("@0x7f050022")`; a resolvable one is converted from its value.
    pub(super) fn sdk_level(&self, v: &AttrValue) -> SdkLevel {
        match v {
            AttrValue::IntDec(_) | AttrValue::IntHex(_) | AttrValue::String(_) => {
                match self.int(v).and_then(|n| u32::try_from(n).ok()) {
                    Some(n) => SdkLevel::Api(n),
                    None => SdkLevel::Other(v.to_text()),
                }
            }
            AttrValue::Reference(_) => match self.resolve(v) {
                Some(AttrValue::Reference(_)) | None => SdkLevel::Other(v.to_text()),
                Some(resolved) => self.sdk_level(&resolved),
            },
            other => SdkLevel::Other(other.to_text()),
        }
    }

    pub(super) fn meta_data(&self, el: &XmlElement, path: &str) -> Option<MetaData> {
        let name = self
            .android(el, attrs::NAME, "name")
            .map(|v| self.text(v))?;
        Some(MetaData {
            name,
            value: self
                .android(el, attrs::VALUE, "value")
                .map(AttrValue::to_text),
            resource: self
                .android(el, attrs::RESOURCE, "resource")
                .map(AttrValue::to_text),
            location: self.location(el, path),
        })
    }
}

/// Decimal or `0x` hexadecimal integer text (surrounding spaces allowed),
/// as Android's `XmlUtils.convertValueToInt` accepts for text XML.
pub(super) fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let value = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i64::from_str_radix(hex, 16).ok()?
    } else {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<i64>().ok()?
    };
    if neg {
        value.checked_neg()
    } else {
        Some(value)
    }
}
