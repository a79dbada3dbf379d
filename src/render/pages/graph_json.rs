//! `graph.json`: the relation graph as data for dashboards and scripts, documented in
//! `docs/graph-json.md`; written directly, not by a template.

use super::{PageType, Route};
use crate::graph::JsonGraph;
use crate::names::UrlPath;
use crate::render::{Key, Prepared, Renderer};

pub(super) struct GraphJson;

const AT: &str = "/graph.json";

/// Where the file is, for the graph page's link to it.
pub(super) fn url() -> UrlPath {
    UrlPath::file(AT)
}

impl PageType for GraphJson {
    fn name(&self) -> &'static str {
        "graph_json"
    }

    fn route(&self) -> Route {
        Route::At(AT)
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let view = r.graph().json_view(r.site, r.config);
        r.direct(self.url(r, key), view, |v: &JsonGraph| {
            v.write().into_bytes()
        })
    }
}
