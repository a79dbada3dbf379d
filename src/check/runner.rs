//! Runs checks concurrently, each isolated, and always comes back with one outcome per check.
//!
//! Every check gets its own thread and a deadline counted from the start of the run, so the
//! whole run ends at the longest timeout (plus a short grace) however many checks hang. At most
//! `parallel` checks work at once, started in the order of `checks:`; one still waiting for a
//! slot at its deadline times out without starting. A panic is caught and becomes an error, a
//! hang is abandoned at its deadline, and checks that manage their own timeouts (commands,
//! sockets) report first, before the grace runs out.
//!
//! Abandoning a check kills every program it started and refuses any it starts later. Work
//! inside Cairn cannot be killed: its thread is left to finish, and until it does the same
//! check (by [`Job::key`]) is not started again, so repeated runs (`cairn serve`) never pile up
//! copies of a check that overruns. Never prints: panics in check threads are kept off the
//! terminal and returned as errors.

use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, Once};
use std::time::{Duration, Instant};

use super::process::{self, Owner};
use super::row::Finding;

/// One check to run: its own timeout and the work, given its deadline.
pub struct Job {
    pub timeout: Duration,
    /// The same check in every run (its site and name); `None` for a check run only once.
    pub key: Option<String>,
    pub run: Box<dyn FnOnce(Instant) -> Result<Vec<Finding>, String> + Send>,
}

/// The result of one check: its findings, or why it produced none.
pub type Outcome = Result<Vec<Finding>, String>;

/// How long after a deadline the runner waits for a check to report its own timeout.
pub const GRACE: Duration = Duration::from_millis(250);

const THREAD_PREFIX: &str = "cairn-check-";

/// The keys of checks abandoned at their timeout whose thread is still at work.
static OVERRUNNING: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn overrunning() -> std::sync::MutexGuard<'static, BTreeSet<String>> {
    OVERRUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `jobs` with at most `parallel` at work at once. The outcomes are in the jobs' order.
#[cfg(test)]
pub fn run_all(jobs: Vec<Job>, parallel: usize) -> Vec<Outcome> {
    run_observed(jobs, parallel, &[], &crate::progress::Progress::default())
}

