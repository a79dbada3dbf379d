//! What a check kind is. Each kind is one file with one unit type implementing [`CheckKind`]
//! (its name in `site.yaml` and how its own keys are read) and one parameter type implementing
//! [`Check`] (how it runs, which item its error row names). The list of kinds is written once,
//! in `check/mod.rs`; everything that enumerates kinds (the unknown-kind message and its
//! suggestion) is derived from that list.
//!
//! Nothing here runs or reads anything; it only names the two roles.

use std::fmt;
use std::sync::Arc;

use super::Cx;
use super::params::Params;
use super::row::Finding;
use crate::yaml::Entry;

/// One kind of check, as `kind:` names it.
pub trait CheckKind: Sync {
    /// The `kind:` value in `site.yaml`.
    fn name(&self) -> &'static str;

    /// Reads the kind's own keys (every key but `name`, `kind`, `link`, `timeout` and
    /// `snooze_until`), reporting problems through `p`; `None` when the check cannot run.
    fn read(&self, rest: &[&Entry], p: &mut Params) -> Option<Arc<dyn Check>>;
}

/// A configured check of some kind, ready to run as often as asked.
pub trait Check: Send + Sync + fmt::Debug {
    /// Runs once; an `Err` becomes one ERROR row naming [`Check::default_item`].
    fn run(&self, cx: &Cx) -> Result<Vec<Finding>, String>;

    /// The item an error row names when the check as a whole failed.
    fn default_item(&self) -> String {
        String::new()
    }
}

/// A kind's parameters, once read, as a runnable check.
pub fn runnable<C: Check + 'static>(c: Option<C>) -> Option<Arc<dyn Check>> {
    c.map(|c| Arc::new(c) as Arc<dyn Check>)
}
