//! `cairn serve`: build, watch, rebuild on change, and reload open browser tabs.
//!
//! The site is built into a private folder (`.cairn/serve/` by default) with the server's own
//! address as base URL, so a deployable `public/` is never touched. Files are served only from
//! that folder ([`route`]); the reload script is injected into HTML responses by the server
//! and never written to disk. When a rebuild fails, the last good site keeps being served and
//! browsers show the diagnostics in an overlay until the next good build. A rebuild re-reads
//! only the files that changed and rewrites only the pages they affect (see `session`). The
//! status checks run with the first build and again on request (`/__cairn/check`), not on
//! every edit. Binds to 127.0.0.1 unless told otherwise. Reports what happens through a
//! callback; it never prints.

mod http;
mod route;
mod watch;

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use http::{Reply, Request};

use crate::build::BuildOptions;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::session::Session;

pub use route::{CHECK_PATH, EVENTS_PATH, MAX_URL, Route, SCRIPT_PATH, route};
pub use watch::is_ignored;

const LIVE_JS: &str = include_str!("live.js");

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
}

/// What the server reports to its caller (the command line prints these).
#[derive(Debug, Clone)]
pub enum ServeEvent {
    Listening(SocketAddr),
    /// A (re)build succeeded: how many pages were written and how long it took.
    Built {
        pages: usize,
        took: Duration,
        diagnostics: Vec<Diagnostic>,
    },
    /// A rebuild failed; the previous site is still served.
    Failed {
        messages: Vec<String>,
    },
}

/// Browsers' event streams, and the messages of the last failed build (if it failed).
#[derive(Default)]
struct Shared {
    clients: Mutex<Vec<Sender<String>>>,
    failure: Mutex<Option<Vec<String>>>,
    stop: AtomicBool,
}

impl Shared {
    fn broadcast(&self, event: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|c| c.send(event.to_string()).is_ok());
    }
}

/// A running server. Dropping it stops the server and the watcher.
pub struct Handle {
    addr: SocketAddr,
    server: Arc<http::Server>,
    shared: Arc<Shared>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Handle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Blocks until the server stops (it does not, unless its process is told to).
    pub fn wait(mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.server.unblock();
    }
}

/// Builds the site, starts serving it and watching its sources. Returns once the first build
/// is done and the server listens.
pub fn start(
    mut opts: ServeOptions,
    report: Arc<dyn Fn(ServeEvent) + Send + Sync>,
) -> Result<Handle> {
    let server = http::Server::bind(SocketAddr::new(opts.bind, opts.port))
        .map_err(|e| Error::Usage(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port)))?;
    let addr = server.addr();
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let out_dir = opts
        .build
        .output
        .clone()
        .unwrap_or_else(|| opts.build.root.join(".cairn").join("serve"));
    crate::write::guard_output(&opts.build.root, &out_dir)?;
    opts.build.output = Some(out_dir.clone());
    opts.build.base_url = Some(format!("http://{host}:{}/", addr.port()));
    let shared = Arc::new(Shared::default());
    let server = Arc::new(server);

    let mut session = Session::new(opts.build.clone());
    rebuild(&mut session, Work::Everything, &shared, report.as_ref());
    report(ServeEvent::Listening(addr));

    let (tx, rx) = channel();
    let watcher = watch::watch(&opts.build.root, tx.clone())?;
    let mut threads = Vec::new();
    {
        let shared = shared.clone();
        let report = report.clone();
        threads.push(thread::spawn(move || {
            let _watcher = watcher;
            rebuild_loop(session, rx, &shared, report.as_ref());
        }));
    }
    {
        let shared = shared.clone();
        let server = server.clone();
        let recheck = Mutex::new(tx);
        let bind = opts.bind;
        let handler: Arc<http::Handler> = {
            let shared = shared.clone();
            Arc::new(move |req: &Request| {
                if matches!(req.method.as_str(), "GET" | "HEAD")
                    && !allowed_host(req.host.as_deref(), bind)
                {
                    return text(403, "unknown host: open the address cairn serve printed\n");
                }
                handle(req, &out_dir, &shared, &recheck)
            })
        };
        threads.push(thread::spawn(move || server.accept(handler, &shared.stop)));
    }
    Ok(Handle {
        addr,
        server,
        shared,
        threads,
    })
}

/// What the rebuild thread is asked to do.
enum Work {
    /// The first build.
    Everything,
    /// Files changed.
    Changed(Vec<PathBuf>),
    /// Run the status checks again.
    Recheck,
}

fn rebuild_loop(
    mut session: Session,
    rx: Receiver<PathBuf>,
    shared: &Shared,
    report: &(dyn Fn(ServeEvent) + Send + Sync),
) {
    while !shared.stop.load(Ordering::SeqCst) {
        let Ok(first) = rx.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        // Editors write a file in several steps (and some touch it twice); a short pause
        // gathers the burst into one rebuild.
        let mut changed = vec![first];
        while let Ok(p) = rx.recv_timeout(Duration::from_millis(5)) {
            changed.push(p);
        }
        let recheck = changed.iter().any(|p| p.as_os_str() == CHECK_PATH);
        changed.retain(|p| p.as_os_str() != CHECK_PATH);
        changed.sort();
        changed.dedup();
        if !changed.is_empty() {
            rebuild(&mut session, Work::Changed(changed), shared, report);
        }
        if recheck {
            rebuild(&mut session, Work::Recheck, shared, report);
        }
    }
}

