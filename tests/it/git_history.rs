//! Documents' history from git: throw-away repositories made in the test with fixed names and
//! dates (and none of the user's git configuration), read by `cairn::history`.

use std::path::{Path, PathBuf};
use std::process::Command;

mod resume;

use cairn::BuildOptions;
use cairn::history::{self, History, Rule};
use jiff::civil::date;

const HANNAH: (&str, &str) = ("Hannah Lindqvist", "hannah@example.org");
const TOMAS: (&str, &str) = ("Tomás Ferreira", "tomas@example.org");

/// A repository in a temporary folder; commits get the dates they are given.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let r = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn content(&self) -> PathBuf {
        self.root().join("content")
    }

    fn command(&self, dir: &Path) -> Command {
        let mut c = Command::new("git");
        c.current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", self.root())
            .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
            .args([
                "-c",
                "user.name=Nobody",
                "-c",
                "user.email=nobody@example.org",
            ]);
        c
    }

    fn git(&self, args: &[&str]) -> String {
        let out = self.command(self.root()).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Runs `git args` as `who` on `day` (noon UTC), author and committer alike.
    fn git_as(&self, who: (&str, &str), day: &str, args: &[&str]) {
        let when = format!("{day}T12:00:00+00:00");
        let out = self
            .command(self.root())
            .env("GIT_AUTHOR_NAME", who.0)
            .env("GIT_AUTHOR_EMAIL", who.1)
            .env("GIT_COMMITTER_NAME", who.0)
            .env("GIT_COMMITTER_EMAIL", who.1)
            .env("GIT_AUTHOR_DATE", &when)
            .env("GIT_COMMITTER_DATE", &when)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Commits everything as `who` on `day` (noon UTC); returns the commit id.
    fn commit(&self, who: (&str, &str), day: &str, subject: &str) -> String {
        self.git(&["add", "-A"]);
        self.git_as(who, day, &["commit", "-q", "--allow-empty", "-m", subject]);
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    fn history(&self) -> History {
        history::read(&self.content(), None)
            .unwrap()
            .expect("a repository")
    }
}

fn doc(kind: &str, title: &str, status: &str, extra: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nkind: {kind}\nstatus: {status}\n{extra}---\n\n{body}\n")
}

const BODY: &str = "One line of the body.\n\nA second paragraph, long enough to be recognised.\n\nA third paragraph closes it.";

#[test]
fn created_updated_and_contributors_honour_the_mailmap() {
    let r = Repo::new();
    r.write("site.yaml", "title: T\n");
    r.write(
        ".mailmap",
        "Hannah Lindqvist <hannah@example.org> <h.l@old.example.com>\n",
    );
    r.write(
        "content/patterns/p.md",
        &doc("pattern", "P", "active", "", BODY),
    );
    let first = r.commit(
        ("hannah", "h.l@old.example.com"),
        "2025-03-01",
        "Add the pattern",
    );
    r.write(
        "content/patterns/p.md",
        &doc("pattern", "P", "active", "", "Changed."),
    );
    r.commit(TOMAS, "2025-04-01", "Edit the pattern");
    r.write("README.md", "not content\n");
    r.commit(TOMAS, "2025-04-15", "Readme");
    r.write(
        "content/patterns/p.md",
        &doc("pattern", "P", "active", "", "Again."),
    );
    let last = r.commit(HANNAH, "2025-05-01", "Tighten the pattern\n\nWith a body.");
    let h = r.history();
    assert!(!h.shallow);
    assert_eq!(h.head, last);
    let f = h.facts("patterns/p.md").unwrap();
    assert_eq!(f.created.id, first);
    assert_eq!(f.created.date(), date(2025, 3, 1));
    assert_eq!(f.updated.id, last);
    assert_eq!(f.updated.subject, "Tighten the pattern");
    assert_eq!(f.contributors, ["Hannah Lindqvist", "Tomás Ferreira"]);
    let subjects: Vec<&str> = f.commits.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(
        subjects,
        ["Tighten the pattern", "Edit the pattern", "Add the pattern"],
        "the commit that changed no document is not one of its commits"
    );
    assert_eq!(h.docs.len(), 1, "only documents under content/");
    assert_eq!(h.warning(), None);
}

#[test]
fn status_transitions_follow_the_front_matter_across_commits() {
    let r = Repo::new();
    let d = "content/decisions/d.md";
    r.write(d, &doc("decision", "D", "draft", "", BODY));
    r.commit(HANNAH, "2026-01-05", "Draft the decision");
    r.write(d, &doc("decision", "D", "proposed", "", BODY));
    r.commit(TOMAS, "2026-02-01", "Propose it");
    r.write(d, &doc("decision", "D", "proposed", "", "Reworded."));
    r.commit(TOMAS, "2026-02-10", "Reword it");
    r.write(d, &doc("decision", "D", "accepted", "", "Reworded."));
    r.commit(HANNAH, "2026-03-02", "Accept it");
    let h = r.history();
    let f = h.facts("decisions/d.md").unwrap();
    assert_eq!(f.first_status, Some("draft"));
    let shown: Vec<String> = f.transitions.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        shown,
        [
            "draft → proposed, 2026-02-01, Tomás Ferreira",
            "proposed → accepted, 2026-03-02, Hannah Lindqvist"
        ]
    );
}

#[test]
fn renames_are_followed_to_the_first_name() {
    let r = Repo::new();
    r.write(
        "content/decisions/old-name.md",
        &doc("decision", "D", "draft", "", BODY),
    );
    r.write(
        "content/patterns/same.md",
        &doc("pattern", "S", "active", "", BODY),
    );
    let first = r.commit(HANNAH, "2025-01-01", "Add both");
    r.write(
        "content/decisions/old-name.md",
        &doc("decision", "D", "proposed", "", BODY),
    );
    r.commit(TOMAS, "2025-02-01", "Propose");
    // Moved with a small edit (similar text), and one moved whole to another folder.
    std::fs::remove_file(r.root().join("content/decisions/old-name.md")).unwrap();
    r.write(
        "content/decisions/new-name.md",
        &doc(
            "decision",
            "D",
            "proposed",
            "",
            &format!("{BODY}\n\nOne more line."),
        ),
    );
    std::fs::create_dir_all(r.root().join("content/practices")).unwrap();
    std::fs::rename(
        r.root().join("content/patterns/same.md"),
        r.root().join("content/practices/same.md"),
    )
    .unwrap();
    r.commit(HANNAH, "2025-03-01", "Rename");
    r.write(
        "content/decisions/new-name.md",
        &doc(
            "decision",
            "D",
            "accepted",
            "",
            &format!("{BODY}\n\nOne more line."),
        ),
    );
    let last = r.commit(TOMAS, "2025-04-01", "Accept");
    let h = r.history();
    let f = h.facts("decisions/new-name.md").unwrap();
    assert_eq!(
        (f.created.id.as_str(), f.updated.id.as_str()),
        (first.as_str(), last.as_str())
    );
    assert_eq!(f.commits.len(), 4);
    let shown: Vec<String> = f.transitions.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        shown,
        [
            "draft → proposed, 2025-02-01, Tomás Ferreira",
            "proposed → accepted, 2025-04-01, Tomás Ferreira"
        ]
    );
    let moved = h.facts("practices/same.md").unwrap();
    assert_eq!(moved.created.id, first);
    assert_eq!(moved.commits.len(), 2);
    assert!(
        h.facts("decisions/old-name.md").is_none(),
        "only names at HEAD"
    );
    // A file deleted and another added with an unrelated text is no rename.
    std::fs::remove_file(r.root().join("content/practices/same.md")).unwrap();
    r.write(
        "content/practices/other.md",
        "---\ntitle: Other\n---\n\nNothing alike.\n",
    );
    let again = r.commit(HANNAH, "2025-05-01", "Replace");
    let h = r.history();
    assert_eq!(h.facts("practices/other.md").unwrap().created.id, again);
}

