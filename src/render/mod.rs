//! The render stage: turns the linked [`Site`] into output files, one [`Page`] at a time.
//!
//! Every page type is one unit in `pages/` (its addresses, the view it renders from, its
//! template, its place in the sitemap) registered by one line there. `pages()` lists what the
//! site contains; `prepare()` builds one page's view and its digest, which is that view
//! hashed (see [`digest`]), and [`Prepared::render`] makes its bytes from the same view. Pages
//! are independent, so the caller prepares and renders them in parallel. Only this module
//! knows tera. It does no I/O.

mod digest;
mod history;
mod lazy;
mod nav;
mod pages;
mod remember;
mod templates;
mod views;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use tera::{Context, Tera};

use crate::config::SiteConfig;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::highlight::Highlighter;
use crate::link::Site;
use crate::names::{OutPath, UrlPath};

use lazy::Html;
pub use pages::{Key, Page, is_page_address, reserved, reserved_folders};
pub use remember::SearchMemo;
pub use templates::Templates;
use views::LinkView;

/// What a build needs that is not in the documents: the clock, for "due for review", and the
/// status checks' report, when they ran.
#[derive(Debug, Clone, Copy)]
pub struct RenderEnv<'a> {
    pub today: Date,
    pub status: Option<&'a crate::check::Report>,
    /// Documents' history from git, when the site is in a work tree.
    pub history: Option<&'a crate::history::History>,
}

pub struct Renderer<'a> {
    tera: &'a Tera,
    /// `site` and `status`, which every template sees.
    globals: Context,
    /// The digest of `globals`, the templates, the highlighter and the configuration: what
    /// every page depends on besides its own view.
    global: u64,
    site: &'a Site,
    config: &'a SiteConfig,
    hl: &'a Highlighter,
    env: RenderEnv<'a>,
    views: Vec<LinkView>,
    statics: &'a BTreeMap<String, Vec<u8>>,
    /// Tag → its documents; built on first use.
    tags: std::sync::OnceLock<BTreeMap<String, Vec<usize>>>,
    /// Kinds' and folders' lists in order, and folders' introductions; built on first use.
    lists: std::sync::OnceLock<pages::Lists>,
    /// Built on first use: a rebuild that renders one page seldom needs the whole graph.
    graph: std::sync::OnceLock<crate::graph::Graph>,
    /// Kinds in the graph's column order; made on first use.
    columns: std::sync::OnceLock<Vec<crate::kinds::KindId>>,
    /// The documents the search index numbers, in title order; made on first use.
    search_order: std::sync::OnceLock<Vec<usize>>,
    /// The search index in parts; built on first use.
    search: std::sync::OnceLock<crate::search::Split>,
    /// The index pages' keys and digests, when an earlier build of the same index inputs
    /// left them (see [`remember`]): then the index is built only to make a page's bytes.
    search_memo: std::sync::OnceLock<SearchMemo>,
    /// Folder → documents, for breadcrumbs, sidebars and previous/next; built on first use.
    folders: std::sync::OnceLock<nav::Folders>,
    /// Built when the first packet is rendered.
    packet_bodies: std::sync::OnceLock<pages::PacketBodies>,
    /// What each document shows in the packets that hold it, made once.
    members: Vec<std::sync::OnceLock<pages::Member>>,
    /// What each document's body is made from, once for its page and every packet.
    sources: Vec<std::sync::OnceLock<lazy::Source>>,
}

#[derive(Debug, Clone, Serialize)]
struct NavItem {
    label: String,
    href: String,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base: &'a str,
    nav: Vec<NavItem>,
    /// The addresses of the pages every page links to (`feed_href`, `search_href`…), named
    /// by their page types.
    #[serde(flatten)]
    hrefs: BTreeMap<&'static str, String>,
    assets: BTreeMap<String, String>,
    version: &'static str,
}

/// The common `page` values every template sees.
#[derive(Serialize)]
struct PageView {
    title: String,
    href: String,
    canonical: String,
}

/// What every page that links a document shows of it (title, address, kind, status…), one
/// per document, with its digest: made once for a site, and kept by a session between
/// rebuilds that change only some documents' own fields.
pub struct Links(Vec<LinkView>);

impl Links {
    pub fn new(site: &Site, config: &SiteConfig) -> Links {
        Links(views::link_views(site, config))
    }

    /// Makes documents `docs`' entries again after an edit that changed only them; `None`
    /// when the site no longer has the documents these were made for.
    pub fn refresh(mut self, site: &Site, config: &SiteConfig, docs: &[usize]) -> Option<Links> {
        if self.0.len() != site.docs.len() {
            return None;
        }
        for &i in docs {
            self.0[i] = views::link_view(site, config, i);
        }
        Some(self)
    }
}

