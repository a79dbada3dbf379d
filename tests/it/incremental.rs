//! Incremental rebuilds (`cairn serve`) and the build cache: a site brought up to date after
//! edits is byte for byte the site a full build makes, and only what an edit affects is
//! rendered again.

use std::path::PathBuf;

use std::sync::Mutex;

use cairn::session::{Session, Steps};

use crate::support::*;

/// A site being served: a live session and the folder it writes.
struct Live {
    site: Site,
    session: Session,
}

impl Live {
    fn start() -> Live {
        let site = Site::copy("basic");
        let mut opts = site.options();
        opts.output = Some(site.root().join("live"));
        opts.checks = false;
        let mut session = Session::new(opts);
        let report = session.build().unwrap();
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        Live { site, session }
    }

    /// Applies an edit, rebuilds incrementally, and checks the result against a full build.
    /// Returns how many pages the rebuild rendered.
    fn edit(&mut self, what: &str, changes: &[(&str, Option<&str>)]) -> usize {
        let mut paths: Vec<PathBuf> = Vec::new();
        for (rel, text) in changes {
            let p = self.site.root().join(rel);
            match text {
                Some(t) => self.site.write(rel, t),
                None => std::fs::remove_file(&p).unwrap(),
            }
            paths.push(p);
        }
        let report = self.session.rebuild(&paths).unwrap();
        assert!(
            report.diagnostics.is_empty(),
            "{what}: {:?}",
            report.diagnostics
        );
        self.assert_matches_full_build(what);
        report.rendered
    }

    fn assert_matches_full_build(&self, what: &str) {
        let fresh = self.site.root().join("fresh");
        let mut opts = self.session.options().clone();
        opts.output = Some(fresh.clone());
        cairn::build(&opts).unwrap();
        let (live, full) = (tree(&self.site.root().join("live")), tree(&fresh));
        let only_live: Vec<_> = live.keys().filter(|k| !full.contains_key(*k)).collect();
        let only_full: Vec<_> = full.keys().filter(|k| !live.contains_key(*k)).collect();
        assert!(
            only_live.is_empty() && only_full.is_empty(),
            "{what}: stale {only_live:?}, missing {only_full:?}"
        );
        for (path, bytes) in &full {
            assert!(
                live[path] == *bytes,
                "{what}: {path} differs from a full build"
            );
        }
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(fixture("basic").join(rel)).unwrap()
    }
}

#[test]
fn every_kind_of_edit_gives_the_bytes_of_a_full_build() {
    let mut live = Live::start();
    let strategy = live.read("content/strategies/cloud-cost.md");
    let pattern = live.read("content/patterns/grand-migration.md");

    let n = live.edit(
        "a body edit",
        &[(
            "content/strategies/cloud-cost.md",
            Some(&strategy.replace("Too expensive.", "Far too expensive.")),
        )],
    );
    assert!(
        n <= 4,
        "a body edit renders its page, its packet and the search index, not {n} pages"
    );

    live.edit(
        "a new heading that another document links to",
        &[(
            "content/patterns/grand-migration.md",
            Some(&pattern.replace("## Examples", "## Worked examples\n\nx\n\n## Examples")),
        )],
    );
    let n = live.edit(
        "a title change",
        &[(
            "content/patterns/grand-migration.md",
            Some(&pattern.replace("The grand migration", "The big move")),
        )],
    );
    assert!(n > 4, "a title shows on its neighbours, lists and feed too");
    live.edit(
        "new tags and a summary",
        &[(
            "content/patterns/grand-migration.md",
            Some(&pattern.replace(
                "created: 2025-06-01",
                "created: 2025-06-01\ntags: [Migration, cost]\nsummary: Move it all.",
            )),
        )],
    );
    live.edit("a new document serving the strategy", &[(
        "content/decisions/use-arm.md",
        Some("---\ntitle: Use ARM instances\nstatus: proposed\nserves: [cloud-cost]\ncreated: 2026-04-20\n---\n## Context\n\nc\n\n## Decision\n\nd [[grand-migration]]\n\n## Consequences\n\ne\n"),
    )]);
    live.edit(
        "a relation changed",
        &[(
            "content/decisions/use-spot.md",
            Some(
                &live
                    .read("content/decisions/use-spot.md")
                    .replace("uses: [grand-migration]\n", ""),
            ),
        )],
    );
    live.edit(
        "an alias added",
        &[(
            "content/strategies/cloud-cost.md",
            Some(&strategy.replace(
                "aliases: [/strategies/spend-less/]",
                "aliases: [/strategies/spend-less/, /old/cost/]",
            )),
        )],
    );
    live.edit(
        "a document deleted",
        &[("content/decisions/use-arm.md", None)],
    );
    live.edit(
        "an asset added and linked",
        &[
            ("content/runbooks/diagram.txt", Some("a diagram")),
            (
                "content/runbooks/backups.md",
                Some("# Backups runbook\n\nSee [the diagram](diagram.txt) and [[north-star]].\n"),
            ),
        ],
    );
    live.edit(
        "a draft promoted",
        &[(
            "content/strategies/old-cost.md",
            Some(
                &live
                    .read("content/strategies/old-cost.md")
                    .replace("draft: true\n", ""),
            ),
        )],
    );
    live.edit(
        "site.yaml changed",
        &[(
            "site.yaml",
            Some(&live.read("site.yaml").replace("Fixture Org", "Renamed Org")),
        )],
    );
    live.edit("a template overridden", &[("templates/tag.html", Some("{% extends \"base.html\" %}{% block content %}<p>{{ tag }} again</p>{% endblock content %}"))]);
}

