//! A folder of pages (`/<folder>/`, theme template `section.html`), for folders under
//! `content/` that are not a kind's: its introduction and every page in it or below it.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{PageType, Route};
use crate::names::{UrlPath, slugify};
use crate::render::lazy::Html;
use crate::render::views::{LinkView, by_title};
use crate::render::{Key, Prepared, Renderer, humanize_key};

pub(super) struct Folder;

/// Where the page of folder `dir` (a path under `content/`) is.
pub(in crate::render) fn folder_url(dir: &str) -> UrlPath {
    let segs: Vec<String> = dir.split('/').map(slugify).collect();
    UrlPath::page(segs.iter().map(String::as_str))
}

#[derive(Serialize)]
struct FolderView<'r> {
    intro: Html<'r>,
    items: Vec<&'r LinkView>,
}

fn dir_of(key: &Key) -> &str {
    match key {
        Key::Name(d) => d,
        other => unreachable!("a folder page is keyed by its folder, not {other:?}"),
    }
}

impl PageType for Folder {
    fn name(&self) -> &'static str {
        "folder"
    }

    fn route(&self) -> Route {
        Route::Content
    }

    /// Folders holding pages (not kind folders) whose address no document has taken.
    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        let page = r.config.kinds.page();
        let taken: BTreeSet<&UrlPath> = r
            .site
            .urls
            .iter()
            .enumerate()
            .filter(|(i, _)| !r.site.docs[*i].is_index)
            .map(|(_, u)| u)
            .collect();
        let dirs: BTreeSet<String> = r
            .site
            .docs
            .iter()
            .filter(|d| d.kind == page && !d.is_index)
            .map(|d| d.source.dir())
            .filter(|dir| {
                !dir.is_empty()
                    && r.config
                        .kinds
                        .by_folder(dir.split('/').next().unwrap_or(""))
                        .is_none()
            })
            .filter(|dir| !taken.contains(&folder_url(dir)))
            .map(String::from)
            .collect();
        dirs.into_iter().map(Key::Name).collect()
    }

    fn url(&self, _r: &Renderer<'_>, key: &Key) -> UrlPath {
        folder_url(dir_of(key))
    }

    fn sitemap(&self, _r: &Renderer<'_>, _key: &Key) -> Option<Option<jiff::civil::Date>> {
        Some(None)
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let dir = dir_of(key);
        let page = r.config.kinds.page();
        let below = format!("{dir}/");
        let mut items: Vec<usize> = (0..r.site.docs.len())
            .filter(|&i| {
                let d = &r.site.docs[i];
                d.kind == page
                    && !d.is_index
                    && (d.source.dir() == dir || d.source.dir().starts_with(&below))
            })
            .collect();
        by_title(r.site, &mut items);
        let (title, intro) = r.intro(dir);
        let title =
            title.unwrap_or_else(|| humanize_key(dir.rsplit('/').next().unwrap_or(dir)));
        let view = FolderView {
            intro,
            items: items.into_iter().map(|i| &r.views[i]).collect(),
        };
        r.templated("section.html", &title, folder_url(dir), view)
    }
}