impl<'a> Renderer<'a> {
    pub fn new(
        site: &'a Site,
        config: &'a SiteConfig,
        templates: &'a Templates,
        hl: &'a Highlighter,
        env: RenderEnv<'a>,
    ) -> Result<Self> {
        let links = Links::new(site, config);
        Self::with_links(site, config, templates, hl, env, links)
    }

    /// [`Renderer::new`] with the documents' links already made for this site and
    /// configuration.
    pub fn with_links(
        site: &'a Site,
        config: &'a SiteConfig,
        templates: &'a Templates,
        hl: &'a Highlighter,
        env: RenderEnv<'a>,
        links: Links,
    ) -> Result<Self> {
        let base = &config.base_url;
        let nav = config
            .kinds
            .iter()
            .filter(|(id, k)| !k.is_page() && site.of_kind(*id).next().is_some())
            .map(|(id, k)| NavItem {
                label: k.plural.clone(),
                href: base.href(&pages::kind_url(config, id)),
            })
            .collect();
        let site_view = SiteView {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            base: base.prefix(),
            nav,
            hrefs: pages::hrefs(base),
            assets: pages::asset_hrefs(base, &templates.statics),
            version: env!("CARGO_PKG_VERSION"),
        };
        let mut globals = Context::new();
        globals.insert("site", &site_view);
        let mut global = Digest::new();
        global.u64(templates.digest).u64(config.digest);
        let status = env.status.map(pages::header_status);
        if let Some(s) = &status {
            globals.insert("status", s);
        }
        digest::feed(&mut global, &(&site_view, &status))
            .expect("the site's common values are plain data");
        Ok(Renderer {
            tera: &templates.tera,
            globals,
            global: global.finish(),
            site,
            config,
            hl,
            env,
            views: links.0,
            statics: &templates.statics,
            tags: std::sync::OnceLock::new(),
            lists: std::sync::OnceLock::new(),
            graph: std::sync::OnceLock::new(),
            columns: std::sync::OnceLock::new(),
            search_order: std::sync::OnceLock::new(),
            search: std::sync::OnceLock::new(),
            search_memo: std::sync::OnceLock::new(),
            folders: std::sync::OnceLock::new(),
            packet_bodies: std::sync::OnceLock::new(),
            members: (0..site.docs.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            sources: (0..site.docs.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        })
    }

    /// Gives back the documents' links, to make the next renderer of the same site with.
    pub fn into_links(self) -> Links {
        Links(self.views)
    }

    fn source(&self, i: usize) -> &lazy::Source {
        self.sources[i].get_or_init(|| lazy::Source::new(self, i))
    }

    fn tags(&self) -> &BTreeMap<String, Vec<usize>> {
        self.tags.get_or_init(|| views::tag_index(self.site))
    }

    /// The address of tag `t`'s page (made per tag, not from the tag index: a document's page
    /// needs no walk over every document for it).
    fn tag_href(&self, t: &str) -> String {
        self.config.base_url.href(&pages::tag_url(t))
    }

    fn lists(&self) -> &pages::Lists {
        self.lists.get_or_init(|| pages::Lists::new(self))
    }

    fn graph(&self) -> &crate::graph::Graph {
        self.graph
            .get_or_init(|| crate::graph::Graph::new(self.site, self.config))
    }

    fn columns(&self) -> &[crate::kinds::KindId] {
        self.columns
            .get_or_init(|| crate::graph::column_order(&self.config.kinds))
    }

    fn search_order(&self) -> &[usize] {
        self.search_order
            .get_or_init(|| crate::search::order(self.site))
    }

    fn search(&self) -> &crate::search::Split {
        self.search
            .get_or_init(|| crate::search::Split::new(self.site, self.search_order()))
    }

    /// Where the memo of this build's search index pages is filed: a digest of everything
    /// they are made from.
    pub fn search_memo_key(&self) -> u64 {
        remember::key(self.global, crate::search::split::inputs(self.site))
    }

    /// Takes the index pages' keys and digests from `memo`, read from where
    /// [`Renderer::search_memo_key`] says, before any page is listed. Ignored once listed.
    pub fn remember_search(&self, memo: SearchMemo) {
        let _ = self.search_memo.set(memo);
    }

    fn remembered_search(&self) -> Option<&SearchMemo> {
        self.search_memo.get()
    }

    /// The memo of this build's index pages, from the digests its pages were written with;
    /// `None` if a page has none.
    pub fn search_memo(&self, digest_of: impl Fn(&OutPath) -> Option<u64>) -> Option<SearchMemo> {
        let (manifest, parts) = pages::search_pages(self);
        SearchMemo::of(&manifest, parts.into_iter(), digest_of)
    }

    fn folders(&self) -> &nav::Folders {
        self.folders.get_or_init(|| nav::Folders::new(self))
    }

    /// Every file of the site, in a fixed order: [`Renderer::other_pages`], then
    /// [`Renderer::doc_pages`].
    pub fn pages(&self) -> Vec<Page> {
        let mut pages = self.other_pages();
        pages.extend(self.doc_pages());
        pages
    }

    /// One page per document.
    pub fn doc_pages(&self) -> impl Iterator<Item = Page> + '_ {
        pages::documents(self)
    }

    /// Everything but the documents' own pages: lists, indexes, feeds, packets, assets.
    pub fn other_pages(&self) -> Vec<Page> {
        pages::others(self)
    }

    /// The file a page is written to.
    pub fn out_path(&self, page: &Page) -> OutPath {
        pages::url(self, page).out_path()
    }

    /// A page's view and digest, ready to render.
    pub fn prepare(&self, page: &Page) -> Prepared<'_> {
        pages::prepare(self, page)
    }

