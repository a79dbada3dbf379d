//! Long lists split into numbered pages (a kind's index, a folder, a tag): where page `n` of a
//! list lives, which keys a list's pages have, the pager every page of a split list shows
//! (numbered links, previous and next), and the lists themselves, ordered once per build.
//! It chooses no page's content beyond the slice of its list, and knows no template.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::kinds::KindId;
use crate::link::Site;
use crate::names::UrlPath;
use crate::render::views::by_title;
use crate::render::{Key, Renderer};

/// The folder below a list's address that holds its later pages: `/decisions/page/2/`.
pub(super) const SEGMENT: &str = "page";

/// How many numbered links a pager shows on each side of the current page; the first and the
/// last page are always shown, so a pager stays a few links long whatever the list's length.
const AROUND: usize = 2;

/// Where page `n` (from 1) of the list at `first` is.
pub(super) fn url(first: UrlPath, n: usize) -> UrlPath {
    if n <= 1 {
        return first;
    }
    let n = n.to_string();
    UrlPath::page(first.as_str().split('/').chain([SEGMENT, n.as_str()]))
}

/// Whether `url` is where some list's later page would be (`…/page/<n>/`, `n` ≥ 2): no document
/// or alias may take it, however short the lists are today, since a list grows into it.
pub fn is_page_address(url: &str) -> bool {
    let mut segs = url.trim_end_matches('/').rsplit('/');
    let (Some(n), Some(seg)) = (segs.next(), segs.next()) else {
        return false;
    };
    seg == SEGMENT
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
        && !n.starts_with('0')
        && n != "1"
}

/// The keys of a list's pages: `first` for page 1, then `Key::Part(first, n)`.
pub(super) fn keys(first: Key, pages: usize) -> impl Iterator<Item = Key> {
    let rest = first.clone();
    std::iter::once(first).chain((2..=pages).map(move |n| Key::Part(Box::new(rest.clone()), n)))
}

/// A page's list key and its number.
pub(super) fn split(key: &Key) -> (&Key, usize) {
    match key {
        Key::Part(first, n) => (first, *n),
        first => (first, 1),
    }
}

/// What a page of a split list shows of the others. Absent on a list of one page.
#[derive(Debug, Serialize)]
pub(super) struct Pager {
    /// This page's number, from 1.
    pub number: usize,
    /// How many pages the list has.
    pub count: usize,
    /// How many entries the whole list has.
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The numbered links, a gap (`number: None`) where pages are left out.
    pub links: Vec<PageLink>,
}

#[derive(Debug, Serialize)]
pub(super) struct PageLink {
    pub number: Option<usize>,
    pub href: String,
    pub current: bool,
}

/// The pager of page `n` of `count` of the list at `first` (`None` when it has one page).
pub(super) fn pager(
    r: &Renderer<'_>,
    first: &UrlPath,
    n: usize,
    count: usize,
    total: usize,
) -> Option<Pager> {
    if count <= 1 {
        return None;
    }
    let href = |m: usize| r.config.base_url.href(&url(first.clone(), m));
    let mut links = Vec::new();
    let mut last = 0;
    for m in 1..=count {
        let shown = m == 1 || m == count || m.abs_diff(n) <= AROUND;
        if !shown {
            continue;
        }
        if m > last + 1 {
            links.push(PageLink {
                number: None,
                href: String::new(),
                current: false,
            });
        }
        links.push(PageLink {
            number: Some(m),
            href: href(m),
            current: m == n,
        });
        last = m;
    }
    Some(Pager {
        number: n,
        count,
        total,
        prev: (n > 1).then(|| href(n - 1)),
        next: (n < count).then(|| href(n + 1)),
        links,
    })
}

/// A kind's index: its status groups in order, each the status (`None`: the kind has no
/// statuses) and its documents by title.
pub(in crate::render) type StatusGroups = Vec<(Option<String>, Vec<usize>)>;

