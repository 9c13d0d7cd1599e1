//! The catalog as data: Android permissions, iOS usage keys, required-reason
//! APIs, SDK fingerprints. Embedded in the binary with `include_str!`.

pub mod data_apis;
pub mod data_types;
pub mod implied;
pub mod ios;
pub mod lazy;
pub mod permissions;
pub mod sdk;

/// `rules/data-categories.toml`: the policy lexicon of data categories
/// (words per category, both languages; parsed by `policy::lexicon`).
pub const DATA_CATEGORIES_TOML: &str = include_str!("../../rules/data-categories.toml");
