//! Every file the site writes has one source: a page beside its folder introduces the folder's
//! list (as Eleventy and Jekyll sites keep it), and any other clash is a diagnostic at the file
//! that makes it, before anything is written, never a failed write.

use crate::support::Site;

const SITE_YAML: &str = "title: Standards\nbase_url: /\ncontent: docs\nlinks: {broken: warn}\n";

fn site(files: &[(&str, &str)]) -> Site {
    Site::of(SITE_YAML, "docs", files)
}

const PATTERN: &str = "---\ntitle: Make small changes\nstatus: active\n---\n## When it works\n\na\n\n## Failure modes\n\nb\n\n## Examples\n\nc\n";

/// Issue 12: UKHomeOffice's standards keep `patterns.md` beside `patterns/`; its address is
/// the pattern kind's list, and the build stopped at the write.
#[test]
fn a_page_beside_its_folder_introduces_the_list_and_clashes_stop_before_writing() {
    let intro = "---\nlayout: collection\ntitle: Our patterns\ndescription: Approaches we recommend\n---\nRead these first.\n";
    let site = site(&[
        ("patterns.md", intro),
        ("patterns/make-small-changes.md", PATTERN),
        (
            "principles.md",
            "---\ntitle: Principles\n---\nWhat guides us.\n",
        ),
        (
            "principles/keep-it-simple.md",
            "---\ntitle: Keep it simple\n---\nx\n",
        ),
    ]);
    let out = site.cairn(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list = site.read("patterns/index.html");
    assert!(list.contains("<h1>Our patterns"), "{list}");
    assert!(list.contains("Read these first."), "{list}");
    assert!(list.contains("Make small changes"), "{list}");
    let folder = site.read("principles/index.html");
    assert!(folder.contains("What guides us."), "{folder}");
    assert!(folder.contains("Keep it simple"), "{folder}");

    // Under --strict the page keeps its own address: an error at the page, nothing written.
    let strict = site.cairn(&["build", "--strict"]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
    assert!(
        strict.stderr.contains(
            "docs/patterns.md:1:1: error: `/patterns/` is the list of the site's patterns"
        ),
        "{}",
        strict.stderr
    );

    // An attachment where a page goes is an error at the attachment, from the link stage.
    site.write("docs/atom.xml", "<feed/>");
    let out = site.cairn(&["build"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("docs/atom.xml:1:1: error: `/atom.xml` is also the site's own `/atom.xml`; rename or move this attachment"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("two files"), "{}", out.stderr);
}

/// Issue 12: 18F's handbook holds HTML attachments; they are left out with a warning, and the
/// site builds. An attachment changed while serving is judged again: never copied when active.
#[test]
fn an_attachment_made_active_after_the_first_read_is_not_published() {
    let site = site(&[("notes.md", "---\ntitle: Notes\n---\n![flow](flow.svg)\n")]);
    site.write("docs/flow.svg", "<svg><circle r=\"1\"/></svg>");
    let opts = site.options();
    let mut a = cairn::pipeline::analyse(&opts).unwrap();
    assert_eq!(a.assets.len(), 1);
    site.write("docs/flow.svg", "<svg onload=\"fetch('/')\"/>");
    let changed = a.reread(site.root(), &[site.root().join("docs/flow.svg")], false);
    assert!(changed.assets.is_empty(), "{changed:?}");
    assert!(a.assets.is_empty(), "{:?}", a.assets);
    let shown: Vec<String> = a.diagnostics(false).iter().map(|d| d.to_string()).collect();
    assert!(
        shown
            .iter()
            .any(|d| d.starts_with("docs/flow.svg:1:1: warning: not published: ")),
        "{shown:?}"
    );
}