#[test]
fn a_rebuild_stopped_for_newer_edits_has_the_edited_page_and_the_next_one_finishes() {
    let mut live = Live::start();
    let out = live.site.root().join("live");
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
    let rel = "content/patterns/grand-migration.md";
    let pattern = live.read(rel);
    live.site.write(
        rel,
        &pattern
            .replace("The grand migration", "The big move")
            .replace("## Examples", "## Samples"),
    );
    let seen = Mutex::new(None);
    let fresh = || {
        *seen.lock().unwrap() = Some((
            read("patterns/grand-migration/index.html"),
            read("patterns/index.html"),
        ))
    };
    let steps = Steps {
        fresh: Some(&fresh),
        interrupted: Some(&|| true),
    };
    let report = live
        .session
        .rebuild_with(&[live.site.root().join(rel)], &steps)
        .unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let (own, list) = seen
        .lock()
        .unwrap()
        .take()
        .expect("told when the page is out");
    assert!(own.contains("The big move"), "the edited page comes first");
    assert!(!list.contains("The big move"), "the lists come after it");
    assert!(live.session.unfinished());
    assert!(
        !read("patterns/index.html").contains("The big move"),
        "a stopped rebuild leaves the rest for the next one"
    );
    let report = live.session.rebuild(&[]).unwrap();
    assert!(!live.session.unfinished());
    let warned: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        warned
            .iter()
            .any(|d| d.contains("grand-migration.md") && d.contains("`## Examples`")),
        "the rebuild that finishes reports the warnings of the one cut short: {warned:?}"
    );
    live.assert_matches_full_build("a stopped rebuild, then an empty one");

    // A deleted document's page stays until a rebuild walks every page.
    let rel = "content/runbooks/restores.md";
    live.edit(
        "a new runbook",
        &[(rel, Some("# Restores runbook\n\nSteps.\n"))],
    );
    std::fs::remove_file(live.site.root().join(rel)).unwrap();
    let report = live
        .session
        .rebuild_with(&[live.site.root().join(rel)], &steps)
        .unwrap();
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    assert!(live.session.unfinished());
    assert!(out.join("runbooks/restores/index.html").exists());
    live.edit("a deletion finished by the next edit", &[]);
    assert!(!live.session.unfinished());
}

#[test]
fn a_broken_edit_writes_nothing_and_the_fix_catches_up() {
    let mut live = Live::start();
    let before = tree(&live.site.root().join("live"));
    let path = live.site.root().join("content/strategies/cloud-cost.md");
    let strategy = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, strategy.replace("status: active", "status: nope")).unwrap();
    let report = live.session.rebuild(std::slice::from_ref(&path)).unwrap();
    assert!(report.has_errors());
    assert_eq!(tree(&live.site.root().join("live")), before);
    live.edit(
        "the fix",
        &[(
            "content/strategies/cloud-cost.md",
            Some(&strategy.replace("Too expensive.", "Fixed.")),
        )],
    );
}

#[test]
fn the_build_cache_reuses_unchanged_pages_and_never_a_stale_one() {
    let site = Site::copy("basic");
    let mut opts = site.options();
    opts.cache = Some(site.cache.path().to_owned());
    let first = cairn::build(&opts).unwrap();
    assert_eq!(
        first.rendered, first.files,
        "a cold cache renders everything"
    );
    let second = cairn::build(&opts).unwrap();
    assert_eq!(second.rendered, 0, "nothing changed, nothing rendered");
    let cached = tree(&site.out());

    // A changed code block: its page (and the strategy's packet and the search index) are
    // rendered again, and the site equals one built without any cache.
    let path = "content/strategies/cloud-cost.md";
    let text = std::fs::read_to_string(site.root().join(path)).unwrap();
    site.write(path, &text.replace("println!(\"hi\")", "println!(\"bye\")"));
    let third = cairn::build(&opts).unwrap();
    assert!(
        third.rendered > 0 && third.rendered <= 4,
        "{} pages rendered",
        third.rendered
    );
    let page = site.read("strategies/cloud-cost/index.html");
    assert!(page.contains("bye") && !page.contains("\"hi\""));
    let with_cache = tree(&site.out());
    assert_ne!(with_cache, cached);
    let mut plain = opts.clone();
    plain.cache = None;
    plain.output = Some(site.root().join("plain"));
    cairn::build(&plain).unwrap();
    assert_eq!(with_cache, tree(&site.root().join("plain")));
}

