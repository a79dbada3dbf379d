use super::*;
use crate::testing::linked;

fn renderer_for<'a>(
    site: &'a Site,
    config: &'a SiteConfig,
    templates: &'a Templates,
    hl: &'a Highlighter,
) -> Renderer<'a> {
    let env = RenderEnv {
        today: "2026-05-01".parse().unwrap(),
        status: None,
        history: None,
    };
    Renderer::new(site, config, templates, hl, env).unwrap()
}

/// A status report from checks that found nothing.
pub(super) fn empty_report() -> crate::check::Report {
    crate::check::Report {
        rows: Vec::new(),
        generated_at: jiff::Timestamp::UNIX_EPOCH,
        duration: std::time::Duration::ZERO,
        stale_after: std::time::Duration::from_secs(3600),
        checks: 0,
    }
}

const STRATEGY: &str = "---\ntitle: Cloud\nstatus: active\ncreated: 2026-01-01\n---\n## Problem\n\nx\n\n## Guiding policy\n\ny\n\n## Actions\n\nz\n";

#[test]
fn every_address_the_site_writes_whatever_the_documents_say_is_reserved() {
    let config = SiteConfig::default();
    let site = linked(&config, &[("strategies/cloud.md", STRATEGY)]);
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let report = empty_report();
    let env = RenderEnv {
        today: "2026-05-01".parse().unwrap(),
        status: Some(&report),
        history: None,
    };
    let r = Renderer::new(&site, &config, &templates, &hl, env).unwrap();
    let reserved = reserved();
    // Pages whose address comes from documents, kinds, folders, tags or aliases; everything
    // else is at an address of its own type's.
    let from_content = ["home", "doc", "kind", "folder", "tag", "redirect", "packet"];
    let mut fixed = Vec::new();
    for page in r.pages() {
        if from_content.contains(&page.kind()) {
            continue;
        }
        let (out, _) = r.render(&page).unwrap();
        let url = match out.as_str().strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{}", out.as_str()),
        };
        assert!(
            reserved
                .iter()
                .any(|at| url == *at || (at.ends_with('/') && url.starts_with(at))),
            "{page:?} writes {url}, which is not reserved"
        );
        fixed.push(url);
    }
    for url in [
        "/graph/",
        "/timeline/",
        "/status/",
        "/status/status.json",
        "/static/style.css",
    ] {
        assert!(fixed.iter().any(|u| u == url), "{url} in {fixed:?}");
    }
    assert!(
        !reserved.contains(&"/"),
        "the home page is the root folder's introduction"
    );
}

#[test]
fn a_strategy_gets_a_packet_page_and_other_kinds_do_not() {
    let config = SiteConfig::default();
    let vision = "---\ntitle: North\nstatus: active\nhorizon: x\n---\n## Vision statement\n\nv\n";
    let site = linked(
        &config,
        &[
            ("strategies/cloud.md", STRATEGY),
            ("visions/north.md", vision),
        ],
    );
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let r = renderer_for(&site, &config, &templates, &hl);
    let packets: Vec<String> = r
        .pages()
        .into_iter()
        .filter(|p| p.kind() == "packet")
        .map(|p| r.render(&p).unwrap().0.to_string())
        .collect();
    assert_eq!(packets, ["strategies/cloud/packet/index.html"]);
}

#[test]
fn a_body_in_several_packets_is_the_same_in_each_and_let_go_after_the_last() {
    let config = SiteConfig::default();
    let pattern = "---\ntitle: Backstop\nstatus: active\n---\n## How it goes\n\nOne page.\n\n```rust\nfn f() {}\n```\n";
    let strategy = |title: &str| {
        STRATEGY.replace("title: Cloud", &format!("title: {title}\nuses: [backstop]"))
    };
    let (a, b, c) = (strategy("A"), strategy("B"), strategy("C"));
    let site = linked(
        &config,
        &[
            ("patterns/backstop.md", pattern),
            ("strategies/a.md", &a),
            ("strategies/b.md", &b),
            ("strategies/c.md", &c),
        ],
    );
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let r = renderer_for(&site, &config, &templates, &hl);
    let backstop = site
        .docs
        .iter()
        .position(|d| d.title == "Backstop")
        .unwrap();
    let section = |html: &[u8]| {
        let html = String::from_utf8(html.to_vec()).unwrap();
        let start = html
            .find("id=\"pattern-backstop\"")
            .expect("the pattern is in the packet");
        html[start..start + html[start..].find("</article>").unwrap()].to_string()
    };
    let packets: Vec<Page> = r
        .pages()
        .into_iter()
        .filter(|p| p.kind() == "packet")
        .collect();
    assert_eq!(packets.len(), 3);
    let first = section(&r.render(&packets[0]).unwrap().1);
    assert!(first.contains("One page."), "{first}");
    let slot = |r: &Renderer| {
        let bodies = r.packet_bodies.get().unwrap();
        let s = bodies.slot(backstop);
        (s.0, s.1)
    };
    assert_eq!(
        slot(&r),
        (2, true),
        "kept for the two packets still to come"
    );
    assert_eq!(section(&r.render(&packets[1]).unwrap().1), first);
    assert_eq!(section(&r.render(&packets[2]).unwrap().1), first);
    assert_eq!(slot(&r), (0, false), "let go after the last packet");
    // A fresh renderer that renders one packet alone writes the same section.
    let alone = renderer_for(&site, &config, &templates, &hl);
    assert_eq!(section(&alone.render(&packets[2]).unwrap().1), first);
}

