//! Front-matter relations (`serves`, `uses`, `supersedes`, `related`): each resolved to a
//! document, checked against the kinds table, and seen from both ends. Pure.

use super::Doc;
use super::lookup::{Lookup, ref_message, ref_severity};
use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Diagnostics};
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
                            ref_severity(&e, config),
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
            // `Superseded by X` written in this record is X superseding it, whether or not X
            // says so too.
            let (from, to) = if r.reversed { (j, i) } else { (i, j) };
            if !relations[from].contains(&(r.relation, to)) {
                relations[from].push((r.relation, to));
                inverse[to].push((r.relation, from));
            }
        }
    }
    for inv in &mut inverse {
        inv.sort();
    }
    (relations, inverse)
}
