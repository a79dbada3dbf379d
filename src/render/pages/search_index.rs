//! `search.json`: the index the search box loads (see `crate::search` for its shape).

use super::{PageType, Route};
use crate::render::{Key, Prepared, Renderer};
use crate::search::Index;

pub(super) struct SearchIndex;

impl PageType for SearchIndex {
    fn name(&self) -> &'static str {
        "search_index"
    }

    fn route(&self) -> Route {
        Route::At("/search.json")
    }

    fn href(&self) -> Option<&'static str> {
        Some("search_index_href")
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let view = crate::search::index(r.site, r.config);
        r.direct(self.url(r, key), view, |v: &Index| {
            serde_json::to_vec(v).expect("the index is plain data")
        })
    }
}
