//! Hostile requests to the development server: paths that try to leave the site, spelled
//! every way a path can be, and requests that are too big or not HTTP at all. Each is refused
//! or answered, never served from outside the site, and the server keeps serving.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cairn::serve::{Handle, ServeEvent, ServeOptions, start};

use crate::support::*;

/// Sends `raw` and returns the status code of the answer, or 0 if the server closed the
/// connection without one.
fn send(addr: SocketAddr, raw: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The server may answer and close before it has read everything; that is fine.
    let _ = s.write_all(raw);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|t| t.get(..3))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// `cairn serve` for `site` on a free loopback port.
fn serve(site: &Site) -> Handle {
    start(
        ServeOptions {
            build: site.options(),
            bind: "127.0.0.1".parse().unwrap(),
            port: 0,
        },
        Arc::new(|_: ServeEvent| {}),
    )
    .unwrap()
}

fn get(addr: SocketAddr, target: &str) -> (u16, String) {
    send(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

#[test]
fn traversal_in_every_spelling_is_refused_and_the_server_stays_up() {
    let site = Site::copy("basic");
    std::fs::write(site.root().join("secret.txt"), "top secret").unwrap();
    std::fs::write(site.root().join("site.yaml.bak"), "top secret").unwrap();
    let server = serve(&site);
    let addr = server.addr();
    for target in [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/static/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/..%5c..%5csecret.txt",
        "/..\\..\\secret.txt",
        "/%00/../secret.txt",
        "/index.html%00.txt",
        "//secret.txt",
        "http://evil.example/../secret.txt",
        "/static/../../secret.txt",
        "/%2e%2e/site.yaml.bak",
        "*",
        "/%",
        "/%zz",
        "/%e2%80%ae",
    ] {
        let (status, text) = get(addr, target);
        assert!(
            [400, 403, 404].contains(&status),
            "{target}: answered {status}"
        );
        assert!(!text.contains("top secret"), "{target} leaked a file");
        assert!(!text.contains("root:"), "{target} leaked /etc/passwd");
    }
    assert_eq!(get(addr, "/").0, 200);
}

#[test]
fn oversized_and_malformed_requests_do_not_stop_the_server() {
    let site = Site::copy("basic");
    let server = serve(&site);
    let addr = server.addr();
    let long_target = format!("/{}", "a".repeat(64 * 1024));
    let (status, _) = get(addr, &long_target);
    assert!([400, 414, 431].contains(&status), "long target: {status}");
    let many_headers: String = (0..2000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let requests: Vec<(&str, Vec<u8>)> = vec![
        (
            "a 1 MB header",
            format!(
                "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
                "b".repeat(1 << 20)
            )
            .into_bytes(),
        ),
        (
            "2000 headers",
            format!("GET / HTTP/1.1\r\nHost: x\r\n{many_headers}Connection: close\r\n\r\n")
                .into_bytes(),
        ),
        (
            "a POST with a huge announced body",
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\nConnection: close\r\n\r\nabc"
                .to_vec(),
        ),
        ("binary garbage", (0..=255u8).cycle().take(70_000).collect()),
        ("no request at all", Vec::new()),
        ("a header that never ends", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: ".to_vec()),
        (
            "a non-ASCII request line",
            "GET /caf\u{e9}/\u{202e} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "a bad version",
            b"GET / HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        ),
    ];
    for (what, raw) in &requests {
        let (status, _) = send(addr, raw);
        assert!(
            status == 0 || (200..600).contains(&status),
            "{what}: {status}"
        );
        // After each, the server still answers.
        assert_eq!(get(addr, "/static/style.css").0, 200, "after {what}");
    }
    // A POST is refused, whatever it says it carries.
    let (status, _) = send(
        addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
    );
    assert_eq!(status, 405);
}

/// Connections opened and left silent (browsers keep spare keep-alive connections open) hold
/// no one else up.
#[test]
fn idle_connections_do_not_stall_the_server() {
    let site = Site::copy("basic");
    let server = serve(&site);
    let addr = server.addr();
    for n in [4, 16, 64, 256] {
        let idle: Vec<TcpStream> = (0..n).map(|_| TcpStream::connect(addr).unwrap()).collect();
        assert_eq!(get(addr, "/").0, 200, "with {n} idle connections");
        drop(idle);
    }
}

/// A web page whose own name resolves to 127.0.0.1 (DNS rebinding) sends its own name as
/// `Host`: the preview is not shown to it.
#[test]
fn requests_naming_another_host_are_refused() {
    let site = Site::copy("basic");
    let server = serve(&site);
    let addr = server.addr();
    let ask = |host: &str| {
        send(
            addr,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .0
    };
    assert_eq!(ask("evil.example"), 403);
    assert_eq!(ask(&format!("evil.example:{}", addr.port())), 403);
    assert_eq!(ask(&format!("localhost:{}", addr.port())), 200);
    assert_eq!(ask(&addr.to_string()), 200);
}

/// Two `Host` headers could each pass a different check (the first naming this machine, the
/// last another): a request with more than one is refused.
#[test]
fn a_request_with_two_host_headers_is_refused() {
    let site = Site::copy("basic");
    let server = serve(&site);
    let addr = server.addr();
    let me = addr.to_string();
    for (first, second) in [
        ("evil.example", me.as_str()),
        (me.as_str(), "evil.example"),
        (me.as_str(), me.as_str()),
    ] {
        let (status, _) = send(
            addr,
            format!(
                "GET / HTTP/1.1\r\nHost: {first}\r\nHost: {second}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        );
        assert_eq!(status, 400, "Host: {first} and Host: {second}");
    }
    assert_eq!(get(addr, "/").0, 200);
}

/// A folder asked for without its trailing slash is redirected to a path on this server:
/// `//strategies` must not become `Location: //strategies/`, which a browser reads as the
/// host `strategies`.
#[test]
fn folder_redirects_stay_on_this_server() {
    let site = Site::copy("basic");
    let server = serve(&site);
    let addr = server.addr();
    for target in [
        "/strategies",
        "//strategies",
        "///strategies",
        "//strategies?x=//y",
    ] {
        let (status, text) = get(addr, target);
        assert_eq!(status, 301, "{target}");
        let location = text
            .lines()
            .find_map(|l| {
                l.strip_prefix("location: ")
                    .or_else(|| l.strip_prefix("Location: "))
            })
            .unwrap_or_else(|| panic!("{target}: no Location in {text}"));
        assert_eq!(location, "/strategies/", "{target}");
    }
}

/// Any web page can make a browser send a GET, or a form POST, to 127.0.0.1: the checks (which
/// run commands) are run again only for a POST from a page of this server or a client that is
/// not a browser; a GET shows a page with a button, which no other page can frame.
#[test]
fn only_a_same_origin_post_runs_the_checks_again() {
    let site = Site::copy("basic");
    let built = Arc::new(AtomicUsize::new(0));
    let counter = built.clone();
    let server = start(
        ServeOptions {
            build: site.options(),
            bind: "127.0.0.1".parse().unwrap(),
            port: 0,
        },
        Arc::new(move |e: ServeEvent| {
            if matches!(e, ServeEvent::Built { .. }) {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        }),
    )
    .unwrap();
    let addr = server.addr();
    let (status, page) = get(addr, "/__cairn/check");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("<form method=\"post\" action=\"/__cairn/check\""),
        "{page}"
    );
    assert!(
        page.to_ascii_lowercase().contains("x-frame-options: deny"),
        "{page}"
    );
    let post = |headers: &str| {
        send(
            addr,
            format!(
                "POST /__cairn/check HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .0
    };
    for cross in [
        "Sec-Fetch-Site: cross-site\r\nOrigin: https://evil.example\r\n",
        "Sec-Fetch-Site: same-site\r\nOrigin: http://docs.localhost\r\n",
        "Origin: https://evil.example\r\n",
        "Origin: null\r\n",
    ] {
        assert_eq!(post(cross), 403, "{cross}");
    }
    assert_eq!(
        built.load(Ordering::SeqCst),
        1,
        "only the first build so far"
    );
    assert_eq!(
        post(&format!(
            "Sec-Fetch-Site: same-origin\r\nOrigin: http://{addr}\r\n"
        )),
        202
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while built.load(Ordering::SeqCst) < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(built.load(Ordering::SeqCst), 2, "the checks ran again");
    // A client that is not a browser (curl -X POST) sends no Origin at all.
    assert_eq!(post(""), 202);
}
