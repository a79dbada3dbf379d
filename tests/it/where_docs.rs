//! Where documents live: `site.yaml` `content:` names the documents folder, kinds match by
//! path globs, and every command reads (and `new` writes) the folder it names.

use crate::support::Site;

/// The basic fixture with its documents moved to `to` and `site.yaml` naming that folder.
fn moved(to: &str) -> Site {
    let site = Site::copy("basic");
    let dest = site.root().join(to);
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::rename(site.root().join("content"), &dest).unwrap();
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("content: {to}\n{config}"));
    site
}

#[test]
fn a_named_content_folder_is_read_by_every_command() {
    let site = moved("docs");
    site.write(
        "docs/notes/odd.md",
        "---\ntitle: Odd\ntitel: x\n---\nBody.\n",
    );
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(site.out().join("about/index.html").is_file());
    assert!(site.out().join("visions/north-star/index.html").is_file());
    // Diagnostics name the file where it is.
    assert!(
        out.stderr
            .contains("docs/notes/odd.md:3:1: warning: unknown key `titel`"),
        "{}",
        out.stderr
    );
    let out = site.cairn(&["lint"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("docs/notes/odd.md:3:1"), "{out:?}");
    let out = site.cairn(&["new", "pattern", "Strangler fig"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(site.root().join("docs/patterns/strangler-fig.md").is_file());
    assert!(!site.root().join("content").exists());
}

#[test]
fn a_nested_content_folder_is_read() {
    let site = moved("doc/handbook");
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(site.out().join("visions/north-star/index.html").is_file());
}

#[test]
fn a_content_folder_outside_the_site_is_a_config_error() {
    for (value, why) in [
        ("../elsewhere", "must stay inside the site folder (no `..`)"),
        ("docs/../../x", "must stay inside the site folder (no `..`)"),
        (
            "/etc",
            "must be a path relative to the site folder, not an absolute one",
        ),
        (".", "must name a folder inside the site folder"),
    ] {
        let site = moved("docs");
        let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
        site.write(
            "site.yaml",
            &config.replace("content: docs", &format!("content: \"{value}\"")),
        );
        let out = site.cairn(&["build", "--no-checks"]);
        assert_eq!(out.code, 2, "{value}: {out:?}");
        assert!(
            out.stderr
                .contains(&format!("site.yaml:1:1: error: `content` {why}")),
            "{value}: {}",
            out.stderr
        );
        assert!(!site.out().exists());
    }
}

#[test]
fn a_missing_named_folder_names_it() {
    let site = moved("docs");
    std::fs::rename(site.root().join("docs"), site.root().join("other")).unwrap();
    let out = site.cairn(&["build", "--no-checks"]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("docs"), "{out:?}");
}

/// Issue 11's rule: a `content` folder that is a link out of the site is refused unless
/// `site.yaml` names it; a named one is followed and its target is where documents are read
/// (and where `new` writes), while links inside it still may not lead elsewhere.
#[cfg(unix)]
#[test]
fn a_named_link_out_of_the_site_is_followed() {
    let site = Site::copy("basic");
    let outside = tempfile::tempdir().unwrap();
    let docs = outside.path().join("docs");
    std::fs::rename(site.root().join("content"), &docs).unwrap();
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("key.md"), "# Key\n").unwrap();
    std::os::unix::fs::symlink(secret.path().join("key.md"), docs.join("key.md")).unwrap();
    std::os::unix::fs::symlink(&docs, site.root().join("handbook")).unwrap();
    std::os::unix::fs::symlink(&docs, site.root().join("content")).unwrap();
    // Not named: the default folder linking out is refused.
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("outside the site folder"), "{out:?}");
    std::fs::remove_file(site.root().join("content")).unwrap();

    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("content: handbook\n{config}"));
    let out = site.cairn(&["build", "--no-checks"]);
    // The link inside still leads out of the followed folder: refused, naming it.
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("handbook/key.md:1:1: error: symbolic link to"),
        "{out:?}"
    );
    std::fs::remove_file(docs.join("key.md")).unwrap();
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(site.out().join("visions/north-star/index.html").is_file());
    let out = site.cairn(&["new", "pattern", "Strangler fig"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(docs.join("patterns/strangler-fig.md").is_file());
}

const RECORD: &str = "---\ntitle: Use Postgres\nstatus: accepted\ncreated: 2024-01-02\n---\n## Context\n\nC.\n\n## Decision\n\nD.\n\n## Consequences\n\nE.\n";

#[test]
fn records_in_the_adr_tools_folders_are_decisions() {
    let site = Site::copy("basic");
    site.write("content/docs/adr/0001-use-postgres.md", RECORD);
    site.write(
        "content/service/architecture-decision-records/0002-queue.md",
        &RECORD.replace("Use Postgres", "Use a queue"),
    );
    // An explicit `kind` wins over the folder's globs.
    site.write(
        "content/docs/adr/guide.md",
        "---\ntitle: How we write records\nkind: page\n---\nText.\n",
    );
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        site.out()
            .join("decisions/0001-use-postgres/index.html")
            .is_file()
    );
    assert!(site.out().join("decisions/0002-queue/index.html").is_file());
    assert!(site.out().join("docs/adr/guide/index.html").is_file());
    assert!(!site.out().join("docs/adr/0001-use-postgres").exists());
}

