//! The dev server's HTTP/1.1 layer: one thread per connection, requests parsed with `httparse`,
//! keep-alive, and hard limits so a misbehaving client cannot hold the server: a request head
//! is at most [`MAX_HEAD`] bytes and [`MAX_HEADERS`] headers, a connection silent for
//! [`IDLE`] is closed, and at most [`MAX_CONNECTIONS`] are open at once. Only what a local
//! preview needs: no request bodies (anything but GET and HEAD is answered 405 and the
//! connection closed), no chunked encoding, no TLS.

use std::io::{self, BufWriter, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

/// The longest request head (request line and headers) read.
pub const MAX_HEAD: usize = 64 * 1024;
/// The most headers a request may have.
pub const MAX_HEADERS: usize = 100;
/// A connection that sends nothing for this long is closed.
pub const IDLE: Duration = Duration::from_secs(30);
/// Connections beyond this many are closed at once.
pub const MAX_CONNECTIONS: usize = 512;

/// A parsed request: only what the server routes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// The `Host` header, if there was one.
    pub host: Option<String>,
}

impl Request {
    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}

/// What a handler answers.
pub enum Reply {
    /// A whole response.
    Full {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
        location: Option<String>,
    },
    /// A response written by the handler, which owns the connection until it returns; the
    /// connection is closed afterwards (event streams).
    Stream(Box<dyn FnOnce(&mut TcpStream) + Send>),
}

impl Reply {
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            content_type,
            body: body.into(),
            location: None,
        }
    }
}

pub type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A listening server; `accept` runs until `stop` is set (call [`Server::unblock`] after
/// setting it).
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
}

