//! `search/words/<key>.json`: one part of the search index, the words beginning with `key`
//! (see `crate::search::split`), named by the key's UTF-8 bytes in hex (`_` for the part
//! keyed `""`, which a small site's whole index is).

use std::fmt::Write as _;

use super::{PageType, Route};
use crate::names::{OutPath, UrlPath};
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
        if let Some(memo) = r.remembered_search() {
            return memo.keys().map(|k| Key::Name(k.to_string())).collect();
        }
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
        let name = key_of(key);
        match r.remembered_search().and_then(|m| m.part(name)) {
            Some(digest) => {
                let name = name.to_string();
                r.remembered(self.url(r, key), digest, move || made(r, &name))
            }
            None => made(r, name),
        }
    }
}

/// The part keyed `key`, from the index itself.
fn made<'r>(r: &'r Renderer<'r>, key: &str) -> Prepared<'r> {
    let split = r.search();
    let i = split.find(key).expect("a part the index lists");
    let url = SearchWords.url(r, &Key::Name(key.to_string()));
    r.direct(url, split.part(i), |v: &PartView| {
        serde_json::to_vec(v).expect("a part is plain data")
    })
}

/// Each part's key and the file it is written to.
pub(super) fn files(r: &Renderer<'_>) -> Vec<(String, OutPath)> {
    SearchWords
        .keys(r)
        .into_iter()
        .map(|k| {
            let out = SearchWords.url(r, &k).out_path();
            (key_of(&k).to_string(), out)
        })
        .collect()
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
