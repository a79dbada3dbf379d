use super::layout::{self, NODE_W, wrap};
use super::svg::{SvgOptions, render};
use super::*;
use crate::config::{self, SiteConfig};
use crate::testing::linked;

fn names(kinds: &KindTable, order: &[KindId]) -> Vec<String> {
    order.iter().map(|&k| kinds.get(k).name.clone()).collect()
}

#[test]
fn columns_follow_the_serves_chain_then_the_used_kinds() {
    let config = SiteConfig::default();
    assert_eq!(
        names(&config.kinds, &column_order(&config.kinds)),
        ["vision", "strategy", "decision", "pattern"]
    );
    let (config, diags) = config::parse(
        "title: T\nkinds:\n  rfc:\n    statuses: [open]\n    serves: [strategy]\n  note:\n    statuses: [open]\n",
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        names(&config.kinds, &column_order(&config.kinds)),
        ["vision", "strategy", "decision", "rfc", "pattern", "note"]
    );
}

const VISION: &str = "---\ntitle: North <star>\nstatus: active\nowners: [Ann]\nhorizon: 2029\ncreated: 2026-01-02\n---\n## Vision statement\n\nYes.\n";
const PATTERN: &str = "---\ntitle: Grand migration\nstatus: active\n---\n## When it works\n\na\n\n## Failure modes\n\nb\n\n## Examples\n\nc\n";
const STRATEGY: &str = "---\ntitle: Cloud\nstatus: active\nserves: [north-star]\nuses: [grand-migration]\n---\n## Problem\n\n[[north-star]]\n\n## Guiding policy\n\np\n\n## Actions\n\na\n";
const DECISION: &str = "---\ntitle: Spot\nstatus: accepted\nserves: [cloud]\nrelated: [grand-migration]\n---\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n";

fn example() -> (SiteConfig, Site) {
    let config = SiteConfig::default();
    let site = linked(
        &config,
        &[
            ("decisions/spot.md", DECISION),
            ("patterns/grand-migration.md", PATTERN),
            ("runbooks/backups.md", "# Backups\n\n[[cloud]]\n"),
            ("strategies/cloud.md", STRATEGY),
            ("visions/north-star.md", VISION),
        ],
    );
    (config, site)
}

#[test]
fn the_graph_has_every_document_but_pages_and_every_typed_relation() {
    let (config, site) = example();
    let g = Graph::new(&site, &config);
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "vision/north-star",
            "strategy/cloud",
            "decision/spot",
            "pattern/grand-migration"
        ]
    );
    let edges: Vec<(&str, &str, Relation)> = g
        .edges
        .iter()
        .map(|e| {
            (
                g.nodes[e.from].id.as_str(),
                g.nodes[e.to].id.as_str(),
                e.relation,
            )
        })
        .collect();
    assert_eq!(
        edges,
        [
            ("strategy/cloud", "vision/north-star", Relation::Serves),
            ("strategy/cloud", "pattern/grand-migration", Relation::Uses),
            ("decision/spot", "strategy/cloud", Relation::Serves),
            (
                "decision/spot",
                "pattern/grand-migration",
                Relation::Related
            ),
        ]
    );
    let runbook = site.docs.iter().position(|d| d.title == "Backups").unwrap();
    assert_eq!(g.node_of_doc(runbook), None);
    let cloud = site.docs.iter().position(|d| d.title == "Cloud").unwrap();
    assert_eq!(g.node_of_doc(cloud), Some(1));
    assert_eq!(g.edges_of(1).count(), 3);
}

