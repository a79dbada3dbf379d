//! One tag's page (`/tags/<slug>/`, theme template `tag.html`): the documents carrying it, by
//! title; a long one is split into pages (`/tags/<slug>/page/<n>/`, see `paging`).

use serde::Serialize;

use super::paging::{self, Pager};
use super::{PageType, Route};
use crate::names::{UrlPath, slugify};
use crate::render::views::LinkView;
use crate::render::{Key, Prepared, Renderer};

pub(super) struct Tag;

/// Where a tag's page is; documents link their tags here.
pub(in crate::render) fn tag_url(tag: &str) -> UrlPath {
    UrlPath::page(["tags", slugify(tag).as_str()])
}

#[derive(Serialize)]
struct TagPage<'r> {
    tag: &'r str,
    items: Vec<&'r LinkView>,
    pager: Option<Pager>,
}

/// The tag and the page number.
fn tag_of(key: &Key) -> (&str, usize) {
    match paging::split(key) {
        (Key::Name(t), n) => (t, n),
        (other, _) => unreachable!("a tag page is keyed by its tag, not {other:?}"),
    }
}

impl PageType for Tag {
    fn name(&self) -> &'static str {
        "tag"
    }

    fn route(&self) -> Route {
        Route::Content
    }

    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        r.tags()
            .iter()
            .flat_map(|(t, docs)| {
                paging::keys(Key::Name(t.clone()), r.config.paginate.pages(docs.len()))
            })
            .collect()
    }

    fn url(&self, _r: &Renderer<'_>, key: &Key) -> UrlPath {
        let (t, n) = tag_of(key);
        paging::url(tag_url(t), n)
    }

    fn sitemap(&self, _r: &Renderer<'_>, _key: &Key) -> Option<Option<jiff::civil::Date>> {
        Some(None)
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let (t, n) = tag_of(key);
        let (tag, items) = r.tags().get_key_value(t).expect("a tag of the site");
        let pages = r.config.paginate.pages(items.len());
        let first = tag_url(tag);
        let view = TagPage {
            tag,
            items: items[r.config.paginate.range(items.len(), n)]
                .iter()
                .map(|&i| &r.views[i])
                .collect(),
            pager: paging::pager(r, &first, n, pages, items.len()),
        };
        let title = if n > 1 {
            format!("Tagged “{tag}” · page {n} of {pages}")
        } else {
            format!("Tagged “{tag}”")
        };
        r.templated("tag.html", &title, paging::url(first, n), view)
    }
}
