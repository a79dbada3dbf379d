//! Building whole sites: output tree, links, relations, base URL, determinism, atomic writes.

use crate::support::*;

#[test]
fn the_output_tree_has_every_page() {
    let site = built("basic");
    let files: Vec<String> = tree(&site.out()).into_keys().collect();
    let expected = [
        "404.html",
        "about/index.html",
        "atom.xml",
        "decisions/index.html",
        "decisions/use-spot/index.html",
        "graph.json",
        "graph/index.html",
        "index.html",
        "patterns/grand-migration/index.html",
        "patterns/index.html",
        "rfcs/index.html",
        "rfcs/rfc-1/index.html",
        "runbooks/backups/index.html",
        "runbooks/index.html",
        "search.json",
        "search/docs/0.json",
        "search/index.html",
        "search/words/_.json",
        "sitemap.xml",
        "static/cairn.js",
        "static/graph.js",
        "static/print.css",
        "static/search.js",
        "static/style.css",
        "static/syntax.css",
        "strategies/cloud-cost/index.html",
        "strategies/cloud-cost/packet/index.html",
        "strategies/index.html",
        "strategies/spend-less/index.html",
        "tags/bboldb/index.html",
        "tags/cost/index.html",
        "tags/index.html",
        "tags/reliability/index.html",
        "timeline/index.html",
        "visions/index.html",
        "visions/north-star/index.html",
    ];
    assert_eq!(files, expected);
}

#[test]
fn every_internal_link_honours_the_base_url_prefix_and_resolves() {
    let site = built("basic");
    let files = tree(&site.out());
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for link in links(&html) {
            if link.starts_with('#') || link.starts_with("https://example.org/docs/") {
                continue;
            }
            assert!(
                link.starts_with("/docs/"),
                "{path}: link {link} ignores the base URL prefix"
            );
            let target = link
                .trim_start_matches("/docs/")
                .split(['#', '?'])
                .next()
                .unwrap()
                .to_string();
            let file = if target.is_empty() || target.ends_with('/') {
                format!("{target}index.html")
            } else {
                target
            };
            assert!(
                files.contains_key(&file),
                "{path}: link {link} points at a missing file {file}"
            );
        }
    }
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/docs/strategies/cloud-cost/</loc><lastmod>2026-04-01</lastmod>"), "{sitemap}");
    assert!(
        !sitemap.contains("spend-less"),
        "redirects are not in the sitemap"
    );
    let feed = site.read("atom.xml");
    assert!(feed.contains("<link rel=\"self\" href=\"https://example.org/docs/atom.xml\"/>"));
    assert!(feed.contains("<id>https://example.org/docs/decisions/use-spot/</id>"));
}

/// The connections panel's entries: (href, labels), in order.
fn connections(html: &str) -> Vec<(String, Vec<String>)> {
    let panel = html
        .split("<ul class=\"link-list connection-list\">")
        .nth(1)
        .expect("a connections panel")
        .split("</ul>")
        .next()
        .unwrap();
    panel
        .split("<li>")
        .skip(1)
        .map(|li| {
            let href = li
                .split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let labels = li
                .split("<span class=\"relation-label\">")
                .skip(1)
                .map(|l| l.split('<').next().unwrap().to_string())
                .collect();
            (href.to_string(), labels)
        })
        .collect()
}

#[test]
fn connections_list_each_document_once_with_every_way_it_is_connected() {
    let site = built("basic");
    let vision = site.read("visions/north-star/index.html");
    // The strategy serves the vision and links to it from its text: one entry, two labels.
    assert_eq!(
        connections(&vision),
        [
            (
                "/docs/runbooks/backups/".to_string(),
                vec!["Linked from".to_string()]
            ),
            (
                "/docs/strategies/cloud-cost/".to_string(),
                vec!["Served by".to_string(), "Linked from".to_string()]
            ),
        ]
    );
    for panel in ["Relations", "Referenced by", "Linked from</h2>"] {
        assert!(
            !vision.contains(&format!("panel-title\">{panel}")),
            "{panel}"
        );
    }
    let pattern = site.read("patterns/grand-migration/index.html");
    let used = connections(&pattern);
    assert!(
        used.contains(&(
            "/docs/decisions/use-spot/".to_string(),
            vec!["Used by".to_string()]
        )),
        "{used:?}"
    );
    assert!(used.iter().any(|(h, l)| h == "/docs/strategies/cloud-cost/" && l.contains(&"Used by".to_string())), "{used:?}");
    let strategy_links = connections(&site.read("strategies/cloud-cost/index.html"));
    assert_eq!(
        strategy_links[0],
        (
            "/docs/visions/north-star/".to_string(),
            vec!["Serves".to_string(), "Linked from".to_string()]
        )
    );
    let strategy = site.read("strategies/cloud-cost/index.html");
    assert!(strategy.contains("<a href=\"/docs/patterns/grand-migration/#failure-modes\" class=\"wikilink\">usual trap</a>"));
    assert!(
        strategy.contains("<a href=\"/docs/visions/north-star/#vision-statement\">the vision</a>")
    );
    // Custom kinds take part in relations like built-in ones.
    let rfc = site.read("rfcs/rfc-1/index.html");
    assert!(rfc.contains("href=\"/docs/strategies/cloud-cost/\""));
}

