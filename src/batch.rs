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
use std::path::{Path, PathBuf};

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

/// Runs `scan` for the artifact at `path`; a panic (a bug, never expected
/// from input, which is bounded and checked) becomes that artifact's
/// `error` with code `internal`, so one artifact never stops or empties a
/// batch. Memory exhaustion cannot be caught this way: the per-artifact caps
/// (`Limits`, the plist value budget) prevent it.
pub fn guarded(path: &Path, scan: impl FnOnce() -> ArtifactReport) -> ArtifactReport {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(scan)) {
        Ok(r) => r,
        Err(payload) => {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let mut r = ArtifactReport::new(path.display().to_string());
            r.error = Some(crate::model::ArtifactError {
                code: "internal".into(),
                message: format!(
                    "{}: privscan failed on this artifact (not scanned): {why}",
                    path.display()
                ),
            });
            r
        }
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
            let mut a = guarded(p, || scan_path(p, config));
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
    fn a_panicking_artifact_becomes_an_error_not_an_empty_batch() {
        let r = guarded(Path::new("x.ipa"), || panic!("boom"));
        let e = r.error.unwrap();
        assert_eq!(e.code, "internal");
        assert!(
            e.message.contains("x.ipa") && e.message.contains("boom"),
            "{}",
            e.message
        );
        let ok = guarded(Path::new("y.ipa"), || ArtifactReport::new("y.ipa"));
        assert!(ok.error.is_none());
    }

    #[test]
    fn a_plist_over_the_value_budget_does_not_stop_the_batch() {
        // 14^6 references to one 1,000-byte string (issue 17 class 5), then a
        // good plist: both are reported, the good one in full.
        let mut objs: Vec<Vec<u8>> = (0..6u8)
            .map(|i| [vec![0xaf, 0x10, 14], vec![i + 1; 14]].concat())
            .collect();
        objs.push([vec![0x5f, 0x11, 0x03, 0xe8], vec![b'A'; 1000]].concat());
        let mut bomb = b"bplist00".to_vec();
        let mut offs = Vec::new();
        for o in &objs {
            offs.push(bomb.len() as u16);
            bomb.extend_from_slice(o);
        }
        let table = bomb.len() as u64;
        for o in offs {
            bomb.extend_from_slice(&o.to_be_bytes());
        }
        bomb.extend_from_slice(&[0, 0, 0, 0, 0, 0, 2, 1]);
        for x in [objs.len() as u64, 0, table] {
            bomb.extend_from_slice(&x.to_be_bytes());
        }
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("Info.plist");
        std::fs::write(&bad, &bomb).unwrap();
        let good = dir.path().join("Good.plist");
        std::fs::write(
            &good,
            b"<plist><dict><key>CFBundleIdentifier</key><string>com.example.ok</string></dict></plist>",
        )
        .unwrap();
        let report = run(
            &[bad, good],
            &Config::new(),
            &BatchOptions::default(),
            &|_| {},
        )
        .unwrap();
        assert_eq!(report.artifacts.len(), 2);
        let e = report.artifacts[0].error.as_ref().unwrap();
        assert!(e.message.ends_with("(max_plist_bytes)"), "{}", e.message);
        assert!(
            report.artifacts[1].error.is_none(),
            "{:?}",
            report.artifacts[1].error
        );
        let ios = report.artifacts[1].ios.as_ref().unwrap();
        assert_eq!(ios.bundle_id.as_deref(), Some("com.example.ok"));
    }

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
