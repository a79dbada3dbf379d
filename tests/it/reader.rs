//! The reader's pages of a built site: search index, relation graph and `graph.json`,
//! neighbourhoods, timeline, print packet, and what every page carries (landmarks, theme
//! script, print styles, no third-party assets). The browser side is in `tests/browser/`.

use std::collections::BTreeSet;

use crate::support::*;

fn json(site: &Site, rel: &str) -> serde_json::Value {
    serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The part of `html` from `start` up to the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn the_search_index_is_compact_relative_to_the_base_path_and_has_body_words() {
    let site = built("basic");
    let manifest = json(&site, "search.json");
    assert_eq!(
        manifest["docs"], 7,
        "every document, no draft, no folder introduction"
    );
    assert!(manifest["stop"].as_array().unwrap().contains(&"the".into()));
    // A small site's words are one part, keyed by no letters at all.
    assert_eq!(manifest["parts"].as_array().unwrap().len(), 1);
    assert_eq!(manifest["parts"][0], "");
    assert_eq!(manifest["words"], "search/words/");
    assert_eq!(manifest["records"], "search/docs/");
    let records = json(&site, "search/docs/0.json");
    let records = records.as_array().unwrap();
    let titles: Vec<&str> = records.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "About <this> \"site\"",
            "Backups runbook",
            "Cloud cost",
            "North star",
            "RFC 1",
            "The grand migration",
            "Use spot instances",
        ],
        "in title order, which is their numbers"
    );
    let number = titles.iter().position(|t| *t == "Cloud cost").unwrap() as u64;
    let cloud = &records[number as usize];
    assert_eq!(cloud[1], "strategies/cloud-cost/");
    let kind = cloud[2].as_u64().unwrap() as usize;
    assert_eq!(
        manifest["kinds"][kind],
        serde_json::json!(["strategy", "Strategy"])
    );
    assert_eq!(cloud[3], "active");
    assert_eq!(cloud[4], "Spend less on compute.");
    // Word → the documents holding it, with the fields they hold it in.
    let part = json(&site, "search/words/_.json");
    let words: std::collections::BTreeMap<String, Vec<(u64, u64)>> = part
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let w = w.as_array().unwrap();
            let mut n = 0;
            let postings = w[1..]
                .iter()
                .map(|p| {
                    let p = p.as_u64().unwrap();
                    n += p >> 4;
                    (n, p & 15)
                })
                .collect();
            (w[0].as_str().unwrap().to_string(), postings)
        })
        .collect();
    let fields = |w: &str| {
        words
            .get(w)
            .and_then(|p| p.iter().find(|(n, _)| *n == number))
            .map(|(_, f)| *f)
    };
    for w in ["expensive", "guiding", "policy", "measure", "trap"] {
        assert_eq!(fields(w).map(|f| f & 8), Some(8), "{w} in the body");
    }
    assert_eq!(fields("cloud").map(|f| f & 1), Some(1), "in the title");
    assert_eq!(fields("reliability"), Some(2), "a tag");
    assert_eq!(fields("compute").map(|f| f & 4), Some(4), "in the summary");
    assert!(!words.contains_key("the"), "stop words are left out");
    assert!(!words.contains_key("println"), "code is not prose");
    // Every page carries the box, pointing at the index and results page under the prefix.
    for (path, bytes) in tree(&site.out()) {
        let html = String::from_utf8_lossy(&bytes);
        if path.ends_with(".html") && !html.contains("http-equiv=\"refresh\"") {
            assert!(
                html.contains("action=\"/docs/search/\" method=\"get\" data-index=\"/docs/search.json\" data-base=\"/docs/\""),
                "{path}"
            );
        }
    }
    assert!(
        site.read("search/index.html")
            .contains("search-page-results")
    );
}

