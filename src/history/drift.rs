//! Drift: documents that moved away from what they were reviewed against or serve.
//!
//! Three rules, as data for the `docs` check and the diagnostics to show:
//! - a document changed (in git) after its `last_reviewed` date;
//! - a document in the middle of a `serves` chain (a strategy) whose served document (its
//!   vision) changed after it was itself last updated or reviewed;
//! - a document that serves one that is `retired` or `superseded`.
//!
//! Pure. It reads documents through [`DriftDoc`], plain values [`inputs`] takes from a linked
//! site, so the shape of `Site` and `Doc` can change without the rules noticing.

use jiff::civil::Date;
use serde::Serialize;

use super::{History, top_level_value};
use crate::config::SiteConfig;
use crate::link::{Site, has_packet};
use crate::relation::Relation;

/// Statuses that mean a document no longer stands.
const ENDED: [&str; 2] = ["retired", "superseded"];

/// What the rules need to know of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftDoc {
    /// Under `content/`, as the history names it: `strategies/cloud.md`.
    pub path: String,
    pub title: String,
    /// The kind's label in lower case: "vision".
    pub kind_label: String,
    pub status: Option<String>,
    /// `updated` from front matter.
    pub updated: Option<Date>,
    pub last_reviewed: Option<Date>,
    /// Indices (into the same list) of the documents it serves.
    pub serves: Vec<usize>,
    /// Its kind both serves and is served (a strategy): the second rule applies to it.
    pub mid_chain: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    ChangedSinceReview,
    ServedChanged,
    ServesEnded,
}

/// One drifted document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Drift {
    /// Index of the document in the list given (in `Site::docs` for [`inputs`]).
    pub doc: usize,
    pub path: String,
    pub rule: Rule,
    /// When the drift began: the change after the review, the served document's change, the
    /// day the served document ended (when known).
    pub date: Option<Date>,
    pub message: String,
}

/// The documents of a linked site as the rules read them. `last_reviewed` is not kept by the
/// parse stage, so it is read from the front matter here (one key, cheaply).
pub fn inputs(site: &Site, config: &SiteConfig) -> Vec<DriftDoc> {
    site.docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let front = crate::frontmatter::split(&d.text).ok().and_then(|s| s.yaml);
            let last_reviewed = front
                .and_then(|y| top_level_value(y, "last_reviewed"))
                .and_then(|s| s.parse::<Date>().ok());
            DriftDoc {
                path: d.source.as_str().to_string(),
                title: d.title.clone(),
                kind_label: config.kinds.get(d.kind).label.to_lowercase(),
                status: d.status.clone(),
                updated: d.updated,
                last_reviewed,
                serves: site.relations[i]
                    .iter()
                    .filter(|(r, _)| *r == Relation::Serves)
                    .map(|(_, j)| *j)
                    .collect(),
                mid_chain: has_packet(&config.kinds, d.kind),
            }
        })
        .collect()
}

fn ended(d: &DriftDoc) -> Option<&str> {
    d.status.as_deref().filter(|s| ENDED.contains(s))
}

/// Every drift, sorted by document, then rule. Without history only the third rule applies.
pub fn drift(docs: &[DriftDoc], history: Option<&History>) -> Vec<Drift> {
    let facts = |d: &DriftDoc| history.and_then(|h| h.facts(&d.path));
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let git = facts(d);
        if let (Some(reviewed), Some(g)) = (d.last_reviewed, &git) {
            let changed = g.updated.date();
            if changed > reviewed {
                out.push(Drift {
                    doc: i,
                    path: d.path.clone(),
                    rule: Rule::ChangedSinceReview,
                    date: Some(changed),
                    message: format!(
                        "changed since it was reviewed on {reviewed}: last changed on {changed} by {} (\"{}\")",
                        g.updated.author, g.updated.subject
                    ),
                });
            }
        }
        if ended(d).is_none() {
            for &j in &d.serves {
                let Some(t) = docs.get(j) else { continue };
                if let Some(status) = ended(t) {
                    let since = facts(t)
                        .and_then(|f| {
                            f.transitions
                                .iter()
                                .rev()
                                .find(|tr| tr.to == Some(status))
                                .map(|tr| tr.commit.date())
                        })
                        .or(t.updated);
                    let when = since.map(|s| format!(" since {s}")).unwrap_or_default();
                    out.push(Drift {
                        doc: i,
                        path: d.path.clone(),
                        rule: Rule::ServesEnded,
                        date: since,
                        message: format!(
                            "serves the {} `{}`, which is {status}{when}",
                            t.kind_label, t.title
                        ),
                    });
                }
            }
        }
        if !d.mid_chain || ended(d).is_some() {
            continue;
        }
        // When this document was last looked at: its own last change or review.
        let seen = [
            d.updated.or(git.as_ref().map(|g| g.updated.date())),
            d.last_reviewed,
        ]
        .into_iter()
        .flatten()
        .max();
        let Some(seen) = seen else { continue };
        for &j in &d.serves {
            let Some(t) = docs.get(j) else { continue };
            let Some(changed) = facts(t).map(|f| f.updated.date()) else {
                continue;
            };
            if changed > seen {
                out.push(Drift {
                    doc: i,
                    path: d.path.clone(),
                    rule: Rule::ServedChanged,
                    date: Some(changed),
                    message: format!(
                        "the {} it serves changed on {changed} (`{}`), after this was last updated or reviewed on {seen}",
                        t.kind_label, t.title
                    ),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.doc, a.rule, &a.message).cmp(&(b.doc, b.rule, &b.message)));
    out
}
