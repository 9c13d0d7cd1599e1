//! Framework attribute resource IDs (`android.R.attr`) used by the
//! manifest reader and the AXML encoder.
//!
//! Android matches framework attributes of binary XML by these IDs only
//! (`ResXMLParser::getAttributeNameResID`), never by their name strings,
//! so a decoder that trusts names can be fooled (hostile-inputs.md A6).
//! Source: AOSP `frameworks/base/core/res/res/values/public.xml`
//! (the `<public type="attr" .../>` entries, first block at 0x01010000).
//! Every ID below was checked against that file (LineageOS mirror of
//! frameworks/base, blocks for platform versions 1, 4, 5) or, for
//! installLocation and usesCleartextTraffic, against the published
//! `android.R.attr` constant values; compileSdkVersion* against the
//! public.xml hunk that added them (0x01010572, 0x01010573).

/// `android:label`
pub const LABEL: u32 = 0x0101_0001;
/// `android:icon`
pub const ICON: u32 = 0x0101_0002;
/// `android:name`
pub const NAME: u32 = 0x0101_0003;
/// `android:permission`
pub const PERMISSION: u32 = 0x0101_0006;
/// `android:readPermission`
pub const READ_PERMISSION: u32 = 0x0101_0007;
/// `android:writePermission`
pub const WRITE_PERMISSION: u32 = 0x0101_0008;
/// `android:protectionLevel`
pub const PROTECTION_LEVEL: u32 = 0x0101_0009;
/// `android:permissionGroup`
pub const PERMISSION_GROUP: u32 = 0x0101_000a;
/// `android:sharedUserId`
pub const SHARED_USER_ID: u32 = 0x0101_000b;
/// `android:enabled`
pub const ENABLED: u32 = 0x0101_000e;
/// `android:debuggable`
pub const DEBUGGABLE: u32 = 0x0101_000f;
/// `android:exported`
pub const EXPORTED: u32 = 0x0101_0010;
/// `android:process`
pub const PROCESS: u32 = 0x0101_0011;
/// `android:authorities`
pub const AUTHORITIES: u32 = 0x0101_0018;
/// `android:value`
pub const VALUE: u32 = 0x0101_0024;
/// `android:resource`
pub const RESOURCE: u32 = 0x0101_0025;
/// `android:scheme`
pub const SCHEME: u32 = 0x0101_0027;
/// `android:host`
pub const HOST: u32 = 0x0101_0028;
/// `android:targetActivity`
pub const TARGET_ACTIVITY: u32 = 0x0101_0202;
/// `android:minSdkVersion`
pub const MIN_SDK_VERSION: u32 = 0x0101_020c;
/// `android:versionCode`
pub const VERSION_CODE: u32 = 0x0101_021b;
/// `android:versionName`
pub const VERSION_NAME: u32 = 0x0101_021c;
/// `android:targetSdkVersion`
pub const TARGET_SDK_VERSION: u32 = 0x0101_0270;
/// `android:maxSdkVersion`
pub const MAX_SDK_VERSION: u32 = 0x0101_0271;
/// `android:allowBackup`
pub const ALLOW_BACKUP: u32 = 0x0101_0280;
/// `android:glEsVersion`
pub const GL_ES_VERSION: u32 = 0x0101_0281;
/// `android:required`
pub const REQUIRED: u32 = 0x0101_028e;
/// `android:installLocation`
pub const INSTALL_LOCATION: u32 = 0x0101_02b7;
/// `android:usesCleartextTraffic`
pub const USES_CLEARTEXT_TRAFFIC: u32 = 0x0101_04ec;
/// `android:compileSdkVersion`
pub const COMPILE_SDK_VERSION: u32 = 0x0101_0572;
/// `android:compileSdkVersionCodename`
pub const COMPILE_SDK_VERSION_CODENAME: u32 = 0x0101_0573;

// Added for the AXML decoder; every ID checked against AOSP public.xml.
/// `android:theme`
pub const THEME: u32 = 0x0101_0000;
/// `android:manageSpaceActivity`
pub const MANAGE_SPACE_ACTIVITY: u32 = 0x0101_0004;
/// `android:allowClearUserData`
pub const ALLOW_CLEAR_USER_DATA: u32 = 0x0101_0005;
/// `android:hasCode`
pub const HAS_CODE: u32 = 0x0101_000c;
/// `android:persistent`
pub const PERSISTENT: u32 = 0x0101_000d;
/// `android:taskAffinity`
pub const TASK_AFFINITY: u32 = 0x0101_0012;
/// `android:multiprocess`
pub const MULTIPROCESS: u32 = 0x0101_0013;
/// `android:excludeFromRecents`
pub const EXCLUDE_FROM_RECENTS: u32 = 0x0101_0017;
/// `android:syncable`
pub const SYNCABLE: u32 = 0x0101_0019;
/// `android:initOrder`
pub const INIT_ORDER: u32 = 0x0101_001a;
/// `android:grantUriPermissions`
pub const GRANT_URI_PERMISSIONS: u32 = 0x0101_001b;
/// `android:priority`
pub const PRIORITY: u32 = 0x0101_001c;
/// `android:launchMode`
pub const LAUNCH_MODE: u32 = 0x0101_001d;
/// `android:screenOrientation`
pub const SCREEN_ORIENTATION: u32 = 0x0101_001e;
/// `android:configChanges`
pub const CONFIG_CHANGES: u32 = 0x0101_001f;
/// `android:description`
pub const DESCRIPTION: u32 = 0x0101_0020;
/// `android:targetPackage`
pub const TARGET_PACKAGE: u32 = 0x0101_0021;
/// `android:mimeType`
pub const MIME_TYPE: u32 = 0x0101_0026;
/// `android:port`
pub const PORT: u32 = 0x0101_0029;
/// `android:path`
pub const PATH: u32 = 0x0101_002a;
/// `android:pathPrefix`
pub const PATH_PREFIX: u32 = 0x0101_002b;
/// `android:pathPattern`
pub const PATH_PATTERN: u32 = 0x0101_002c;
/// `android:sharedUserLabel`
pub const SHARED_USER_LABEL: u32 = 0x0101_0261;
/// `android:noHistory`
pub const NO_HISTORY: u32 = 0x0101_022d;
/// `android:testOnly`
pub const TEST_ONLY: u32 = 0x0101_0272;
/// `android:backupAgent`
pub const BACKUP_AGENT: u32 = 0x0101_027f;

