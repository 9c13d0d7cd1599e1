//! Argument definitions (clap derive) and the dispatch to subcommands.
//! Each subcommand lives in its own file and returns the process exit code.

mod baseline;
mod explain;
mod merge;
mod policy;
mod scan;

use clap::{CommandFactory, Parser, Subcommand};

/// Static privacy scanner for mobile release builds: finds the permissions
/// and SDKs an app really uses and diffs them against its privacy policy.
#[derive(Debug, Parser)]
#[command(name = "privscan", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan APKs, IPAs, manifests, plists, DEX/ELF/Mach-O files or directories.
    Scan(scan::ScanArgs),
    /// Work with privacy policies: draft a policy file from prose, lint a policy.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Record current findings so later scans report only new ones.
    #[command(subcommand)]
    Baseline(baseline::BaselineCommand),
    /// Explain a finding code (e.g. `privscan explain PS101`).
    Explain(explain::ExplainArgs),
    /// Join JSON/JSONL reports of shards or earlier runs into one report (any format).
    Merge(merge::MergeArgs),
    /// Print a shell completion script (e.g. `privscan completions bash > /etc/bash_completion.d/privscan`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `privscan man > privscan.1`.
    Man,
}

/// Parse the command line and run it.
pub fn run() -> anyhow::Result<u8> {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Policy(cmd) => policy::run(cmd),
        Command::Explain(args) => explain::run(args),
        Command::Baseline(cmd) => baseline::run(cmd),
        Command::Merge(args) => merge::run(args),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "privscan", &mut out);
            emit(&String::from_utf8_lossy(&out), None)?;
            Ok(0)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            // One page per subcommand, appended, so `man privscan` shows every flag.
            for sub in Cli::command().get_subcommands() {
                out.extend_from_slice(
                    format!(".SH \"PRIVSCAN {}\"\n", sub.get_name().to_ascii_uppercase())
                        .as_bytes(),
                );
                clap_mangen::Man::new(sub.clone()).render_options_section(&mut out)?;
            }
            emit(&String::from_utf8_lossy(&out), None)?;
            Ok(0)
        }
    }
}

/// Write `text` to `output` (a file) or stdout.
pub fn emit(text: &str, output: Option<&std::path::Path>) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    match output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            lock.write_all(text.as_bytes())?;
            lock.flush()?;
            Ok(())
        }
    }
}

/// Colour on when stdout is a terminal and neither `--no-color` nor `NO_COLOR` say otherwise.
pub fn use_color(no_color: bool, to_file: bool) -> bool {
    use std::io::IsTerminal;
    !no_color
        && !to_file
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal()
}
