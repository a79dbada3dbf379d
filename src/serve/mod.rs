//! `cairn serve`: build, watch, rebuild on change, and reload open browser tabs.
//!
//! The site is built into a private folder (`.cairn/serve/` by default) with the server's own
//! address as base URL, so a deployable `public/` is never touched. Files are served only from
//! that folder ([`route`]); the reload script is injected into HTML responses by the server
//! and never written to disk. When a rebuild fails, the last good site keeps being served and
//! browsers show the diagnostics in an overlay until the next good build. A rebuild re-reads
//! only the files that changed and rewrites only the pages they affect (see `session`), the
//! edited pages first: browsers reload then, and again once the rest is done; newer edits cut
//! the rest short, and the first quiet moment after them finishes it. The
//! status checks run with the first build and again on request (a same-origin `POST` to
//! `/__cairn/check`), not on every edit. Binds to 127.0.0.1 unless told otherwise. Reports
//! what happens through a callback; it never prints, and installs no signal handler: the
//! caller stops it with [`Handle::shutdown`] or a [`Stopper`].
//!
//! The async stack (`tokio`, `hyper`, `tower-http`) stays inside this module: connections
//! and their bounds in `server`, answers in `respond`, streamed bodies in `body`. Rebuilds
//! run on a plain thread, as everywhere else.

mod body;
mod respond;
mod route;
mod server;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::build::BuildOptions;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::session::{Session, Steps};

pub use route::{CHECK_PATH, EVENTS_PATH, MAX_URL, Route, SCRIPT_PATH, route};
pub use server::{HEAD_DEADLINE, MAX_CONNECTIONS, MAX_HEAD, MAX_HEADERS};
pub use watch::is_ignored;

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

/// Tells the server and its rebuild thread to stop; cheap to clone and to call from any
/// thread (a signal handler's, say), any number of times.
#[derive(Clone)]
pub struct Stopper(Arc<tokio::sync::watch::Sender<bool>>);

impl Stopper {
    /// Stops accepting connections, closes the open ones and ends the rebuild thread once its
    /// current build (if any) is done; [`Handle::wait`] then returns.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }

    fn stopped(&self) -> bool {
        *self.0.borrow()
    }
}

/// A running server. Dropping it stops the server and the watcher.
pub struct Handle {
    addr: SocketAddr,
    stopper: Stopper,
    http: Option<thread::JoinHandle<()>>,
    rebuilds: Option<thread::JoinHandle<()>>,
}

impl Handle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server (see [`Stopper::stop`]).
    pub fn shutdown(&self) {
        self.stopper.stop();
    }

    /// A way to stop the server from another thread while this one waits in [`Handle::wait`].
    pub fn stopper(&self) -> Stopper {
        self.stopper.clone()
    }

    /// Blocks until the server stops: when [`Handle::shutdown`] or a [`Stopper`] is called.
    pub fn wait(mut self) {
        for t in [self.http.take(), self.rebuilds.take()]
            .into_iter()
            .flatten()
        {
            let _ = t.join();
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.stopper.stop();
        // The connections go with the server's runtime, so the port is free once this returns.
        if let Some(t) = self.http.take() {
            let _ = t.join();
        }
    }
}

