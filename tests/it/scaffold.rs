//! `cairn init` and `cairn new`: the scaffolded site builds without warnings, nothing is
//! overwritten, new documents of every kind build cleanly, `--supersedes` edits nothing but
//! the new document, and bad requests write nothing.

use crate::support::*;

/// A freshly scaffolded site.
fn scaffolded() -> Site {
    let site = Site::empty();
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
        assert_eq!(written, cairn::scaffold::dated(text, today()), "{rel}");
    }
    let report = strict_build(&site);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert_eq!(report.documents, 10);
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
    let site = Site::empty();
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
    let site = Site::empty();
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
        stderr.starts_with("kept existing ./site.yaml\nkept existing ./content/patterns/small-batches.md\ncreated a site in . (17 files); build it with `cairn build`\n"),
        "{stderr}"
    );
    let after = tree(site.root());
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{path} changed");
    }
    assert_eq!(after.len(), before.len() + 17);
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
    // New documents are drafts (the rfc kind has no draft status): left out of a default
    // build, built with --drafts. Every prompt they hold is a warning until it is written.
    let mut opts = site.options();
    opts.drafts = true;
    let report = cairn::build(&opts).unwrap();
    assert_eq!(report.documents, 16);
    let prompts: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        prompts
            .iter()
            .all(|m| m.contains("still the template's prompt")),
        "{prompts:#?}"
    );
    // A vision's horizon, the rfc's number, and one per section written with a prompt.
    assert_eq!(prompts.len(), 2 + 1 + 4 + 3 + 3 + 2, "{prompts:#?}");
    assert!(prompts.contains(&"content/visions/a-new-vision.md:9:1: warning: `horizon` is still the template's prompt (`to be decided`); fill it in".to_string()), "{prompts:#?}");
    assert!(prompts.contains(&"content/strategies/a-new-strategy.md:26:1: warning: section `## Non-goals` is still the template's prompt; write it, or delete the section".to_string()), "{prompts:#?}");
    assert_eq!(site.cairn(&["build", "--strict", "--drafts"]).code, 1);
    assert_eq!(
        site.cairn(&["lint", "--strict"]).code,
        1,
        "the rfc is no draft"
    );
    let written: Vec<(String, String)> = tree(&site.root().join("content"))
        .into_iter()
        .map(|(rel, bytes)| (rel, String::from_utf8(bytes).unwrap()))
        .filter(|(_, text)| text.contains("_\n") || text.contains("to be decided"))
        .collect();
    for (rel, text) in &written {
        let filled: String = text
            .lines()
            .map(|l| {
                if l.starts_with('_') && l.ends_with('_') {
                    "Written.".to_string()
                } else {
                    l.replace("\"to be decided\"", "\"2030\"")
                }
            })
            .map(|l| l + "\n")
            .collect();
        site.write(&format!("content/{rel}"), &filled);
    }
    opts.strict = true;
    let report = cairn::build(&opts).unwrap();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert_eq!(site.cairn(&["build", "--strict", "--drafts"]).code, 0);
    assert!(
        site.read("visions/ship-any-day/index.html")
            .contains("/strategies/a-new-strategy/"),
        "the new strategy shows on the vision it serves"
    );
    let rfc = &written
        .iter()
        .find(|(rel, _)| rel == "rfcs/a-new-rfc.md")
        .unwrap()
        .1;
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
    // Parse problems of drafts are reported too: here only the prompts `new` wrote.
    let report = strict_build(&site);
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.message.contains("still the template's prompt")),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn supersedes_leaves_the_older_document_alone_until_the_new_one_is_accepted() {
    let site = scaffolded();
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
        before,
        "not edited"
    );
    let rel = "content/decisions/release-from-tags.md";
    let new_doc = std::fs::read_to_string(site.root().join(rel)).unwrap();
    assert!(
        new_doc.contains("\nsupersedes: [decisions/release-from-trunk]\n"),
        "{new_doc}"
    );

    // A draft proposal: left out of a build, and the older record is still in force.
    cairn::build(&site.options()).unwrap();
    let old = site.read("decisions/release-from-trunk/index.html");
    assert!(!old.contains("Superseded by"), "{old}");
    assert!(
        !old.contains("proposal-notice"),
        "a left-out draft is not named"
    );
    assert!(old.contains(&eyebrow("accepted")), "{old}");

    // With drafts, the older record names the open proposal.
    let mut opts = site.options();
    opts.drafts = true;
    cairn::build(&opts).unwrap();
    let old = site.read("decisions/release-from-trunk/index.html");
    assert!(
        old.contains("A proposal to supersede this is open: <a href=\"/decisions/release-from-tags/\">Release from tags</a> (draft)"),
        "{old}"
    );
    assert!(old.contains(&eyebrow("accepted")), "{old}");

    // Accepted: the older record shows as superseded though its file still says accepted.
    site.write(
        rel,
        &new_doc.replace("\nstatus: draft\n", "\nstatus: accepted\n"),
    );
    let report = cairn::build(&site.options()).unwrap();
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let old = site.read("decisions/release-from-trunk/index.html");
    assert!(old.contains(&eyebrow("superseded")), "{old}");
    assert!(old.contains("Superseded by") && old.contains("/decisions/release-from-tags/"));
    assert!(!old.contains("proposal-notice"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

#[test]
fn a_written_superseded_status_stays_valid() {
    let site = scaffolded();
    let path = site.root().join("content/decisions/release-from-trunk.md");
    let before = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        before.replacen("\nstatus: accepted\n", "\nstatus: superseded\n", 1),
    )
    .unwrap();
    let report = strict_build(&site);
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let old = site.read("decisions/release-from-trunk/index.html");
    assert!(old.contains(&eyebrow("superseded")), "{old}");
}

/// The status shown above a document page's title.
fn eyebrow(status: &str) -> String {
    format!("<span class=\"status status-{status}\">{status}</span></p>\n    <h1 id=\"doc-title\">")
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

    let out = Site::empty().cairn(&["new", "pattern", "X"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no site.yaml in . (run `cairn init`, or pass --root)"),
        "{}",
        out.stderr
    );
}

#[test]
fn init_and_new_date_from_the_day_they_run_so_nothing_is_overdue() {
    let site = Site::empty();
    let out = site.command().arg("init").env_remove("CAIRN_TODAY").run();
    assert_eq!(out.code, 0, "{out:?}");
    let out = site
        .command()
        .args(["new", "strategy", "Later plan"])
        .env_remove("CAIRN_TODAY")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    // The day the commands ran, as the test sees it (a run across midnight may see tomorrow).
    let today = jiff::ZonedDateTime::now().date();
    let mut opts = cairn::BuildOptions::new(site.root(), today);
    opts.drafts = true;
    let report = cairn::build(&opts).unwrap();
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    for (rel, bytes) in tree(&site.out()) {
        if rel.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            assert!(!html.contains("(overdue)"), "{rel} shows an overdue review");
        }
    }
    let plan =
        std::fs::read_to_string(site.root().join("content/strategies/later-plan.md")).unwrap();
    let created = |d: jiff::civil::Date| format!("\ncreated: {d}\n");
    assert!(
        plan.contains(&created(today)) || plan.contains(&created(today.yesterday().unwrap())),
        "{plan}"
    );
    let strategy = std::fs::read_to_string(
        site.root()
            .join("content/strategies/small-safe-releases.md"),
    )
    .unwrap();
    let review_by: jiff::civil::Date = strategy
        .lines()
        .find_map(|l| l.strip_prefix("review_by: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(review_by > today, "{review_by} is not after {today}");
}

#[test]
fn a_new_site_has_an_honest_status_page_that_runs_offline() {
    let site = scaffolded();
    let out = site.cairn(&["check"]);
    assert_eq!(out.code, 0, "{out:?}");
    for row in [
        "Status page builds",
        "Documents due for review",
        "Deadlines nothing renews for us",
    ] {
        assert!(out.stdout.contains(row), "{}", out.stdout);
    }
    assert!(
        out.stdout.contains("Domain registration of example.org"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("ERROR") && !out.stdout.contains("WARNING"),
        "{}",
        out.stdout
    );
    let report = strict_build(&site);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    let page = site.read("status/index.html");
    assert!(page.contains("/runbooks/status-page/#deadlines"), "{page}");
    // The examples of checks that reach out are there, commented, each with its runbook link.
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    for kind in ["http", "tls_expiry", "file_age", "command"] {
        assert!(yaml.contains(&format!("  #   kind: {kind}\n")), "{kind}");
    }
    assert_eq!(
        yaml.matches("  #   link: \"[[runbooks/status-page#")
            .count(),
        4
    );
}

#[test]
fn theme_eject_copies_built_in_templates_and_keeps_edited_ones() {
    let site = scaffolded();
    let out = site.cairn(&["theme", "eject", "doc", "status.html"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "./templates/doc.html\n./templates/status.html\n"),
        "{out:?}"
    );
    let doc = std::fs::read_to_string(site.root().join("templates/doc.html")).unwrap();
    assert!(doc.contains("{% extends \"base.html\" %}"));
    // An edited copy overrides the theme and is never overwritten.
    site.write(
        "templates/doc.html",
        &doc.replace(
            "<article class=\"doc\"",
            "<article data-ejected class=\"doc\"",
        ),
    );
    let out = site.cairn(&["theme", "eject"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        !out.stdout.contains("templates/doc.html\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("./templates/base.html\n"),
        "{}",
        out.stdout
    );
    assert!(
        std::fs::read_to_string(site.root().join("templates/doc.html"))
            .unwrap()
            .contains("data-ejected")
    );
    let report = strict_build(&site);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert!(
        site.read("patterns/small-batches/index.html")
            .contains("data-ejected")
    );
    let out = site.cairn(&["theme", "eject", "dco"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: no built-in template `dco` (did you mean `doc.html`?)"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_gitignore_of_a_new_site_ignores_what_serve_and_an_inside_cache_write() {
    let site = Site::empty();
    let out = Cairn::new(site.root())
        .arg("init")
        .env("CAIRN_CACHE_DIR", site.root().join(".cache/cairn"))
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let ignore = std::fs::read_to_string(site.root().join(".gitignore")).unwrap();
    assert!(ignore.contains("\n/public/\n"), "{ignore}");
    assert!(ignore.contains("\n/.cairn/serve/\n"), "{ignore}");
    assert!(ignore.ends_with("\n/.cache/cairn/\n"), "{ignore}");
}
