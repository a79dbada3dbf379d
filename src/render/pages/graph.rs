//! `/graph/` (theme template `graph.html`): the whole relation graph as build-time SVG, with
//! kind and status filters, a legend and a list view for screen readers. A graph of more than
//! [`WHOLE_UP_TO`] documents is summarised instead: how many relations of each type run from
//! kind to kind, and the picture and list of the [`MOST_CONNECTED`] documents, so the page
//! stays small; each document's neighbourhood is on its own page and `graph.json` stays
//! complete. Layout and drawing live in `crate::graph`; this file only picks what to show and
//! hands it to the template.
//! [`Drawn`] is how the graph enters the page digest (a neighbourhood enters by its members).

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::{PageType, Route, graph_json};
use crate::graph::svg::{self, SvgOptions};
use crate::graph::{Graph, Node, layout};
use crate::relation::Relation;
use crate::render::views::{Group, linked};
use crate::render::{Key, Prepared, Renderer};

pub(super) struct GraphPage;

/// The largest graph the page draws whole: a picture of more boxes than this is neither
/// readable nor small.
const WHOLE_UP_TO: usize = 1000;
/// How many documents a summary draws.
const MOST_CONNECTED: usize = 150;

/// Where `graph.html` puts the picture (`{{ svg | safe }}`).
const SVG_SLOT: &str = "<!-- cairn: relation graph -->";

/// `html` with the first `slot` replaced by `content`; unchanged when a theme left it out.
fn splice(html: Vec<u8>, slot: &[u8], content: &[u8]) -> Vec<u8> {
    let Some(at) = html.windows(slot.len()).position(|w| w == slot) else {
        return html;
    };
    let mut out = Vec::with_capacity(html.len() - slot.len() + content.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(content);
    out.extend_from_slice(&html[at + slot.len()..]);
    out
}

/// A kind or status the page can filter on, with how many nodes have it.
#[derive(Debug, Clone, Serialize)]
struct FacetView {
    name: String,
    label: String,
    count: usize,
}

linked! {
    /// One node of the list view: the document and what it points at.
    #[derive(Debug, Clone)]
    struct GraphListItem<'r> {
        link: &'r LinkView,
        relations: Vec<Group<'r>>,
    }
}

#[derive(Serialize)]
struct GraphView<'r> {
    /// The picture goes into the page after rendering: it is the largest string of a big
    /// site's build, and the template context would copy it.
    svg: Picture<'r>,
    kinds: Vec<FacetView>,
    statuses: Vec<FacetView>,
    node_count: usize,
    edge_count: usize,
    list: Vec<GraphListItem<'r>>,
    json_href: String,
    relations: Vec<&'static str>,
    /// Present when the graph is too large to draw whole.
    summary: Option<Summary>,
}

/// What the page shows of a graph too large to draw.
#[derive(Serialize)]
struct Summary {
    /// How many documents the picture and the list hold.
    shown: usize,
    /// Relations counted from kind to kind.
    links: Vec<KindLink>,
}

#[derive(Serialize)]
struct KindLink {
    from: String,
    relation: &'static str,
    to: String,
    count: usize,
}

/// The picture: the slot to the template, the graph to the digest.
struct Picture<'r> {
    r: &'r Renderer<'r>,
    /// The summary's graph; `None` for the whole one.
    part: Option<Graph>,
}

impl Serialize for Picture<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(SVG_SLOT)
        } else {
            Drawn(self.graph()).serialize(s)
        }
    }
}

impl Picture<'_> {
    fn graph(&self) -> &Graph {
        self.part.as_ref().unwrap_or_else(|| self.r.graph())
    }

    fn draw(&self) -> String {
        let (g, kinds) = (self.graph(), &self.r.config.kinds);
        let label = if self.part.is_some() {
            "Relation graph of the most connected documents"
        } else {
            "Relation graph of all documents"
        };
        svg::render(
            &layout::full(g, kinds),
            g,
            kinds,
            &SvgOptions {
                id: "relation-graph",
                label,
            },
        )
    }
}

/// What a drawing of `graph` is made from: its nodes (without the positions of their
/// documents in the site, which no drawing shows), edges and columns.
struct Drawn<'g>(pub(super) &'g Graph);

impl Serialize for Drawn<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let g = self.0;
        let nodes = g.nodes.iter().map(|n| {
            let Node {
                doc: _,
                id,
                kind,
                title,
                status,
                href,
            } = n;
            (id, kind, title, status, href)
        });
        let edges = g.edges.iter().map(|e| (e.from, e.to, e.relation));
        (
            Seq(std::cell::Cell::new(Some(nodes))),
            Seq(std::cell::Cell::new(Some(edges))),
            &g.columns,
        )
            .serialize(s)
    }
}

/// An iterator serialised as a sequence, once.
struct Seq<I>(std::cell::Cell<Option<I>>);

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Seq<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.take().into_iter().flatten())
    }
}

