//! A document's own page (at its URL, theme template `doc.html`): breadcrumbs, its folder's
//! sidebar and previous/next (from `render::nav`), metadata, table of contents, body, its
//! connections (relations both ways and backlinks, one entry per document), its one-hop
//! neighbourhood and, for packet kinds, a link to its print packet.

use serde::Serialize;

use super::packet::has_packet;
use super::{PageType, Route, kind_url};
use crate::graph::layout;
use crate::graph::svg::{self, SvgOptions};
use crate::graph::{Graph, Members};
use crate::names::UrlPath;
use crate::relation::Relation;
use crate::render::lazy::{Body, Html, Lazy};
use crate::render::nav::{self, NavView};
use crate::render::views::{LinkView, TagView, by_title, date, linked};
use crate::render::{Key, Prepared, Renderer, humanize_key};

pub(super) struct Document;

/// Neighbours drawn on each side of a document; its relation panels list them all.
const NEIGHBOURS_PER_SIDE: usize = 12;

#[derive(Debug, Clone, Serialize)]
struct Field<'r> {
    name: String,
    value: &'r str,
}

#[derive(Debug, Clone, Serialize)]
struct TocEntry<'r> {
    level: u8,
    text: &'r str,
    anchor: &'r str,
}

linked! {
    /// Everything a document page shows.
    struct DocView<'r> {
        link: &'r LinkView,
        id: &'r str,
        /// Shown under a "draft" banner: only a build with drafts has it.
        draft: bool,
        /// Open proposals to supersede it (not accepted yet: it is still in force).
        proposals: Vec<&'r LinkView>,
        owners: &'r [String],
        /// Which dates and people came from git where front matter is silent.
        from_git: &'r crate::doc::FromGit,
        tags: Vec<TagView<'r>>,
        created: Option<String>,
        updated: Option<String>,
        review_by: Option<String>,
        review_overdue: bool,
        fields: Vec<Field<'r>>,
        toc: Vec<TocEntry<'r>>,
        /// Every document it is related to or linked from, once each.
        connections: Vec<Connection<'r>>,
        content: Html<'r>,
        words: usize,
        source: &'r str,
        /// The document and its one-hop neighbours as inline SVG, when it has relations.
        neighbourhood: Option<Lazy<'r, Around<'r>>>,
        /// Its print packet, for kinds that have one.
        packet_href: Option<String>,
        /// Its commits and status transitions, when git knows it.
        history: Option<crate::render::history::HistoryView<'r>>,
        /// "Edit this page" and "View source", when `site.yaml` names the repository.
        edit_href: Option<String>,
        source_href: Option<String>,
        /// Breadcrumbs, its folder's sidebar, previous and next.
        nav: NavView<'r>,
    }
}

linked! {
    /// A document this one is connected to, with every way they are: `Serves`, `Used by`,
    /// `Linked from`…
    struct Connection<'r> {
        link: &'r LinkView,
        labels: Vec<&'static str>,
    }
}

#[derive(Serialize)]
struct DocPage<'r> {
    doc: DocView<'r>,
    kind_href: String,
}

/// What a neighbourhood is drawn from: the document's node among its neighbours, not yet
/// named. Its compact form is each node's id and link (title, address, kind, status), the
/// edges and columns: what the drawing shows, at the cost of no graph built.
struct Around<'r> {
    r: &'r Renderer<'r>,
    members: Members,
    node: usize,
}

impl Serialize for Around<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Around { r, members, node } = self;
        let Members {
            docs,
            edges,
            columns,
        } = members;
        let nodes: Vec<(&str, &LinkView)> = docs
            .iter()
            .map(|&j| (r.site.docs[j].id.as_str(), &r.views[j]))
            .collect();
        let edges: Vec<(usize, usize, Relation)> =
            edges.iter().map(|e| (e.from, e.to, e.relation)).collect();
        (nodes, edges, columns, node, NEIGHBOURS_PER_SIDE).serialize(s)
    }
}