/// [`run_all`], telling `progress` which of the checks (by `names`, one per job) are still
/// running each time one finishes.
pub fn run_observed(
    jobs: Vec<Job>,
    parallel: usize,
    names: &[String],
    progress: &crate::progress::Progress,
) -> Vec<Outcome> {
    use crate::progress::{Event, Stage};
    let counter = progress.start(Stage::Checks, jobs.len());
    let report = |results: &[Option<Outcome>]| {
        let running: Vec<String> = (0..results.len())
            .filter(|&i| results[i].is_none())
            .filter_map(|i| names.get(i).cloned())
            .collect();
        progress.event(&Event::Running { names: &running });
    };
    quiet_panics();
    let start = Instant::now();
    let slots = Arc::new(Slots::new(parallel.max(1), jobs.len()));
    let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
    let mut results: Vec<Option<Outcome>> = Vec::with_capacity(jobs.len());
    let mut tickets = Vec::with_capacity(jobs.len());
    let mut deadlines = Vec::with_capacity(jobs.len());
    let mut keys = Vec::with_capacity(jobs.len());
    for (i, job) in jobs.into_iter().enumerate() {
        let deadline = start + job.timeout;
        let timeout = job.timeout;
        let ticket = Arc::new(Ticket::default());
        tickets.push(Arc::clone(&ticket));
        deadlines.push((deadline + GRACE, timeout));
        keys.push(job.key.clone());
        if job.key.as_ref().is_some_and(|k| overrunning().contains(k)) {
            slots.forget(i);
            results.push(Some(Err(still_going(timeout))));
            continue;
        }
        let (tx, pool, t) = (tx.clone(), Arc::clone(&slots), ticket);
        let key = job.key;
        let spawned = std::thread::Builder::new()
            .name(format!("{THREAD_PREFIX}{i}"))
            .spawn(move || {
                t.owner.adopt();
                let outcome = if pool.acquire(i, deadline) {
                    t.started.store(true, Ordering::SeqCst);
                    let permit = Permit(&pool, &t);
                    let outcome = panic::catch_unwind(AssertUnwindSafe(|| (job.run)(deadline)))
                        .unwrap_or_else(|payload| Err(panicked(payload.as_ref())));
                    drop(permit);
                    outcome
                } else {
                    Err(not_started(timeout))
                };
                t.end(key.as_deref());
                let _ = tx.send((i, outcome));
            });
        results.push(match spawned {
            Ok(_) => None,
            Err(e) => {
                slots.forget(i);
                Some(Err(format!("could not start the check: {e}")))
            }
        });
    }
    drop(tx);
    report(&results);
    loop {
        let open: Vec<usize> = (0..results.len())
            .filter(|&i| results[i].is_none())
            .collect();
        let Some(next) = open.iter().map(|&i| deadlines[i].0).min() else {
            break;
        };
        match rx.recv_timeout(next.saturating_duration_since(Instant::now())) {
            Ok((i, outcome)) => {
                if results[i].is_none() {
                    results[i] = Some(outcome);
                    counter.tick();
                    report(&results);
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                let now = Instant::now();
                for i in open.into_iter().filter(|&i| deadlines[i].0 <= now) {
                    let t = &tickets[i];
                    if t.started.load(Ordering::SeqCst) && !t.released.swap(true, Ordering::SeqCst)
                    {
                        slots.release();
                    }
                    t.abandon(keys[i].as_deref());
                    results[i] = Some(Err(format!(
                        "did not finish within its timeout of {}; abandoned it",
                        human(deadlines[i].1)
                    )));
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                for i in open {
                    results[i] = Some(Err("the check ended without a result".into()));
                }
            }
        }
    }
    results
        .into_iter()
        .map(|r| r.expect("every check has an outcome"))
        .collect()
}

/// `10s`, `1.5s`, `250ms`: how timeouts are shown in messages.
pub fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

fn still_going(timeout: Duration) -> String {
    format!(
        "not started: its previous run overran its timeout of {} and is still going; it runs again once that one ends",
        human(timeout)
    )
}

fn not_started(timeout: Duration) -> String {
    format!(
        "did not start within its timeout of {}: every slot was busy with slower checks (raise `status.parallel`)",
        human(timeout)
    )
}

/// A fair counting semaphore: how many checks may work at once, handed out in the order of
/// `checks:` so a long list starts predictably.
struct Slots {
    state: Mutex<SlotState>,
    freed: Condvar,
}

struct SlotState {
    free: usize,
    /// Checks that have not started yet (nor given up), by index.
    waiting: BTreeSet<usize>,
}

impl Slots {
    fn new(n: usize, jobs: usize) -> Slots {
        Slots {
            state: Mutex::new(SlotState {
                free: n,
                waiting: (0..jobs).collect(),
            }),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a slot for check `i` once every earlier check has one, waiting until
    /// `deadline` at most.
    fn acquire(&self, i: usize, deadline: Instant) -> bool {
        let mut s = self.lock();
        loop {
            if s.free > 0 && s.waiting.first() == Some(&i) {
                s.free -= 1;
                s.waiting.remove(&i);
                self.freed.notify_all();
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                s.waiting.remove(&i);
                self.freed.notify_all();
                return false;
            }
            s = self
                .freed
                .wait_timeout(s, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Check `i` will never ask for a slot (its thread did not start).
    fn forget(&self, i: usize) {
        self.lock().waiting.remove(&i);
        self.freed.notify_all();
    }

    fn release(&self) {
        self.lock().free += 1;
        self.freed.notify_all();
    }
}

/// Whether a check holds a slot; the slot is given back once, by the check or by the runner
/// when it abandons the check. Also what its programs are registered under, and whether its
/// thread has ended or was abandoned (both changed under the [`OVERRUNNING`] lock, so a check
/// that ends as it is abandoned never stays marked as overrunning).
struct Ticket {
    started: AtomicBool,
    released: AtomicBool,
    owner: Owner,
    ended: AtomicBool,
    abandoned: AtomicBool,
}

impl Default for Ticket {
    fn default() -> Ticket {
        Ticket {
            started: AtomicBool::new(false),
            released: AtomicBool::new(false),
            owner: Owner::fresh(),
            ended: AtomicBool::new(false),
            abandoned: AtomicBool::new(false),
        }
    }
}

impl Ticket {
    /// The runner gives up on the check: kill what it started and, while its thread works
    /// on, keep the same check from starting again.
    fn abandon(&self, key: Option<&str>) {
        let mut over = overrunning();
        if self.ended.load(Ordering::SeqCst) {
            return;
        }
        self.abandoned.store(true, Ordering::SeqCst);
        process::abandon(self.owner);
        if let Some(k) = key {
            over.insert(k.to_string());
        }
    }

    /// The check's thread is done, in time or not.
    fn end(&self, key: Option<&str>) {
        let mut over = overrunning();
        self.ended.store(true, Ordering::SeqCst);
        if self.abandoned.load(Ordering::SeqCst) {
            process::finished(self.owner);
            if let Some(k) = key {
                over.remove(k);
            }
        }
    }
}

struct Permit<'a>(&'a Slots, &'a Ticket);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.1.released.swap(true, Ordering::SeqCst) {
            self.0.release();
        }
    }
}

thread_local! {
    /// Where the last panic on this thread happened, recorded by the hook below.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps panics of check threads off the terminal (they are reported as rows) while every
/// other thread's panics reach the previous hook as before. Installed once per process.
fn quiet_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let ours = std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with(THREAD_PREFIX));
            if ours {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                PANIC_AT.with(|p| *p.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

fn panicked(payload: &(dyn Any + Send)) -> String {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    let at = PANIC_AT
        .with(|p| p.borrow_mut().take())
        .map(|a| format!(" at {a}"))
        .unwrap_or_default();
    format!("the check crashed (a bug in Cairn{at}): {msg}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(timeout_ms: u64, f: impl FnOnce(Instant) -> Outcome + Send + 'static) -> Job {
        Job {
            timeout: Duration::from_millis(timeout_ms),
            key: None,
            run: Box::new(f),
        }
    }

    fn ok(name: &str) -> Outcome {
        Ok(vec![Finding::ok(name, "fine")])
    }

    #[test]
    fn pass_fail_hang_and_panic_each_get_their_outcome() {
        let started = Instant::now();
        let out = run_all(
            vec![
                job(1000, |_| ok("pass")),
                job(1000, |_| Err("it failed".into())),
                job(300, |_| {
                    std::thread::sleep(Duration::from_secs(30));
                    ok("never")
                }),
                job(1000, |_| panic!("boom {}", 42)),
                job(1000, |_| ok("after")),
            ],
            4,
        );
        let took = started.elapsed();
        assert_eq!(out[0], ok("pass"));
        assert_eq!(out[1], Err("it failed".into()));
        assert_eq!(
            out[2],
            Err("did not finish within its timeout of 300ms; abandoned it".into())
        );
        let crash = out[3].clone().unwrap_err();
        assert!(
            crash.starts_with("the check crashed (a bug in Cairn at src/check/runner.rs:"),
            "{crash}"
        );
        assert!(crash.ends_with(": boom 42"), "{crash}");
        assert_eq!(out[4], ok("after"));
        assert!(took < Duration::from_millis(300) + GRACE + Duration::from_millis(400));
        assert!(took >= Duration::from_millis(300));
    }

    #[test]
    fn hung_checks_free_their_slot_and_the_run_takes_the_longest_timeout() {
        // One slot: the hung check holds it until its deadline, then the rest run.
        let started = Instant::now();
        let mut jobs = vec![job(200, |_| {
            std::thread::sleep(Duration::from_secs(30));
            ok("never")
        })];
        jobs.extend((0..5).map(|i| job(2000, move |_| ok(&format!("n{i}")))));
        let out = run_all(jobs, 1);
        assert!(out[0].is_err());
        for (i, o) in out[1..].iter().enumerate() {
            assert_eq!(*o, ok(&format!("n{i}")));
        }
        assert!(
            started.elapsed() < Duration::from_millis(200) + GRACE + Duration::from_millis(500)
        );
    }

    #[test]
    fn a_check_that_cannot_get_a_slot_in_time_says_so() {
        let out = run_all(
            vec![
                job(1000, |_| {
                    std::thread::sleep(Duration::from_millis(600));
                    ok("slow")
                }),
                job(100, |_| ok("starved")),
            ],
            1,
        );
        assert_eq!(out[0], ok("slow"));
        let e = out[1].clone().unwrap_err();
        assert!(
            e.starts_with("did not start within its timeout of 100ms"),
            "{e}"
        );
    }

    #[test]
    fn the_deadline_is_passed_to_the_check() {
        let before = Instant::now();
        let out = run_all(
            vec![job(700, move |deadline| {
                let left = deadline.saturating_duration_since(before);
                Ok(vec![Finding::ok("", format!("{}", left.as_millis() / 100))])
            })],
            1,
        );
        assert_eq!(out[0].clone().unwrap()[0].message, "7");
    }

    #[cfg(unix)]
    #[test]
    fn a_check_that_ignores_its_timeout_is_killed_when_abandoned() {
        use super::super::process;
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path().to_path_buf();
        let out = run_all(
            vec![job(300, move |_| {
                // The program gets a minute, whatever the check's own deadline says.
                let argv = [
                    "sh".into(),
                    "-c".into(),
                    "echo $$ > pid; sleep 60 & sleep 60".into(),
                ];
                let far = Instant::now() + Duration::from_secs(60);
                let o = process::run(&argv, &cwd, &[], far)?;
                Ok(vec![Finding::ok(
                    "",
                    process::describe(o.exit, Duration::ZERO),
                )])
            })],
            1,
        );
        assert_eq!(
            out[0],
            Err("did not finish within its timeout of 300ms; abandoned it".into())
        );
        let pid: u32 = std::fs::read_to_string(dir.path().join("pid"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let alive = !process::tests::gone(pid);
        if alive {
            // SAFETY: kill has no memory effects; the group is this test's own program's.
            unsafe { libc::kill(-(pid as libc::pid_t), libc::SIGKILL) };
        }
        assert!(
            !alive,
            "the abandoned check's program {pid} is still running"
        );
    }

    #[test]
    fn a_check_still_overrunning_from_an_earlier_run_is_not_started_again() {
        let key = "/site\nOverruns".to_string();
        let keyed = |timeout_ms: u64, f: Box<dyn FnOnce(Instant) -> Outcome + Send>| Job {
            timeout: Duration::from_millis(timeout_ms),
            key: Some(key.clone()),
            run: f,
        };
        // The first run ignores its deadline: abandoned, it works on until told to stop.
        let (stop, stopped) = mpsc::channel::<()>();
        let out = run_all(
            vec![keyed(
                100,
                Box::new(move |_| {
                    let _ = stopped.recv();
                    ok("late")
                }),
            )],
            1,
        );
        assert_eq!(
            out[0],
            Err("did not finish within its timeout of 100ms; abandoned it".into())
        );
        // While it works on, the same check is not started again.
        let ran = Arc::new(AtomicBool::new(false));
        let r = Arc::clone(&ran);
        let out = run_all(
            vec![keyed(
                100,
                Box::new(move |_| {
                    r.store(true, Ordering::SeqCst);
                    ok("again")
                }),
            )],
            1,
        );
        assert_eq!(
            out[0],
            Err("not started: its previous run overran its timeout of 100ms and is still going; it runs again once that one ends".into())
        );
        assert!(!ran.load(Ordering::SeqCst));
        // Once it has ended, the check runs again.
        stop.send(()).unwrap();
        for _ in 0..500 {
            if !overrunning().contains(&key) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let out = run_all(vec![keyed(1000, Box::new(|_| ok("again")))], 1);
        assert_eq!(out[0], ok("again"));
    }

    #[test]
    fn timeouts_read_well() {
        assert_eq!(human(Duration::from_millis(250)), "250ms");
        assert_eq!(human(Duration::from_secs(10)), "10s");
        assert_eq!(human(Duration::from_millis(1500)), "1.5s");
    }
}
