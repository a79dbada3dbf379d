use super::*;
use crate::config::SiteConfig;
use crate::source::SourceFile;
use body::percent_decode;

fn site_with(config: &SiteConfig, files: &[(&str, &str)], assets: &[&str]) -> (Site, Vec<String>) {
    let mut all = Diagnostics::new();
    let docs = files
        .iter()
        .map(|(p, t)| {
            let (d, diags) = crate::doc::parse(
                SourceFile {
                    path: SourcePath::new(*p),
                    text: t.to_string(),
                },
                config,
            );
            all.extend(diags);
            d
        })
        .collect();
    let assets: Vec<SourcePath> = assets.iter().map(|a| SourcePath::new(*a)).collect();
    let (site, diags) = link(docs, config, false, &assets);
    all.extend(diags);
    (
        site,
        all.into_sorted().iter().map(|d| d.to_string()).collect(),
    )
}

fn site(files: &[(&str, &str)]) -> (Site, Vec<String>) {
    site_with(&SiteConfig::default(), files, &[])
}

fn idx(site: &Site, id: &str) -> usize {
    site.docs
        .iter()
        .position(|d| d.id.as_str() == id && !d.is_index)
        .unwrap()
}

const VISION: &str =
    "---\ntitle: North star\nstatus: active\nhorizon: 2029\n---\n## Vision statement\n\nYes.\n";
const PATTERN: &str = "---\ntitle: Grand migration\nstatus: active\n---\n## When it works\n\na\n\n## Failure modes\n\nb\n\n## Examples\n\nc\n";

fn strategy(extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: Cloud\nstatus: active\n{extra}---\n## Problem\n\n{body}\n\n## Guiding policy\n\np\n\n## Actions\n\na\n"
    )
}

#[test]
fn relations_resolve_with_inverses_and_urls() {
    let s = strategy(
        "serves: [north-star]\nuses: [pattern/grand-migration]\n",
        "See [[north-star]].",
    );
    let (site, diags) = site(&[
        ("visions/north-star.md", VISION),
        ("patterns/grand-migration.md", PATTERN),
        ("strategies/cloud.md", &s),
    ]);
    assert!(diags.is_empty(), "{diags:?}");
    let (v, p, c) = (
        idx(&site, "north-star"),
        idx(&site, "grand-migration"),
        idx(&site, "cloud"),
    );
    assert_eq!(site.urls[c].as_str(), "/strategies/cloud/");
    assert_eq!(
        site.relations[c],
        [(Relation::Serves, v), (Relation::Uses, p)]
    );
    assert_eq!(site.inverse[v], [(Relation::Serves, c)]);
    assert_eq!(site.inverse[p], [(Relation::Uses, c)]);
    assert_eq!(site.backlinks[v], [c]);
    assert_eq!(
        site.links[c],
        [Resolved::Doc {
            doc: v,
            anchor: None
        }]
    );
    let base = crate::names::BaseUrl::parse("/docs/").unwrap();
    assert_eq!(
        site.link_targets(c, &base),
        [LinkTarget::Url {
            href: "/docs/visions/north-star/".into(),
            title: Some("North star".into())
        }]
    );
}

#[test]
fn wrong_kinds_unknown_targets_and_self_references_are_errors() {
    let s = strategy("serves: [grand-migration, nowhere, cloud]\n", "x");
    let (_, diags) = site(&[
        ("patterns/grand-migration.md", PATTERN),
        ("strategies/cloud.md", &s),
    ]);
    assert_eq!(
        diags,
        [
            "content/strategies/cloud.md:4:10: error: `serves`: `grand-migration` is a pattern, but a strategy may only serve a vision",
            "content/strategies/cloud.md:4:27: error: `serves`: unknown document `nowhere`",
            "content/strategies/cloud.md:4:36: error: `serves`: a document cannot point at itself",
        ]
    );
}

#[test]
fn broken_body_links_and_anchors_point_at_the_link() {
    let s = strategy(
        "",
        "[[north-star#nope]] and [[norht-star]] and [v](../visions/north-star.md#vision-statement) and [m](../visions/missing.md)",
    );
    let (_, diags) = site(&[
        ("visions/north-star.md", VISION),
        ("strategies/cloud.md", &s),
    ]);
    assert_eq!(
        diags,
        [
            "content/strategies/cloud.md:7:1: error: no heading `#nope` in content/visions/north-star.md",
            "content/strategies/cloud.md:7:25: error: unknown document `norht-star` (did you mean `north-star`?)",
            "content/strategies/cloud.md:7:95: error: broken link: no document `content/visions/missing.md`",
        ]
    );
}

