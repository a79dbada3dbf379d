//! A build that remembers what it did: the configuration, the parsed documents, the linked
//! site, the status report and the digest of every page in its output.
//!
//! `cairn build` uses it once: a full build into a staging folder swapped in atomically,
//! reusing pages from the build cache when their digest is known. `cairn serve` keeps it:
//! after an edit it re-reads and re-parses only the changed files, links the site again
//! (cheap next to rendering), and renders and replaces only the pages whose digest changed,
//! documents first. Status checks run on full builds and on request, not on every edit.
//! Nothing here prints.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::build::{BuildOptions, BuildReport, load_config};
use crate::cache::PageCache;
use crate::check::{self, Plan, RunEnv};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::doc::{self, Doc};
use crate::error::{Error, Result};
use crate::highlight::Highlighter;
use crate::link::{self, Site};
use crate::names::{OutPath, SourcePath, UrlPath};
use crate::render::{RenderEnv, Renderer, Templates};
use crate::source::{self, CONTENT_DIR, SourceFile};
use crate::theme::Theme;
use crate::write::{self, Staging};

pub struct Session {
    opts: BuildOptions,
    state: Option<State>,
    /// The build cache folder pages are kept in and taken from, if any.
    cache: Option<PathBuf>,
}

struct State {
    config: SiteConfig,
    /// Warnings about `site.yaml` and the checks' configuration.
    config_diags: Diagnostics,
    plan: Plan,
    templates: Templates,
    hl: Highlighter,
    site: Site,
    assets: Vec<SourcePath>,
    /// Each document's parse diagnostics, so one file can be parsed again alone.
    parse_diags: HashMap<SourcePath, Diagnostics>,
    /// Problems reading `content/` (walk errors, unreadable files).
    read_diags: Diagnostics,
    /// The link stage's diagnostics and those of the checks' `[[doc]]` links.
    link_diags: Diagnostics,
    status: Option<check::Report>,
    /// What the output folder holds now: each file with its page's digest (`None`: a page
    /// that is rewritten every time).
    written: HashMap<OutPath, Option<u64>>,
}

/// The files a rebuild read again.
#[derive(Default)]
struct Reread {
    docs: Vec<SourcePath>,
    assets: Vec<SourcePath>,
}

/// How much a change to the sources touches.
enum Change {
    /// Only documents or assets under `content/`.
    Content(Vec<PathBuf>),
    /// `site.yaml`, a template or a static file, or something not understood: start over.
    Everything,
}

impl Session {
    pub fn new(opts: BuildOptions) -> Self {
        Session {
            opts,
            state: None,
            cache: None,
        }
    }

    /// Keeps pages in the build cache folder `cache` and reuses them on the next build.
    pub fn with_cache(mut self, cache: Option<PathBuf>) -> Self {
        self.cache = cache;
        self
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// A full build: everything read, checked and rendered, written into a staging folder and
    /// swapped in only if nothing failed.
    pub fn build(&mut self) -> Result<BuildReport> {
        let output = self.opts.output_dir();
        write::guard_output(&self.opts.root, &output)?;
        let previous_status = self.state.take().and_then(|s| s.status);
        let mut state = self.analyse()?;
        let diagnostics = self.diagnostics(&state);
        let documents = count_documents(&state.site);
        if has_errors(&diagnostics) {
            state.status = previous_status;
            self.state = Some(state);
            return Ok(BuildReport::unwritten(diagnostics, documents));
        }
        self.run_checks(&mut state, &diagnostics, self.opts.now);
        let (files, rendered) = self.write_staged(&mut state, &output)?;
        let status = state.status.clone();
        self.state = Some(state);
        Ok(BuildReport {
            diagnostics,
            files,
            documents,
            status,
            rendered,
        })
    }

    /// Brings the output up to date after `changed` files changed: re-reads what changed and
    /// rewrites only the pages whose digest moved. On content errors nothing is written.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<BuildReport> {
        let output = self.opts.output_dir();
        let change = self.classify(changed);
        let Some(mut state) = self.state.take() else {
            return self.build();
        };
        let mut reread = None;
        match change {
            Change::Everything => {
                let status = state.status.take();
                let written = std::mem::take(&mut state.written);
                state = match self.analyse() {
                    Ok(s) => s,
                    Err(e) => {
                        state.status = status;
                        state.written = written;
                        self.state = Some(state);
                        return Err(e);
                    }
                };
                state.written = written;
                // A new configuration may change the checks themselves: run them again.
                state.status = status;
                let diagnostics = self.diagnostics(&state);
                self.run_checks(&mut state, &diagnostics, jiff::Timestamp::now());
            }
            Change::Content(paths) => reread = Some(self.reread(&mut state, &paths)?),
        }
        let diagnostics = match &reread {
            Some(r) => rebuild_diagnostics(&state, &r.docs, self.opts.strict),
            None => self.diagnostics(&state),
        };
        let documents = count_documents(&state.site);
        if has_errors(&diagnostics) || any_errors(&state, self.opts.strict) {
            self.state = Some(state);
            return Ok(BuildReport::unwritten(diagnostics, documents));
        }
        let assets = reread.as_ref().map(|r| r.assets.as_slice());
        let result = self.write_live(&mut state, &output, assets);
        let status = state.status.clone();
        self.state = Some(state);
        let rendered = result?;
        Ok(BuildReport {
            diagnostics,
            files: rendered,
            documents,
            status,
            rendered,
        })
    }

