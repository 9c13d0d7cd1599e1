//! `privscan policy extract|lint`. (Filled in when the prose extractor lands.)

#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// Draft a policy file from privacy-policy prose (text, Markdown or HTML).
    Extract {
        /// The privacy policy text.
        file: std::path::PathBuf,
        /// Where to write the draft policy (TOML); stdout when absent.
        #[arg(short, long)]
        output: Option<std::path::PathBuf>,
    },
    /// Lint a privacy policy (prose or policy file) on its own.
    Lint {
        /// The privacy policy (prose) or policy file (.toml).
        file: std::path::PathBuf,
    },
}

pub fn run(_cmd: PolicyCommand) -> anyhow::Result<u8> {
    anyhow::bail!("policy subcommands are not available yet")
}
