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