#[test]
fn the_graph_page_and_graph_json_hold_every_document_and_typed_relation() {
    let site = built("basic");
    let page = site.read("graph/index.html");
    let svg = between(&page, "<svg xmlns", "</svg>");
    assert_eq!(svg.matches("<a class=\"node ").count(), 5, "{svg}");
    for href in [
        "/docs/visions/north-star/",
        "/docs/strategies/cloud-cost/",
        "/docs/decisions/use-spot/",
        "/docs/rfcs/rfc-1/",
        "/docs/patterns/grand-migration/",
    ] {
        assert!(svg.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert_eq!(svg.matches("<path class=\"edge ").count(), 5);
    assert!(svg.contains("class=\"edge edge-serves\""));
    assert!(svg.contains("data-from=\"rfc/rfc-1\" data-to=\"strategy/cloud-cost\""));
    assert!(
        page.contains("name=\"kind\" value=\"rfc\""),
        "filter by kind"
    );
    assert!(
        page.contains("name=\"status\" value=\"accepted\""),
        "filter by status"
    );
    assert!(page.contains("<script src=\"/docs/static/graph.js?v="));

    let graph = json(&site, "graph.json");
    let ids: Vec<&str> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "vision/north-star",
            "strategy/cloud-cost",
            "decision/use-spot",
            "rfc/rfc-1",
            "pattern/grand-migration"
        ]
    );
    let cloud = &graph["nodes"][1];
    assert_eq!(
        cloud["url"],
        "https://example.org/docs/strategies/cloud-cost/"
    );
    assert_eq!(cloud["owners"], serde_json::json!(["Platform team"]));
    assert_eq!(cloud["created"], "2026-02-01");
    assert_eq!(cloud["updated"], "2026-04-01");
    let edges: Vec<String> = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {} {}", e["source"], e["type"], e["target"]).replace('"', ""))
        .collect();
    assert_eq!(
        edges,
        [
            "strategy/cloud-cost serves vision/north-star",
            "strategy/cloud-cost uses pattern/grand-migration",
            "decision/use-spot serves strategy/cloud-cost",
            "decision/use-spot uses pattern/grand-migration",
            "rfc/rfc-1 serves strategy/cloud-cost",
        ]
    );
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/docs/graph/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/docs/timeline/</loc>"));
    assert!(!sitemap.contains("packet") && !sitemap.contains("/search/"));
}

#[test]
fn document_pages_draw_their_one_hop_neighbourhood() {
    let site = built("basic");
    let strategy = site.read("strategies/cloud-cost/index.html");
    let figure = between(&strategy, "<figure class=\"neighbourhood\">", "</figure>");
    assert_eq!(figure.matches("<a class=\"node ").count(), 4, "{figure}");
    assert!(figure.contains("<g class=\"node kind-strategy current\""));
    // Cut to fit its box, in full in the node's tooltip.
    assert!(figure.contains(">Served by · Decision…</text>"), "{figure}");
    assert!(
        figure.contains("<title>Use spot instances (Decision, accepted)</title>"),
        "{figure}"
    );
    assert!(figure.contains(">Serves · Vision · active</text>"));
    // The caption names the sides that are drawn.
    assert!(figure.contains("<figcaption>How this strategy connects: what points at it on the left, what it points at on the right.</figcaption>"), "{figure}");
    let vision = site.read("visions/north-star/index.html");
    let figure = between(&vision, "<figure class=\"neighbourhood\">", "</figure>");
    assert!(
        figure.contains(
            "<figcaption>How this vision connects: what points at it, on the left.</figcaption>"
        ),
        "{figure}"
    );
    let pattern = site.read("patterns/grand-migration/index.html");
    assert!(pattern.contains(
        "<figcaption>How this pattern connects: what points at it, on the left.</figcaption>"
    ));
    assert!(
        !site
            .read("runbooks/backups/index.html")
            .contains("class=\"neighbourhood\"")
    );
}

