//! Mapping a request path to a file of the built site, refusing everything outside it.
//!
//! Pure apart from reading file metadata: no network, no rebuilds. The server calls [`route`]
//! for every request; the tests call it with hostile paths.

use std::path::{Component, Path, PathBuf};

/// Where the live-reload event stream and script live; never a file of the site.
pub const EVENTS_PATH: &str = "/__cairn/events";
pub const SCRIPT_PATH: &str = "/__cairn/live.js";
/// Asks the server to run the status checks again.
pub const CHECK_PATH: &str = "/__cairn/check";

/// Longest request target the server accepts.
pub const MAX_URL: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Serve this file with this content type.
    File(PathBuf, &'static str),
    /// A folder requested without its trailing slash: redirect to it.
    AddSlash(String),
    /// The site's 404 page (or a plain one), with status 404.
    NotFound,
    /// A path that tries to leave the site: 403.
    Forbidden,
    /// A request target longer than [`MAX_URL`]: 414.
    TooLong,
    Events,
    Script,
    /// Run the status checks again.
    Check,
}

/// Resolves `url` (the raw request target) against the site in `root`.
pub fn route(root: &Path, url: &str) -> Route {
    if url.len() > MAX_URL {
        return Route::TooLong;
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS_PATH {
        return Route::Events;
    }
    if path == SCRIPT_PATH {
        return Route::Script;
    }
    if path == CHECK_PATH {
        return Route::Check;
    }
    let Some(decoded) = decode(path) else {
        return Route::Forbidden;
    };
    if !decoded.starts_with('/') || decoded.contains('\0') || decoded.contains('\\') {
        return Route::Forbidden;
    }
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Route::Forbidden;
    }
    let mut file = root.join(rel);
    if file.is_dir() {
        if !decoded.ends_with('/') {
            // One leading slash only: `//name/` would send the browser to the host `name`.
            return Route::AddSlash(format!("/{}/", path.trim_start_matches('/')));
        }
        file = file.join("index.html");
    }
    // Symbolic links inside the output must not lead outside it.
    let (Ok(real), Ok(real_root)) = (file.canonicalize(), root.canonicalize()) else {
        return Route::NotFound;
    };
    if !real.starts_with(&real_root) {
        return Route::Forbidden;
    }
    if !real.is_file() {
        return Route::NotFound;
    }
    let ctype = content_type(&real);
    Route::File(real, ctype)
}

/// Percent-decodes a path; `None` for malformed escapes or text that is not UTF-8.
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script to an HTML page, just before `</body>` (or at the end).
pub fn inject_script(html: &str) -> String {
    let tag = format!("<script src=\"{SCRIPT_PATH}\"></script>\n");
    match html.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &html[..i], &html[i..]),
        None => format!("{html}{tag}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("site/a")).unwrap();
        std::fs::write(dir.path().join("site/index.html"), "home").unwrap();
        std::fs::write(dir.path().join("site/a/index.html"), "a").unwrap();
        std::fs::write(dir.path().join("site/style.css"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        dir
    }

    #[test]
    fn files_folders_and_types() {
        let dir = site();
        let root = dir.path().join("site");
        let real = root.canonicalize().unwrap();
        assert_eq!(
            route(&root, "/"),
            Route::File(real.join("index.html"), "text/html; charset=utf-8")
        );
        assert_eq!(
            route(&root, "/a/?x=1"),
            Route::File(real.join("a/index.html"), "text/html; charset=utf-8")
        );
        assert_eq!(route(&root, "/a"), Route::AddSlash("/a/".into()));
        assert_eq!(route(&root, "//a"), Route::AddSlash("/a/".into()));
        assert_eq!(route(&root, "///a?x"), Route::AddSlash("/a/".into()));
        assert_eq!(
            route(&root, "/style.css"),
            Route::File(real.join("style.css"), "text/css; charset=utf-8")
        );
        assert_eq!(route(&root, "/nope/"), Route::NotFound);
        assert_eq!(route(&root, EVENTS_PATH), Route::Events);
    }

    #[test]
    fn traversal_is_refused() {
        let dir = site();
        let root = dir.path().join("site");
        for bad in [
            "/../secret.txt",
            "/a/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/..%5csecret.txt",
            "/a/%00",
            "/%zz",
            "//etc/passwd",
            "/./index.html",
        ] {
            assert!(
                matches!(route(&root, bad), Route::Forbidden | Route::NotFound),
                "{bad} → {:?}",
                route(&root, bad)
            );
        }
        assert_eq!(route(&root, "/../secret.txt"), Route::Forbidden);
        assert_eq!(
            route(&root, &format!("/{}", "a".repeat(MAX_URL))),
            Route::TooLong
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_leading_outside_are_refused() {
        let dir = site();
        let root = dir.path().join("site");
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("style.css"), root.join("inside.css")).unwrap();
        assert_eq!(route(&root, "/leak.txt"), Route::Forbidden);
        assert!(matches!(route(&root, "/inside.css"), Route::File(..)));
    }

    #[test]
    fn script_goes_before_the_end_of_body() {
        assert_eq!(
            inject_script("<body>x</body></html>"),
            "<body>x<script src=\"/__cairn/live.js\"></script>\n</body></html>"
        );
    }
}
