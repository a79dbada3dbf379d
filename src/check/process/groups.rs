//! The one registry of live check programs: each runs in its own process group, recorded here
//! from its start until the moment before it is reaped, with the check run it belongs to.
//! That lets the runner kill what an abandoned check started, and a binary that is about to
//! exit on a signal kill every check program ([`kill_all`]).
//!
//! It never installs a signal handler: catching signals is the binary's choice.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command};
use std::sync::{Mutex, MutexGuard};

/// One run of one check; what its programs are registered under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Owner(u64);

struct Registry {
    /// Process group id (the leader's pid) of every live check program, with its owner.
    live: BTreeMap<u32, Owner>,
    /// Check runs given up on at their timeout: whatever they start later is refused.
    abandoned: BTreeSet<Owner>,
    /// Set by [`kill_all`]: nothing starts any more.
    stopping: bool,
    next: u64,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    live: BTreeMap::new(),
    abandoned: BTreeSet::new(),
    stopping: false,
    next: 1,
});

thread_local! {
    /// The check run this thread works for, set by the runner on each check's thread.
    static CURRENT: Cell<Owner> = const { Cell::new(Owner(0)) };
}

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

impl Owner {
    /// A new owner, for one check about to run.
    pub fn fresh() -> Owner {
        let mut r = registry();
        r.next += 1;
        Owner(r.next)
    }

    /// Programs started on this thread from now on belong to this owner.
    pub fn adopt(self) {
        CURRENT.with(|c| c.set(self));
    }
}

/// Starts `cmd` (already set to run in a process group of its own) and registers its group,
/// all under the registry's lock, so a kill of every group never misses one being started.
pub fn spawn(cmd: &mut Command) -> Result<Child, Refused> {
    let owner = CURRENT.with(Cell::get);
    let mut r = registry();
    if r.stopping {
        return Err(Refused::Stopping);
    }
    if r.abandoned.contains(&owner) {
        return Err(Refused::Abandoned);
    }
    let child = cmd.spawn().map_err(Refused::Io)?;
    r.live.insert(child.id(), owner);
    Ok(child)
}

/// Why a program was not started.
#[derive(Debug)]
pub enum Refused {
    /// The binary is exiting on a signal.
    Stopping,
    /// The check that asked was abandoned at its timeout.
    Abandoned,
    Io(std::io::Error),
}

/// The program's group was killed and its leader is about to be reaped: forget the group
/// before its id can be reused.
pub fn release(child: &Child) {
    registry().live.remove(&child.id());
}

/// Kills every program `owner` started and refuses whatever it starts later.
pub fn abandon(owner: Owner) {
    let mut r = registry();
    r.abandoned.insert(owner);
    for (group, _) in r.live.iter().filter(|(_, o)| **o == owner) {
        kill(*group);
    }
}

/// The check run `owner` has ended; it needs no more remembering.
pub fn finished(owner: Owner) {
    registry().abandoned.remove(&owner);
}

/// Kills the process group of every running check program, and refuses to start any more.
/// Returns how many groups were killed. For a binary about to exit on a signal.
pub fn kill_all() -> usize {
    let mut r = registry();
    r.stopping = true;
    for group in r.live.keys() {
        kill(*group);
    }
    r.live.len()
}

/// Registered groups are never reaped while registered, so the id still names the group.
#[cfg(unix)]
fn kill(group: u32) {
    // SAFETY: kill has no memory effects.
    unsafe {
        libc::kill(-(group as libc::pid_t), libc::SIGKILL);
    }
}

/// Without process groups the program kills itself at its deadline; nothing more to do here.
#[cfg(not(unix))]
fn kill(_group: u32) {}
