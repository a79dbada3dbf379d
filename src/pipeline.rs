//! The one pipeline driver: `site.yaml` → read → parse → link, into an [`Analysis`] that every
//! command starts from (`lint` and `check` in `build`, `build` and `serve` through
//! `session`), and that `serve` brings up to date after an edit ([`Analysis::reread`]) with
//! the same reading rule as a fresh read ([`source::read_one`]).
//!
//! Render and write are the session's; nothing here prints, renders or writes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;
use rayon::prelude::*;

use crate::check::{self, Plan};
use crate::config::{self, CONFIG_FILE, SiteConfig};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::doc::{self, Doc};
use crate::error::{Error, Result};
use crate::history::{History, date_from_git, drift_diagnostics, read_noted};
use crate::link::{self, Site};
use crate::names::{BaseUrl, SourcePath};
use crate::source::{self, Found};

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
    /// Told how long work goes (documents read, pages written, checks running); the command
    /// line shows it on a terminal. Off by default.
    pub progress: crate::progress::Progress,
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
            progress: crate::progress::Progress::default(),
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
        crate::diag::has_errors(&self.diagnostics)
    }
}

/// Reads `site.yaml`. Any error in it is fatal (a configuration error).
/// Refuses a folder without `site.yaml` before anything else is done there, with a message
/// that says what to do: every command that works on a site starts here.
pub fn require_site(root: &Path) -> Result<()> {
    // `symlink_metadata`: a link named site.yaml is there; the fenced read judges it.
    if std::fs::symlink_metadata(root.join(CONFIG_FILE)).is_ok() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "no {CONFIG_FILE} in {} (run `cairn init`, or pass --root)",
        root.display()
    )))
}

