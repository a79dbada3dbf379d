//! `status/status.json`: the status checks' report as data, beside the status page inside the
//! reserved `/status/` folder; only when the checks ran. Never cached: it carries the time
//! they ran.

use super::{PageType, Route};
use crate::render::{Key, Prepared, Renderer};

pub(super) struct StatusJson;

impl PageType for StatusJson {
    fn name(&self) -> &'static str {
        "status_json"
    }

    fn route(&self) -> Route {
        Route::At("/status/status.json")
    }

    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        r.env.status.map(|_| Key::One).into_iter().collect()
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let report = r.env.status.expect("status.json exists only with a report");
        Prepared::unviewed(self.url(r, key), move || {
            Ok(crate::check::format::json(report, &r.config.base_url).into_bytes())
        })
    }
}
