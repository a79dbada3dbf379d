//! The values templates see. Built from the linked site; nothing here knows tera.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::link::Site;
use crate::names::{UrlPath, slugify};

/// A link to a document, as lists, trees and relation panels show it.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub href: String,
    pub kind: String,
    pub kind_label: String,
    pub status: Option<String>,
    pub summary: Option<String>,
    /// The date the document last changed, `YYYY-MM-DD`.
    pub date: Option<String>,
}

/// A labelled list of links (relations by type, backlinks by kind, index by status).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub label: String,
    pub items: Vec<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagView {
    pub name: String,
    pub href: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub text: String,
    pub anchor: String,
}

/// Everything a document page shows.
#[derive(Debug, Serialize)]
pub struct DocView {
    #[serde(flatten)]
    pub link: LinkView,
    pub id: String,
    pub owners: Vec<String>,
    pub tags: Vec<TagView>,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub review_by: Option<String>,
    pub review_overdue: bool,
    pub fields: Vec<Field>,
    pub toc: Vec<TocEntry>,
    pub relations: Vec<Group>,
    pub inverse: Vec<Group>,
    pub backlinks: Vec<Group>,
    pub content: String,
    pub words: usize,
    pub source: String,
    /// The document and its one-hop neighbours as inline SVG, when it has relations.
    pub neighbourhood: Option<String>,
    /// Its print packet, for kinds that have one.
    pub packet_href: Option<String>,
}

/// A node of the home page's tree (vision → strategy → decision, from `serves`).
#[derive(Debug, Clone, Serialize)]
pub struct TreeNode {
    #[serde(flatten)]
    pub link: LinkView,
    pub children: Vec<TreeNode>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewItem {
    #[serde(flatten)]
    pub link: LinkView,
    pub review_by: String,
    pub overdue: bool,
}

/// A kind or status the graph page can filter on, with how many nodes have it.
#[derive(Debug, Clone, Serialize)]
pub struct FacetView {
    pub name: String,
    pub label: String,
    pub count: usize,
}

/// One node of the graph page's list view: the document and what it points at.
#[derive(Debug, Clone, Serialize)]
pub struct GraphListItem {
    #[serde(flatten)]
    pub link: LinkView,
    pub relations: Vec<Group>,
}

/// One dated event of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub date: String,
    /// `created`, `updated`, or the status the document reached (`accepted`, `superseded`…).
    pub event: String,
    pub label: String,
    pub link: LinkView,
    /// The document that caused the event (what superseded this one).
    pub by: Option<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearView {
    pub year: i16,
    pub events: Vec<EventView>,
}

/// A document inside a print packet, with its body rendered for that page.
#[derive(Debug, Clone, Serialize)]
pub struct PacketDoc {
    #[serde(flatten)]
    pub link: LinkView,
    pub anchor: String,
    pub owners: Vec<String>,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub url: String,
    pub content: String,
}

/// A part of a print packet: the strategy, the vision it serves, its decisions…
#[derive(Debug, Clone, Serialize)]
pub struct PacketSection {
    pub heading: String,
    pub anchor: String,
    pub docs: Vec<PacketDoc>,
}

pub fn date(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// One [`LinkView`] per document, built once and cloned where listed.
pub fn link_views(site: &Site, config: &SiteConfig) -> Vec<LinkView> {
    site.docs
        .iter()
        .zip(&site.urls)
        .map(|(d, url)| {
            let kind = config.kinds.get(d.kind);
            LinkView {
                title: d.title.clone(),
                href: config.base_url.href(url),
                kind: kind.name.clone(),
                kind_label: kind.label.clone(),
                status: d.status.clone(),
                summary: d.summary.clone(),
                date: date(d.changed()),
            }
        })
        .collect()
}

/// Tag name → documents carrying it (sorted by title).
pub fn tag_index(site: &Site) -> BTreeMap<String, Vec<usize>> {
    let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, d) in site.docs.iter().enumerate() {
        for t in &d.tags {
            tags.entry(t.clone()).or_default().push(i);
        }
    }
    for docs in tags.values_mut() {
        docs.sort_by(|&a, &b| site.docs[a].title.cmp(&site.docs[b].title).then(a.cmp(&b)));
    }
    tags
}

pub fn tag_url(tag: &str) -> UrlPath {
    UrlPath::page(["tags", slugify(tag).as_str()])
}

/// Sorts document indices by title, then path, for stable lists.
pub fn by_title(site: &Site, items: &mut [usize]) {
    items.sort_by(|&a, &b| {
        site.docs[a]
            .title
            .cmp(&site.docs[b].title)
            .then_with(|| site.docs[a].source.cmp(&site.docs[b].source))
    });
}
