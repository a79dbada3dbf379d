//! Signs of life during long work: documents read, pages written, checks still running. The
//! library never prints; it tells the observer the caller passed in ([`Progress`], in
//! `BuildOptions`), and the command line decides whether and how to show it. The default
//! observer ignores everything, so tests and quiet runs pay one branch per event.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A stage whose progress is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Documents read and parsed.
    Read,
    /// Pages rendered or copied from the cache into the output.
    Pages,
    /// Status checks finished.
    Checks,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Read => "documents read",
            Stage::Pages => "pages written",
            Stage::Checks => "checks done",
        }
    }
}

/// What an observer is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event<'a> {
    /// A stage starts with this many units of work.
    Start { stage: Stage, total: usize },
    /// The stage found more work while it ran: this many units in all.
    Total { stage: Stage, total: usize },
    /// `done` units of the stage are finished.
    Advance { stage: Stage, done: usize },
    /// The checks not finished yet, by name (sent whenever one finishes).
    Running { names: &'a [String] },
    /// The stage is over; whatever shows it can go.
    Finish { stage: Stage },
}

type Observer = dyn Fn(&Event<'_>) + Send + Sync;

/// The observer of one build (cheap to clone; `Default` observes nothing).
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<Observer>>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(observed)"
        } else {
            "Progress(off)"
        })
    }
}

impl Progress {
    pub fn new(observer: impl Fn(&Event<'_>) + Send + Sync + 'static) -> Progress {
        Progress(Some(Arc::new(observer)))
    }

    pub fn event(&self, e: &Event<'_>) {
        if let Some(o) = &self.0 {
            o(e);
        }
    }

    /// Starts `stage` and returns its counter, safe to tick from many threads.
    pub fn start(&self, stage: Stage, total: usize) -> Counter<'_> {
        self.event(&Event::Start { stage, total });
        Counter {
            progress: self,
            stage,
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(total),
        }
    }
}

/// Counts one stage's finished units and reports them.
pub struct Counter<'p> {
    progress: &'p Progress,
    stage: Stage,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Counter<'_> {
    /// Adds `more` units to the stage's total, for work listed while the stage runs.
    pub fn grow(&self, more: usize) {
        let total = self.total.fetch_add(more, Ordering::Relaxed) + more;
        self.progress.event(&Event::Total {
            stage: self.stage,
            total,
        });
    }

    pub fn tick(&self) {
        if self.progress.0.is_none() {
            return;
        }
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        self.progress.event(&Event::Advance {
            stage: self.stage,
            done,
        });
    }
}

impl Drop for Counter<'_> {
    fn drop(&mut self) {
        self.progress.event(&Event::Finish { stage: self.stage });
    }
}
