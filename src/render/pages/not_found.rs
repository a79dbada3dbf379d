//! `404.html` (theme template `404.html`): what servers show for an address the site does not
//! have.

use super::{Nothing, PageType, Route};
use crate::render::{Key, Prepared, Renderer};

pub(super) struct NotFound;

impl PageType for NotFound {
    fn name(&self) -> &'static str {
        "not_found"
    }

    fn route(&self) -> Route {
        Route::At("/404.html")
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        r.templated("404.html", "Page not found", self.url(r, key), Nothing {})
    }
}