#[test]
fn the_timeline_lists_documents_by_date_across_kinds_with_supersessions() {
    let site = Site::copy("basic");
    site.write(
        "content/decisions/use-spot.md",
        &std::fs::read_to_string(fixture("basic/content/decisions/use-spot.md"))
            .unwrap()
            .replace("status: accepted", "status: superseded"),
    );
    site.write(
        "content/decisions/use-reserved.md",
        "---\ntitle: Use reserved instances\nstatus: accepted\nserves: [cloud-cost]\nsupersedes: [use-spot]\ncreated: 2026-04-15\n---\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n",
    );
    let report = cairn::build(&site.options()).unwrap();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    let html = site.read("timeline/index.html");
    let order = [
        "<h2 id=\"year-2025\">2025</h2>",
        "2025-06-01</time> <span class=\"event-label\">Created</span> <span class=\"kind-badge kind-pattern\">Pattern</span> <a href=\"/docs/patterns/grand-migration/\">",
        "<h2 id=\"year-2026\">2026</h2>",
        "2026-01-01</time> <span class=\"event-label\">Created</span> <span class=\"kind-badge kind-vision\">",
        "2026-02-01</time> <span class=\"event-label\">Created</span> <span class=\"kind-badge kind-strategy\">",
        "2026-03-01</time> <span class=\"event-label\">Created</span> <span class=\"kind-badge kind-decision\">Decision</span> <a href=\"/docs/decisions/use-spot/\">",
        "2026-04-01</time> <span class=\"event-label\">Updated</span> <span class=\"kind-badge kind-strategy\">",
        "2026-04-15</time> <span class=\"event-label\">Accepted</span> <span class=\"kind-badge kind-decision\">Decision</span> <a href=\"/docs/decisions/use-reserved/\">",
        "2026-04-15</time> <span class=\"event-label\">Superseded</span> <span class=\"kind-badge kind-decision\">Decision</span> <a href=\"/docs/decisions/use-spot/\">Use spot instances</a> <span class=\"status status-superseded\">superseded</span> <span class=\"event-by\">by <a href=\"/docs/decisions/use-reserved/\">Use reserved instances</a>",
    ];
    let mut at = 0;
    for needle in order {
        let found = html[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} missing or out of order in {html}"));
        at += found + needle.len();
    }
    assert!(
        !html.contains("Backups runbook") && !html.contains("About &lt;this"),
        "pages are not part of the timeline"
    );
    assert!(
        site.read("index.html")
            .contains("href=\"/docs/timeline/\">Timeline</a>")
    );
}