#[test]
fn long_lists_are_split_into_linked_pages_each_in_the_sitemap() {
    let config = SiteConfig {
        paginate: crate::config::Paginate::every(2),
        ..SiteConfig::default()
    };
    let decision = |t: &str| {
        format!(
            "---\ntitle: {t}\nstatus: accepted\ntags: [cost]\n---\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n"
        )
    };
    let docs: Vec<(String, String)> = ["A", "B", "C", "D", "E"]
        .iter()
        .map(|t| (format!("decisions/{}.md", t.to_lowercase()), decision(t)))
        .chain(
            ["p", "q", "r"]
                .iter()
                .map(|p| (format!("guides/{p}.md"), format!("# {p}\n"))),
        )
        .collect();
    let files: Vec<(&str, &str)> = docs.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let site = linked(&config, &files);
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let r = renderer_for(&site, &config, &templates, &hl);
    let rendered: BTreeMap<String, String> = r
        .pages()
        .iter()
        .filter(|p| ["kind", "tag", "folder", "sitemap"].contains(&p.kind()))
        .map(|p| {
            let (out, bytes) = r.render(p).unwrap();
            (out.to_string(), String::from_utf8(bytes).unwrap())
        })
        .collect();
    let names: Vec<&str> = rendered.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "decisions/index.html",
            "decisions/page/2/index.html",
            "decisions/page/3/index.html",
            "guides/index.html",
            "guides/page/2/index.html",
            "sitemap.xml",
            "tags/cost/index.html",
            "tags/cost/page/2/index.html",
            "tags/cost/page/3/index.html",
        ]
    );
    let second = &rendered["decisions/page/2/index.html"];
    assert!(
        second.contains("<link rel=\"prev\" href=\"/decisions/\">"),
        "{second}"
    );
    assert!(
        second.contains("<link rel=\"next\" href=\"/decisions/page/3/\">"),
        "{second}"
    );
    assert!(second.contains("<a aria-current=\"page\" href=\"/decisions/page/2/\">2</a>"));
    assert!(
        second.contains(">C</a>") && second.contains(">D</a>"),
        "{second}"
    );
    assert!(
        !second.contains(">B</a>") && !second.contains(">E</a>"),
        "{second}"
    );
    assert!(
        second.contains("<span class=\"count\">5</span>"),
        "the group counts the whole kind"
    );
    let first = &rendered["decisions/index.html"];
    assert!(!first.contains("rel=\"prev\"") && first.contains("rel=\"next\""));
    let last = &rendered["tags/cost/page/3/index.html"];
    assert!(
        last.contains("rel=\"prev\" href=\"/tags/cost/page/2/\"") && !last.contains("rel=\"next\"")
    );
    assert!(
        last.contains(">E</a>") && !last.contains(">D</a>"),
        "{last}"
    );
    assert!(rendered["guides/page/2/index.html"].contains(">r</a>"));
    let sitemap = &rendered["sitemap.xml"];
    for url in [
        "/decisions/page/3/",
        "/guides/page/2/",
        "/tags/cost/page/2/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{url}</loc>")),
            "{url} in {sitemap}"
        );
    }
}

#[test]
fn a_pager_shows_the_ends_and_the_pages_around_this_one() {
    let config = SiteConfig::default();
    let site = linked(&config, &[]);
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let r = renderer_for(&site, &config, &templates, &hl);
    let first = crate::names::UrlPath::page(["decisions"]);
    let shown =
        |n: usize| -> Vec<Option<usize>> { pages::pager_for_tests(&r, &first, n, 1000, 100_000) };
    assert_eq!(shown(1), [Some(1), Some(2), Some(3), None, Some(1000)]);
    assert_eq!(
        shown(500),
        [
            Some(1),
            None,
            Some(498),
            Some(499),
            Some(500),
            Some(501),
            Some(502),
            None,
            Some(1000)
        ]
    );
    assert_eq!(
        shown(999),
        [Some(1), None, Some(997), Some(998), Some(999), Some(1000)]
    );
}

