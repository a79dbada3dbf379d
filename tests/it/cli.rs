//! The command line: exact diagnostics on stderr, exit codes, JSON output, help.

use crate::support::*;

const INVALID_DIAGNOSTICS: &str = "\
content/decisions/d.md:4:10: error: `serves`: `v` is a vision, but a decision may only serve a strategy
4 | serves: [v]
  |          ^
content/strategies/s.md:1:1: warning: missing section `## Actions` (or Coherent actions), which a strategy should have
content/strategies/s.md:4:13: error: `serves`: unknown document `missing`
4 | serves: [v, missing]
  |             ^^^^^^^
content/strategies/s.md:5:1: warning: unknown key `owner` in front matter (did you mean `owners`?)
5 | owner: someone
  | ^^^^^
content/strategies/s.md:9:10: error: unknown document `nowhere`
9 | Links to [[nowhere]] and [[v#no-such-heading]].
  |          ^^^^^^^^^^^
content/strategies/s.md:9:26: error: no heading `#no-such-heading` in content/visions/v.md
9 | Links to [[nowhere]] and [[v#no-such-heading]].
  |                          ^^^^^^^^^^^^^^^^^^^^^
content/strategies/s.md:11:1: warning: section `## Guiding policy` is empty
11 | ## Guiding policy
   | ^^^^^^^^^^^^^^^^^
content/visions/v.md:3:1: error: unknown status `actve` for a vision (did you mean `active`?); expected one of draft, proposed, active, retired, superseded
3 | status: actve
  | ^^^^^^^^^^^^^
";

#[test]
fn every_problem_is_reported_in_one_run_with_exit_code_1() {
    let site = Site::copy("invalid");
    let out = site.cairn(&["build"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        format!(
            "{INVALID_DIAGNOSTICS}error: build failed: 5 errors, 3 warnings; the previous site was left as it was\n"
        )
    );
    assert!(!site.out().exists());
}

#[test]
fn lint_reports_the_same_and_writes_nothing() {
    let site = Site::copy("invalid");
    let out = site.cairn(&["lint"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr, INVALID_DIAGNOSTICS);
    assert!(!site.out().exists());
}

#[test]
fn lint_json_lists_diagnostics() {
    let site = Site::copy("invalid");
    let out = site.cairn(&["lint", "--format", "json"]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["errors"], 5);
    assert_eq!(v["warnings"], 3);
    let first = &v["diagnostics"][0];
    assert_eq!(first["path"], "content/decisions/d.md");
    assert_eq!(first["line"], 4);
    assert_eq!(first["col"], 10);
    assert_eq!(first["severity"], "error");
    // `v` in `serves: [v]`: the length of the text the problem covers.
    assert_eq!(first["len"], 1);
    assert!(first.get("source_line").is_none());
}

#[test]
fn strict_turns_warnings_into_errors() {
    let site = Site::copy("basic");
    site.write("content/notes/n.md", "---\ntitle: N\ncolour: blue\n---\n");
    assert_eq!(site.cairn(&["build"]).code, 0);
    let out = site.cairn(&["build", "--strict"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("content/notes/n.md:3:1: error: unknown key `colour` in front matter\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn config_errors_exit_with_2() {
    let site = Site::copy("basic");
    site.write("site.yaml", "title: X\nbase_url: nope\n");
    let out = site.cairn(&["build"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("site.yaml:2:1: error: `base_url`: `nope` is not a URL"),
        "{}",
        out.stderr
    );
    let out = site.cairn(&["build", "--no-such-flag"]);
    assert_eq!(out.code, 2);
}

#[test]
fn a_successful_build_exits_0_and_says_what_it_did_unless_quiet() {
    let site = Site::copy("basic");
    let out = site.cairn(&["build"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, ""),
        "CI=true keeps it quiet"
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let out = site
        .command()
        .args(["build", "--root"])
        .arg(site.root())
        .cwd(elsewhere.path())
        .env_remove("CI")
        .run();
    assert!(out.stderr.starts_with("built 7 documents"), "{out:?}");
}

#[test]
fn help_explains_every_flag() {
    let site = Site::copy("basic");
    let out = site.cairn(&["build", "--help"]);
    for flag in ["--root", "--output", "--drafts", "--strict", "--base-url"] {
        assert!(
            out.stdout.contains(flag),
            "{flag} missing from:\n{}",
            out.stdout
        );
    }
    let out = site.cairn(&["lint", "--help"]);
    assert!(out.stdout.contains("--format"));
}

#[test]
fn refuses_to_write_over_the_site_itself() {
    let site = Site::copy("basic");
    let out = site.cairn(&["build", "--output", "."]);
    assert_eq!(out.code, 2);
    assert!(site.root().join("content").exists());
}

#[test]
fn every_command_in_a_folder_without_site_yaml_says_so_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["build"][..],
        &["lint"],
        &["check"],
        &["serve", "--port", "0", "--no-checks"],
        &["new", "pattern", "X"],
    ] {
        let out = Cairn::new(dir.path()).args(args).run();
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (
                2,
                "error: no site.yaml in . (run `cairn init`, or pass --root)\n"
            ),
            "{args:?}"
        );
    }
    let out = Cairn::new(dir.path())
        .args(["build", "--root", "elsewhere"])
        .run();
    assert_eq!(
        out.stderr,
        "error: no site.yaml in elsewhere (run `cairn init`, or pass --root)\n"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

/// Issue 12: `cairn lint --fix` rewrites what has one obvious answer in place (other
/// generators' keys, near misses, ids that are not slugs), keeping comments, order and line
/// ends, prints each change, and then lints the fixed files.
#[test]
fn lint_fix_rewrites_obvious_front_matter_problems_in_place() {
    let site = Site::copy("basic");
    let page = "---\r\n# kept for Hugo\r\ntitle: Hugo page\r\nlastmod: 2026-01-02\r\nid: Hugo Page\r\nowner: [ann]\r\n---\r\nBody.\r\n";
    site.write("content/notes/hugo.md", page);
    let before = site.cairn(&["lint"]);
    assert!(
        before.stderr.contains("unknown key `owner`"),
        "{}",
        before.stderr
    );
    let out = site.cairn(&["lint", "--fix"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "content/notes/hugo.md:4:1: fixed: `lastmod` → `updated`\n\
         content/notes/hugo.md:5:1: fixed: `id: Hugo Page` → `id: hugo-page`\n\
         content/notes/hugo.md:6:1: fixed: `owner` → `owners`\n"
    );
    let text = std::fs::read_to_string(site.root().join("content/notes/hugo.md")).unwrap();
    assert_eq!(
        text,
        "---\r\n# kept for Hugo\r\ntitle: Hugo page\r\nupdated: 2026-01-02\r\nid: hugo-page\r\nowners: [ann]\r\n---\r\nBody.\r\n"
    );
    assert!(!out.stderr.contains("hugo.md"), "{}", out.stderr);
    // Nothing left to fix: a second run changes nothing.
    let again = site.cairn(&["lint", "--fix"]);
    assert_eq!(again.stdout, "");
    assert!(!site.out().exists());
}
