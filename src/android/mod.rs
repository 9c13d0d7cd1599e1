//! Android formats: binary XML (AXML), text manifests, the manifest model,
//! resources.arsc, DEX string/type tables, AAB protobuf manifests, and the
//! APK pipeline that ties them together.

pub mod aab;
pub mod aar;
pub mod apk;
pub mod arsc;
pub mod attrs;
pub mod axml;
pub mod dex;
pub mod dex_code;
pub mod dex_collects;
pub mod implied;
pub mod jar;
pub mod manifest;
pub mod proto;
pub mod splits;
pub mod text_manifest;
pub mod xml;
