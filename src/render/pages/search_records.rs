//! `search/docs/<n>.json`: chunk `n` of the search index's records, the documents a result
//! list shows (see `crate::search`), fetched only for the results shown.

use super::{PageType, Route};
use crate::names::UrlPath;
use crate::render::{Key, Prepared, Renderer};
use crate::search::{CHUNK, Record};

pub(super) struct SearchRecords;

/// Where the chunks are, relative to the base path (the manifest tells the browser).
pub(super) const FOLDER: &str = "search/docs/";

fn chunk_of(key: &Key) -> usize {
    match key {
        Key::Index(n) => *n,
        other => unreachable!("a chunk is keyed by its number, not {other:?}"),
    }
}

impl PageType for SearchRecords {
    fn name(&self) -> &'static str {
        "search_records"
    }

    fn route(&self) -> Route {
        Route::Under("/search/docs/")
    }

    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        (0..r.search_order().len().div_ceil(CHUNK))
            .map(Key::Index)
            .collect()
    }

    fn url(&self, _r: &Renderer<'_>, key: &Key) -> UrlPath {
        UrlPath::file(&format!("{FOLDER}{}.json", chunk_of(key)))
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let view = crate::search::records(r.search_order(), r.site, r.config, chunk_of(key));
        r.direct(self.url(r, key), view, |v: &Vec<Record>| {
            serde_json::to_vec(v).expect("records are plain data")
        })
    }
}
