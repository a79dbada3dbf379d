//! A kind's index (`/<folder>/`, theme template `kind.html`): its introduction, then its
//! documents grouped by status in the kinds table's order; a long one is split into pages
//! (`/<folder>/page/<n>/`, see `paging`), each holding its slice of the groups.

use serde::Serialize;

use super::paging::{self, Pager};
use super::{PageType, Route};
use crate::config::SiteConfig;
use crate::kinds::{Kind, KindId};
use crate::names::UrlPath;
use crate::render::lazy::Html;
use crate::render::views::LinkView;
use crate::render::{Key, Prepared, Renderer};

pub(super) struct KindIndex;

/// Where a kind's index is.
pub(in crate::render) fn kind_url(config: &SiteConfig, k: KindId) -> UrlPath {
    UrlPath::page([config.kinds.get(k).folder.as_str()])
}

#[derive(Serialize)]
struct KindView<'r> {
    kind: &'r Kind,
    /// On the first page only.
    intro: Html<'r>,
    groups: Vec<StatusGroup<'r>>,
    pager: Option<Pager>,
}

/// The documents of one status on this page, and how many the kind has in all.
#[derive(Serialize)]
struct StatusGroup<'r> {
    label: &'r str,
    total: usize,
    items: Vec<&'r LinkView>,
}

/// The kind and the page number.
fn kind_of(key: &Key) -> (KindId, usize) {
    match paging::split(key) {
        (Key::Kind(k), n) => (*k, n),
        (other, _) => unreachable!("a kind's index is keyed by its kind, not {other:?}"),
    }
}

/// How many documents the kind's index lists.
fn listed(r: &Renderer<'_>, k: KindId) -> usize {
    r.lists()
        .kinds
        .get(&k)
        .map_or(0, |groups| groups.iter().map(|(_, items)| items.len()).sum())
}

impl PageType for KindIndex {
    fn name(&self) -> &'static str {
        "kind"
    }

    fn route(&self) -> Route {
        Route::Content
    }

    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        r.config
            .kinds
            .iter()
            .filter(|(id, kind)| !kind.is_page() && r.site.of_kind(*id).next().is_some())
            .flat_map(|(id, _)| {
                let pages = r.config.paginate.pages(listed(r, id));
                paging::keys(Key::Kind(id), pages)
            })
            .collect()
    }

    fn url(&self, r: &Renderer<'_>, key: &Key) -> UrlPath {
        let (k, n) = kind_of(key);
        paging::url(kind_url(r.config, k), n)
    }

    fn sitemap(&self, _r: &Renderer<'_>, _key: &Key) -> Option<Option<jiff::civil::Date>> {
        Some(None)
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let (k, n) = kind_of(key);
        let kind = r.config.kinds.get(k);
        let all: &[(Option<String>, Vec<usize>)] =
            r.lists().kinds.get(&k).map_or(&[], Vec::as_slice);
        let total = listed(r, k);
        let pages = r.config.paginate.pages(total);
        let shown = r.config.paginate.range(total, n);
        // The groups in order, cut to the slice of the whole list this page holds.
        let mut groups = Vec::new();
        let mut at = 0;
        for (status, items) in all {
            let here = at..at + items.len();
            at = here.end;
            let from = shown.start.max(here.start);
            let to = shown.end.min(here.end);
            if from >= to {
                continue;
            }
            groups.push(StatusGroup {
                label: status.as_deref().unwrap_or(&kind.plural),
                total: items.len(),
                items: items[from - here.start..to - here.start]
                    .iter()
                    .map(|&i| &r.views[i])
                    .collect(),
            });
        }
        let first = kind_url(r.config, k);
        let (title, intro) = r.intro(&kind.folder);
        let mut title = title.unwrap_or_else(|| kind.plural.clone());
        let intro = if n == 1 { intro } else { Html::maybe(r, None) };
        if n > 1 {
            title = format!("{title} · page {n} of {pages}");
        }
        let view = KindView {
            kind,
            intro,
            groups,
            pager: paging::pager(r, &first, n, pages, total),
        };
        r.templated("kind.html", &title, paging::url(first, n), view)
    }
}
