//! `cairn init` and `cairn new`: the scaffolded site builds without warnings, nothing is
//! overwritten, new documents of every kind build cleanly, `--supersedes` edits only the
//! older document's status, and bad requests write nothing.

use crate::support::*;

/// An empty temporary folder.
fn empty() -> Site {
    Site {
        dir: tempfile::tempdir().unwrap(),
        cache: tempfile::tempdir().unwrap(),
    }
}

/// A freshly scaffolded site.
fn scaffolded() -> Site {
    let site = empty();
    let out = site.cairn(&["init"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
    site
}

/// Runs `cairn` in the site with a git configuration of our own, so the owners `new` finds do
/// not depend on the machine: `git_name` is the global `user.name`, if any.
fn cairn_git(site: &Site, git_name: Option<&str>, args: &[&str]) -> Output {
    let config = site.root().join(".test-gitconfig");
    let text = git_name.map_or(String::new(), |n| format!("[user]\n\tname = {n}\n"));
    std::fs::write(&config, text).unwrap();
    site.command()
        .args(args)
        .env("GIT_CONFIG_GLOBAL", &config)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .run()
}

fn new(site: &Site, args: &[&str]) -> Output {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    cairn_git(site, None, &all)
}

fn strict_build(site: &Site) -> cairn::BuildReport {
    let mut opts = site.options();
    opts.strict = true;
    cairn::build(&opts).unwrap()
}

fn content(site: &Site) -> std::collections::BTreeMap<String, Vec<u8>> {
    tree(&site.root().join("content"))
}

#[test]
fn init_writes_a_site_that_builds_with_zero_warnings() {
    let site = scaffolded();
    for (rel, text) in cairn::scaffold::FILES {
        let written = std::fs::read_to_string(site.root().join(rel)).unwrap();
        assert_eq!(&written, text, "{rel}");
    }
    let report = strict_build(&site);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert_eq!(report.documents, 9);
    // The examples are cross-linked: relations show on both sides, wikilinks resolve.
    let vision = site.read("visions/ship-any-day/index.html");
    assert!(vision.contains("Served by") && vision.contains("/strategies/small-safe-releases/"));
    let old = site.read("decisions/release-train/index.html");
    assert!(old.contains("Superseded by") && old.contains("/decisions/release-from-trunk/"));
    let strategy = site.read("strategies/small-safe-releases/index.html");
    assert!(strategy.contains("href=\"/patterns/small-batches/#failure-modes\""));
}

#[test]
fn init_creates_the_folder_and_accepts_one_with_only_hidden_entries() {
    // `git init && cairn init` is the usual start.
    let site = empty();
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    let out = site.cairn(&["init"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(strict_build(&site).diagnostics.is_empty());
    // A folder that does not exist yet is created, parents included.
    let out = site.cairn(&["init", "more/docs"]);
    assert_eq!(out.code, 0, "{out:?}");
    let mut opts = cairn::BuildOptions::new(site.root().join("more/docs"), today());
    opts.strict = true;
    let report = cairn::build(&opts).unwrap();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_never_overwrites() {
    let site = empty();
    site.write("notes.txt", "mine");
    let out = site.cairn(&["init"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: this folder is not empty; run `cairn init --force` to add the example site to \
         it (existing files are kept, nothing is deleted)\n"
    );
    assert!(!site.root().join("site.yaml").exists());
    let out = site.cairn(&["init", "sub"]);
    assert_eq!(out.code, 0, "another folder is fine");
    let out = site.cairn(&["init", "sub"]);
    assert!(
        out.stderr.starts_with("error: sub is not empty;"),
        "{}",
        out.stderr
    );
    std::fs::remove_dir_all(site.root().join("sub")).unwrap();

    // With --force, missing files are added and existing ones are kept byte for byte.
    site.write("site.yaml", "title: Mine\n");
    site.write("content/patterns/small-batches.md", "# My own\n");
    let before = tree(site.root());
    let out = site
        .command()
        .args(["init", "--force"])
        .env_remove("CI")
        .run();
    assert_eq!(out.code, 0);
    let stderr = &out.stderr;
    assert!(
        stderr.starts_with("kept existing ./site.yaml\nkept existing ./content/patterns/small-batches.md\ncreated a site in . (15 files); build it with `cairn build`\n"),
        "{stderr}"
    );
    let after = tree(site.root());
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{path} changed");
    }
    assert_eq!(after.len(), before.len() + 15);
}

/// Adds a kind of our own and a fixed owner to the scaffolded site.yaml.
fn with_rfc_kind(site: &Site) {
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!(
            "{yaml}new:\n  owners: [team-docs]\nkinds:\n  rfc:\n    label: RFC\n    statuses: [open, accepted, closed]\n    sections: [Summary, {{name: Motivation, prompt: \"Why now?\"}}]\n    required: [number]\n    serves: [strategy]\n"
        ),
    );
}

#[test]
fn new_documents_of_every_kind_build_cleanly() {
    let site = scaffolded();
    with_rfc_kind(&site);
    let cases: [(&str, &[&str], &str); 6] = [
        ("vision", &[], "content/visions/a-new-vision.md"),
        (
            "strategy",
            &[
                "--serves",
                "ship-any-day",
                "--uses",
                "small-batches,two-way-doors",
            ],
            "content/strategies/a-new-strategy.md",
        ),
        (
            "pattern",
            &["--related", "small-batches"],
            "content/patterns/a-new-pattern.md",
        ),
        (
            "decision",
            &[
                "--serves",
                "strategies/small-safe-releases",
                "--uses",
                "two-way-doors",
            ],
            "content/decisions/a-new-decision.md",
        ),
        ("page", &[], "content/a-new-page.md"),
        (
            "rfc",
            &["--serves", "small-safe-releases"],
            "content/rfcs/a-new-rfc.md",
        ),
    ];
    for (kind, extra, path) in cases {
        let title = format!("A new {kind}");
        let mut args = vec![kind, title.as_str()];
        args.extend_from_slice(extra);
        let out = new(&site, &args);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, format!("{path}\n").as_str()),
            "{out:?}"
        );
    }
    let report = strict_build(&site);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert_eq!(report.documents, 15);
    assert_eq!(site.cairn(&["build", "--strict"]).code, 0);
    assert!(site.read("rfcs/a-new-rfc/index.html").contains("Why now?"));
    assert!(
        site.read("visions/ship-any-day/index.html")
            .contains("/strategies/a-new-strategy/"),
        "the new strategy shows on the vision it serves"
    );
    let rfc = std::fs::read_to_string(site.root().join("content/rfcs/a-new-rfc.md")).unwrap();
    assert_eq!(
        rfc,
        "---
title: \"A new rfc\"
status: open
created: 2026-05-01
owners: [team-docs]
# summary: \"One sentence for index pages, feeds and link previews.\"
# tags: []
# review_by: 2026-11-01
number: \"to be decided\" # required for a rfc
serves: [small-safe-releases]
---

## Summary

_Write the summary here._

## Motivation

_Why now?_
"
    );
}

#[test]
fn owners_come_from_git_when_site_yaml_names_none() {
    let site = scaffolded();
    let out = cairn_git(
        &site,
        Some("Ada Lovelace"),
        &["new", "pattern", "Strangler fig"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let text =
        std::fs::read_to_string(site.root().join("content/patterns/strangler-fig.md")).unwrap();
    assert!(text.contains("\nowners: [\"Ada Lovelace\"]\n"), "{text}");
    let out = new(&site, &["pattern", "Paved road"]);
    assert_eq!(out.code, 0, "{out:?}");
    let text = std::fs::read_to_string(site.root().join("content/patterns/paved-road.md")).unwrap();
    assert!(
        text.contains("\n# owners: [your-name, your-team]\n"),
        "{text}"
    );
    assert!(strict_build(&site).diagnostics.is_empty());
}

#[test]
fn supersedes_marks_the_older_document_and_changes_nothing_else() {
    let site = scaffolded();
    // A CRLF file with a comment and a trailing comment on the status line.
    let crlf = "---\r\ntitle: \"Old plan\" # first try\r\nstatus: active   # since March\r\nserves: [ship-any-day]\r\n---\r\n\r\n## Problem\r\n\r\nSlow.\r\n\r\n## Guiding policy\r\n\r\nFaster.\r\n\r\n## Actions\r\n\r\n1. Go.\r\n";
    site.write("content/strategies/old-plan.md", crlf);
    let out = new(
        &site,
        &[
            "strategy",
            "New plan",
            "--supersedes",
            "old-plan",
            "--serves",
            "ship-any-day",
        ],
    );
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "content/strategies/new-plan.md\n"),
        "{out:?}"
    );
    let edited = std::fs::read(site.root().join("content/strategies/old-plan.md")).unwrap();
    assert_eq!(
        String::from_utf8(edited).unwrap(),
        crlf.replace("status: active   #", "status: superseded   #")
    );

    // An LF file from the scaffold, whose status is `accepted`.
    let path = site.root().join("content/decisions/release-from-trunk.md");
    let before = std::fs::read_to_string(&path).unwrap();
    let out = new(
        &site,
        &[
            "decision",
            "Release from tags",
            "--supersedes",
            "decisions/release-from-trunk",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        before.replacen("\nstatus: accepted\n", "\nstatus: superseded\n", 1)
    );
    let new_doc =
        std::fs::read_to_string(site.root().join("content/decisions/release-from-tags.md"))
            .unwrap();
    assert!(
        new_doc.contains("\nsupersedes: [decisions/release-from-trunk]\n"),
        "{new_doc}"
    );

    let report = strict_build(&site);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    let old = site.read("strategies/old-plan/index.html");
    assert!(old.contains("Superseded by") && old.contains("/strategies/new-plan/"));
}

#[test]
fn a_bad_relation_target_exits_2_and_writes_nothing() {
    let site = scaffolded();
    let before = content(&site);
    let out = new(
        &site,
        &[
            "decision",
            "Cache builds",
            "--serves",
            "ship-any-day",
            "--uses",
            "small-batch",
            "--supersedes",
            "release-train",
            "--related",
            "decisions",
        ],
    );
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert_eq!(
        out.stderr,
        "error: content/decisions/cache-builds.md was not written:
  --serves ship-any-day: `ship-any-day` is a vision, but a decision may only serve a strategy
  --uses small-batch: unknown document `small-batch` (did you mean `small-batches`?)
  --related decisions: `decisions` is a folder introduction, not a document
"
    );
    assert_eq!(
        content(&site),
        before,
        "nothing written, release-train untouched"
    );

    let out = new(&site, &["pattern", "X", "--serves", "ship-any-day"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--serves ship-any-day: a pattern cannot use `serves`"),
        "{}",
        out.stderr
    );
    let out = new(&site, &["strategy", "X", "--supersedes", "release-train"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "`release-train` is a decision, but a strategy may only supersede a strategy"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(content(&site), before);
}

#[test]
fn other_refusals_exit_2_and_write_nothing() {
    let site = scaffolded();
    with_rfc_kind(&site);
    let cases: [(&[&str], &str); 5] = [
        (
            &["strategies", "X"],
            "error: unknown kind `strategies` (did you mean `strategy`?); this site's kinds are vision, strategy, pattern, decision, rfc, page\n",
        ),
        (
            &["pattern", "Small batches"],
            "error: content/patterns/small-batches.md already exists; choose another title, or edit that file\n",
        ),
        (
            &["pattern", "?!"],
            "error: cannot make a file name from the title `?!`: it needs letters or digits\n",
        ),
        (
            &["rfc", "R", "--supersedes", "x"],
            "error: content/rfcs/r.md was not written:\n  --supersedes x: unknown document `x`\n",
        ),
        (
            // A strategy with the pattern's id would make every bare `[[small-batches]]` ambiguous.
            &["strategy", "Small  batches!"],
            "error: content/strategies/small-batches.md was not written: with it, the site would not build:\n",
        ),
    ];
    let out = new(&site, &["rfc", "First"]);
    assert_eq!(out.code, 0, "{out:?}");
    let before = content(&site);
    let out = new(&site, &["rfc", "Second", "--supersedes", "first"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "error: content/rfcs/second.md was not written:\n  --supersedes first: a rfc has no `superseded` status to mark `first` with; add it to the kind's `statuses` in site.yaml\n"
        )
    );
    for (args, message) in cases {
        let out = new(&site, args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.starts_with(message), "{args:?}: {}", out.stderr);
    }
    assert_eq!(content(&site), before);

    let out = empty().cairn(&["new", "pattern", "X"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no site.yaml in .; run `cairn init`"),
        "{}",
        out.stderr
    );
}
