//! Draws a laid-out [`Scene`] as inline SVG. Colours come from the theme's CSS through
//! classes (`kind-<name>`, `edge-<relation>`) and `data-status`, so light and dark mode and
//! site overrides apply without touching this code. Every text is escaped. Pure.
//!
//! Edges carry no tooltip of their own: a 10,000-document graph has more edges than nodes,
//! and the page's list view and each node's highlighted edges say the same thing.

use std::fmt::Write;

use super::Graph;
use super::layout::{NODE_H, NODE_W, Scene};
use crate::kinds::KindTable;
use crate::markdown::escape;
use crate::relation::Relation;

pub struct SvgOptions<'a> {
    /// Prefix of the element ids in this SVG (arrow markers), unique within the page.
    pub id: &'a str,
    /// The accessible name of the picture.
    pub label: &'a str,
}

pub fn render(scene: &Scene, graph: &Graph, kinds: &KindTable, opts: &SvgOptions) -> String {
    let id = escape(opts.id);
    let mut s = String::with_capacity(512 + scene.boxes.len() * 640 + scene.routes.len() * 220);
    // `write!` into a String cannot fail.
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph-svg\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" aria-label=\"{label}\">\n<defs>",
        w = scene.width,
        h = scene.height,
        label = escape(opts.label),
    );
    for r in Relation::ALL {
        let _ = write!(
            s,
            "<marker id=\"{id}-arrow-{k}\" class=\"arrow arrow-{k}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\"/></marker>",
            k = r.key()
        );
    }
    s.push_str("</defs>\n<g class=\"edges\">\n");
    for route in &scene.routes {
        let e = route.edge;
        let (from, to) = (&graph.nodes[e.from], &graph.nodes[e.to]);
        let [a, b, c, d] = route.points;
        let _ = writeln!(
            s,
            "<path class=\"edge edge-{k}\" d=\"M{} {}C{} {} {} {} {} {}\" data-from=\"{}\" data-to=\"{}\" marker-end=\"url(#{id}-arrow-{k})\"/>",
            a.0,
            a.1,
            b.0,
            b.1,
            c.0,
            c.1,
            d.0,
            d.1,
            escape(&from.id),
            escape(&to.id),
            k = e.relation.key(),
        );
    }
    s.push_str("</g>\n<g class=\"nodes\">\n");
    for b in &scene.boxes {
        let n = &graph.nodes[b.node];
        let kind = kinds.get(n.kind);
        let status = n.status.as_deref().unwrap_or("");
        // Status is styled from `data-status`: the theme's `status-*` classes are for badges.
        let class = format!("node kind-{}", kind.name);
        let data = format!(
            "data-id=\"{}\" data-kind=\"{}\" data-status=\"{}\"",
            escape(&n.id),
            escape(&kind.name),
            escape(status)
        );
        let title = match &n.status {
            Some(st) => format!("{} ({}, {st})", n.title, kind.label),
            None => format!("{} ({})", n.title, kind.label),
        };
        if b.current {
            let _ = write!(
                s,
                "<g class=\"{} current\" {data}><title>{} (this page)</title>",
                escape(&class),
                escape(&title)
            );
        } else {
            let _ = write!(
                s,
                "<a class=\"{}\" href=\"{}\" {data}><title>{}</title>",
                escape(&class),
                escape(&n.href),
                escape(&title)
            );
        }
        let _ = write!(
            s,
            "<rect class=\"node-box\" x=\"{x}\" y=\"{y}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"6\"/><rect class=\"node-bar\" x=\"{x}\" y=\"{y}\" width=\"6\" height=\"{NODE_H}\" rx=\"2\"/><text class=\"node-caption\" x=\"{tx}\" y=\"{}\">{}</text>",
            b.y + 18,
            escape(&b.caption),
            x = b.x,
            y = b.y,
            tx = b.x + 14,
        );
        for (i, line) in b.lines.iter().enumerate() {
            let _ = write!(
                s,
                "<text class=\"node-title\" x=\"{}\" y=\"{}\">{}</text>",
                b.x + 14,
                b.y + 36 + 16 * i as i32,
                escape(line)
            );
        }
        s.push_str(if b.current { "</g>\n" } else { "</a>\n" });
    }
    s.push_str("</g>\n");
    for note in &scene.notes {
        let _ = writeln!(
            s,
            "<text class=\"graph-note\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            note.x,
            note.y,
            escape(&note.text)
        );
    }
    s.push_str("</svg>\n");
    s
}