#[test]
fn broken_links_can_be_warnings() {
    let (mut config, _) = crate::config::parse("title: T\nlinks: { broken: warn }\n");
    config.title = "T".into();
    let (_, diags) = site_with(
        &config,
        &[("notes/n.md", "---\ntitle: N\n---\n[[gone]]\n")],
        &[],
    );
    assert_eq!(
        diags,
        ["content/notes/n.md:4:1: warning: unknown document `gone`"]
    );
}

#[test]
fn ambiguous_ids_name_both_files() {
    let (_, diags) = site(&[
        ("patterns/cloud.md", PATTERN),
        ("strategies/cloud.md", &strategy("", "x")),
        (
            "notes/n.md",
            "---\ntitle: N\n---\n[[cloud]] [[strategy/cloud]] [[patterns/cloud]]\n",
        ),
    ]);
    assert_eq!(
        diags,
        [
            "content/notes/n.md:4:1: error: `cloud` is ambiguous: content/patterns/cloud.md and content/strategies/cloud.md all have this id; write `kind/id` instead"
        ]
    );
}

#[test]
fn duplicate_ids_per_kind_are_errors() {
    let (_, diags) = site(&[("patterns/a.md", PATTERN), ("patterns/sub/a.md", PATTERN)]);
    assert_eq!(
        diags,
        [
            "content/patterns/sub/a.md:1:1: error: duplicate id `a` for a pattern: also used by content/patterns/a.md"
        ]
    );
}

#[test]
fn supersedes_cycles_and_statuses_are_checked() {
    let a = "---\ntitle: A\nstatus: accepted\nsupersedes: [b]\n---\n## Context\n\nx\n\n## Decision\n\nx\n\n## Consequences\n\nx\n";
    let b = "---\ntitle: B\nstatus: superseded\nsupersedes: [a]\n---\n## Context\n\nx\n\n## Decision\n\nx\n\n## Consequences\n\nx\n";
    let (_, diags) = site(&[("decisions/a.md", a), ("decisions/b.md", b)]);
    assert_eq!(
        diags,
        ["content/decisions/a.md:4:14: error: `supersedes` forms a cycle: a → b → a",]
    );
}

#[test]
fn a_superseded_document_takes_the_status_its_kind_gives_that_meaning() {
    let (config, d) = crate::config::parse(
        "title: T\nkinds:\n  rfc:\n    statuses: [open, {name: replaced, means: superseded}]\n  note:\n    statuses: [open, closed]\n",
    );
    assert!(d.is_empty(), "{d:?}");
    let doc = |title: &str, extra: &str| format!("---\ntitle: {title}\nstatus: open\n{extra}---\n");
    let (site, diags) = site_with(
        &config,
        &[
            ("rfcs/a.md", &doc("A", "")),
            ("rfcs/b.md", &doc("B", "supersedes: [a]\n")),
            ("notes/c.md", &doc("C", "")),
            ("notes/d.md", &doc("D", "supersedes: [c]\n")),
        ],
        &[],
    );
    assert!(diags.is_empty(), "{diags:?}");
    let status = |id: &str| site.docs[idx(&site, id)].status.clone().unwrap();
    // A note has no status meaning superseded, so it keeps its own.
    assert_eq!(
        [status("a"), status("b"), status("c")],
        ["replaced", "open", "open"]
    );
    // Linked again, the status as written comes back first.
    let docs = site.into_docs();
    let a = docs.iter().find(|d| d.id.as_str() == "a").unwrap();
    assert_eq!(a.status.as_deref(), Some("open"));
}

#[test]
fn a_proposal_to_supersede_leaves_the_older_document_in_force() {
    let dec = |title: &str, status: &str, extra: &str| {
        format!(
            "---\ntitle: {title}\nstatus: {status}\n{extra}---\n## Context\n\nx\n\n## Decision\n\nx\n\n## Consequences\n\nx\n"
        )
    };
    let (before, diags) = site(&[
        ("decisions/a.md", &dec("A", "accepted", "")),
        ("decisions/b.md", &dec("B", "proposed", "supersedes: [a]\n")),
        ("decisions/c.md", &dec("C", "rejected", "supersedes: [a]\n")),
    ]);
    assert!(diags.is_empty(), "{diags:?}");
    let (a, b) = (idx(&before, "a"), idx(&before, "b"));
    assert_eq!(before.docs[a].status.as_deref(), Some("accepted"));
    assert_eq!(before.proposals[a], [b], "a rejected one is not open");

    let (after, _) = site(&[
        ("decisions/a.md", &dec("A", "accepted", "")),
        ("decisions/b.md", &dec("B", "proposed", "supersedes: [a]\n")),
        ("decisions/c.md", &dec("C", "accepted", "supersedes: [a]\n")),
    ]);
    let a = idx(&after, "a");
    assert_eq!(after.docs[a].status.as_deref(), Some("superseded"));
    assert!(after.proposals[a].is_empty(), "replaced: nothing is open");
}

