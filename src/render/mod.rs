//! The render stage: turns the linked [`Site`] into output files, one [`Page`] at a time.
//!
//! `pages()` lists what the site contains; `render()` produces one file's bytes. Pages are
//! independent, so the caller renders them in parallel and writes each as it is done. Only
//! this module knows tera. It does no I/O.

mod digest;
mod doc;
mod feeds;
mod graph;
mod packet;
mod status;
mod templates;
mod timeline;
mod views;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;
use tera::{Context, Tera};

use crate::config::SiteConfig;
use crate::error::{Error, Result};
use crate::highlight::Highlighter;
use crate::kinds::KindId;
use crate::link::Site;
use crate::markdown::{self, RenderOptions};
use crate::names::{OutPath, UrlPath, slugify};
use crate::relation::Relation;

pub use templates::Templates;
use views::*;
pub use views::{LinkView, tag_url};

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Page {
    Home,
    Doc(usize),
    Kind(KindId),
    /// A folder of pages, e.g. `runbooks`.
    Folder(String),
    Tags,
    Tag(String),
    NotFound,
    /// An alias: index into `site.aliases`.
    Redirect(usize),
    Sitemap,
    Feed,
    /// A theme or site static file, by path under `static/`.
    Static(String),
    /// The status page and its JSON, when the checks ran.
    Status,
    StatusJson,
    /// `/graph/`: the relation graph drawn at build time.
    Graph,
    /// `graph.json`: the same graph as data.
    GraphJson,
    /// `/timeline/`: documents by date across kinds.
    Timeline,
    /// `/search/`: the full results page the search box falls back to.
    Search,
    /// `search.json`: the index the search box loads.
    SearchIndex,
    /// The print packet of a document (index into `site.docs`), see [`packet`].
    Packet(usize),
}

/// What a build needs that is not in the documents: the clock, for "due for review", and the
/// status checks' report, when they ran.
#[derive(Debug, Clone, Copy)]
pub struct RenderEnv<'a> {
    pub today: Date,
    pub status: Option<&'a crate::check::Report>,
}

pub struct Renderer<'a> {
    tera: &'a Tera,
    /// `site` and `status`, which every template sees.
    globals: Context,
    site: &'a Site,
    config: &'a SiteConfig,
    hl: &'a Highlighter,
    env: RenderEnv<'a>,
    views: Vec<LinkView>,
    statics: &'a BTreeMap<String, Vec<u8>>,
    /// Tag → its documents; built on first use.
    tags: std::sync::OnceLock<BTreeMap<String, Vec<usize>>>,
    /// Built on first use: a rebuild that renders one page seldom needs the whole graph.
    graph: std::sync::OnceLock<crate::graph::Graph>,
    /// What the list pages and feeds show of each document besides its link (see [`digest`]).
    meta_digests: std::sync::OnceLock<Vec<u64>>,
    /// What every page depends on (see [`digest`]).
    global: u64,
    /// [`digest::view_digest`] of every document's link view.
    view_digests: Vec<u64>,
    /// Built when the first packet is rendered.
    packet_bodies: std::sync::OnceLock<packet::PacketBodies>,
}

#[derive(Serialize)]
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
    feed_href: String,
    tags_href: String,
    status_href: String,
    graph_href: String,
    timeline_href: String,
    search_href: String,
    search_index_href: String,
    assets: BTreeMap<String, String>,
    version: &'static str,
}

const SEARCH_INDEX: &str = "search.json";
const GRAPH_JSON: &str = "graph.json";