#[test]
fn kinds_match_the_paths_site_yaml_gives() {
    let site = Site::copy("basic");
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &config.replace(
            "    serves: [strategy]\n",
            "    serves: [strategy]\n    paths: [\"text/*.md\"]\n",
        ),
    );
    site.write(
        "content/text/0001-modules.md",
        "---\ntitle: Modules\nstatus: open\n---\n## Summary\n\nS.\n",
    );
    // `*` stays within one folder.
    site.write("content/text/old/notes.md", "---\ntitle: Notes\n---\nN.\n");
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(site.out().join("rfcs/0001-modules/index.html").is_file());
    assert!(site.out().join("text/old/notes/index.html").is_file());

    site.write(
        "site.yaml",
        &config.replace(
            "    serves: [strategy]\n",
            "    serves: [strategy]\n    paths: [\"text/[x\"]\n",
        ),
    );
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("error: `paths`: `text/[x` is not a glob"),
        "{out:?}"
    );
}

#[test]
fn front_matter_keys_kept_for_other_tools_can_be_quieted() {
    let site = Site::copy("basic");
    site.write(
        "content/notes/hugo.md",
        "---\ntitle: Hugo page\nweight: 3\ntoc: true\n---\nBody.\n",
    );
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("unknown key `toc`"), "{out:?}");
    site.write(
        "site.yaml",
        &format!("front_matter: {{ ignore: [toc, weight] }}\n{config}"),
    );
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stderr.contains("unknown key"), "{out:?}");
    site.write(
        "site.yaml",
        &format!("front_matter: {{ ignore: [weight], unknown: error }}\n{config}"),
    );
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("content/notes/hugo.md:4:1: error: unknown key `toc` in front matter"),
        "{out:?}"
    );
    assert!(!out.stderr.contains("`weight`"), "{out:?}");
    site.write(
        "site.yaml",
        &format!("front_matter: {{ unknown: allow }}\n{config}"),
    );
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stderr.contains("unknown key"), "{out:?}");
}

#[test]
fn repeated_problems_are_grouped_unless_verbose() {
    let site = Site::copy("basic");
    for i in 0..25 {
        site.write(
            &format!("content/notes/n{i:02}.md"),
            "---\ntitle: Note\nlayout: note\n---\nBody.\n",
        );
    }
    let layout = |s: &str| {
        s.lines()
            .filter(|l| l.contains("unknown key `layout`"))
            .count()
    };
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(layout(&out.stderr), 21, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "... and 5 more: warning: unknown key `layout` in front matter (25 in all; use --verbose to list all)\n"
        ),
        "{}",
        out.stderr
    );
    let out = site.cairn(&["build", "--no-checks", "--verbose"]);
    assert_eq!(layout(&out.stderr), 25, "{}", out.stderr);
    assert!(!out.stderr.contains("more:"), "{}", out.stderr);
    let out = site.cairn(&["lint", "--format", "json"]);
    assert_eq!(layout(&out.stdout), 25, "{}", out.stdout);
}

/// A site whose documents folder is the records folder itself: the built-in globs match the
/// path from the site folder too.
#[test]
fn a_records_folder_named_as_content_holds_decisions() {
    let site = Site::copy("basic");
    std::fs::remove_dir_all(site.root().join("content")).unwrap();
    site.write("doc/adr/0001-use-postgres.md", RECORD);
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("content: doc/adr\n{config}"));
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        site.out()
            .join("decisions/0001-use-postgres/index.html")
            .is_file()
    );
}
