//! Pages that introduce a folder as other generators keep them: `patterns.md` beside
//! `patterns/` (Eleventy, Jekyll and Docusaurus sites put a section's page there, where Hugo
//! and Zola write `patterns/_index.md`). Such a page would take the address of the list of its
//! folder's documents; it is read instead as that list's introduction, its title and body
//! shown above the list, as `_index.md` is. A compatibility reading, off under `--strict`,
//! where the page keeps its own address and a clash with a kind's list is an error (see
//! `outputs`). The same goes for a folder's `index.md` (Jekyll, MkDocs, Eleventy) or, without
//! one, its `README.md`. Pure.

use std::collections::HashSet;

use super::Doc;
use crate::config::SiteConfig;

/// Marks as folder introductions the pages that sit beside a folder whose list the site
/// writes (a kind's documents, or a folder of pages) when that folder has no `_index.md`.
/// Starts from the file names each time, so linking the same documents again gives the same.
pub(super) fn read_intros(docs: &mut [Doc], config: &SiteConfig) {
    for d in docs.iter_mut() {
        d.is_index = d.source.is_index();
    }
    if config.strict {
        return;
    }
    let kinds = &config.kinds;
    let page = kinds.page();
    // The home page is always written: the root is listed.
    let mut listed: HashSet<&str> = HashSet::from([""]);
    let mut introduced: HashSet<&str> = HashSet::new();
    let mut has_index_md: HashSet<&str> = HashSet::new();
    for d in docs.iter() {
        if d.source.stem().eq_ignore_ascii_case("index") && d.kind == page {
            has_index_md.insert(d.source.dir());
        }
        if d.is_index {
            introduced.insert(d.source.dir());
        } else if d.kind != page {
            listed.insert(kinds.get(d.kind).folder.as_str());
        } else if !crate::doc::adopt::folder_page(&d.source) {
            // A folder's own `index.md` does not make it listed: alone (a Hugo leaf bundle)
            // it stays the page it is.
            // A folder of pages is listed, and every folder above it (see `outputs`).
            let dir = d.source.dir();
            if dir
                .split('/')
                .next()
                .is_some_and(|top| kinds.by_folder(top).is_some())
            {
                continue;
            }
            let mut at = dir;
            while !at.is_empty() {
                listed.insert(at);
                at = at.rsplit_once('/').map_or("", |(up, _)| up);
            }
        }
    }
    let intros: Vec<usize> = docs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == page && !d.is_index)
        .filter(|(_, d)| {
            // `index.md` before `README.md`, as MkDocs does.
            let readme = d.source.stem().eq_ignore_ascii_case("readme");
            let folder = d.intro_folder();
            let beside = !crate::doc::adopt::folder_page(&d.source);
            (beside || !readme || !has_index_md.contains(folder))
                && (!beside || !folder.is_empty())
                && listed.contains(folder)
                && !introduced.contains(folder)
        })
        .map(|(i, _)| i)
        .collect();
    for i in intros {
        docs[i].is_index = true;
    }
}
