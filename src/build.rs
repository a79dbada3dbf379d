//! The pipeline: read → parse → link → render → write, as plain function calls over the values
//! each stage returns. Nothing here prints; the caller gets diagnostics and counts back.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;
use rayon::prelude::*;

use crate::check::{self, Plan, RunEnv};
use crate::config::{self, CONFIG_FILE, SiteConfig};
use crate::diag::{Diagnostic, Diagnostics};
use crate::doc;
use crate::error::{Error, Result};
use crate::highlight::Highlighter;
use crate::link::{self, Site};
use crate::names::BaseUrl;
use crate::render::Templates;
use crate::source::{self, CONTENT_DIR};
use crate::theme::Theme;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root: holds `site.yaml` and `content/`.
    pub root: PathBuf,
    /// Where the site is written; default `<root>/public`.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    /// Warnings count as errors.
    pub strict: bool,
    /// Overrides `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// Today's date, for "due for review"; injected so builds are reproducible in tests.
    pub today: Date,
    /// The moment the status checks count as running; injected like `today`.
    pub now: Timestamp,
    /// Run the status checks (`--no-checks` turns them off).
    pub checks: bool,
    /// The build cache folder (outside the site, see `cache::default_dir`): rendered pages are
    /// kept there and reused when nothing they show changed. `None` renders every page.
    pub cache: Option<PathBuf>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>, today: Date) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            drafts: false,
            strict: false,
            base_url: None,
            today,
            now: Timestamp::now(),
            checks: true,
            cache: None,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

#[derive(Debug)]
pub struct BuildReport {
    /// Every problem found, sorted; with `strict`, warnings are already errors.
    pub diagnostics: Vec<Diagnostic>,
    /// Files written, or 0 when the build failed or nothing was written (lint).
    pub files: usize,
    pub documents: usize,
    /// The status checks' results, when they ran.
    pub status: Option<check::Report>,
    /// Pages rendered by this build; the rest of `files` came from the build cache or, for a
    /// rebuild, were already up to date.
    pub rendered: usize,
}

impl BuildReport {
    /// A report of a run that wrote nothing: a failed build, or `lint`.
    pub fn unwritten(diagnostics: Vec<Diagnostic>, documents: usize) -> BuildReport {
        BuildReport {
            diagnostics,
            files: 0,
            documents,
            status: None,
            rendered: 0,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::diag::Severity::Error)
    }
}

/// Reads `site.yaml`. Any error in it is fatal (a configuration error).
pub fn load_config(root: &Path, base_url: Option<&str>) -> Result<(SiteConfig, Diagnostics)> {
    let path = root.join(CONFIG_FILE);
    let text = match crate::fence::Fence::new(root).read(&path, config::MAX_CONFIG_BYTES) {
        Ok(bytes) => source::normalize(&bytes).map_err(|_| {
            Error::io(
                &path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"),
            )
        })?,
        Err(e) => return Err(Error::io(&path, e.into())),
    };
    let (mut config, mut diags) = config::parse(&text);
    if let Some(b) = base_url {
        match BaseUrl::parse(b) {
            Ok(url) => {
                config.digest = crate::digest::Digest::new()
                    .u64(config.digest)
                    .str(b)
                    .finish();
                config.base_url = url;
            }
            Err(msg) => diags.error(
                CONFIG_FILE,
                crate::diag::Pos::START,
                format!("--base-url: {msg}"),
            ),
        }
    }
    if diags.has_errors() {
        return Err(Error::Config {
            path,
            diagnostics: diags.into_sorted(),
        });
    }
    Ok((config, diags))
}

/// A site read, parsed and linked, with every diagnostic so far.
pub struct Analysis {
    pub config: SiteConfig,
    pub site: Site,
    pub diags: Diagnostics,
    pub assets: Vec<crate::names::SourcePath>,
    /// The status checks, validated, their `[[doc]]` links resolved.
    pub checks: Plan,
}

/// The stages every command shares: config, read, parse, link.
pub fn analyse(opts: &BuildOptions) -> Result<Analysis> {
    let (config, mut diags) = load_config(&opts.root, opts.base_url.as_deref())?;
    let (mut checks, check_diags) = check::config::read(&config);
    diags.extend(check_diags);
    if diags.has_errors() {
        return Err(Error::Config {
            path: opts.root.join(CONFIG_FILE),
            diagnostics: diags.into_sorted(),
        });
    }
    let (sources, read_diags) = source::read_content(&opts.root.join(CONTENT_DIR))?;
    diags.extend(read_diags);
    let parsed: Vec<(doc::Doc, Diagnostics)> = sources
        .docs
        .into_par_iter()
        .map(|f| doc::parse(f, &config))
        .collect();
    let mut docs = Vec::with_capacity(parsed.len());
    for (d, dd) in parsed {
        docs.push(d);
        diags.extend(dd);
    }
    let (site, link_diags) = link::link(docs, &config, opts.drafts, &sources.assets);
    diags.extend(link_diags);
    diags.extend(checks.resolve_links(&site, &config));
    Ok(Analysis {
        config,
        site,
        diags,
        assets: sources.assets,
        checks,
    })
}

fn finish(mut diags: Diagnostics, strict: bool) -> Vec<Diagnostic> {
    if strict {
        diags.promote_warnings();
    }
    diags.into_sorted()
}

/// `cairn lint`: everything a build checks, including that the templates compile, without
/// writing anything.
pub fn lint(opts: &BuildOptions) -> Result<BuildReport> {
    let a = analyse(opts)?;
    let theme = Theme::load(&opts.root, &a.config.theme)?;
    // Compiling the templates is the check; nothing is rendered.
    Templates::new(&theme, &Highlighter::new())?;
    let documents = a.site.docs.iter().filter(|d| !d.is_index).count();
    Ok(BuildReport::unwritten(
        finish(a.diags, opts.strict),
        documents,
    ))
}

/// `cairn build`: the whole pipeline. On content errors nothing is written and the previous
/// output stays as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    crate::session::Session::new(opts.clone())
        .with_cache(opts.cache.clone())
        .build()
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
    let (diagnostics, content): (Vec<Diagnostic>, Vec<Diagnostic>) = finish(a.diags, false)
        .into_iter()
        .partition(|d| d.path == CONFIG_FILE);
    if diagnostics
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error)
    {
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
