//! The home page (`/`, theme template `home.html`): the site's introduction, the tree of
//! documents from `serves` (visions → strategies → decisions), documents that serve nothing
//! though they should, the latest changes, reviews due within 30 days, and counts per kind.
//! Every list is cut short ([`SHOWN`] entries, each tree node [`CHILDREN`] children) with the
//! number left out, so the page stays one screenful whatever the site's size: the full lists
//! are the kinds' indexes and each document's own relations.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{PageType, Route, kind_url};
use crate::render::lazy::Html;
use crate::render::views::{LinkView, by_title, linked};
use crate::render::{Key, NavItem, Prepared, Renderer};
use crate::relation::Relation;

pub(super) struct Home;

/// How many roots of the tree, loose documents and reviews the page shows.
const SHOWN: usize = 20;
/// How many children of a tree node the page shows.
const CHILDREN: usize = 8;

linked! {
    /// A node of the tree (vision → strategy → decision, from `serves`).
    #[derive(Debug, Clone)]
    struct TreeNode<'r> {
        link: &'r LinkView,
        children: Vec<TreeNode<'r>>,
        /// Children left out.
        more: usize,
    }
}

linked! {
    #[derive(Debug, Clone)]
    struct ReviewItem<'r> {
        link: &'r LinkView,
        review_by: String,
        overdue: bool,
    }
}

#[derive(Serialize)]
struct HomeView<'r> {
    intro: Html<'r>,
    tree: Vec<TreeNode<'r>>,
    loose: Vec<&'r LinkView>,
    recent: Vec<&'r LinkView>,
    review: Vec<ReviewItem<'r>>,
    /// How many roots, loose documents and reviews were left out.
    more: More,
    counts: Vec<NavItem>,
}

#[derive(Serialize)]
struct More {
    tree: usize,
    loose: usize,
    review: usize,
}

/// The first `keep` of `items`, and how many were left out.
fn cut<T>(mut items: Vec<T>, keep: usize) -> (Vec<T>, usize) {
    let more = items.len().saturating_sub(keep);
    items.truncate(keep);
    (items, more)
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
        let (tree, tree_more) = tree(r);
        let (loose, loose_more) = cut(loose(r), SHOWN);
        let (review, review_more) = cut(review(r), SHOWN);
        let view = HomeView {
            intro,
            tree,
            loose,
            recent: recent.into_iter().map(|i| &r.views[i]).collect(),
            review,
            more: More {
                tree: tree_more,
                loose: loose_more,
                review: review_more,
            },
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
fn tree<'r>(r: &'r Renderer<'r>) -> (Vec<TreeNode<'r>>, usize) {
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
    let (roots, more) = cut(roots, SHOWN);
    let nodes = roots
        .into_iter()
        .map(|root| node(r, root, &mut vec![root]))
        .collect();
    (nodes, more)
}

fn node<'r>(r: &'r Renderer<'r>, i: usize, path: &mut Vec<usize>) -> TreeNode<'r> {
    let mut kids: Vec<usize> = r.site.inverse[i]
        .iter()
        .filter(|(rel, j)| *rel == Relation::Serves && !path.contains(j))
        .map(|(_, j)| *j)
        .collect();
    by_title(r.site, &mut kids);
    let (kids, more) = cut(kids, CHILDREN);
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
        more,
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