/// `(local name, resource ID)` of every attribute above, for encoders and
/// for naming an attribute whose name string was stripped.
pub const ALL: &[(&str, u32)] = &[
    ("label", LABEL),
    ("icon", ICON),
    ("name", NAME),
    ("permission", PERMISSION),
    ("readPermission", READ_PERMISSION),
    ("writePermission", WRITE_PERMISSION),
    ("protectionLevel", PROTECTION_LEVEL),
    ("permissionGroup", PERMISSION_GROUP),
    ("sharedUserId", SHARED_USER_ID),
    ("enabled", ENABLED),
    ("debuggable", DEBUGGABLE),
    ("exported", EXPORTED),
    ("process", PROCESS),
    ("authorities", AUTHORITIES),
    ("value", VALUE),
    ("resource", RESOURCE),
    ("scheme", SCHEME),
    ("host", HOST),
    ("targetActivity", TARGET_ACTIVITY),
    ("minSdkVersion", MIN_SDK_VERSION),
    ("versionCode", VERSION_CODE),
    ("versionName", VERSION_NAME),
    ("targetSdkVersion", TARGET_SDK_VERSION),
    ("maxSdkVersion", MAX_SDK_VERSION),
    ("allowBackup", ALLOW_BACKUP),
    ("glEsVersion", GL_ES_VERSION),
    ("required", REQUIRED),
    ("installLocation", INSTALL_LOCATION),
    ("usesCleartextTraffic", USES_CLEARTEXT_TRAFFIC),
    ("compileSdkVersion", COMPILE_SDK_VERSION),
    ("compileSdkVersionCodename", COMPILE_SDK_VERSION_CODENAME),
    ("theme", THEME),
    ("manageSpaceActivity", MANAGE_SPACE_ACTIVITY),
    ("allowClearUserData", ALLOW_CLEAR_USER_DATA),
    ("hasCode", HAS_CODE),
    ("persistent", PERSISTENT),
    ("taskAffinity", TASK_AFFINITY),
    ("multiprocess", MULTIPROCESS),
    ("excludeFromRecents", EXCLUDE_FROM_RECENTS),
    ("syncable", SYNCABLE),
    ("initOrder", INIT_ORDER),
    ("grantUriPermissions", GRANT_URI_PERMISSIONS),
    ("priority", PRIORITY),
    ("launchMode", LAUNCH_MODE),
    ("screenOrientation", SCREEN_ORIENTATION),
    ("configChanges", CONFIG_CHANGES),
    ("description", DESCRIPTION),
    ("targetPackage", TARGET_PACKAGE),
    ("mimeType", MIME_TYPE),
    ("port", PORT),
    ("path", PATH),
    ("pathPrefix", PATH_PREFIX),
    ("pathPattern", PATH_PATTERN),
    ("sharedUserLabel", SHARED_USER_LABEL),
    ("noHistory", NO_HISTORY),
    ("testOnly", TEST_ONLY),
    ("backupAgent", BACKUP_AGENT),
];

/// Resource ID of the framework attribute `name`, if listed here.
pub fn id_of(name: &str) -> Option<u32> {
    ALL.iter().find(|(n, _)| *n == name).map(|(_, id)| *id)
}

/// Local name of framework attribute `id`, if listed here.
pub fn name_of(id: u32) -> Option<&'static str> {
    ALL.iter().find(|(_, i)| *i == id).map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_lookups_agree() {
        for (i, (n, id)) in ALL.iter().enumerate() {
            assert_eq!(id_of(n), Some(*id), "{n}");
            assert_eq!(name_of(*id), Some(*n), "0x{id:08x}");
            assert!(
                ALL.iter().skip(i + 1).all(|(m, j)| m != n && j != id),
                "{n} duplicated"
            );
            assert_eq!(
                id >> 16,
                0x0101,
                "{n} is not in the attr type of package 0x01"
            );
        }
        assert_eq!(id_of("versionName"), Some(0x0101_021c));
        assert_eq!(name_of(0x0101_0270), Some("targetSdkVersion"));
    }
}
