//! Progress: a build tells the observer it is given how many documents were read, pages
//! written and checks still running; the command line shows nothing of it off a terminal.

use std::sync::{Arc, Mutex};

use cairn::progress::{Event, Progress, Stage};

use crate::support::*;

/// What an observer saw, as owned values.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Start(Stage, usize),
    Total(Stage, usize),
    Advance(Stage, usize),
    Running(Vec<String>),
    Finish(Stage),
}

fn observer() -> (Progress, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let progress = Progress::new(move |e| {
        let s = match e {
            Event::Start { stage, total } => Seen::Start(*stage, *total),
            Event::Total { stage, total } => Seen::Total(*stage, *total),
            Event::Advance { stage, done } => Seen::Advance(*stage, *done),
            Event::Running { names } => Seen::Running(names.to_vec()),
            Event::Finish { stage } => Seen::Finish(*stage),
        };
        sink.lock().unwrap().push(s);
    });
    (progress, seen)
}

fn last_advance(seen: &[Seen], stage: Stage) -> Option<usize> {
    seen.iter()
        .filter_map(|s| match s {
            Seen::Advance(st, n) if *st == stage => Some(*n),
            _ => None,
        })
        .max()
}

#[test]
fn a_build_reports_documents_read_pages_written_and_checks_running() {
    let site = Site::copy("basic");
    site.write(
        "site.yaml",
        &format!(
            "{}checks:\n  - name: Alive\n    kind: proof_of_life\n    link: https://x.example/\n  - name: Slow\n    kind: command\n    command: [\"sleep\", \"0.2\"]\n    link: https://x.example/\n",
            std::fs::read_to_string(site.root().join("site.yaml")).unwrap()
        ),
    );
    let (progress, seen) = observer();
    let mut opts = site.options();
    opts.progress = progress;
    let report = cairn::build(&opts).unwrap();
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let seen = seen.lock().unwrap().clone();

    let read_total = seen.iter().find_map(|s| match s {
        Seen::Start(Stage::Read, n) => Some(*n),
        _ => None,
    });
    // Every document file is read, drafts and folder introductions included.
    let files = tree(&site.root().join("content"))
        .keys()
        .filter(|p| p.ends_with(".md"))
        .count();
    assert_eq!(read_total, Some(files), "{seen:?}");
    assert_eq!(last_advance(&seen, Stage::Read), read_total);
    // The pages' total is the last one the stage announced: it starts with the documents'
    // pages and grows by the site-wide ones once they are listed.
    let pages = seen.iter().rev().find_map(|s| match s {
        Seen::Start(Stage::Pages, n) | Seen::Total(Stage::Pages, n) => Some(*n),
        _ => None,
    });
    assert!(pages.is_some_and(|n| n > report.documents), "{seen:?}");
    let first = seen.iter().find_map(|s| match s {
        Seen::Start(Stage::Pages, n) => Some(*n),
        _ => None,
    });
    assert!(
        first < pages,
        "the total grows once the site-wide pages are listed: {seen:?}"
    );
    assert_eq!(last_advance(&seen, Stage::Pages), pages);
    assert_eq!(last_advance(&seen, Stage::Checks), Some(2));
    // First both are running, and at the end none is.
    let running: Vec<&Vec<String>> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Running(n) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(running.first().map(|r| r.len()), Some(2), "{running:?}");
    assert!(running.last().unwrap().is_empty(), "{running:?}");
    for stage in [Stage::Read, Stage::Pages, Stage::Checks] {
        assert!(seen.contains(&Seen::Finish(stage)), "{stage:?} finished");
    }
}

#[test]
fn nothing_of_it_reaches_a_pipe_even_outside_ci() {
    let site = Site::copy("basic");
    let out = site.command().arg("build").env_remove("CI").run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.starts_with("built "), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
}
