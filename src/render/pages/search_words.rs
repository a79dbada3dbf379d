//! `search/words/<key>.json`: one part of the search index, the words beginning with `key`
//! (see `crate::search::split`), named by the key's UTF-8 bytes in hex (`_` for the part
//! keyed `""`, which a small site's whole index is).

use std::fmt::Write as _;

use super::{PageType, Route};
use crate::names::UrlPath;
use crate::render::{Key, Prepared, Renderer};
use crate::search::split::PartView;

pub(super) struct SearchWords;

/// Where the parts are, relative to the base path (the manifest tells the browser).
pub(super) const FOLDER: &str = "search/words/";

/// The file name of the part keyed `key`, as `search.js` makes it too.
pub(super) fn file_name(key: &str) -> String {
    if key.is_empty() {
        return "_".to_string();
    }
    key.bytes().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn key_of(key: &Key) -> &str {
    match key {
        Key::Name(n) => n,
        other => unreachable!("a part is keyed by its letters, not {other:?}"),
    }
}

impl PageType for SearchWords {
    fn name(&self) -> &'static str {
        "search_words"
    }

    fn route(&self) -> Route {
        Route::Under("/search/words/")
    }

    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        r.search()
            .parts
            .iter()
            .map(|p| Key::Name(p.key.clone()))
            .collect()
    }

    fn url(&self, _r: &Renderer<'_>, key: &Key) -> UrlPath {
        UrlPath::file(&format!("{FOLDER}{}.json", file_name(key_of(key))))
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let split = r.search();
        let i = split
            .find(key_of(key))
            .expect("a part the index lists");
        r.direct(self.url(r, key), split.part(i), |v: &PartView| {
            serde_json::to_vec(v).expect("a part is plain data")
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parts_are_named_by_their_bytes() {
        assert_eq!(super::file_name(""), "_");
        assert_eq!(super::file_name("le"), "6c65");
        assert_eq!(super::file_name("ün"), "c3bc6e");
    }
}