/// Each kind's documents in the order its index lists them (by status in the kinds table's
/// order, then by title), and each folder's pages by title; made once for every page of
/// every list, so that a list of a thousand pages is sorted once, not a thousand times.
pub(in crate::render) struct Lists {
    /// Kind → its status groups.
    pub kinds: BTreeMap<KindId, StatusGroups>,
    /// Folder (a path under `content/`) → the pages in it or below it, by title.
    pub folders: BTreeMap<String, Vec<usize>>,
    /// Folder → its introduction (`_index.md`).
    pub intros: BTreeMap<String, usize>,
}

impl Lists {
    pub(in crate::render) fn new(r: &Renderer<'_>) -> Lists {
        let site = r.site;
        let kinds_table = &r.config.kinds;
        let mut by_kind: BTreeMap<KindId, Vec<usize>> = BTreeMap::new();
        let mut folders: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut intros = BTreeMap::new();
        let page = kinds_table.page();
        for (i, d) in site.docs.iter().enumerate() {
            if d.is_index {
                intros.entry(d.intro_folder().to_string()).or_insert(i);
                continue;
            }
            by_kind.entry(d.kind).or_default().push(i);
            if d.kind == page {
                // Every folder above the page lists it, not only its own.
                let dir = d.source.dir();
                let mut at = dir.len();
                while !dir.is_empty() {
                    folders.entry(dir[..at].to_string()).or_default().push(i);
                    match dir[..at].rfind('/') {
                        Some(slash) => at = slash,
                        None => break,
                    }
                }
            }
        }
        for items in folders.values_mut() {
            by_title(site, items);
        }
        let kinds = by_kind
            .into_iter()
            .map(|(k, mut items)| {
                by_title(site, &mut items);
                let kind = kinds_table.get(k);
                let groups = if kind.statuses.is_empty() {
                    vec![(None, items)]
                } else {
                    kind.statuses
                        .iter()
                        .map(|s| {
                            let of: Vec<usize> = items
                                .iter()
                                .copied()
                                .filter(|&i| site.docs[i].status.as_deref() == Some(s.as_str()))
                                .collect();
                            (Some(s.clone()), of)
                        })
                        .filter(|(_, of)| !of.is_empty())
                        .collect::<StatusGroups>()
                        .into_iter()
                        .chain(kept_as_written(site, &kind.statuses, &items))
                        .collect()
                };
                (k, groups)
            })
            .collect();
        Lists {
            kinds,
            folders,
            intros,
        }
    }
}

/// Statuses outside a kind's vocabulary, kept as written (documents brought from other
/// tools), each a group of its own after the vocabulary's, in name order.
fn kept_as_written(site: &Site, vocabulary: &[String], items: &[usize]) -> StatusGroups {
    let mut other: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in items {
        if let Some(s) = site.docs[i].status.as_deref() {
            if !vocabulary.iter().any(|v| v == s) {
                other.entry(s.to_string()).or_default().push(i);
            }
        }
    }
    other.into_iter().map(|(s, of)| (Some(s), of)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_pages_live_below_the_list_and_are_recognised() {
        let first = UrlPath::page(["decisions"]);
        assert_eq!(url(first.clone(), 1).as_str(), "/decisions/");
        assert_eq!(url(first, 12).as_str(), "/decisions/page/12/");
        assert_eq!(
            url(UrlPath::page(["tags", "cost"]), 2).as_str(),
            "/tags/cost/page/2/"
        );
        assert!(is_page_address("/decisions/page/12/"));
        assert!(is_page_address("/guides/ops/page/2/"));
        for not in [
            "/decisions/page/1/",
            "/decisions/page/",
            "/page/x/",
            "/a/page/02/",
            "/",
        ] {
            assert!(!is_page_address(not), "{not}");
        }
    }

    #[test]
    fn keys_are_the_list_then_its_numbered_parts() {
        let keys: Vec<Key> = keys(Key::Name("ops".into()), 3).collect();
        assert_eq!(keys.len(), 3);
        assert_eq!(split(&keys[0]), (&Key::Name("ops".into()), 1));
        assert_eq!(split(&keys[2]), (&Key::Name("ops".into()), 3));
    }
}
