//! `search.json`: the manifest the search box loads first (see `crate::search` for the
//! index's shape); the parts and chunks it names are their own page types.

use super::{PageType, Route, search_records, search_words};
use crate::names::OutPath;
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
        match r.remembered_search() {
            Some(memo) => r.remembered(self.url(r, key), memo.manifest(), move || made(r)),
            None => made(r),
        }
    }
}

/// The manifest, from the index itself.
fn made<'r>(r: &'r Renderer<'r>) -> Prepared<'r> {
    let view = crate::search::manifest(
        r.search(),
        r.search_order().len(),
        r.config,
        search_words::FOLDER,
        search_records::FOLDER,
    );
    let url = SearchIndex.url(r, &Key::One);
    r.direct(url, view, |v: &Manifest| {
        serde_json::to_vec(v).expect("the manifest is plain data")
    })
}

/// The manifest's file and each part's key and file: the pages a [`crate::render::SearchMemo`]
/// remembers.
pub(in crate::render) fn files(r: &Renderer<'_>) -> (OutPath, Vec<(String, OutPath)>) {
    (
        SearchIndex.url(r, &Key::One).out_path(),
        search_words::files(r),
    )
}
