//! The relation graph: documents of every kind but `page` as nodes, their typed front-matter
//! relations as edges. Built once from the linked [`Site`]; laid out in [`layout`] (a
//! deterministic layered layout), drawn in [`svg`], and exported as `graph.json` here.
//!
//! Pure: no I/O and no tera. Layout and drawing work on [`Graph`] values, so tests build
//! graphs by hand. Nothing here matches on kind names: column order comes from the kinds
//! table's `serves` and `uses` rules.

pub mod layout;
pub mod svg;

use serde::Serialize;

use crate::config::SiteConfig;
use crate::kinds::{KindId, KindTable};
use crate::link::Site;
use crate::names::UrlPath;
use crate::relation::Relation;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Index into `site.docs`.
    pub doc: usize,
    /// `kind/id`: unique, because ids are unique per kind.
    pub id: String,
    pub kind: KindId,
    pub title: String,
    pub status: Option<String>,
    pub href: String,
}

/// `from` declared `relation` to `to` (indices into `nodes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub relation: Relation,
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Kinds in the order their columns are drawn, left to right.
    pub columns: Vec<KindId>,
    /// (document index, node), sorted, so each document page finds itself without a scan.
    /// Not one slot per document of the site: every document page builds a graph of its
    /// neighbourhood, and that would make each of them as large as the site.
    node_of: Vec<(usize, usize)>,
    /// Node → indices of the edges that touch it, in edge order.
    touching: Vec<Vec<usize>>,
}

impl Graph {
    /// Nodes sorted by column, then id; edges by their source node, in the order written.
    pub fn new(site: &Site, config: &SiteConfig) -> Graph {
        let columns = column_order(&config.kinds);
        Graph::named(
            site,
            config,
            Members::of(site, &columns, 0..site.docs.len()),
        )
    }

    /// Document `doc` and its one-hop neighbours only, in the same order as in the whole
    /// graph: enough to draw its neighbourhood without building the rest.
    pub fn around(site: &Site, config: &SiteConfig, doc: usize) -> Graph {
        let columns = column_order(&config.kinds);
        Graph::named(site, config, Members::around(site, &columns, doc))
    }

    /// The graph of `members`, its nodes named and titled.
    pub fn named(site: &Site, config: &SiteConfig, members: Members) -> Graph {
        let kinds = &config.kinds;
        let nodes: Vec<Node> = members
            .docs
            .iter()
            .map(|&i| {
                let d = &site.docs[i];
                Node {
                    doc: i,
                    id: format!("{}/{}", kinds.get(d.kind).name, d.id),
                    kind: d.kind,
                    title: d.title.clone(),
                    status: d.status.clone(),
                    href: config.base_url.href(&site.urls[i]),
                }
            })
            .collect();
        Graph::from_parts(nodes, members.edges, members.columns)
    }

    /// A graph from its parts (tests build them by hand), with its lookup tables.
    pub fn from_parts(nodes: Vec<Node>, edges: Vec<Edge>, columns: Vec<KindId>) -> Graph {
        let node_of = index_of(nodes.iter().map(|n| n.doc));
        let mut touching = vec![Vec::new(); nodes.len()];
        for (e, edge) in edges.iter().enumerate() {
            touching[edge.from].push(e);
            if edge.to != edge.from {
                touching[edge.to].push(e);
            }
        }
        Graph {
            nodes,
            edges,
            columns,
            node_of,
            touching,
        }
    }

    /// The node of document `doc`, if it is in the graph.
    pub fn node_of_doc(&self, doc: usize) -> Option<usize> {
        lookup(&self.node_of, doc)
    }

    /// The edges that touch node `n`.
    pub fn edges_of(&self, n: usize) -> impl Iterator<Item = &Edge> {
        self.touching[n].iter().map(|&e| &self.edges[e])
    }