impl PageType for Document {
    fn name(&self) -> &'static str {
        "doc"
    }

    fn route(&self) -> Route {
        Route::Content
    }

    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        (0..r.site.docs.len())
            .filter(|&i| !r.site.docs[i].is_index)
            .map(Key::Doc)
            .collect()
    }

    fn url(&self, r: &Renderer<'_>, key: &Key) -> UrlPath {
        r.site.urls[doc_of(key)].clone()
    }

    fn sitemap(&self, r: &Renderer<'_>, key: &Key) -> Option<Option<jiff::civil::Date>> {
        Some(r.site.docs[doc_of(key)].changed())
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let i = doc_of(key);
        let site = r.site;
        let base = &r.config.base_url;
        let d = &site.docs[i];
        let connections = connections(r, i);
        let view = DocView {
            link: &r.views[i],
            id: d.id.as_str(),
            draft: d.draft,
            proposals: site.proposals[i].iter().map(|&j| &r.views[j]).collect(),
            owners: &d.owners,
            from_git: &d.from_git,
            tags: d
                .tags
                .iter()
                .map(|t| TagView {
                    name: t,
                    href: r.tag_href(t),
                    count: 0,
                })
                .collect(),
            created: date(d.created),
            updated: date(d.updated),
            review_by: date(d.review_by),
            review_overdue: d.review_by.is_some_and(|x| x < r.env.today),
            fields: d
                .fields
                .iter()
                .map(|(n, v)| Field {
                    name: humanize_key(n),
                    value: v,
                })
                .collect(),
            toc: d
                .outline
                .headings
                .iter()
                .enumerate()
                .filter(|(h, x)| Some(*h) != d.title_heading && (2..=3).contains(&x.level))
                .map(|(_, h)| TocEntry {
                    level: h.level,
                    text: &h.text,
                    anchor: &h.anchor,
                })
                .collect(),
            connections,
            content: Html::of(r, Body::page(r, i)),
            words: d.words,
            source: &d.file,
            neighbourhood: around(r, i).map(|a| Lazy::new(r, a, draw)),
            packet_href: has_packet(r, i)
                .then(|| base.href(&crate::link::packet_url(&site.urls[i]))),
            history: crate::render::history::of_doc(r, i),
            edit_href: r.config.repository.as_ref().map(|x| x.edit_url(&d.file)),
            source_href: r.config.repository.as_ref().map(|x| x.view_url(&d.file)),
            nav: nav::of(r, i),
        };
        let page = DocPage {
            doc: view,
            kind_href: base.href(&kind_url(r.config, d.kind)),
        };
        r.templated("doc.html", &d.title, site.urls[i].clone(), page)
            .naming(&d.file)
    }
}

/// One entry per connected document: those it points at in the order written, then those
/// pointing at it by title, then those only linking to it from their text by title. Each
/// carries its labels in that same order, without repeats (`Related` goes both ways).
fn connections<'r>(r: &'r Renderer<'r>, i: usize) -> Vec<Connection<'r>> {
    let site = r.site;
    let mut order: Vec<usize> = Vec::new();
    let mut labels: std::collections::HashMap<usize, Vec<&'static str>> = Default::default();
    let mut add = |j: usize, label: &'static str, order: &mut Vec<usize>| {
        let l = labels.entry(j).or_insert_with(|| {
            order.push(j);
            Vec::new()
        });
        if !l.contains(&label) {
            l.push(label);
        }
    };
    for &(rel, j) in &site.relations[i] {
        add(j, rel.label(), &mut order);
    }
    let mut incoming: Vec<usize> = site.inverse[i].iter().map(|&(_, j)| j).collect();
    incoming.extend(site.backlinks[i].iter().copied());
    by_title(site, &mut incoming);
    incoming.dedup();
    for j in incoming {
        for rel in Relation::ALL {
            if site.inverse[i].contains(&(rel, j)) {
                add(j, rel.inverse_label(), &mut order);
            }
        }
        if site.backlinks[i].contains(&j) {
            add(j, "Linked from", &mut order);
        }
    }
    order
        .into_iter()
        .filter(|&j| j != i)
        .map(|j| Connection {
            link: &r.views[j],
            labels: labels.remove(&j).unwrap_or_default(),
        })
        .collect()
}

fn doc_of(key: &Key) -> usize {
    match key {
        Key::Doc(i) => *i,
        other => unreachable!("a document page is keyed by its document, not {other:?}"),
    }
}

/// Document `i` and its one-hop neighbours; `None` when it has no relations to draw.
fn around<'r>(r: &'r Renderer<'r>, i: usize) -> Option<Around<'r>> {
    let members = Members::around(r.site, r.columns(), i);
    let node = members.node_of_doc(i)?;
    members
        .edges
        .iter()
        .any(|e| e.from == node || e.to == node)
        .then_some(Around { r, members, node })
}

/// The neighbourhood's caption and picture. The caption says which sides are drawn, read
/// from the laid-out scene: a neighbour related both ways is drawn on the right.
fn draw(r: &Renderer<'_>, a: &Around<'_>) -> String {
    let g = &Graph::named(r.site, r.config, a.members.clone());
    let kinds = &r.config.kinds;
    let Some(scene) = layout::neighbourhood(g, kinds, a.node, NEIGHBOURS_PER_SIDE) else {
        return String::new();
    };
    let me = scene
        .boxes
        .iter()
        .find(|b| b.current)
        .map_or(0, |b| b.x);
    let left = scene.boxes.iter().any(|b| b.x < me);
    let right = scene.boxes.iter().filter(|b| b.x > me);
    let both_ways = right.clone().any(|b| {
        g.edges_of(a.node)
            .any(|e| e.from == b.node && e.to == a.node)
    });
    let points_at = if both_ways {
        "what it points at or is related to both ways"
    } else {
        "what it points at"
    };
    let kind = kinds.get(g.nodes[a.node].kind).label.to_lowercase();
    let sides = match (left, right.count() > 0) {
        (true, true) => format!("what points at it on the left, {points_at} on the right"),
        (true, false) => "what points at it, on the left".to_string(),
        _ => format!("{points_at}, on the right"),
    };
    let svg = svg::render(
        &scene,
        g,
        kinds,
        &SvgOptions {
            id: "neighbourhood",
            label: &format!("{} and the documents it is related to", g.nodes[a.node].title),
        },
    );
    format!(
        "<figcaption>How this {} connects: {sides}.</figcaption>\n<div class=\"graph-scroll\">\n{svg}\n</div>",
        crate::markdown::escape(&kind)
    )
}
