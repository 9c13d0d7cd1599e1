//! (skeleton: testkit axml)
