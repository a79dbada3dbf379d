//! `/search/` (theme template `search.html`): the full results page the search box falls
//! back to; `search.js` fills it from the index in the browser.

use super::{Nothing, PageType, Route};
use crate::render::{Key, Prepared, Renderer};

pub(super) struct Search;

impl PageType for Search {
    fn name(&self) -> &'static str {
        "search"
    }

    fn route(&self) -> Route {
        Route::At("/search/")
    }

    fn href(&self) -> Option<&'static str> {
        Some("search_href")
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        r.templated("search.html", "Search", self.url(r, key), Nothing {})
    }
}