impl Server {
    pub fn bind(addr: SocketAddr) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        Ok(Server { listener, addr })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Accepts connections and serves each on its own thread until `stop` is set.
    pub fn accept(&self, handler: Arc<Handler>, stop: &AtomicBool) {
        let open = Arc::new(AtomicUsize::new(0));
        for conn in self.listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let Ok(stream) = conn else { continue };
            if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                continue; // dropped: closed
            }
            open.fetch_add(1, Ordering::SeqCst);
            let handler = handler.clone();
            let slot = open.clone();
            let spawned = thread::Builder::new()
                .name("cairn-http".into())
                .spawn(move || {
                    connection(stream, handler.as_ref());
                    slot.fetch_sub(1, Ordering::SeqCst);
                });
            if spawned.is_err() {
                // The thread never ran (its connection is closed): free its slot.
                open.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    /// Wakes a thread blocked in [`Server::accept`] so it can see `stop`.
    pub fn unblock(&self) {
        let mut to = self.addr;
        if to.ip().is_unspecified() {
            to.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        let _ = TcpStream::connect_timeout(&to, Duration::from_secs(1));
    }
}

/// The outcome of reading one request head.
#[derive(Debug, PartialEq, Eq)]
enum Head {
    Request {
        req: Request,
        keep_alive: bool,
    },
    /// Answer with this status and close.
    Refuse(u16),
    /// The client went away or fell silent.
    Closed,
}

/// Serves the requests of one connection, one after another.
fn connection(mut stream: TcpStream, handler: &Handler) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::with_capacity(1024);
    loop {
        match read_head(&mut stream, &mut buf) {
            Head::Closed => return,
            Head::Refuse(status) => {
                let _ = write_full(
                    &mut stream,
                    status,
                    "text/plain; charset=utf-8",
                    reason(status).as_bytes(),
                    None,
                    false,
                    false,
                );
                let _ = stream.shutdown(Shutdown::Write);
                return;
            }
            Head::Request { req, keep_alive } => match handler(&req) {
                Reply::Full {
                    status,
                    content_type,
                    body,
                    location,
                } => {
                    // A refused method may be followed by a body we will not read: close.
                    let keep_alive = keep_alive && status != 405;
                    let ok = write_full(
                        &mut stream,
                        status,
                        content_type,
                        &body,
                        location.as_deref(),
                        req.is_head(),
                        keep_alive,
                    );
                    if ok.is_err() || !keep_alive {
                        let _ = stream.shutdown(Shutdown::Write);
                        return;
                    }
                }
                Reply::Stream(f) => {
                    f(&mut stream);
                    let _ = stream.shutdown(Shutdown::Both);
                    return;
                }
            },
        }
    }
}

/// Reads and parses the next request head. `buf` holds bytes already read past the previous
/// request (pipelining) and keeps those past this one.
fn read_head(stream: &mut impl Read, buf: &mut Vec<u8>) -> Head {
    let mut chunk = [0u8; 4096];
    loop {
        if !buf.is_empty() {
            match parse_head(buf) {
                Ok(Some((head, used))) => {
                    buf.drain(..used);
                    return head;
                }
                Ok(None) => {}
                Err(status) => return Head::Refuse(status),
            }
        }
        if buf.len() >= MAX_HEAD {
            let line_done = buf.windows(2).any(|w| w == b"\r\n");
            return Head::Refuse(if line_done { 431 } else { 414 });
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Head::Closed,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Parses a complete head at the start of `buf`: the head and its length, `None` when more
/// bytes are needed, or the status to refuse it with.
fn parse_head(buf: &[u8]) -> Result<Option<(Head, usize)>, u16> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let used = match parsed.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(431),
        Err(httparse::Error::Version) => return Err(505),
        Err(_) => return Err(400),
    };
    let method = parsed.method.unwrap_or_default().to_string();
    let target = parsed.path.unwrap_or_default().to_string();
    let version = parsed.version.unwrap_or(0);
    let mut keep_alive = version == 1;
    let mut has_body = false;
    let mut host = None;
    for h in parsed.headers.iter() {
        let value = String::from_utf8_lossy(h.value).to_ascii_lowercase();
        if h.name.eq_ignore_ascii_case("host") {
            host = Some(value.trim().to_string());
        } else if h.name.eq_ignore_ascii_case("connection") {
            if value.split(',').any(|v| v.trim() == "close") {
                keep_alive = false;
            } else if value.split(',').any(|v| v.trim() == "keep-alive") {
                keep_alive = true;
            }
        } else if h.name.eq_ignore_ascii_case("transfer-encoding")
            || (h.name.eq_ignore_ascii_case("content-length") && value.trim() != "0")
        {
            has_body = true;
        }
    }
    // A body is never read, so the connection cannot carry another request after it.
    let keep_alive = keep_alive && !has_body;
    Ok(Some((
        Head::Request {
            req: Request {
                method,
                target,
                host,
            },
            keep_alive,
        },
        used,
    )))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

fn write_full(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    location: Option<&str>,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut w = BufWriter::new(stream);
    write!(
        w,
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: {}\r\n",
        reason(status),
        body.len(),
        if keep_alive { "keep-alive" } else { "close" },
    )?;
    if let Some(to) = location {
        write!(w, "Location: {to}\r\n")?;
    }
    w.write_all(b"\r\n")?;
    if !head_only {
        w.write_all(body)?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &str) -> Head {
        read_head(&mut raw.as_bytes(), &mut Vec::new())
    }

    fn req(method: &str, target: &str, keep_alive: bool) -> Head {
        Head::Request {
            req: Request {
                method: method.into(),
                target: target.into(),
                host: None,
            },
            keep_alive,
        }
    }

    #[test]
    fn requests_and_keep_alive() {
        let Head::Request { req: r, .. } = head("GET /a HTTP/1.1\r\nHost: Example:80\r\n\r\n")
        else {
            panic!("not a request")
        };
        assert_eq!(r.host.as_deref(), Some("example:80"));
        assert_eq!(head("GET /a HTTP/1.1\r\n\r\n"), req("GET", "/a", true));
        assert_eq!(
            head("GET /a HTTP/1.1\r\nConnection: close\r\n\r\n"),
            req("GET", "/a", false)
        );
        assert_eq!(head("HEAD / HTTP/1.0\r\n\r\n"), req("HEAD", "/", false));
        assert_eq!(
            head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"),
            req("GET", "/", true)
        );
        assert_eq!(
            head("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"),
            req("POST", "/", false),
            "a body is never read, so the connection ends after the answer"
        );
    }

    #[test]
    fn pipelined_requests_are_read_one_after_another() {
        let mut input = "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n".as_bytes();
        let mut buf = Vec::new();
        assert_eq!(read_head(&mut input, &mut buf), req("GET", "/1", true));
        assert_eq!(read_head(&mut input, &mut buf), req("GET", "/2", true));
        assert_eq!(read_head(&mut input, &mut buf), Head::Closed);
    }

    #[test]
    fn bad_and_oversized_heads_are_refused() {
        assert_eq!(head(""), Head::Closed);
        assert_eq!(
            head("GET / HTTP/1.1\r\nHost: x\r\n"),
            Head::Closed,
            "cut short"
        );
        assert_eq!(head("\u{1}\u{2}garbage\r\n\r\n"), Head::Refuse(400));
        assert_eq!(head("GET / HTTP/9.9\r\n\r\n"), Head::Refuse(505));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: v\r\n")).collect();
        assert_eq!(
            head(&format!("GET / HTTP/1.1\r\n{many}\r\n")),
            Head::Refuse(431)
        );
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(head(&long), Head::Refuse(414));
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "b".repeat(MAX_HEAD));
        assert_eq!(head(&big), Head::Refuse(431));
    }
}
