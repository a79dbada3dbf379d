//! `search.json`: the manifest the search box loads first (see `crate::search` for the
//! index's shape); the parts and chunks it names are their own page types.

use super::{PageType, Route, search_records, search_words};
use crate::render::{Key, Prepared, Renderer};
use crate::search::Manifest;

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
        let view = crate::search::manifest(
            r.search(),
            r.config,
            search_words::FOLDER,
            search_records::FOLDER,
        );
        r.direct(self.url(r, key), view, |v: &Manifest| {
            serde_json::to_vec(v).expect("the manifest is plain data")
        })
    }
}
