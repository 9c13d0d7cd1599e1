//! The `privscan` command line: parse arguments, call the library, print
//! the report, map the outcome to an exit code (0 clean, 1 findings at or
//! above `--fail-on`, 2 usage error or unscannable input).

mod cli;

/// mimalloc instead of glibc malloc. With glibc, the SDK catalog's many
/// small allocations on a worker thread grew that thread's arena one
/// `mprotect` at a time (300+ calls per scan) and large inflate buffers
/// were page-faulted in again on every use. Measured on the largest corpus
/// APK (hyperfine, 40 runs, idle 2-core machine): 41.5 -> 31.9 ms mean,
/// system time 19 -> 11 ms. Only the binary uses it; the library leaves
/// the allocator to its caller. mimalloc v2 (the `v2` feature), not v3: v3
/// keeps freed memory for 1 s before returning it, which took a 17 x 64 MiB
/// DEX bomb at `--jobs 8` to 235-293 MiB peak RSS; v2 (10 ms) stays at
/// 174 MiB with the same scan times.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // A closed pipe (`privscan ... | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .map(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                    .unwrap_or(false)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("privscan: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
