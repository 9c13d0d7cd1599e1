//! Framework attribute resource IDs (`android.R.attr`) used by the
//! manifest reader and the AXML encoder.
//!
//! Android matches framework attributes of binary XML by these IDs only
//! (`ResXMLParser::getAttributeNameResID`), never by their name strings,
//! so a decoder that trusts names can be fooled (hostile-inputs.md A6).
//! Source: AOSP `frameworks/base/core/res/res/values/public.xml`
//! (the `<public type="attr" .../>` entries, first block at 0x01010000).

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
];

/// Resource ID of the framework attribute `name`, if listed here.
pub fn id_of(name: &str) -> Option<u32> {
    ALL.iter().find(|(n, _)| *n == name).map(|(_, id)| *id)
}

/// Local name of framework attribute `id`, if listed here.
pub fn name_of(id: u32) -> Option<&'static str> {
    ALL.iter().find(|(_, i)| *i == id).map(|(n, _)| *n)
}
