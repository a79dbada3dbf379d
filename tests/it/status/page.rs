//! What a build writes: the status page, `status.json`, the summary on every page, and that
//! the page is written on time with every row however many checks hang.

use std::time::{Duration, Instant};

use cairn::check::Level;

use super::{NOW, only, servers, site};

#[test]
fn the_page_is_written_on_time_when_a_fifth_of_the_checks_hang() {
    let http = servers::http();
    let silent = servers::silent();
    let mut checks = String::new();
    for i in 0..16 {
        let kind = match i % 4 {
            0 => "proof_of_life\n".to_string(),
            1 => "command\n    command: [\"sh\", \"-c\", \"echo OK,disk,fine\"]\n".into(),
            2 => format!("http\n    url: http://{http}/ok\n"),
            _ => "docs\n".into(),
        };
        checks.push_str(&format!(
            "  - name: Fast {i}\n    kind: {kind}    link: https://x.example/\n"
        ));
    }
    let hangs = [
        "command\n    command: [\"sleep\", \"60\"]\n".to_string(),
        format!("http\n    url: http://{http}/hang\n"),
        format!(
            "tls_expiry\n    host: 127.0.0.1\n    port: {}\n",
            silent.port()
        ),
        "command\n    command: [\"sh\", \"-c\", \"sleep 60 & sleep 60\"]\n".into(),
    ];
    for (i, kind) in hangs.iter().enumerate() {
        checks.push_str(&format!(
            "  - name: Hang {i}\n    kind: {kind}    timeout: 3s\n    link: https://x.example/\n"
        ));
    }
    let s = site(&checks);
    let started = Instant::now();
    let report = s.status_at(NOW);
    let took = started.elapsed();
    // The checks run side by side: the run ends at about the longest timeout (3s), never at
    // the sum (12s). The margin is wide, since the machine may be busy.
    assert!(took < Duration::from_secs(9), "took {took:?}");
    assert_eq!(report.checks, 20);
    for i in 0..16 {
        assert_ne!(
            only(&report, &format!("Fast {i}")).level,
            Level::Error,
            "Fast {i}"
        );
    }
    for i in 0..4 {
        assert_eq!(
            only(&report, &format!("Hang {i}")).level,
            Level::Error,
            "Hang {i}"
        );
    }
    let page = s.read("public/status/index.html");
    assert_eq!(page.matches("<tr class=\"status-row").count(), 20);
    eprintln!("20 checks, 4 hanging with a 1s timeout: the site was written in {took:?}");
}

#[test]
fn page_json_summary_and_staleness_data() {
    let s = site(concat!(
        "  - name: Alive\n    kind: proof_of_life\n    link: \"[[backups]]\"\n",
        "  - name: Broken\n    kind: command\n    command: [\"false\"]\n    link: https://x.example/fix\n",
    ));
    let report = s.build_at(NOW);
    assert!(!report.has_errors());
    let page = s.read("public/status/index.html");
    // The browser turns the page into a stale banner from these two values.
    assert!(page.contains(
        "id=\"status-stale\" role=\"alert\" hidden data-generated=\"2026-11-23T08:30:00Z\" data-stale-after=\"93600\""
    ));
    assert!(page.contains(
        "Generated <time datetime=\"2026-11-23T08:30:00Z\">2026-11-23 08:30 UTC</time> by 2 checks"
    ));
    assert!(page.contains("1 error, 1 OK"));
    assert!(page.contains("<a class=\"status-link\" href=\"/runbooks/backups/\">Backups →</a>"));
    // ERROR rows come first.
    let broken = page.find(">Broken<").unwrap();
    let alive = page.find(">Alive<").unwrap();
    assert!(broken < alive);

    let json: serde_json::Value =
        serde_json::from_str(&s.read("public/status/status.json")).unwrap();
    assert_eq!(json["generated_at"], "2026-11-23T08:30:00Z");
    assert_eq!(json["level"], "ERROR");
    assert_eq!(json["counts"]["error"], 1);
    assert_eq!(json["stale_after_seconds"], 93600);
    assert_eq!(json["versions"]["cairn"], env!("CARGO_PKG_VERSION"));
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["level"], "ERROR");
    assert_eq!(rows[0]["check"], "Broken");
    assert_eq!(rows[0]["message"], "exited with status 1");
    assert_eq!(rows[0]["since"], "2026-11-23T08:30:00Z");
    assert_eq!(rows[1]["link"], "https://ops.example/runbooks/backups/");

    // Every page carries the summary, linking to the status page.
    for page in [
        "public/index.html",
        "public/runbooks/backups/index.html",
        "public/404.html",
    ] {
        let html = s.read(page);
        assert!(
            html.contains("<a class=\"status-summary status-error\" href=\"/status/\" data-status-json=\"/status/status.json\">Status: 1 error, 1 OK</a>"),
            "{page}"
        );
    }
}

