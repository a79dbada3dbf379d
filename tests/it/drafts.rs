//! Drafts (`draft: true` or `status: draft`) stay out of a build and everything made from it
//! unless asked for; a link to one left out is a warning; `serve` and `--drafts` show them
//! under a banner. Superseding is derived: a record is superseded once the record that
//! supersedes it is accepted, and until then its page names the open proposal.

use crate::support::*;

const DRAFT_DECISION: &str = "---\ntitle: Use arm instances\nstatus: draft\nserves: [cloud-cost]\n---\n## Context\n\nx\n\n## Decision\n\ny\n\n## Consequences\n\nz\n";

/// The basic fixture with a `status: draft` decision that a published decision links to.
fn with_status_draft() -> Site {
    let site = Site::copy("basic");
    site.write("content/decisions/use-arm.md", DRAFT_DECISION);
    let spot = std::fs::read_to_string(site.root().join("content/decisions/use-spot.md")).unwrap();
    site.write(
        "content/decisions/use-spot.md",
        &spot.replace("Spot.", "Spot, see [[use-arm]] and [the plan](use-arm.md)."),
    );
    site
}

#[test]
fn a_status_draft_is_left_out_of_every_output_and_links_to_it_warn() {
    let site = with_status_draft();
    let report = cairn::build(&site.options()).unwrap();
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let messages: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        messages.iter().filter(|m| m.contains("is a draft")).count(),
        2,
        "{messages:#?}"
    );
    assert!(
        report
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("is a draft"))
            .all(|d| d.severity == cairn::diag::Severity::Warning)
    );
    assert!(!site.out().join("decisions/use-arm").exists());
    for file in [
        "atom.xml",
        "sitemap.xml",
        "search.json",
        "search/docs/0.json",
        "graph.json",
        "decisions/index.html",
        "index.html",
    ] {
        if site.out().join(file).exists() {
            let text = site.read(file);
            assert!(
                !text.contains("use-arm") && !text.contains("Use arm instances"),
                "{file} mentions the draft"
            );
        }
    }
    assert!(
        !site
            .read("decisions/use-spot/index.html")
            .contains("draft-banner"),
        "a published page has no banner"
    );

    let mut opts = site.options();
    opts.drafts = true;
    let report = cairn::build(&opts).unwrap();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    let page = site.read("decisions/use-arm/index.html");
    assert!(page.contains("class=\"draft-banner\""), "{page}");
    assert!(site.read("sitemap.xml").contains("decisions/use-arm/"));
}

#[test]
fn lint_strict_fails_on_a_link_to_a_draft_but_lint_passes() {
    let site = with_status_draft();
    let out = site.cairn(&["lint"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .contains("warning: `use-arm` is a draft and is left out of this build"),
        "{}",
        out.stderr
    );
    assert_eq!(site.cairn(&["lint", "--strict"]).code, 1);
}

#[test]
fn a_missing_status_is_not_a_draft() {
    let site = Site::copy("basic");
    site.write(
        "content/decisions/no-status.md",
        &DRAFT_DECISION
            .replace("status: draft\n", "")
            .replace("Use arm", "No status"),
    );
    cairn::build(&site.options()).unwrap();
    assert!(site.out().join("decisions/no-status/index.html").exists());
}

#[test]
fn serve_shows_drafts_under_a_banner() {
    use std::io::{Read, Write};
    let site = with_status_draft();
    let server = crate::serve_limits::Server::start(&site);
    let mut s = std::net::TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        s,
        "GET /decisions/use-arm/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("class=\"draft-banner\""), "{answer}");
}