    /// The `keep` nodes that most relations touch (ties go to the earlier node), in their
    /// order here, with the edges between them: what a picture of a graph too large to
    /// draw whole can show.
    pub fn most_connected(&self, keep: usize) -> Graph {
        let mut by_degree: Vec<usize> = (0..self.nodes.len()).collect();
        by_degree.sort_by_key(|&n| (std::cmp::Reverse(self.touching[n].len()), n));
        by_degree.truncate(keep);
        by_degree.sort_unstable();
        // Old node → new node, for the nodes kept.
        let mut new_of = vec![None; self.nodes.len()];
        for (new, &old) in by_degree.iter().enumerate() {
            new_of[old] = Some(new);
        }
        let nodes: Vec<Node> = by_degree.iter().map(|&n| self.nodes[n].clone()).collect();
        let edges = self
            .edges
            .iter()
            .filter_map(|e| {
                Some(Edge {
                    from: new_of[e.from]?,
                    to: new_of[e.to]?,
                    relation: e.relation,
                })
            })
            .collect();
        let columns = self
            .columns
            .iter()
            .copied()
            .filter(|&k| nodes.iter().any(|n| n.kind == k))
            .collect();
        Graph::from_parts(nodes, edges, columns)
    }
}

/// Which documents a graph holds and how they are related, before anything is named: what
/// a document page needs to know of its neighbourhood until it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Members {
    /// Documents in node order: by column, then id.
    pub docs: Vec<usize>,
    /// Between `docs` (indices into it), by source node, in the order written.
    pub edges: Vec<Edge>,
    /// The kinds present, in column order.
    pub columns: Vec<KindId>,
}

impl Members {
    /// The documents among `docs` that are nodes (not pages, not folder introductions),
    /// with `columns` the kinds' column order.
    pub fn of(site: &Site, columns: &[KindId], docs: impl IntoIterator<Item = usize>) -> Members {
        let column = |k: KindId| columns.iter().position(|&c| c == k);
        let mut docs: Vec<(usize, usize)> = docs
            .into_iter()
            .filter(|&i| !site.docs[i].is_index)
            .filter_map(|i| Some((column(site.docs[i].kind)?, i)))
            .collect();
        docs.sort_by(|&(ca, a), &(cb, b)| {
            ca.cmp(&cb)
                .then_with(|| site.docs[a].id.as_str().cmp(site.docs[b].id.as_str()))
        });
        let mut present: Vec<KindId> = Vec::new();
        for &(c, _) in &docs {
            if present.last() != Some(&columns[c]) {
                present.push(columns[c]);
            }
        }
        let docs: Vec<usize> = docs.into_iter().map(|(_, i)| i).collect();
        let node_of = index_of(docs.iter().copied());
        let node_of = &node_of;
        let edges = docs
            .iter()
            .enumerate()
            .flat_map(|(n, &doc)| {
                site.relations[doc]
                    .iter()
                    .filter_map(move |&(relation, j)| {
                        Some(Edge {
                            from: n,
                            to: lookup(node_of, j)?,
                            relation,
                        })
                    })
            })
            .collect();
        Members {
            docs,
            edges,
            columns: present,
        }
    }

    /// Document `doc` and its one-hop neighbours.
    pub fn around(site: &Site, columns: &[KindId], doc: usize) -> Members {
        let near = std::iter::once(doc)
            .chain(site.relations[doc].iter().map(|r| r.1))
            .chain(site.inverse[doc].iter().map(|r| r.1));
        let mut docs: Vec<usize> = near.collect();
        docs.sort_unstable();
        docs.dedup();
        Members::of(site, columns, docs)
    }

    /// The node of document `doc`, if it is one.
    pub fn node_of_doc(&self, doc: usize) -> Option<usize> {
        self.docs.iter().position(|&d| d == doc)
    }
}

/// Documents (in node order) → sorted (document, node) pairs.
fn index_of(docs: impl Iterator<Item = usize>) -> Vec<(usize, usize)> {
    let mut index: Vec<(usize, usize)> = docs.enumerate().map(|(n, doc)| (doc, n)).collect();
    index.sort_unstable();
    index
}

fn lookup(index: &[(usize, usize)], doc: usize) -> Option<usize> {
    index
        .binary_search_by_key(&doc, |&(d, _)| d)
        .ok()
        .map(|at| index[at].1)
}

