//! `privscan explain CODE`: print a finding code's documentation.

use privscan::findings::{CODES, Code};

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Finding code, e.g. PS101; omit to list every code.
    pub code: Option<String>,
}

pub fn run(args: ExplainArgs) -> anyhow::Result<u8> {
    let mut out = String::new();
    match args.code {
        None => {
            for c in CODES {
                out.push_str(&format!(
                    "{}  {:<7} {}\n",
                    c.id,
                    c.severity.as_str(),
                    c.short
                ));
            }
        }
        Some(id) => {
            let Some(code) = Code::from_id(&id.to_ascii_uppercase()) else {
                anyhow::bail!("unknown finding code '{id}' (run `privscan explain` for the list)");
            };
            let c = code.info();
            out.push_str(&format!(
                "{} {} (default severity: {})\n\n{}\n\nWhy it matters: {}\n\nHow to resolve: {}\n",
                c.id, c.name, c.severity, c.short, c.why, c.help
            ));
        }
    }
    super::emit(&out, None)?;
    Ok(0)
}
