//! The page types. Each is one unit in its own file: where its pages live, which pages of
//! its type the site has, the view each is rendered from and its template (through
//! [`Renderer::templated`] or [`Renderer::direct`], which also take its digest from that
//! view), and whether the sitemap lists it. The addresses documents may not take, and the
//! `site.*_href` values every template sees, are read from these units.
//!
//! Adding a page type: its file here, its template, and its line in `page_types!` below.

use jiff::civil::Date;

use super::{Prepared, Renderer};
use crate::kinds::KindId;
use crate::names::{BaseUrl, UrlPath};

macro_rules! page_types {
    ($($file:ident :: $unit:ident),* $(,)?) => {
        $(mod $file;)*
        /// Every page type, in the order `pages()` lists them (documents' own pages last).
        static TYPES: &[&dyn PageType] = &[$(&$file::$unit),*];
    };
}

page_types!(
    home::Home,
    tags::Tags,
    not_found::NotFound,
    sitemap::Sitemap,
    feed::Feed,
    graph::GraphPage,
    graph_json::GraphJson,
    timeline::Timeline,
    search::Search,
    search_index::SearchIndex,
    search_words::SearchWords,
    search_records::SearchRecords,
    kind::KindIndex,
    folder::Folder,
    tag::Tag,
    redirect::Redirect,
    asset::Asset,
    status::Status,
    status_json::StatusJson,
    packet::Packet,
    doc::Document,
);

mod paging;
pub(super) use paging::Lists;
pub use paging::is_page_address;

pub(super) use asset::asset_hrefs;
pub(super) use folder::folder_url;
pub(super) use kind::kind_url;
pub(super) use packet::{Member, PacketBodies};
pub(super) use search_index::files as search_pages;
pub(super) use status::header_status;
pub(super) use tag::tag_url;

/// One kind of output file.
trait PageType: Sync {
    /// Its name, for tests and `Page`'s debug output.
    fn name(&self) -> &'static str;

    fn route(&self) -> Route;

    /// The site's pages of this type: one, by default.
    fn keys(&self, _r: &Renderer<'_>) -> Vec<Key> {
        vec![Key::One]
    }

    /// Where a page is; for a type with one fixed address, that address.
    fn url(&self, _r: &Renderer<'_>, _key: &Key) -> UrlPath {
        self.route()
            .fixed()
            .expect("a page type without a fixed address says where its pages are")
    }

    /// Whether the sitemap lists the page, and with which date of last change.
    fn sitemap(&self, _r: &Renderer<'_>, _key: &Key) -> Option<Option<Date>> {
        None
    }

    /// The name under which every template finds its address (`site.feed_href`), for a
    /// type with one fixed address that pages link to.
    fn href(&self) -> Option<&'static str> {
        None
    }

    /// The page's view and digest.
    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r>;
}

/// Where a type's pages live.
#[derive(Debug, Clone, Copy)]
enum Route {
    /// One page at this address (`/graph/`, `/atom.xml`), whatever the documents say.
    At(&'static str),
    /// Pages below this folder (`/static/`), named by the theme.
    Under(&'static str),
    /// Where documents, kinds, folders, tags or aliases put them.
    Content,
}

impl Route {
    fn fixed(self) -> Option<UrlPath> {
        match self {
            // `file` keeps a trailing `/`: `/graph/` is the page `graph/index.html`.
            Route::At(at) => Some(UrlPath::file(at)),
            Route::Under(_) | Route::Content => None,
        }
    }
}

/// Which page of its type: a document, a kind, a list position, a name (folder, tag, static
/// file), or page `n` (≥ 2) of a list split into pages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    One,
    Doc(usize),
    Kind(KindId),
    Index(usize),
    Name(String),
    Part(Box<Key>, usize),
}

/// One output file: a page type and which of its pages.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Page {
    ty: usize,
    key: Key,
}

impl Page {
    /// The page of document `i` (an index into `site.docs`).
    pub fn document(i: usize) -> Page {
        Page {
            ty: type_index(doc::Document.name()),
            key: Key::Doc(i),
        }
    }

    /// The name of its type: `doc`, `packet`, `tag`, `graph`…
    pub fn kind(&self) -> &'static str {
        TYPES[self.ty].name()
    }

    pub fn key(&self) -> &Key {
        &self.key
    }
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({:?})", self.kind(), self.key)
    }
}

fn type_index(name: &str) -> usize {
    TYPES
        .iter()
        .position(|t| t.name() == name)
        .expect("a registered page type")
}

/// The addresses the site writes itself, which no document or alias may take: every fixed
/// address and folder of a page type. The home page is not among them: the site's own
/// `content/_index.md` introduces it at `/`.
pub fn reserved() -> Vec<&'static str> {
    TYPES
        .iter()
        .filter_map(|t| match t.route() {
            Route::At("/") => None,
            Route::At(at) | Route::Under(at) => Some(at),
            Route::Content => None,
        })
        .collect()
}

/// The folders whose every file the site names itself (`/static/`): nothing from the
/// documents folder may be copied there.
pub fn reserved_folders() -> Vec<&'static str> {
    TYPES
        .iter()
        .filter_map(|t| match t.route() {
            Route::Under(at) => Some(at),
            _ => None,
        })
        .collect()
}

/// `site.*_href`: the pages every page links to, by name.
pub(super) fn hrefs(base: &BaseUrl) -> std::collections::BTreeMap<&'static str, String> {
    TYPES
        .iter()
        .filter_map(|t| Some((t.href()?, base.href(&t.route().fixed()?))))
        .collect()
}

fn pages_of(r: &Renderer<'_>, ty: usize) -> impl Iterator<Item = Page> {
    TYPES[ty]
        .keys(r)
        .into_iter()
        .map(move |key| Page { ty, key })
}

pub(super) fn documents<'r>(r: &'r Renderer<'_>) -> impl Iterator<Item = Page> + 'r {
    pages_of(r, type_index(doc::Document.name()))
}

pub(super) fn others(r: &Renderer<'_>) -> Vec<Page> {
    let docs = type_index(doc::Document.name());
    (0..TYPES.len())
        .filter(|&ty| ty != docs)
        .flat_map(|ty| pages_of(r, ty))
        .collect()
}

pub(super) fn url(r: &Renderer<'_>, page: &Page) -> UrlPath {
    TYPES[page.ty].url(r, &page.key)
}

pub(super) fn prepare<'r>(r: &'r Renderer<'r>, page: &Page) -> Prepared<'r> {
    TYPES[page.ty].prepare(r, &page.key)
}

/// The pages the sitemap lists, with the date each last changed, sorted.
fn sitemap_urls(r: &Renderer<'_>) -> Vec<(UrlPath, Option<Date>)> {
    let mut urls: Vec<(UrlPath, Option<Date>)> = r
        .pages()
        .into_iter()
        .filter_map(|p| {
            let t = TYPES[p.ty];
            Some((t.url(r, &p.key), t.sitemap(r, &p.key)?))
        })
        .collect();
    urls.sort();
    urls
}

/// An empty view, for pages that show only what every page shows.
#[derive(serde::Serialize)]
struct Nothing {}

#[cfg(test)]
pub(super) mod tests;

/// The page numbers a pager links, a gap as `None`.
#[cfg(test)]
pub(super) fn pager_for_tests(
    r: &Renderer<'_>,
    first: &UrlPath,
    n: usize,
    count: usize,
    total: usize,
) -> Vec<Option<usize>> {
    paging::pager(r, first, n, count, total)
        .map(|p| p.links.iter().map(|l| l.number).collect())
        .unwrap_or_default()
}
