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

/// One change `fix` made: the file as diagnostics show it, and the change at its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub file: String,
    pub change: crate::doc::fix::Change,
}

/// `cairn lint --fix`: rewrites in place the front matter problems with one obvious answer
/// (see [`crate::doc::fix`]), reading and writing only inside the documents folder's fence.
/// Files that cannot be read whole or are not UTF-8 are left alone (lint reports them).
pub fn fix(opts: &BuildOptions) -> Result<Vec<Fixed>> {
    let config = crate::pipeline::configure(opts)?.config;
    let content = config.content.path(&opts.root);
    let (sources, _) = crate::source::read_site(&opts.root, &config.content)?;
    let fence =
        crate::fence::Fence::for_content_in(&opts.root, &content, config.content.is_named())
            .map_err(|p| Error::io(&p, std::io::Error::other("outside the site")))?;
    let mut out = Vec::new();
    for doc in &sources.docs {
        let full = content.join(doc.path.as_str());
        let Ok(bytes) = fence.read(&full, crate::source::MAX_DOC_BYTES) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let Some((fixed, changes)) = crate::doc::fix::fix(&text, &doc.path, &config) else {
            continue;
        };
        fence
            .overwrite(&full, fixed.as_bytes())
            .map_err(|e| Error::io(&full, e.into()))?;
        let file = config.content.show(&doc.path);
        out.extend(changes.into_iter().map(|change| Fixed {
            file: file.clone(),
            change,
        }));
    }
    Ok(out)
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
    let mut env = RunEnv::new(&opts.root, opts.now, opts.today, &a.checks);
    env.progress = opts.progress.clone();
    let report = check::run(&a.checks, &env, &a.site, &a.config, &content);
    Ok(CheckRun {
        diagnostics,
        report,
        title: a.config.title,
        base_url: a.config.base_url,
    })
}
