//! Native binaries: ELF (Android `lib/<abi>/*.so`) and Mach-O (iOS
//! executables, frameworks, dylibs), read with goblin into `BinaryFacts`.

pub mod ar;
pub mod elf;
/// JNI symbol names moved to `crate::jvm::jni`; this path is kept.
pub use crate::jvm::jni;
pub mod macho;
pub mod macho_collects;
pub mod static_lib;