    /// Runs the status checks again and updates the pages that show them.
    pub fn recheck(&mut self) -> Result<BuildReport> {
        if let Some(mut state) = self.state.take() {
            let diagnostics = self.diagnostics(&state);
            self.run_checks(&mut state, &diagnostics, jiff::Timestamp::now());
            self.state = Some(state);
        }
        self.rebuild(&[])
    }

    /// Runs the status checks into `state.status`, unless they are off or there are none.
    fn run_checks(&self, state: &mut State, diagnostics: &[Diagnostic], now: jiff::Timestamp) {
        if !self.opts.checks || state.plan.checks.is_empty() {
            return;
        }
        let env = RunEnv::new(&self.opts.root, now, self.opts.today, &state.plan);
        state.status = Some(check::run(
            &state.plan,
            &env,
            &state.site,
            &state.config,
            diagnostics,
        ));
    }

    /// The site root as the watcher reports paths (canonical), and its `content/` folder.
    fn watched_dirs(&self) -> (PathBuf, PathBuf) {
        let root = self
            .opts
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.opts.root.clone());
        let content = root.join(CONTENT_DIR);
        (root, content)
    }

    fn classify(&self, changed: &[PathBuf]) -> Change {
        let (root, content) = self.watched_dirs();
        let mut paths = Vec::new();
        for p in changed {
            let p = if p.is_absolute() {
                p.clone()
            } else {
                root.join(p)
            };
            match p.strip_prefix(&content) {
                Ok(rel) if !rel.as_os_str().is_empty() && !p.is_dir() && !p.is_symlink() => {
                    paths.push(p)
                }
                _ => return Change::Everything,
            }
        }
        Change::Content(paths)
    }

    /// Config, theme and every document, from scratch.
    fn analyse(&self) -> Result<State> {
        let root = &self.opts.root;
        let (config, mut config_diags) = load_config(root, self.opts.base_url.as_deref())?;
        let (mut plan, check_diags) = check::config::read(&config);
        config_diags.extend(check_diags);
        if config_diags.has_errors() {
            return Err(Error::Config {
                path: root.join(CONFIG_FILE),
                diagnostics: config_diags.into_sorted(),
            });
        }
        let theme = Theme::load(root, &config.theme)?;
        let hl = Highlighter::new();
        let templates = Templates::new(&theme, &hl)?;
        let (sources, read_diags) = source::read_content(&root.join(CONTENT_DIR))?;
        let parsed: Vec<(Doc, Diagnostics)> = sources
            .docs
            .into_par_iter()
            .map(|f| doc::parse(f, &config))
            .collect();
        let mut parse_diags = HashMap::with_capacity(parsed.len());
        let mut docs = Vec::with_capacity(parsed.len());
        for (d, dd) in parsed {
            parse_diags.insert(d.source.clone(), dd);
            docs.push(d);
        }
        let (site, mut link_diags) = link::link(docs, &config, self.opts.drafts, &sources.assets);
        link_diags.extend(plan.resolve_links(&site, &config));
        Ok(State {
            config,
            config_diags,
            plan,
            templates,
            hl,
            site,
            assets: sources.assets,
            parse_diags,
            read_diags,
            link_diags,
            status: None,
            written: HashMap::new(),
        })
    }

    /// Re-reads the changed files under `content/` and links the site again: in place when
    /// every change is to documents whose edit no other document can see (the common case of
    /// editing a body), from scratch otherwise. Returns what changed.
    fn reread(&self, state: &mut State, paths: &[PathBuf]) -> Result<Reread> {
        let (_, content) = self.watched_dirs();
        let mut changed = Reread::default();
        // Edited and removed documents, and whether the set of files changed.
        let mut edited: Vec<Doc> = Vec::new();
        let mut removed: Vec<SourcePath> = Vec::new();
        let mut files_changed = false;
        for p in paths {
            let Some(rel) = p.strip_prefix(&content).ok().and_then(|r| r.to_str()) else {
                continue;
            };
            let sp = SourcePath::new(rel.replace(std::path::MAIN_SEPARATOR, "/"));
            let shown = source::display_source(&sp);
            let had_read_problem = state.read_diags.iter().any(|d| d.path == shown);
            if had_read_problem {
                state.read_diags = state
                    .read_diags
                    .iter()
                    .filter(|d| d.path != shown)
                    .cloned()
                    .collect();
            }
            // The same rules as a fresh read (`source::read_content`): hidden files are left
            // out (a hidden document with a warning), links out of the site are refused.
            if let Some(why) = source::excluded(&content, p) {
                let at = crate::diag::Pos::START;
                match why {
                    source::Excluded::Outside(refused) => {
                        state.read_diags.error(&shown, at, refused)
                    }
                    source::Excluded::Hidden { document: true } if p.is_file() => state
                        .read_diags
                        .warning(&shown, at, source::HIDDEN_DOCUMENT),
                    source::Excluded::Hidden { .. } => {}
                }
                files_changed = true;
                state.assets.retain(|a| *a != sp);
                state.parse_diags.remove(&sp);
                if sp.is_document() {
                    changed.docs.push(sp.clone());
                } else {
                    changed.assets.push(sp.clone());
                }
                removed.push(sp);
                continue;
            }
            if !sp.is_document() {
                files_changed = true;
                state.assets.retain(|a| *a != sp);
                if p.is_file() {
                    state.assets.push(sp.clone());
                }
                changed.assets.push(sp);
                continue;
            }
            state.parse_diags.remove(&sp);
            changed.docs.push(sp.clone());
            let known = state.site.docs.iter().any(|d| d.source == sp) && !had_read_problem;
            if !p.is_file() {
                files_changed = true;
                removed.push(sp);
                continue;
            }
            match source::read_document(p) {
                Ok(text) => {
                    let (d, dd) = doc::parse(
                        SourceFile {
                            path: sp.clone(),
                            text,
                        },
                        &state.config,
                    );
                    state.parse_diags.insert(sp, dd);
                    files_changed |= !known;
                    edited.push(d);
                }
                Err((pos, msg)) => {
                    state.read_diags.error(&shown, pos, msg);
                    files_changed = true;
                    removed.push(sp);
                }
            }
        }
        state.assets.sort();
        if !files_changed {
            let mut rest = Vec::new();
            for d in edited.drain(..) {
                match state.site.update_body(d, &state.config, &state.assets) {
                    Ok(u) => {
                        state.link_diags.remove(&u.removed);
                        state.link_diags.extend(u.added.into_iter().collect());
                    }
                    Err(d) => rest.push(*d),
                }
            }
            edited = rest;
            if edited.is_empty() {
                return Ok(changed);
            }
        }
        let mut docs = std::mem::take(&mut state.site).into_docs();
        docs.retain(|old| {
            !removed.contains(&old.source) && !edited.iter().any(|e| e.source == old.source)
        });
        docs.extend(edited);
        // Documents keep the order a fresh read gives them, so output does not depend on the
        // order of edits.
        docs.sort_by(|a, b| a.source.cmp(&b.source));
        let (site, mut link_diags) =
            link::link(docs, &state.config, self.opts.drafts, &state.assets);
        link_diags.extend(state.plan.resolve_links(&site, &state.config));
        state.site = site;
        state.link_diags = link_diags;
        Ok(changed)
    }

    fn diagnostics(&self, state: &State) -> Vec<Diagnostic> {
        diagnostics(state, self.opts.strict)
    }

    fn renderer<'s>(&self, state: &'s State) -> Result<Renderer<'s>> {
        Renderer::new(
            &state.site,
            &state.config,
            &state.templates,
            &state.hl,
            RenderEnv {
                today: self.opts.today,
                status: state.status.as_ref(),
            },
        )
    }

    /// Writes the whole site into a staging folder, taking unchanged pages from the cache.
    /// Returns the files written and how many pages were rendered.
    fn write_staged(&self, state: &mut State, output: &Path) -> Result<(usize, usize)> {
        let renderer = self.renderer(state)?;
        let pages = renderer.pages();
        let cache = self
            .cache
            .as_ref()
            .map(|dir| PageCache::open(dir, &cache_namespace(&state.config, &self.opts)));
        let staging = Staging::begin(output)?;
        let written: Vec<(OutPath, Option<u64>, bool)> = pages
            .par_iter()
            .map(|p| {
                let digest = renderer.digest(p);
                let out = renderer.out_path(p);
                if let (Some(c), Some(d)) = (&cache, digest) {
                    if let Some(file) = c.get(d) {
                        if staging.copy(&out, &file).is_ok() {
                            return Ok((out, digest, false));
                        }
                    }
                }
                let (out, bytes) = renderer.render(p)?;
                staging.write(&out, &bytes)?;
                if let (Some(c), Some(d)) = (&cache, digest) {
                    c.put(d, &bytes);
                }
                Ok((out, digest, true))
            })
            .collect::<Result<_>>()?;
        drop(renderer);
        self.copy_assets(state, |out, from| staging.copy(out, from))?;
        staging.commit()?;
        if let Some(c) = &cache {
            c.prune(&written.iter().filter_map(|(_, d, _)| *d).collect());
        }
        let files = written.len() + state.assets.len();
        let rendered = written.iter().filter(|(.., r)| *r).count();
        state.written = written.into_iter().map(|(o, d, _)| (o, d)).collect();
        Ok((files, rendered))
    }

    /// Rewrites, in place, the pages whose digest changed, documents first; removes pages that
    /// are gone.
    fn write_live(
        &self,
        state: &mut State,
        output: &Path,
        assets: Option<&[SourcePath]>,
    ) -> Result<usize> {
        let renderer = self.renderer(state)?;
        // A reader waits for the page they edited: documents first, so the fresh page is
        // servable before the lists, indexes and feeds that mention it are brought up to date.
        let mut keep: HashSet<OutPath> = HashSet::with_capacity(state.written.len());
        let mut done = Vec::new();
        for batch in [
            renderer.doc_pages().collect::<Vec<_>>(),
            renderer.other_pages(),
        ] {
            let rendered: Vec<(OutPath, Option<u64>, bool)> = batch
                .into_par_iter()
                .map(|p| {
                    let digest = renderer.digest(&p);
                    let out = renderer.out_path(&p);
                    if digest.is_some() && state.written.get(&out) == Some(&digest) {
                        return Ok((out, digest, false));
                    }
                    let (out, bytes) = renderer.render(&p)?;
                    write::replace_file(output, &out, &bytes)?;
                    Ok((out, digest, true))
                })
                .collect::<Result<_>>()?;
            for (out, digest, fresh) in rendered {
                if fresh {
                    done.push((out.clone(), digest));
                }
                keep.insert(out);
            }
        }
        drop(renderer);
        state.written.retain(|out, _| {
            let stays = keep.contains(out);
            if !stays {
                write::remove_file(output, out);
            }
            stays
        });
        let files = done.len();
        state.written.extend(done);
        let content = self.opts.root.join(CONTENT_DIR);
        for a in assets.unwrap_or(&state.assets) {
            let out = UrlPath::file(a.as_str()).out_path();
            write::replace_file_from(output, &out, &content.join(a.as_str()))?;
        }
        Ok(files)
    }

    fn copy_assets(
        &self,
        state: &State,
        copy: impl Fn(&OutPath, &Path) -> Result<()> + Sync,
    ) -> Result<()> {
        let content = self.opts.root.join(CONTENT_DIR);
        state.assets.par_iter().try_for_each(|a| {
            copy(
                &UrlPath::file(a.as_str()).out_path(),
                &content.join(a.as_str()),
            )
        })
    }
}

