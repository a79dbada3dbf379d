//! A build that remembers what it did: the configuration, the parsed documents, the linked
//! site, the status report and the digest of every page in its output.
//!
//! `cairn build` uses it once: a full build into a staging folder swapped in atomically,
//! reusing pages from the build cache when their digest is known. `cairn serve` keeps it:
//! after an edit it re-reads and re-parses only the changed files, links the site again
//! (cheap next to rendering), and renders and replaces only the pages whose digest changed:
//! the edited documents' own pages before anything that walks every document, so the page a
//! reader waits for is out first; the rest may be cut short by newer edits and finished by the
//! next rebuild ([`Steps`]). Status checks run on full builds and on request, not on every
//! edit.
//! Nothing here prints.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::cache::PageCache;
use crate::check::{self, RunEnv};
use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::diag::has_errors;
use crate::error::Result;
use crate::highlight::Highlighter;
use crate::names::{OutPath, SourcePath, UrlPath};
use crate::pipeline::{self, Analysis, BuildOptions, BuildReport};
use crate::render::{Links, Page, RenderEnv, Renderer, SearchMemo, Templates};
use crate::source::ContentDir;
use crate::theme::Theme;
use crate::write::{self, Staging};

pub struct Session {
    opts: BuildOptions,
    state: Option<State>,
}

struct State {
    /// The site as the pipeline left it, brought up to date by each rebuild.
    analysis: Analysis,
    templates: Templates,
    hl: Highlighter,
    status: Option<check::Report>,
    /// What the output folder holds now: each file with its page's digest (`None`: a page
    /// that is rewritten every time).
    written: HashMap<OutPath, Option<u64>>,
    /// The last rebuild stopped early: some pages may be out of date, some gone pages still
    /// there.
    unfinished: bool,
    /// The documents' links the last renderer made, for the next one (`None`: make them).
    links: Option<Links>,
    /// Documents read again by rebuilds cut short, which reported nothing: the next rebuild
    /// that finishes reports their warnings with its own.
    unreported: Vec<SourcePath>,
}

/// What a rebuild does on the way, for the development server: a reader waits for the page
/// they edited, so its own page is written first, then `fresh` is told; the other documents'
/// pages and the site-wide pages follow. Asked between pages, `interrupted` saying `true` (more
/// edits came in) stops the rebuild there, leaving [`Session::unfinished`]: the next rebuild
/// walks every page again, so nothing is lost.
#[derive(Default)]
pub struct Steps<'a> {
    pub fresh: Option<&'a (dyn Fn() + Sync)>,
    pub interrupted: Option<&'a (dyn Fn() -> bool + Sync)>,
}

/// How much a change to the sources touches.
enum Change {
    /// Only documents or assets under `content/`.
    Content(Vec<PathBuf>),
    /// `site.yaml`, a template or a static file, or something not understood: start over.
    Everything,
    /// Documents changed and the repository's HEAD moved: every document again with the new
    /// history (the checks' configuration did not change, so they do not run again).
    History,
}

