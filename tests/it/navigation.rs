//! Where a document page says it is: breadcrumbs from the home page, its folder's documents
//! and sub-folders in the section sidebar (in `order`, then title), previous and next.

use crate::support::*;

/// The fixture with a kind whose documents ask for an order (some of them), and a folder of
/// pages with a sub-folder.
fn ordered() -> Site {
    let site = Site::copy("basic");
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{}\n  guide:\n    fields: [order]\n", yaml.trim_end()),
    );
    site.write(
        "content/guides/_index.md",
        "---\ntitle: Guides <&>\n---\nHow we work.\n",
    );
    for (file, front) in [
        ("zebra", "title: Zebra first\norder: 1"),
        ("apple", "title: Apple"),
        ("mango", "title: Mango second\norder: 2"),
        ("banana", "title: Banana"),
    ] {
        site.write(
            &format!("content/guides/{file}.md"),
            &format!("---\n{front}\nstatus: active\n---\nx\n"),
        );
    }
    site.write(
        "content/runbooks/_index.md",
        "---\ntitle: Runbooks <&>\n---\nRun things.\n",
    );
    site.write(
        "content/runbooks/cloud/deep.md",
        "---\ntitle: Deep <b>page</b>\n---\nd\n",
    );
    let report = cairn::build(&site.options()).unwrap();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    site
}

/// The text between `start` and the first `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in\n{html}"))
        + start.len();
    let len = html[from..].find(end).unwrap();
    &html[from..from + len]
}

/// The `href`s and texts of the links in `html`, in order.
fn anchors(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<a ") {
        rest = &rest[i..];
        let href = between(rest, "href=\"", "\"").to_string();
        let text = between(rest, ">", "</a>").to_string();
        out.push((href, text));
        rest = &rest[3..];
    }
    out
}

#[test]
fn a_document_page_has_breadcrumbs_from_home_through_its_folders() {
    let site = ordered();
    let html = site.read("runbooks/cloud/deep/index.html");
    let crumbs = between(
        &html,
        "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\">",
        "</nav>",
    );
    assert_eq!(
        anchors(crumbs),
        [
            ("/docs/".to_string(), "Home".to_string()),
            ("/docs/runbooks/".into(), "Runbooks &lt;&amp;&gt;".into()),
            ("/docs/runbooks/cloud/".into(), "Cloud".into()),
            (
                "/docs/runbooks/cloud/deep/".into(),
                "Deep &lt;b&gt;page&lt;/b&gt;".into()
            ),
        ]
    );
    assert!(crumbs.contains("aria-current=\"page\""));
    // A kind's document: home, the kind's index, the document.
    let html = site.read("strategies/cloud-cost/index.html");
    let crumbs = between(&html, "aria-label=\"Breadcrumb\">", "</nav>");
    let names: Vec<String> = anchors(crumbs).into_iter().map(|(_, t)| t).collect();
    assert_eq!(names, ["Home", "Strategies", "Cloud cost"]);
    assert_eq!(anchors(crumbs)[1].0, "/docs/strategies/");
}

#[test]
fn the_sidebar_lists_the_folder_in_order_then_title_and_marks_the_current_page() {
    let site = ordered();
    let html = site.read("guides/apple/index.html");
    let side = between(&html, "<details class=\"section-nav\"", "</details>");
    let docs = between(side, "<ul class=\"section-docs\">", "</ul>");
    let titles: Vec<String> = anchors(docs).into_iter().map(|(_, t)| t).collect();
    // `order` first (1, 2), then the rest by title.
    assert_eq!(titles, ["Zebra first", "Mango second", "Apple", "Banana"]);
    assert_eq!(docs.matches("aria-current=\"page\"").count(), 1);
    assert!(docs.contains(
        "<li class=\"current\"><a href=\"/docs/guides/apple/\" aria-current=\"page\">Apple</a>"
    ));
    assert!(side.contains("<span class=\"section-name\">Guides &lt;&amp;&gt;</span>"));
    assert!(!side.contains("section-folders"));
    // A folder of pages lists its sub-folders too.
    let html = site.read("runbooks/backups/index.html");
    let side = between(&html, "<details class=\"section-nav\"", "</details>");
    let folders = between(side, "<ul class=\"section-folders\">", "</ul>");
    assert_eq!(
        anchors(folders),
        [("/docs/runbooks/cloud/".to_string(), "Cloud".to_string())]
    );
}