    /// The page's digest (see [`digest`]); `None` for pages that differ on every run (the
    /// status page and its JSON carry the time the checks ran).
    pub fn digest(&self, page: &Page) -> Option<u64> {
        self.prepare(page).digest()
    }

    pub fn render(&self, page: &Page) -> Result<(OutPath, Vec<u8>)> {
        self.prepare(page).render()
    }

    /// A page made from the theme's `template`, which sees `view`'s fields, the common `page`
    /// values and the globals: the digest covers all of them.
    fn templated<V: Serialize + 'a>(
        &'a self,
        template: &'static str,
        title: &str,
        url: UrlPath,
        view: V,
    ) -> Prepared<'a> {
        self.templated_then(template, title, url, view, |_, html| html)
    }

    /// [`Renderer::templated`], then `finish` on the bytes; it sees only the view.
    fn templated_then<V: Serialize + 'a>(
        &'a self,
        template: &'static str,
        title: &str,
        url: UrlPath,
        view: V,
        finish: fn(&V, Vec<u8>) -> Vec<u8>,
    ) -> Prepared<'a> {
        let base = &self.config.base_url;
        let shown = Shown {
            page: PageView {
                title: title.to_string(),
                href: base.href(&url),
                canonical: base.absolute(&url),
            },
            view,
        };
        let at = url.clone();
        self.prepared(url, template, shown, move |shown| {
            let failed = |e: tera::Error| Error::Template {
                name: template.to_string(),
                message: format!("{e}\n  while rendering {at}"),
            };
            let mut ctx = Context::from_serialize(&shown).map_err(failed)?;
            ctx.extend(self.globals.clone());
            let html = self.tera.render(template, &ctx).map_err(failed)?;
            Ok(finish(&shown.view, html.into_bytes()))
        })
    }

    /// A file that `write` makes from `view` alone (feeds, JSON, static files).
    fn direct<V: Serialize + 'a>(
        &'a self,
        url: UrlPath,
        view: V,
        write: fn(&V) -> Vec<u8>,
    ) -> Prepared<'a> {
        self.prepared(url, "", view, move |view| Ok(write(&view)))
    }

    /// A page made by `make` from `shown` alone, with `shown` as its digest.
    fn prepared<V: Serialize + 'a>(
        &'a self,
        url: UrlPath,
        template: &'static str,
        shown: V,
        make: impl FnOnce(V) -> Result<Vec<u8>> + 'a,
    ) -> Prepared<'a> {
        let mut d = self.digest_start(&url, template);
        let digest = digest::feed(&mut d, &shown).ok().map(|()| d.finish());
        Prepared {
            url,
            template,
            digest,
            made: Box::new(Made { shown, make }),
        }
    }

    /// A page whose digest an earlier build of the same inputs left: `later` prepares it,
    /// view and all, only if its bytes are to be made.
    fn remembered(
        &'a self,
        url: UrlPath,
        digest: u64,
        later: impl Fn() -> Prepared<'a> + 'a,
    ) -> Prepared<'a> {
        Prepared {
            url,
            template: "",
            digest: Some(digest),
            made: Box::new(Later(later)),
        }
    }

    /// What every page's digest starts with: the globals, its address and its template.
    fn digest_start(&self, url: &UrlPath, template: &str) -> digest::PageDigest {
        let mut d = digest::PageDigest::default();
        d.u64(self.global).str(url.as_str()).str(template);
        d
    }

    /// The title and body of the folder introduction (`_index.md`) of `dir`, if it has one.
    fn intro(&'a self, dir: &str) -> (Option<String>, Html<'a>) {
        let i = self.lists().intros.get(dir).copied();
        (
            i.map(|i| self.site.docs[i].title.clone()),
            Html::maybe(self, i.map(|i| lazy::Body::page(self, i))),
        )
    }
}

/// What a template sees besides the globals: the common `page` values and the view's fields.
struct Shown<V> {
    page: PageView,
    view: V,
}