impl Session {
    /// A session building as `opts` say, with the build cache in `opts.cache`, if any.
    pub fn new(opts: BuildOptions) -> Self {
        Session { opts, state: None }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// A full build: everything read, checked and rendered, written into a staging folder and
    /// swapped in only if nothing failed.
    pub fn build(&mut self) -> Result<BuildReport> {
        let output = self.opts.output_dir();
        write::guard_output(&self.opts.root, &output, &ContentDir::default())?;
        let previous_status = self.state.take().and_then(|s| s.status);
        let mut state = self.analyse()?;
        // Again with the folder `site.yaml` names, now that it is read (nothing is written yet).
        write::guard_output(&self.opts.root, &output, &state.analysis.config.content)?;
        let diagnostics = self.diagnostics(&state);
        let documents = state.analysis.documents();
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
        self.rebuild_with(changed, &Steps::default())
    }

    /// [`Session::rebuild`], telling `steps` when the edited documents' pages are written and
    /// stopping early when `steps` says so (see [`Steps`]).
    pub fn rebuild_with(&mut self, changed: &[PathBuf], steps: &Steps<'_>) -> Result<BuildReport> {
        let output = self.opts.output_dir();
        let Some(mut state) = self.state.take() else {
            return self.build();
        };
        let change = self.classify(&state, changed);
        let rerun_checks = matches!(change, Change::Everything);
        let mut reread = None;
        match change {
            Change::Everything | Change::History => {
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
                state.status = status;
                if rerun_checks {
                    // A new configuration may change the checks themselves: run them again.
                    let diagnostics = self.diagnostics(&state);
                    self.run_checks(&mut state, &diagnostics, jiff::Timestamp::now());
                }
            }
            Change::Content(paths) => {
                let (root, _) = self.watched_dirs(&state);
                let r = state.analysis.reread(&root, &paths, self.opts.drafts);
                let links = state.links.take();
                let site = &state.analysis.site;
                state.links = links.filter(|_| !r.relinked).and_then(|l| {
                    let edited: Vec<usize> = (0..site.docs.len())
                        .filter(|&i| r.docs.contains(&site.docs[i].source))
                        .collect();
                    l.refresh(site, &state.analysis.config, &edited)
                });
                reread = Some(r);
            }
        }
        if self.opts.strict {
            // A drift warning is an error then, and stops the pages.
            state.analysis.refresh_drift();
        }
        let edited = reread.as_ref().map_or(&[][..], |r| r.docs.as_slice());
        let diagnostics = |state: &mut State| {
            state.analysis.refresh_drift();
            let mut read = std::mem::take(&mut state.unreported);
            match &reread {
                Some(r) => {
                    read.extend(r.docs.iter().cloned());
                    state.analysis.rebuild_diagnostics(&read, self.opts.strict)
                }
                None => self.diagnostics(state),
            }
        };
        let documents = state.analysis.documents();
        // `any_errors` sees every problem the report would list (and is quicker than listing
        // them): the report is made once the edited pages are out.
        if state.analysis.any_errors(self.opts.strict) {
            let diagnostics = diagnostics(&mut state);
            self.state = Some(state);
            return Ok(BuildReport::unwritten(diagnostics, documents));
        }
        let assets = reread.as_ref().map(|r| r.assets.as_slice());
        let result = self.write_live(&mut state, &output, assets, edited, steps);
        let diagnostics = if state.unfinished && result.is_ok() {
            // Cut short for newer edits: nothing is in error (`any_errors` said so), and the
            // rebuild that finishes reports these files' warnings (listing them all, drift
            // too, is a walk over every document the newer edit should not wait for).
            state.unreported.extend(edited.iter().cloned());
            Vec::new()
        } else {
            diagnostics(&mut state)
        };
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

    /// Whether the last rebuild stopped before every page was up to date (see [`Steps`]); the
    /// next rebuild, even of nothing, finishes the work.
    pub fn unfinished(&self) -> bool {
        self.state.as_ref().is_some_and(|s| s.unfinished)
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
        let a = &state.analysis;
        if !self.opts.checks || a.checks.checks.is_empty() {
            return;
        }
        let mut env = RunEnv::new(&self.opts.root, now, self.opts.today, &a.checks);
        env.progress = self.opts.progress.clone();
        state.status = Some(check::run(&a.checks, &env, &a.site, &a.config, diagnostics));
    }

    /// The documents folder of the last build (`content/` before any build read `site.yaml`),
    /// for the watcher.
    pub fn content(&self) -> ContentDir {
        self.state
            .as_ref()
            .map(|s| s.analysis.config.content.clone())
            .unwrap_or_default()
    }

    /// The site root as the watcher reports paths (canonical), and its documents folder.
    fn watched_dirs(&self, state: &State) -> (PathBuf, PathBuf) {
        let root = self
            .opts
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.opts.root.clone());
        let content = state.analysis.config.content.path(&root);
        (root, content)
    }

    fn classify(&self, state: &State, changed: &[PathBuf]) -> Change {
        let (root, content) = self.watched_dirs(state);
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
        if state.analysis.head_moved(&self.opts.root) {
            return Change::History;
        }
        Change::Content(paths)
    }

    /// Config, theme and every document, from scratch.
    fn analyse(&self) -> Result<State> {
        let configured = pipeline::configure(&self.opts)?;
        // The theme before the documents: a theme that does not compile is the one problem
        // worth reporting then.
        let theme = Theme::load(&self.opts.root, &configured.config.theme)?;
        let hl = Highlighter::new();
        let templates = Templates::new(&theme, &hl)?;
        Ok(State {
            analysis: configured.analyse(&self.opts)?,
            templates,
            hl,
            status: None,
            written: HashMap::new(),
            unfinished: false,
            links: None,
            unreported: Vec::new(),
        })
    }

    fn diagnostics(&self, state: &State) -> Vec<Diagnostic> {
        state.analysis.diagnostics(self.opts.strict)
    }

    /// A renderer of the site as it is now, with the documents' links `links` if they were
    /// kept.
    fn renderer<'s>(&self, state: &'s State, links: Option<Links>) -> Result<Renderer<'s>> {
        let (site, config) = (&state.analysis.site, &state.analysis.config);
        let links = links.unwrap_or_else(|| Links::new(site, config));
        Renderer::with_links(
            site,
            config,
            &state.templates,
            &state.hl,
            RenderEnv {
                today: self.opts.today,
                status: state.status.as_ref(),
                history: state.analysis.history.as_ref(),
            },
            links,
        )
    }

    /// Writes the whole site into a staging folder, taking unchanged pages from the cache.
    /// Returns the files written and how many pages were rendered.
    fn write_staged(&self, state: &mut State, output: &Path) -> Result<(usize, usize)> {
        let renderer = self.renderer(state, None)?;
        let docs: Vec<Page> = renderer.doc_pages().collect();
        let cache =
            self.opts.cache.as_ref().map(|dir| {
                PageCache::open(dir, &cache_namespace(&state.analysis.config, &self.opts))
            });
        // An index made from the same inputs as an earlier build's has its pages' keys and
        // digests: listing them then builds nothing.
        let memo_key = renderer.search_memo_key();
        let remembered = cache
            .as_ref()
            .and_then(|c| c.read(memo_key, SearchMemo::limit()))
            .and_then(|bytes| SearchMemo::from_bytes(&bytes));
        let known = remembered.is_some();
        if let Some(memo) = remembered {
            renderer.remember_search(memo);
        }
        let staging = Staging::begin(output)?;
        staging.make_folders(docs.iter().map(|p| renderer.out_path(p)))?;
        let counter = self
            .opts
            .progress
            .start(crate::progress::Stage::Pages, docs.len());
        let one = |p: &Page| -> Result<(OutPath, Option<u64>, bool)> {
            let page = renderer.prepare(p);
            let (digest, out) = (page.digest(), page.out_path());
            if let (Some(c), Some(d)) = (&cache, digest) {
                if let Some(file) = c.get(d) {
                    if staging.copy(&out, &file).is_ok() {
                        counter.tick();
                        return Ok((out, digest, false));
                    }
                }
            }
            let (out, bytes) = page.render()?;
            staging.write(&out, &bytes)?;
            if let (Some(c), Some(d)) = (&cache, digest) {
                c.put(d, &bytes);
            }
            counter.tick();
            Ok((out, digest, true))
        };
        // Listing the site-wide pages builds the search index's parts, a long step of its
        // own: the documents' pages render meanwhile instead of waiting for the list.
        let (others, from_docs) = rayon::join(
            || -> Result<Vec<Page>> {
                let others = renderer.other_pages();
                staging.make_folders(others.iter().map(|p| renderer.out_path(p)))?;
                counter.grow(others.len());
                Ok(others)
            },
            || docs.par_iter().map(one).collect::<Result<Vec<_>>>(),
        );
        let mut written: Vec<(OutPath, Option<u64>, bool)> =
            others?.par_iter().map(one).collect::<Result<_>>()?;
        written.extend(from_docs?);
        drop(counter);
        if let (Some(c), false) = (&cache, known) {
            let digests: HashMap<&OutPath, u64> = written
                .iter()
                .filter_map(|(out, d, _)| Some((out, (*d)?)))
                .collect();
            if let Some(memo) = renderer.search_memo(|out| digests.get(out).copied()) {
                c.put(memo_key, &memo.to_bytes());
            }
        }
        let links = renderer.into_links();
        state.links = Some(links);
        self.copy_assets(state, |out, from| staging.copy(out, from))?;
        staging.commit()?;
        if let Some(c) = &cache {
            let mut keep: HashSet<u64> = written.iter().filter_map(|(_, d, _)| *d).collect();
            keep.insert(memo_key);
            c.prune(&keep);
        }
        let files = written.len() + state.analysis.assets.len();
        let rendered = written.iter().filter(|(.., r)| *r).count();
        state.written = written.into_iter().map(|(o, d, _)| (o, d)).collect();
        Ok((files, rendered))
    }

    /// Rewrites, in place, the pages whose digest changed, the edited documents' first;
    /// removes pages that are gone. Returns how many files were written.
    fn write_live(
        &self,
        state: &mut State,
        output: &Path,
        assets: Option<&[SourcePath]>,
        edited: &[SourcePath],
        steps: &Steps<'_>,
    ) -> Result<usize> {
        let links = state.links.take();
        let renderer = self.renderer(state, links)?;
        let site = &state.analysis.site;
        let own: Vec<Page> = edited
            .iter()
            .filter_map(|p| site.docs.iter().position(|d| d.source == *p && !d.is_index))
            .map(Page::document)
            .collect();
        let mut pass = Pass {
            renderer: &renderer,
            output,
            written: &state.written,
            keep: HashSet::with_capacity(state.written.len()),
            done: HashMap::new(),
            stopped: AtomicBool::new(false),
            interrupted: steps.interrupted,
        };
        // Nothing that walks every document comes before the edited pages: listing the
        // site-wide pages builds the search index, a long step of its own.
        pass.run(own, false)?;
        let content = state.analysis.config.content.path(&self.opts.root);
        for a in assets.unwrap_or(&state.analysis.assets) {
            let out = UrlPath::file(a.as_str()).out_path();
            write::replace_file_from(output, &out, &content.join(a.as_str()))?;
        }
        if let Some(fresh) = steps.fresh {
            fresh();
        }
        let complete = pass.run(renderer.doc_pages().collect(), true)?
            && pass.run(renderer.other_pages(), true)?;
        let Pass { keep, done, .. } = pass;
        let links = renderer.into_links();
        state.links = Some(links);
        if complete {
            state.written.retain(|out, _| {
                let stays = keep.contains(out);
                if !stays {
                    write::remove_file(output, out);
                }
                stays
            });
        }
        state.unfinished = !complete;
        let files = done.len();
        state.written.extend(done);
        Ok(files)
    }

    fn copy_assets(
        &self,
        state: &State,
        copy: impl Fn(&OutPath, &Path) -> Result<()> + Sync,
    ) -> Result<()> {
        let content = state.analysis.config.content.path(&self.opts.root);
        state.analysis.assets.par_iter().try_for_each(|a| {
            copy(
                &UrlPath::file(a.as_str()).out_path(),
                &content.join(a.as_str()),
            )
        })
    }
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

