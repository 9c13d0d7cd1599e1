//! Batch scans: discover the artifacts under any mix of files and
//! directories, keep one shard of them, scan them in parallel on a pool of
//! `jobs` threads, drop baselined findings, and hand each artifact's
//! report to a callback the moment it is finished (JSONL streaming) while
//! also collecting the whole report in input order.
//!
//! One unreadable or hostile artifact never stops the batch: `scan_path`
//! turns it into an artifact with an `error`, the others finish, and the
//! exit-code rule (`report::exit_code`) makes the run exit 2 at the end.
//!
//! Distrusted input: the artifacts (handled by `crate::scan`); the paths
//! are walked by `input::discover` without following symlinks.

use crate::baseline::Baseline;
use crate::input::shard::Shard;
use crate::model::{ArtifactReport, RunInfo, SCHEMA_VERSION, ScanReport};
use crate::scan::{Config, scan_path, tool_info};
use std::path::PathBuf;

/// How to run a batch.
#[derive(Debug, Default)]
pub struct BatchOptions {
    /// Worker threads; `None` uses one per core (rayon's default).
    pub jobs: Option<usize>,
    /// Keep only this shard of the discovered inputs.
    pub shard: Option<Shard>,
    /// Draw a progress bar on stderr (the caller decides: a TTY, not `--quiet`).
    pub progress: bool,
    /// Drop findings recorded in this baseline.
    pub baseline: Option<Baseline>,
    /// How the run was made, copied into the report (`ScanReport::run`);
    /// its `unused_allows` is filled in from the artifacts.
    pub run: Option<RunInfo>,
}

/// A batch that could not start.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// rayon could not build the worker pool.
    #[error("cannot start {jobs} worker threads: {message}")]
    ThreadPool {
        /// Threads requested (`--jobs`).
        jobs: usize,
        /// rayon's error.
        message: String,
    },
}

/// The artifact paths a batch over `inputs` scans: `input::discover`
/// (sorted walk of directories, files as given), then the shard.
pub fn plan(inputs: &[PathBuf], shard: Option<Shard>) -> Vec<PathBuf> {
    let paths = crate::input::discover(inputs, &crate::scan::is_artifact_dir);
    match shard {
        Some(s) => s.select(paths),
        None => paths,
    }
}

/// Scan a batch. `on_artifact` runs on a worker thread as soon as each
/// artifact is finished (completion order, not input order); the returned
/// report lists artifacts in input order.
pub fn run(
    inputs: &[PathBuf],
    config: &Config,
    opts: &BatchOptions,
    on_artifact: &(dyn Fn(&ArtifactReport) + Sync),
) -> Result<ScanReport, BatchError> {
    let paths = plan(inputs, opts.shard);
    let bar = if opts.progress {
        let bar = indicatif::ProgressBar::new(paths.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} artifacts {msg}",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let work = || -> Vec<ArtifactReport> {
        crate::scan::scan_paths(&paths, config, &|p| {
            let mut a = scan_path(p, config);
            if let Some(b) = &opts.baseline {
                a.baseline_suppressed = b.filter_artifact(&mut a) as u64;
            }
            on_artifact(&a);
            bar.inc(1);
            a
        })
    };
    let artifacts = match opts.jobs {
        Some(jobs) => {
            let jobs = jobs.max(1);
            rayon::ThreadPoolBuilder::new()
                .num_threads(jobs)
                .build()
                .map_err(|e| BatchError::ThreadPool {
                    jobs,
                    message: e.to_string(),
                })?
                .install(work)
        }
        None => work(),
    };
    bar.finish_and_clear();
    let run = opts.run.clone().map(|mut run| {
        if let Some(policy) = &config.policy {
            run.unused_allows = unused_allows(policy, &artifacts);
        }
        run
    });
    Ok(ScanReport {
        schema_version: SCHEMA_VERSION,
        tool: tool_info(config),
        run,
        totals: None,
        artifacts,
    }
    .with_totals())
}

/// The policy's `[[allow]]` entries, as `code subject`, that no artifact
/// lists in `allows_used`, in policy order.
pub fn unused_allows(policy: &crate::policy::Policy, artifacts: &[ArtifactReport]) -> Vec<String> {
    policy
        .allow
        .iter()
        .map(crate::diff::allow_label)
        .filter(|l| !artifacts.iter().any(|a| a.allows_used.contains(l)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn callback_sees_every_artifact_and_report_keeps_input_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut inputs = Vec::new();
        for name in ["c.apk", "a.apk", "b.apk"] {
            let p = dir.path().join(name);
            std::fs::write(&p, b"PK\x03\x04 not really a zip").unwrap();
            inputs.push(p);
        }
        let seen = Mutex::new(Vec::new());
        let opts = BatchOptions {
            jobs: Some(2),
            ..BatchOptions::default()
        };
        let report = run(&inputs, &Config::new(), &opts, &|a| {
            seen.lock().unwrap().push(a.path.clone());
        })
        .unwrap();
        let order: Vec<_> = report.artifacts.iter().map(|a| a.path.clone()).collect();
        let want: Vec<_> = inputs.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(order, want);
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        let mut want_sorted = want.clone();
        want_sorted.sort();
        assert_eq!(seen, want_sorted);
        // Each is broken, so each carries an error instead of stopping the batch.
        assert!(report.artifacts.iter().all(|a| a.error.is_some()));
    }
}
