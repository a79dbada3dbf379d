//! One source for every file the site writes. Documents' pages, the lists the site makes from
//! them (each kind's index, each folder of pages, each tag), redirects, print packets, the
//! site's own pages and the attachments copied from the documents folder must not land on one
//! path, nor one where another needs a folder: each clash is a diagnostic at the file that
//! makes it, found here, before anything is written. Pure.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Doc;
use super::urls::{RESERVED, is_reserved, packet_urls};
use crate::config::SiteConfig;
use crate::diag::{Diagnostics, Pos};
use crate::kinds::KindId;
use crate::names::{SourcePath, UrlPath, slugify};

/// The lists the render stage makes from the documents, at addresses no document names.
#[derive(Debug, Default)]
pub(super) struct Listings {
    /// Kind → its index, for kinds with documents.
    pub kinds: BTreeMap<KindId, UrlPath>,
    /// Tag page → the tag, as first written.
    pub tags: BTreeMap<UrlPath, String>,
    /// Folders of pages (paths under the documents folder) that get a page listing them.
    pub folders: Vec<String>,
}

impl Listings {
    /// The lists of `docs` at `urls`. A folder's list yields to any other page at its address
    /// (a document's, the site's own, a kind's or a tag's), which then stands for the folder.
    pub(super) fn new(docs: &[Doc], urls: &[UrlPath], config: &SiteConfig) -> Listings {
        let kinds_table = &config.kinds;
        let page = kinds_table.page();
        let mut kinds = BTreeMap::new();
        let mut tags = BTreeMap::new();
        let mut dirs = BTreeSet::new();
        for d in docs.iter().filter(|d| !d.is_index) {
            for tag in &d.tags {
                tags.entry(UrlPath::page(["tags", slugify(tag).as_str()]))
                    .or_insert_with(|| tag.clone());
            }
            if d.kind != page {
                kinds
                    .entry(d.kind)
                    .or_insert_with(|| UrlPath::page([kinds_table.get(d.kind).folder.as_str()]));
                continue;
            }
            let dir = d.source.dir();
            let top = dir.split('/').next().unwrap_or("");
            if dir.is_empty() || kinds_table.by_folder(top).is_some() {
                continue;
            }
            // Every folder above the page lists it, not only its own.
            let mut at = dir;
            while !at.is_empty() {
                dirs.insert(at);
                at = at.rsplit_once('/').map_or("", |(up, _)| up);
            }
        }
        let taken: BTreeSet<&UrlPath> = urls
            .iter()
            .zip(docs)
            .filter(|(_, d)| !d.is_index)
            .map(|(u, _)| u)
            .chain(kinds.values())
            .chain(tags.keys())
            .collect();
        let folders = dirs
            .into_iter()
            .filter(|dir| {
                let url = folder_url(dir);
                !taken.contains(&url) && !is_reserved(&url)
            })
            .map(String::from)
            .collect();
        Listings {
            kinds,
            tags,
            folders,
        }
    }

    /// The addresses of every list, for the redirects that must not take them.
    pub(super) fn urls(&self) -> impl Iterator<Item = UrlPath> + '_ {
        self.kinds
            .values()
            .cloned()
            .chain(self.tags.keys().cloned())
            .chain(self.folders.iter().map(|d| folder_url(d)))
    }
}

/// Where the list of folder `dir` (a path under the documents folder) is.
pub fn folder_url(dir: &str) -> UrlPath {
    let segs: Vec<String> = dir.split('/').map(slugify).collect();
    UrlPath::page(segs.iter().map(String::as_str))
}