#[test]
fn pages_are_found_by_path_and_assets_by_file() {
    let (site, diags) = site_with(
        &SiteConfig::default(),
        &[
            (
                "runbooks/backups.md",
                "# Backups\n\nSee ![diagram](img/flow.png) and [notes](notes.txt).",
            ),
            (
                "about.md",
                "---\ntitle: About\n---\n[[runbooks/backups]] [[backups|the runbook]] [up](runbooks/)\n",
            ),
            ("runbooks/_index.md", "---\ntitle: Runbooks\n---\nIntro."),
        ],
        &["runbooks/img/flow.png"],
    );
    assert_eq!(
        diags,
        [
            "content/runbooks/backups.md:3:34: error: broken link: no file `content/runbooks/notes.txt`"
        ]
    );
    let b = site
        .docs
        .iter()
        .position(|d| d.source.as_str() == "runbooks/backups.md")
        .unwrap();
    assert_eq!(site.urls[b].as_str(), "/runbooks/backups/");
    let base = crate::names::BaseUrl::parse("/").unwrap();
    assert_eq!(
        site.link_targets(b, &base)[0],
        LinkTarget::Url {
            href: "/runbooks/img/flow.png".into(),
            title: None
        }
    );
    let about = idx(&site, "about");
    assert_eq!(site.backlinks[b], [about]);
    let hrefs: Vec<_> = site
        .link_targets(about, &base)
        .iter()
        .map(|l| match l {
            LinkTarget::Url { href, .. } => href.clone(),
            _ => "?".into(),
        })
        .collect();
    assert_eq!(
        hrefs,
        ["/runbooks/backups/", "/runbooks/backups/", "/runbooks/"]
    );
}

#[test]
fn external_links_are_kept_and_script_urls_refused() {
    let (site, diags) = site(&[(
        "n.md",
        "# N\n\n[a](https://x.example/) [b](mailto:a@b.c) [c](javascript:alert(1)) [d](#n) [e](#missing)",
    )]);
    assert_eq!(
        diags,
        [
            "content/n.md:3:43: error: links with `javascript:` are not allowed",
            "content/n.md:3:76: error: no heading `#missing` in this document"
        ]
    );
    let n = idx(&site, "n");
    assert_eq!(site.links[n][0], Resolved::Keep);
    assert_eq!(site.links[n][2], Resolved::Broken);
}

#[test]
fn drafts_are_left_out_and_links_to_them_say_so() {
    let (site, diags) = site(&[
        ("notes/d.md", "---\ntitle: D\ndraft: true\n---\n"),
        ("notes/n.md", "---\ntitle: N\n---\n[[d]]\n"),
    ]);
    assert_eq!(site.docs.len(), 1);
    assert_eq!(
        diags,
        [
            "content/notes/n.md:4:1: warning: `d` is a draft and is left out of this build (build with --drafts)"
        ]
    );
}

#[test]
fn aliases_become_redirects_and_may_not_escape() {
    let (site, diags) = site(&[(
        "notes/n.md",
        "---\ntitle: N\naliases: [/old/path/, ../../etc/, \"/%2e%2e/x/\", /tags/, /old.html]\n---\n",
    )]);
    let urls: Vec<&str> = site.aliases.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(urls, ["/old.html", "/old/path/"]);
    assert_eq!(
        diags,
        [
            "content/notes/n.md:3:23: error: alias `../../etc/` must be a path inside the site starting with `/`, without `..`",
            "content/notes/n.md:3:35: error: alias `/%2e%2e/x/` must be a path inside the site starting with `/`, without `..`",
            "content/notes/n.md:3:49: error: alias `/tags/` is already the address of a page",
        ]
    );
}

