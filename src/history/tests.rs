use jiff::civil::date;

use super::*;

fn commit(id: &str, day: &str, author: &str) -> Commit {
    let t: jiff::Timestamp = format!("{day}T12:00:00Z").parse().unwrap();
    Commit {
        id: id.into(),
        time: t.as_second(),
        offset: 0,
        author: author.into(),
        subject: format!("change {id}"),
    }
}

/// A history of one document, `changes` oldest first as (commit, status).
fn history(path: &str, changes: &[(&str, &str, &str, Option<&str>)]) -> History {
    let mut h = History::default();
    for (id, day, author, _) in changes.iter().rev() {
        h.commits.push(commit(id, day, author));
    }
    let doc = DocHistory {
        changes: changes
            .iter()
            .rev()
            .enumerate()
            .map(|(i, c)| Change {
                commit: i as u32,
                status: c.3.map(str::to_string),
            })
            .collect(),
    };
    h.docs.insert(path.into(), doc);
    h
}

#[test]
fn status_is_read_from_the_front_matter_alone() {
    let doc = "---\ntitle: T\nstatus: accepted\nowners: [a]\n---\n\nstatus: nope\n";
    assert_eq!(status_of(doc).as_deref(), Some("accepted"));
    assert_eq!(
        status_of("---\nstatus: \"proposed\" # quoted\n---\n").as_deref(),
        Some("proposed")
    );
    assert_eq!(status_of("---\ntitle: T\n---\nstatus: x\n"), None);
    assert_eq!(status_of("no front matter\nstatus: x\n"), None);
    assert_eq!(status_of("---\nstatus:\n  - a\n---\n"), None);
    assert_eq!(status_of("---\nstatus: [\n---\n"), None, "broken YAML");
    // A nested `status` is not the document's.
    assert_eq!(status_of("---\nreview:\n  status: done\n---\n"), None);
    assert_eq!(status_of("---\nstatuses: a\n---\n"), None);
}

#[test]
fn facts_give_dates_contributors_and_transitions() {
    let h = history(
        "decisions/d.md",
        &[
            ("a1", "2026-01-05", "Hannah Lindqvist", Some("draft")),
            ("b2", "2026-02-01", "Tomás Ferreira", Some("proposed")),
            ("c3", "2026-02-10", "Hannah Lindqvist", Some("proposed")),
            ("d4", "2026-03-02", "Amara Okafor", Some("accepted")),
        ],
    );
    let f = h.facts("decisions/d.md").unwrap();
    assert_eq!(f.created.id, "a1");
    assert_eq!(f.updated.id, "d4");
    assert_eq!(f.created.date(), date(2026, 1, 5));
    assert_eq!(
        f.contributors,
        ["Hannah Lindqvist", "Tomás Ferreira", "Amara Okafor"]
    );
    let ids: Vec<&str> = f.commits.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["d4", "c3", "b2", "a1"]);
    assert_eq!(f.first_status, Some("draft"));
    let shown: Vec<String> = f.transitions.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        shown,
        [
            "draft → proposed, 2026-02-01, Tomás Ferreira",
            "proposed → accepted, 2026-03-02, Amara Okafor"
        ]
    );
    assert!(h.facts("decisions/other.md").is_none());
}

#[test]
fn commit_dates_are_the_authors_own() {
    let mut c = commit("x", "2026-03-01", "A");
    c.time += 11 * 3600 + 30 * 60; // 23:30 UTC
    assert_eq!(c.date(), date(2026, 3, 1));
    c.offset = 3600;
    assert_eq!(c.date(), date(2026, 3, 2), "00:30 where the author was");
}

#[test]
fn front_matter_wins_where_it_speaks() {
    let h = history(
        "p.md",
        &[
            ("a", "2025-05-01", "Ann", None),
            ("b", "2026-01-01", "Bo", None),
        ],
    );
    let git = h.facts("p.md");
    let owners = vec!["team-a".to_string()];
    let silent = merge(&FrontFacts::default(), git.as_ref());
    assert_eq!(
        (silent.created, silent.updated),
        (Some(date(2025, 5, 1)), Some(date(2026, 1, 1)))
    );
    assert_eq!(silent.people, ["Ann", "Bo"]);
    assert!(silent.created_from_git && silent.updated_from_git && silent.people_from_git);
    let spoken = merge(
        &FrontFacts {
            created: Some(date(2024, 1, 1)),
            updated: Some(date(2024, 6, 1)),
            owners: &owners,
        },
        git.as_ref(),
    );
    assert_eq!(
        (spoken.created, spoken.updated),
        (Some(date(2024, 1, 1)), Some(date(2024, 6, 1)))
    );
    assert_eq!(spoken.people, ["team-a"]);
    assert!(!spoken.created_from_git && !spoken.updated_from_git && !spoken.people_from_git);
    // A git change older than the creation front matter states is not shown.
    let later = merge(
        &FrontFacts {
            created: Some(date(2026, 6, 1)),
            ..FrontFacts::default()
        },
        git.as_ref(),
    );
    assert_eq!(
        (later.created, later.updated),
        (Some(date(2026, 6, 1)), None)
    );
    let none = merge(&FrontFacts::default(), None);
    assert_eq!((none.created, none.updated), (None, None));
    assert!(none.people.is_empty());
}