impl PageType for GraphPage {
    fn name(&self) -> &'static str {
        "graph"
    }

    fn route(&self) -> Route {
        Route::At("/graph/")
    }

    fn href(&self) -> Option<&'static str> {
        Some("graph_href")
    }

    fn sitemap(&self, _r: &Renderer<'_>, _key: &Key) -> Option<Option<jiff::civil::Date>> {
        Some(None)
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let g = r.graph();
        let kinds = &r.config.kinds;
        let facets: Vec<FacetView> = g
            .columns
            .iter()
            .map(|&k| {
                let kind = kinds.get(k);
                FacetView {
                    name: kind.name.clone(),
                    label: kind.plural.clone(),
                    count: g.nodes.iter().filter(|n| n.kind == k).count(),
                }
            })
            .collect();
        let part = (g.nodes.len() > WHOLE_UP_TO).then(|| g.most_connected(MOST_CONNECTED));
        let summary = part.as_ref().map(|p| Summary {
            shown: p.nodes.len(),
            links: kind_links(g, kinds),
        });
        let list = list(r, part.as_ref().unwrap_or(g));
        let view = GraphView {
            svg: Picture { r, part },
            kinds: facets,
            statuses: status_facets(g, kinds),
            node_count: g.nodes.len(),
            edge_count: g.edges.len(),
            list,
            json_href: r.config.base_url.href(&graph_json::url()),
            relations: Relation::ALL.iter().map(|x| x.key()).collect(),
            summary,
        };
        r.templated_then(
            "graph.html",
            "Relation graph",
            self.url(r, key),
            view,
            |view, html| splice(html, SVG_SLOT.as_bytes(), view.svg.draw().as_bytes()),
        )
    }
}

/// Statuses in the order the kinds table lists them, then any others, with their counts.
fn status_facets(g: &Graph, kinds: &crate::kinds::KindTable) -> Vec<FacetView> {
    let mut statuses: Vec<String> = Vec::new();
    for &k in &g.columns {
        for s in &kinds.get(k).statuses {
            if !statuses.contains(s) {
                statuses.push(s.clone());
            }
        }
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for n in &g.nodes {
        *counts.entry(n.status.as_deref().unwrap_or("")).or_default() += 1;
    }
    for s in counts.keys() {
        if !s.is_empty() && !statuses.iter().any(|x| x == s) {
            statuses.push(s.to_string());
        }
    }
    let mut facets: Vec<FacetView> = statuses
        .into_iter()
        .filter_map(|s| {
            let count = *counts.get(s.as_str())?;
            Some(FacetView {
                label: s.clone(),
                name: s,
                count,
            })
        })
        .collect();
    if let Some(&count) = counts.get("") {
        facets.push(FacetView {
            name: String::new(),
            label: "no status".into(),
            count,
        });
    }
    facets
}

/// How many relations of each type run from each kind to each, in column order.
fn kind_links(g: &Graph, kinds: &crate::kinds::KindTable) -> Vec<KindLink> {
    let column = |k| g.columns.iter().position(|&c| c == k).unwrap_or(usize::MAX);
    let mut counts: BTreeMap<(usize, usize, usize), usize> = BTreeMap::new();
    for e in &g.edges {
        let (from, to) = (g.nodes[e.from].kind, g.nodes[e.to].kind);
        let rel = Relation::ALL.iter().position(|&x| x == e.relation).unwrap_or(0);
        *counts.entry((column(from), rel, column(to))).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((from, rel, to), count)| KindLink {
            from: kinds.get(g.columns[from]).plural.clone(),
            relation: Relation::ALL[rel].key(),
            to: kinds.get(g.columns[to]).plural.clone(),
            count,
        })
        .collect()
}

/// Every node of `g` with what it points at there, grouped by relation: the graph without
/// the picture.
fn list<'r>(r: &'r Renderer<'r>, g: &Graph) -> Vec<GraphListItem<'r>> {
    g.nodes
        .iter()
        .enumerate()
        .map(|(n, node)| {
            let relations = Relation::ALL
                .into_iter()
                .filter_map(|rel| {
                    let items: Vec<_> = g
                        .edges_of(n)
                        .filter(|e| e.from == n && e.relation == rel)
                        .map(|e| &r.views[g.nodes[e.to].doc])
                        .collect();
                    (!items.is_empty()).then(|| Group {
                        label: rel.label().into(),
                        items,
                    })
                })
                .collect();
            GraphListItem {
                link: &r.views[node.doc],
                relations,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_picture_replaces_its_slot_once() {
        let html = b"<div><!--x--></div><!--x-->".to_vec();
        assert_eq!(
            super::splice(html.clone(), b"<!--x-->", b"<svg/>"),
            b"<div><svg/></div><!--x-->"
        );
        assert_eq!(super::splice(html.clone(), b"<!--y-->", b"<svg/>"), html);
    }
}