#[test]
fn the_home_pages_lists_stay_short_and_say_how_many_are_left_out() {
    let config = SiteConfig::default();
    let docs: Vec<(String, String)> = (0..30)
        .map(|i| {
            (
                format!("decisions/d{i:02}.md"),
                format!("---\ntitle: Loose {i:02}\nstatus: accepted\n---\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = docs.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let site = linked(&config, &files);
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let r = renderer_for(&site, &config, &templates, &hl);
    let home = r.pages().into_iter().find(|p| p.kind() == "home").unwrap();
    let html = String::from_utf8(r.render(&home).unwrap().1).unwrap();
    assert!(
        html.contains(">Loose 19</a>") && !html.contains(">Loose 20</a>"),
        "{html}"
    );
    assert!(html.contains("and 10 more"), "{html}");
}

#[test]
fn a_large_graph_page_is_a_small_summary_and_graph_json_stays_whole() {
    let config = SiteConfig::default();
    let mut docs: Vec<(String, String)> = vec![(
        "visions/north.md".into(),
        "---\ntitle: North\nstatus: active\nhorizon: x\n---\n## Vision statement\n\nv\n".into(),
    )];
    for s in 0..10 {
        docs.push((
            format!("strategies/s{s}.md"),
            STRATEGY.replace(
                "title: Cloud",
                &format!("title: Strategy {s}\nserves: [north]"),
            ),
        ));
    }
    for d in 0..1100 {
        docs.push((
            format!("decisions/d{d:04}.md"),
            format!("---\ntitle: Decision {d:04}\nstatus: accepted\nserves: [s{}]\n---\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n", d % 10),
        ));
    }
    let files: Vec<(&str, &str)> = docs.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let site = linked(&config, &files);
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let r = renderer_for(&site, &config, &templates, &hl);
    let render = |kind: &str| {
        let page = r.pages().into_iter().find(|p| p.kind() == kind).unwrap();
        String::from_utf8(r.render(&page).unwrap().1).unwrap()
    };
    let html = render("graph");
    assert!(
        html.len() < 160_000,
        "the graph page is {} bytes",
        html.len()
    );
    assert!(
        html.contains("1111 documents and the 1110 typed relations"),
        "{html}"
    );
    assert!(html.contains("150 most connected"), "{html}");
    assert!(html.contains("<td>Decisions</td><td>serves</td><td>Strategies</td><td>1100</td>"));
    assert!(
        html.contains(">Strategy 3</"),
        "the strategies are the hubs"
    );
    let json: serde_json::Value = serde_json::from_str(&render("graph_json")).unwrap();
    assert_eq!(json["nodes"].as_array().unwrap().len(), 1111);
    assert_eq!(json["edges"].as_array().unwrap().len(), 1110);
}

/// A site whose index is several parts: `n` documents of distinct, shared words.
fn wordy_site(config: &SiteConfig, n: usize, extra: &str) -> Site {
    let files: Vec<(String, String)> = (0..n)
        .map(|i| {
            let body: Vec<String> = (0..60)
                .map(|w| format!("ledger{}x{}", (i * 7 + w) % 997, w % 5))
                .collect();
            (
                format!("patterns/p{i}.md"),
                format!("---\ntitle: Pattern {i}\n---\n{}\n", body.join(" ")),
            )
        })
        .collect();
    let mut refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    refs.push(("patterns/extra.md", extra));
    linked(config, &refs)
}

#[test]
fn a_remembered_index_lists_and_digests_its_pages_without_being_built() {
    let config = SiteConfig::default();
    let site = wordy_site(&config, 400, "---\ntitle: Extra\n---\nWords.\n");
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let digests = |r: &Renderer| -> BTreeMap<OutPath, Option<u64>> {
        r.pages()
            .iter()
            .map(|p| (r.out_path(p), r.digest(p)))
            .collect()
    };
    let first = renderer_for(&site, &config, &templates, &hl);
    let before = digests(&first);
    let memo = first
        .search_memo(|out| before.get(out).copied().flatten())
        .unwrap();
    assert!(memo.keys().count() > 3, "several parts");

    let again = renderer_for(&site, &config, &templates, &hl);
    assert_eq!(again.search_memo_key(), first.search_memo_key());
    again.remember_search(memo);
    assert_eq!(digests(&again), before, "the same pages, the same digests");
    assert!(again.search.get().is_none(), "the index was not built");
    // A page whose bytes are wanted is made from the index, as it would have been.
    for page in again.pages() {
        if page.kind().starts_with("search_") {
            assert_eq!(again.render(&page).unwrap(), first.render(&page).unwrap());
        }
    }
    assert!(again.search.get().is_some());
}

#[test]
fn an_index_made_from_other_inputs_is_filed_elsewhere() {
    let config = SiteConfig::default();
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let key = |extra: &str| {
        let site = wordy_site(&config, 3, extra);
        renderer_for(&site, &config, &templates, &hl).search_memo_key()
    };
    let base = key("---\ntitle: Extra\n---\nWords.\n");
    assert_eq!(base, key("---\ntitle: Extra\n---\nWords.\n"));
    for other in [
        "---\ntitle: Extra\n---\nWords and more.\n",
        "---\ntitle: Extras\n---\nWords.\n",
        "---\ntitle: Extra\ntags: [x]\n---\nWords.\n",
        "---\ntitle: Extra\nsummary: S.\n---\nWords.\n",
    ] {
        assert_ne!(key(other), base, "{other}");
    }
}
