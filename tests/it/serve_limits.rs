//! The development server's bounds, tried on the `cairn serve` binary as a separate process so
//! its memory and reads can be measured from `/proc`: connections that trickle or idle cannot
//! shut out a fresh client, a request head has a deadline, a large file is streamed (not held
//! in memory once per client) and a `HEAD` reads nothing. Every wait is bounded, with margins
//! many times what the server needs; nothing asserts a speed.

#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// A `cairn serve --no-checks` process on a free loopback port; killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) addr: SocketAddr,
}

impl Server {
    pub(crate) fn start(site: &Site) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(["serve", "--port", "0", "--no-checks"])
            .current_dir(site.root())
            .env("CAIRN_TODAY", TODAY)
            .env("CAIRN_CACHE_DIR", site.cache.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = match lines.next() {
                Some(Ok(line)) => line,
                _ => {
                    let _ = child.kill();
                    panic!("cairn serve stopped before it listened");
                }
            };
            if let Some(rest) = line.strip_prefix("serving http://") {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    /// A number from `/proc/<pid>/<file>`: the value of the line starting with `key`.
    fn proc_number(&self, file: &str, key: &str) -> u64 {
        let text = std::fs::read_to_string(format!("/proc/{}/{file}", self.child.id())).unwrap();
        let line = text.lines().find(|l| l.starts_with(key)).unwrap();
        line[key.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .unwrap()
    }

    /// Resident memory, in bytes.
    fn rss(&self) -> u64 {
        self.proc_number("status", "VmRSS:") * 1024
    }

    /// Bytes the process has read through `read(2)` and its kin, files and sockets alike.
    fn bytes_read(&self) -> u64 {
        self.proc_number("io", "rchar:")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends a request and reads the answer up to the end of its head (or the connection's end);
/// returns the status (0 when none came) and the head.
fn ask(stream: &mut TcpStream, request: &str) -> (u16, String) {
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    if stream.write_all(request.as_bytes()).is_err() {
        return (0, String::new());
    }
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let status = head
        .strip_prefix("HTTP/1.1 ")
        .and_then(|t| t.get(..3))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A site with a large attachment: a sparse file, so it costs no disk in the sources.
fn site_with_big_file(size: u64) -> Site {
    let site = Site::copy("basic");
    std::fs::create_dir_all(site.root().join("content/files")).unwrap();
    let f = std::fs::File::create(site.root().join("content/files/big.bin")).unwrap();
    f.set_len(size).unwrap();
    site
}

/// 600 connections that each send one byte of a request head a second (more than the server
/// keeps open at once) do not stop a fresh client from being answered.
#[test]
fn trickling_connections_do_not_shut_out_a_fresh_client() {
    let site = Site::copy("basic");
    let server = Server::start(&site);
    let addr = server.addr;
    let mut tricklers: Vec<TcpStream> = (0..600)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickle = {
        let mut streams: Vec<TcpStream> =
            tricklers.iter().map(|s| s.try_clone().unwrap()).collect();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let head =
                b"GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
            // Bounded: at most 90 rounds, one a second.
            for i in 0..90 {
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                for s in &mut streams {
                    let _ = s.write_all(&head[i % head.len()..][..1]);
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    // Let every trickler reach the server and send its first bytes.
    std::thread::sleep(Duration::from_secs(2));
    let mut fresh = TcpStream::connect(addr).unwrap();
    let (status, head) = ask(
        &mut fresh,
        &format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    trickle.join().unwrap();
    tricklers.clear();
    assert_eq!(status, 200, "a fresh client was not answered: {head:?}");
}

/// A request head sent one byte a second, never finished, is cut at the head deadline
/// instead of holding its connection for as long as the bytes keep coming.
#[test]
fn a_request_head_trickled_slower_than_the_deadline_is_cut() {
    let site = Site::copy("basic");
    let server = Server::start(&site);
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nX-Slow: ").unwrap();
    let started = Instant::now();
    // Far longer than the deadline (and than the old per-read timeout of 30 s).
    let give_up = Duration::from_secs(120);
    let mut buf = [0u8; 1024];
    let cut = loop {
        if started.elapsed() > give_up {
            break false;
        }
        if s.write_all(b"a").is_err() {
            break true;
        }
        match s.read(&mut buf) {
            // The server closed the connection, or answered the unfinished request.
            Ok(_) => break true,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break true,
        }
    };
    assert!(
        cut,
        "a head trickled for {give_up:?} still held its connection"
    );
}

/// Clients that ask for a large file and do not read it do not make the server hold the file
/// in memory once per client: memory grows by far less than one file, not by six.
#[test]
fn unread_downloads_of_a_large_file_keep_the_server_small() {
    const SIZE: u64 = 100 << 20;
    let site = site_with_big_file(SIZE);
    let server = Server::start(&site);
    let addr = server.addr;
    let before = server.rss();
    let mut clients = Vec::new();
    for _ in 0..6 {
        let mut s = TcpStream::connect(addr).unwrap();
        let (status, head) = ask(
            &mut s,
            &format!("GET /files/big.bin HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
        );
        assert_eq!(status, 200, "{head}");
        assert_eq!(header(&head, "content-length"), Some("104857600"));
        // The answer has begun: whatever the server holds for it, it holds now.
        clients.push(s);
    }
    let grown = server.rss().saturating_sub(before);
    assert!(
        grown < SIZE / 2,
        "six unread downloads of a {SIZE}-byte file grew the server by {grown} bytes"
    );
    drop(clients);
}

/// `HEAD` of a large file gives its length without reading it.
#[test]
fn head_of_a_large_file_reads_nothing() {
    const SIZE: u64 = 100 << 20;
    let site = site_with_big_file(SIZE);
    let server = Server::start(&site);
    let addr = server.addr;
    let before = server.bytes_read();
    for _ in 0..4 {
        let mut s = TcpStream::connect(addr).unwrap();
        let (status, head) = ask(
            &mut s,
            &format!("HEAD /files/big.bin HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(status, 200, "{head}");
        assert_eq!(header(&head, "content-length"), Some("104857600"));
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        assert!(rest.is_empty(), "a HEAD answer has no body");
    }
    let read = server.bytes_read() - before;
    assert!(
        read < SIZE / 10,
        "four HEAD requests of a {SIZE}-byte file read {read} bytes"
    );
}