/// The name of the field that holds a [`Shown`] view in its compact form, whose readable
/// form has the view's fields beside `page`.
pub(super) const FLAT: &str = "cairn::flat";

impl<V: Serialize> Serialize for Shown<V> {
    /// Readable: the view's fields beside `page`, as templates read them. Compact: the two
    /// side by side, since serde's `flatten` reports every serialiser as readable and writes
    /// each field's name.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        if s.is_human_readable() {
            #[derive(Serialize)]
            struct Flat<'a, V> {
                page: &'a PageView,
                #[serde(flatten)]
                view: &'a V,
            }
            return Flat {
                page: &self.page,
                view: &self.view,
            }
            .serialize(s);
        }
        let mut st = s.serialize_struct("Shown", 2)?;
        st.serialize_field("page", &self.page)?;
        st.serialize_field(FLAT, &self.view)?;
        st.end()
    }
}

/// One page with its view built and its digest taken, not yet rendered.
pub struct Prepared<'r> {
    url: UrlPath,
    /// The theme template it is made from, if any (the start of its digest; tests recompute
    /// that).
    #[cfg_attr(not(test), allow(dead_code))]
    template: &'static str,
    digest: Option<u64>,
    made: Box<dyn Make + 'r>,
}

/// A view and what makes the page's bytes from it.
trait Make {
    fn make(self: Box<Self>) -> Result<Vec<u8>>;

    /// The view in its compact form, as the digest saw it.
    #[cfg(test)]
    fn compact(&self, sink: &mut pages::tests::Tokens);

    /// The view as templates (and JSON files) see it.
    #[cfg(test)]
    fn readable(&self) -> serde_json::Value;
}

struct Made<V, F> {
    shown: V,
    make: F,
}

impl<V: Serialize, F: FnOnce(V) -> Result<Vec<u8>>> Make for Made<V, F> {
    fn make(self: Box<Self>) -> Result<Vec<u8>> {
        (self.make)(self.shown)
    }

    #[cfg(test)]
    fn compact(&self, sink: &mut pages::tests::Tokens) {
        digest::feed(sink, &self.shown).unwrap();
    }

    #[cfg(test)]
    fn readable(&self) -> serde_json::Value {
        serde_json::to_value(&self.shown).unwrap()
    }
}

/// A page prepared only when its bytes are made (see [`Renderer::remembered`]).
struct Later<F>(F);

impl<'r, F: Fn() -> Prepared<'r>> Make for Later<F> {
    fn make(self: Box<Self>) -> Result<Vec<u8>> {
        (self.0)().made.make()
    }

    #[cfg(test)]
    fn compact(&self, sink: &mut pages::tests::Tokens) {
        (self.0)().made.compact(sink)
    }

    #[cfg(test)]
    fn readable(&self) -> serde_json::Value {
        (self.0)().made.readable()
    }
}

impl<'r> Prepared<'r> {
    pub fn out_path(&self) -> OutPath {
        self.url.out_path()
    }

    /// What the page's bytes are made from; `None` for a page made anew on every run.
    pub fn digest(&self) -> Option<u64> {
        self.digest
    }

    pub fn render(self) -> Result<(OutPath, Vec<u8>)> {
        let bytes = self.made.make()?;
        Ok((self.url.out_path(), bytes))
    }

    /// A page that differs on every run and so is never taken from the cache.
    fn uncached(self) -> Self {
        Prepared {
            digest: None,
            ..self
        }
    }

    /// A page whose bytes are not made from a view (and so have no digest).
    fn unviewed(url: UrlPath, make: impl FnOnce() -> Result<Vec<u8>> + 'r) -> Self {
        Prepared {
            url,
            template: "",
            digest: None,
            made: Box::new(Made {
                shown: (),
                make: move |()| make(),
            }),
        }
    }

    /// Names `file` in a template error: the document's content is the likeliest cause of a
    /// template failing on one page only.
    fn naming(self, file: &'r str) -> Self {
        Prepared {
            made: Box::new(Named {
                made: self.made,
                file,
            }),
            ..self
        }
    }
}

struct Named<'r> {
    made: Box<dyn Make + 'r>,
    file: &'r str,
}

impl Make for Named<'_> {
    fn make(self: Box<Self>) -> Result<Vec<u8>> {
        let file = self.file;
        self.made.make().map_err(|e| match e {
            Error::Template { name, message } => Error::Template {
                name,
                message: format!("{message} from {file}"),
            },
            e => e,
        })
    }

    #[cfg(test)]
    fn compact(&self, sink: &mut pages::tests::Tokens) {
        self.made.compact(sink)
    }

    #[cfg(test)]
    fn readable(&self) -> serde_json::Value {
        self.made.readable()
    }
}

/// `review_every` → `Review every`.
fn humanize_key(k: &str) -> String {
    let s = k.replace(['_', '-'], " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
