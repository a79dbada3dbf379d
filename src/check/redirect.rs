//! Following an `http` check's redirects by hand: where a `Location` leads, and whether it is
//! still the same host. The HTTP client forwards every custom header to wherever a redirect
//! points (only `Authorization` and cookies are dropped), so a header holding a secret would
//! be handed to any host the first one names; the check follows a redirect to another host
//! only when no header holds one. Pure.

use ureq::http::Uri;

/// How many redirects a check follows.
pub const MAX: usize = 5;

/// The absolute URL a `Location` value leads to from `base`.
pub fn resolve(base: &str, location: &str) -> Result<String, String> {
    let location = location.trim();
    let base: Uri = base
        .parse()
        .map_err(|_| format!("cannot read the URL `{base}`"))?;
    let scheme = base.scheme_str().unwrap_or("http");
    let authority = base.authority().map_or("", |a| a.as_str());
    let target = if let Some(rest) = location.strip_prefix("//") {
        format!("{scheme}://{rest}")
    } else if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else if has_scheme(location) {
        location.to_string()
    } else {
        // Relative to the folder of the current path (a query alone keeps the whole path).
        let path = base.path();
        let folder = if location.starts_with('?') {
            path
        } else {
            &path[..path.rfind('/').map_or(0, |i| i + 1)]
        };
        let sep = if folder.is_empty() && !location.starts_with('?') {
            "/"
        } else {
            ""
        };
        format!("{scheme}://{authority}{folder}{sep}{location}")
    };
    let uri: Uri = target
        .parse()
        .map_err(|_| format!("redirected to `{location}`, which is not a URL"))?;
    match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
        Some("http" | "https") if uri.host().is_some() => Ok(target),
        _ => Err(format!(
            "redirected to `{location}`; only http and https redirects are followed"
        )),
    }
}

/// Whether `location` starts with a scheme (`https:`), as opposed to a relative path.
fn has_scheme(location: &str) -> bool {
    match location.find(':') {
        Some(i) => {
            let s = &location[..i];
            !s.is_empty()
                && s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// Whether `to` is the same host as `from`: same scheme, host and port, or an upgrade from
/// http to https on the default ports.
pub fn same_host(from: &str, to: &str) -> bool {
    let (Ok(a), Ok(b)) = (from.parse::<Uri>(), to.parse::<Uri>()) else {
        return false;
    };
    let part = |u: &Uri| {
        let scheme = u.scheme_str().unwrap_or("").to_ascii_lowercase();
        let default = if scheme == "https" { 443 } else { 80 };
        let host = u.host().unwrap_or("").to_ascii_lowercase();
        (scheme, host, u.port_u16().unwrap_or(default))
    };
    let (a, b) = (part(&a), part(&b));
    a.1 == b.1
        && (a.0 == b.0 && a.2 == b.2
            || (a.0, a.2, b.0.as_str(), b.2) == ("http".into(), 80, "https", 443))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_current_url() {
        let base = "https://a.example:8443/x/y?q=1";
        for (location, url) in [
            ("https://b.example/z", "https://b.example/z"),
            ("//b.example/z", "https://b.example/z"),
            ("/z?t=1", "https://a.example:8443/z?t=1"),
            ("z", "https://a.example:8443/x/z"),
            ("?p=2", "https://a.example:8443/x/y?p=2"),
            ("HTTP://b.example", "HTTP://b.example"),
        ] {
            assert_eq!(resolve(base, location).unwrap(), url, "{location}");
        }
        assert!(resolve(base, "javascript:alert(1)").is_err());
        assert!(resolve(base, "ftp://b.example/").is_err());
    }

    #[test]
    fn the_same_host_means_scheme_host_and_port() {
        assert!(same_host("http://a.example/x", "http://A.example:80/y"));
        assert!(same_host("http://a.example/", "https://a.example/"));
        assert!(!same_host("https://a.example/", "http://a.example/"));
        assert!(!same_host("http://a.example/", "http://b.example/"));
        assert!(!same_host(
            "http://127.0.0.1:8000/",
            "http://127.0.0.1:9000/"
        ));
    }
}
