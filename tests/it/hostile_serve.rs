//! Hostile requests to the development server: paths that try to leave the site, spelled
//! every way a path can be, and requests that are too big or not HTTP at all. Each is refused
//! or answered, never served from outside the site, and the server keeps serving.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

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
/// no one else up: each connection has its own thread.
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