/// Documents whose page would be a kind's index or a tag's page: an error at the document,
/// which keeps no page (a page beside its folder is that folder's introduction, see `intros`).
pub(super) fn check_documents(
    docs: &[Doc],
    urls: &[UrlPath],
    listings: &Listings,
    config: &SiteConfig,
    diags: &mut Diagnostics,
) {
    let kind_at: HashMap<&UrlPath, KindId> = listings.kinds.iter().map(|(k, u)| (u, *k)).collect();
    for (i, d) in docs.iter().enumerate().filter(|(_, d)| !d.is_index) {
        let url = &urls[i];
        let msg = if let Some(&k) = kind_at.get(url) {
            let kind = config.kinds.get(k);
            format!(
                "`{url}` is the list of the site's {}; rename this document, or move it to {}/_index.md to introduce that list",
                kind.plural.to_lowercase(),
                kind.folder
            )
        } else if let Some(tag) = listings.tags.get(url) {
            format!("`{url}` is the page of tag `{tag}`; rename this document")
        } else {
            continue;
        };
        diags.error_spanning(&d.file, d.id_pos, d.id_len, msg);
    }
}

/// Attachments that would be written where a page of the site is, or where its pages need a
/// folder (or inside a path that is one of its files): an error at the attachment.
pub(super) fn check_assets(
    assets: &[SourcePath],
    docs: &[Doc],
    urls: &[UrlPath],
    aliases: &[(UrlPath, usize)],
    listings: &Listings,
    config: &SiteConfig,
    diags: &mut Diagnostics,
) {
    if assets.is_empty() {
        return;
    }
    // Sorted, so that which page a folder is named for is the same on every run.
    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |url: &UrlPath, what: String| {
        pages
            .entry(url.out_path().as_str().to_string())
            .or_insert(what);
    };
    for (i, d) in docs.iter().enumerate().filter(|(_, d)| !d.is_index) {
        add(&urls[i], format!("the page of {}", d.file));
    }
    for (url, owner) in packet_urls(docs, urls, config) {
        add(&url, format!("the print packet of {}", docs[owner].file));
    }
    for (url, i) in aliases {
        add(url, format!("a redirect to {}", docs[*i].file));
    }
    for (k, url) in &listings.kinds {
        let plural = config.kinds.get(*k).plural.to_lowercase();
        add(url, format!("the list of the site's {plural}"));
    }
    for (url, tag) in &listings.tags {
        add(url, format!("the page of tag `{tag}`"));
    }
    for dir in &listings.folders {
        add(&folder_url(dir), format!("the list of folder {dir}/"));
    }
    for at in RESERVED.iter() {
        add(&UrlPath::file(at), format!("the site's own `{at}`"));
    }
    add(&UrlPath::page([]), "the home page".to_string());
    // Folders the pages need: a file there would stop them from being written.
    let mut folders: BTreeMap<&str, &str> = BTreeMap::new();
    for out in pages.keys() {
        let mut at = out.as_str();
        while let Some((up, _)) = at.rsplit_once('/') {
            folders.entry(up).or_insert(out);
            at = up;
        }
    }
    let under: Vec<&str> = crate::render::reserved_folders()
        .into_iter()
        .map(|f| f.trim_start_matches('/'))
        .collect();
    for a in assets {
        let path = a.as_str();
        let url = UrlPath::file(path);
        let clash = if let Some(what) = pages.get(path) {
            Some(format!("`{url}` is also {what}"))
        } else if let Some(out) = folders.get(path) {
            Some(format!(
                "`{url}` is a folder of the site, which holds `/{out}`"
            ))
        } else if let Some(root) = under.iter().find(|f| path.starts_with(*f)) {
            Some(format!("`/{root}` holds the site's own files"))
        } else if let Some(dir) = path.strip_suffix("index.html").filter(|d| d.ends_with('/')) {
            is_reserved(&UrlPath::file(dir))
                .then(|| format!("`/{dir}` is a page the site writes itself"))
        } else {
            ancestors(path)
                .find_map(|up| pages.get(up))
                .map(|what| format!("`{url}` would be inside a file: {what}"))
        };
        if let Some(why) = clash {
            diags.error(
                &config.content.show(a),
                Pos::START,
                format!("{why}; rename or move this attachment"),
            );
        }
    }
}

/// The folders above `path`, nearest first.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut at = path;
    std::iter::from_fn(move || {
        let (up, _) = at.rsplit_once('/')?;
        at = up;
        Some(up)
    })
}
