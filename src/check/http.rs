//! `http`: a URL answers with the expected status, within `warn_ms`/`error_ms`, and (when
//! asked) with a body containing some text. Uses `ureq` (blocking, rustls) bounded by the
//! check's deadline; at most [`BODY_LIMIT`] of the body is read. Redirects are followed here,
//! not by the client, so headers holding secrets never go to another host ([`redirect`]). The body is only quoted in
//! messages as plain text; the page escapes it like every other message.

use std::io::Read;
use std::time::Instant;
use std::sync::Arc;

use super::params::Params as Reader;
use super::{Cx, redirect};
use super::kind::{Check, CheckKind, runnable};
use super::row::Finding;
use crate::yaml::Entry;

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub url: String,
    pub expect_status: u16,
    pub body_contains: Option<String>,
    pub warn_ms: Option<u64>,
    pub error_ms: Option<u64>,
    pub headers: Vec<(String, String)>,
}

/// How much of a response body is read.
pub const BODY_LIMIT: u64 = 1 << 20;

impl Params {
    pub fn read(rest: &[&Entry], p: &mut Reader) -> Option<Params> {
        let mut out = Params {
            url: String::new(),
            expect_status: 200,
            body_contains: None,
            warn_ms: None,
            error_ms: None,
            headers: Vec::new(),
        };
        let mut url = None;
        let keys = &[
            "url",
            "expect_status",
            "body_contains",
            "warn_ms",
            "error_ms",
            "headers",
        ];
        for e in p.keys(rest, keys) {
            match e.key.as_str() {
                "url" => {
                    url = p.text(e).filter(|u| {
                        let ok = u.starts_with("http://") || u.starts_with("https://");
                        if !ok {
                            p.error(
                                e.node.pos,
                                format!("`url` must start with http:// or https://, found `{u}`"),
                            );
                        }
                        ok
                    })
                }
                "expect_status" => match p.uint(e) {
                    Some(s @ 100..=599) => out.expect_status = s as u16,
                    Some(s) => p.error(
                        e.node.pos,
                        format!("`expect_status` {s} is not an HTTP status"),
                    ),
                    None => {}
                },
                "body_contains" => out.body_contains = p.text(e),
                "warn_ms" => out.warn_ms = p.uint(e),
                "error_ms" => out.error_ms = p.uint(e),
                _ => out.headers = p.text_map(e).unwrap_or_default(),
            }
        }
        out.url = p.require(url, "url")?;
        Some(out)
    }
}

pub struct Kind;

impl CheckKind for Kind {
    fn name(&self) -> &'static str {
        "http"
    }

    fn read(&self, rest: &[&Entry], p: &mut Reader) -> Option<Arc<dyn Check>> {
        runnable(Params::read(rest, p))
    }
}

impl Check for Params {
    fn run(&self, cx: &Cx) -> Result<Vec<Finding>, String> {
        run(self, cx)
    }

    fn default_item(&self) -> String {
        self.url.clone()
    }
}

fn run(p: &Params, cx: &Cx) -> Result<Vec<Finding>, String> {
    let url = cx.expand(&p.url)?;
    let follow = !(300..400).contains(&p.expect_status);
    let headers = p
        .headers
        .iter()
        .map(|(name, value)| Ok((name.as_str(), cx.expand(value)?, value.contains("${"))))
        .collect::<Result<Vec<_>, String>>()?;
    let item = p.url.clone();
    let started = Instant::now();
    let mut current = url;
    let mut redirects = 0;
    let mut resp = loop {
        // Each request gets what is left of the deadline, so redirects cannot extend it.
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(cx.remaining()))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(format!("cairn/{} status check", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let mut req = agent.get(&current);
        for (name, value, _) in &headers {
            req = req.header(*name, value.as_str());
        }
        let resp = req.call().map_err(|e| format!("no answer: {e}"))?;
        let location = resp
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok());
        let Some(location) = location.filter(|_| follow && resp.status().is_redirection())
        else {
            break resp;
        };
        if redirects == redirect::MAX {
            return Err(format!(
                "no answer: more than {} redirects",
                redirect::MAX
            ));
        }
        let next = redirect::resolve(&current, location)?;
        if !redirect::same_host(&current, &next) {
            if let Some((name, ..)) = headers.iter().find(|h| h.2) {
                return Ok(vec![Finding::error(
                    item,
                    format!(
                        "redirected to {next}, another host; not followed, as `{name}` holds a secret (point `url` at where the check should go)"
                    ),
                )]);
            }
        }
        current = next;
        redirects += 1;
    };
    let status = resp.status().as_u16();
    let mut body = Vec::new();
    resp.body_mut()
        .as_reader()
        .take(BODY_LIMIT)
        .read_to_end(&mut body)
        .map_err(|e| format!("answered {status}, then reading the body failed: {e}"))?;
    let ms = started.elapsed().as_millis() as u64;
    let body = String::from_utf8_lossy(&body);
    if status != p.expect_status {
        let snippet = snippet(&body);
        let sep = if snippet.is_empty() { "" } else { ": " };
        return Ok(vec![Finding::error(
            item,
            format!(
                "answered {status}, expected {}{sep}{snippet}",
                p.expect_status
            ),
        )]);
    }
    if let Some(needle) = &p.body_contains {
        let needle = cx.expand(needle)?;
        if !body.contains(needle.as_str()) {
            return Ok(vec![Finding::error(
                item,
                format!(
                    "answered {status} in {ms} ms, but the body does not contain `{}`",
                    p.body_contains.as_deref().unwrap_or_default()
                ),
            )]);
        }
    }
    let f = match (p.error_ms, p.warn_ms) {
        (Some(e), _) if ms >= e => Finding::error(
            item,
            format!("answered {status} in {ms} ms, over the error limit of {e} ms"),
        ),
        (_, Some(w)) if ms >= w => Finding::warning(
            item,
            format!("answered {status} in {ms} ms, over the warning limit of {w} ms"),
        ),
        _ => Finding::ok(item, format!("answered {status} in {ms} ms")),
    };
    Ok(vec![f])
}

/// The start of a body as one line of at most 160 characters.
fn snippet(body: &str) -> String {
    let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}
