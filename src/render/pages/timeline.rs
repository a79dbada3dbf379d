//! `/timeline/`: every document (not pages) by date across kinds, oldest first and grouped by
//! year, so a newcomer can read how the thinking evolved.
//!
//! Front matter has no date per status change, so events are derived from what it has and
//! what its status means (the kinds table): `created` (labelled with the status for records
//! settled when written, as accepted or rejected ADRs are), `updated`, a superseded status on
//! the date the superseding document was created, and a retired status on the last
//! `updated`. A date nobody wrote is never invented.

use jiff::civil::Date;
use serde::Serialize;

use super::{PageType, Route};
use crate::kinds::Meaning;
use crate::relation::Relation;
use crate::render::views::LinkView;
use crate::render::{Key, Prepared, Renderer, humanize_key};

pub(super) struct Timeline;

/// One dated event.
#[derive(Debug, Clone, Serialize)]
struct EventView<'r> {
    date: String,
    /// `created`, `updated`, or the status the document reached (`accepted`, `superseded`…).
    event: String,
    label: String,
    link: &'r LinkView,
    /// The document that caused the event (what superseded this one).
    by: Option<&'r LinkView>,
}

#[derive(Debug, Clone, Serialize)]
struct YearView<'r> {
    year: i16,
    events: Vec<EventView<'r>>,
}

#[derive(Serialize)]
struct TimelineView<'r> {
    years: Vec<YearView<'r>>,
}

/// Same-day events read in this order: creation (or the decision made when written), update,
/// supersession, retirement.
const CREATED: u8 = 0;
const UPDATED: u8 = 1;
const SUPERSEDED: u8 = 2;
const RETIRED: u8 = 3;

impl PageType for Timeline {
    fn name(&self) -> &'static str {
        "timeline"
    }

    fn route(&self) -> Route {
        Route::At("/timeline/")
    }

    fn href(&self) -> Option<&'static str> {
        Some("timeline_href")
    }

    fn sitemap(&self, _r: &Renderer<'_>, _key: &Key) -> Option<Option<Date>> {
        Some(None)
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let years = TimelineView { years: years(r) };
        r.templated("timeline.html", "Timeline", self.url(r, key), years)
    }
}

fn years<'r>(r: &'r Renderer<'r>) -> Vec<YearView<'r>> {
        let site = r.site;
        let page = r.config.kinds.page();
        let mut events: Vec<(Date, u8, usize, EventView)> = Vec::new();
        let mut push = |date: Date, event: &str, rank: u8, i: usize, by: Option<usize>| {
            events.push((
                date,
                rank,
                i,
                EventView {
                    date: date.to_string(),
                    event: event.to_string(),
                    label: humanize_key(event),
                    link: &r.views[i],
                    by: by.map(|j| &r.views[j]),
                },
            ));
        };
        for (i, d) in site.docs.iter().enumerate() {
            if d.is_index || d.kind == page {
                continue;
            }
            let status = d.status.as_deref().unwrap_or("");
            let meaning = d
                .status
                .as_deref()
                .map(|s| r.config.kinds.get(d.kind).meaning(s));
            let mut dated: Vec<Date> = Vec::new();
            if let Some(c) = d.created {
                let settled = matches!(meaning, Some(Meaning::Accepted | Meaning::Rejected));
                let event = if settled { status } else { "created" };
                push(c, event, CREATED, i, None);
                dated.push(c);
            }
            if meaning == Some(Meaning::Superseded) {
                // The earliest document that supersedes this one is when it stopped applying.
                let by = site.inverse[i]
                    .iter()
                    .filter(|(r, _)| *r == Relation::Supersedes)
                    .map(|&(_, j)| j)
                    .min_by_key(|&j| (site.docs[j].created.or(site.docs[j].updated), j));
                let when = by
                    .and_then(|j| site.docs[j].created.or(site.docs[j].updated))
                    .or(d.updated);
                if let Some(w) = when {
                    push(w, status, SUPERSEDED, i, by);
                    dated.push(w);
                }
            }
            if let Some(u) = d.updated.filter(|u| !dated.contains(u)) {
                if meaning == Some(Meaning::Retired) {
                    push(u, status, RETIRED, i, None);
                } else {
                    push(u, "updated", UPDATED, i, None);
                }
            }
        }
        events.sort_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| site.docs[a.2].title.cmp(&site.docs[b.2].title))
                .then(a.2.cmp(&b.2))
        });
        let mut years: Vec<YearView> = Vec::new();
        for (date, _, _, event) in events {
            match years.last_mut() {
                Some(y) if y.year == date.year() => y.events.push(event),
                _ => years.push(YearView {
                    year: date.year(),
                    events: vec![event],
                }),
            }
        }
        years
}
