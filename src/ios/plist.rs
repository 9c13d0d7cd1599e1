//! (skeleton: plist)
