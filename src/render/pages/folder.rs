//! A folder of pages (`/<folder>/`, theme template `section.html`), for folders under
//! `content/` that are not a kind's: its introduction and every page in it or below it, by
//! title; a long one is split into pages (`/<folder>/page/<n>/`, see `paging`).

use serde::Serialize;

use super::paging::{self, Pager};
use super::{PageType, Route};
use crate::names::UrlPath;
use crate::render::lazy::Html;
use crate::render::views::LinkView;
use crate::render::{Key, Prepared, Renderer, humanize_key};

pub(super) struct Folder;

pub(in crate::render) use crate::link::folder_url;

#[derive(Serialize)]
struct FolderView<'r> {
    intro: Html<'r>,
    items: Vec<&'r LinkView>,
    pager: Option<Pager>,
}

/// The folder and the page number.
fn dir_of(key: &Key) -> (&str, usize) {
    match paging::split(key) {
        (Key::Name(d), n) => (d, n),
        (other, _) => unreachable!("a folder page is keyed by its folder, not {other:?}"),
    }
}

/// The pages a folder lists, by title.
fn items<'r>(r: &'r Renderer<'_>, dir: &str) -> &'r [usize] {
    r.lists().folders.get(dir).map_or(&[], Vec::as_slice)
}

impl PageType for Folder {
    fn name(&self) -> &'static str {
        "folder"
    }

    fn route(&self) -> Route {
        Route::Content
    }

    /// Folders holding pages (not kind folders) whose address nothing else has taken (see
    /// `link::outputs`).
    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        r.site
            .folder_pages
            .iter()
            .flat_map(|dir| {
                let pages = r.config.paginate.pages(items(r, dir).len());
                paging::keys(Key::Name(dir.clone()), pages)
            })
            .collect()
    }

    fn url(&self, _r: &Renderer<'_>, key: &Key) -> UrlPath {
        let (dir, n) = dir_of(key);
        paging::url(folder_url(dir), n)
    }

    fn sitemap(&self, _r: &Renderer<'_>, _key: &Key) -> Option<Option<jiff::civil::Date>> {
        Some(None)
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let (dir, n) = dir_of(key);
        let all = items(r, dir);
        let pages = r.config.paginate.pages(all.len());
        let first = folder_url(dir);
        let (title, intro) = r.intro(dir);
        let mut title =
            title.unwrap_or_else(|| humanize_key(dir.rsplit('/').next().unwrap_or(dir)));
        let intro = if n == 1 { intro } else { Html::maybe(r, None) };
        if n > 1 {
            title = format!("{title} · page {n} of {pages}");
        }
        let view = FolderView {
            intro,
            items: all[r.config.paginate.range(all.len(), n)]
                .iter()
                .map(|&i| &r.views[i])
                .collect(),
            pager: paging::pager(r, &first, n, pages, all.len()),
        };
        r.templated("section.html", &title, paging::url(first, n), view)
    }
}
