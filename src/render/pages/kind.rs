//! A kind's index (`/<folder>/`, theme template `kind.html`): its introduction, then its
//! documents grouped by status in the kinds table's order.

use serde::Serialize;

use super::{PageType, Route};
use crate::config::SiteConfig;
use crate::kinds::{Kind, KindId};
use crate::names::UrlPath;
use crate::render::lazy::Html;
use crate::render::views::{Group, by_title};
use crate::render::{Key, Prepared, Renderer};

pub(super) struct KindIndex;

/// Where a kind's index is.
pub(in crate::render) fn kind_url(config: &SiteConfig, k: KindId) -> UrlPath {
    UrlPath::page([config.kinds.get(k).folder.as_str()])
}

#[derive(Serialize)]
struct KindView<'r> {
    kind: &'r Kind,
    intro: Html<'r>,
    groups: Vec<Group<'r>>,
}

fn kind_of(key: &Key) -> KindId {
    match key {
        Key::Kind(k) => *k,
        other => unreachable!("a kind's index is keyed by its kind, not {other:?}"),
    }
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
            .map(|(id, _)| Key::Kind(id))
            .collect()
    }

    fn url(&self, r: &Renderer<'_>, key: &Key) -> UrlPath {
        kind_url(r.config, kind_of(key))
    }

    fn sitemap(&self, _r: &Renderer<'_>, _key: &Key) -> Option<Option<jiff::civil::Date>> {
        Some(None)
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let k = kind_of(key);
        let kind = r.config.kinds.get(k);
        let statuses: Vec<Option<&str>> = if kind.statuses.is_empty() {
            vec![None]
        } else {
            kind.statuses.iter().map(|s| Some(s.as_str())).collect()
        };
        let mut groups = Vec::new();
        for status in statuses {
            let mut items: Vec<usize> = r
                .site
                .of_kind(k)
                .filter(|&i| r.site.docs[i].status.as_deref() == status)
                .collect();
            if items.is_empty() {
                continue;
            }
            by_title(r.site, &mut items);
            groups.push(Group {
                label: status.unwrap_or(&kind.plural).to_string(),
                items: items.into_iter().map(|i| &r.views[i]).collect(),
            });
        }
        let (title, intro) = r.intro(&kind.folder);
        let title = title.unwrap_or_else(|| kind.plural.clone());
        let view = KindView {
            kind,
            intro,
            groups,
        };
        r.templated("kind.html", &title, kind_url(r.config, k), view)
    }
}
