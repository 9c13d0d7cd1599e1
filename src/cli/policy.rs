//! `privscan policy extract|lint`: draft a policy file from privacy-policy
//! prose, and lint a policy (prose or policy file) on its own.

use anyhow::Context;
use privscan::policy::extract::{self, ExtractOptions, Lexicon, SdkName};
use privscan::rules::permissions::PermissionCatalog;
use privscan::rules::sdk::Catalog;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// Draft a policy file from privacy-policy prose (text, Markdown or HTML).
    Extract {
        /// The privacy policy text.
        file: PathBuf,
        /// Where to write the draft policy (TOML); stdout when absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// `toml`: the draft policy file; `json`: the clause tree with what
        /// each clause declares and how much of the document was read.
        #[arg(long, value_enum, default_value = "toml")]
        format: DraftFormat,
    },
    /// Lint a privacy policy (prose, or a policy file ending in .toml) on its own.
    Lint {
        /// The privacy policy (prose) or policy file (.toml).
        file: PathBuf,
        /// Exit 1 when a finding at or above this severity is reported.
        #[arg(long, value_enum, default_value = "medium")]
        fail_on: privscan::report::FailOn,
    },
}

/// Output format of `policy extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DraftFormat {
    /// The draft policy file.
    Toml,
    /// The clause tree, declarations and coverage.
    Json,
}

/// One line saying how much of `file` the draft read.
pub fn coverage_line(draft: &extract::Draft, file: &Path) -> String {
    let c = &draft.coverage;
    format!(
        "{}: read {} of {} text characters ({}%) in {} blocks; {} declaration(s)",
        file.display(),
        c.kept_chars,
        c.total_chars,
        c.percent(),
        c.blocks,
        draft.declarations()
    )
}

pub fn run(cmd: PolicyCommand) -> anyhow::Result<u8> {
    match cmd {
        PolicyCommand::Extract {
            file,
            output,
            format,
        } => {
            let (draft, _) = draft_file(&file)?;
            let out = match format {
                DraftFormat::Toml => extract::draft_to_toml(&draft),
                DraftFormat::Json => extract::draft_to_json(&draft),
            };
            super::emit(&out, output.as_deref())?;
            if draft.is_empty() {
                eprintln!(
                    "privscan: {}: nothing usable drafted: no permission, iOS key, SDK or data category found ({})",
                    file.display(),
                    coverage_line(&draft, &file)
                );
            } else if draft.coverage.percent() < 90 {
                eprintln!("privscan: warning: {}", coverage_line(&draft, &file));
            }
            Ok(0)
        }
        PolicyCommand::Lint { file, fail_on } => {
            let findings = if file.extension().is_some_and(|e| e == "toml") {
                let policy =
                    privscan::policy::load::load(&file).map_err(|e| anyhow::anyhow!("{e}"))?;
                privscan::policy::lint::lint_policy(&policy, PermissionCatalog::embedded())
            } else {
                let (draft, text) = draft_file(&file)?;
                privscan::policy::lint::lint(&draft, &text)
            };
            let mut out = String::new();
            for f in &findings {
                out.push_str(&format!(
                    "{} {} {}: {}\n",
                    f.code, f.severity, f.subject, f.message
                ));
                if let Some(c) = &f.clause {
                    out.push_str(&format!("    clause {} {}\n", c.id, c.title));
                }
                for e in &f.evidence {
                    out.push_str(&format!("    at {e}\n"));
                }
            }
            out.push_str(&format!(
                "{} finding(s) in {}\n",
                findings.len(),
                file.display()
            ));
            super::emit(&out, None)?;
            let worst = findings.iter().map(|f| f.severity).max();
            Ok(match (fail_on.threshold(), worst) {
                (Some(t), Some(w)) if w >= t => 1,
                _ => 0,
            })
        }
    }
}

/// Read a prose policy and draft a policy from it with the embedded catalogs.
pub fn draft_file(file: &Path) -> anyhow::Result<(extract::Draft, String)> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let names: Vec<SdkName> = Catalog::embedded()
        .sdk_names()
        .into_iter()
        .map(SdkName::from)
        .collect();
    let opts = ExtractOptions {
        permissions: PermissionCatalog::embedded(),
        sdk_names: &names,
        lexicon: Lexicon::embedded(),
    };
    let source = file.display().to_string();
    Ok((extract::draft(&text, &source, &opts), text))
}