#[test]
fn the_history_is_the_same_bytes_at_the_same_commit_and_is_stored_by_head() {
    let r = Repo::new();
    r.write(
        "content/patterns/a.md",
        &doc("pattern", "A", "active", "", BODY),
    );
    r.commit(HANNAH, "2025-01-01", "Add");
    let cache = tempfile::tempdir().unwrap();
    let once = history::read(&r.content(), Some(cache.path()))
        .unwrap()
        .unwrap();
    let json = |h: &History| serde_json::to_string(h).unwrap();
    assert_eq!(json(&once), json(&r.history()));
    // The stored history is what a second read at the same commit gives.
    let stored: Vec<_> = std::fs::read_dir(cache.path().join("history"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(stored.len(), 1);
    let text = std::fs::read_to_string(&stored[0]).unwrap();
    std::fs::write(&stored[0], text.replace("\"Add\"", "\"Stored\"")).unwrap();
    let twice = history::read(&r.content(), Some(cache.path()))
        .unwrap()
        .unwrap();
    assert_eq!(twice.commits[0].subject, "Stored");
    // A new commit is a new HEAD: only it is read, the stored history carried forward.
    r.write(
        "content/patterns/a.md",
        &doc("pattern", "A", "retired", "", BODY),
    );
    r.commit(TOMAS, "2025-02-01", "Retire");
    let third = history::read(&r.content(), Some(cache.path()))
        .unwrap()
        .unwrap();
    let subjects: Vec<&str> = third.commits.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(subjects, ["Retire", "Stored"]);
}

#[test]
fn a_site_in_a_subfolder_of_the_repository_is_read() {
    let r = Repo::new();
    r.write("src/main.rs", "fn main() {}\n");
    r.write(
        "docs/site/content/visions/v.md",
        &doc("vision", "V", "active", "", BODY),
    );
    r.commit(HANNAH, "2025-01-01", "Add the vision");
    let h = history::read(&r.root().join("docs/site/content"), None)
        .unwrap()
        .unwrap();
    assert_eq!(h.docs.keys().collect::<Vec<_>>(), ["visions/v.md"]);
}

#[test]
fn a_shallow_clone_gives_no_dates_and_says_how_to_fix_it() {
    let r = Repo::new();
    r.write(
        "content/patterns/a.md",
        &doc("pattern", "A", "active", "", BODY),
    );
    r.commit(HANNAH, "2025-01-01", "Add");
    r.write(
        "content/patterns/a.md",
        &doc("pattern", "A", "active", "", "Edited."),
    );
    r.commit(TOMAS, "2025-02-01", "Edit");
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.root().display());
    let out = r
        .command(clones.path())
        .args(["clone", "-q", "--depth", "1", &url, "shallow"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let h = history::read(&clones.path().join("shallow/content"), None)
        .unwrap()
        .unwrap();
    assert!(h.shallow);
    assert!(
        h.docs.is_empty(),
        "the clone's one commit would pass for every creation"
    );
    assert!(h.warning().unwrap().contains("`fetch-depth: 0`"));
    // A full clone of the same repository has the facts.
    let out = r
        .command(clones.path())
        .args(["clone", "-q", &url, "full"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let full = history::read(&clones.path().join("full/content"), None)
        .unwrap()
        .unwrap();
    assert!(!full.shallow);
    assert_eq!(full.facts("patterns/a.md").unwrap().commits.len(), 2);
}

#[test]
fn outside_a_repository_the_feature_is_off() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    assert_eq!(history::read(&dir.path().join("content"), None), Ok(None));
    assert_eq!(history::read(&dir.path().join("missing"), None), Ok(None));
    // A repository without a commit yet has no history either.
    let r = Repo::new();
    std::fs::create_dir_all(r.content()).unwrap();
    assert_eq!(history::read(&r.content(), None), Ok(None));
}

#[test]
fn drift_rules_read_the_linked_site_and_its_history() {
    let r = Repo::new();
    r.write("site.yaml", "title: T\n");
    let v = "content/visions/v.md";
    let s = "content/strategies/s.md";
    let old = "content/strategies/old.md";
    let d = "content/decisions/d.md";
    r.write(
        v,
        &doc("vision", "North", "active", "horizon: 3 years\n", BODY),
    );
    r.write(
        s,
        &doc(
            "strategy",
            "Route",
            "active",
            "serves: [v]\nlast_reviewed: 2025-01-10\n",
            BODY,
        ),
    );
    r.write(
        old,
        &doc("strategy", "Old road", "active", "serves: [v]\n", BODY),
    );
    r.write(
        d,
        &doc("decision", "Pick", "accepted", "serves: [old]\n", BODY),
    );
    r.commit(HANNAH, "2025-01-05", "Start");
    // The strategy changes after its review; the vision after the strategy; the old
    // strategy retires (and, ended, is not reported for its vision's change).
    r.write(
        s,
        &doc(
            "strategy",
            "Route",
            "active",
            "serves: [v]\nlast_reviewed: 2025-01-10\n",
            "New.",
        ),
    );
    r.commit(TOMAS, "2025-02-01", "Rework the route");
    r.write(
        v,
        &doc("vision", "North", "active", "horizon: 3 years\n", "Moved."),
    );
    r.commit(HANNAH, "2025-03-01", "Move the vision");
    r.write(
        old,
        &doc("strategy", "Old road", "retired", "serves: [v]\n", BODY),
    );
    r.commit(HANNAH, "2025-03-05", "Retire the old road");
    let a = cairn::pipeline::analyse(&BuildOptions::new(r.root(), date(2025, 4, 1))).unwrap();
    assert!(!a.any_errors(false), "{:?}", a.diagnostics(false));
    let h = r.history();
    let inputs = history::inputs(&a.site, &a.config);
    let found: Vec<(String, Rule, String)> = history::drift(&inputs, Some(&h))
        .into_iter()
        .map(|x| (a.site.docs[x.doc].file.clone(), x.rule, x.message))
        .collect();
    assert_eq!(
        found,
        [
            (
                d.to_string(),
                Rule::ServesEnded,
                "serves the strategy `Old road`, which is retired since 2025-03-05".to_string()
            ),
            (
                s.to_string(),
                Rule::ChangedSinceReview,
                "changed since it was reviewed on 2025-01-10: last changed on 2025-02-01 by Tomás Ferreira (\"Rework the route\")"
                    .to_string()
            ),
            (
                s.to_string(),
                Rule::ServedChanged,
                "the vision it serves changed on 2025-03-01 (`North`), after this was last updated or reviewed on 2025-02-01"
                    .to_string()
            ),
        ]
    );
}

/// A site at the root of a repository, its build outputs ignored.
fn site_repo() -> Repo {
    let r = Repo::new();
    r.write("site.yaml", "title: T\n");
    r.write(".gitignore", "public/\n.test-cache/\n");
    r
}

fn options(r: &Repo) -> BuildOptions {
    let mut o = BuildOptions::new(r.root(), date(2026, 5, 1));
    o.checks = false;
    o
}

fn page(r: &Repo, rel: &str) -> String {
    std::fs::read_to_string(r.root().join("public").join(rel)).unwrap()
}

#[test]
fn a_build_takes_dates_and_contributors_from_git_where_front_matter_is_silent() {
    let r = site_repo();
    let silent = "content/patterns/silent.md";
    let spoken = "content/patterns/spoken.md";
    r.write(silent, &doc("pattern", "Silent", "active", "", BODY));
    r.write(
        spoken,
        &doc(
            "pattern",
            "Spoken",
            "active",
            "created: 2020-01-01\nupdated: 2020-02-02\nowners: [Ruth]\n",
            BODY,
        ),
    );
    r.commit(HANNAH, "2025-03-01", "Add");
    r.write(silent, &doc("pattern", "Silent", "active", "", "Edited."));
    r.write(
        spoken,
        &doc(
            "pattern",
            "Spoken",
            "active",
            "created: 2020-01-01\nupdated: 2020-02-02\nowners: [Ruth]\n",
            "Edited.",
        ),
    );
    r.commit(TOMAS, "2025-04-02", "Edit");
    let report = cairn::build(&options(&r)).unwrap();
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    let html = page(&r, "patterns/silent/index.html");
    assert!(html.contains("<time datetime=\"2025-03-01\">"), "{html}");
    assert!(html.contains("<time datetime=\"2025-04-02\">"));
    assert!(html.contains("<dt>Contributors</dt><dd>Hannah Lindqvist, Tomás Ferreira</dd>"));
    let html = page(&r, "patterns/spoken/index.html");
    let meta = &html[html.find("<dl class=\"meta\">").unwrap()..];
    let meta = &meta[..meta.find("</dl>").unwrap()];
    assert!(
        meta.contains("<time datetime=\"2020-01-01\">"),
        "front matter wins"
    );
    assert!(meta.contains("<time datetime=\"2020-02-02\">"));
    assert!(!meta.contains("2025-04-02") && !meta.contains("Contributors"));
    // Lists date documents the same way.
    assert!(page(&r, "patterns/index.html").contains("2025-04-02"));
}

#[test]
fn serving_reads_the_history_again_after_a_commit_never_after_an_edit_alone() {
    let r = site_repo();
    let p = "content/patterns/p.md";
    r.write(p, &doc("pattern", "P", "active", "", BODY));
    r.commit(HANNAH, "2025-03-01", "Add");
    let cache = tempfile::tempdir().unwrap();
    let mut opts = options(&r);
    opts.cache = Some(cache.path().to_path_buf());
    let mut session = cairn::session::Session::new(opts);
    session.build().unwrap();
    // The history read is stored by HEAD; reading it again at this commit would take this
    // altered copy, so the page tells whether it was read again.
    let stored = std::fs::read_dir(cache.path().join("history"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&stored).unwrap();
    std::fs::write(&stored, text.replace("\"Add\"", "\"Stored\"")).unwrap();
    // An edit of the body, not committed: the history is not read again.
    r.write(p, &doc("pattern", "P", "active", "", "Edited."));
    let report = session.rebuild(&[r.root().join(p)]).unwrap();
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    let html = page(&r, "patterns/p/index.html");
    assert!(html.contains("Edited."), "the body edit is shown");
    assert!(
        html.contains("Hannah Lindqvist: Add") && !html.contains("Stored"),
        "{html}"
    );
    // A commit moves HEAD: the next edit reads the history again, and shows the commit.
    r.commit(TOMAS, "2025-06-06", "Edit");
    r.write(p, &doc("pattern", "P", "active", "", "Edited twice."));
    let report = session.rebuild(&[r.root().join(p)]).unwrap();
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    let html = page(&r, "patterns/p/index.html");
    assert!(html.contains("Edited twice."));
    assert!(html.contains("Tomás Ferreira: Edit"), "{html}");
    assert!(html.contains("<time datetime=\"2025-06-06\">"), "{html}");
}

#[test]
fn a_document_page_the_timeline_and_graph_json_show_its_history() {
    let r = site_repo();
    r.write(
        "site.yaml",
        "title: T\nrepository:\n  url: https://git.example.org/eng/site/\n",
    );
    let d = "content/decisions/d.md";
    r.write(d, &doc("decision", "D", "proposed", "", BODY));
    let first = r.commit(HANNAH, "2026-01-05", "Propose <the> decision");
    r.write(d, &doc("decision", "D", "accepted", "", BODY));
    let accept = r.commit(TOMAS, "2026-03-02", "Accept it");
    let report = cairn::build(&options(&r)).unwrap();
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    let html = page(&r, "decisions/d/index.html");
    let section = &html[html.find("doc-history").expect("a History section")..];
    let link = |id: &str| format!("href=\"https://git.example.org/eng/site/commit/{id}\"");
    assert!(section.contains(&link(&accept)) && section.contains(&link(&first)));
    assert!(
        section.contains("Propose &lt;the&gt; decision"),
        "subjects are escaped"
    );
    assert!(section.contains("Tomás Ferreira: "));
    assert!(
        section
            .contains("proposed</span> → <span class=\"status status-accepted\">accepted</span>, "),
        "{section}"
    );
    assert!(
        section.contains("<time datetime=\"2026-03-02\">2026-03-02</time></a>, Tomás Ferreira")
    );
    let timeline = page(&r, "timeline/index.html");
    assert!(timeline.contains("Proposed → accepted"), "{timeline}");
    assert!(timeline.contains("<span class=\"event-author\">Tomás Ferreira</span>"));
    let graph: serde_json::Value = serde_json::from_str(&page(&r, "graph.json")).unwrap();
    assert_eq!(
        graph["nodes"][0]["transitions"],
        serde_json::json!([{
            "from": "proposed", "to": "accepted", "date": "2026-03-02",
            "author": "Tomás Ferreira", "commit": accept
        }])
    );
}

#[test]
fn without_a_repository_url_commits_are_not_linked() {
    let r = site_repo();
    r.write(
        "content/decisions/d.md",
        &doc("decision", "D", "proposed", "", BODY),
    );
    r.commit(HANNAH, "2026-01-05", "Propose");
    cairn::build(&options(&r)).unwrap();
    let html = page(&r, "decisions/d/index.html");
    let section = &html[html.find("doc-history").unwrap()..];
    assert!(section.contains("Hannah Lindqvist: Propose"));
    assert!(!section.contains("/commit/"));
}

#[test]
fn drift_is_reported_by_the_build_and_as_docs_rows_linking_to_the_documents() {
    let r = site_repo();
    r.write(
        "site.yaml",
        "title: T\nchecks:\n  - name: Documents\n    kind: docs\n",
    );
    let v = "content/visions/v.md";
    let s = "content/strategies/s.md";
    let p = "content/patterns/p.md";
    let h = "horizon: 3 years\n";
    r.write(v, &doc("vision", "North", "active", h, BODY));
    let sections = "## Problem\n\nA.\n\n## Guiding policy\n\nB.\n\n## Actions\n\nC.";
    r.write(
        s,
        &doc("strategy", "Route", "active", "serves: [v]\n", sections),
    );
    r.write(
        p,
        &doc(
            "pattern",
            "Reviewed",
            "active",
            "last_reviewed: 2025-01-10\n",
            BODY,
        ),
    );
    r.commit(HANNAH, "2025-01-05", "Start");
    r.write(v, &doc("vision", "North", "active", h, "Moved."));
    r.write(
        p,
        &doc(
            "pattern",
            "Reviewed",
            "active",
            "last_reviewed: 2025-01-10\n",
            "New.",
        ),
    );
    r.commit(TOMAS, "2025-02-01", "Move the vision, edit the pattern");
    let mut opts = options(&r);
    opts.checks = true;
    let report = cairn::build(&opts).unwrap();
    assert!(report.status.is_some(), "{:?}", report.diagnostics);
    let shown: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("changed"))
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        shown,
        [
            "content/patterns/p.md:1:1: warning: changed since it was reviewed on 2025-01-10: last changed on 2025-02-01 by Tomás Ferreira (\"Move the vision, edit the pattern\")",
            "content/strategies/s.md:1:1: warning: the vision it serves changed on 2025-02-01 (`North`), after this was last updated or reviewed on 2025-01-05",
        ]
    );
    let json: serde_json::Value = serde_json::from_str(&page(&r, "status/status.json")).unwrap();
    let rows = json["rows"].as_array().unwrap();
    let row = |title: &str| {
        rows.iter()
            .find(|x| x["item"] == title)
            .unwrap_or_else(|| panic!("{title}: {rows:?}"))
    };
    assert!(
        row("Reviewed")["message"]
            .as_str()
            .unwrap()
            .contains("changed since it was reviewed on 2025-01-10")
    );
    assert_eq!(row("Reviewed")["link"], "/patterns/p/");
    assert!(
        row("Route")["message"]
            .as_str()
            .unwrap()
            .contains("the vision it serves changed on 2025-02-01")
    );
    assert_eq!(row("Route")["link"], "/strategies/s/");
}

#[test]
fn a_shallow_clone_builds_strict_with_one_note_and_front_matter_dates() {
    let r = site_repo();
    let p = "content/about.md";
    let text =
        |body: &str| format!("---\ntitle: P\nkind: page\ncreated: 2024-06-01\n---\n\n{body}\n");
    r.write(p, &text(BODY));
    r.commit(HANNAH, "2025-01-01", "Add");
    r.write(p, &text("Edited."));
    r.commit(TOMAS, "2025-02-01", "Edit");
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.root().display());
    let out = r
        .command(clones.path())
        .args(["clone", "-q", "--depth", "1", &url, "shallow"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let root = clones.path().join("shallow");
    let out = crate::support::Cairn::new(&root)
        .args(["build", "--strict", "--no-checks"])
        .run();
    let notes: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("shallow"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", out.stderr);
    assert!(notes[0].starts_with("content:1:1: note: "), "{}", notes[0]);
    assert!(notes[0].contains("`fetch-depth: 0`"));
    assert!(!out.stderr.contains("error"), "{}", out.stderr);
    let html = std::fs::read_to_string(root.join("public/about/index.html")).unwrap();
    assert!(html.contains("<time datetime=\"2024-06-01\">"));
    assert!(!html.contains("2025-02-01") && !html.contains("doc-history"));
}

#[test]
fn page_digests_cover_what_git_gives_a_page() {
    let r = site_repo();
    let p = "content/patterns/p.md";
    r.write(p, &doc("pattern", "P", "active", "", BODY));
    r.commit(HANNAH, "2025-03-01", "First wording");
    let cache = tempfile::tempdir().unwrap();
    let mut opts = options(&r);
    opts.cache = Some(cache.path().to_path_buf());
    cairn::build(&opts).unwrap();
    assert!(page(&r, "patterns/p/index.html").contains("First wording"));
    // The same content at a new commit, reworded by someone else: the cached page is stale.
    let when = "2025-03-04T12:00:00+00:00";
    let out = r
        .command(r.root())
        .env("GIT_AUTHOR_DATE", when)
        .env("GIT_COMMITTER_DATE", when)
        .args(["commit", "-q", "--amend", "-m", "Second wording"])
        .args([
            "--author",
            "Tomás Ferreira <tomas@example.org>",
            "--date",
            when,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = cairn::build(&opts).unwrap();
    let html = page(&r, "patterns/p/index.html");
    assert!(html.contains("Second wording") && !html.contains("First wording"));
    assert!(html.contains("<time datetime=\"2025-03-04\">"));
    assert!(html.contains("<dd>Tomás Ferreira</dd>"));
    assert!(report.rendered > 0);
}
