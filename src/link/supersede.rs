//! Superseding is derived, never written by a tool: a document is superseded once a document
//! that supersedes it is accepted or in force; while that one is only proposed (or a draft),
//! the older one stays in force and its page names the open proposal. A written superseded
//! status stays as written. Pure.

use super::Doc;
use crate::config::SiteConfig;
use crate::kinds::Meaning;
use crate::relation::Relation;

/// What superseding changed: the statuses as written of the documents now shown superseded
/// (to restore before linking again), and each document's open proposals.
pub(super) struct Derived {
    pub written: Vec<(usize, Option<String>)>,
    pub proposals: Vec<Vec<usize>>,
}

/// Marks superseded the documents an accepted or in-force document supersedes, and lists the
/// proposals still open against each. Judged on the statuses as written, so the order of
/// documents does not matter and a chain `c → b → a` gives the same result either way round.
pub(super) fn derive_superseded(
    docs: &mut [Doc],
    relations: &[Vec<(Relation, usize)>],
    config: &SiteConfig,
) -> Derived {
    let meaning = |d: &Doc| {
        let kind = config.kinds.get(d.kind);
        d.status.as_deref().map(|s| kind.meaning(s))
    };
    let mut proposals = vec![Vec::new(); docs.len()];
    let mut replaced = Vec::new();
    for (i, rels) in relations.iter().enumerate() {
        let m = meaning(&docs[i]);
        for &(r, j) in rels {
            if r != Relation::Supersedes {
                continue;
            }
            match m {
                Some(Meaning::Accepted | Meaning::InForce) => replaced.push(j),
                Some(Meaning::Proposed) => proposals[j].push(i),
                _ => {}
            }
        }
    }
    replaced.sort_unstable();
    replaced.dedup();
    let mut written = Vec::new();
    for j in replaced {
        let kind = config.kinds.get(docs[j].kind);
        let Some(superseded) = kind.status_meaning(Meaning::Superseded) else {
            continue;
        };
        if meaning(&docs[j]) == Some(Meaning::Superseded) {
            continue;
        }
        let was = docs[j].status.replace(superseded.to_string());
        written.push((j, was));
        // Once replaced, what was proposed against it is moot.
        proposals[j].clear();
    }
    for p in &mut proposals {
        p.sort_unstable();
    }
    Derived { written, proposals }
}
