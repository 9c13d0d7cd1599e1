//! Batch mode end to end: the whole shared corpus directory plus a hostile
//! file (a truncated APK) on one command line. The batch finishes, reports
//! every artifact, marks the hostile one as an error and exits 2; the same
//! batch split as --shard 1/3, 2/3, 3/3 (and the Kubernetes
//! JOB_COMPLETION_INDEX form) covers every artifact exactly once.
//! Skips visibly when the corpus is absent.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus_dir() -> Option<PathBuf> {
    let found = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ]
    .into_iter()
    .find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("SKIP: corpus not found (../shared/corpus or /work/shared/corpus)");
    }
    found
}

/// A copy of the first half of a corpus APK: its central directory is gone.
fn hostile(dir: &Path, corpus: &Path) -> PathBuf {
    let src = corpus.join("apk/androguard__TestActivity.apk");
    let data = std::fs::read(src).unwrap();
    let p = dir.join("truncated.apk");
    std::fs::write(&p, &data[..data.len() / 2]).unwrap();
    p
}

/// Run `scan --format jsonl` and return path → error code (None when scanned) per line.
fn jsonl(
    args: &[&std::ffi::OsStr],
    env: Option<(&str, &str)>,
) -> (BTreeMap<String, Option<String>>, usize, i32) {
    let mut cmd = Command::cargo_bin("privscan").unwrap();
    cmd.arg("scan")
        .args(args)
        .args(["--format", "jsonl", "--fail-on", "never"]);
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut map = BTreeMap::new();
    let mut lines = 0;
    for line in text.lines() {
        lines += 1;
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        map.insert(
            v["path"].as_str().unwrap().to_owned(),
            v["error"]["code"].as_str().map(str::to_owned),
        );
    }
    (map, lines, out.status.code().unwrap())
}

#[test]
fn corpus_batch_with_a_hostile_file_reports_everything_and_exits_2() {
    let Some(corpus) = corpus_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bad = hostile(dir.path(), &corpus);
    let expected: Vec<PathBuf> = privscan::batch::plan(&[corpus.clone(), bad.clone()], None);
    assert!(
        expected.len() > 40,
        "corpus has {} artifacts",
        expected.len()
    );

    let args = [
        corpus.as_os_str(),
        bad.as_os_str(),
        "--jobs".as_ref(),
        "2".as_ref(),
    ];
    let (all, lines, code) = jsonl(&args, None);
    assert_eq!(code, 2, "an unscannable input makes the run exit 2");
    assert_eq!(lines, expected.len(), "one line per artifact");
    let want: Vec<String> = expected.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(all.keys().cloned().collect::<Vec<_>>(), {
        let mut w = want.clone();
        w.sort();
        w
    });
    let bad_key = bad.display().to_string();
    assert!(
        all[&bad_key].is_some(),
        "truncated APK must be an error entry"
    );
    // The batch did not stop at the hostile file: the well-formed corpus
    // APKs were scanned.
    let ok = all.values().filter(|e| e.is_none()).count();
    assert!(ok > 30, "only {ok} artifacts scanned cleanly: {all:?}");
    for name in [
        "androguard__TestActivity.apk",
        "fdroidserver__souch.smsbypass_9.apk",
    ] {
        let key = corpus.join("apk").join(name).display().to_string();
        assert_eq!(all.get(&key), Some(&None), "{name}");
    }

    // Shards 1/3, 2/3, 3/3 partition the same batch.
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut shard_sets = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let (part, _, _) = jsonl(
            &[
                corpus.as_os_str(),
                bad.as_os_str(),
                "--manifest-only".as_ref(),
                "--shard".as_ref(),
                shard.as_ref(),
            ],
            None,
        );
        assert!(!part.is_empty(), "shard {shard} is empty");
        for p in part.keys() {
            *seen.entry(p.clone()).or_default() += 1;
        }
        shard_sets.push(part.into_keys().collect::<Vec<_>>());
    }
    assert_eq!(
        seen.keys().cloned().collect::<Vec<_>>(),
        all.keys().cloned().collect::<Vec<_>>()
    );
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");

    // Kubernetes Indexed Job: JOB_COMPLETION_INDEX=1 with --shard-total 3 is shard 2/3.
    let (k8s, _, _) = jsonl(
        &[
            corpus.as_os_str(),
            bad.as_os_str(),
            "--manifest-only".as_ref(),
            "--shard-total".as_ref(),
            "3".as_ref(),
        ],
        Some(("JOB_COMPLETION_INDEX", "1")),
    );
    assert_eq!(k8s.into_keys().collect::<Vec<_>>(), shard_sets[1]);
}

#[test]
fn quiet_prints_nothing_but_keeps_the_exit_code_and_output_file() {
    let Some(corpus) = corpus_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bad = hostile(dir.path(), &corpus);
    let good = corpus.join("apk/androguard__TestActivity.apk");
    let out_file = dir.path().join("r.json");
    let out = Command::cargo_bin("privscan")
        .unwrap()
        .arg("scan")
        .arg(&good)
        .arg(&bad)
        .args(["--quiet", "--format", "json", "--output"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("truncated.apk"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(v["artifacts"].as_array().unwrap().len(), 2);

    // --quiet without --output: nothing on stdout at all.
    let out = Command::cargo_bin("privscan")
        .unwrap()
        .arg("scan")
        .arg(&good)
        .args(["--quiet", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_shard_values_are_usage_errors() {
    for args in [
        vec!["--shard", "0/3"],
        vec!["--shard", "4/3"],
        vec!["--shard", "x"],
        vec!["--shard-total", "3"],
    ] {
        let out = Command::cargo_bin("privscan")
            .unwrap()
            .arg("scan")
            .arg(env!("CARGO_MANIFEST_DIR"))
            .args(&args)
            .env_remove("JOB_COMPLETION_INDEX")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
