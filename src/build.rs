//! The commands of the library: `lint` and `check` over the pipeline's [`Analysis`], and
//! `build`, which a [`Session`] drives through render and write. Nothing here prints; the
//! caller gets diagnostics and counts back.
//!
//! [`Analysis`]: crate::pipeline::Analysis

use crate::check::{self, RunEnv};
use crate::config::CONFIG_FILE;
use crate::diag::Diagnostic;
use crate::diag::has_errors;
use crate::error::{Error, Result};
use crate::highlight::Highlighter;
use crate::names::BaseUrl;
use crate::pipeline::analyse;
use crate::render::Templates;
use crate::session::Session;
use crate::theme::Theme;

pub use crate::pipeline::{BuildOptions, BuildReport};

/// `cairn lint`: everything a build checks, including that the templates compile, without
/// writing anything.
pub fn lint(opts: &BuildOptions) -> Result<BuildReport> {
    let a = analyse(opts)?;
    let theme = Theme::load(&opts.root, &a.config.theme)?;
    // Compiling the templates is the check; nothing is rendered.
    Templates::new(&theme, &Highlighter::new())?;
    Ok(BuildReport::unwritten(
        a.diagnostics(opts.strict),
        a.documents(),
    ))
}

/// `cairn build`: the whole pipeline. On content errors nothing is written and the previous
/// output stays as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    Session::new(opts.clone()).build()
}

/// What `cairn check` prints: the report, with what it needs to make links absolute.
#[derive(Debug)]
pub struct CheckRun {
    /// Warnings about `site.yaml` (errors stop the run as a configuration error).
    pub diagnostics: Vec<Diagnostic>,
    pub report: check::Report,
    pub title: String,
    pub base_url: BaseUrl,
}

/// `cairn check`: the status checks alone. Content problems do not stop it; they are what the
/// `docs` check reports.
pub fn check(opts: &BuildOptions) -> Result<CheckRun> {
    let a = analyse(opts)?;
    let (diagnostics, content): (Vec<Diagnostic>, Vec<Diagnostic>) = a
        .diagnostics(false)
        .into_iter()
        .partition(|d| d.path == CONFIG_FILE);
    if has_errors(&diagnostics) {
        return Err(Error::Config {
            path: opts.root.join(CONFIG_FILE),
            diagnostics,
        });
    }
    let env = RunEnv::new(&opts.root, opts.now, opts.today, &a.checks);
    let report = check::run(&a.checks, &env, &a.site, &a.config, &content);
    Ok(CheckRun {
        diagnostics,
        report,
        title: a.config.title,
        base_url: a.config.base_url,
    })
}
