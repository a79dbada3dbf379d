//! Hostile checks: what a check reports reaches the status page as text, a server that never
//! stops talking is cut off, and nothing a check's program does ends up in the published site.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use cairn::check::Level;
use scraper::Html;

use crate::escaping::active_content;
use crate::status::{NOW, only, row, site};

#[test]
fn check_names_rows_and_links_are_text_on_every_page() {
    let s = site(
        "  - name: \"<script>alert(1)</script> \\\" onmouseover=alert(2) '\"\n    kind: command\n    command: [\"sh\", \"scripts/evil.sh\"]\n    link: \"https://ops.example/?q=\\\"><script>alert(3)</script>\"\n",
    );
    s.write(
        "scripts/evil.sh",
        r#"echo 'ERROR,<img src=x onerror=alert(4)>,"""><script>alert(5)</script> \u202e",javascript:alert(6)'
echo 'WARNING,"<svg onload=alert(7)>",x,data:text/html;base64,PHNjcmlwdD4='
echo 'OK,a,"</td></tr></table><script>alert(8)</script>","https://ok.example/""><script>alert(9)</script>"'
echo 'OK,b,c,  JaVa	ScRiPt:alert(10)'
printf 'ERROR,esc,\033]0;title\007\033[31mred\n'
"#,
    );
    let report = s.status_at(NOW);
    assert_eq!(report.rows.len(), 5, "{:#?}", report.rows);
    let name = "<script>alert(1)</script> \" onmouseover=alert(2) '";
    assert_eq!(
        row(&report, name, "<img src=x onerror=alert(4)>").level,
        Level::Error
    );
    // Terminal escapes from a program's output do not survive into any output.
    let esc = row(&report, name, "esc");
    assert!(!esc.message.contains('\u{1b}'), "{:?}", esc.message);

    let mut pages = 0;
    for entry in walkdir::WalkDir::new(s.path("public")) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "html") {
            pages += 1;
            let html = std::fs::read_to_string(path).unwrap();
            let found = active_content(&html);
            assert!(found.is_empty(), "{}: {found:#?}", path.display());
        }
    }
    assert!(pages > 3);
    // The hostile text is on the page as text.
    let page = Html::parse_document(&s.read("public/status/index.html"));
    let text: String = page.root_element().text().collect();
    for shown in [
        name,
        "<img src=x onerror=alert(4)>",
        "<svg onload=alert(7)>",
    ] {
        assert!(text.contains(shown), "{shown} is not shown as text");
    }
    // status.json is JSON, with the same strings as data.
    let json: serde_json::Value =
        serde_json::from_str(&s.read("public/status/status.json")).unwrap();
    assert!(json.to_string().contains("onerror=alert(4)"));
}

#[test]
fn a_check_link_with_a_script_scheme_is_a_configuration_error() {
    let s = site("  - name: Evil\n    kind: proof_of_life\n    link: \"  JavaScript:alert(1)\"\n");
    let report = cairn::build(&s.opts(NOW)).unwrap();
    let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        shown,
        [
            "site.yaml:9:5: error: check `Evil`: `link`: links with `javascript:` are not allowed (use http, https, mailto or a path)"
        ]
    );
    assert!(!s.path("public").exists());
}

/// A server that answers every request with headers and then an endless body, or with
/// endless headers; it counts what it managed to send.
fn endless(headers_forever: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || pour(stream, headers_forever));
        }
    });
    addr
}

fn pour(mut stream: TcpStream, headers_forever: bool) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let chunk = vec![b'x'; 64 * 1024];
    let head: &[u8] = if headers_forever {
        b"HTTP/1.1 200 OK\r\nX-Filler: "
    } else {
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
    };
    if stream.write_all(head).is_err() {
        return;
    }
    // Until the client hangs up; a client that reads everything never gets a verdict.
    while stream.write_all(&chunk).is_ok() {}
}

#[test]
fn endless_bodies_and_headers_are_cut_off_long_before_the_timeout() {
    let body = endless(false);
    let headers = endless(true);
    let s = site(&format!(
        "  - name: Endless body\n    kind: http\n    url: http://{body}/\n    body_contains: needle\n    timeout: 20s\n    link: https://x.example/\n  - name: Endless headers\n    kind: http\n    url: http://{headers}/\n    timeout: 20s\n    link: https://x.example/\n"
    ));
    let started = Instant::now();
    let report = s.status_at(NOW);
    let took = started.elapsed();
    // Bounded by size, not by the 20 s timeout.
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let b = only(&report, "Endless body");
    assert_eq!(b.level, Level::Error);
    assert!(
        b.message
            .ends_with("but the body does not contain `needle`"),
        "{}",
        b.message
    );
    let h = only(&report, "Endless headers");
    assert_eq!(h.level, Level::Error);
    assert!(h.message.starts_with("no answer: "), "{}", h.message);
}

#[cfg(unix)]
#[test]
fn nothing_a_check_program_writes_reaches_the_published_site() {
    let s = site(
        "  - name: Writer\n    kind: command\n    command: [\"sh\", \"scripts/writer.sh\"]\n    link: https://x.example/\n",
    );
    s.write("scripts/writer.sh", "echo OK,writer,quiet\n");
    s.build_at(NOW);
    let home = s.read("public/index.html");
    // Now the check tries: the output's current files, a new file beside them, and, from a
    // background job that outlives the script, the staging folder the next site is built in.
    s.write(
        "scripts/writer.sh",
        r#"echo hijacked > public/index.html
mkdir -p public/evil && echo evil > public/evil/index.html
( i=0; while [ $i -lt 200 ]; do
    mkdir -p .public.cairn-staging public 2>/dev/null
    echo late > .public.cairn-staging/late.html 2>/dev/null
    echo late > public/late.html 2>/dev/null
    sleep 0.02; i=$((i+1))
  done ) &
echo OK,writer,done
"#,
    );
    let report = s.build_at(NOW).status.unwrap();
    assert_eq!(only(&report, "Writer").message, "done");
    // Long enough for a surviving background job to have written several times.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(s.read("public/index.html"), home);
    for gone in ["public/evil", "public/late.html", ".public.cairn-staging"] {
        assert!(!s.path(gone).exists(), "{gone} exists");
    }
}