fn drift_doc(path: &str, kind: &str, status: &str) -> DriftDoc {
    DriftDoc {
        path: path.into(),
        title: path.trim_end_matches(".md").into(),
        kind_label: kind.into(),
        status: Some(status.into()),
        updated: None,
        last_reviewed: None,
        serves: Vec::new(),
        mid_chain: kind == "strategy",
    }
}

fn merged(parts: Vec<History>) -> History {
    let mut h = History::default();
    for p in parts {
        let base = h.commits.len() as u32;
        h.commits.extend(p.commits);
        for (path, mut d) in p.docs {
            for c in &mut d.changes {
                c.commit += base;
            }
            h.docs.insert(path, d);
        }
    }
    h
}

#[test]
fn a_change_after_the_review_drifts() {
    let h = history("s.md", &[("a", "2026-01-10", "Ann", Some("active"))]);
    let mut d = drift_doc("s.md", "pattern", "active");
    d.last_reviewed = Some(date(2026, 1, 9));
    let out = drift(std::slice::from_ref(&d), Some(&h));
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].rule, Rule::ChangedSinceReview);
    assert_eq!(out[0].date, Some(date(2026, 1, 10)));
    assert_eq!(
        out[0].message,
        "changed since it was reviewed on 2026-01-09: last changed on 2026-01-10 by Ann (\"change a\")"
    );
    d.last_reviewed = Some(date(2026, 1, 10));
    assert!(
        drift(&[d.clone()], Some(&h)).is_empty(),
        "reviewed that day"
    );
    d.last_reviewed = Some(date(2026, 1, 9));
    assert!(drift(&[d], None).is_empty(), "no history, no such drift");
}

#[test]
fn a_strategy_drifts_when_its_vision_changes_after_it() {
    let h = merged(vec![
        history("v.md", &[("v1", "2026-02-01", "Ann", Some("active"))]),
        history("s.md", &[("s1", "2026-01-15", "Bo", Some("active"))]),
    ]);
    let vision = drift_doc("v.md", "vision", "active");
    let mut strategy = drift_doc("s.md", "strategy", "active");
    strategy.serves = vec![0];
    let out = drift(&[vision.clone(), strategy.clone()], Some(&h));
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!((out[0].doc, out[0].rule), (1, Rule::ServedChanged));
    assert_eq!(
        out[0].message,
        "the vision it serves changed on 2026-02-01 (`v`), after this was last updated or reviewed on 2026-01-15"
    );
    // Reviewed after the vision changed: no drift; front matter `updated` counts the same.
    strategy.last_reviewed = Some(date(2026, 2, 3));
    assert!(drift(&[vision.clone(), strategy.clone()], Some(&h)).is_empty());
    strategy.last_reviewed = None;
    strategy.updated = Some(date(2026, 2, 1));
    assert!(drift(&[vision.clone(), strategy.clone()], Some(&h)).is_empty());
    // The rule is for documents mid-chain only: a decision serving a changed strategy is not.
    let mut decision = drift_doc("d.md", "decision", "accepted");
    decision.serves = vec![0];
    assert!(drift(&[vision, decision], Some(&h)).is_empty());
}

#[test]
fn serving_a_retired_or_superseded_document_drifts() {
    let h = history(
        "s.md",
        &[
            ("s1", "2025-01-01", "Ann", Some("active")),
            ("s2", "2026-04-01", "Bo", Some("retired")),
        ],
    );
    let retired = drift_doc("s.md", "strategy", "retired");
    let mut decision = drift_doc("d.md", "decision", "accepted");
    decision.serves = vec![0];
    let out = drift(&[retired.clone(), decision.clone()], Some(&h));
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!((out[0].doc, out[0].rule), (1, Rule::ServesEnded));
    assert_eq!(out[0].date, Some(date(2026, 4, 1)));
    assert_eq!(
        out[0].message,
        "serves the strategy `s`, which is retired since 2026-04-01"
    );
    // Without history the rule still holds, dated by front matter when it can be.
    let mut superseded = drift_doc("s.md", "strategy", "superseded");
    superseded.updated = Some(date(2026, 5, 5));
    let out = drift(&[superseded, decision.clone()], None);
    assert_eq!(
        out[0].message,
        "serves the strategy `s`, which is superseded since 2026-05-05"
    );
    // A document that has ended itself is not reported for what it serves.
    let mut old = decision;
    old.status = Some("superseded".into());
    assert!(drift(&[retired, old], Some(&h)).is_empty());
}

#[test]
fn the_shallow_warning_says_how_to_fix_it() {
    let h = History {
        shallow: true,
        ..History::default()
    };
    assert!(h.warning().unwrap().contains("`fetch-depth: 0`"));
    assert_eq!(History::default().warning(), None);
}
