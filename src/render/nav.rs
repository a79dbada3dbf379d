//! Where a document sits among its neighbours in the content tree: the breadcrumbs from the
//! home page down to it, its folder's documents and sub-folders for the section sidebar, and
//! the previous and next documents of that folder. Built from the folder index
//! ([`Folders`], made once per render) into plain values for the document page's view, so
//! the page's digest covers them. Nothing here knows tera or writes a page.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::views::{LinkView, linked};
use super::{Renderer, humanize_key, pages};
use crate::doc::Doc;
use crate::link::Site;

/// At most this many documents of a folder in its sidebar: a window around the current one,
/// so that a folder of thousands does not make every page of it thousands of links long.
const SIDEBAR_LIMIT: usize = 60;

/// Every folder of `content/` that holds documents (at any depth), made once per render.
pub(super) struct Folders {
    /// Folder → its own documents (not its introduction), in sidebar order.
    docs: HashMap<String, Vec<usize>>,
    /// Folder → the folders directly inside it that hold documents somewhere below.
    children: HashMap<String, BTreeSet<String>>,
    /// Folder → its introduction (`_index.md`).
    intros: HashMap<String, usize>,
    /// Each document's place in its folder's list.
    position: Vec<usize>,
    /// Folder → what every document in it shows alike: made once per folder, not once per
    /// document.
    places: HashMap<String, Place>,
}

/// What the page of every document of one folder shows of the tree around it.
pub(super) struct Place {
    /// Home, then each folder down to this one.
    crumbs: Vec<Crumb>,
    /// The folders inside it.
    folders: Vec<Crumb>,
}

/// The position a document asks for among its folder's, lowest first; documents without one
/// come after those with one. Front matter gives it as `order` (or `weight`, `nav_order`,
/// `sidebar_position`, as other generators write it); a kind may also declare `order` or
/// `weight` among its `fields`.
fn order_of(d: &Doc) -> Option<i64> {
    d.order.or_else(|| {
        d.fields
            .iter()
            .find(|(k, _)| k == "order" || k == "weight")
            .and_then(|(_, v)| v.trim().parse().ok())
    })
}

/// Sidebar order: `order`/`weight`, then title, then path (for a stable tie-break).
fn sort_folder(site: &Site, items: &mut [usize]) {
    items.sort_by(|&a, &b| {
        let (da, db) = (&site.docs[a], &site.docs[b]);
        let key = |d: &Doc| (order_of(d).is_none(), order_of(d));
        key(da)
            .cmp(&key(db))
            .then_with(|| da.title.cmp(&db.title))
            .then_with(|| da.source.cmp(&db.source))
    });
}

fn parent(dir: &str) -> &str {
    dir.rsplit_once('/').map_or("", |(p, _)| p)
}

impl Folders {
    pub(super) fn new(r: &Renderer<'_>) -> Folders {
        let site = r.site;
        let mut docs: HashMap<String, Vec<usize>> = HashMap::new();
        let mut children: HashMap<String, BTreeSet<String>> = HashMap::new();
        let mut intros = HashMap::new();
        for (i, d) in site.docs.iter().enumerate() {
            let dir = d.source.dir();
            if d.is_index {
                intros.insert(d.intro_folder().to_string(), i);
                continue;
            }
            docs.entry(dir.to_string()).or_default().push(i);
            let mut at = dir;
            while !at.is_empty() {
                let up = parent(at);
                if !children
                    .entry(up.to_string())
                    .or_default()
                    .insert(at.to_string())
                {
                    break;
                }
                at = up;
            }
        }
        let mut position = vec![0; site.docs.len()];
        for items in docs.values_mut() {
            sort_folder(site, items);
            for (p, &i) in items.iter().enumerate() {
                position[i] = p;
            }
        }
        let mut f = Folders {
            docs,
            children,
            intros,
            position,
            places: HashMap::new(),
        };
        f.places = places(r, &f);
        f
    }
}

