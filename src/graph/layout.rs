//! Deterministic layouts for the relation graph, computed at build time so the SVG reads
//! without JavaScript.
//!
//! [`full`] is a layered layout: one column per kind (in [`super::column_order`]), nodes
//! ordered inside their column by a few barycentre sweeps to cut edge crossings, long columns
//! folded into sub-columns. [`neighbourhood`] puts one document in the middle, what points at
//! it on the left and what it points at on the right. Integer coordinates only, and every
//! sort has a total tie-break, so the same graph always gives the same bytes. No drawing
//! here: that is [`super::svg`].

use std::collections::{BTreeMap, HashMap};

use super::{Edge, Graph};
use crate::kinds::KindTable;
use crate::relation::Relation;

pub const NODE_W: i32 = 200;
pub const NODE_H: i32 = 58;
const COL_GAP: i32 = 90;
const SUB_GAP: i32 = 24;
const ROW_GAP: i32 = 14;
const ROW_H: i32 = NODE_H + ROW_GAP;
pub const PAD: i32 = 12;
/// Longer columns fold into sub-columns, so a big site gives a wide picture, not one
/// hundreds of screens tall.
const MAX_ROWS: usize = 40;
/// Alternating left-to-right and right-to-left passes; crossings stop improving after a few.
const SWEEPS: usize = 6;
/// The room for a line of text in a box: from its left inset (14) to 8 short of its right
/// edge, in ems of the title's and the caption's sizes (13 and 11 px, the caption bold, as
/// the theme draws them). Wrapping by the drawn width, not by characters, keeps every line
/// inside its box, and the picture scales as a whole, so at every width.
const TITLE_EM: f32 = (NODE_W - 22) as f32 / 13.0;
const CAPTION_EM: f32 = (NODE_W - 22) as f32 / (11.0 * 1.08);

#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: i32,
    pub height: i32,
    pub boxes: Vec<Placed>,
    pub routes: Vec<Route>,
    pub notes: Vec<Note>,
}

/// A node's box: top-left corner, a one-line caption and up to two lines of title.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub node: usize,
    pub x: i32,
    pub y: i32,
    pub caption: String,
    pub lines: Vec<String>,
    /// The document whose page this is (not a link).
    pub current: bool,
}

/// An edge as a cubic Bézier: start, two control points, end (where the arrow points).
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub edge: Edge,
    pub points: [(i32, i32); 4],
}

/// Free text, such as "and 5 more".
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub x: i32,
    pub y: i32,
    pub text: String,
}

/// The whole graph, one column per kind.
pub fn full(graph: &Graph, kinds: &KindTable) -> Scene {
    let n = graph.nodes.len();
    let mut cols: Vec<Vec<usize>> = graph
        .columns
        .iter()
        .map(|&k| {
            let mut col: Vec<usize> = (0..n).filter(|&i| graph.nodes[i].kind == k).collect();
            col.sort_by(|&a, &b| by_title(graph, a, b));
            col
        })
        .filter(|c| !c.is_empty())
        .collect();
    order_columns(graph, &mut cols);

    let shapes: Vec<(usize, usize)> = cols
        .iter()
        .map(|c| {
            let sub = c.len().div_ceil(MAX_ROWS);
            (sub, c.len().div_ceil(sub))
        })
        .collect();
    let max_rows = shapes.iter().map(|s| s.1).max().unwrap_or(0);
    let mut boxes = Vec::with_capacity(n);
    let mut x = PAD;
    for (col, &(sub, rows)) in cols.iter().zip(&shapes) {
        for (k, &node) in col.iter().enumerate() {
            let (sc, r) = (k / rows, k % rows);
            let in_sub = rows.min(col.len() - sc * rows);
            let top = PAD + (max_rows - in_sub) as i32 * ROW_H / 2;
            let x = x + sc as i32 * (NODE_W + SUB_GAP);
            boxes.push(placed(graph, kinds, node, x, top + r as i32 * ROW_H, None));
        }
        x += sub as i32 * NODE_W + (sub as i32 - 1) * SUB_GAP + COL_GAP;
    }
    let routes = routes(&boxes, graph.edges.iter().copied());
    // Relations inside a column loop out to its right; the last column's loops need room.
    let reach = routes
        .iter()
        .flat_map(|r| r.points.iter().map(|p| p.0))
        .max()
        .unwrap_or(0);
    let columns_end = if cols.is_empty() { PAD } else { x - COL_GAP };
    let width = (columns_end + PAD).max(reach + PAD);
    let height = 2 * PAD + (max_rows as i32 * ROW_H - ROW_GAP).max(0);
    Scene {
        width,
        height,
        boxes,
        routes,
        notes: Vec::new(),
    }
}

