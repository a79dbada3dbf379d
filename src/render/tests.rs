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
    };
    Renderer::new(site, config, templates, hl, env).unwrap()
}

const STRATEGY: &str = "---\ntitle: Cloud\nstatus: active\ncreated: 2026-01-01\n---\n## Problem\n\nx\n\n## Guiding policy\n\ny\n\n## Actions\n\nz\n";

#[test]
fn every_page_the_site_writes_at_a_fixed_address_is_reserved() {
    let config = SiteConfig::default();
    let site = linked(&config, &[("strategies/cloud.md", STRATEGY)]);
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let r = renderer_for(&site, &config, &templates, &hl);
    let mut fixed = Vec::new();
    for page in r.pages() {
        let documents = matches!(
            page,
            Page::Doc(_)
                | Page::Kind(_)
                | Page::Folder(_)
                | Page::Tag(_)
                | Page::Redirect(_)
                | Page::Static(_)
                | Page::Packet(_)
                | Page::Home
                | Page::Sitemap
                | Page::GraphJson
                | Page::SearchIndex
        );
        if !documents {
            let (out, _) = r.render(&page).unwrap();
            let url = match out.as_str().strip_suffix("index.html") {
                Some(dir) => format!("/{dir}"),
                None => format!("/{}", out.as_str()),
            };
            assert!(
                crate::link::RESERVED.contains(&url.as_str()),
                "{page:?} writes {url}, which is missing from link::RESERVED"
            );
            fixed.push(url);
        }
    }
    assert!(fixed.contains(&"/graph/".to_string()) && fixed.contains(&"/timeline/".to_string()));
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
        .filter(|p| matches!(p, Page::Packet(_)))
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
        .filter(|p| matches!(p, Page::Packet(_)))
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