/// Every folder's [`Place`], from one crumb per folder.
fn places(r: &Renderer<'_>, f: &Folders) -> HashMap<String, Place> {
    let mut dirs: BTreeSet<&str> = f.docs.keys().map(String::as_str).collect();
    dirs.insert("");
    for (dir, inside) in &f.children {
        dirs.insert(dir);
        dirs.extend(inside.iter().map(String::as_str));
    }
    let crumbs: HashMap<&str, Crumb> = dirs.iter().map(|&d| (d, crumb(r, f, d))).collect();
    f.docs
        .keys()
        .map(|dir| {
            let mut chain = vec![crumbs[""].clone()];
            let mut at = 0;
            while at < dir.len() {
                let end = dir[at..].find('/').map_or(dir.len(), |e| at + e);
                chain.push(crumbs[&dir[..end]].clone());
                at = end + 1;
            }
            let folders = f
                .children
                .get(dir)
                .map(|c| c.iter().map(|d| crumbs[d.as_str()].clone()).collect())
                .unwrap_or_default();
            let place = Place {
                crumbs: chain,
                folders,
            };
            (dir.clone(), place)
        })
        .collect()
}

/// One step of the breadcrumbs, or a sub-folder in the sidebar: a folder's title and its
/// page, when it has one.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Crumb {
    title: String,
    href: Option<String>,
}

linked! {
    pub(super) struct SideItem<'r> {
        link: &'r LinkView,
        current: bool,
    }
}

/// A document's place in the site, as its page shows it.
#[derive(Serialize)]
pub(super) struct NavView<'r> {
    /// Home, then each folder above the document; the document itself is the page's title.
    crumbs: &'r [Crumb],
    /// The folder the document is in.
    folder: &'r Crumb,
    /// The folders inside it.
    folders: &'r [Crumb],
    /// Its documents (a window of them in a large folder), the current one marked.
    items: Vec<SideItem<'r>>,
    /// How many documents the folder has, when the sidebar shows only some.
    total: Option<usize>,
    prev: Option<&'r LinkView>,
    next: Option<&'r LinkView>,
}

/// The title and page of folder `dir`: the home page for the content root, a kind's index
/// for its folder, a folder page for a folder of pages; inside a kind's folder a sub-folder
/// has no page of its own.
fn crumb(r: &Renderer<'_>, f: &Folders, dir: &str) -> Crumb {
    let base = &r.config.base_url;
    let intro = f.intros.get(dir).map(|&i| r.site.docs[i].title.clone());
    if dir.is_empty() {
        return Crumb {
            title: "Home".into(),
            href: Some(base.prefix().to_string()),
        };
    }
    let top = dir.split('/').next().unwrap_or(dir);
    if let Some(k) = r.config.kinds.by_folder(top) {
        let kind = r.config.kinds.get(k);
        let fallback = || humanize_key(dir.rsplit('/').next().unwrap_or(dir));
        return if dir == top && !kind.is_page() {
            Crumb {
                title: intro.unwrap_or_else(|| kind.plural.clone()),
                href: Some(base.href(&pages::kind_url(r.config, k))),
            }
        } else {
            Crumb {
                title: intro.unwrap_or_else(fallback),
                href: None,
            }
        };
    }
    let page = r.config.kinds.page();
    let has_page = f
        .docs
        .get(dir)
        .is_some_and(|items| items.iter().any(|&i| r.site.docs[i].kind == page));
    Crumb {
        title: intro.unwrap_or_else(|| humanize_key(dir.rsplit('/').next().unwrap_or(dir))),
        href: has_page.then(|| base.href(&pages::folder_url(dir))),
    }
}

/// Breadcrumbs, sidebar and neighbours of document `i`.
pub(super) fn of<'r>(r: &'r Renderer<'r>, i: usize) -> NavView<'r> {
    let f = r.folders();
    let dir = r.site.docs[i].source.dir();
    let place = &f.places[dir];
    let items = f.docs.get(dir).map_or(&[][..], Vec::as_slice);
    let here = f.position[i];
    let (from, to) = if items.len() <= SIDEBAR_LIMIT {
        (0, items.len())
    } else {
        let from = here
            .saturating_sub(SIDEBAR_LIMIT / 2)
            .min(items.len() - SIDEBAR_LIMIT);
        (from, from + SIDEBAR_LIMIT)
    };
    NavView {
        crumbs: &place.crumbs,
        folder: place
            .crumbs
            .last()
            .expect("the home page is always a crumb"),
        folders: &place.folders,
        items: items[from..to]
            .iter()
            .map(|&j| SideItem {
                link: &r.views[j],
                current: j == i,
            })
            .collect(),
        total: (items.len() > SIDEBAR_LIMIT).then_some(items.len()),
        prev: here.checked_sub(1).map(|p| &r.views[items[p]]),
        next: items.get(here + 1).map(|&n| &r.views[n]),
    }
}
