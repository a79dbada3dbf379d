//! The home page (`/`, theme template `home.html`): the site's introduction, the tree of
//! documents from `serves` (visions → strategies → decisions), documents that serve nothing
//! though they should, the latest changes, reviews due within 30 days, and counts per kind.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{PageType, Route, kind_url};
use crate::render::lazy::Html;
use crate::render::views::{LinkView, by_title};
use crate::render::{Key, NavItem, Prepared, Renderer};
use crate::relation::Relation;

pub(super) struct Home;

/// A node of the tree (vision → strategy → decision, from `serves`).
#[derive(Debug, Clone, Serialize)]
struct TreeNode<'r> {
    #[serde(flatten)]
    link: &'r LinkView,
    children: Vec<TreeNode<'r>>,
}

#[derive(Debug, Clone, Serialize)]
struct ReviewItem<'r> {
    #[serde(flatten)]
    link: &'r LinkView,
    review_by: String,
    overdue: bool,
}

#[derive(Serialize)]
struct HomeView<'r> {
    intro: Html<'r>,
    tree: Vec<TreeNode<'r>>,
    loose: Vec<&'r LinkView>,
    recent: Vec<&'r LinkView>,
    review: Vec<ReviewItem<'r>>,
    counts: Vec<NavItem>,
}

impl PageType for Home {
    fn name(&self) -> &'static str {
        "home"
    }

    fn route(&self) -> Route {
        Route::At("/")
    }

    fn sitemap(&self, _r: &Renderer<'_>, _key: &Key) -> Option<Option<jiff::civil::Date>> {
        Some(None)
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let site = r.site;
        let (title, intro) = r.intro("");
        let title = title.unwrap_or_else(|| r.config.title.clone());
        let mut recent: Vec<usize> = (0..site.docs.len())
            .filter(|&i| !site.docs[i].is_index && site.docs[i].changed().is_some())
            .collect();
        recent.sort_by(|&a, &b| {
            site.docs[b]
                .changed()
                .cmp(&site.docs[a].changed())
                .then_with(|| site.docs[a].title.cmp(&site.docs[b].title))
        });
        recent.truncate(r.config.home_recent);
        let view = HomeView {
            intro,
            tree: tree(r),
            loose: loose(r),
            recent: recent.into_iter().map(|i| &r.views[i]).collect(),
            review: review(r),
            counts: r
                .config
                .kinds
                .iter()
                .filter(|(_, k)| !k.is_page())
                .map(|(id, k)| NavItem {
                    label: format!("{} {}", site.of_kind(id).count(), k.plural.to_lowercase()),
                    href: r.config.base_url.href(&kind_url(r.config, id)),
                })
                .filter(|n| !n.label.starts_with("0 "))
                .collect(),
        };
        r.templated("home.html", &title, self.url(r, key), view)
    }
}

/// Documents due for review within 30 days, soonest first.
fn review<'r>(r: &'r Renderer<'r>) -> Vec<ReviewItem<'r>> {
    let site = r.site;
    let mut review: Vec<usize> = (0..site.docs.len())
        .filter(|&i| site.docs[i].review_by.is_some() && !site.docs[i].is_index)
        .collect();
    review.sort_by(|&a, &b| {
        site.docs[a]
            .review_by
            .cmp(&site.docs[b].review_by)
            .then_with(|| site.docs[a].title.cmp(&site.docs[b].title))
    });
    let today = r.env.today;
    let horizon = today
        .checked_add(jiff::Span::new().days(30))
        .unwrap_or(today);
    review
        .into_iter()
        .filter(|&i| site.docs[i].review_by.is_some_and(|d| d <= horizon))
        .map(|i| {
            let due = site.docs[i].review_by.expect("filtered on review_by");
            ReviewItem {
                link: &r.views[i],
                review_by: due.to_string(),
                overdue: due < today,
            }
        })
        .collect()
}

/// Roots are documents of kinds that something serves but that serve nothing themselves
/// (visions, by default); children are the documents that serve them, recursively.
fn tree<'r>(r: &'r Renderer<'r>) -> Vec<TreeNode<'r>> {
    let kinds = &r.config.kinds;
    let served: BTreeSet<&str> = kinds
        .iter()
        .flat_map(|(_, k)| k.serves.iter().map(String::as_str))
        .collect();
    let mut roots: Vec<usize> = kinds
        .iter()
        .filter(|(_, k)| k.serves.is_empty() && served.contains(k.name.as_str()))
        .flat_map(|(id, _)| r.site.of_kind(id))
        .collect();
    by_title(r.site, &mut roots);
    roots
        .into_iter()
        .map(|root| node(r, root, &mut vec![root]))
        .collect()
}

fn node<'r>(r: &'r Renderer<'r>, i: usize, path: &mut Vec<usize>) -> TreeNode<'r> {
    let mut kids: Vec<usize> = r.site.inverse[i]
        .iter()
        .filter(|(rel, j)| *rel == Relation::Serves && !path.contains(j))
        .map(|(_, j)| *j)
        .collect();
    by_title(r.site, &mut kids);
    let children = kids
        .into_iter()
        .map(|k| {
            path.push(k);
            let n = node(r, k, path);
            path.pop();
            n
        })
        .collect();
    TreeNode {
        link: &r.views[i],
        children,
    }
}

/// Documents that should serve something but do not.
fn loose<'r>(r: &'r Renderer<'r>) -> Vec<&'r LinkView> {
    let mut items: Vec<usize> = (0..r.site.docs.len())
        .filter(|&i| {
            let d = &r.site.docs[i];
            !d.is_index
                && !r.config.kinds.get(d.kind).serves.is_empty()
                && !r.site.relations[i]
                    .iter()
                    .any(|(rel, _)| *rel == Relation::Serves)
                && d.status
                    .as_deref()
                    .is_none_or(|s| r.config.kinds.get(d.kind).meaning(s).applies())
        })
        .collect();
    by_title(r.site, &mut items);
    items.into_iter().map(|i| &r.views[i]).collect()
}
