//! (skeleton: text_manifest)
