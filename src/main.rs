//! The `cairn` binary: a thin shell over the library (see `cli`), plus what only a process's
//! owner may decide: its allocator and its signal dispositions.

mod cli;

/// A build is thousands of small strings made and dropped on two or more threads at once;
/// jemalloc does that about a tenth faster than the system allocator on Linux for a little
/// more memory (see BENCHMARKS.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    // Past a file-size limit (`ulimit -f`) the kernel kills the writer with SIGXFSZ. Ignoring
    // it turns the limit into a failed write, reported with the file's path like a full disk,
    // and the build's staging folder is cleaned up instead of left behind.
    #[cfg(unix)]
    // SAFETY: setting a signal to SIG_IGN before any thread starts has no other effect.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    #[cfg(unix)]
    stop_checks_on_signals();
    cli::run()
}

/// Check programs run in process groups of their own, so Ctrl-C at a terminal does not reach
/// them, and nothing reaches them when `cairn` itself is killed: they would run on, adopted
/// by init. On SIGINT, SIGTERM or SIGHUP, every check program is killed with what it started,
/// then `cairn` exits as a shell reports a death by that signal (128 + its number). Exiting
/// there is what the default disposition did; the written site is swapped in atomically, so
/// an interrupted build leaves the previous one as it was.
#[cfg(unix)]
fn stop_checks_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "warning: cannot handle SIGINT and SIGTERM ({e}); an interrupted run may leave check programs running"
            );
            return;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("cairn-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                cairn::check::kill_running();
                std::process::exit(128 + signal);
            }
        });
    if let Err(e) = spawned {
        eprintln!(
            "warning: cannot handle SIGINT and SIGTERM ({e}); an interrupted run may leave check programs running"
        );
    }
}
