//! Documents' history from git: when each document under `content/` was created and last
//! changed, by whom, its commits and the status it had after each of them.
//!
//! [`read`] makes one pass over the repository the site lives in (`walk`, the only module
//! that knows the git library) and keeps the result in the build cache folder keyed by the
//! HEAD commit (`store`), so a rebuild at the same commit reads one file, and a build at a
//! later commit reads only the commits since (`resume`), with the same result. Outside a work tree
//! the feature is off without a word; a shallow clone gives no facts, only a warning (its
//! oldest commit would pass for every document's creation). The facts are plain values: the
//! merge with front matter ([`merge`]) and the drift rules (`drift`) are pure, and every value
//! a page shows derives `Hash` and `Serialize` for page digests. It never prints, never reads
//! the work tree (only committed objects, so the same commit gives the same bytes) and never
//! writes outside the cache folder.

mod apply;
mod drift;
mod resume;
mod store;
#[cfg(test)]
mod tests;
mod walk;

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use jiff::tz::Offset;
use serde::{Deserialize, Serialize};

use crate::frontmatter;
use crate::yaml::{self, Value};

pub use apply::{date_from_git, drift_diagnostics, read_noted};
pub use drift::{Drift, DriftDoc, Rule, drift, inputs};

/// One commit that changed a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Commit {
    /// The full hexadecimal id.
    pub id: String,
    /// The author's time, in seconds since the epoch.
    pub time: i64,
    /// The author's offset from UTC, in seconds: the date shown is the author's own.
    pub offset: i32,
    /// The author's name as `.mailmap` has it.
    pub author: String,
    /// The first line of the message.
    pub subject: String,
}

impl Commit {
    /// The day of the commit where its author was.
    pub fn date(&self) -> Date {
        let offset = Offset::from_seconds(self.offset).unwrap_or(Offset::UTC);
        let at = jiff::Timestamp::from_second(self.time).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        offset.to_datetime(at).date()
    }
}

/// One change to a document: the commit, and the status its front matter gave after it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Change {
    /// Index into [`History::commits`].
    pub commit: u32,
    pub status: Option<String>,
}

/// A document's changes, newest first, following renames.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocHistory {
    pub changes: Vec<Change>,
}

/// What one pass over the repository found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// The commit it was read at.
    pub head: String,
    /// A shallow clone: no facts are given (see [`History::warning`]).
    pub shallow: bool,
    /// The walk stopped after [`walk::MAX_COMMITS`] commits: older changes are not seen.
    pub truncated: bool,
    /// Every commit that changed a document, newest first.
    pub commits: Vec<Commit>,
    /// By path under `content/` (`strategies/cloud.md`), as documents name their source.
    pub docs: BTreeMap<String, DocHistory>,
}

/// A status change: "proposed → accepted, 2026-03-02, Hannah Lindqvist".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Transition<'a> {
    /// `None`: the document had no status before (or none could be read).
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub commit: &'a Commit,
}

impl std::fmt::Display for Transition<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} → {}, {}, {}",
            self.from.unwrap_or("none"),
            self.to.unwrap_or("none"),
            self.commit.date(),
            self.commit.author
        )
    }
}

/// Everything git says about one document, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct DocFacts<'a> {
    /// The commit that added it (under its first name, renames followed).
    pub created: &'a Commit,
    /// The last commit that changed it.
    pub updated: &'a Commit,
    /// Its authors in the order they first changed it.
    pub contributors: Vec<&'a str>,
    /// Newest first.
    pub commits: Vec<&'a Commit>,
    /// Oldest first; the status it was created with is not a transition.
    pub transitions: Vec<Transition<'a>>,
    /// The status it was created with.
    pub first_status: Option<&'a str>,
}

impl History {
    /// What git says about the document at `path` (under `content/`), if it was ever committed.
    pub fn facts(&self, path: &str) -> Option<DocFacts<'_>> {
        let doc = self.docs.get(path)?;
        let commit = |c: &Change| self.commits.get(c.commit as usize);
        let commits: Vec<&Commit> = doc.changes.iter().filter_map(commit).collect();
        let (updated, created) = (*commits.first()?, *commits.last()?);
        let mut contributors: Vec<&str> = Vec::new();
        for c in commits.iter().rev() {
            if !contributors.contains(&c.author.as_str()) {
                contributors.push(&c.author);
            }
        }
        let mut transitions = Vec::new();
        let mut oldest_first = doc.changes.iter().rev();
        let first_status = oldest_first.next().and_then(|c| c.status.as_deref());
        let mut before = first_status;
        for c in oldest_first {
            let now = c.status.as_deref();
            if now != before {
                if let Some(commit) = commit(c) {
                    transitions.push(Transition {
                        from: before,
                        to: now,
                        commit,
                    });
                }
                before = now;
            }
        }
        Some(DocFacts {
            created,
            updated,
            contributors,
            commits,
            transitions,
            first_status,
        })
    }

    /// The one warning a build gives about its history, if any.
    pub fn warning(&self) -> Option<String> {
        if self.shallow {
            Some("this checkout is a shallow clone, so documents' dates and history from git are left out; fetch the whole history (in a GitHub workflow, `fetch-depth: 0` on `actions/checkout`)".into())
        } else if self.truncated {
            Some(format!(
                "the repository has more than {} commits; history from git stops there",
                walk::MAX_COMMITS
            ))
        } else {
            None
        }
    }
}

