//! What the dev server answers to one request: the checks every request passes (one `Host`,
//! naming this machine on a loopback address; an origin-form target), then the route's
//! answer: a file of the built site (streamed by `tower-http`, pages with the reload script
//! spliced in), a redirect, the site's 404 page, the event stream, or the checks re-run.
//!
//! Request bodies are never read: anything that sends one gets its answer and the connection
//! is closed. Nothing here knows about sockets or connection limits (see `server`).

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use hyper::body::{Body as _, Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use tokio::sync::{mpsc, watch};
use tower_http::csrf::CsrfLayer;
use tower_http::services::ServeFile;
use tower_layer::Layer;
use tower_service::Service;

use super::body::{self, Body, Channel, Spliced};
use super::route::{self, CHECK_PATH, Route, SCRIPT_PATH};

const LIVE_JS: &str = include_str!("live.js");
const CHECK_PAGE: &str = include_str!("check.html");
/// The longest 404 page read into memory (it is the site's own; a larger one gets a plain
/// page instead).
const MAX_404: u64 = 1 << 20;
/// How often an idle event stream gets a comment, so a closed tab is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The state browsers learn from the event stream.
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// The messages of the last build, when it failed.
    pub failure: Option<Vec<String>>,
    /// The event sent when this state was reached (`reload` or `errors`).
    pub event: Bytes,
}

impl Live {
    /// What a browser connecting now is told first.
    fn current(&self) -> Bytes {
        match &self.failure {
            Some(m) => errors_event(m),
            None => Bytes::from_static(b"event: ok\ndata: {}\n\n"),
        }
    }
}

pub fn errors_event(messages: &[String]) -> Bytes {
    let json = serde_json::to_string(messages).unwrap_or_else(|_| "[]".into());
    Bytes::from(format!("event: errors\ndata: {json}\n\n"))
}

pub fn reload_event() -> Bytes {
    Bytes::from_static(b"event: reload\ndata: {}\n\n")
}

/// What every request is answered with the help of.
pub struct Ctx {
    /// The built site.
    pub root: PathBuf,
    /// The address listened on (it decides which `Host` names are answered).
    pub bind: IpAddr,
    pub live: watch::Receiver<Live>,
    /// Asks the rebuild thread to run the checks again.
    pub recheck: Sender<PathBuf>,
}

