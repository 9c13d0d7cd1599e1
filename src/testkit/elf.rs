//! (skeleton: testkit elf)
