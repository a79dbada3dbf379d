//! The dev server's connections: HTTP/1.1 by `hyper` on a single-threaded `tokio` runtime of
//! its own thread, with the bounds that keep one misbehaving client from holding the server.
//!
//! - A request head must arrive whole within [`HEAD_DEADLINE`] of the connection starting to
//!   wait for it (a keep-alive connection waiting for its next request included), and be at
//!   most [`MAX_HEAD`] bytes and [`MAX_HEADERS`] headers.
//! - At most [`MAX_CONNECTIONS`] are open. A connection past that closes the one idle for
//!   longest (waiting for, or reading, a request head) or, if every one is answering, the
//!   oldest; so a fresh client is always answered.
//! - Answers are streamed chunk by chunk (see `body`) as the client reads them.
//!
//! What to answer is `respond`'s; this module never looks at a request.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{oneshot, watch};

use super::body::Tracked;
use super::respond::{Ctx, respond};

/// How long a client has to send a whole request head.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// The longest request head read (request line and headers).
pub const MAX_HEAD: usize = 64 * 1024;
/// The most headers a request may have.
pub const MAX_HEADERS: usize = 100;
/// The most connections open at once.
pub const MAX_CONNECTIONS: usize = 512;

/// Binds the listening socket (before any thread starts, so a taken port is a plain error).
pub fn bind(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Serves `listener` on a thread of its own until `stop` turns true (or its sender goes).
pub fn spawn(
    listener: std::net::TcpListener,
    ctx: Arc<Ctx>,
    stop: watch::Receiver<bool>,
) -> io::Result<thread::JoinHandle<()>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        // File reads run on blocking threads: a few are enough for a local preview, and the
        // bound keeps many downloads from becoming many threads.
        .max_blocking_threads(4)
        .thread_name("cairn-http-files")
        .build()?;
    thread::Builder::new()
        .name("cairn-http".into())
        .spawn(move || {
            runtime.block_on(accept(listener, ctx, stop));
            // Open connections and event streams are dropped with the runtime.
            runtime.shutdown_timeout(Duration::from_secs(1));
        })
}

async fn accept(listener: std::net::TcpListener, ctx: Arc<Ctx>, mut stop: watch::Receiver<bool>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let table = Arc::new(Table::default());
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEAD_DEADLINE)
        .max_buf_size(MAX_HEAD)
        .max_headers(MAX_HEADERS)
        // A client may send its request and shut its side of the connection: it still gets
        // its answer.
        .half_close(true)
        .keep_alive(true);
    let http = Arc::new(http);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, or a connection reset before it was accepted:
                // pause rather than spin, then go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.wait_for(|stop| *stop) => return,
        };
        let _ = stream.set_nodelay(true);
        let (id, evicted) = table.admit();
        let (table, ctx, http) = (table.clone(), ctx.clone(), http.clone());
        tokio::spawn(async move {
            let _open = Open {
                table: table.clone(),
                id,
            };
            let service = service_fn(move |req| {
                let busy = Busy::new(table.clone(), id);
                let ctx = ctx.clone();
                async move {
                    let response = respond(req, &ctx).await;
                    Ok::<_, Infallible>(response.map(|body| Tracked::new(body, busy)))
                }
            });
            let conn = http.serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = evicted => {}
            }
        });
    }
}

/// The open connections, by the order they were accepted in.
#[derive(Default)]
struct Table {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next: u64,
    open: BTreeMap<u64, Entry>,
}

struct Entry {
    /// Answers being sent (a pipelined or event-stream answer can outlive its request).
    answering: usize,
    /// Since when nothing has been answered: the moment it was accepted or last answered.
    idle_since: Instant,
    /// Dropped (or fired) to close the connection.
    evict: oneshot::Sender<()>,
}

impl Table {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a new connection, closing others first if the table is full. Returns its id and
    /// what resolves when it is to be closed.
    fn admit(&self) -> (u64, oneshot::Receiver<()>) {
        let mut inner = self.lock();
        while inner.open.len() >= MAX_CONNECTIONS {
            let idle = inner
                .open
                .iter()
                .filter(|(_, e)| e.answering == 0)
                .min_by_key(|(_, e)| e.idle_since)
                .map(|(id, _)| *id);
            let Some(victim) = idle.or_else(|| inner.open.keys().next().copied()) else {
                break;
            };
            if let Some(entry) = inner.open.remove(&victim) {
                let _ = entry.evict.send(());
            }
        }
        let id = inner.next;
        inner.next += 1;
        let (evict, evicted) = oneshot::channel();
        inner.open.insert(
            id,
            Entry {
                answering: 0,
                idle_since: Instant::now(),
                evict,
            },
        );
        (id, evicted)
    }

    fn answering(&self, id: u64, starts: bool) {
        let mut inner = self.lock();
        if let Some(e) = inner.open.get_mut(&id) {
            if starts {
                e.answering += 1;
            } else {
                e.answering = e.answering.saturating_sub(1);
                e.idle_since = Instant::now();
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().open.len()
    }
}

/// A connection's place in the table, given up when its task ends however it ends.
struct Open {
    table: Arc<Table>,
    id: u64,
}

impl Drop for Open {
    fn drop(&mut self) {
        self.table.lock().open.remove(&self.id);
    }
}

/// An answer in flight on a connection; it is idle again once every such guard is dropped.
struct Busy {
    table: Arc<Table>,
    id: u64,
}

impl Busy {
    fn new(table: Arc<Table>, id: u64) -> Busy {
        table.answering(id, true);
        Busy { table, id }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.table.answering(self.id, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_table_closes_the_connection_idle_longest() {
        let table = Arc::new(Table::default());
        let mut closed = Vec::new();
        for _ in 0..MAX_CONNECTIONS {
            closed.push(table.admit().1);
        }
        // The first two are answering; the third has been idle the longest of the rest.
        let _a = Busy::new(table.clone(), 0);
        let _b = Busy::new(table.clone(), 1);
        table.lock().open.get_mut(&2).unwrap().idle_since -= Duration::from_secs(60);
        let (id, _) = table.admit();
        assert_eq!(id, MAX_CONNECTIONS as u64);
        assert_eq!(table.len(), MAX_CONNECTIONS);
        assert!(closed[2].try_recv().is_ok(), "the longest idle is closed");
        assert!(closed[0].try_recv().is_err() && closed[1].try_recv().is_err());
        assert!(closed[3].try_recv().is_err());
        // Next in line: the oldest idle one.
        table.admit();
        assert!(closed[3].try_recv().is_ok());
    }

    #[test]
    fn when_every_connection_is_answering_the_oldest_goes() {
        let table = Arc::new(Table::default());
        let mut closed = Vec::new();
        let mut busy = Vec::new();
        for i in 0..MAX_CONNECTIONS as u64 {
            closed.push(table.admit().1);
            busy.push(Busy::new(table.clone(), i));
        }
        table.admit();
        assert!(closed[0].try_recv().is_ok());
        assert!(closed[1].try_recv().is_err());
        // A guard of a closed connection changes nothing.
        drop(busy);
        assert_eq!(table.len(), MAX_CONNECTIONS);
    }
}
