//! Folder introductions written beside their folder, and clashes of the site's files.

use super::*;

const PAGE: &str = "---\ntitle: A page\n---\nText.\n";

fn strict() -> SiteConfig {
    SiteConfig {
        strict: true,
        ..SiteConfig::default()
    }
}

#[test]
fn a_page_beside_a_kind_folder_introduces_the_kinds_list() {
    let intro = "---\ntitle: Our patterns\nlayout: collection\n---\nHow we write them.\n";
    let (site, diags) = site(&[
        ("patterns.md", intro),
        ("patterns/grand-migration.md", PATTERN),
    ]);
    assert!(diags.iter().all(|d| !d.contains("error")), "{diags:?}");
    let i = site
        .docs
        .iter()
        .position(|d| d.source.as_str() == "patterns.md")
        .unwrap();
    assert!(site.docs[i].is_index);
    assert_eq!(site.docs[i].intro_folder(), "patterns");
    assert_eq!(site.urls[i].as_str(), "/patterns/");
    // Linked by its file name, it is the list.
    assert_eq!(site.lookup.path("patterns"), Some(i));
    // Under --strict it is a page at the list's address: an error at the document.
    let (site, diags) = site_with(
        &strict(),
        &[
            ("patterns.md", intro),
            ("patterns/grand-migration.md", PATTERN),
        ],
        &[],
    );
    assert!(
        !site
            .docs
            .iter()
            .any(|d| d.source.as_str() == "patterns.md" && d.is_index)
    );
    assert!(
        diags.contains(&"content/patterns.md:1:1: error: `/patterns/` is the list of the site's patterns; rename this document, or move it to patterns/_index.md to introduce that list".to_string()),
        "{diags:?}"
    );
}

#[test]
fn a_page_beside_a_folder_of_pages_introduces_its_list_and_an_index_file_wins() {
    let (site, diags) = site(&[
        ("guides.md", PAGE),
        ("guides/setup.md", PAGE),
        ("notes.md", PAGE),
        ("notes/_index.md", PAGE),
        ("notes/a.md", PAGE),
        ("lonely.md", PAGE),
    ]);
    let at = |p: &str| {
        site.docs
            .iter()
            .position(|d| d.source.as_str() == p)
            .unwrap()
    };
    assert!(site.docs[at("guides.md")].is_index);
    assert_eq!(site.folder_pages, ["guides"]);
    // `notes/_index.md` introduces notes/; notes.md then clashes with it.
    assert!(!site.docs[at("notes.md")].is_index);
    assert!(!site.docs[at("lonely.md")].is_index);
    assert!(
        diags.iter().any(|d| d.starts_with(
            "content/notes/_index.md:1:1: error: `/notes/` is also the address of content/notes.md"
        ) || d.starts_with(
            "content/notes.md:1:1: error: `/notes/` is also the address of content/notes/_index.md"
        )),
        "{diags:?}"
    );
    // Linking the same documents again reads them the same.
    let again = link(site.into_docs(), &SiteConfig::default(), false, &[]).0;
    assert!(
        again
            .docs
            .iter()
            .any(|d| d.source.as_str() == "guides.md" && d.is_index)
    );
    assert_eq!(again.folder_pages, ["guides"]);
}

#[test]
fn a_page_at_a_tag_page_is_an_error_and_a_folder_list_yields_to_the_sites_own_pages() {
    let tagged = "---\ntitle: Foo\ntags: [foo]\n---\nx\n";
    let (site, diags) = site(&[("tags/foo.md", tagged), ("search/how.md", PAGE)]);
    assert_eq!(
        diags
            .iter()
            .filter(|d| d.contains("error"))
            .cloned()
            .collect::<Vec<_>>(),
        [
            "content/tags/foo.md:1:1: error: `/tags/foo/` is the page of tag `foo`; rename this document"
        ]
    );
    // `/tags/` and `/search/` are the site's own: no folder list is written there.
    assert!(site.folder_pages.is_empty(), "{:?}", site.folder_pages);
}

#[test]
fn an_alias_cannot_take_a_list() {
    let aliased = "---\ntitle: N\naliases: [/patterns/, /guides/]\n---\nx\n";
    let (site, diags) = site(&[
        ("notes/n.md", aliased),
        ("patterns/grand-migration.md", PATTERN),
        ("guides/a.md", PAGE),
    ]);
    assert!(site.aliases.is_empty(), "{:?}", site.aliases);
    for alias in ["/patterns/", "/guides/"] {
        assert!(
            diags.iter().any(|d| d.contains(&format!(
                "warning: alias `{alias}` is already the address of a page; no redirect is written"
            ))),
            "{diags:?}"
        );
    }
}