#[test]
fn previous_and_next_follow_the_sidebar_order_within_the_folder() {
    let site = ordered();
    let pager = |page: &str| -> Vec<(String, String)> {
        let html = site.read(page);
        match html.find("<nav class=\"doc-pager\"") {
            None => Vec::new(),
            Some(at) => anchors(between(&html[at..], ">", "</nav>"))
                .into_iter()
                .map(|(h, t)| (h, between(&t, "pager-title\">", "<").to_string()))
                .collect(),
        }
    };
    let link = |h: &str, t: &str| (h.to_string(), t.to_string());
    assert_eq!(
        pager("guides/zebra/index.html"),
        [link("/docs/guides/mango/", "Mango second")]
    );
    assert_eq!(
        pager("guides/apple/index.html"),
        [
            link("/docs/guides/mango/", "Mango second"),
            link("/docs/guides/banana/", "Banana")
        ]
    );
    let last = site.read("guides/banana/index.html");
    assert!(last.contains("rel=\"prev\" href=\"/docs/guides/apple/\""));
    assert!(!last.contains("rel=\"next\""));
    // Alone in its folder: no pager at all.
    assert_eq!(pager("runbooks/cloud/deep/index.html"), []);
}

#[test]
fn renaming_a_sibling_rebuilds_the_pages_that_list_it() {
    let site = ordered();
    site.write(
        "content/guides/mango.md",
        "---\ntitle: Mango renamed\norder: 2\nstatus: active\n---\nx\n",
    );
    cairn::build(&site.options()).unwrap();
    assert!(
        site.read("guides/apple/index.html")
            .contains(">Mango renamed</a>")
    );
    assert!(
        site.read("guides/zebra/index.html")
            .contains("Mango renamed")
    );
}

#[test]
fn edit_and_source_links_come_from_the_repository_and_are_encoded() {
    let site = Site::copy("basic");
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    let with = |repo: &str| format!("{}\nrepository: {repo}\n", yaml.trim_end());
    site.write(
        "site.yaml",
        &with("{ url: \"https://git.example/eng/site\", branch: \"rel&1\", edit_path: \"-/edit/{branch}/{path}\" }"),
    );
    site.write("content/runbooks/odd name\".md", "# Odd\n\nx\n");
    let out = site.cairn(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = site.read("runbooks/backups/index.html");
    assert!(html.contains(
        "<a class=\"edit-link\" href=\"https://git.example/eng/site/-/edit/rel&amp;1/content/runbooks/backups.md\">Edit this page</a>"
    ), "{html}");
    assert!(html.contains("/blob/rel&amp;1/content/runbooks/backups.md\">View source</a>"));
    let odd = std::fs::read_dir(site.out().join("runbooks"))
        .unwrap()
        .map(|e| e.unwrap().path().join("index.html"))
        .find(|p| p.to_string_lossy().contains("odd"))
        .unwrap();
    let odd = std::fs::read_to_string(odd).unwrap();
    assert!(
        odd.contains("content/runbooks/odd%20name%22.md\">Edit this page"),
        "{odd}"
    );

    // Without `repository`, no such links.
    site.write("site.yaml", &yaml);
    assert_eq!(site.cairn(&["build"]).code, 0);
    assert!(
        !site
            .read("runbooks/backups/index.html")
            .contains("Edit this page")
    );

    // Another scheme is a configuration error, and the site is left as it was.
    site.write("site.yaml", &with("{ url: \"javascript:alert(1)//\" }"));
    let out = site.cairn(&["build"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`repository`: `url` must start with https:// or http://"),
        "{}",
        out.stderr
    );
    assert!(
        !site
            .read("runbooks/backups/index.html")
            .contains("javascript")
    );
}