#[test]
fn a_neighbourhood_costs_what_it_holds_not_what_the_site_holds() {
    // Every document page builds its neighbourhood: a lookup table sized by the whole site
    // made a build quadratic in the number of documents.
    let config = SiteConfig::default();
    let mut files: Vec<(String, String)> = (0..200)
        .map(|i| (format!("patterns/p{i:03}.md"), PATTERN.to_string()))
        .collect();
    for (i, f) in files.iter_mut().enumerate() {
        f.1 = f.1.replace("Grand migration", &format!("Pattern {i}"));
    }
    files.push((
        "strategies/cloud.md".into(),
        STRATEGY
            .replace("grand-migration", "p199")
            .replace("serves: [north-star]\n", ""),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = linked(&config, &refs);
    let cloud = site.docs.iter().position(|d| d.title == "Cloud").unwrap();
    let p199 = site
        .docs
        .iter()
        .position(|d| d.title == "Pattern 199")
        .unwrap();
    let g = Graph::around(&site, &config, cloud);
    assert_eq!(g.nodes.len(), 2);
    assert!(
        g.node_of.len() <= g.nodes.len(),
        "a table of {} entries for {} nodes",
        g.node_of.len(),
        g.nodes.len()
    );
    assert_eq!(g.node_of_doc(cloud), Some(0));
    assert_eq!(g.node_of_doc(p199), Some(1));
    assert_eq!(g.node_of_doc(0), None);
    assert_eq!(g.edges.len(), 1);
    // The whole graph finds every node the same way.
    let full = Graph::new(&site, &config);
    for (n, node) in full.nodes.iter().enumerate() {
        assert_eq!(full.node_of_doc(node.doc), Some(n));
    }
}

#[test]
fn graph_json_has_nodes_with_their_metadata_and_typed_edges() {
    let (config, site) = example();
    let json: serde_json::Value =
        serde_json::from_str(&Graph::new(&site, &config).to_json(&site, &config)).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["kinds"][0]["name"], "vision");
    let v = &json["nodes"][0];
    assert_eq!(v["id"], "vision/north-star");
    assert_eq!(v["title"], "North <star>");
    assert_eq!(v["status"], "active");
    assert_eq!(v["owners"], serde_json::json!(["Ann"]));
    assert_eq!(v["created"], "2026-01-02");
    assert_eq!(v["updated"], serde_json::Value::Null);
    assert_eq!(v["url"], "/visions/north-star/");
    assert_eq!(v["source"], "content/visions/north-star.md");
    assert_eq!(
        json["edges"][3],
        serde_json::json!({"source": "decision/spot", "target": "pattern/grand-migration", "type": "related"})
    );
}

fn hand_graph(kinds: &KindTable, spec: &[(&str, &str)], edges: &[(usize, usize)]) -> Graph {
    let nodes: Vec<Node> = spec
        .iter()
        .enumerate()
        .map(|(i, (kind, title))| Node {
            doc: i,
            id: format!("{kind}/{i}"),
            kind: kinds.find(kind).unwrap(),
            title: title.to_string(),
            status: Some("active".into()),
            href: format!("/x/{i}/"),
        })
        .collect();
    let edges = edges
        .iter()
        .map(|&(from, to)| Edge {
            from,
            to,
            relation: Relation::Serves,
        })
        .collect();
    Graph::from_parts(nodes, edges, column_order(kinds))
}

#[test]
fn the_full_layout_puts_kinds_in_columns_and_untangles_crossings() {
    let kinds = KindTable::default();
    // By title the strategies would be A, B and the visions Y, Z: A serves Z and B serves Y
    // would cross. The barycentre sweeps must put them side by side.
    let g = hand_graph(
        &kinds,
        &[
            ("vision", "Y"),
            ("vision", "Z"),
            ("strategy", "A"),
            ("strategy", "B"),
        ],
        &[(2, 1), (3, 0)],
    );
    let scene = layout::full(&g, &kinds);
    let at = |n: usize| scene.boxes.iter().find(|b| b.node == n).unwrap();
    assert!(at(0).x == at(1).x && at(2).x == at(3).x && at(0).x < at(2).x);
    assert_eq!(at(2).x - at(0).x, NODE_W + 90);
    let a_above_b = at(2).y < at(3).y;
    let z_above_y = at(1).y < at(0).y;
    assert_eq!(a_above_b, z_above_y, "{scene:#?}");
    assert_eq!(scene.routes.len(), 2);
    assert_eq!(scene.boxes[0].caption, "Vision · active");
    assert_eq!(scene.width, 12 + NODE_W + 90 + NODE_W + 12);
    // Deterministic to the byte.
    assert_eq!(scene, layout::full(&g, &kinds));
}

#[test]
fn relations_inside_a_column_loop_out_within_the_picture() {
    let kinds = KindTable::default();
    let g = hand_graph(&kinds, &[("pattern", "A"), ("pattern", "B")], &[(0, 1)]);
    let scene = layout::full(&g, &kinds);
    let [start, c1, _, end] = scene.routes[0].points;
    assert_eq!(
        (start.0, end.0),
        (12 + NODE_W, 12 + NODE_W),
        "both ends on the right side"
    );
    assert!(c1.0 > start.0 && scene.width >= c1.0 + 12, "{scene:#?}");
    // Deterministic to the byte.
    assert_eq!(scene, layout::full(&g, &kinds));
}

#[test]
fn long_columns_fold_into_sub_columns() {
    let kinds = KindTable::default();
    let spec: Vec<(&str, &str)> = (0..100).map(|_| ("pattern", "P")).collect();
    let scene = layout::full(&hand_graph(&kinds, &spec, &[]), &kinds);
    let xs: std::collections::BTreeSet<i32> = scene.boxes.iter().map(|b| b.x).collect();
    assert_eq!(xs.len(), 3, "100 nodes in sub-columns of at most 40");
    assert!(scene.height < 40 * 80, "{}", scene.height);
}

#[test]
fn a_neighbourhood_puts_sources_left_and_targets_right() {
    let (config, site) = example();
    let g = Graph::new(&site, &config);
    let scene = layout::neighbourhood(&g, &config.kinds, 1, 10).unwrap();
    let at = |id: &str| {
        scene
            .boxes
            .iter()
            .find(|b| g.nodes[b.node].id == id)
            .unwrap()
    };
    let me = at("strategy/cloud");
    assert!(me.current);
    assert!(at("decision/spot").x < me.x);
    assert!(at("vision/north-star").x > me.x && at("pattern/grand-migration").x > me.x);
    // Too wide for its box in full: cut at the drawn width (the whole is in its tooltip).
    assert_eq!(at("decision/spot").caption, "Served by · Decision…");
    assert_eq!(at("vision/north-star").caption, "Serves · Vision · active");
    assert_eq!(scene.routes.len(), 3);
    // Only edges that touch the centre are drawn: spot → grand-migration is not.
    assert!(
        scene
            .routes
            .iter()
            .all(|r| r.edge.from == 1 || r.edge.to == 1)
    );

    let capped = layout::neighbourhood(&g, &config.kinds, 1, 1).unwrap();
    assert_eq!(capped.boxes.len(), 3);
    assert_eq!(capped.notes.len(), 1);
    assert_eq!(capped.notes[0].text, "and 1 more");
}

#[test]
fn a_document_without_relations_has_no_neighbourhood() {
    let kinds = KindTable::default();
    let g = hand_graph(&kinds, &[("vision", "Alone")], &[]);
    assert!(layout::neighbourhood(&g, &kinds, 0, 5).is_none());
}

#[test]
fn titles_wrap_on_words_and_are_cut_with_an_ellipsis() {
    let one = |_: char| 1.0;
    assert_eq!(wrap("Cloud cost", 27.0, 2, one), ["Cloud cost"]);
    assert_eq!(
        wrap(
            "Extract money movements from Harbour one flow at a time",
            27.0,
            2,
            one
        ),
        ["Extract money movements", "from Harbour one flow at a…"]
    );
    assert_eq!(wrap("Supercalifragilistic", 10.0, 2, one), ["Supercali…"]);
    assert_eq!(wrap("", 10.0, 2, one), [""]);
}

#[test]
fn lines_wrap_by_drawn_width_so_wide_letters_get_fewer_per_line() {
    // As many characters, but capitals and `W`s are drawn wider than `i`s.
    let wide = "WWWW WWWW WWWW WWWW WWWW WWWW WWWW WWWW";
    let narrow = "iiii iiii iiii iiii iiii iiii iiii iiii";
    let lines = |s| wrap(s, 13.0, 2, layout::em_width);
    assert_eq!(lines(narrow), [narrow]);
    let w = lines(wide);
    assert_eq!(w.len(), 2);
    assert!(w.iter().all(|l| layout::text_em(l) <= 13.0), "{w:?}");
    assert!(w[1].ends_with('…'));
}

#[test]
fn svg_nodes_are_escaped_links_and_the_current_one_is_not_a_link() {
    let (config, site) = example();
    let g = Graph::new(&site, &config);
    let full = render(
        &layout::full(&g, &config.kinds),
        &g,
        &config.kinds,
        &SvgOptions {
            id: "g",
            label: "Relation <graph>",
        },
    );
    assert!(full.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(full.contains("aria-label=\"Relation &lt;graph&gt;\""));
    assert_eq!(full.matches("<a class=\"node ").count(), 4);
    assert!(full.contains("<title>North &lt;star&gt; (Vision, active)</title>"));
    assert!(!full.contains("North <star>"));
    assert!(full.contains("marker-end=\"url(#g-arrow-serves)\""));
    assert!(full.contains("<marker id=\"g-arrow-related\""));
    let near = render(
        &layout::neighbourhood(&g, &config.kinds, 1, 10).unwrap(),
        &g,
        &config.kinds,
        &SvgOptions {
            id: "n",
            label: "Neighbourhood",
        },
    );
    assert_eq!(near.matches("<a class=\"node ").count(), 3);
    assert!(near.contains("<g class=\"node kind-strategy current\" data-id=\"strategy/cloud\" data-kind=\"strategy\" data-status=\"active\">"));
}