#[test]
fn aliases_no_request_can_reach_are_refused() {
    let (site, diags) = site(&[(
        "notes/n.md",
        "---\ntitle: N\naliases:\n  - /x?y\n  - /a#b/\n  - /__cairn/events\n  - /%5F_cairn/x/\n  - /__cairn\n  - /x%3Fy/\n  - /__cairnish/\n---\n",
    )]);
    let urls: Vec<&str> = site.aliases.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(urls, ["/__cairnish/", "/x?y/"]);
    assert_eq!(
        diags,
        [
            "content/notes/n.md:4:5: error: alias `/x?y` cannot be reached: in a URL `?` starts the query, so no request names this path",
            "content/notes/n.md:5:5: error: alias `/a#b/` cannot be reached: in a URL `#` starts the fragment, which browsers do not send",
            "content/notes/n.md:6:5: error: alias `/__cairn/events` cannot be reached: `/__cairn/` is where `cairn serve` answers itself",
            "content/notes/n.md:7:5: error: alias `/%5F_cairn/x/` cannot be reached: `/__cairn/` is where `cairn serve` answers itself",
            "content/notes/n.md:8:5: error: alias `/__cairn` cannot be reached: `/__cairn/` is where `cairn serve` answers itself",
        ]
    );
}

#[test]
fn aliases_with_invisible_characters_or_long_parts_are_refused() {
    let long = "x".repeat(201);
    let (site, diags) = site(&[(
        "notes/n.md",
        &format!("---\ntitle: N\naliases: [\"/a/%00/b/\", \"/c\\u202e/\", /{long}/]\n---\n"),
    )]);
    assert!(site.aliases.is_empty());
    assert_eq!(
        diags,
        [
            // The item written with an escape is not found in the text; it falls back to its key.
            "content/notes/n.md:3:1: error: alias `/c\\u{202e}/` contains control or invisible characters".to_string(),
            "content/notes/n.md:3:11: error: alias `/a/%00/b/` contains control or invisible characters".into(),
            format!("content/notes/n.md:3:37: error: alias `/{long}/` has a part longer than 200 bytes"),
        ]
    );
}

#[test]
fn script_schemes_are_refused_however_they_are_spelled() {
    let body = "[a](JavaScript:alert(1)) [b](<java\tscript:alert(1)>) [c](&#x6a;avascript:x)\n\n<javascript:alert(1)> ![d](data:image/svg+xml,x) [e][r] [f](vbscript:x)\n\n[r]: file:///etc/passwd\n";
    let (site, diags) = site(&[("n.md", body)]);
    let n = idx(&site, "n");
    assert!(
        site.links[n].iter().all(|l| *l == Resolved::Broken),
        "{:?}",
        site.links[n]
    );
    assert_eq!(
        diags,
        [
            "content/n.md:1:1: error: links with `javascript:` are not allowed",
            "content/n.md:1:26: error: links with `javascript:` are not allowed",
            "content/n.md:1:54: error: links with `javascript:` are not allowed",
            "content/n.md:3:1: error: links with `javascript:` are not allowed",
            "content/n.md:3:23: error: links with `data:` are not allowed",
            "content/n.md:3:50: error: links with `file:` are not allowed",
            "content/n.md:3:57: error: links with `vbscript:` are not allowed",
        ]
    );
}

#[test]
fn tags_that_would_share_a_page_are_errors() {
    let (_, diags) = site(&[
        ("notes/a.md", "---\ntitle: A\ntags: [c++, rust]\n---\n"),
        ("notes/b.md", "---\ntitle: B\ntags: [c, Rust]\n---\n"),
    ]);
    assert_eq!(
        diags,
        [
            "content/notes/b.md:1:1: error: tag `c` and tag `c++` (in content/notes/a.md) would share the page /tags/c/; spell them the same"
        ]
    );
}

#[test]
fn percent_signs_before_multibyte_characters_are_kept() {
    // Found by the property tests: `%` followed by a character of several bytes panicked.
    assert_eq!(percent_decode("%\u{feff}x%é%2e%+f%4"), "%\u{feff}x%é.%+f%4");
    let (_, diags) = site(&[("n.md", "# N\n\n[a](%\u{feff}data:) [b](%é.md)\n")]);
    assert_eq!(
        diags,
        [
            "content/n.md:3:1: error: broken link: no file `content/%\\u{feff}data:`",
            "content/n.md:3:14: error: broken link: no document `content/%é.md`",
        ]
    );
}

#[test]
fn relative_paths_join_inside_content_only() {
    assert_eq!(join_relative("a/b", "../c.md").as_deref(), Some("a/c.md"));
    assert_eq!(join_relative("", "./x/y.md").as_deref(), Some("x/y.md"));
    assert_eq!(join_relative("a", "../../x.md"), None);
}

