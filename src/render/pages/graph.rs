//! The relation graph as pages: `/graph/` (the whole graph as build-time SVG, with kind and
//! status filters, a legend and a list view for screen readers) and each document's
//! one-hop neighbourhood. Layout and drawing live in `crate::graph`; this file only picks
//! what to show and hands it to the templates.

use std::collections::BTreeMap;

use tera::Context;

use super::Renderer;
use super::views::{FacetView, GraphListItem, Group};
use crate::error::Result;
use crate::graph::layout;
use crate::graph::svg::{self, SvgOptions};
use crate::names::UrlPath;
use crate::relation::Relation;

/// Neighbours drawn on each side of a document; its relation panels list them all.
const NEIGHBOURS_PER_SIDE: usize = 12;

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

impl Renderer<'_> {
    pub(super) fn graph_page(&self) -> Result<Vec<u8>> {
        let g = self.graph();
        let kinds = &self.config.kinds;
        let scene = layout::full(g, kinds);
        let picture = svg::render(
            &scene,
            g,
            kinds,
            &SvgOptions {
                id: "relation-graph",
                label: "Relation graph of all documents",
            },
        );
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
        // Statuses in the order the kinds table lists them, then any others.
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
        let mut status_facets: Vec<FacetView> = statuses
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
            status_facets.push(FacetView {
                name: String::new(),
                label: "no status".into(),
                count,
            });
        }
        let mut ctx = Context::new();
        // The picture is the largest string of a big site's build: it goes into the page after
        // rendering instead of through the template context, which would copy it.
        ctx.insert("svg", SVG_SLOT);
        ctx.insert("kinds", &facets);
        ctx.insert("statuses", &status_facets);
        ctx.insert("node_count", &g.nodes.len());
        ctx.insert("edge_count", &g.edges.len());
        ctx.insert("list", &self.graph_list());
        ctx.insert(
            "json_href",
            &self.config.base_url.href(&UrlPath::file(super::GRAPH_JSON)),
        );
        ctx.insert(
            "relations",
            &Relation::ALL.iter().map(|r| r.key()).collect::<Vec<_>>(),
        );
        let html = self.page(
            "graph.html",
            "Relation graph",
            &UrlPath::page(["graph"]),
            ctx,
        )?;
        Ok(splice(html, SVG_SLOT.as_bytes(), picture.as_bytes()))
    }

    /// Every node with what it points at, grouped by relation: the graph without the picture.
    fn graph_list(&self) -> Vec<GraphListItem> {
        let g = self.graph();
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
                            .map(|e| self.views[g.nodes[e.to].doc].clone())
                            .collect();
                        (!items.is_empty()).then(|| Group {
                            label: rel.label().into(),
                            items,
                        })
                    })
                    .collect();
                GraphListItem {
                    link: self.views[node.doc].clone(),
                    relations,
                }
            })
            .collect()
    }

    /// Document `i` and its one-hop neighbours as SVG; `None` without relations.
    pub(super) fn neighbourhood(&self, i: usize) -> Option<String> {
        let g = &crate::graph::Graph::around(self.site, self.config, i);
        let kinds = &self.config.kinds;
        let node = g.node_of_doc(i)?;
        let scene = layout::neighbourhood(g, kinds, node, NEIGHBOURS_PER_SIDE)?;
        Some(svg::render(
            &scene,
            g,
            kinds,
            &SvgOptions {
                id: "neighbourhood",
                label: &format!("{} and the documents it is related to", g.nodes[node].title),
            },
        ))
    }
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
