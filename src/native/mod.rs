//! Native binaries: ELF (Android `lib/<abi>/*.so`) and Mach-O (iOS
//! executables, frameworks, dylibs), read with goblin into `BinaryFacts`.

pub mod ar;
pub mod elf;
pub mod jni;
pub mod macho;
pub mod static_lib;
