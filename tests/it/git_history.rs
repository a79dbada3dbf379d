//! Documents' history from git: throw-away repositories made in the test with fixed names and
//! dates (and none of the user's git configuration), read by `cairn::history`.

use std::path::{Path, PathBuf};
use std::process::Command;

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

    /// Commits everything as `who` on `day` (noon UTC); returns the commit id.
    fn commit(&self, who: (&str, &str), day: &str, subject: &str) -> String {
        let when = format!("{day}T12:00:00+00:00");
        self.git(&["add", "-A"]);
        let out = self
            .command(self.root())
            .env("GIT_AUTHOR_NAME", who.0)
            .env("GIT_AUTHOR_EMAIL", who.1)
            .env("GIT_COMMITTER_NAME", who.0)
            .env("GIT_COMMITTER_EMAIL", who.1)
            .env("GIT_AUTHOR_DATE", &when)
            .env("GIT_COMMITTER_DATE", &when)
            .args(["commit", "-q", "--allow-empty", "-m", subject])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
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
    // A new commit is a new HEAD: walked again.
    r.write(
        "content/patterns/a.md",
        &doc("pattern", "A", "retired", "", BODY),
    );
    r.commit(TOMAS, "2025-02-01", "Retire");
    let third = history::read(&r.content(), Some(cache.path()))
        .unwrap()
        .unwrap();
    let subjects: Vec<&str> = third.commits.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(subjects, ["Retire", "Add"]);
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
