//! `privscan scan`: scan artifacts, diff against the policy, report.

use anyhow::Context;
use privscan::report::FailOn;
use std::path::PathBuf;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, grouped by severity (colour only on a terminal).
    Text,
    /// The JSON contract (schema_version 1).
    Json,
    /// One JSON object per artifact per line.
    Jsonl,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// APK, IPA, AndroidManifest.xml, plist, DEX, ELF or Mach-O files, or directories of them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The declared policy (TOML policy file).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value = "high")]
    pub fail_on: FailOn,
    /// Read only the manifest: permissions and the policy diff, no DEX/native scan.
    #[arg(long)]
    pub manifest_only: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Never colour the text report (NO_COLOR is honoured too).
    #[arg(long)]
    pub no_color: bool,
}

pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .context("setting up worker threads")?;
    }
    let mut config = privscan::Config::new();
    config.manifest_only = args.manifest_only;
    if let Some(path) = &args.policy {
        let policy = privscan::policy::load::load(path).map_err(|e| anyhow::anyhow!("{e}"))?;
        config.policy = Some(policy);
    }
    let report = privscan::scan(&args.paths, &config);
    let text = match args.format {
        Format::Text => privscan::report::text::render(
            &report,
            super::use_color(args.no_color, args.output.is_some()),
        ),
        Format::Json => privscan::report::json::render(&report),
        Format::Jsonl => {
            let mut s = String::new();
            for a in &report.artifacts {
                s.push_str(&privscan::report::json::render_line(a));
                s.push('\n');
            }
            s
        }
    };
    super::emit(&text, args.output.as_deref())?;
    for a in &report.artifacts {
        if let Some(e) = &a.error {
            eprintln!("privscan: {}", e.message);
        }
    }
    Ok(privscan::report::exit_code(&report, args.fail_on))
}