/// The cache's files: the search index's memo (a JSON object naming the manifest's digest) and
/// the pages.
fn cache_files(cache: &std::path::Path) -> (Vec<std::path::PathBuf>, Vec<std::path::PathBuf>) {
    walkdir::WalkDir::new(cache)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .partition(|p| std::fs::read(p).unwrap().starts_with(b"{\"manifest\":"))
}

#[test]
fn the_search_index_is_remembered_only_for_the_same_documents_and_a_lost_memo_costs_time_only() {
    let site = Site::copy("basic");
    let mut opts = site.options();
    opts.cache = Some(site.cache.path().to_owned());
    let mut plain = opts.clone();
    plain.cache = None;
    plain.output = Some(site.root().join("plain"));
    let fresh = |what: &str| {
        cairn::build(&plain).unwrap();
        assert_eq!(
            tree(&site.out()),
            tree(&site.root().join("plain")),
            "{what}"
        );
    };
    let first = cairn::build(&opts).unwrap();
    let (memos, _) = cache_files(site.cache.path());
    assert_eq!(memos.len(), 1, "one memo, for the index just built");

    // The pages gone from the cache but the memo kept: the index's pages are listed from the
    // memo and made from the index, byte for byte.
    let (memos, pages) = cache_files(site.cache.path());
    pages.iter().for_each(|p| std::fs::remove_file(p).unwrap());
    let again = cairn::build(&opts).unwrap();
    assert_eq!(again.rendered, first.rendered, "every page made");
    assert_eq!(cache_files(site.cache.path()).0, memos, "the same memo");
    fresh("pages made under a memo");

    // A body edit: a new word, a new index, a new memo (the old one is let go).
    let path = "content/patterns/grand-migration.md";
    let text = std::fs::read_to_string(site.root().join(path)).unwrap();
    site.write(path, &format!("{text}\nZebracrossing.\n"));
    cairn::build(&opts).unwrap();
    let (after, _) = cache_files(site.cache.path());
    assert_eq!(after.len(), 1);
    assert_ne!(after, memos, "filed under the new inputs");
    assert!(
        tree(&site.out())
            .iter()
            .any(|(f, b)| f.starts_with("search/words/")
                && b.windows(13).any(|w| w == b"zebracrossing")),
        "the new word is found"
    );
    fresh("after an edit");

    // A damaged memo is no memo.
    std::fs::write(&after[0], b"{\"manifest\": nonsense").unwrap();
    cairn::build(&opts).unwrap();
    fresh("after a damaged memo");
}

#[test]
fn drift_warnings_follow_an_edit_made_in_place() {
    let old = "---\ntitle: Old road\nstatus: retired\nupdated: 2025-03-05\n---\n\nBody.\n";
    let site = Site::of(
        "title: T\n",
        "content",
        &[
            ("strategies/old.md", old),
            (
                "decisions/pick.md",
                "---\ntitle: Pick\nstatus: accepted\nserves: [old]\n---\n\nBody.\n",
            ),
        ],
    );
    let mut opts = site.options();
    opts.checks = false;
    let mut session = Session::new(opts);
    let drift = |r: &cairn::pipeline::BuildReport| -> Vec<String> {
        r.diagnostics
            .iter()
            .filter(|d| d.message.starts_with("serves the"))
            .map(|d| d.message.clone())
            .collect()
    };
    let first = session.build().unwrap();
    assert_eq!(
        drift(&first),
        ["serves the strategy `Old road`, which is retired since 2025-03-05"]
    );
    // A new title and date, an edit no other document's links can see: re-linked in place,
    // and the warning on the document serving it is made again.
    let rel = "content/strategies/old.md";
    site.write(
        rel,
        &old.replace("Old road", "Older road")
            .replace("2025-03-05", "2025-04-01"),
    );
    let report = session.rebuild(&[site.root().join(rel)]).unwrap();
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    assert_eq!(
        drift(&report),
        ["serves the strategy `Older road`, which is retired since 2025-04-01"]
    );
    assert!(
        site.read("strategies/old/index.html")
            .contains("Older road")
    );
}