#[test]
fn attachments_cannot_land_on_a_page_or_where_pages_need_a_folder() {
    let aliased = "---\ntitle: N\naliases: [/old/]\n---\nx\n";
    let (_, diags) = site_with(
        &SiteConfig::default(),
        &[
            ("guide.md", PAGE),
            ("notes/n.md", aliased),
            ("patterns/grand-migration.md", PATTERN),
            ("tagged.md", "---\ntitle: T\ntags: [ops]\n---\nx\n"),
        ],
        &[
            "guide/index.html",
            "atom.xml",
            "old/index.html",
            "patterns/index.html",
            "tags/ops/index.html",
            "notes/index.html",
            "static/style.css",
            "notes",
            "sitemap.xml/x.png",
            "search/index.html",
            "x/page/2/index.html",
            "index.html",
            "fine/picture.png",
        ],
    );
    let errors: Vec<&String> = diags.iter().filter(|d| d.contains(": error: ")).collect();
    let end = "; rename or move this attachment";
    let expected = [
        format!("content/atom.xml:1:1: error: `/atom.xml` is also the site's own `/atom.xml`{end}"),
        format!(
            "content/guide/index.html:1:1: error: `/guide/index.html` is also the page of content/guide.md{end}"
        ),
        format!("content/index.html:1:1: error: `/index.html` is also the home page{end}"),
        format!(
            "content/notes:1:1: error: `/notes` is a folder of the site, which holds `/notes/index.html`{end}"
        ),
        format!(
            "content/notes/index.html:1:1: error: `/notes/index.html` is also the list of folder notes/{end}"
        ),
        format!(
            "content/old/index.html:1:1: error: `/old/index.html` is also a redirect to content/notes/n.md{end}"
        ),
        format!(
            "content/patterns/index.html:1:1: error: `/patterns/index.html` is also the list of the site's patterns{end}"
        ),
        format!(
            "content/search/index.html:1:1: error: `/search/index.html` is also the site's own `/search/`{end}"
        ),
        format!(
            "content/sitemap.xml/x.png:1:1: error: `/sitemap.xml/x.png` would be inside a file: the site's own `/sitemap.xml`{end}"
        ),
        format!("content/static/style.css:1:1: error: `/static/` holds the site's own files{end}"),
        format!(
            "content/tags/ops/index.html:1:1: error: `/tags/ops/index.html` is also the page of tag `ops`{end}"
        ),
        format!(
            "content/x/page/2/index.html:1:1: error: `/x/page/2/` is a page the site writes itself{end}"
        ),
    ];
    assert_eq!(errors, expected.iter().collect::<Vec<_>>());
}

#[test]
fn index_and_readme_files_introduce_their_folder_and_are_never_records() {
    let readme = "# About these records\n\nWritten with adr-tools.\n";
    let (site, diags) = site(&[
        ("index.md", "---\ntitle: Welcome\n---\nHello.\n"),
        ("README.md", "# Repository notes\n"),
        (
            "decisions/index.md",
            "---\nhas_children: true\n---\n# Decisions\n",
        ),
        ("decisions/README.md", readme),
        (
            "decisions/0001-use-x.md",
            "# 1. Use X\n\nDate: 2020-01-02\n\n## Status\n\nAccepted\n\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n",
        ),
        ("guides/README.md", "# Guides\n"),
        ("guides/setup.md", PAGE),
        ("posts/first/index.md", "# A bundle\n"),
    ]);
    let at = |p: &str| {
        site.docs
            .iter()
            .position(|d| d.source.as_str() == p)
            .unwrap()
    };
    let page = SiteConfig::default().kinds.page();
    for (path, url) in [
        ("index.md", "/"),
        ("decisions/index.md", "/decisions/"),
        ("guides/README.md", "/guides/"),
    ] {
        assert!(site.docs[at(path)].is_index, "{path}");
        assert_eq!(site.urls[at(path)].as_str(), url, "{path}");
    }
    // `index.md` comes first; the README beside it is a page, never a record. A folder's
    // `index.md` alone (a Hugo leaf bundle) is the page it is.
    for path in ["README.md", "decisions/README.md", "posts/first/index.md"] {
        assert!(!site.docs[at(path)].is_index, "{path}");
        assert_eq!(site.docs[at(path)].kind, page, "{path}");
    }
    // Read as pages: no record's missing status or sections (only the unknown key is said).
    assert_eq!(
        diags,
        ["content/decisions/index.md:2:1: warning: unknown key `has_children` in front matter"]
    );
}
