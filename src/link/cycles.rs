//! `supersedes` must not go round in a circle: each cycle is reported once, at the first
//! document on it. Pure.

use super::Doc;
use crate::diag::{Diagnostics, Pos};
use crate::relation::Relation;

pub(super) fn check_supersede_cycles(
    docs: &[Doc],
    relations: &[Vec<(Relation, usize)>],
    diags: &mut Diagnostics,
) {
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; docs.len()];
    fn visit(
        i: usize,
        rel: &[Vec<(Relation, usize)>],
        state: &mut [u8],
        path: &mut Vec<usize>,
        cycles: &mut Vec<Vec<usize>>,
    ) {
        state[i] = 1;
        path.push(i);
        for &(r, j) in &rel[i] {
            if r != Relation::Supersedes {
                continue;
            }
            if state[j] == 1 {
                let start = path.iter().position(|&p| p == j).unwrap_or(0);
                cycles.push(path[start..].to_vec());
            } else if state[j] == 0 {
                visit(j, rel, state, path, cycles);
            }
        }
        path.pop();
        state[i] = 2;
    }
    let mut cycles = Vec::new();
    for i in 0..docs.len() {
        if state[i] == 0 {
            visit(i, relations, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    for cycle in cycles {
        let first = cycle[0];
        let names: Vec<&str> = cycle
            .iter()
            .chain([&first])
            .map(|&i| docs[i].id.as_str())
            .collect();
        let d = &docs[first];
        let pos = d
            .relations
            .iter()
            .find(|r| r.relation == Relation::Supersedes)
            .map_or(Pos::START, |r| r.pos);
        diags.error(
            &d.file,
            pos,
            format!("`supersedes` forms a cycle: {}", names.join(" → ")),
        );
    }
}