/// Barycentre ordering: each node moves towards the mean position of its neighbours in
/// other columns. Positions are fractions of the column, so short and long columns compare.
fn order_columns(graph: &Graph, cols: &mut [Vec<usize>]) {
    let n = graph.nodes.len();
    let mut col_of = vec![0; n];
    let mut pos = vec![0.0f64; n];
    let place = |col: &[usize], pos: &mut [f64]| {
        for (r, &node) in col.iter().enumerate() {
            pos[node] = (r as f64 + 0.5) / col.len() as f64;
        }
    };
    for (c, col) in cols.iter().enumerate() {
        for &node in col {
            col_of[node] = c;
        }
        place(col, &mut pos);
    }
    for sweep in 0..SWEEPS {
        for step in 0..cols.len() {
            let c = if sweep % 2 == 0 {
                step
            } else {
                cols.len() - 1 - step
            };
            let mut keyed: Vec<(f64, usize, usize)> = cols[c]
                .iter()
                .enumerate()
                .map(|(r, &node)| {
                    let (sum, count) = graph
                        .edges_of(node)
                        .map(|e| if e.from == node { e.to } else { e.from })
                        .filter(|&o| col_of[o] != c)
                        .fold((0.0, 0usize), |(s, k), o| (s + pos[o], k + 1));
                    let key = if count == 0 {
                        pos[node]
                    } else {
                        sum / count as f64
                    };
                    (key, r, node)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            cols[c] = keyed.into_iter().map(|(.., node)| node).collect();
            place(&cols[c], &mut pos);
        }
    }
}

/// One document and its one-hop neighbourhood; `None` when it has no relations. At most
/// `max_side` neighbours are drawn on each side, the rest counted in a note.
pub fn neighbourhood(
    graph: &Graph,
    kinds: &KindTable,
    centre: usize,
    max_side: usize,
) -> Option<Scene> {
    // Neighbour → how the centre relates to it. A node related both ways is drawn once,
    // on the right.
    let mut right: BTreeMap<usize, Vec<&'static str>> = BTreeMap::new();
    let mut left: BTreeMap<usize, Vec<&'static str>> = BTreeMap::new();
    let mut edges: Vec<Edge> = Vec::new();
    for e in graph.edges_of(centre) {
        edges.push(*e);
        if e.from == centre {
            right.entry(e.to).or_default().push(e.relation.label());
        } else {
            left.entry(e.from)
                .or_default()
                .push(e.relation.inverse_label());
        }
    }
    if edges.is_empty() {
        return None;
    }
    for (node, labels) in std::mem::take(&mut left) {
        match right.get_mut(&node) {
            Some(r) => r.extend(labels),
            None => {
                left.insert(node, labels);
            }
        }
    }
    let column = |node: usize| {
        graph
            .columns
            .iter()
            .position(|&k| k == graph.nodes[node].kind)
    };
    let side = |m: BTreeMap<usize, Vec<&'static str>>| -> Vec<(usize, String)> {
        let mut v: Vec<(usize, String)> = m
            .into_iter()
            .map(|(node, mut labels)| {
                labels.dedup();
                (node, labels.join(", "))
            })
            .collect();
        v.sort_by(|a, b| {
            column(a.0)
                .cmp(&column(b.0))
                .then_with(|| by_title(graph, a.0, b.0))
        });
        v
    };
    let (left, right) = (side(left), side(right));
    let shown = |v: &[(usize, String)]| v.len().min(max_side) + usize::from(v.len() > max_side);
    let rows = shown(&left).max(shown(&right)).max(1);
    let height = 2 * PAD + rows as i32 * ROW_H - ROW_GAP;
    let mut x = PAD;
    let mut boxes = Vec::new();
    let mut notes = Vec::new();
    let mut column_of = |items: &[(usize, String)], x: i32, boxes: &mut Vec<Placed>| {
        let top = PAD + (rows - shown(items)) as i32 * ROW_H / 2;
        for (r, (node, labels)) in items.iter().take(max_side).enumerate() {
            let kind = &kinds.get(graph.nodes[*node].kind).label;
            let caption = match &graph.nodes[*node].status {
                Some(s) => format!("{labels} · {kind} · {s}"),
                None => format!("{labels} · {kind}"),
            };
            boxes.push(placed(
                graph,
                kinds,
                *node,
                x,
                top + r as i32 * ROW_H,
                Some(caption),
            ));
        }
        if items.len() > max_side {
            notes.push(Note {
                x: x + NODE_W / 2,
                y: top + max_side as i32 * ROW_H + NODE_H / 2,
                text: format!("and {} more", items.len() - max_side),
            });
        }
    };
    if !left.is_empty() {
        column_of(&left, x, &mut boxes);
        x += NODE_W + COL_GAP;
    }
    let mut me = placed(
        graph,
        kinds,
        centre,
        x,
        PAD + (rows - 1) as i32 * ROW_H / 2,
        None,
    );
    me.current = true;
    boxes.push(me);
    x += NODE_W;
    if !right.is_empty() {
        x += COL_GAP;
        column_of(&right, x, &mut boxes);
        x += NODE_W;
    }
    let routes = routes(&boxes, edges.into_iter());
    Some(Scene {
        width: x + PAD,
        height,
        boxes,
        routes,
        notes,
    })
}

fn by_title(graph: &Graph, a: usize, b: usize) -> std::cmp::Ordering {
    let (na, nb) = (&graph.nodes[a], &graph.nodes[b]);
    na.title.cmp(&nb.title).then_with(|| na.id.cmp(&nb.id))
}

fn placed(
    graph: &Graph,
    kinds: &KindTable,
    node: usize,
    x: i32,
    y: i32,
    caption: Option<String>,
) -> Placed {
    let n = &graph.nodes[node];
    let caption = caption.unwrap_or_else(|| {
        let kind = &kinds.get(n.kind).label;
        match &n.status {
            Some(s) => format!("{kind} · {s}"),
            None => kind.clone(),
        }
    });
    Placed {
        node,
        x,
        y,
        caption: wrap(&caption, CAPTION_EM, 1, em_width).remove(0),
        lines: wrap(&n.title, TITLE_EM, 2, em_width),
        current: false,
    }
}

/// Routes for the edges whose two ends are both placed.
fn routes(boxes: &[Placed], edges: impl Iterator<Item = Edge>) -> Vec<Route> {
    // Keyed by node, sized by the boxes: a neighbourhood has a handful of them, and every
    // document page draws one.
    let box_of: HashMap<usize, usize> =
        boxes.iter().enumerate().map(|(b, p)| (p.node, b)).collect();
    edges
        .filter_map(|e| {
            let (a, b) = (&boxes[*box_of.get(&e.from)?], &boxes[*box_of.get(&e.to)?]);
            Some(Route {
                edge: e,
                points: route(a, b, e.relation),
            })
        })
        .collect()
}

fn route(a: &Placed, b: &Placed, relation: Relation) -> [(i32, i32); 4] {
    // Two relations between the same pair run side by side instead of on top of each other.
    let lane = 4
        * (Relation::ALL
            .iter()
            .position(|&r| r == relation)
            .unwrap_or(0) as i32
            - 1);
    let (ay, by) = (a.y + NODE_H / 2 + lane, b.y + NODE_H / 2 + lane);
    if a.x == b.x {
        // Same column: loop out to the right.
        let sx = a.x + NODE_W;
        let bulge = 28 + ((ay - by).abs() / 6).min(90);
        [(sx, ay), (sx + bulge, ay), (sx + bulge, by), (sx, by)]
    } else if a.x < b.x {
        let (sx, ex) = (a.x + NODE_W, b.x);
        let dx = (ex - sx) / 2;
        [(sx, ay), (sx + dx, ay), (ex - dx, by), (ex, by)]
    } else {
        let (sx, ex) = (a.x, b.x + NODE_W);
        let dx = (sx - ex) / 2;
        [(sx, ay), (sx - dx, ay), (ex + dx, by), (ex, by)]
    }
}

/// How wide a character is drawn, in ems, erring wide: the box must hold the text in the
/// widest of the sans-serif faces a reader may have (DejaVu Sans on many Linux systems).
pub fn em_width(c: char) -> f32 {
    match c {
        ' ' | '·' => 0.34,
        'i' | 'l' | 'j' | '.' | ',' | '\'' | '|' | '!' | ':' | ';' => 0.32,
        'f' | 't' | 'r' | '(' | ')' | '-' | 'I' => 0.44,
        'm' | 'w' => 0.92,
        'M' | 'W' | '…' | '@' => 1.0,
        'A'..='Z' => 0.74,
        '0'..='9' => 0.64,
        'a'..='z' => 0.6,
        c if c.is_ascii() => 0.7,
        // Letters of other scripts, CJK and emoji: as wide as their font size, or wider.
        _ => 1.1,
    }
}

/// The drawn width of `s` in ems (see [`em_width`]).
pub fn text_em(s: &str) -> f32 {
    s.chars().map(em_width).sum()
}

/// Word-wraps `text` into at most `lines` lines no wider than `width` ems as `em` measures
/// them; the last line ends in an ellipsis when text was cut. A word longer than a line is
/// cut too.
pub fn wrap(text: &str, width: f32, lines: usize, em: fn(char) -> f32) -> Vec<String> {
    let measure = |s: &str| s.chars().map(em).sum::<f32>();
    let mut out: Vec<String> = vec![String::new()];
    let mut cut = false;
    for word in text.split_whitespace() {
        let last = out.last_mut().expect("never empty");
        if last.is_empty() || measure(last) + em(' ') + measure(word) <= width {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        } else if out.len() < lines {
            out.push(word.to_string());
        } else {
            cut = true;
            break;
        }
    }
    // Cuts `line` to fit `width` with the ellipsis after it.
    let shorten = |line: &str| {
        let room = width - em('…');
        let mut kept = String::new();
        for c in line.chars() {
            if measure(&kept) + em(c) > room {
                break;
            }
            kept.push(c);
        }
        // No dangling separator before the ellipsis: `Served by · Decision…`.
        let mut kept = kept.trim_end_matches([' ', '·']).to_string();
        kept.push('…');
        kept
    };
    for line in &mut out {
        if measure(line) > width {
            *line = shorten(line);
        }
    }
    if cut {
        let last = out.last_mut().expect("never empty");
        if measure(last) + em('…') > width {
            *last = shorten(last);
        } else {
            *last = last.trim_end_matches([' ', '·']).to_string();
            last.push('…');
        }
    }
    out
}