/// Reads the history of the documents in `content` (the site's content folder) from the git
/// work tree it is in, or `Ok(None)` when it is in none (or the repository has no commit yet).
/// With a `cache` folder, a result for the same HEAD commit is read from there, one for an
/// older commit is carried forward, and the new one stored. An `Err` is a repository that
/// could not be read; its message names the reason.
pub fn read(content: &Path, cache: Option<&Path>) -> Result<Option<History>, String> {
    let Some(repo) = walk::Repo::discover(content)? else {
        return Ok(None);
    };
    if repo.is_shallow() {
        return Ok(Some(History {
            head: repo.head().unwrap_or_default(),
            shallow: true,
            ..History::default()
        }));
    }
    let Some(head) = repo.head() else {
        return Ok(None);
    };
    let key = store::Key::new(&head, &repo.prefix(), &repo.git_dir());
    let stored = cache.and_then(|dir| store::load(dir, &key));
    if stored.as_ref().is_some_and(|b| b.history.head == head) {
        return Ok(stored.map(|b| b.history));
    }
    let walked = repo.history(&head, stored.as_ref())?;
    if let Some(dir) = cache {
        store::save(dir, &key, &walked.history, &walked.resume);
    }
    Ok(Some(walked.history))
}

/// The HEAD commit of the repository `content` is in, `None` outside one (or before its first
/// commit): what a history read holds for, so that a long-running caller can tell, cheaply,
/// when a commit made it stale.
pub fn head(content: &Path) -> Option<String> {
    walk::Repo::discover(content).ok().flatten()?.head()
}

/// The status a document's text gives: the `status` key of its front matter. Only that key is
/// read (its line and the lines indented under it), so reading every version of every
/// document stays cheap; anything but a plain value is no status.
pub fn status_of(text: &str) -> Option<String> {
    let yaml = frontmatter::split(text, true).ok()?.yaml?;
    top_level_value(yaml, "status")
}

/// The value of a top-level `key` of a YAML mapping, as text, read by parsing that key's lines
/// alone with the project's YAML reader.
fn top_level_value(yaml: &str, key: &str) -> Option<String> {
    let mut lines = yaml.split_inclusive('\n');
    let start = lines.by_ref().position(|l| {
        l.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start_matches([' ', '\t']).starts_with(':'))
    })?;
    let rest = yaml.split_inclusive('\n').skip(start);
    let mut snippet = String::new();
    for (i, line) in rest.enumerate() {
        if i > 0 && !line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            break;
        }
        snippet.push_str(line);
    }
    let node = yaml::parse(&snippet).ok()?;
    let Value::Map(entries) = &node.value else {
        return None;
    };
    let value = &entries.iter().find(|e| e.key == key)?.node.value;
    match value {
        Value::Str(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// A document's dates and people as its front matter gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontFacts<'a> {
    pub created: Option<Date>,
    pub updated: Option<Date>,
    pub owners: &'a [String],
}

/// What a page shows: front matter where it speaks, git where it is silent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Shown {
    pub created: Option<Date>,
    pub updated: Option<Date>,
    /// The owners front matter names, else the contributors git knows.
    pub people: Vec<String>,
    /// Which of the three came from git, for the page to say so.
    pub created_from_git: bool,
    pub updated_from_git: bool,
    pub people_from_git: bool,
}

/// Front matter always wins where it speaks. A date from git that would put the last change
/// before the creation front matter states is left out rather than shown contradicting it.
pub fn merge(front: &FrontFacts<'_>, git: Option<&DocFacts<'_>>) -> Shown {
    let git_created = git.map(|g| g.created.date());
    let git_updated = git.map(|g| g.updated.date());
    let created = front.created.or(git_created);
    let updated = front
        .updated
        .or(git_updated.filter(|u| created.is_none_or(|c| *u >= c)));
    let (people, people_from_git) = match git {
        Some(g) if front.owners.is_empty() => (
            g.contributors.iter().map(|s| s.to_string()).collect(),
            !g.contributors.is_empty(),
        ),
        _ => (front.owners.to_vec(), false),
    };
    Shown {
        created,
        updated,
        people,
        created_from_git: front.created.is_none() && created.is_some(),
        updated_from_git: front.updated.is_none() && updated.is_some(),
        people_from_git,
    }
}
