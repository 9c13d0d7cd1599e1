//! (skeleton: privacy_manifest)
