//! The pipeline: read → parse → link → render → write, as plain function calls over the values
//! each stage returns. Nothing here prints; the caller gets diagnostics and counts back.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::{self, CONFIG_FILE, SiteConfig};
use crate::diag::{Diagnostic, Diagnostics};
use crate::doc;
use crate::error::{Error, Result};
use crate::highlight::Highlighter;
use crate::link::{self, Site};
use crate::names::{BaseUrl, UrlPath};
use crate::render::{RenderEnv, Renderer};
use crate::source::{self, CONTENT_DIR};
use crate::theme::Theme;
use crate::write::Staging;

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
}

impl BuildReport {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::diag::Severity::Error)
    }
}

/// Reads `site.yaml`. Any error in it is fatal (a configuration error).
pub fn load_config(root: &Path, base_url: Option<&str>) -> Result<(SiteConfig, Diagnostics)> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => source::normalize(&bytes).map_err(|_| {
            Error::io(
                &path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"),
            )
        })?,
        Err(e) => return Err(Error::io(&path, e)),
    };
    let (mut config, mut diags) = config::parse(&text);
    if let Some(b) = base_url {
        match BaseUrl::parse(b) {
            Ok(b) => config.base_url = b,
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
}

/// The stages every command shares: config, read, parse, link.
pub fn analyse(opts: &BuildOptions) -> Result<Analysis> {
    let (config, mut diags) = load_config(&opts.root, opts.base_url.as_deref())?;
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
    Ok(Analysis {
        config,
        site,
        diags,
        assets: sources.assets,
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
    let hl = Highlighter::new();
    Renderer::new(
        &a.site,
        &a.config,
        &theme,
        &hl,
        RenderEnv { today: opts.today },
    )?;
    let documents = a.site.docs.iter().filter(|d| !d.is_index).count();
    Ok(BuildReport {
        diagnostics: finish(a.diags, opts.strict),
        files: 0,
        documents,
    })
}

/// `cairn build`: the whole pipeline. On content errors nothing is written and the previous
/// output stays as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let output = opts.output_dir();
    guard_output(&opts.root, &output)?;
    let a = analyse(opts)?;
    let documents = a.site.docs.iter().filter(|d| !d.is_index).count();
    let diagnostics = finish(a.diags, opts.strict);
    if diagnostics
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error)
    {
        return Ok(BuildReport {
            diagnostics,
            files: 0,
            documents,
        });
    }
    let theme = Theme::load(&opts.root, &a.config.theme)?;
    let hl = Highlighter::new();
    let renderer = Renderer::new(
        &a.site,
        &a.config,
        &theme,
        &hl,
        RenderEnv { today: opts.today },
    )?;
    let staging = Staging::begin(&output)?;
    let pages = renderer.pages();
    pages.par_iter().try_for_each(|p| {
        let (path, bytes) = renderer.render(p)?;
        staging.write(&path, &bytes)
    })?;
    let content = opts.root.join(CONTENT_DIR);
    a.assets.par_iter().try_for_each(|asset| {
        staging.copy(
            &UrlPath::file(asset.as_str()).out_path(),
            &content.join(asset.as_str()),
        )
    })?;
    staging.commit()?;
    Ok(BuildReport {
        diagnostics,
        files: pages.len() + a.assets.len(),
        documents,
    })
}

/// A build that can be repeated as sources change (`cairn serve`).
pub struct Session {
    opts: BuildOptions,
}

impl Session {
    pub fn new(opts: BuildOptions) -> Self {
        Session { opts }
    }

    pub fn build_all(&mut self) -> Result<BuildReport> {
        build(&self.opts)
    }

    /// Rebuilds after the given files changed.
    pub fn rebuild(&mut self, _changed: &[PathBuf]) -> Result<BuildReport> {
        build(&self.opts)
    }
}

/// Refuses an output folder that would swallow the site's own files.
fn guard_output(root: &Path, output: &Path) -> Result<()> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let root = canon(root);
    let out = match (output.parent(), output.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => canon(parent).join(name),
        _ => canon(output),
    };
    if root.starts_with(&out)
        || out.starts_with(root.join(CONTENT_DIR))
        || out.starts_with(root.join("themes"))
    {
        return Err(Error::Usage(format!(
            "refusing to write the site into {}: it holds the site's own files",
            output.display()
        )));
    }
    Ok(())
}
