//! The theme's and the site's static files (`/static/<name>`, and the generated
//! `syntax.css`), copied as they are; pages reach them by `site.assets`, with a version
//! parameter that changes with their bytes.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::{PageType, Route};
use crate::names::{BaseUrl, UrlPath};
use crate::render::{Key, Prepared, Renderer};

pub(super) struct Asset;

/// The file's bytes, as bytes.
struct Bytes<'r>(&'r [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

fn url_of(name: &str) -> UrlPath {
    UrlPath::file(&format!("static/{name}"))
}

/// `site.assets`: each static file's address by a name templates can write (`style_css`).
pub(in crate::render) fn asset_hrefs(
    base: &BaseUrl,
    statics: &BTreeMap<String, Vec<u8>>,
) -> BTreeMap<String, String> {
    statics
        .iter()
        .map(|(name, bytes)| {
            (
                name.replace(['.', '/', '-'], "_"),
                format!("{}?v={:08x}", base.href(&url_of(name)), fnv(bytes)),
            )
        })
        .collect()
}

/// A small stable hash for cache-busting asset URLs.
fn fnv(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

fn name_of(key: &Key) -> &str {
    match key {
        Key::Name(n) => n,
        other => unreachable!("a static file is keyed by its name, not {other:?}"),
    }
}

impl PageType for Asset {
    fn name(&self) -> &'static str {
        "static"
    }

    fn route(&self) -> Route {
        Route::Under("/static/")
    }

    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        r.statics.keys().cloned().map(Key::Name).collect()
    }

    fn url(&self, _r: &Renderer<'_>, key: &Key) -> UrlPath {
        url_of(name_of(key))
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let bytes = Bytes(&r.statics[name_of(key)]);
        r.direct(self.url(r, key), bytes, |b| b.0.to_vec())
    }
}