pub async fn respond(req: Request<Incoming>, ctx: &Ctx) -> Response<Body> {
    let has_body = !req.body().is_end_stream();
    let mut response = answer(req, ctx).await;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if has_body {
        // The body is never read, so the connection cannot carry another request after it.
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

async fn answer(req: Request<Incoming>, ctx: &Ctx) -> Response<Body> {
    let mut hosts = req.headers().get_all(header::HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (None, _) => None,
        (Some(h), None) => match h.to_str() {
            Ok(h) => Some(h.to_ascii_lowercase()),
            Err(_) => return text(StatusCode::BAD_REQUEST, "unreadable Host header\n"),
        },
        (Some(_), Some(_)) => return text(StatusCode::BAD_REQUEST, "more than one Host header\n"),
    };
    if req.uri().scheme().is_some() || req.uri().authority().is_some() {
        // Absolute-form targets are for proxies; this is not one.
        return text(StatusCode::BAD_REQUEST, "request target must be a path\n");
    }
    // Only the checks' address takes a POST; everything else is refused before anything is
    // looked up.
    if req.uri().path() != CHECK_PATH && !matches!(*req.method(), Method::GET | Method::HEAD) {
        let mut r = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    if !allowed_host(host.as_deref(), ctx.bind) {
        return text(
            StatusCode::FORBIDDEN,
            "unknown host: open the address cairn serve printed\n",
        );
    }
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    let route = route::route(&ctx.root, &target);
    let head = *req.method() == Method::HEAD;
    match route {
        Route::File(path, ctype) if ctype.starts_with("text/html") => {
            page(&path, ctype, head, &ctx.root).await
        }
        Route::File(path, ctype) => file(req, &path, ctype, &ctx.root).await,
        Route::AddSlash(to) => {
            let mut r = Response::new(body::empty());
            *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
            if let Ok(to) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, to);
            }
            r
        }
        Route::NotFound => not_found(&ctx.root).await,
        Route::Forbidden => text(StatusCode::FORBIDDEN, "forbidden\n"),
        Route::TooLong => text(StatusCode::URI_TOO_LONG, "request target too long\n"),
        Route::Script => typed(StatusCode::OK, "text/javascript; charset=utf-8", LIVE_JS),
        Route::Events => events(ctx.live.clone()),
        Route::Check => check(req, ctx).await,
    }
}

/// On a loopback address, only requests naming this machine are answered, so a web page that
/// points its own name at 127.0.0.1 (DNS rebinding) cannot read the preview. Bound to another
/// address on purpose, any name is answered.
pub fn allowed_host(host: Option<&str>, bind: IpAddr) -> bool {
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

fn typed(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response<Body> {
    let mut r = Response::new(body::full(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    typed(status, "text/plain; charset=utf-8", body)
}

/// `GET` shows a page with a button; only a same-origin `POST` (the button's, or a
/// non-browser client's) runs the checks, so no other web page can make this machine run
/// them. The cross-origin rule is `tower-http`'s (Sec-Fetch-Site, then Origin against Host).
async fn check(req: Request<Incoming>, ctx: &Ctx) -> Response<Body> {
    match *req.method() {
        Method::GET | Method::HEAD => {
            let mut r = typed(StatusCode::OK, "text/html; charset=utf-8", CHECK_PAGE);
            // The button must not be clickable through another page's frame.
            let h = r.headers_mut();
            h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("frame-ancestors 'none'"),
            );
            r
        }
        Method::POST => {
            let mut probe = Request::new(());
            *probe.method_mut() = req.method().clone();
            *probe.uri_mut() = req.uri().clone();
            *probe.headers_mut() = req.headers().clone();
            let verdict = CsrfLayer::new().layer(Allow).call(probe).await;
            if !matches!(verdict, Ok(ref r) if r.status().is_success()) {
                return text(
                    StatusCode::FORBIDDEN,
                    "only a page of this server can run the checks\n",
                );
            }
            let _ = ctx.recheck.send(PathBuf::from(CHECK_PATH));
            text(
                StatusCode::ACCEPTED,
                "running the status checks again; pages reload when they are done\n",
            )
        }
        _ => {
            let mut r = text(
                StatusCode::METHOD_NOT_ALLOWED,
                "use POST to run the checks\n",
            );
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD, POST"));
            r
        }
    }
}

/// The service behind the cross-origin check: a request that reaches it passed.
#[derive(Clone, Copy)]
struct Allow;

impl Service<Request<()>> for Allow {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        ready(Ok(Response::new(())))
    }
}

/// A file that is not a page, streamed with `HEAD`, ranges and validators by `tower-http`;
/// the content type is the site's own (see `route::content_type`).
async fn file(
    req: Request<Incoming>,
    path: &Path,
    ctype: &'static str,
    root: &Path,
) -> Response<Body> {
    let (parts, _) = req.into_parts();
    let req = Request::from_parts(parts, ());
    let Ok(response) = ServeFile::new(path).try_call(req).await else {
        return not_found(root).await;
    };
    if response.status() == StatusCode::NOT_FOUND {
        return not_found(root).await;
    }
    let mut response = response.map(http_body_util::BodyExt::boxed_unsync);
    if response.status().is_success() {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    }
    response
}

/// A page, with the reload script added before its last `</body>` (or at its end), streamed.
/// Only the page's last [`body::CHUNK`] bytes are read to find the place; `HEAD` reads
/// nothing, since the length does not depend on where the script goes.
async fn page(path: &Path, ctype: &'static str, head: bool, root: &Path) -> Response<Body> {
    let tag = script_tag();
    let path = path.to_path_buf();
    let opened = tokio::task::spawn_blocking(move || -> std::io::Result<_> {
        let mut file = std::fs::File::open(&path)?;
        let len = file.metadata()?.len();
        if head {
            return Ok((file, len, len));
        }
        let at = splice_point(&mut file, len)?;
        Ok((file, len, at))
    })
    .await;
    let Ok(Ok((file, len, at))) = opened else {
        return not_found(root).await;
    };
    let mut r = if head {
        Response::new(body::empty())
    } else {
        Response::new(http_body_util::BodyExt::boxed_unsync(Spliced::new(
            tokio::fs::File::from_std(file),
            at,
            len,
            tag.clone(),
        )))
    };
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(len + tag.len() as u64),
    );
    r
}

fn script_tag() -> Bytes {
    Bytes::from(format!("<script src=\"{SCRIPT_PATH}\"></script>\n"))
}

/// Where the reload script goes in a page of `len` bytes: before the last `</body>` among its
/// final bytes, else at the end. Leaves `file` at its start.
fn splice_point(file: &mut std::fs::File, len: u64) -> std::io::Result<u64> {
    use std::io::{Seek, SeekFrom};
    let from = len.saturating_sub(body::CHUNK as u64);
    file.seek(SeekFrom::Start(from))?;
    let mut tail = Vec::with_capacity((len - from) as usize);
    file.by_ref().take(len - from).read_to_end(&mut tail)?;
    file.seek(SeekFrom::Start(0))?;
    let at = tail
        .windows(7)
        .rposition(|w| w == b"</body>")
        .map_or(len, |i| from + i as u64);
    Ok(at)
}

/// The site's own 404 page (with the reload script), or a plain one.
async fn not_found(root: &Path) -> Response<Body> {
    let path = root.join("404.html");
    let html = tokio::task::spawn_blocking(move || {
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_404 + 1).read_to_end(&mut bytes))
            .ok()
            .filter(|&n| n as u64 <= MAX_404)
            .map(|_| route::inject_script(&String::from_utf8_lossy(&bytes)))
    })
    .await
    .ok()
    .flatten()
    .unwrap_or_else(|| "<!DOCTYPE html><title>Not found</title><h1>Not found</h1>\n".into());
    typed(StatusCode::NOT_FOUND, "text/html; charset=utf-8", html)
}