fn rebuild(
    session: &mut Session,
    work: Work,
    shared: &Shared,
    report: &(dyn Fn(ServeEvent) + Send + Sync),
) {
    let started = Instant::now();
    let result = match work {
        Work::Everything => session.build(),
        Work::Changed(paths) => session.rebuild(&paths),
        Work::Recheck => session.recheck(),
    };
    let messages = match result {
        Ok(r) if !r.has_errors() => {
            *shared.failure.lock().unwrap_or_else(|e| e.into_inner()) = None;
            shared.broadcast("event: reload\ndata: {}\n\n");
            report(ServeEvent::Built {
                pages: r.files,
                took: started.elapsed(),
                diagnostics: r.diagnostics,
            });
            return;
        }
        Ok(r) => r.diagnostics.iter().map(|d| d.to_string()).collect(),
        Err(e) => match &e {
            Error::Config { diagnostics, .. } => diagnostics
                .iter()
                .map(|d| d.to_string())
                .chain([e.to_string()])
                .collect(),
            _ => vec![e.to_string()],
        },
    };
    let json = serde_json::to_string(&messages).unwrap_or_else(|_| "[]".into());
    *shared.failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(messages.clone());
    shared.broadcast(&format!("event: errors\ndata: {json}\n\n"));
    report(ServeEvent::Failed { messages });
}

/// On a loopback address, only requests naming this machine are answered, so a web page that
/// points its own name at 127.0.0.1 (DNS rebinding) cannot read the preview. Bound to another
/// address on purpose, any name is answered.
fn allowed_host(host: Option<&str>, bind: IpAddr) -> bool {
    if !bind.is_loopback() {
        return true;
    }
    let Some(host) = host else { return true };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    name == "localhost" || name.ends_with(".localhost") || name.parse::<IpAddr>().is_ok()
}

fn text(status: u16, body: &str) -> Reply {
    Reply::new(status, "text/plain; charset=utf-8", body)
}

fn handle(
    req: &Request,
    root: &std::path::Path,
    shared: &Arc<Shared>,
    recheck: &Mutex<Sender<PathBuf>>,
) -> Reply {
    if !matches!(req.method.as_str(), "GET" | "HEAD") {
        return text(405, "only GET and HEAD are served\n");
    }
    match route(root, &req.target) {
        Route::File(path, ctype) => match std::fs::read(&path) {
            Ok(bytes) if ctype.starts_with("text/html") => {
                let html = route::inject_script(&String::from_utf8_lossy(&bytes));
                Reply::new(200, ctype, html)
            }
            Ok(bytes) => Reply::new(200, ctype, bytes),
            Err(_) => not_found(root),
        },
        Route::AddSlash(to) => Reply::Full {
            status: 301,
            content_type: "text/plain; charset=utf-8",
            body: Vec::new(),
            location: Some(to),
        },
        Route::NotFound => not_found(root),
        Route::Forbidden => text(403, "forbidden\n"),
        Route::TooLong => text(414, "request target too long\n"),
        Route::Script => Reply::new(200, "text/javascript; charset=utf-8", LIVE_JS),
        Route::Events => {
            let shared = shared.clone();
            Reply::Stream(Box::new(move |stream| events(stream, &shared)))
        }
        Route::Check => {
            let _ = recheck
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .send(PathBuf::from(CHECK_PATH));
            text(
                202,
                "running the status checks again; pages reload when they are done\n",
            )
        }
    }
}

fn not_found(root: &std::path::Path) -> Reply {
    let body = std::fs::read_to_string(root.join("404.html"))
        .map(|html| route::inject_script(&html))
        .unwrap_or_else(|_| "<!DOCTYPE html><title>Not found</title><h1>Not found</h1>\n".into());
    Reply::new(404, "text/html; charset=utf-8", body)
}

/// A server-sent event stream: the current state first, then every rebuild's outcome.
fn events(w: &mut TcpStream, shared: &Shared) {
    let (tx, rx) = channel();
    let first = match &*shared.failure.lock().unwrap_or_else(|e| e.into_inner()) {
        Some(m) => format!(
            "event: errors\ndata: {}\n\n",
            serde_json::to_string(m).unwrap_or_else(|_| "[]".into())
        ),
        None => "event: ok\ndata: {}\n\n".to_string(),
    };
    shared
        .clients
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(tx);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if w.write_all(head.as_bytes())
        .and_then(|_| w.write_all(first.as_bytes()))
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(m) => m,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(_) => return,
        };
        if shared.stop.load(Ordering::SeqCst)
            || w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err()
        {
            return;
        }
    }
}

/// Reads a whole HTTP response body from a reader, for tests and tools.
pub fn read_all(mut r: impl Read) -> String {
    let mut s = String::new();
    let _ = r.read_to_string(&mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_of_this_machine_reach_a_loopback_server() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        for ok in [
            None,
            Some("127.0.0.1:1111"),
            Some("localhost:1111"),
            Some("localhost"),
            Some("docs.localhost:8080"),
            Some("[::1]:1111"),
        ] {
            assert!(allowed_host(ok, lo), "{ok:?}");
        }
        for bad in [Some("evil.example"), Some("evil.example:1111"), Some("")] {
            assert!(!allowed_host(bad, lo), "{bad:?}");
        }
        assert!(allowed_host(
            Some("evil.example"),
            "0.0.0.0".parse().unwrap()
        ));
    }
}
