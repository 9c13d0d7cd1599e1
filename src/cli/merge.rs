//! `privscan merge REPORT...`: join JSON/JSONL reports of shards or
//! earlier runs (`privscan::report::merge`) and render the result in any
//! format, with the same gate and exit codes as `scan`.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: as `privscan scan` over the merged report (0, 1 findings at or above --fail-on, 2 an input not scanned or a report that cannot be merged)."
)]
pub struct MergeArgs {
    /// Reports written with `--format json` or `--format jsonl`.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Merge reports made with different policies, SDK catalogs or flags.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub render: super::scan::RenderArgs,
}

pub fn run(args: MergeArgs) -> anyhow::Result<u8> {
    let mut parts = Vec::with_capacity(args.reports.len());
    for p in &args.reports {
        parts.push(privscan::report::merge::read(p).map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    let report =
        privscan::report::merge::merge(parts, args.force).map_err(|e| anyhow::anyhow!("{e}"))?;
    let opts = args.render.options()?;
    let text = privscan::report::render(&report, args.render.format, &opts);
    super::emit(&text, args.render.output.as_deref())?;
    if let Some(t) = &report.totals {
        eprintln!(
            "privscan: merged {} report(s): {} artifact(s), {} not scanned; findings {} high, {} medium, {} low, {} info",
            args.reports.len(),
            t.artifacts,
            t.not_scanned,
            t.high,
            t.medium,
            t.low,
            t.info
        );
    }
    Ok(privscan::report::exit_code(&report, args.render.fail_on))
}
