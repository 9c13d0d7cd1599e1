//! privscan: a static privacy scanner for mobile release builds.
//!
//! It reads what an app really requests and embeds (Android manifests, iOS
//! Info.plists and privacy manifests, DEX classes, native libraries), reads
//! what the app's privacy policy declares, and reports the difference with
//! evidence and the clause it breaks.
//!
//! Data flows one way (see `../shared/DESIGN.md`):
//! `input` (discover, open archives with limits) → `android` / `ios` /
//! `native` (extract facts) → `detect` (SDK fingerprints from `rules`) →
//! `diff` (observed × declared `policy`) → `report`.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod android;
pub mod baseline;
pub mod batch;
pub mod collects;
pub mod detect;
pub mod diff;
pub mod findings;
pub mod input;
pub mod ios;
pub mod jvm;
pub mod limits;
pub mod model;
pub mod native;
pub mod package;
pub mod policy;
pub mod reader;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod store;
pub mod testkit;

pub use limits::Limits;
pub use model::*;
pub use scan::{Config, scan};
