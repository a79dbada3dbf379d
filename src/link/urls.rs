//! Where documents live and which addresses are taken: document URLs, print packet URLs and
//! the paths the site writes itself. Pure.

use std::collections::HashMap;

use super::Doc;
use crate::config::SiteConfig;
use crate::kinds::{KindId, KindTable};
use crate::names::{UrlPath, slugify};

/// Paths the site writes itself, from the page types `render` registers; a document may not
/// take them.
pub static RESERVED: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(crate::render::reserved);

/// Where the dev server answers with its own endpoints (live reload, re-running checks), so
/// nothing of the site can be reached below it under `cairn serve`.
pub const SERVER_PREFIX: &str = "/__cairn/";

/// Whether the site writes `url` itself, so no document or alias may take it: a page type's
/// fixed address, or where a list's later pages go.
pub(super) fn is_reserved(url: &UrlPath) -> bool {
    RESERVED.contains(&url.as_str()) || crate::render::is_page_address(url.as_str())
}

/// Whether documents of `kind` get a print packet: kinds in the middle of the `serves` chain,
/// which serve something and are served by another kind (strategies, by default).
pub fn has_packet(kinds: &KindTable, kind: KindId) -> bool {
    let k = kinds.get(kind);
    !k.is_page()
        && !k.serves.is_empty()
        && kinds
            .iter()
            .any(|(_, other)| other.serves.contains(&k.name))
}

/// Where a document's print packet lives: below its own URL.
pub fn packet_url(url: &UrlPath) -> UrlPath {
    UrlPath::page(url.as_str().split('/').chain(["packet"]))
}

/// Packet URL → the document it belongs to, so no document or alias can take that address.
pub(super) fn packet_urls(
    docs: &[Doc],
    urls: &[UrlPath],
    config: &SiteConfig,
) -> HashMap<UrlPath, usize> {
    (0..docs.len())
        .filter(|&i| !docs[i].is_index && has_packet(&config.kinds, docs[i].kind))
        .map(|i| (packet_url(&urls[i]), i))
        .collect()
}

/// The URL of a document (folder intros get their folder's URL).
pub fn doc_url(doc: &Doc, config: &SiteConfig) -> UrlPath {
    let kind = config.kinds.get(doc.kind);
    if doc.is_index {
        let dir = doc.intro_folder();
        if let Some(k) = dir
            .split('/')
            .next()
            .and_then(|top| config.kinds.by_folder(top))
            .filter(|_| !dir.contains('/'))
        {
            return UrlPath::page([config.kinds.get(k).folder.as_str()]);
        }
        let segs: Vec<String> = dir.split('/').map(slugify).collect();
        return UrlPath::page(segs.iter().map(String::as_str));
    }
    if kind.is_page() {
        let segs: Vec<String> = doc.source.without_ext().split('/').map(slugify).collect();
        UrlPath::page(segs.iter().map(String::as_str))
    } else {
        UrlPath::page([kind.folder.as_str(), doc.id.as_str()])
    }
}