#[test]
fn document_pages_show_metadata_toc_and_highlighted_code() {
    let site = built("basic");
    let html = site.read("strategies/cloud-cost/index.html");
    for needle in [
        "<title>Cloud cost · Fixture Org</title>",
        "<span class=\"status status-active\">active</span>",
        "<dt>Owners</dt><dd>Platform team</dd>",
        "<a class=\"tag\" href=\"/docs/tags/cost/\">cost</a>",
        "<li class=\"toc-2\"><a href=\"#guiding-policy\">Guiding policy</a></li>",
        "<h2 id=\"problem\">Problem<a class=\"anchor\" href=\"#problem\"",
        "<pre class=\"code hl-code\" data-lang=\"rust\" tabindex=\"0\"><code><span class=\"hl-source hl-rust\">",
        "type=\"checkbox\" checked=\"\"",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
}

#[test]
fn home_shows_the_tree_recent_and_due_for_review() {
    let site = built("basic");
    let home = site.read("index.html");
    let tree = home
        .split("From vision to decision")
        .nth(1)
        .unwrap()
        .split("Due for review")
        .next()
        .unwrap();
    let v = tree.find("/docs/visions/north-star/").unwrap();
    let s = tree.find("/docs/strategies/cloud-cost/").unwrap();
    let d = tree.find("/docs/decisions/use-spot/").unwrap();
    assert!(
        v < s && s < d,
        "vision, then strategy, then decision: {tree}"
    );
    assert!(
        tree.contains("/docs/rfcs/rfc-1/"),
        "custom kinds that serve appear in the tree"
    );
    let review = home
        .split("Due for review")
        .nth(1)
        .unwrap()
        .split("Recently updated")
        .next()
        .unwrap();
    assert!(review.contains("overdue since 2026-03-01"), "{review}");
    let recent = home.split("Recently updated").nth(1).unwrap();
    assert!(
        recent.find("cloud-cost").unwrap() < recent.find("use-spot").unwrap(),
        "newest first"
    );
    assert!(
        home.contains("Welcome to the fixture."),
        "intro from content/_index.md"
    );
}

#[test]
fn kind_indexes_group_by_status_and_folders_list_pages() {
    let site = built("basic");
    let rfcs = site.read("rfcs/index.html");
    assert!(rfcs.contains("status status-open\">open</span>"));
    let visions = site.read("visions/index.html");
    assert!(visions.contains("<h1>Our visions</h1>") && visions.contains("Where we are going."));
    let runbooks = site.read("runbooks/index.html");
    assert!(runbooks.contains("href=\"/docs/runbooks/backups/\">Backups runbook</a>"));
}

#[test]
fn everything_from_documents_is_escaped() {
    let site = built("basic");
    let about = site.read("about/index.html");
    assert!(!about.contains("<script>alert"));
    assert!(about.contains("About &lt;this&gt; &quot;site&quot;"));
    assert!(!about.contains("<b>bold</b>"));
    let tags = site.read("tags/index.html");
    assert!(
        tags.contains("&lt;b&gt;bold&lt;&#x2F;b&gt;") || tags.contains("&lt;b&gt;bold&lt;/b&gt;"),
        "{tags}"
    );
}

#[test]
fn aliases_redirect_and_drafts_stay_out_unless_asked() {
    let site = built("basic");
    let redirect = site.read("strategies/spend-less/index.html");
    assert!(
        redirect.contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=/docs/strategies/cloud-cost/\">"
        )
    );
    assert!(!site.out().join("strategies/old-cost").exists());
    let mut opts = site.options();
    opts.drafts = true;
    let report = cairn::build(&opts).unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert!(
        site.read("strategies/old-cost/index.html")
            .contains("Old cost plan")
    );
}

