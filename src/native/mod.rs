//! Native binaries: ELF (Android `lib/<abi>/*.so`) and Mach-O (iOS
//! executables, frameworks, dylibs), read with goblin into `BinaryFacts`.

pub mod elf;
pub mod jni;
pub mod macho;
