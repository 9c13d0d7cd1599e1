//! (skeleton: testkit ipa)
