//! `privscan scan`: scan artifacts, diff against the policy, report.
//! Thin: argument parsing and output plumbing; the batch logic lives in
//! `privscan::batch`, the emitters in `privscan::report`.

use anyhow::Context;
use privscan::batch::BatchOptions;
use privscan::input::shard::Shard;
use privscan::report::FailOn;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, grouped by severity (colour only on a terminal).
    Text,
    /// The JSON contract (schema_version 1).
    Json,
    /// One JSON object per artifact per line, written as each artifact
    /// finishes: with --jobs > 1 the line order may differ from input order.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub-flavoured Markdown, for PR comments and CI step summaries.
    Markdown,
    /// One self-contained HTML page (inline CSS and SVG, no network fetches).
    Html,
}

/// What to scan and how: shared by `scan` and `baseline write`.
#[derive(Debug, clap::Args)]
pub struct ScanInputs {
    /// APK, AAB, IPA, AndroidManifest.xml, plist, DEX, ELF or Mach-O files,
    /// or directories (walked without following symlinks).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The declared policy (TOML policy file).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// The privacy policy in prose (text, Markdown or HTML): drafted into a
    /// policy (as `privscan policy extract` does) and used directly.
    #[arg(long, value_name = "FILE", conflicts_with = "policy")]
    pub policy_text: Option<PathBuf>,
    /// Extra SDK rule directories (`*.toml`, the schema of rules/sdks/);
    /// a file named like an embedded one replaces it.
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Read only the manifest: permissions and the policy diff, no DEX/native scan.
    #[arg(long)]
    pub manifest_only: bool,
    /// Largest inflated size of one archive entry (e.g. 512MiB, 2GiB); an
    /// entry over it is not read and is reported as PS905. Default 128MiB.
    #[arg(long, value_name = "SIZE", value_parser = privscan::limits::parse_size)]
    pub max_entry_size: Option<u64>,
    /// Largest total inflated size read from one artifact, nested archives
    /// included (e.g. 4GiB); entries past it are reported as PS905. Default 1GiB.
    #[arg(long, value_name = "SIZE", value_parser = privscan::limits::parse_size)]
    pub max_total_inflated: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Scan only shard K of N (1-based) of the discovered inputs; each
    /// artifact goes to the shard given by a hash of its file name.
    #[arg(long, value_name = "K/N", conflicts_with = "shard_total")]
    pub shard: Option<String>,
    /// Kubernetes Indexed Job: total shard count N; the shard index is
    /// taken from JOB_COMPLETION_INDEX (0-based), i.e. --shard $((JOB_COMPLETION_INDEX+1))/N.
    #[arg(long, value_name = "N")]
    pub shard_total: Option<u32>,
}