/// A server-sent event stream: the current state first, then every rebuild's outcome, and a
/// comment now and then so a closed tab is noticed and its task ends.
fn events(mut live: watch::Receiver<Live>) -> Response<Body> {
    let (tx, rx) = mpsc::channel::<Bytes>(4);
    tokio::spawn(async move {
        let first = live.borrow_and_update().current();
        if tx.send(first).await.is_err() {
            return;
        }
        loop {
            let msg = tokio::select! {
                changed = live.changed() => match changed {
                    Ok(()) => live.borrow_and_update().event.clone(),
                    Err(_) => return,
                },
                _ = tokio::time::sleep(KEEP_ALIVE) => Bytes::from_static(b": keep-alive\n\n"),
                _ = tx.closed() => return,
            };
            if tx.send(msg).await.is_err() {
                return;
            }
        }
    });
    let mut r = Response::new(http_body_util::BodyExt::boxed_unsync(Channel(rx)));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    r
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

    #[test]
    fn the_script_goes_before_the_last_end_of_body_in_the_tail() {
        let dir = tempfile::tempdir().unwrap();
        let at = |text: &str| {
            let path = dir.path().join("p.html");
            std::fs::write(&path, text).unwrap();
            let mut f = std::fs::File::open(&path).unwrap();
            splice_point(&mut f, text.len() as u64).unwrap()
        };
        assert_eq!(at("<body>x</body></html>"), 7);
        assert_eq!(at("<body>x</body><!-- </body> -->"), 19);
        assert_eq!(at("no body"), 7);
        assert_eq!(at(""), 0);
        let long = format!("<body>{}</body>", "x".repeat(3 * body::CHUNK));
        assert_eq!(at(&long), (long.len() - 7) as u64);
    }
}
