//! Front-matter relations (`serves`, `uses`, `supersedes`, `related`): each resolved to a
//! document, checked against the kinds table, and seen from both ends. Pure.

use super::Doc;
use super::lookup::{Lookup, ref_message};
use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Diagnostics};
use crate::kinds::Meaning;
use crate::relation::Relation;

/// Relations by document, and the same relations seen from their targets (sorted).
type Graph = Vec<Vec<(Relation, usize)>>;

/// Resolves every document's relations: what each points at, and what points at each.
pub(super) fn resolve_relations(
    docs: &[Doc],
    idx: &Lookup,
    config: &SiteConfig,
    diags: &mut Diagnostics,
) -> (Graph, Graph) {
    let broken = config.broken_links;
    let n = docs.len();
    let mut relations = vec![Vec::new(); n];
    let mut inverse = vec![Vec::new(); n];
    for (i, d) in docs.iter().enumerate() {
        let kind = config.kinds.get(d.kind);
        for r in &d.relations {
            let j = match idx.resolve(&r.target, docs, config) {
                Ok(j) => j,
                Err(e) => {
                    diags.push(
                        Diagnostic::new(
                            broken,
                            &d.file,
                            r.pos,
                            format!("`{}`: {}", r.relation.key(), ref_message(&r.target, e)),
                        )
                        .spanning(r.len),
                    );
                    continue;
                }
            };
            let target = &docs[j];
            let tkind = config.kinds.get(target.kind);
            let fits = match r.relation {
                Relation::Serves => kind.serves.contains(&tkind.name),
                Relation::Uses => kind.uses.contains(&tkind.name),
                Relation::Supersedes => target.kind == d.kind,
                Relation::Related => true,
            };
            if i == j {
                diags.error_spanning(
                    &d.file,
                    r.pos,
                    r.len,
                    format!("`{}`: a document cannot point at itself", r.relation.key()),
                );
                continue;
            }
            if target.is_index {
                diags.error_spanning(
                    &d.file,
                    r.pos,
                    r.len,
                    format!(
                        "`{}`: `{}` is a folder introduction, not a document",
                        r.relation.key(),
                        r.target
                    ),
                );
                continue;
            }
            if !fits {
                let allowed = match r.relation {
                    Relation::Serves => &kind.serves,
                    Relation::Uses => &kind.uses,
                    _ => &vec![kind.name.clone()],
                };
                diags.error_spanning(
                    &d.file,
                    r.pos,
                    r.len,
                    format!(
                        "`{}`: `{}` is a {}, but a {} may only {} a {}",
                        r.relation.key(),
                        r.target,
                        tkind.name,
                        kind.name,
                        if r.relation == Relation::Supersedes {
                            "supersede"
                        } else {
                            r.relation.key().trim_end_matches('s')
                        },
                        allowed.join(" or a ")
                    ),
                );
                continue;
            }
            // Only a kind with a status meaning "superseded" can say so.
            let superseded = tkind.status_meaning(Meaning::Superseded);
            let says_so = target
                .status
                .as_deref()
                .is_some_and(|s| tkind.meaning(s) == Meaning::Superseded);
            if let Some(want) =
                superseded.filter(|_| r.relation == Relation::Supersedes && !says_so)
            {
                diags.warning_spanning(
                    &d.file,
                    r.pos,
                    r.len,
                    format!("`{}` is superseded by this document but its status is `{}`; set it to `{want}`", r.target, target.status.as_deref().unwrap_or("none")),
                );
            }
            if !relations[i].contains(&(r.relation, j)) {
                relations[i].push((r.relation, j));
                inverse[j].push((r.relation, i));
            }
        }
    }
    for inv in &mut inverse {
        inv.sort();
    }
    (relations, inverse)
}
