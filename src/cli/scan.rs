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

pub use privscan::report::Format;

/// `--jobs`: a thread count of at least 1.
fn parse_jobs(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1 (omit --jobs for one thread per core)".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// What `--show` lists in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Show {
    /// Findings of low severity and above; info findings as counts per code.
    Signal,
    /// Every finding, info findings included.
    Info,
}

/// How the report is rendered: shared by `scan` and `merge`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value = "high")]
    pub fail_on: FailOn,
    /// `info` lists every info finding in text, Markdown and HTML (default: a count per code).
    #[arg(long, value_enum, default_value = "signal")]
    pub show: Show,
    /// SARIF URIs are relative to this directory (`%SRCROOT%`, the repository checkout). Default: the current directory.
    #[arg(long, value_name = "DIR")]
    pub sarif_root: Option<PathBuf>,
    /// Never colour the text report (NO_COLOR is honoured too).
    #[arg(long)]
    pub no_color: bool,
}

impl RenderArgs {
    /// The emitters' options these flags ask for.
    pub fn options(&self) -> anyhow::Result<privscan::report::RenderOptions> {
        let cwd = std::env::current_dir().context("reading the current directory")?;
        let root = self.sarif_root.clone().unwrap_or_else(|| cwd.clone());
        Ok(privscan::report::RenderOptions {
            fail_on: self.fail_on,
            show_info: self.show == Show::Info,
            color: super::use_color(self.no_color, self.output.is_some()),
            uris: privscan::report::sarif::UriMap::new(&root, &cwd),
        })
    }
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
    /// The Play Console Data safety export (CSV) to cross-check with the
    /// build, the policy and the privacy manifests (PS501-PS507); a source
    /// tree's own `data-safety.csv` is used without it.
    #[arg(long, value_name = "FILE")]
    pub data_safety: Option<PathBuf>,
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
    /// Worker threads, at least 1 (default: one per core).
    #[arg(long, short, value_parser = parse_jobs)]
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
        let mut policy_ref = None;
        if let Some(path) = &self.policy {
            let policy = privscan::policy::load::load(path).map_err(|e| {
                let hint = if looks_like_prose(path) {
                    format!(
                        "\nhint: {} looks like privacy-policy prose, not a policy file (TOML); pass it with --policy-text",
                        path.display()
                    )
                } else {
                    String::new()
                };
                anyhow::anyhow!("{e}{hint}")
            })?;
            config.policy = Some(policy);
            policy_ref = Some(policy_ref_of(path, false)?);
        }
        if let Some(path) = &self.policy_text {
            if is_policy_file(path) {
                anyhow::bail!(
                    "{} is a policy file (TOML), not privacy-policy prose\nhint: pass it with --policy",
                    path.display()
                );
            }
            let (draft, _) = super::policy::draft_file(path)?;
            if draft.is_empty() {
                anyhow::bail!(
                    "--policy-text {}: the policy yielded nothing usable (no permission, iOS key, SDK or data category; {}); refusing to diff against an empty draft, which would report every permission as undeclared",
                    path.display(),
                    super::policy::coverage_line(&draft, path)
                );
            }
            config.policy = Some(draft.policy);
            policy_ref = Some(policy_ref_of(path, true)?);
        }
        if let Some(path) = &self.data_safety {
            let ds = privscan::store::data_safety::read(path).map_err(|e| anyhow::anyhow!(e))?;
            config.data_safety = Some(ds);
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
        let run = privscan::RunInfo {
            policy: policy_ref,
            flags: privscan::RunFlags {
                manifest_only: self.manifest_only,
                max_entry_size: config.limits.max_entry_size,
                max_total_inflated: config.limits.max_total_inflated,
                rules: self.rules.iter().map(|p| p.display().to_string()).collect(),
                baseline: None,
                shard: shard.map(|s| s.to_string()),
            },
            inputs: self.paths.iter().map(|p| p.display().to_string()).collect(),
            unused_allows: Vec::new(),
        };
        let opts = BatchOptions {
            jobs: self.jobs,
            shard,
            run: Some(run),
            ..BatchOptions::default()
        };
        Ok((config, opts))
    }
}

/// The policy's path and SHA-256, as the report records them.
fn policy_ref_of(path: &std::path::Path, drafted: bool) -> anyhow::Result<privscan::PolicyRef> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(privscan::PolicyRef {
        path: path.display().to_string(),
        sha256: privscan::scan::sha256_hex(&bytes),
        drafted,
    })
}

/// A `.toml` file, or one whose first meaningful line is a TOML table
/// header of a policy file (`[policy]`, `[[clause]]`, `[[allow]]`).
fn is_policy_file(path: &std::path::Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        return true;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]).into_owned();
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| matches!(l, "[policy]" | "[[clause]]" | "[[allow]]"))
}

/// Not a policy file: prose (text, Markdown, HTML) given to `--policy`.
fn looks_like_prose(path: &std::path::Path) -> bool {
    path.exists() && !is_policy_file(path)
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 no finding at or above --fail-on; 1 findings at or above it; \
2 usage error or an input that could not be scanned (the other inputs are still scanned and reported)."
)]
pub struct ScanArgs {
    #[command(flatten)]
    pub inputs: ScanInputs,
    #[command(flatten)]
    pub render: RenderArgs,
    /// Report only findings not recorded in this baseline (see `privscan baseline write`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Print no report on stdout and no progress bar; only errors (unscannable
    /// inputs) go to stderr. The exit status is unchanged and --output is still written.
    #[arg(long, short)]
    pub quiet: bool,
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
    let render = args.render.options()?;
    if let Some(path) = &args.baseline {
        // The error's text already quotes the OS error: not again as its cause.
        let b = privscan::baseline::Baseline::load(path).map_err(|e| anyhow::anyhow!("{e}"))?;
        opts.baseline = Some(b);
        if let Some(run) = &mut opts.run {
            run.flags.baseline = Some(path.display().to_string());
        }
    }
    opts.progress = !args.quiet && std::io::stderr().is_terminal();

    let streaming = args.render.format == Format::Jsonl;
    let sink = match (&args.render.output, streaming) {
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
        let text = privscan::report::render(&report, args.render.format, &render);
        if args.render.output.is_some() || !args.quiet {
            super::emit(&text, args.render.output.as_deref())?;
        }
    }
    for a in &report.artifacts {
        if let Some(e) = &a.error {
            eprintln!("privscan: {}", e.message);
        }
    }
    if !args.quiet {
        notes(&report);
    }
    Ok(privscan::report::exit_code(&report, args.render.fail_on))
}

/// Unused `[[allow]]` entries and the baseline's count, on stderr (the
/// report carries them too: `run.unused_allows`, `totals.baseline_suppressed`).
pub fn notes(report: &privscan::ScanReport) {
    if let Some(run) = &report.run {
        for l in &run.unused_allows {
            eprintln!("privscan: [[allow]] {l} matched no finding (unused exception)");
        }
        if run.flags.baseline.is_some() {
            let n: u64 = report.artifacts.iter().map(|a| a.baseline_suppressed).sum();
            eprintln!("privscan: the baseline suppressed {n} finding(s)");
        }
    }
}
