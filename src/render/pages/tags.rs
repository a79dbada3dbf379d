//! `/tags/` (theme template `tags.html`): every tag with how many documents carry it.

use serde::Serialize;

use super::{PageType, Route};
use crate::render::views::TagView;
use crate::render::{Key, Prepared, Renderer};

pub(super) struct Tags;

#[derive(Serialize)]
struct TagsView<'r> {
    tags: Vec<TagView<'r>>,
}

impl PageType for Tags {
    fn name(&self) -> &'static str {
        "tags"
    }

    fn route(&self) -> Route {
        Route::At("/tags/")
    }

    fn href(&self) -> Option<&'static str> {
        Some("tags_href")
    }

    fn sitemap(&self, _r: &Renderer<'_>, _key: &Key) -> Option<Option<jiff::civil::Date>> {
        Some(None)
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let tags = r
            .tags()
            .iter()
            .map(|(t, docs)| TagView {
                name: t,
                href: r.tag_href(t),
                count: docs.len(),
            })
            .collect();
        r.templated("tags.html", "Tags", self.url(r, key), TagsView { tags })
    }
}