#[test]
fn a_strategy_has_a_printable_packet_with_its_vision_decisions_and_patterns() {
    let site = built("basic");
    let strategy = site.read("strategies/cloud-cost/index.html");
    assert!(strategy.contains(
        "<a class=\"button-link\" href=\"/docs/strategies/cloud-cost/packet/\">Review packet</a>"
    ));
    assert!(
        !site
            .read("visions/north-star/index.html")
            .contains("Review packet")
    );
    let packet = site.read("strategies/cloud-cost/packet/index.html");
    let sections: Vec<&str> = packet
        .match_indices("<section class=\"packet-section\" aria-labelledby=\"")
        .map(|(i, m)| {
            let rest = &packet[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(
        sections,
        [
            "strategy",
            "vision-it-serves",
            "decision-serving-it",
            "rfc-serving-it",
            "pattern-it-uses"
        ]
    );
    for body in [
        "Too expensive.",
        "Calm systems.",
        "<p>Spot.</p>",
        "A custom kind.",
        "With conviction.",
    ] {
        assert!(packet.contains(body), "{body}");
    }
    // Bodies nest under the packet's headings, and their anchors cannot clash.
    assert!(packet.contains("<h4 id=\"strategy-cloud-cost--problem\">Problem<a class=\"anchor\" href=\"#strategy-cloud-cost--problem\""));
    assert!(packet.contains("<h4 id=\"decision-use-spot--context\">"));
    let ids: Vec<&str> = packet
        .match_indices(" id=\"")
        .map(|(i, m)| {
            let rest = &packet[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    let distinct: BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "duplicate ids in {ids:?}");
    assert!(
        packet.contains("<dd>https://example.org/docs/visions/north-star/</dd>"),
        "printed addresses are absolute"
    );
    assert!(
        packet.contains("<pre class=\"code\" data-lang=\"rust\" tabindex=\"0\"><code>fn main()"),
        "code in a packet is plain"
    );
}

#[test]
fn every_page_has_landmarks_theme_script_print_styles_and_only_local_assets() {
    let site = built("basic");
    for (path, bytes) in tree(&site.out()) {
        let html = String::from_utf8_lossy(&bytes);
        if !path.ends_with(".html") || html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        for needle in [
            "<a class=\"skip-link\" href=\"#main\">Skip to content</a>",
            "<header class=\"site-header\">",
            "<nav class=\"site-nav\" aria-label=\"Main\">",
            "role=\"search\"",
            "<main id=\"main\"",
            "<footer class=\"site-footer\">",
            "<button type=\"button\" class=\"theme-toggle\" aria-pressed=\"false\" hidden>",
            "media=\"print\"",
            "href=\"/docs/graph/\"",
        ] {
            assert!(html.contains(needle), "{path}: {needle}");
        }
        // The saved theme is applied before any stylesheet, so no page flashes the wrong one.
        let script = html.find("localStorage.getItem(\"cairn-theme\")").unwrap();
        let styles = html.find("<link rel=\"stylesheet\"").unwrap();
        assert!(script < styles, "{path}");
        for tag in ["<script src=\"", "<link rel=\"stylesheet\" href=\""] {
            for (i, m) in html.match_indices(tag) {
                let url = &html[i + m.len()..];
                assert!(url.starts_with("/docs/static/"), "{path}: {}", &url[..40]);
            }
        }
    }
    // System fonts only: nothing to download, nothing to shift the layout when it arrives.
    for css in ["static/style.css", "static/print.css", "static/syntax.css"] {
        let text = site.read(css);
        assert!(
            !text.contains("@font-face") && !text.contains("url("),
            "{css}"
        );
    }
    let print = site.read("static/print.css");
    assert!(print.contains(".site-header") && print.contains("break-before: page"));
}

#[test]
fn document_text_is_escaped_on_the_graph_timeline_and_packet() {
    let site = Site::copy("basic");
    site.write(
        "content/rfcs/rfc-1.md",
        "---\ntitle: \"<script>alert(1)</script> & co\"\nstatus: open\nserves: [cloud-cost]\ncreated: 2026-02-02\n---\n## Summary\n\nA custom kind.\n",
    );
    let report = cairn::build(&site.options()).unwrap();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    for page in [
        "graph/index.html",
        "timeline/index.html",
        "strategies/cloud-cost/packet/index.html",
        "strategies/cloud-cost/index.html",
    ] {
        let html = site.read(page);
        assert!(!html.contains("<script>alert"), "{page}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;"), "{page}");
    }
}

/// Issue: what a status means was hard-coded, so a closed RFC (a kind from site.yaml) was
/// listed among the documents that should serve something. The kinds table says what each
/// status means; the home page and the timeline ask it.
#[test]
fn a_closed_rfc_is_not_loose_and_is_dated_as_retired() {
    let site = Site::copy("basic");
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &config.replace(
            "statuses: [open, accepted, closed]",
            "statuses: [open, accepted, {name: closed, means: retired}]",
        ),
    );
    let rfc = |title: &str, status: &str| {
        format!(
            "---\ntitle: {title}\nstatus: {status}\ncreated: 2026-01-10\nupdated: 2026-03-10\n---\n## Summary\n\nx\n"
        )
    };
    site.write("content/rfcs/rfc-2.md", &rfc("Closed RFC", "closed"));
    site.write("content/rfcs/rfc-3.md", &rfc("Open RFC", "open"));
    let report = cairn::build(&site.options()).unwrap();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    let home = site.read("index.html");
    let loose = between(&home, "<h3>Not yet anchored</h3>", "</ul>");
    assert!(loose.contains(">Open RFC</a>"), "{loose}");
    assert!(!loose.contains("Closed RFC"), "{loose}");
    let timeline = site.read("timeline/index.html");
    assert!(
        timeline.contains("2026-03-10</time> <span class=\"event-label\">Closed</span> <span class=\"kind-badge kind-rfc\">RFC</span> <a href=\"/docs/rfcs/rfc-2/\">"),
        "{timeline}"
    );
    assert!(
        timeline.contains("2026-03-10</time> <span class=\"event-label\">Updated</span> <span class=\"kind-badge kind-rfc\">RFC</span> <a href=\"/docs/rfcs/rfc-3/\">"),
        "{timeline}"
    );
}