#[test]
fn a_site_template_overrides_one_theme_template() {
    let site = built("basic");
    assert!(
        site.read("tags/cost/index.html")
            .contains("<p class=\"overridden-tag-template\">cost</p>")
    );
    // The rest of the theme is still the default one.
    assert!(site.read("tags/index.html").contains("class=\"tag-cloud\""));
}

#[test]
fn base_url_can_be_overridden() {
    let site = Site::copy("basic");
    let mut opts = site.options();
    opts.base_url = Some("http://127.0.0.1:8080/".into());
    cairn::build(&opts).unwrap();
    let html = site.read("index.html");
    assert!(html.contains("href=\"/strategies/\""));
    assert!(!html.contains("/docs/"));
}

#[test]
fn two_builds_of_the_same_input_are_identical() {
    let a = built("basic");
    let b = Site::copy("basic");
    let mut opts = b.options();
    opts.output = Some(b.root().join("elsewhere"));
    cairn::build(&opts).unwrap();
    assert_eq!(tree(&a.out()), tree(&b.root().join("elsewhere")));
    // And a rebuild in place gives the same bytes again.
    cairn::build(&a.options()).unwrap();
    assert_eq!(tree(&a.out()), tree(&b.root().join("elsewhere")));
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let site = built("basic");
    std::fs::write(site.out().join("keep.txt"), "from the previous deploy").unwrap();
    let before = tree(&site.out());
    site.write(
        "content/strategies/cloud-cost.md",
        "---\ntitle: Broken\nstatus: nope\n---\n",
    );
    let report = cairn::build(&site.options()).unwrap();
    assert!(report.has_errors());
    assert_eq!(tree(&site.out()), before);
    // A template that does not compile is fatal, and also leaves the old site alone.
    site.write(
        "content/strategies/cloud-cost.md",
        &std::fs::read_to_string(fixture("basic/content/strategies/cloud-cost.md")).unwrap(),
    );
    site.write(
        "templates/doc.html",
        "{% extends \"base.html\" %}{% block content %}{{ doc.title {% endblock content %}",
    );
    let err = cairn::build(&site.options()).unwrap_err();
    assert!(err.to_string().contains("doc.html"), "{err}");
    assert_eq!(tree(&site.out()), before);
    // No staging folders are left beside the output.
    let names: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("cairn-")), "{names:?}");
}

#[test]
fn the_example_site_builds_without_warnings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let mut opts = cairn::BuildOptions::new(root, today());
    opts.output = Some(out.path().join("public"));
    opts.strict = true;
    let report = cairn::build(&opts).unwrap();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert!(report.documents >= 21);
}

#[test]
fn the_example_status_page_says_what_each_row_checked() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    assert!(!cairn::config::parse(&yaml).1.has_errors());
    // Every check kind that runs offline is in the example, each with a name that says what
    // it looks at.
    for kind in [
        "proof_of_life",
        "triggers",
        "docs",
        "command",
        "file_age",
        "level",
    ] {
        assert!(
            yaml.contains(&format!("    kind: {kind}\n")),
            "the example has no `{kind}` check"
        );
    }
    // A snooze belongs on one trigger, with a date and a reason, never on a whole check.
    let checks = &yaml[yaml.find("\nchecks:").unwrap()..];
    assert!(
        !checks.contains("\n    snooze_until:"),
        "a whole check is snoozed"
    );
    let triggers = std::fs::read_to_string(root.join("ops/triggers.yaml")).unwrap();
    assert_eq!(triggers.matches("\n  snooze_until: ").count(), 1);
    // The runbook check reads runbook documents, so its rows name the documents: a row must
    // not read "OK · Runbooks · Backups" as if backups were fine.
    let out = std::process::Command::new("sh")
        .arg(root.join("scripts/runbook-check.sh"))
        .arg(root.join("content/runbooks"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = String::from_utf8(out.stdout).unwrap();
    assert!(rows.lines().count() >= 3, "{rows}");
    for row in rows.lines() {
        let item = row.split(',').nth(1).unwrap().trim_matches('"');
        assert!(
            item.starts_with("runbooks/") && item.ends_with(".md"),
            "the item `{item}` does not name the runbook document it checked"
        );
    }
    assert!(!yaml.contains("  - name: Runbooks\n"));
}
