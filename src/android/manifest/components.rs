//! `<application>` and its components (activity, activity-alias,
//! service, receiver, provider) with their effective `exported`
//! (PackageParser / `ParsedComponent` rules).

use super::*;

/// `<application>`: flags, meta-data and components.
pub(super) fn read_application(
    r: &Reader<'_>,
    app: &XmlElement,
    app_path: &str,
    package: &str,
    m: &mut AndroidManifest,
) {
    m.application = ApplicationFlags {
        debuggable: r
            .android(app, attrs::DEBUGGABLE, "debuggable")
            .and_then(|v| r.bool(v)),
        allow_backup: r
            .android(app, attrs::ALLOW_BACKUP, "allowBackup")
            .and_then(|v| r.bool(v)),
        uses_cleartext_traffic: r
            .android(app, attrs::USES_CLEARTEXT_TRAFFIC, "usesCleartextTraffic")
            .and_then(|v| r.bool(v)),
        label: r.android(app, attrs::LABEL, "label").map(|v| r.text(v)),
        name: r
            .android(app, attrs::NAME, "name")
            .map(|v| qualify(package, &r.text(v))),
    };
    let mut counter = SiblingCounter::default();
    for child in &app.children {
        let path = format!("{app_path}/{}[{}]", child.name, counter.next(&child.name));
        let kind = match child.name.as_str() {
            "activity" => ComponentKind::Activity,
            "activity-alias" => ComponentKind::ActivityAlias,
            "service" => ComponentKind::Service,
            "receiver" => ComponentKind::Receiver,
            "provider" => ComponentKind::Provider,
            "meta-data" => {
                if let Some(md) = r.meta_data(child, &path) {
                    m.meta_data.push(md);
                }
                continue;
            }
            _ => continue,
        };
        // Android rejects a component without a name; skip it.
        let Some(name) = r.android(child, attrs::NAME, "name").map(|v| r.text(v)) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let exported_explicit = r
            .android(child, attrs::EXPORTED, "exported")
            .and_then(|v| r.bool(v));
        let has_intent_filter = child.children_named("intent-filter").next().is_some();
        m.components.push(Component {
            kind,
            name: qualify(package, &name),
            // Providers are fixed up once targetSdk is known.
            exported: exported_explicit.unwrap_or(has_intent_filter),
            exported_explicit,
            has_intent_filter,
            permission: r
                .android(child, attrs::PERMISSION, "permission")
                .map(|v| r.text(v)),
            authorities: if kind == ComponentKind::Provider {
                r.android(child, attrs::AUTHORITIES, "authorities")
                    .map(|v| r.text(v))
            } else {
                None
            },
            location: r.location(child, &path),
        });
        let mut inner = SiblingCounter::default();
        for md in child.children_named("meta-data") {
            let md_path = format!("{path}/meta-data[{}]", inner.next("meta-data"));
            if let Some(md) = r.meta_data(md, &md_path) {
                m.meta_data.push(md);
            }
        }
    }
}

/// Default of `android:exported` for a provider: `true` when the
/// effective targetSdk is below 17 (`Build.VERSION_CODES.JELLY_BEAN_MR1`,
/// `PackageParser.parseProvider`). The effective targetSdk defaults to
/// minSdk, which defaults to 1. A codename or an unresolved reference counts
/// as a current (high) level.
pub(super) fn provider_exported_default(m: &AndroidManifest) -> bool {
    let target = match (&m.target_sdk, &m.min_sdk) {
        (Some(t), _) => t.api(),
        (None, Some(min)) => min.api(),
        (None, None) => Some(1),
    };
    matches!(target, Some(t) if t < 17)
}

/// 1-based index of an element among its same-named siblings.
#[derive(Default)]
pub(super) struct SiblingCounter {
    pub(super) counts: Vec<(String, u32)>,
}

impl SiblingCounter {
    pub(super) fn next(&mut self, name: &str) -> u32 {
        if let Some((_, n)) = self.counts.iter_mut().find(|(k, _)| k == name) {
            *n = n.saturating_add(1);
            return *n;
        }
        self.counts.push((name.to_string(), 1));
        1
    }
}
