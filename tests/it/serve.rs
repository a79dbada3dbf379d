//! The development server: a real server on an ephemeral loopback port.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use cairn::serve::{ServeEvent, ServeOptions, start};

use crate::support::*;

/// A raw HTTP/1.1 GET; returns the status code and the body.
fn get(addr: SocketAddr, target: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The event stream: yields `event:` names with their data line.
fn events(addr: SocketAddr) -> Receiver<(String, String)> {
    let (tx, rx) = channel();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET /__cairn/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    std::thread::spawn(move || {
        let mut name = String::new();
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { return };
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                if tx.send((name.clone(), d.to_string())).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

fn next_event(rx: &Receiver<(String, String)>, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok((name, data)) = rx.recv_timeout(Duration::from_millis(200)) {
            if name == want {
                return data;
            }
        }
    }
    panic!("no `{want}` event within 20 s");
}

fn serve(site: &Site) -> cairn::serve::Handle {
    let opts = ServeOptions {
        build: site.options(),
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
    };
    start(opts, Arc::new(|_: ServeEvent| {})).unwrap()
}

#[test]
fn edits_are_served_with_a_reload_event_and_failures_keep_the_old_page() {
    let site = Site::copy("basic");
    let server = serve(&site);
    let addr = server.addr();
    assert!(addr.ip().is_loopback());
    let (status, body) = get(addr, "/strategies/cloud-cost/");
    assert_eq!(status, 200);
    assert!(body.contains("Too expensive."));
    assert!(body.contains("<script src=\"/__cairn/live.js\"></script>"));
    // The reload script is the server's: the built file on disk does not have it.
    let on_disk = std::fs::read_to_string(
        site.root()
            .join(".cairn/serve/strategies/cloud-cost/index.html"),
    )
    .unwrap();
    assert!(!on_disk.contains("live.js"));
    // Links point at the server itself, not at the configured base URL's prefix.
    assert!(body.contains("href=\"/visions/north-star/\""), "{body}");

    let rx = events(addr);
    assert_eq!(next_event(&rx, "ok"), "{}");
    let path = site.root().join("content/strategies/cloud-cost.md");
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        original.replace("Too expensive.", "Far too expensive."),
    )
    .unwrap();
    next_event(&rx, "reload");
    let (_, body) = get(addr, "/strategies/cloud-cost/");
    assert!(body.contains("Far too expensive."));

    // A broken edit: the old page stays, browsers get the diagnostics.
    std::fs::write(
        &path,
        original.replace("status: active", "status: <b>nope</b>"),
    )
    .unwrap();
    let data = next_event(&rx, "errors");
    let messages: Vec<String> = serde_json::from_str(&data).unwrap();
    assert!(
        messages[0].starts_with(
            "content/strategies/cloud-cost.md:3:1: error: unknown status `<b>nope</b>`"
        ),
        "{messages:?}"
    );
    let (status, body) = get(addr, "/strategies/cloud-cost/");
    assert_eq!(status, 200);
    assert!(body.contains("Far too expensive."));
    // A browser connecting now learns about the failure at once.
    let late = events(addr);
    assert!(next_event(&late, "errors").contains("unknown status"));
    // Fixed again: a reload, and the overlay goes.
    std::fs::write(&path, &original).unwrap();
    next_event(&rx, "reload");
    assert!(
        get(addr, "/strategies/cloud-cost/")
            .1
            .contains("Too expensive.")
    );
    assert_eq!(next_event(&events(addr), "ok"), "{}");
}

#[test]
fn the_server_refuses_to_leave_the_site_and_answers_404_with_the_site_page() {
    let site = Site::copy("basic");
    std::fs::write(site.root().join("secret.txt"), "top secret").unwrap();
    let server = serve(&site);
    let addr = server.addr();
    for target in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/static/..%2f..%2f..%2fsecret.txt",
        "/a%00b",
    ] {
        let (status, body) = get(addr, target);
        assert!(status == 403 || status == 404, "{target}: {status}");
        assert!(!body.contains("top secret"), "{target}");
    }
    let (status, body) = get(addr, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"), "the site's own 404 page");
    let (status, _) = get(addr, &format!("/{}", "x".repeat(10_000)));
    assert!(
        status == 414 || status == 400 || status == 431,
        "oversized request: {status}"
    );
    // The server is still up after all of that.
    assert_eq!(get(addr, "/").0, 200);
    let (status, _) = get(addr, "/static/style.css");
    assert_eq!(status, 200);
}

/// A raw request with extra headers; returns the whole answer.
fn raw(addr: SocketAddr, method: &str, target: &str, headers: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    String::from_utf8_lossy(&raw).into_owned()
}

fn content_length(answer: &str) -> usize {
    answer
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().unwrap())
        })
        .unwrap_or_else(|| panic!("no Content-Length in {answer}"))
}

/// `HEAD` announces the length `GET` sends (the reload script included) and sends no body;
/// a range of a file is answered with just that range.
#[test]
fn head_matches_get_and_ranges_are_served() {
    let site = Site::copy("basic");
    let server = serve(&site);
    let addr = server.addr();
    for target in [
        "/strategies/cloud-cost/",
        "/static/style.css",
        "/no/such/page/",
    ] {
        let got = raw(addr, "GET", target, "");
        let (_, body) = got.split_once("\r\n\r\n").unwrap();
        assert_eq!(content_length(&got), body.len(), "{target}");
        let head = raw(addr, "HEAD", target, "");
        assert_eq!(content_length(&head), body.len(), "{target}");
        assert!(
            head.ends_with("\r\n\r\n"),
            "{target}: HEAD sent a body: {head}"
        );
    }
    let css = raw(addr, "GET", "/static/style.css", "");
    let (_, css) = css.split_once("\r\n\r\n").unwrap();
    let part = raw(addr, "GET", "/static/style.css", "Range: bytes=2-9\r\n");
    assert!(part.starts_with("HTTP/1.1 206"), "{part}");
    assert_eq!(part.split_once("\r\n\r\n").unwrap().1, &css[2..10]);
}