/// Every diagnostic of the current state, sorted; warnings promoted under `--strict`.
fn diagnostics(state: &State, strict: bool) -> Vec<Diagnostic> {
    let mut all = state.config_diags.clone();
    all.extend(state.read_diags.clone());
    for d in state.parse_diags.values() {
        all.extend(d.clone());
    }
    all.extend(state.link_diags.clone());
    if strict {
        all.promote_warnings();
    }
    all.into_sorted()
}

/// What a rebuild reports: everything but the warnings of documents it did not read again
/// (reported when they were), and every error wherever it is.
fn rebuild_diagnostics(state: &State, reread: &[SourcePath], strict: bool) -> Vec<Diagnostic> {
    let mut all = state.config_diags.clone();
    all.extend(state.read_diags.clone());
    all.extend(state.link_diags.clone());
    for (path, d) in &state.parse_diags {
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
    if strict {
        all.promote_warnings();
    }
    all.into_sorted()
}

/// Whether anything in the current state stops a build (warnings too, under `--strict`).
fn any_errors(state: &State, strict: bool) -> bool {
    let bad = |d: &Diagnostics| {
        if strict {
            !d.is_empty()
        } else {
            d.has_errors()
        }
    };
    bad(&state.config_diags)
        || bad(&state.read_diags)
        || bad(&state.link_diags)
        || state.parse_diags.values().any(bad)
}

fn count_documents(site: &Site) -> usize {
    site.docs.iter().filter(|d| !d.is_index).count()
}

fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// Each site, and each base URL or drafts setting of a site (they make different pages), keeps
/// its own part of the cache folder.
fn cache_namespace(config: &SiteConfig, opts: &BuildOptions) -> String {
    let root = std::fs::canonicalize(&opts.root).unwrap_or_else(|_| opts.root.clone());
    let mut d = crate::digest::Digest::new();
    d.str(&root.to_string_lossy())
        .str(&config.base_url.absolute(&UrlPath::page([])))
        .u64(u64::from(opts.drafts));
    format!("pages-{:016x}", d.finish())
}
