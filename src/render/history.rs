//! What pages show of a document's history from git: its commits (linked to the commit in
//! `repository.url` when the site names one) and its status transitions. Plain values built
//! from [`crate::history::History`], so a page's digest holds everything git gives it. No I/O.

use serde::Serialize;

use super::Renderer;
use crate::history::{DocFacts, History, Transition};

/// One commit, as a document's History section lists it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct CommitView<'r> {
    pub date: String,
    pub author: &'r str,
    pub subject: &'r str,
    /// The first 12 digits of its id.
    pub short: &'r str,
    pub href: Option<String>,
}

/// "proposed → accepted, 2026-03-02, Hannah Lindqvist".
#[derive(Debug, Clone, Serialize)]
pub(super) struct TransitionView<'r> {
    pub from: Option<&'r str>,
    pub to: Option<&'r str>,
    pub date: String,
    pub author: &'r str,
    pub commit: &'r str,
    pub href: Option<String>,
}

/// A document page's History section.
#[derive(Debug, Clone, Serialize)]
pub(super) struct HistoryView<'r> {
    /// Newest first.
    pub commits: Vec<CommitView<'r>>,
    /// Oldest first.
    pub transitions: Vec<TransitionView<'r>>,
    /// The status it was first committed with.
    pub first_status: Option<&'r str>,
}

fn commit_href(r: &Renderer<'_>, id: &str) -> Option<String> {
    // The id is hexadecimal and the address was checked and encoded when read.
    r.config.repository.as_ref().map(|repo| repo.commit_url(id))
}

fn facts<'r>(r: &Renderer<'r>, i: usize) -> Option<DocFacts<'r>> {
    let h: &'r History = r.env.history?;
    h.facts(r.site.docs[i].source.as_str())
}

fn transition<'r>(r: &Renderer<'_>, t: &Transition<'r>) -> TransitionView<'r> {
    TransitionView {
        from: t.from,
        to: t.to,
        date: t.commit.date().to_string(),
        author: &t.commit.author,
        commit: &t.commit.id,
        href: commit_href(r, &t.commit.id),
    }
}

/// Document `i`'s History section, when git knows it.
pub(super) fn of_doc<'r>(r: &Renderer<'r>, i: usize) -> Option<HistoryView<'r>> {
    let f = facts(r, i)?;
    Some(HistoryView {
        commits: f
            .commits
            .iter()
            .map(|c| CommitView {
                date: c.date().to_string(),
                author: &c.author,
                subject: &c.subject,
                short: &c.id[..c.id.len().min(12)],
                href: commit_href(r, &c.id),
            })
            .collect(),
        transitions: f.transitions.iter().map(|t| transition(r, t)).collect(),
        first_status: f.first_status,
    })
}

/// Document `i`'s status transitions, oldest first (none without history).
pub(super) fn transitions<'r>(r: &Renderer<'r>, i: usize) -> Vec<TransitionView<'r>> {
    facts(r, i)
        .map(|f| f.transitions.iter().map(|t| transition(r, t)).collect())
        .unwrap_or_default()
}
