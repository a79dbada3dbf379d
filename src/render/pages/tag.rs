//! One tag's page (`/tags/<slug>/`, theme template `tag.html`): the documents carrying it, by
//! title.

use serde::Serialize;

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
}

fn tag_of(key: &Key) -> &str {
    match key {
        Key::Name(t) => t,
        other => unreachable!("a tag page is keyed by its tag, not {other:?}"),
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
        r.tags().keys().cloned().map(Key::Name).collect()
    }

    fn url(&self, _r: &Renderer<'_>, key: &Key) -> UrlPath {
        tag_url(tag_of(key))
    }

    fn sitemap(&self, _r: &Renderer<'_>, _key: &Key) -> Option<Option<jiff::civil::Date>> {
        Some(None)
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let (tag, items) = r
            .tags()
            .get_key_value(tag_of(key))
            .expect("a tag of the site");
        let view = TagPage {
            tag,
            items: items.iter().map(|&i| &r.views[i]).collect(),
        };
        r.templated("tag.html", &format!("Tagged “{tag}”"), tag_url(tag), view)
    }
}
