use super::*;

/// The JSON form build.rs embeds is the same document as the TOML file
/// (no value lost or retyped in the conversion), for every rule file.
#[test]
fn embedded_json_equals_toml() {
    assert!(embedded::SDK_RULE_FILES.len() >= 100);
    for (name, toml_text, json) in embedded::SDK_RULE_FILES {
        let from_toml: toml::Table = toml::from_str(toml_text).unwrap();
        let from_json: toml::Table = serde_json::from_str(json).unwrap();
        assert_eq!(from_toml, from_json, "{name}");
        let stem = name.trim_end_matches(".toml");
        let a = parse_file(name, Some(stem), toml_text).unwrap();
        let b = parse_embedded(name, Some(stem), json).unwrap();
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{name}");
    }
}

/// An embedded JSON form that does not parse is an error naming the file.
#[test]
fn embedded_json_error_names_file() {
    let e = parse_embedded("x.toml", Some("x"), "{").unwrap_err();
    assert!(e.to_string().contains("x.toml"), "{e}");
    assert!(e.to_string().contains("embedded JSON"), "{e}");
}

/// A small inline catalog used by the engine's unit tests.
pub(crate) const ZEGO: &str = r#"
[vendor]
id = "zego"
name = "ZEGO"
aliases = ["Shenzhen Jigou Technology Co., Ltd.", "即构科技"]

[[sdk]]
id = "zego-express"
name = "ZEGO Express Engine"
category = "rtc"
source = "https://doc-zh.zego.im/article/195"
aliases = ["Zego Express"]
permissions = ["android.permission.RECORD_AUDIO", "android.permission.CAMERA"]
apple_privacy_manifest_required = true
[sdk.match]
dex_class = ["im.zego.zegoexpress"]
native_lib = ["libZegoExpressEngine.so", "libzego*.so"]
elf_symbol = ["^Java_im_zego_zegoexpress_"]
objc_class = ["ZegoExpress*", "ZegoCanvas"]
macho_symbol = ["^_OBJC_CLASS_\\$_ZegoExpressEngine"]
framework = ["ZegoExpressEngine"]
manifest_component = ["im.zego.zegoexpress"]
manifest_meta_data = ["com.zego.appid"]
plist_key = ["ZegoAppID"]
file = ["META-INF/im.zego_express-video.version", "assets/zego/*.dat"]
gradle = ["im.zego:express-video", "im.zego"]
cocoapods = ["ZegoExpressEngine"]
spm = ["zego-express-sdk-ios"]
pub = ["zego_express_engine"]
npm = ["zego-express-engine-reactnative"]
domains = ["zego.im"]
[sdk.tests]
positive = ["dex_class:im.zego.zegoexpress.ZegoExpressEngine", "native_lib:libZegoExpressEngine.so"]
negative = ["dex_class:im.zegox.Foo", "dex_class:com.example.im.zego.zegoexpress.Bar"]

[[sdk]]
id = "zego-express-internal"
name = "ZEGO Express internal"
category = "other"
source = "test"
[sdk.match]
dex_class = ["im.zego.zegoexpress.internal"]
[sdk.tests]
positive = ["dex_class:im.zego.zegoexpress.internal.X"]
negative = ["dex_class:im.zego.zegoexpress.X"]
"#;

#[test]
fn loads_inline_catalog_and_names() {
    let c = Catalog::from_texts(&[("zego.toml", ZEGO)]).unwrap();
    assert_eq!(c.sdks().len(), 2);
    let want = include_str!("../../../rules/catalog.toml")
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .map(|v| v.trim_end_matches('"'));
    assert_eq!(Some(c.version()), want);
    let names = c.sdk_names();
    assert_eq!(names[0].0, "zego-express");
    assert_eq!(names[0].1, vec!["ZEGO Express Engine", "Zego Express"]);
    assert_eq!(
        names[0].2,
        vec!["ZEGO", "Shenzhen Jigou Technology Co., Ltd.", "即构科技"]
    );
    assert_eq!(c.sdk("zego-express").unwrap().vendor.id, "zego");
}

fn err(text: &str) -> String {
    Catalog::from_texts(&[("zego.toml", text)])
        .unwrap_err()
        .to_string()
}

#[test]
fn schema_errors_name_file_sdk_and_field() {
    let e = err(&ZEGO.replace("category = \"rtc\"", "category = \"rtc\"\ncolour = \"red\""));
    assert!(
        e.contains("zego.toml") && e.contains("'zego-express'") && e.contains("colour"),
        "{e}"
    );
    let e = err(&ZEGO.replace("source = \"https://doc-zh.zego.im/article/195\"\n", ""));
    assert!(e.contains("'zego-express'") && e.contains("source"), "{e}");
    let e = err(&ZEGO.replace("category = \"rtc\"", "category = \"spyware\""));
    assert!(e.contains("field 'category'"), "{e}");
    let e = err(&ZEGO.replace("^Java_im_zego_zegoexpress_", "(unclosed"));
    assert!(
        e.contains("field 'elf_symbol'") && e.contains("bad regex"),
        "{e}"
    );
    let e = err(&ZEGO.replace(
        "dex_class = [\"im.zego.zegoexpress\"]",
        "dex_class = [\"com.google\"]",
    ));
    assert!(e.contains("too broad"), "{e}");
    let e = err(&ZEGO.replace("negative = [\"dex_class:im.zegox.Foo\", \"dex_class:com.example.im.zego.zegoexpress.Bar\"]", "negative = []"));
    assert!(e.contains("tests.negative"), "{e}");
    let e = err(&ZEGO.replace("id = \"zego\"", "id = \"zegocloud\""));
    assert!(e.contains("differs from the file name"), "{e}");
    let e = err(&ZEGO.replace(
        "\"dex_class:im.zego.zegoexpress.internal.X\"",
        "\"dexclass:im.zego.X\"",
    ));
    assert!(
        e.contains("zego-express-internal") && e.contains("tests.positive"),
        "{e}"
    );
}

#[test]
fn duplicate_ids_and_shared_prefixes_are_errors() {
    let other = ZEGO.replace("id = \"zego\"", "id = \"zego2\"");
    let e = Catalog::from_texts(&[("zego.toml", ZEGO), ("zego2.toml", &other)]).unwrap_err();
    assert!(
        matches!(e, CatalogError::DuplicateId { what: "sdk", ref id, .. } if id == "zego-express"),
        "{e}"
    );
    let shared = ZEGO.replace(
        "dex_class = [\"im.zego.zegoexpress.internal\"]",
        "dex_class = [\"im.zego.zegoexpress\"]",
    );
    let e = Catalog::from_texts(&[("zego.toml", &shared)]).unwrap_err();
    assert!(
        matches!(e, CatalogError::SharedPrefix { ref prefix, .. } if prefix == "im.zego.zegoexpress"),
        "{e}"
    );
}

#[test]
fn globs() {
    assert!(glob_match("libjcore*.so", "libjcore123.so"));
    assert!(glob_match("libjcore*.so", "libjcore.so"));
    assert!(!glob_match("libjcore*.so", "libjcor.so"));
    assert!(glob_match("a*b*c", "aXbYc"));
    assert!(!glob_match("a*b*c", "acb"));
    assert!(glob_match("exact.so", "exact.so"));
}

#[test]
fn embedded_catalog_is_valid() {
    let c = Catalog::try_embedded().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.sdks().len(), Catalog::embedded().sdks().len());
}