/// Builds the site, starts serving it and watching its sources. Returns once the first build
/// is done and the server listens.
pub fn start(
    mut opts: ServeOptions,
    report: Arc<dyn Fn(ServeEvent) + Send + Sync>,
) -> Result<Handle> {
    // Before listening: a folder that is no site gets the message, not a server of 404s.
    crate::pipeline::require_site(&opts.build.root)?;
    let cannot_listen = |e: std::io::Error| {
        Error::Usage(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))
    };
    let listener = server::bind(SocketAddr::new(opts.bind, opts.port)).map_err(cannot_listen)?;
    let addr = listener.local_addr().map_err(cannot_listen)?;
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
    crate::write::guard_output(
        &opts.build.root,
        &out_dir,
        &crate::source::ContentDir::default(),
    )?;
    opts.build.output = Some(out_dir.clone());
    opts.build.base_url = Some(format!("http://{host}:{}/", addr.port()));
    let (live, live_rx) = tokio::sync::watch::channel(respond::Live::default());
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let stopper = Stopper(Arc::new(stop));

    let mut session = Session::new(opts.build.clone());
    let (tx, rx) = channel();
    rebuild(
        &mut session,
        Work::Everything,
        &live,
        report.as_ref(),
        &|| false,
    );

    let watcher = watch::watch(&opts.build.root, &session.content(), tx.clone())?;
    let ctx = Arc::new(respond::Ctx {
        root: out_dir,
        bind: opts.bind,
        live: live_rx,
        recheck: tx,
    });
    let http = server::spawn(listener, ctx, stop_rx).map_err(cannot_listen)?;
    report(ServeEvent::Listening(addr));
    let rebuilds = {
        let stopper = stopper.clone();
        thread::spawn(move || {
            let _watcher = watcher;
            rebuild_loop(session, rx, &live, &stopper, report.as_ref());
        })
    };
    Ok(Handle {
        addr,
        stopper,
        http: Some(http),
        rebuilds: Some(rebuilds),
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

type Live = tokio::sync::watch::Sender<respond::Live>;

/// The paths the watcher reported and nobody took yet. A rebuild asks it, between pages,
/// whether more work came in (see [`Steps`]).
struct Inbox {
    rx: Mutex<(Receiver<PathBuf>, Vec<PathBuf>)>,
}

impl Inbox {
    /// Whether anything came in since the last [`Inbox::take`].
    fn waiting(&self) -> bool {
        let mut guard = self.rx.lock().unwrap_or_else(|e| e.into_inner());
        let (rx, got) = &mut *guard;
        got.extend(rx.try_iter());
        !got.is_empty()
    }

    /// What came in, waiting up to `wait` for a first path; editors write a file in several
    /// steps (and some touch it twice), so a short pause gathers the burst into one rebuild.
    fn take(&self, wait: Duration) -> Vec<PathBuf> {
        let mut guard = self.rx.lock().unwrap_or_else(|e| e.into_inner());
        let (rx, got) = &mut *guard;
        if got.is_empty() {
            match rx.recv_timeout(wait) {
                Ok(p) => got.push(p),
                Err(_) => return Vec::new(),
            }
        }
        while let Ok(p) = rx.recv_timeout(Duration::from_millis(5)) {
            got.push(p);
        }
        std::mem::take(got)
    }
}

fn rebuild_loop(
    mut session: Session,
    rx: Receiver<PathBuf>,
    live: &Live,
    stopper: &Stopper,
    report: &(dyn Fn(ServeEvent) + Send + Sync),
) {
    let inbox = Inbox {
        rx: Mutex::new((rx, Vec::new())),
    };
    // A rebuild stopped for newer edits, with no rebuild since: the next idle moment
    // finishes it.
    let mut unfinished = false;
    let waiting = || inbox.waiting();
    while !stopper.stopped() {
        let mut changed = inbox.take(Duration::from_millis(200));
        if changed.is_empty() {
            if unfinished {
                unfinished = rebuild(&mut session, Work::Changed(changed), live, report, &waiting);
            }
            continue;
        }
        let recheck = changed.iter().any(|p| p.as_os_str() == CHECK_PATH);
        changed.retain(|p| p.as_os_str() != CHECK_PATH);
        changed.sort();
        changed.dedup();
        if !changed.is_empty() {
            unfinished = rebuild(&mut session, Work::Changed(changed), live, report, &waiting);
        }
        if recheck {
            unfinished = rebuild(&mut session, Work::Recheck, live, report, &waiting);
        }
    }
}

/// Runs one (re)build and tells browsers and the caller how it went; `interrupted` says
/// whether newer edits wait. Returns whether it stopped early for them (and is to be
/// finished).
fn rebuild(
    session: &mut Session,
    work: Work,
    live: &Live,
    report: &(dyn Fn(ServeEvent) + Send + Sync),
    interrupted: &(dyn Fn() -> bool + Sync),
) -> bool {
    let started = Instant::now();
    // Open tabs reload once the edited pages are written, and again once the rest is.
    let fresh = || {
        live.send_replace(respond::Live {
            failure: None,
            event: respond::reload_event(),
        });
    };
    let steps = Steps {
        fresh: Some(&fresh),
        interrupted: Some(interrupted),
    };
    let result = match work {
        Work::Everything => session.build(),
        Work::Changed(paths) => session.rebuild_with(&paths, &steps),
        Work::Recheck => session.recheck(),
    };
    let messages = match result {
        Ok(r) if !r.has_errors() => {
            let unfinished = session.unfinished();
            if !unfinished {
                fresh();
            }
            report(ServeEvent::Built {
                pages: r.files,
                took: started.elapsed(),
                diagnostics: r.diagnostics,
            });
            return unfinished;
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
    live.send_replace(respond::Live {
        event: respond::errors_event(&messages),
        failure: Some(messages.clone()),
    });
    report(ServeEvent::Failed { messages });
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuild_asking_for_newer_edits_keeps_them_for_the_next_one() {
        let (tx, rx) = channel();
        let inbox = Inbox {
            rx: Mutex::new((rx, Vec::new())),
        };
        assert!(!inbox.waiting());
        assert!(inbox.take(Duration::from_millis(1)).is_empty());
        tx.send(PathBuf::from("a.md")).unwrap();
        assert!(inbox.waiting(), "an edit came in");
        assert!(inbox.waiting(), "and waits until taken");
        tx.send(PathBuf::from("b.md")).unwrap();
        assert_eq!(
            inbox.take(Duration::from_millis(1)),
            [PathBuf::from("a.md"), PathBuf::from("b.md")]
        );
        assert!(!inbox.waiting());
    }
}
