//! `privscan baseline write FILE <scan args>`: scan, then record every
//! finding's fingerprint in FILE (JSON) so later `scan --baseline FILE`
//! runs report only new findings.

use anyhow::Context;

#[derive(Debug, clap::Subcommand)]
pub enum BaselineCommand {
    /// Scan and record the current findings as accepted.
    Write(WriteArgs),
}

#[derive(Debug, clap::Args)]
pub struct WriteArgs {
    /// The baseline file to write (JSON; commit it beside the policy).
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub inputs: super::scan::ScanInputs,
}

/// Exit 0 when written; 2 (with the file still written) when an input could not be scanned.
pub fn run(cmd: BaselineCommand) -> anyhow::Result<u8> {
    let BaselineCommand::Write(args) = cmd;
    let (config, opts) = args.inputs.prepare()?;
    let report = privscan::batch::run(&args.inputs.paths, &config, &opts, &|_| {})?;
    let baseline = privscan::baseline::Baseline::from_report(&report);
    std::fs::write(&args.file, baseline.to_json())
        .with_context(|| format!("writing {}", args.file.display()))?;
    eprintln!(
        "privscan: recorded {} finding(s) of {} artifact(s) in {}",
        baseline.findings.len(),
        report.artifacts.len(),
        args.file.display()
    );
    let mut code = 0;
    for a in &report.artifacts {
        if let Some(e) = &a.error {
            eprintln!("privscan: {}", e.message);
            code = 2;
        }
    }
    Ok(code)
}