impl ScanInputs {
    /// The scan configuration and batch options these arguments ask for.
    pub fn prepare(&self) -> anyhow::Result<(privscan::Config, BatchOptions)> {
        let mut config = privscan::Config::new();
        config.manifest_only = self.manifest_only;
        if let Some(n) = self.max_entry_size {
            config.limits.max_entry_size = n;
        }
        if let Some(n) = self.max_total_inflated {
            config.limits.max_total_inflated = n;
        }
        if let Some(path) = &self.policy {
            let policy = privscan::policy::load::load(path).map_err(|e| anyhow::anyhow!("{e}"))?;
            config.policy = Some(policy);
        }
        if let Some(path) = &self.policy_text {
            let (draft, _) = super::policy::draft_file(path)?;
            if draft.is_empty() {
                anyhow::bail!(
                    "--policy-text {}: the policy yielded nothing usable (no permission, iOS key, SDK or data category; {}); refusing to diff against an empty draft, which would report every permission as undeclared",
                    path.display(),
                    super::policy::coverage_line(&draft, path)
                );
            }
            config.policy = Some(draft.policy);
        }
        if !self.rules.is_empty() {
            let catalog = privscan::rules::sdk::Catalog::load(&self.rules)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            config.catalog = privscan::scan::CatalogSource::custom(catalog);
        }
        let shard = match (&self.shard, self.shard_total) {
            (Some(text), _) => Some(Shard::parse(text)?),
            (None, Some(total)) => {
                let index = std::env::var("JOB_COMPLETION_INDEX")
                    .context("--shard-total needs JOB_COMPLETION_INDEX in the environment")?;
                Some(Shard::from_job_index(&index, total)?)
            }
            (None, None) => None,
        };
        let opts = BatchOptions {
            jobs: self.jobs,
            shard,
            ..BatchOptions::default()
        };
        Ok((config, opts))
    }
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 no finding at or above --fail-on; 1 findings at or above it; \
2 usage error or an input that could not be scanned (the other inputs are still scanned and reported)."
)]
pub struct ScanArgs {
    #[command(flatten)]
    pub inputs: ScanInputs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value = "high")]
    pub fail_on: FailOn,
    /// Report only findings not recorded in this baseline (see `privscan baseline write`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Print no report on stdout and no progress bar; only errors (unscannable
    /// inputs) go to stderr. The exit status is unchanged and --output is still written.
    #[arg(long, short)]
    pub quiet: bool,
    /// Never colour the text report (NO_COLOR is honoured too).
    #[arg(long)]
    pub no_color: bool,
}

/// Where the streamed JSONL lines go.
enum Sink {
    None,
    Stdout,
    File(std::io::BufWriter<std::fs::File>),
}

pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    use std::io::IsTerminal;
    let (config, mut opts) = args.inputs.prepare()?;
    if let Some(path) = &args.baseline {
        opts.baseline = Some(privscan::baseline::Baseline::load(path)?);
    }
    opts.progress = !args.quiet && std::io::stderr().is_terminal();

    let streaming = args.format == Format::Jsonl;
    let sink = match (&args.output, streaming) {
        (_, false) => Sink::None,
        (Some(path), true) => Sink::File(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        (None, true) if args.quiet => Sink::None,
        (None, true) => Sink::Stdout,
    };
    let sink = Mutex::new((sink, None::<std::io::Error>));
    let report = privscan::batch::run(&args.inputs.paths, &config, &opts, &|a| {
        let line = privscan::report::json::render_line(a);
        let Ok(mut guard) = sink.lock() else { return };
        let (sink, err) = &mut *guard;
        if err.is_some() {
            return;
        }
        let res = match sink {
            Sink::None => Ok(()),
            Sink::Stdout => {
                let mut out = std::io::stdout().lock();
                writeln!(out, "{line}").and_then(|_| out.flush())
            }
            Sink::File(f) => writeln!(f, "{line}"),
        };
        if let Err(e) = res {
            *err = Some(e);
        }
    })?;
    let (sink, err) = sink
        .into_inner()
        .map_err(|_| anyhow::anyhow!("output writer poisoned"))?;
    if let Some(e) = err {
        return Err(e).context("writing the JSONL report");
    }
    if let Sink::File(mut f) = sink {
        f.flush().context("writing the JSONL report")?;
    }

    if !streaming {
        let text = match args.format {
            Format::Text => privscan::report::text::render(
                &report,
                super::use_color(args.no_color, args.output.is_some()),
            ),
            Format::Json => privscan::report::json::render(&report),
            Format::Sarif => privscan::report::sarif::render(&report),
            Format::Markdown => privscan::report::markdown::render(&report),
            Format::Html => privscan::report::html::render(&report),
            Format::Jsonl => String::new(),
        };
        if args.output.is_some() || !args.quiet {
            super::emit(&text, args.output.as_deref())?;
        }
    }
    for a in &report.artifacts {
        if let Some(e) = &a.error {
            eprintln!("privscan: {}", e.message);
        }
    }
    Ok(privscan::report::exit_code(&report, args.fail_on))
}