impl<'a> Renderer<'a> {
    pub fn new(
        site: &'a Site,
        config: &'a SiteConfig,
        templates: &'a Templates,
        hl: &'a Highlighter,
        env: RenderEnv<'a>,
    ) -> Result<Self> {
        let statics = &templates.statics;
        let base = &config.base_url;
        let assets = statics
            .iter()
            .map(|(name, bytes)| {
                (
                    name.replace(['.', '/', '-'], "_"),
                    format!(
                        "{}?v={:08x}",
                        base.href(&UrlPath::file(&format!("static/{name}"))),
                        fnv(bytes)
                    ),
                )
            })
            .collect();
        let nav = config
            .kinds
            .iter()
            .filter(|(id, k)| !k.is_page() && site.of_kind(*id).next().is_some())
            .map(|(_, k)| NavItem {
                label: k.plural.clone(),
                href: base.href(&UrlPath::page([k.folder.as_str()])),
            })
            .collect();
        let site_view = SiteView {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            base: base.prefix(),
            nav,
            feed_href: base.href(&UrlPath::file("atom.xml")),
            tags_href: base.href(&UrlPath::page(["tags"])),
            status_href: base.href(&UrlPath::page(["status"])),
            graph_href: base.href(&UrlPath::page(["graph"])),
            timeline_href: base.href(&UrlPath::page(["timeline"])),
            search_href: base.href(&UrlPath::page(["search"])),
            search_index_href: base.href(&UrlPath::file(SEARCH_INDEX)),
            assets,
            version: env!("CARGO_PKG_VERSION"),
        };
        let mut global = crate::digest::Digest::new();
        global.u64(templates.digest).u64(config.digest);
        for item in &site_view.nav {
            global.str(&item.label).str(&item.href);
        }
        let mut globals = Context::new();
        globals.insert("site", &site_view);
        if let Some(report) = env.status {
            let summary = status::summary(report);
            global.str(summary.level).str(&summary.text);
            globals.insert("status", &summary);
        }
        let views = views::link_views(site, config);
        let view_digests = views.iter().map(digest::view_digest).collect();
        Ok(Renderer {
            tera: &templates.tera,
            globals,
            site,
            config,
            hl,
            env,
            views,
            global: global.finish(),
            view_digests,
            meta_digests: std::sync::OnceLock::new(),
            statics,
            tags: std::sync::OnceLock::new(),
            graph: std::sync::OnceLock::new(),
            packet_bodies: std::sync::OnceLock::new(),
        })
    }

    fn tags(&self) -> &BTreeMap<String, Vec<usize>> {
        self.tags.get_or_init(|| tag_index(self.site))
    }

    fn meta_digests(&self) -> &[u64] {
        self.meta_digests
            .get_or_init(|| self.site.docs.iter().map(digest::meta_digest).collect())
    }

    fn graph(&self) -> &crate::graph::Graph {
        self.graph
            .get_or_init(|| crate::graph::Graph::new(self.site, self.config))
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
        (0..self.site.docs.len())
            .filter(|&i| !self.site.docs[i].is_index)
            .map(Page::Doc)
    }

    /// Everything but the documents' own pages: lists, indexes, feeds, packets, assets.
    pub fn other_pages(&self) -> Vec<Page> {
        let mut pages = vec![
            Page::Home,
            Page::Tags,
            Page::NotFound,
            Page::Sitemap,
            Page::Feed,
            Page::Graph,
            Page::GraphJson,
            Page::Timeline,
            Page::Search,
            Page::SearchIndex,
        ];
        for (id, kind) in self.config.kinds.iter() {
            if !kind.is_page() && self.site.of_kind(id).next().is_some() {
                pages.push(Page::Kind(id));
            }
        }
        pages.extend(self.folders().into_iter().map(Page::Folder));
        pages.extend(self.tags().keys().cloned().map(Page::Tag));
        pages.extend((0..self.site.aliases.len()).map(Page::Redirect));
        pages.extend(self.statics.keys().cloned().map(Page::Static));
        if self.env.status.is_some() {
            pages.extend([Page::Status, Page::StatusJson]);
        }
        pages.extend(
            (0..self.site.docs.len())
                .filter(|&i| self.has_packet(i))
                .map(Page::Packet),
        );
        pages
    }