/// One walk over pages in [`Session::write_live`]: which files stay, which were rewritten.
struct Pass<'p, 'r> {
    renderer: &'p Renderer<'r>,
    output: &'p Path,
    /// What the output held before this rebuild.
    written: &'p HashMap<OutPath, Option<u64>>,
    keep: HashSet<OutPath>,
    /// Files rewritten by this rebuild, with their new digests.
    done: HashMap<OutPath, Option<u64>>,
    stopped: AtomicBool,
    interrupted: Option<&'p (dyn Fn() -> bool + Sync)>,
}

impl Pass<'_, '_> {
    /// Renders and writes the pages of `batch` whose digest moved; with `may_stop`, stops
    /// when told to. Returns whether every page of the batch was seen.
    fn run(&mut self, batch: Vec<Page>, may_stop: bool) -> Result<bool> {
        let stop = || {
            may_stop
                && (self.stopped.load(Ordering::Relaxed)
                    || self.interrupted.is_some_and(|f| {
                        let s = f();
                        if s {
                            self.stopped.store(true, Ordering::Relaxed);
                        }
                        s
                    }))
        };
        let r = self.renderer;
        let rendered: Vec<Option<(OutPath, Option<u64>, bool)>> = batch
            .into_par_iter()
            .map(|p| {
                if stop() {
                    return Ok(None);
                }
                let page = r.prepare(&p);
                let (digest, out) = (page.digest(), page.out_path());
                let now = self.done.get(&out).or_else(|| self.written.get(&out));
                if digest.is_some() && now == Some(&digest) {
                    return Ok(Some((out, digest, false)));
                }
                let (out, bytes) = page.render()?;
                write::replace_file(self.output, &out, &bytes)?;
                Ok(Some((out, digest, true)))
            })
            .collect::<Result<_>>()?;
        let mut complete = true;
        for one in rendered {
            let Some((out, digest, fresh)) = one else {
                complete = false;
                continue;
            };
            if fresh {
                self.done.insert(out.clone(), digest);
            }
            self.keep.insert(out);
        }
        Ok(complete && !self.stopped.load(Ordering::Relaxed))
    }
}
