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

use crate::build::{BuildOptions, BuildReport, guard_output, load_config};
use crate::cache::PageCache;
use crate::check::{self, Plan, RunEnv};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::doc::{self, Doc};
use crate::error::{Error, Result};
use crate::highlight::Highlighter;
use crate::link::{self, Site};
use crate::names::{OutPath, SourcePath, UrlPath};
use crate::render::{Page, RenderEnv, Renderer, Templates};
use crate::source::{self, CONTENT_DIR, SourceFile};
use crate::theme::Theme;
use crate::write::{self, Staging};

pub struct Session {
    opts: BuildOptions,
    state: Option<State>,
    /// Whether pages are kept in and taken from the build cache.
    cache: bool,
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
            cache: false,
        }
    }

    /// Keeps pages in `.cairn/cache/` and reuses them on the next build.
    pub fn with_cache(mut self, cache: bool) -> Self {
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
        guard_output(&self.opts.root, &output)?;
        let previous_status = self.state.take().and_then(|s| s.status);
        let mut state = self.analyse()?;
        let diagnostics = self.diagnostics(&state);
        let documents = count_documents(&state.site);
        if has_errors(&diagnostics) {
            state.status = previous_status;
            self.state = Some(state);
            return Ok(BuildReport {
                diagnostics,
                files: 0,
                documents,
                status: None,
                rendered: 0,
            });
        }
        if self.opts.checks && !state.plan.checks.is_empty() {
            let env = RunEnv::new(&self.opts.root, self.opts.now, self.opts.today, &state.plan);
            state.status = Some(check::run(
                &state.plan,
                &env,
                &state.site,
                &state.config,
                &diagnostics,
            ));
        }
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
                if self.opts.checks && !state.plan.checks.is_empty() {
                    let diagnostics = self.diagnostics(&state);
                    let env = RunEnv::new(
                        &self.opts.root,
                        jiff::Timestamp::now(),
                        self.opts.today,
                        &state.plan,
                    );
                    state.status = Some(check::run(
                        &state.plan,
                        &env,
                        &state.site,
                        &state.config,
                        &diagnostics,
                    ));
                }
            }
            Change::Content(paths) => self.reread(&mut state, &paths)?,
        }
        let diagnostics = self.diagnostics(&state);
        let documents = count_documents(&state.site);
        if has_errors(&diagnostics) {
            self.state = Some(state);
            return Ok(BuildReport {
                diagnostics,
                files: 0,
                documents,
                status: None,
                rendered: 0,
            });
        }
        let result = self.write_live(&mut state, &output);
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
        let strict = self.opts.strict;
        if let Some(state) = self.state.as_mut() {
            if !state.plan.checks.is_empty() {
                let diagnostics = diagnostics(state, strict);
                let env = RunEnv::new(
                    &self.opts.root,
                    jiff::Timestamp::now(),
                    self.opts.today,
                    &state.plan,
                );
                state.status = Some(check::run(
                    &state.plan,
                    &env,
                    &state.site,
                    &state.config,
                    &diagnostics,
                ));
            }
        }
        self.rebuild(&[])
    }

    fn classify(&self, changed: &[PathBuf]) -> Change {
        let root = self
            .opts
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.opts.root.clone());
        let content = root.join(CONTENT_DIR);
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

    /// Re-reads the changed files under `content/` and links the site again.
    fn reread(&self, state: &mut State, paths: &[PathBuf]) -> Result<()> {
        let root = self
            .opts
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.opts.root.clone());
        let content = root.join(CONTENT_DIR);
        let mut docs = std::mem::take(&mut state.site).into_docs();
        for p in paths {
            let Some(rel) = p.strip_prefix(&content).ok().and_then(|r| r.to_str()) else {
                continue;
            };
            let sp = SourcePath::new(rel.replace(std::path::MAIN_SEPARATOR, "/"));
            let shown = source::display_source(&sp);
            docs.retain(|d| d.source != sp);
            state.parse_diags.remove(&sp);
            state.read_diags = state
                .read_diags
                .iter()
                .filter(|d| d.path != shown)
                .cloned()
                .collect();
            state.assets.retain(|a| *a != sp);
            if !p.is_file() {
                continue;
            }
            if !is_document(&sp) {
                state.assets.push(sp);
                continue;
            }
            match read_document(p) {
                Ok(text) => {
                    let (d, dd) = doc::parse(
                        SourceFile {
                            path: sp.clone(),
                            text,
                        },
                        &state.config,
                    );
                    state.parse_diags.insert(sp, dd);
                    docs.push(d);
                }
                Err((pos, msg)) => state.read_diags.error(&shown, pos, msg),
            }
        }
        // Documents keep the order a fresh read gives them, so output does not depend on the
        // order of edits.
        docs.sort_by(|a, b| a.source.cmp(&b.source));
        state.assets.sort();
        let (site, mut link_diags) =
            link::link(docs, &state.config, self.opts.drafts, &state.assets);
        link_diags.extend(state.plan.resolve_links(&site, &state.config));
        state.site = site;
        state.link_diags = link_diags;
        Ok(())
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
            .then(|| PageCache::open(&self.opts.root, &cache_namespace(&state.config, &self.opts)));
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
    fn write_live(&self, state: &mut State, output: &Path) -> Result<usize> {
        let renderer = self.renderer(state)?;
        let mut pages: Vec<(Page, OutPath, Option<u64>)> = renderer
            .pages()
            .into_par_iter()
            .map(|p| {
                let out = renderer.out_path(&p);
                let digest = renderer.digest(&p);
                (p, out, digest)
            })
            .collect();
        let keep: HashSet<OutPath> = pages.iter().map(|(_, o, _)| o.clone()).collect();
        pages.retain(|(_, out, digest)| digest.is_none() || state.written.get(out) != Some(digest));
        // A reader waits for the page they edited: documents before lists and indexes.
        let (first, rest): (Vec<_>, Vec<_>) = pages
            .into_iter()
            .partition(|(p, ..)| matches!(p, Page::Doc(_)));
        let mut done = Vec::new();
        for batch in [first, rest] {
            let rendered: Vec<(OutPath, Option<u64>)> = batch
                .into_par_iter()
                .map(|(p, _, digest)| {
                    let (out, bytes) = renderer.render(&p)?;
                    write::replace_file(output, &out, &bytes)?;
                    Ok((out, digest))
                })
                .collect::<Result<_>>()?;
            done.extend(rendered);
        }
        drop(renderer);
        let gone: Vec<OutPath> = state
            .written
            .keys()
            .filter(|o| !keep.contains(*o))
            .cloned()
            .collect();
        for out in &gone {
            write::remove_file(output, out);
            state.written.remove(out);
        }
        let files = done.len();
        state.written.extend(done);
        self.copy_assets(state, |out, from| {
            let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
            write::replace_file(output, out, &bytes)
        })?;
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

fn count_documents(site: &Site) -> usize {
    site.docs.iter().filter(|d| !d.is_index).count()
}

fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// Builds with different base URLs or drafts make different pages; each keeps its own cache.
fn cache_namespace(config: &SiteConfig, opts: &BuildOptions) -> String {
    let mut d = crate::digest::Digest::new();
    d.str(&config.base_url.absolute(&UrlPath::page([])))
        .u64(u64::from(opts.drafts));
    format!("pages-{:016x}", d.finish())
}

fn is_document(path: &SourcePath) -> bool {
    path.file_name().ends_with(".md")
}

fn read_document(path: &Path) -> std::result::Result<String, (crate::diag::Pos, String)> {
    let bytes =
        std::fs::read(path).map_err(|e| (crate::diag::Pos::START, format!("cannot read: {e}")))?;
    source::normalize(&bytes).map_err(|bad| {
        let good = String::from_utf8_lossy(&bytes[..bad]);
        let pos = crate::diag::LineIndex::new(&good).pos(&good, good.len());
        (
            pos,
            format!("not valid UTF-8 (byte {bad}); save the file as UTF-8"),
        )
    })
}
