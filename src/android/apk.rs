//! (skeleton: apk)
