//! (skeleton: elf)