    /// Folders holding pages (not kind folders), which get an index page listing them.
    fn folders(&self) -> BTreeSet<String> {
        let page = self.config.kinds.page();
        let taken: BTreeSet<&UrlPath> = self
            .site
            .urls
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.site.docs[*i].is_index)
            .map(|(_, u)| u)
            .collect();
        self.site
            .docs
            .iter()
            .filter(|d| d.kind == page && !d.is_index)
            .map(|d| d.source.dir())
            .filter(|dir| {
                !dir.is_empty()
                    && self
                        .config
                        .kinds
                        .by_folder(dir.split('/').next().unwrap_or(""))
                        .is_none()
            })
            .filter(|dir| !taken.contains(&folder_url(dir)))
            .map(String::from)
            .collect()
    }

    /// The file a page is written to.
    pub fn out_path(&self, page: &Page) -> OutPath {
        self.url_of(page).out_path()
    }

    pub fn render(&self, page: &Page) -> Result<(OutPath, Vec<u8>)> {
        let base = &self.config.base_url;
        let url = self.url_of(page);
        let bytes = match page {
            Page::Home => self.home()?,
            Page::Doc(i) => self.doc(*i)?,
            Page::Kind(k) => self.kind(*k)?,
            Page::Folder(dir) => self.folder(dir)?,
            Page::Tags => self.tags_page()?,
            Page::Tag(t) => self.tag_page(t)?,
            Page::NotFound => self.page("404.html", "Page not found", &url, Context::new())?,
            Page::Redirect(a) => {
                let target = self.site.aliases[*a].1;
                let mut ctx = Context::new();
                ctx.insert("target", &base.href(&self.site.urls[target]));
                ctx.insert("target_title", &self.site.docs[target].title);
                self.page("redirect.html", &self.site.docs[target].title, &url, ctx)?
            }
            Page::Sitemap => {
                feeds::sitemap(self.site, self.config, &self.sitemap_urls()).into_bytes()
            }
            Page::Feed => feeds::atom(self.site, self.config, &self.views).into_bytes(),
            Page::Static(name) => self.statics[name].clone(),
            Page::Status => self.status_page()?,
            Page::StatusJson => self.status_json(),
            Page::Graph => self.graph_page()?,
            Page::GraphJson => self.graph().to_json(self.site, self.config).into_bytes(),
            Page::Timeline => self.timeline()?,
            Page::Search => self.page("search.html", "Search", &url, Context::new())?,
            Page::SearchIndex => crate::search::index_json(self.site, self.config),
            Page::Packet(i) => self.packet(*i)?,
        };
        Ok((url.out_path(), bytes))
    }

    /// Pages listed in the sitemap, with the date their document last changed.
    fn sitemap_urls(&self) -> Vec<(UrlPath, Option<Date>)> {
        let mut urls: Vec<(UrlPath, Option<Date>)> = self
            .pages()
            .into_iter()
            .filter_map(|p| match p {
                Page::Home
                | Page::Kind(_)
                | Page::Folder(_)
                | Page::Tags
                | Page::Tag(_)
                | Page::Graph
                | Page::Timeline => Some((self.url_of(&p), None)),
                Page::Doc(i) => Some((self.site.urls[i].clone(), self.site.docs[i].changed())),
                _ => None,
            })
            .collect();
        urls.sort();
        urls
    }

    fn url_of(&self, p: &Page) -> UrlPath {
        match p {
            Page::Home => UrlPath::page([]),
            Page::Doc(i) => self.site.urls[*i].clone(),
            Page::Kind(k) => UrlPath::page([self.config.kinds.get(*k).folder.as_str()]),
            Page::Folder(dir) => folder_url(dir),
            Page::Tags => UrlPath::page(["tags"]),
            Page::Tag(t) => tag_url(t),
            Page::NotFound => UrlPath::file("404.html"),
            Page::Redirect(a) => self.site.aliases[*a].0.clone(),
            Page::Sitemap => UrlPath::file("sitemap.xml"),
            Page::Feed => UrlPath::file("atom.xml"),
            Page::Static(name) => UrlPath::file(&format!("static/{name}")),
            Page::Status => UrlPath::page(["status"]),
            Page::StatusJson => UrlPath::file(status::JSON_PATH),
            Page::Graph => UrlPath::page(["graph"]),
            Page::GraphJson => UrlPath::file(GRAPH_JSON),
            Page::Timeline => UrlPath::page(["timeline"]),
            Page::Search => UrlPath::page(["search"]),
            Page::SearchIndex => UrlPath::file(SEARCH_INDEX),
            Page::Packet(i) => crate::link::packet_url(&self.site.urls[*i]),
        }
    }

    /// Renders `template` with the common `page` values and the given context.
    fn page(
        &self,
        template: &str,
        title: &str,
        url: &UrlPath,
        mut ctx: Context,
    ) -> Result<Vec<u8>> {
        let base = &self.config.base_url;
        #[derive(Serialize)]
        struct PageView<'t> {
            title: &'t str,
            href: String,
            canonical: String,
        }
        ctx.insert(
            "page",
            &PageView {
                title,
                href: base.href(url),
                canonical: base.absolute(url),
            },
        );
        ctx.extend(self.globals.clone());
        self.tera
            .render(template, &ctx)
            .map(String::into_bytes)
            .map_err(|e| Error::Template {
                name: template.to_string(),
                message: format!("{e}\n  while rendering {url}"),
            })
    }

    fn intro(&self, dir: &str) -> Option<(String, String)> {
        let i = self
            .site
            .docs
            .iter()
            .position(|d| d.is_index && d.source.dir() == dir)?;
        Some((self.site.docs[i].title.clone(), self.body_html(i)))
    }

    /// Document `i`'s body as HTML for its own page.
    fn body_html(&self, i: usize) -> String {
        self.body_html_with(i, RenderOptions::default())
    }

    /// Document `i`'s body as HTML, nested and prefixed for another page (see
    /// [`RenderOptions`]); `raw_html` always comes from the site.
    fn body_html_with(&self, i: usize, opts: RenderOptions) -> String {
        let d = &self.site.docs[i];
        markdown::render(
            d.body(),
            &d.outline,
            &self.site.link_targets(i, &self.config.base_url),
            d.title_heading,
            self.hl,
            RenderOptions {
                raw_html: self.config.raw_html,
                ..opts
            },
        )
    }

    fn kind(&self, k: KindId) -> Result<Vec<u8>> {
        let kind = self.config.kinds.get(k);
        let mut groups = Vec::new();
        let statuses: Vec<Option<&str>> = if kind.statuses.is_empty() {
            vec![None]
        } else {
            kind.statuses.iter().map(|s| Some(s.as_str())).collect()
        };
        for status in statuses {
            let mut items: Vec<usize> = self
                .site
                .of_kind(k)
                .filter(|&i| self.site.docs[i].status.as_deref() == status)
                .collect();
            if items.is_empty() {
                continue;
            }
            by_title(self.site, &mut items);
            groups.push(Group {
                label: status.unwrap_or(&kind.plural).to_string(),
                items: items.into_iter().map(|i| self.views[i].clone()).collect(),
            });
        }
        let (title, intro) = self
            .intro(&kind.folder)
            .unwrap_or_else(|| (kind.plural.clone(), String::new()));
        let mut ctx = Context::new();
        ctx.insert("kind", kind);
        ctx.insert("intro", &intro);
        ctx.insert("groups", &groups);
        self.page(
            "kind.html",
            &title,
            &UrlPath::page([kind.folder.as_str()]),
            ctx,
        )
    }

    fn folder(&self, dir: &str) -> Result<Vec<u8>> {
        let page = self.config.kinds.page();
        let mut items: Vec<usize> = (0..self.site.docs.len())
            .filter(|&i| {
                let d = &self.site.docs[i];
                d.kind == page
                    && !d.is_index
                    && (d.source.dir() == dir || d.source.dir().starts_with(&format!("{dir}/")))
            })
            .collect();
        by_title(self.site, &mut items);
        let (title, intro) = self.intro(dir).unwrap_or_else(|| {
            (
                humanize_key(dir.rsplit('/').next().unwrap_or(dir)),
                String::new(),
            )
        });
        let mut ctx = Context::new();
        ctx.insert("intro", &intro);
        ctx.insert(
            "items",
            &items
                .into_iter()
                .map(|i| self.views[i].clone())
                .collect::<Vec<_>>(),
        );
        self.page("section.html", &title, &folder_url(dir), ctx)
    }

    fn tags_page(&self) -> Result<Vec<u8>> {
        let base = &self.config.base_url;
        let tags: Vec<TagView> = self
            .tags()
            .iter()
            .map(|(t, docs)| TagView {
                name: t.clone(),
                href: base.href(&tag_url(t)),
                count: docs.len(),
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert("tags", &tags);
        self.page("tags.html", "Tags", &UrlPath::page(["tags"]), ctx)
    }

    fn tag_page(&self, tag: &str) -> Result<Vec<u8>> {
        let items: Vec<LinkView> = self.tags()[tag]
            .iter()
            .map(|&i| self.views[i].clone())
            .collect();
        let mut ctx = Context::new();
        ctx.insert("tag", tag);
        ctx.insert("items", &items);
        self.page("tag.html", &format!("Tagged “{tag}”"), &tag_url(tag), ctx)
    }

    fn home(&self) -> Result<Vec<u8>> {
        let site = self.site;
        let (title, intro) = self
            .intro("")
            .unwrap_or_else(|| (self.config.title.clone(), String::new()));
        let mut ctx = Context::new();
        ctx.insert("intro", &intro);
        ctx.insert("tree", &self.tree());
        ctx.insert("loose", &self.loose());
        let mut recent: Vec<usize> = (0..site.docs.len())
            .filter(|&i| !site.docs[i].is_index && site.docs[i].changed().is_some())
            .collect();
        recent.sort_by(|&a, &b| {
            site.docs[b]
                .changed()
                .cmp(&site.docs[a].changed())
                .then_with(|| site.docs[a].title.cmp(&site.docs[b].title))
        });
        recent.truncate(self.config.home_recent);
        ctx.insert(
            "recent",
            &recent
                .into_iter()
                .map(|i| self.views[i].clone())
                .collect::<Vec<_>>(),
        );
        let mut review: Vec<usize> = (0..site.docs.len())
            .filter(|&i| site.docs[i].review_by.is_some() && !site.docs[i].is_index)
            .collect();
        review.sort_by(|&a, &b| {
            site.docs[a]
                .review_by
                .cmp(&site.docs[b].review_by)
                .then_with(|| site.docs[a].title.cmp(&site.docs[b].title))
        });
        let horizon = self
            .env
            .today
            .checked_add(jiff::Span::new().days(30))
            .unwrap_or(self.env.today);
        let review: Vec<ReviewItem> = review
            .into_iter()
            .filter(|&i| site.docs[i].review_by.is_some_and(|r| r <= horizon))
            .map(|i| {
                let r = site.docs[i].review_by.expect("filtered on review_by");
                ReviewItem {
                    link: self.views[i].clone(),
                    review_by: r.to_string(),
                    overdue: r < self.env.today,
                }
            })
            .collect();
        ctx.insert("review", &review);
        let counts: Vec<NavItem> = self
            .config
            .kinds
            .iter()
            .filter(|(_, k)| !k.is_page())
            .map(|(id, k)| NavItem {
                label: format!("{} {}", site.of_kind(id).count(), k.plural.to_lowercase()),
                href: self
                    .config
                    .base_url
                    .href(&UrlPath::page([k.folder.as_str()])),
            })
            .filter(|n| !n.label.starts_with("0 "))
            .collect();
        ctx.insert("counts", &counts);
        self.page("home.html", &title, &UrlPath::page([]), ctx)
    }

    /// Roots are documents of kinds that something serves but that serve nothing themselves
    /// (visions, by default); children are the documents that serve them, recursively.
    fn tree(&self) -> Vec<TreeNode> {
        let kinds = &self.config.kinds;
        let served: BTreeSet<&str> = kinds
            .iter()
            .flat_map(|(_, k)| k.serves.iter().map(String::as_str))
            .collect();
        let mut roots: Vec<usize> = kinds
            .iter()
            .filter(|(_, k)| k.serves.is_empty() && served.contains(k.name.as_str()))
            .flat_map(|(id, _)| self.site.of_kind(id))
            .collect();
        by_title(self.site, &mut roots);
        roots
            .into_iter()
            .map(|r| self.node(r, &mut vec![r]))
            .collect()
    }

    fn node(&self, i: usize, path: &mut Vec<usize>) -> TreeNode {
        let mut kids: Vec<usize> = self.site.inverse[i]
            .iter()
            .filter(|(r, j)| *r == Relation::Serves && !path.contains(j))
            .map(|(_, j)| *j)
            .collect();
        by_title(self.site, &mut kids);
        let children = kids
            .into_iter()
            .map(|k| {
                path.push(k);
                let n = self.node(k, path);
                path.pop();
                n
            })
            .collect();
        TreeNode {
            link: self.views[i].clone(),
            children,
        }
    }

    /// Documents that should serve something but do not.
    fn loose(&self) -> Vec<LinkView> {
        let mut items: Vec<usize> = (0..self.site.docs.len())
            .filter(|&i| {
                let d = &self.site.docs[i];
                !d.is_index
                    && !self.config.kinds.get(d.kind).serves.is_empty()
                    && !self.site.relations[i]
                        .iter()
                        .any(|(r, _)| *r == Relation::Serves)
                    && d.status
                        .as_deref()
                        .is_none_or(|s| self.config.kinds.get(d.kind).meaning(s).applies())
            })
            .collect();
        by_title(self.site, &mut items);
        items.into_iter().map(|i| self.views[i].clone()).collect()
    }
}

fn folder_url(dir: &str) -> UrlPath {
    let segs: Vec<String> = dir.split('/').map(slugify).collect();
    UrlPath::page(segs.iter().map(String::as_str))
}

/// `review_every` → `Review every`.
fn humanize_key(k: &str) -> String {
    let s = k.replace(['_', '-'], " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A small stable hash for cache-busting asset URLs.
fn fnv(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests;