pub fn load_config(root: &Path, base_url: Option<&str>) -> Result<(SiteConfig, Diagnostics)> {
    require_site(root)?;
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

/// `site.yaml` read and its checks validated: the first stage, before any document.
pub struct Configured {
    pub config: SiteConfig,
    /// Warnings about `site.yaml` and the checks' configuration (errors stop here).
    pub diags: Diagnostics,
    pub checks: Plan,
}

/// Reads `site.yaml` and the checks it lists; any error there is a configuration error.
pub fn configure(opts: &BuildOptions) -> Result<Configured> {
    let (mut config, mut diags) = load_config(&opts.root, opts.base_url.as_deref())?;
    config.strict = opts.strict;
    let (checks, check_diags) = check::config::read(&config);
    diags.extend(check_diags);
    if diags.has_errors() {
        return Err(Error::Config {
            path: opts.root.join(CONFIG_FILE),
            diagnostics: diags.into_sorted(),
        });
    }
    Ok(Configured {
        config,
        diags,
        checks,
    })
}

/// A site read, parsed and linked, with every diagnostic so far, kept by stage so that one
/// file can be read and parsed again alone.
pub struct Analysis {
    pub config: SiteConfig,
    /// Warnings about `site.yaml` and the checks' configuration.
    pub config_diags: Diagnostics,
    /// The status checks, validated, their `[[doc]]` links resolved.
    pub checks: Plan,
    pub site: Site,
    pub assets: Vec<SourcePath>,
    /// Problems reading `content/` (walk errors, unreadable files).
    pub read_diags: Diagnostics,
    /// Each document's parse diagnostics.
    pub parse_diags: HashMap<SourcePath, Diagnostics>,
    /// The link stage's diagnostics and those of the checks' `[[doc]]` links.
    pub link_diags: Diagnostics,
    /// Documents' history from git, read once (never again after an edit: an edit is not a
    /// commit); `None` outside a work tree.
    pub history: Option<History>,
    /// The HEAD commit `history` was read at (`None` outside a repository).
    pub history_head: Option<String>,
    /// Notes about reading the history (a shallow clone, an unreadable repository).
    pub history_diags: Diagnostics,
    /// Drift warnings, made again after every edit (see [`drift_diagnostics`]).
    pub drift_diags: Diagnostics,
    /// `drift_diags` are from before the last in-place edit: [`Analysis::refresh_drift`]
    /// makes them again.
    drift_stale: bool,
}

/// The files an [`Analysis::reread`] read again.
#[derive(Debug, Default)]
pub struct Reread {
    pub docs: Vec<SourcePath>,
    pub assets: Vec<SourcePath>,
    /// The site was linked afresh: anything kept from the old one is to be made again.
    pub relinked: bool,
}

/// The stages every command shares: config, read, parse, link.
pub fn analyse(opts: &BuildOptions) -> Result<Analysis> {
    configure(opts)?.analyse(opts)
}

impl Configured {
    /// Reads, parses and links every document under `content/`.
    pub fn analyse(self, opts: &BuildOptions) -> Result<Analysis> {
        let Configured {
            config,
            diags: config_diags,
            mut checks,
        } = self;
        let (mut sources, mut read_diags) = source::read_site(&opts.root, &config.content)?;
        read_diags.extend(withhold_active(&opts.root, &mut sources.assets, &config));
        let read = opts
            .progress
            .start(crate::progress::Stage::Read, sources.docs.len());
        let content = config.content.path(&opts.root);
        // HEAD before the read: a commit made during it shows as a move on the next edit.
        let history_head = crate::history::head(&content);
        let (history, history_diags) = read_noted(&content, opts.cache.as_deref());
        let parsed: Vec<(Doc, Diagnostics)> = sources
            .docs
            .into_par_iter()
            .map(|f| {
                let (mut d, dd) = doc::parse(f, &config);
                date_from_git(&mut d, history.as_ref());
                read.tick();
                (d, dd)
            })
            .collect();
        drop(read);
        let mut parse_diags = HashMap::with_capacity(parsed.len());
        let mut docs = Vec::with_capacity(parsed.len());
        for (d, dd) in parsed {
            parse_diags.insert(d.source.clone(), dd);
            docs.push(d);
        }
        let (site, mut link_diags) = link::link(docs, &config, opts.drafts, &sources.assets);
        link_diags.extend(checks.resolve_links(&site, &config));
        let drift_diags = drift_diagnostics(&site, &config, history.as_ref());
        Ok(Analysis {
            config,
            config_diags,
            checks,
            site,
            assets: sources.assets,
            read_diags,
            parse_diags,
            link_diags,
            history,
            history_head,
            history_diags,
            drift_diags,
            drift_stale: false,
        })
    }
}

impl Analysis {
    /// Documents, not counting folder introductions.
    pub fn documents(&self) -> usize {
        self.site.docs.iter().filter(|d| !d.is_index).count()
    }

    /// Whether the repository's HEAD moved since the history was read (a commit, a checkout):
    /// then the history is read again, never on an edit alone (an edit is not a commit).
    pub fn head_moved(&self, root: &Path) -> bool {
        crate::history::head(&self.config.content.path(root)) != self.history_head
    }

    /// Every diagnostic, sorted; warnings promoted under `strict`.
    pub fn diagnostics(&self, strict: bool) -> Vec<Diagnostic> {
        let mut all = self.config_diags.clone();
        all.extend(self.read_diags.clone());
        for d in self.parse_diags.values() {
            all.extend(d.clone());
        }
        all.extend(self.link_diags.clone());
        all.extend(self.history_diags.clone());
        all.extend(self.drift_diags.clone());
        finish(all, strict)
    }

    /// What a rebuild reports: everything but the warnings of documents it did not read again
    /// (reported when they were), and every error wherever it is.
    pub fn rebuild_diagnostics(&self, reread: &[SourcePath], strict: bool) -> Vec<Diagnostic> {
        let mut all = self.config_diags.clone();
        all.extend(self.read_diags.clone());
        all.extend(self.link_diags.clone());
        all.extend(self.drift_diags.clone());
        for (path, d) in &self.parse_diags {
            if reread.contains(path) {
                all.extend(d.clone());
            } else if d.has_errors() {
                all.extend(
                    d.iter()
                        .filter(|x| x.severity == Severity::Error)
                        .cloned()
                        .collect(),
                );
            }
        }
        finish(all, strict)
    }

    /// Whether anything stops a build (warnings too, under `strict`).
    pub fn any_errors(&self, strict: bool) -> bool {
        let bad = |d: &Diagnostics| {
            if strict {
                !d.is_empty()
            } else {
                d.has_errors()
            }
        };
        bad(&self.config_diags)
            || bad(&self.read_diags)
            || bad(&self.link_diags)
            || bad(&self.drift_diags)
            || self.parse_diags.values().any(bad)
    }

    /// Reads the changed files `paths` under the documents folder of the site folder `root`
    /// again and links the site again: in
    /// place when every change is to documents whose edit no other document can see (the
    /// common case of editing a body), from scratch otherwise. Returns what changed.
    pub fn reread(&mut self, root: &Path, paths: &[PathBuf], drafts: bool) -> Reread {
        let mut changed = Reread::default();
        // Edited and removed documents, and whether the set of files changed.
        let mut edited: Vec<Doc> = Vec::new();
        let mut removed: Vec<SourcePath> = Vec::new();
        let mut files_changed = false;
        for p in paths {
            let Some(again) = source::read_one(root, &self.config.content, p) else {
                continue;
            };
            let sp = again.path;
            let shown = self.config.content.show(&sp);
            let had_read_problem = self.read_diags.iter().any(|d| d.path == shown);
            if had_read_problem {
                self.read_diags = self
                    .read_diags
                    .iter()
                    .filter(|d| d.path != shown)
                    .cloned()
                    .collect();
            }
            self.read_diags.extend(again.diags);
            match again.found {
                Found::Document(file) => {
                    self.parse_diags.remove(&sp);
                    changed.docs.push(sp.clone());
                    let known = self.site.docs.iter().any(|d| d.source == sp) && !had_read_problem;
                    let (mut d, dd) = doc::parse(file, &self.config);
                    date_from_git(&mut d, self.history.as_ref());
                    self.parse_diags.insert(sp, dd);
                    files_changed |= !known;
                    edited.push(d);
                }
                Found::Asset => {
                    let mut published = vec![sp.clone()];
                    self.read_diags
                        .extend(withhold_active(root, &mut published, &self.config));
                    files_changed = true;
                    self.assets.retain(|a| *a != sp);
                    if !published.is_empty() {
                        self.assets.push(sp.clone());
                        changed.assets.push(sp);
                    }
                }
                Found::Nothing => {
                    files_changed = true;
                    self.assets.retain(|a| *a != sp);
                    self.parse_diags.remove(&sp);
                    if sp.is_document() {
                        changed.docs.push(sp.clone());
                        removed.push(sp);
                    } else {
                        changed.assets.push(sp);
                    }
                }
            }
        }
        self.assets.sort();
        if !files_changed {
            let mut rest = Vec::new();
            for d in edited.drain(..) {
                match self.site.update_body(d, &self.config, &self.assets) {
                    Ok(u) => {
                        self.link_diags.remove(&u.removed);
                        self.link_diags.extend(u.added.into_iter().collect());
                    }
                    Err(d) => rest.push(*d),
                }
            }
            edited = rest;
            if edited.is_empty() {
                // Drift walks every document: made when asked, after the edited pages.
                self.drift_stale = true;
                return changed;
            }
        }
        let mut docs = std::mem::take(&mut self.site).into_docs();
        docs.retain(|old| {
            !removed.contains(&old.source) && !edited.iter().any(|e| e.source == old.source)
        });
        docs.extend(edited);
        // Documents keep the order a fresh read gives them, so output does not depend on the
        // order of edits.
        docs.sort_by(|a, b| a.source.cmp(&b.source));
        changed.relinked = true;
        let (site, mut link_diags) = link::link(docs, &self.config, drafts, &self.assets);
        link_diags.extend(self.checks.resolve_links(&site, &self.config));
        self.site = site;
        self.link_diags = link_diags;
        self.drift_diags = drift_diagnostics(&self.site, &self.config, self.history.as_ref());
        self.drift_stale = false;
        changed
    }

    /// Makes the drift warnings again if an in-place edit left them stale; every list of
    /// diagnostics, and [`Analysis::any_errors`] under `strict`, wants this first.
    pub fn refresh_drift(&mut self) {
        if self.drift_stale {
            self.drift_diags = drift_diagnostics(&self.site, &self.config, self.history.as_ref());
            self.drift_stale = false;
        }
    }
}

/// Leaves out of `assets` the attachments that could run scripts on the site's address,
/// unless the site allows active attachments (see [`link::attachments`]): HTML pages by their
/// name, SVG and XML files by what they hold, read under the content folder's fence up to the
/// limit documents have (a larger one cannot be judged and is left out too). Each one left out
/// is a warning (an error under `--strict`); nothing left out is ever copied.
fn withhold_active(root: &Path, assets: &mut Vec<SourcePath>, config: &SiteConfig) -> Diagnostics {
    use link::attachments::{check_markup, check_name, is_markup};
    let mut diags = Diagnostics::new();
    if config.active_attachments {
        return diags;
    }
    let content = config.content.path(root);
    let fence = crate::fence::Fence::for_content_in(root, &content, config.content.is_named());
    let judged: Vec<Option<Diagnostic>> = assets
        .par_iter()
        .map(|a| {
            if let Some(d) = check_name(a, config) {
                return Some(d);
            }
            if !is_markup(a) {
                return None;
            }
            let Ok(fence) = &fence else {
                // No fence, no reading: nothing is copied without one either.
                return None;
            };
            match fence.read(&content.join(a.as_str()), source::MAX_DOC_BYTES) {
                Ok(bytes) => check_markup(a, &bytes, config),
                Err(crate::fence::ReadError::TooBig(limit)) => Some(Diagnostic::new(
                    Severity::Warning,
                    config.content.show(a),
                    crate::diag::Pos::START,
                    format!(
                        "not published: larger than {}, too large to check for scripts; site.yaml `attachments: {{ active: allow }}` publishes attachments like this",
                        crate::fence::size(limit)
                    ),
                )),
                // Unreadable now: the copy reports it, naming the file.
                Err(_) => None,
            }
        })
        .collect();
    let mut keep = judged.iter().map(Option::is_none);
    assets.retain(|_| keep.next().unwrap_or(true));
    for d in judged.into_iter().flatten() {
        diags.push(d);
    }
    diags
}

fn finish(mut diags: Diagnostics, strict: bool) -> Vec<Diagnostic> {
    if strict {
        diags.promote_warnings();
    }
    diags.into_sorted()
}