#[test]
fn check_results_never_fail_a_build_and_can_be_skipped() {
    let s = site(
        "  - name: Broken\n    kind: command\n    command: [\"false\"]\n    link: https://x.example/\n",
    );
    let report = s.build_at(NOW);
    assert!(report.status.as_ref().unwrap().fails(Level::Error));
    assert!(s.path("public/status/index.html").exists());
    let opts = cairn::BuildOptions {
        checks: false,
        ..s.opts(NOW)
    };
    let skipped = cairn::build(&opts).unwrap();
    assert!(skipped.status.is_none());
    assert!(!skipped.has_errors());
    assert!(!s.path("public/status").exists());
    assert!(!s.read("public/index.html").contains("status-summary"));
}

/// A history file of `runs` hourly runs ending an hour before `NOW`, with `levels` (a letter
/// per run) for the triggers row `Audit`.
fn history_file(levels: &str) -> String {
    let end: jiff::Timestamp = NOW.parse().unwrap();
    let n = levels.len() as i64;
    let runs: Vec<String> = (0..n)
        .map(|i| (end - jiff::SignedDuration::from_hours(n - i)).to_string())
        .collect();
    serde_json::json!({
        "version": 2,
        "runs": runs,
        "rows": [{ "check": "Slow clock", "item": "Audit", "levels": levels }],
    })
    .to_string()
}

#[test]
fn each_row_shows_a_strip_of_its_last_runs_its_ok_shares_and_whether_it_flaps() {
    let s = site(
        "  - name: Slow clock\n    kind: triggers\n    file: t.yaml\n    link: https://ops.example/\n",
    );
    s.write("t.yaml", "- item: Audit\n  due: 2026-11-22\n");
    // 100 earlier runs: OK, then alternating for the last nine; this run is an ERROR.
    let earlier = format!("{}{}", "O".repeat(91), "OEOEOEOEO");
    s.write(".cairn/history.json", &history_file(&earlier));
    let report = s.status_at(NOW);
    assert_eq!(report.rows[0].level, Level::Error);
    let page = s.read("public/status/index.html");
    let row = &page[page.find("<td class=\"status-item\">Audit</td>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert_eq!(
        row.matches("<li class=\"run run-").count(),
        90,
        "the last 90 runs"
    );
    assert_eq!(row.matches("class=\"run run-error\"").count(), 5);
    assert!(
        row.contains(
            "<li class=\"run run-error\" title=\"2026-11-23 08:30 UTC: ERROR\"></li></ol>"
        ),
        "the newest last, dated: {row}"
    );
    assert!(row.contains("<span class=\"flapping\">flapping</span>"));
    assert!(row.contains("failing since <time datetime=\"2026-11-23T08:30:00Z\">"));
    assert!(
        row.contains("last OK <time datetime=\"2026-11-23T07:30:00Z\">2026-11-23 07:30 UTC</time>")
    );
    assert!(row.contains("7 days: OK in 96 of 101 runs (95%)"));
    assert!(row.contains("30 days: OK in 96 of 101 runs (95%)"));
    // A row that has always been OK is not flapping and has no "failing since".
    s.write(".cairn/history.json", &history_file(&"O".repeat(40)));
    s.write("t.yaml", "- item: Audit\n  due: 2027-11-22\n");
    s.status_at(NOW);
    let page = s.read("public/status/index.html");
    assert!(!page.contains("class=\"flapping\"") && !page.contains("failing since"));
    assert!(page.contains("7 days: OK in 41 of 41 runs (100%)"));
}
