//! A history stored for an older commit carried forward: only the commits since are read,
//! and the result is the one a whole pass gives, byte for byte in the stored form.

use std::path::Path;

use cairn::history::{self, History};

use super::{BODY, HANNAH, Repo, TOMAS, doc};

fn json(h: &History) -> String {
    serde_json::to_string(h).unwrap()
}

/// The one stored history in `cache` and how many commits the pass that stored it read.
fn stored(cache: &Path) -> (serde_json::Value, usize) {
    let files: Vec<_> = std::fs::read_dir(cache.join("history"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    let walked = v["resume"]["walked"].as_u64().unwrap() as usize;
    (v["history"].clone(), walked)
}

fn read(r: &Repo, cache: &Path) -> History {
    history::read(&r.content(), Some(cache)).unwrap().unwrap()
}

/// Merges `branch` into the current branch as `who` on `day`, always with a merge commit.
fn merge(r: &Repo, who: (&str, &str), day: &str, branch: &str) {
    r.git_as(who, day, &["merge", "-q", "--no-ff", "-m", "Merge", branch]);
}

/// Three documents and a `.mailmap`, committed over three days.
fn start(r: &Repo) {
    r.write(
        ".mailmap",
        "Hannah Lindqvist <hannah@example.org> <h@old.example.com>\n",
    );
    r.write(
        "content/decisions/a.md",
        &doc("decision", "A", "proposed", "", BODY),
    );
    r.write(
        "content/strategies/b.md",
        &doc("strategy", "B", "active", "", BODY),
    );
    r.commit(("h", "h@old.example.com"), "2025-01-01", "Add A and B");
    r.write(
        "content/patterns/c.md",
        &doc("pattern", "C", "active", "", BODY),
    );
    r.commit(TOMAS, "2025-01-02", "Add C");
    r.git(&["mv", "content/patterns/c.md", "content/patterns/c0.md"]);
    r.commit(TOMAS, "2025-01-03", "Rename C");
}

/// Edits, a status change, a rename with an edit, a delete, an added document and a merged
/// branch, one commit a day from 2025-02-01.
fn carry_on(r: &Repo) -> usize {
    r.write(
        "content/decisions/a.md",
        &doc("decision", "A", "accepted", "", BODY),
    );
    r.commit(HANNAH, "2025-02-01", "Accept A");
    r.git(&["mv", "content/strategies/b.md", "content/strategies/b2.md"]);
    r.write(
        "content/strategies/b2.md",
        &doc(
            "strategy",
            "B",
            "active",
            "",
            &format!("{BODY}\n\nOne more line."),
        ),
    );
    r.commit(TOMAS, "2025-02-02", "Rename B, with an edit");
    r.git(&["rm", "-q", "content/patterns/c0.md"]);
    r.write(
        "content/patterns/d.md",
        &doc("pattern", "D", "active", "", "Other words."),
    );
    r.commit(HANNAH, "2025-02-03", "Drop C, add D");
    r.git(&["checkout", "-q", "-b", "side"]);
    r.write(
        "content/patterns/d.md",
        &doc("pattern", "D", "retired", "", "Other words."),
    );
    r.commit(TOMAS, "2025-02-04", "Retire D");
    r.git(&["checkout", "-q", "main"]);
    r.write(
        "content/decisions/a.md",
        &doc("decision", "A", "superseded", "", BODY),
    );
    r.commit(HANNAH, "2025-02-05", "Supersede A");
    merge(r, HANNAH, "2025-02-06", "side");
    6
}

#[test]
fn a_stored_history_carried_forward_is_the_whole_pass() {
    let r = Repo::new();
    start(&r);
    let cache = tempfile::tempdir().unwrap();
    read(&r, cache.path());
    assert_eq!(stored(cache.path()).1, 3);
    let new = carry_on(&r);
    let carried = read(&r, cache.path());
    let whole = r.history();
    assert_eq!(json(&carried), json(&whole));
    let (text, walked) = stored(cache.path());
    assert_eq!(walked, new, "only the new commits are read");
    assert_eq!(text, serde_json::to_value(&whole).unwrap());
    // Sanity: the facts a whole pass gives across the stored commit.
    let b = whole.facts("strategies/b2.md").unwrap();
    assert_eq!(b.created.subject, "Add A and B");
    assert_eq!(b.created.author, "Hannah Lindqvist");
    let a = whole.facts("decisions/a.md").unwrap();
    let t: Vec<String> = a.transitions.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        t,
        [
            "proposed → accepted, 2025-02-01, Hannah Lindqvist",
            "accepted → superseded, 2025-02-05, Hannah Lindqvist"
        ]
    );
    assert!(whole.facts("patterns/c0.md").is_none());
    assert!(!whole.commits.iter().any(|c| c.subject == "Add C"));
}

#[test]
fn each_commit_carried_forward_one_at_a_time_is_the_whole_pass() {
    let r = Repo::new();
    start(&r);
    let cache = tempfile::tempdir().unwrap();
    read(&r, cache.path());
    for day in 1..=6 {
        let path = format!("content/patterns/p{}.md", day % 3);
        let status = ["active", "retired"][day % 2];
        r.write(&path, &doc("pattern", "P", status, "", BODY));
        if day == 4 {
            r.git(&["add", "-A"]);
            r.git(&["mv", "content/patterns/p1.md", "content/patterns/q1.md"]);
        }
        r.commit(TOMAS, &format!("2025-03-0{day}"), "Step");
        assert_eq!(
            json(&read(&r, cache.path())),
            json(&r.history()),
            "day {day}"
        );
        assert_eq!(stored(cache.path()).1, 1);
    }
}

#[test]
fn a_rewritten_history_is_read_whole() {
    let r = Repo::new();
    start(&r);
    let cache = tempfile::tempdir().unwrap();
    read(&r, cache.path());
    r.git(&["reset", "-q", "--hard", "HEAD~1"]);
    r.write(
        "content/patterns/c.md",
        &doc("pattern", "C", "retired", "", BODY),
    );
    r.commit(HANNAH, "2025-01-04", "Retire C instead");
    assert_eq!(json(&read(&r, cache.path())), json(&r.history()));
    assert_eq!(stored(cache.path()).1, 3, "walked whole");
}

#[test]
fn a_changed_mailmap_reads_the_history_whole() {
    let r = Repo::new();
    start(&r);
    let cache = tempfile::tempdir().unwrap();
    read(&r, cache.path());
    r.write(
        ".mailmap",
        "Hannah L. <hannah@example.org> <h@old.example.com>\n",
    );
    r.commit(HANNAH, "2025-01-04", "Mailmap");
    let h = read(&r, cache.path());
    assert_eq!(json(&h), json(&r.history()));
    assert_eq!(
        h.facts("strategies/b.md").unwrap().created.author,
        "Hannah L."
    );
    assert_eq!(stored(cache.path()).1, 4);
}

#[test]
fn a_damaged_store_is_read_whole_and_never_fails() {
    let r = Repo::new();
    start(&r);
    let cache = tempfile::tempdir().unwrap();
    read(&r, cache.path());
    carry_on(&r);
    let file = std::fs::read_dir(cache.path().join("history"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&file).unwrap();
    for damaged in [
        text[..text.len() / 2].to_string(),
        text.replace("\"digest\":\"", "\"digest\":\"0"),
        "\u{0}\u{1}".to_string(),
    ] {
        std::fs::write(&file, &damaged).unwrap();
        assert_eq!(json(&read(&r, cache.path())), json(&r.history()));
        assert_eq!(stored(cache.path()).1, 9, "walked whole");
    }
}

#[test]
fn a_cache_restored_into_a_fresh_checkout_is_carried_forward() {
    let origin = Repo::new();
    start(&origin);
    let old = origin.git(&["rev-parse", "HEAD"]).trim().to_string();
    let new = carry_on(&origin);
    // The previous run: a checkout of the older commit, its cache kept.
    let work = Repo::new();
    let checkout = |at: &str| {
        let dir = work.root().join("checkout");
        let _ = std::fs::remove_dir_all(&dir);
        let src = origin.root().to_str().unwrap();
        work.git(&["clone", "-q", "--no-local", src, dir.to_str().unwrap()]);
        work.command(&dir)
            .args(["checkout", "-q", at])
            .output()
            .unwrap();
        dir.join("content")
    };
    let cache = tempfile::tempdir().unwrap();
    let content = checkout(&old);
    history::read(&content, Some(cache.path()))
        .unwrap()
        .unwrap();
    // This run: a fresh clone at the new commit, in the same place, with the cache restored.
    let content = checkout("main");
    let carried = history::read(&content, Some(cache.path()))
        .unwrap()
        .unwrap();
    assert_eq!(json(&carried), json(&origin.history()));
    assert_eq!(stored(cache.path()).1, new, "only the new commits are read");
}

#[test]
fn a_shallow_clone_with_a_stored_history_keeps_its_warning() {
    let origin = Repo::new();
    start(&origin);
    let cache = tempfile::tempdir().unwrap();
    read(&origin, cache.path());
    let work = Repo::new();
    let dir = work.root().join("shallow");
    let src = format!("file://{}", origin.root().display());
    work.git(&["clone", "-q", "--depth", "1", &src, dir.to_str().unwrap()]);
    let h = history::read(&dir.join("content"), Some(cache.path()))
        .unwrap()
        .unwrap();
    assert!(h.shallow && h.docs.is_empty());
    assert!(h.warning().unwrap().contains("fetch-depth: 0"));
}
