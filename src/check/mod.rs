//! The check stage: runs the status checks listed in `site.yaml` and returns the rows of the
//! status page, `status.json` and `cairn check`.
//!
//! Each kind is one file implementing [`CheckKind`] and one line in `KINDS`. A check is
//! configured ([`config`]), run in isolation by the [`runner`] (own thread, its own timeout,
//! panics caught, programs killed with their process group when abandoned), and turned into
//! [`Row`]s: worst first, snoozes applied, secrets masked, each failing row dated from the
//! [`history`] file. A failing check never stops the others or the page: whatever goes wrong
//! inside a check becomes that check's ERROR row. Files a check reads are fenced to the site
//! folder and bounded ([`fence`]).
//!
//! Unlike the stages before it, this one does I/O by design: it reads files, runs programs,
//! opens connections and keeps the history file. It never prints and knows nothing about
//! templates; the formats for the command line live in [`format`] and [`email`]. It installs
//! no signal handler: a binary that wants its checks killed on a signal calls
//! [`kill_running`].

pub mod config;
pub mod csv;
pub mod email;
mod fence;
pub mod format;
mod history;
mod kind;
mod links;
mod mask;
mod params;
mod process;
mod redirect;
mod row;
mod runner;
pub mod secret;

/// Declares the kinds' modules and lists them in [`KINDS`], so a kind is its own file plus
/// one line in the list below.
macro_rules! kinds {
    ($($kind:ident),* $(,)?) => {
        $(mod $kind;)*
        /// Every check kind, in the order messages list them.
        pub(crate) static KINDS: &[&dyn CheckKind] = &[$(&$kind::Kind),*];
    };
}

kinds! {
    proof_of_life,
    http,
    tls_expiry,
    command,
    file_age,
    triggers,
    level,
    docs,
}

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::civil::Date;

use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::link::Site;

pub use command::parse_row;
pub use config::{CheckSpec, Plan, StatusConfig};
pub use docs::DocsInput;
pub use kind::{Check, CheckKind};
pub use row::{Counts, Finding, Level, Report, Row};
pub use secret::Vars;

/// What a run needs from the outside world, injected so tests control the clock.
#[derive(Debug, Clone)]
pub struct RunEnv {
    /// The site root: relative paths in checks (files, commands, history) start here.
    pub root: PathBuf,
    /// The moment the run counts as happening: rows, history and staleness use it.
    pub now: Timestamp,
    /// Today's date, for deadlines and snoozes.
    pub today: Date,
    /// Environment variables that `${NAME}` in check parameters may read.
    pub vars: Vars,
}

impl RunEnv {
    /// The environment of a real run: the variables `plan` reads, from this process.
    pub fn new(root: &std::path::Path, now: Timestamp, today: Date, plan: &Plan) -> RunEnv {
        RunEnv {
            root: root.to_path_buf(),
            now,
            today,
            vars: Vars::from_process(&plan.variables),
        }
    }
}

/// What a check sees while it runs; owned, because a check that hangs outlives the run.
#[derive(Debug)]
pub struct Cx {
    pub root: PathBuf,
    pub now: Timestamp,
    pub today: Date,
    pub vars: Vars,
    pub docs: DocsInput,
    /// When the runner gives up on this check; checks bound their own waits by it.
    pub deadline: Instant,
    /// The check's configured timeout, for messages.
    pub timeout: Duration,
}

impl Cx {
    /// Time left before the deadline, at least a millisecond so timeouts stay valid.
    pub fn remaining(&self) -> Duration {
        self.deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1))
    }

    /// Expands `${NAME}` from the run's variables.
    pub fn expand(&self, template: &str) -> Result<String, String> {
        secret::expand(template, &self.vars)
    }

    /// A path from the check's parameter `key` that must lead to something inside the site
    /// folder, symbolic links resolved.
    pub fn site_path(&self, key: &str, template: &str) -> Result<PathBuf, String> {
        let path = PathBuf::from(self.expand(template)?);
        fence::inside(&self.root, &path, &format!("`{template}`"))
            .map_err(|e| format!("`{key}`: {e}"))
    }

    /// The text of the regular file at `template` inside the site folder, at most `limit`
    /// bytes of it.
    pub fn site_file(&self, key: &str, template: &str, limit: u64) -> Result<String, String> {
        let path = self.site_path(key, template)?;
        let bytes = fence::read(&path, limit, &format!("`{template}`"))
            .map_err(|e| format!("`{key}`: {e}"))?;
        String::from_utf8(bytes).map_err(|_| format!("`{key}`: `{template}` is not UTF-8 text"))
    }
}

/// Kills every running check program with everything it started (its process group) and
/// refuses to start any more; returns how many were running. For a binary about to exit on a
/// signal: call this, then exit. The library installs no signal handler of its own.
pub fn kill_running() -> usize {
    process::kill_all()
}

/// Runs every check of `plan` and returns the finished report. Never fails: problems with a
/// check, the history file or the clock become rows.
pub fn run(
    plan: &Plan,
    env: &RunEnv,
    site: &Site,
    config: &SiteConfig,
    diagnostics: &[Diagnostic],
) -> Report {
    let started = Instant::now();
    let docs = DocsInput::new(site, diagnostics);
    let shared = Arc::new((env.clone(), docs));
    let jobs: Vec<runner::Job> = plan
        .checks
        .iter()
        .map(|spec| {
            let kind = Arc::clone(&spec.kind);
            let timeout = spec.timeout;
            let shared = Arc::clone(&shared);
            runner::Job {
                timeout: spec.timeout,
                key: Some(format!("{}\n{}", env.root.display(), spec.name)),
                run: Box::new(move |deadline| {
                    let (env, docs) = &*shared;
                    let cx = Cx {
                        root: env.root.clone(),
                        now: env.now,
                        today: env.today,
                        vars: env.vars.clone(),
                        docs: docs.clone(),
                        deadline,
                        timeout,
                    };
                    kind.run(&cx)
                }),
            }
        })
        .collect();
    let outcomes = runner::run_all(jobs, plan.status.parallel);
    let secrets = secret::Secrets::new(env.vars.iter());
    let mut rows = Vec::new();
    for (spec, outcome) in plan.checks.iter().zip(outcomes) {
        let findings = match outcome {
            Ok(f) if f.is_empty() => vec![Finding::ok("", "the check reported nothing")],
            Ok(f) => f,
            Err(message) => vec![Finding::error(spec.kind.default_item(), message)],
        };
        for f in findings {
            rows.push(row::to_row(spec, f, env.today, site, config, &secrets));
        }
    }
    if let Some(path) = &plan.status.history {
        history::apply(
            &env.root,
            path,
            plan.status.history_days,
            env.now,
            &mut rows,
            &secrets,
        );
    }
    row::sort(&mut rows);
    Report {
        rows,
        generated_at: env.now,
        duration: started.elapsed(),
        stale_after: plan.status.stale_after,
        checks: plan.checks.len(),
    }
}
