//! `docs`: the site's own documents as a check. A document past its `review_by` date, or with
//! problems the build found (broken links, missing or empty sections, anything else reported on
//! it), gets a row linking to it; a healthy site gets one OK row.
//!
//! It reads no files: its input is the linked site and the diagnostics of the same build,
//! captured in a [`DocsInput`] before the checks start.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;

use super::Cx;
use super::kind::{Check, CheckKind};
use super::params::Params;
use super::row::{Finding, Level};
use crate::diag::{Diagnostic, Severity};
use crate::link::Site;
use crate::source::ContentDir;
use crate::yaml::Entry;

pub struct Kind;

impl CheckKind for Kind {
    fn name(&self) -> &'static str {
        "docs"
    }

    fn read(&self, rest: &[&Entry], p: &mut Params) -> Option<Arc<dyn Check>> {
        p.none(rest);
        Some(Arc::new(Docs))
    }
}

#[derive(Debug)]
struct Docs;

impl Check for Docs {
    fn run(&self, cx: &Cx) -> Result<Vec<Finding>, String> {
        run(cx)
    }
}

/// What the `docs` check knows about the site, shared by every check thread.
#[derive(Debug, Clone, Default)]
pub struct DocsInput(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    docs: Vec<DocInfo>,
    /// Content diagnostics by file.
    problems: BTreeMap<String, Vec<Diagnostic>>,
}

#[derive(Debug)]
struct DocInfo {
    file: String,
    title: String,
    /// A `[[path]]` reference, resolved with the other rows' links.
    reference: String,
    review_by: Option<Date>,
}

/// How many problems one row spells out before counting the rest.
const SHOWN: usize = 3;

impl DocsInput {
    pub fn new(site: &Site, content: &ContentDir, diagnostics: &[Diagnostic]) -> DocsInput {
        let docs = site
            .docs
            .iter()
            .filter(|d| !d.is_index)
            .map(|d| DocInfo {
                file: d.file.clone(),
                title: d.title.clone(),
                reference: format!("[[{}]]", d.source.without_ext()),
                review_by: d.review_by,
            })
            .collect();
        let mut problems: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
        let folder = format!("{}/", content.as_str());
        for d in diagnostics
            .iter()
            .filter(|d| d.path.starts_with(&folder))
            .filter(|d| d.severity != Severity::Note)
        {
            problems.entry(d.path.clone()).or_default().push(d.clone());
        }
        DocsInput(Arc::new(Inner { docs, problems }))
    }
}

fn run(cx: &Cx) -> Result<Vec<Finding>, String> {
    let input = &cx.docs.0;
    let mut out = Vec::new();
    let mut seen = Vec::new();
    let mut docs: Vec<&DocInfo> = input.docs.iter().collect();
    docs.sort_by(|a, b| a.file.cmp(&b.file));
    for doc in docs {
        seen.push(doc.file.as_str());
        let mut notes = Vec::new();
        let mut level = Level::Ok;
        if let Some(r) = doc.review_by.filter(|r| *r < cx.today) {
            let days = r.until(cx.today).map_or(0, |s| s.get_days());
            notes.push(format!(
                "review was due {r} ({days} day{} ago)",
                if days == 1 { "" } else { "s" }
            ));
            level = Level::Warning;
        }
        if let Some(found) = input.problems.get(&doc.file) {
            level = level.min(worst(found));
            notes.extend(found.iter().map(describe));
        }
        if level != Level::Ok {
            out.push(
                Finding::new(level, &doc.title, summarize(notes))
                    .with_link(Some(doc.reference.clone())),
            );
        }
    }
    // Problems in files that are not in the site (drafts left out, unparsable files).
    for (file, found) in &input.problems {
        if !seen.contains(&file.as_str()) {
            out.push(Finding::new(
                worst(found),
                file,
                summarize(found.iter().map(describe).collect()),
            ));
        }
    }
    if out.is_empty() {
        let n = input.docs.len();
        out.push(Finding::ok(
            format!("{n} document{}", if n == 1 { "" } else { "s" }),
            "none is past its review date; no broken links or missing sections",
        ));
    }
    Ok(out)
}

fn worst(found: &[Diagnostic]) -> Level {
    if found.iter().any(|d| d.severity == Severity::Error) {
        Level::Error
    } else {
        Level::Warning
    }
}

fn describe(d: &Diagnostic) -> String {
    format!("line {}: {}", d.line, d.message)
}

fn summarize(notes: Vec<String>) -> String {
    let more = notes.len().saturating_sub(SHOWN);
    let mut s = notes.into_iter().take(SHOWN).collect::<Vec<_>>().join("; ");
    if more > 0 {
        s.push_str(&format!("; and {more} more"));
    }
    s
}
