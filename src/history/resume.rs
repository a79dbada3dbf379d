//! Carrying a stored history forward: when the history stored for an older commit S is a
//! part of the pass from HEAD, only the commits the walk meets before S's own are read, and
//! S's history is joined on. Pure: the walk (`walk`) decides what to read, this module when
//! that is allowed and how the two parts join.
//!
//! The result is the one a whole pass gives, because the pass from HEAD meets, in order, the
//! new commits and then exactly the commits the pass from S met (the same walk order, checked
//! by its length and a digest of its ids), and each document is followed on its own: from S
//! on, a document the pass from HEAD still follows (under a name it had at S) meets the same
//! changes, the same renames and the same statuses as it did in S's pass. That holds unless
//! two documents ever took one name in S's pass (`clobbered`, possible only when commits of
//! different branches interleave) or `.mailmap` changed (authors are resolved when read);
//! then, and when S's history was cut at the commit limit, the whole history is read again.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hasher;

use serde::{Deserialize, Serialize};

use super::{Change, Commit, DocHistory, History};

/// How a history was walked: what a later pass needs to carry it forward.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    /// How many commits the walk order from its HEAD has.
    pub order: usize,
    /// A digest of those commits' ids, in the walk's order.
    pub digest: String,
    /// Two documents took one name at some point of the walk.
    pub clobbered: bool,
    /// The `.mailmap` blob the authors were resolved with.
    pub mailmap: Option<String>,
    /// How many commits this pass read (the new ones alone when it carried one forward).
    pub walked: usize,
}

/// A stored history and how it was walked.
#[derive(Debug, Clone, Default)]
pub struct Base {
    pub history: History,
    pub resume: Resume,
}

/// One pass's result.
#[derive(Debug, Clone)]
pub struct Walked {
    pub history: History,
    pub resume: Resume,
}

/// The digest of commit ids in order (SipHash-1-3, 128 bits: stable across builds).
pub fn digest(ids: &[&[u8]]) -> String {
    let mut h = siphasher::sip128::SipHasher13::new();
    for id in ids {
        h.write(id);
    }
    format!(
        "{:032x}",
        siphasher::sip128::Hasher128::finish128(&h).as_u128()
    )
}

/// How many of the commits in `order` (the walk from HEAD, at most `limit + 1`) come before
/// `base`'s: `None` when `base` cannot be carried forward and the whole history is read.
pub fn split(base: &Base, order: &[&[u8]], mailmap: Option<&str>, limit: usize) -> Option<usize> {
    let r = &base.resume;
    let fits = !base.history.truncated
        && !base.history.shallow
        && !r.clobbered
        && r.mailmap.as_deref() == mailmap
        && order.len() <= limit
        && r.order <= order.len();
    let new = order.len().checked_sub(r.order).filter(|_| fits)?;
    let hex = |id: &[u8]| id.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let same = order[new..].first().map(|id| hex(id)).as_ref() == Some(&base.history.head)
        && digest(&order[new..]) == r.digest;
    same.then_some(new)
}

/// The history from HEAD: the new `commits` (walk order) and each document's changes in them
/// (`docs`, by path at HEAD), then, for each document `boundary` gives a name at the stored
/// commit, that document's changes in `base`, their commits renumbered after the new ones.
/// Commits of `base` no document here changed are left out, as a whole pass never meets them.
pub fn join(
    head: String,
    truncated: bool,
    mut commits: Vec<Commit>,
    docs: Vec<(String, Vec<Change>)>,
    boundary: &HashMap<usize, String>,
    base: &Base,
) -> History {
    let old_docs = |doc: usize| boundary.get(&doc).and_then(|p| base.history.docs.get(p));
    let mut used: Vec<u32> = (0..docs.len())
        .filter_map(old_docs)
        .flat_map(|d| d.changes.iter().map(|c| c.commit))
        .collect();
    used.sort_unstable();
    used.dedup();
    let renumber: HashMap<u32, u32> = used
        .iter()
        .enumerate()
        .map(|(i, old)| (*old, (commits.len() + i) as u32))
        .collect();
    commits.extend(
        used.iter()
            .filter_map(|i| base.history.commits.get(*i as usize).cloned()),
    );
    let docs = docs
        .into_iter()
        .enumerate()
        .map(|(doc, (path, mut changes))| {
            if let Some(old) = old_docs(doc) {
                changes.extend(old.changes.iter().map(|c| Change {
                    commit: renumber[&c.commit],
                    status: c.status.clone(),
                }));
            }
            (path, DocHistory { changes })
        })
        .filter(|(_, d)| !d.changes.is_empty())
        .collect::<BTreeMap<_, _>>();
    History {
        head,
        shallow: false,
        truncated,
        commits,
        docs,
    }
}