#[test]
fn print_packets_live_below_strategies_and_their_address_is_taken() {
    let config = SiteConfig::default();
    let kinds = &config.kinds;
    let has = |name: &str| has_packet(kinds, kinds.find(name).unwrap());
    assert!(has("strategy"));
    assert!(!has("vision") && !has("decision") && !has("pattern") && !has("page"));
    assert_eq!(
        packet_url(&UrlPath::page(["strategies", "cloud"])).as_str(),
        "/strategies/cloud/packet/"
    );
    let s = strategy("", "x");
    let (site, diags) = site(&[
        ("strategies/cloud.md", &s),
        ("strategies/cloud/packet.md", "# Packet notes\n"),
        (
            "notes/n.md",
            "---\ntitle: N\naliases: [/strategies/cloud/packet/]\n---\n",
        ),
    ]);
    assert!(site.aliases.is_empty());
    assert_eq!(
        diags,
        [
            "content/notes/n.md:3:11: error: alias `/strategies/cloud/packet/` is already the address of a page",
            "content/strategies/cloud/packet.md:1:1: error: `/strategies/cloud/packet/` is the print packet of content/strategies/cloud.md; rename this document",
        ]
    );
}

#[test]
fn a_broken_anchor_names_the_heading_it_nearly_is() {
    let (_, diags) = site(&[
        (
            "budget.md",
            "# Budget\n\n## Birthday gift budget\n\n[a](#Birthday-Gift-Budget) [b](#birthday_gift_budget) [c](#birthday-gift-budgt) [d](#travel)\n",
        ),
        ("other.md", "# Other\n\n[[budget#birthday-gifts-budget]]\n"),
    ]);
    assert_eq!(
        diags,
        [
            "content/budget.md:5:1: error: no heading `#Birthday-Gift-Budget` in this document (did you mean `#birthday-gift-budget`?)",
            "content/budget.md:5:28: error: no heading `#birthday_gift_budget` in this document (did you mean `#birthday-gift-budget`?)",
            "content/budget.md:5:55: error: no heading `#birthday-gift-budgt` in this document (did you mean `#birthday-gift-budget`?)",
            "content/budget.md:5:81: error: no heading `#travel` in this document",
            "content/other.md:3:1: error: no heading `#birthday-gifts-budget` in content/budget.md (did you mean `#birthday-gift-budget`?)",
        ]
    );
}

#[test]
fn where_a_lists_later_pages_go_no_document_or_alias_may_be() {
    let (site, diags) = site(&[
        ("guides/page/2.md", "# Second\n"),
        ("guides/page/1.md", "# First\n"),
        (
            "notes/n.md",
            "---\ntitle: N\naliases: [/tags/cost/page/3/, /notes/page/one/]\n---\n",
        ),
    ]);
    let urls: Vec<&str> = site.aliases.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(urls, ["/notes/page/one/"]);
    assert_eq!(
        diags,
        [
            "content/guides/page/2.md:1:1: error: `/guides/page/2/` is a page the site writes itself; rename this document",
            "content/notes/n.md:3:11: error: alias `/tags/cost/page/3/` is already the address of a page",
        ]
    );
}

#[test]
fn aliases_clashing_with_a_document_or_another_alias_lose_only_the_redirect() {
    let files = [
        ("tools/teams.md", "# Teams\n"),
        (
            "old/a.md",
            "---\ntitle: A\naliases: [/tools/teams/, /moved/]\n---\n",
        ),
        ("old/b.md", "---\ntitle: B\naliases: [/moved/]\n---\n"),
    ];
    let (site, diags) = site(&files);
    let urls: Vec<&str> = site.aliases.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(urls, ["/moved/"]);
    assert_eq!(
        diags,
        [
            "content/old/a.md:3:11: warning: alias `/tools/teams/` is already the address of a page; no redirect is written",
            "content/old/b.md:3:11: warning: alias `/moved/` is also an alias of content/old/a.md; no redirect is written",
        ]
    );
    let strict = SiteConfig {
        strict: true,
        ..SiteConfig::default()
    };
    let (_, diags) = site_with(&strict, &files, &[]);
    assert_eq!(
        diags,
        [
            "content/old/a.md:3:11: error: alias `/tools/teams/` is already the address of a page",
            "content/old/b.md:3:11: error: alias `/moved/` is also an alias of content/old/a.md",
        ]
    );
}

mod outputs;
