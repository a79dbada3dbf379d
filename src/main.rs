//! The `cairn` binary: a thin shell over the library (see `cli`).

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
    cli::run()
}