/// Kinds left to right: first the `serves` hierarchy from its roots (vision, strategy,
/// decision…), then kinds outside it (patterns, which are only used), in table order.
/// `page` is not a column.
pub fn column_order(kinds: &KindTable) -> Vec<KindId> {
    let all: Vec<(KindId, &crate::kinds::Kind)> =
        kinds.iter().filter(|(_, k)| !k.is_page()).collect();
    let served = |name: &str| all.iter().any(|(_, k)| k.serves.iter().any(|s| s == name));
    // Depth in the serves chain; cycles (which the config allows) are cut by the budget.
    fn depth(kinds: &KindTable, name: &str, budget: usize) -> usize {
        let Some(k) = kinds.find(name).map(|id| kinds.get(id)) else {
            return 0;
        };
        if budget == 0 {
            return 0;
        }
        k.serves
            .iter()
            .map(|s| 1 + depth(kinds, s, budget - 1))
            .max()
            .unwrap_or(0)
    }
    let mut order: Vec<(usize, usize, usize, KindId)> = all
        .iter()
        .enumerate()
        .map(|(pos, (id, k))| {
            let in_hierarchy = !k.serves.is_empty() || served(&k.name);
            let group = usize::from(!in_hierarchy);
            (group, depth(kinds, &k.name, all.len()), pos, *id)
        })
        .collect();
    order.sort();
    order.into_iter().map(|(.., id)| id).collect()
}

/// `graph.json` as data, before it is written.
#[derive(Serialize)]
pub struct JsonGraph<'a> {
    version: u32,
    site: String,
    kinds: Vec<JsonKind<'a>>,
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
}

#[derive(Serialize)]
struct JsonKind<'a> {
    name: &'a str,
    label: &'a str,
    plural: &'a str,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: &'a str,
    kind: &'a str,
    slug: &'a str,
    title: &'a str,
    status: Option<&'a str>,
    summary: Option<&'a str>,
    owners: &'a [String],
    tags: &'a [String],
    created: Option<String>,
    updated: Option<String>,
    review_by: Option<String>,
    url: String,
    source: &'a str,
    /// Status transitions git shows, oldest first; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    transitions: Vec<JsonTransition<'a>>,
}

#[derive(Serialize)]
struct JsonTransition<'a> {
    from: Option<&'a str>,
    to: Option<&'a str>,
    date: String,
    author: &'a str,
    commit: &'a str,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    source: &'a str,
    target: &'a str,
    #[serde(rename = "type")]
    relation: Relation,
}

impl Graph {
    /// `graph.json`, documented in `docs/graph-json.md`. Pretty-printed: it is read by people
    /// writing dashboards as often as by programs.
    pub fn to_json(&self, site: &Site, config: &SiteConfig) -> String {
        JsonGraph::write(&self.json_view(site, config, None))
    }

    /// What `graph.json` holds.
    pub fn json_view<'a>(
        &'a self,
        site: &'a Site,
        config: &'a SiteConfig,
        history: Option<&'a crate::history::History>,
    ) -> JsonGraph<'a> {
        let kinds = &config.kinds;
        let base = &config.base_url;
        JsonGraph {
            version: 1,
            site: base.absolute(&UrlPath::page([])),
            kinds: self
                .columns
                .iter()
                .map(|&k| {
                    let k = kinds.get(k);
                    JsonKind {
                        name: &k.name,
                        label: &k.label,
                        plural: &k.plural,
                    }
                })
                .collect(),
            nodes: self
                .nodes
                .iter()
                .map(|n| {
                    let d = &site.docs[n.doc];
                    JsonNode {
                        id: &n.id,
                        kind: &kinds.get(n.kind).name,
                        slug: d.id.as_str(),
                        title: &d.title,
                        status: d.status.as_deref(),
                        summary: d.summary.as_deref(),
                        owners: &d.owners,
                        tags: &d.tags,
                        created: d.created.map(|x| x.to_string()),
                        updated: d.updated.map(|x| x.to_string()),
                        review_by: d.review_by.map(|x| x.to_string()),
                        url: base.absolute(&site.urls[n.doc]),
                        source: &d.file,
                        transitions: history
                            .and_then(|h| h.facts(d.source.as_str()))
                            .map(|f| {
                                f.transitions
                                    .iter()
                                    .map(|t| JsonTransition {
                                        from: t.from,
                                        to: t.to,
                                        date: t.commit.date().to_string(),
                                        author: &t.commit.author,
                                        commit: &t.commit.id,
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    }
                })
                .collect(),
            edges: self
                .edges
                .iter()
                .map(|e| JsonEdge {
                    source: &self.nodes[e.from].id,
                    target: &self.nodes[e.to].id,
                    relation: e.relation,
                })
                .collect(),
        }
    }
}

impl JsonGraph<'_> {
    pub fn write(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).expect("the graph is plain data");
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests;
