//! `http` and `tls_expiry` checks against servers on 127.0.0.1.

use cairn::check::Level;

use super::{NOW, assert_row, only, servers, site};

#[test]
fn http_status_latency_and_body() {
    let addr = servers::http();
    let check = |name: &str, path: &str, extra: &str| {
        format!(
            "  - name: {name}\n    kind: http\n    url: http://{addr}{path}\n    link: \"[[backups]]\"\n{extra}"
        )
    };
    let s = site(&[
        check("Healthy", "/ok", "    body_contains: systems ok\n    warn_ms: 2000\n"),
        check("Slow", "/slow", "    warn_ms: 300\n    error_ms: 5000\n"),
        check("Very slow", "/slow", "    warn_ms: 100\n    error_ms: 400\n"),
        check("Down", "/down", ""),
        check("Wrong body", "/maintenance", "    body_contains: systems ok\n"),
        check("Huge body", "/big", "    body_contains: needle\n"),
        check("Hung", "/hang", "    timeout: 700ms\n"),
        check("Expects 503", "/down", "    expect_status: 503\n"),
        "  - name: Refused\n    kind: http\n    url: http://127.0.0.1:9/\n    timeout: 2s\n    link: https://x.example/\n".into(),
    ]
    .concat());
    let started = std::time::Instant::now();
    let report = s.status_at(NOW);
    // The hung check is stopped at its 700ms timeout, not left waiting; wide margin for a
    // busy machine.
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    let ok = only(&report, "Healthy");
    assert_row(ok, Level::Ok, "answered 200 in ");
    assert_eq!(ok.item, format!("http://{addr}/ok"));
    assert_eq!(ok.link.as_deref(), Some("/runbooks/backups/"));
    assert_eq!(ok.link_title.as_deref(), Some("Backups"));
    assert_row(only(&report, "Slow"), Level::Warning, "answered 200 in ");
    assert!(
        only(&report, "Slow")
            .message
            .ends_with("over the warning limit of 300 ms")
    );
    assert!(
        only(&report, "Very slow")
            .message
            .ends_with("over the error limit of 400 ms")
    );
    assert_eq!(only(&report, "Very slow").level, Level::Error);
    assert_row(
        only(&report, "Down"),
        Level::Error,
        "answered 503, expected 200: upstream tally timed out <script>",
    );
    assert_row(
        only(&report, "Wrong body"),
        Level::Error,
        "answered 200 in ",
    );
    assert!(
        only(&report, "Wrong body")
            .message
            .ends_with("but the body does not contain `systems ok`")
    );
    // Only the first MiB is read, so text after it is not found.
    assert!(
        only(&report, "Huge body")
            .message
            .contains("does not contain `needle`")
    );
    assert_row(only(&report, "Hung"), Level::Error, "no answer: ");
    assert_row(only(&report, "Expects 503"), Level::Ok, "answered 503");
    assert_row(only(&report, "Refused"), Level::Error, "no answer: ");

    // The remote body reaches the page escaped, never as markup.
    let page = s.read("public/status/index.html");
    assert!(page.contains("upstream tally timed out &lt;script&gt;alert(&#39;pwned&#39;)"));
    assert!(!page.contains("<script>alert("));
}

#[test]
fn tls_certificates_by_days_left() {
    // NOW is 2026-11-23 08:30 UTC.
    let soon_addr = servers::tls(2026, 11, 28);
    let window = servers::tls(2026, 12, 10);
    let far = servers::tls(2027, 6, 1);
    let expired = servers::tls(2026, 11, 20);
    let check = |name: &str, addr: std::net::SocketAddr| {
        format!(
            "  - name: {name}\n    kind: tls_expiry\n    host: {}\n    port: {}\n    warn_days: 21\n    error_days: 7\n    link: https://certs.example/\n",
            addr.ip(),
            addr.port()
        )
    };
    let silent = servers::silent();
    let trickle = servers::trickle();
    let s = site(
        &[
            check("Soon", soon_addr),
            check("Window", window),
            check("Far", far),
            check("Expired", expired),
            format!(
                "  - name: Silent\n    kind: tls_expiry\n    host: 127.0.0.1\n    port: {}\n    timeout: 600ms\n    link: https://certs.example/\n",
                silent.port()
            ),
            format!(
                "  - name: Trickle\n    kind: tls_expiry\n    host: 127.0.0.1\n    port: {}\n    timeout: 600ms\n    link: https://certs.example/\n",
                trickle.port()
            ),
        ]
        .concat(),
    );
    let report = s.status_at(NOW);
    let soon = only(&report, "Soon");
    assert_eq!(soon.level, Level::Error);
    assert_eq!(
        soon.message,
        "the certificate for status-test.local expires in 4 days (2026-11-28); the error limit is 7 days"
    );
    assert_eq!(soon.item, format!("127.0.0.1:{}", soon_addr.port()));
    assert_row(
        only(&report, "Window"),
        Level::Warning,
        "the certificate for status-test.local expires in 16 days (2026-12-10); the warning limit is 21 days",
    );
    assert_row(
        only(&report, "Far"),
        Level::Ok,
        "the certificate for status-test.local expires in 189 days (2027-06-01)",
    );
    assert_row(
        only(&report, "Expired"),
        Level::Error,
        "the certificate for status-test.local expired on 2026-11-20",
    );
    // A peer that says nothing, or too little to finish, is given up on at the timeout.
    for (name, addr) in [("Silent", silent), ("Trickle", trickle)] {
        assert_eq!(
            only(&report, name).message,
            format!(
                "TLS handshake with 127.0.0.1:{} failed: no TLS answer within 600ms",
                addr.port()
            )
        );
    }

    // The same certificates a week later: the clock is injected, so the days follow it.
    let later = s.status_at("2026-11-30T08:30:00Z");
    assert_row(
        only(&later, "Window"),
        Level::Warning,
        "the certificate for status-test.local expires in 9 days",
    );
    assert_row(
        only(&later, "Soon"),
        Level::Error,
        "the certificate for status-test.local expired on 2026-11-28",
    );
}
