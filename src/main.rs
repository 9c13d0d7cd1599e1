//! The `privscan` command line: parse arguments, call the library, print
//! the report, map the outcome to an exit code (0 clean, 1 findings at or
//! above `--fail-on`, 2 usage error or unscannable input).

mod cli;

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
