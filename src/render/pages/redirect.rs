//! An alias (theme template `redirect.html`): a page at an old address that sends readers on
//! to the document that lists it in `aliases`.

use serde::Serialize;

use super::{PageType, Route};
use crate::names::UrlPath;
use crate::render::{Key, Prepared, Renderer};

pub(super) struct Redirect;

#[derive(Serialize)]
struct RedirectView<'r> {
    target: String,
    target_title: &'r str,
}

fn alias_of(key: &Key) -> usize {
    match key {
        Key::Index(a) => *a,
        other => unreachable!("a redirect is keyed by its alias, not {other:?}"),
    }
}

impl PageType for Redirect {
    fn name(&self) -> &'static str {
        "redirect"
    }

    fn route(&self) -> Route {
        Route::Content
    }

    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        (0..r.site.aliases.len()).map(Key::Index).collect()
    }

    fn url(&self, r: &Renderer<'_>, key: &Key) -> UrlPath {
        r.site.aliases[alias_of(key)].0.clone()
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let target = r.site.aliases[alias_of(key)].1;
        let title = &r.site.docs[target].title;
        let view = RedirectView {
            target: r.config.base_url.href(&r.site.urls[target]),
            target_title: title,
        };
        r.templated("redirect.html", title, self.url(r, key), view)
    }
}
