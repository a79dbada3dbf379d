//! Running a check's program: in its own process group, with no stdin, output captured up to
//! [`OUTPUT_LIMIT`], and a deadline. When the program ends or the deadline passes, the whole
//! group is killed, so nothing a check started outlives it (a script's background `sleep`
//! included). Every live group is in one registry ([`groups`]), so the runner can kill what an
//! abandoned check started and a binary stopping on a signal can kill them all. Used by the
//! `command` and `level` kinds; it does not interpret the output.

mod groups;

pub use groups::{Owner, abandon, finished, kill_all};

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How much of each output stream is kept; the rest is read and dropped.
pub const OUTPUT_LIMIT: usize = 1 << 20;

/// How a program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    /// Killed, with its group, at the deadline.
    TimedOut,
}

#[derive(Debug)]
pub struct Output {
    pub exit: Exit,
    pub stdout: String,
    pub stderr: String,
    /// How many bytes of stdout came after [`OUTPUT_LIMIT`] and were not kept.
    pub stdout_dropped: u64,
}

impl Output {
    /// Whole lines of stdout: when it was cut, the line the cut fell in is left out.
    pub fn stdout_lines(&self) -> &str {
        if self.stdout_dropped == 0 {
            return &self.stdout;
        }
        self.stdout.rfind('\n').map_or("", |i| &self.stdout[..=i])
    }

    /// What a row says when stdout was cut, `then` saying what follows for the check.
    pub fn cut(&self, then: &str) -> Option<String> {
        (self.stdout_dropped > 0).then(|| {
            format!(
                "stdout was cut at {}: {} more bytes were not read, {then}",
                super::fence::size(OUTPUT_LIMIT as u64),
                self.stdout_dropped
            )
        })
    }

    /// The last non-empty lines of stderr, else of stdout: what a failure message quotes.
    pub fn tail(&self, lines: usize) -> String {
        let src = if self.stderr.trim().is_empty() {
            &self.stdout
        } else {
            &self.stderr
        };
        let kept: Vec<&str> = src
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let tail = kept[kept.len().saturating_sub(lines)..].join(" / ");
        match tail.char_indices().nth(300) {
            Some((i, _)) => format!("{}…", &tail[..i]),
            None => tail,
        }
    }
}

/// Describes how a program ended, for messages: `exited with status 3`, `crashed: ...`.
pub fn describe(exit: Exit, timeout: Duration) -> String {
    match exit {
        Exit::Code(c) => format!("exited with status {c}"),
        Exit::Signal(s) => format!("crashed: killed by signal {s}{}", signal_name(s)),
        Exit::TimedOut => format!(
            "timed out after {}; it was stopped with every process it started",
            super::runner::human(timeout)
        ),
    }
}

/// Runs `argv` in `cwd` with extra `env`, until it ends or `deadline`.
pub fn run(
    argv: &[String],
    cwd: &Path,
    env: &[(String, String)],
    deadline: Instant,
) -> Result<Output, String> {
    let (program, args) = argv.split_first().ok_or("the command is empty")?;
    // A relative program path is relative to the working folder, as a shell would have it.
    let exe = if program.contains('/') && Path::new(program).is_relative() {
        cwd.join(program)
    } else {
        program.into()
    };
    let mut cmd = Command::new(&exe);
    cmd.args(args)
        .current_dir(cwd)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = groups::spawn(&mut cmd).map_err(|why| match why {
        groups::Refused::Io(e) => format!("cannot start `{program}` in {}: {e}", cwd.display()),
        groups::Refused::Stopping => "not started: cairn is stopping".to_string(),
        groups::Refused::Abandoned => {
            "not started: the check was abandoned at its timeout".to_string()
        }
    })?;
    let out = collect(child.stdout.take());
    let err = collect(child.stderr.take());
    let exit = wait(&mut child, deadline);
    // Whatever the program left behind holds the pipes open; give the readers a moment only.
    let grace = Instant::now() + Duration::from_millis(200);
    let (stdout, stdout_dropped) = out.finish(grace);
    Ok(Output {
        exit,
        stdout,
        stderr: err.finish(grace).0,
        stdout_dropped,
    })
}

/// Waits for the program without reaping it, kills its group, then reaps it: the group id
/// cannot be reused while the program is an unreaped zombie.
fn wait(child: &mut Child, deadline: Instant) -> Exit {
    let mut pause = Duration::from_millis(2);
    let timed_out = loop {
        if exited(&mut *child) {
            break false;
        }
        let now = Instant::now();
        if now >= deadline {
            break true;
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(25));
    };
    kill_group(&mut *child);
    groups::release(child);
    let status = child.wait();
    if timed_out {
        return Exit::TimedOut;
    }
    match status {
        Ok(s) => match s.code() {
            Some(c) => Exit::Code(c),
            None => Exit::Signal(signal_of(&s)),
        },
        Err(_) => Exit::Signal(0),
    }
}

#[cfg(unix)]
fn exited(child: &mut Child) -> bool {
    // SAFETY: `info` is a plain C struct that waitid fills in; WNOWAIT leaves the child
    // waitable, so `Child::wait` still reaps it afterwards.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let rc = libc::waitid(
            libc::P_PID,
            child.id() as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        rc != 0 || info.si_pid() != 0
    }
}

#[cfg(unix)]
fn kill_group(child: &mut Child) {
    // SAFETY: kill has no memory effects; the group exists while its leader is unreaped.
    unsafe {
        libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
    }
}

#[cfg(unix)]
fn signal_of(s: &std::process::ExitStatus) -> i32 {
    std::os::unix::process::ExitStatusExt::signal(s).unwrap_or(0)
}

#[cfg(not(unix))]
fn exited(child: &mut Child) -> bool {
    // Without process groups, reaping early is harmless.
    matches!(child.try_wait(), Ok(Some(_)))
}

#[cfg(not(unix))]
fn kill_group(child: &mut Child) {
    let _ = child.kill();
}

#[cfg(not(unix))]
fn signal_of(_: &std::process::ExitStatus) -> i32 {
    0
}

fn signal_name(s: i32) -> &'static str {
    match s {
        1 => " (SIGHUP)",
        2 => " (SIGINT)",
        4 => " (SIGILL)",
        6 => " (SIGABRT)",
        7 => " (SIGBUS)",
        8 => " (SIGFPE)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        13 => " (SIGPIPE)",
        15 => " (SIGTERM)",
        _ => "",
    }
}

/// One output stream being read on its own thread into a bounded buffer, counting what did
/// not fit.
struct Collector {
    buf: Arc<Mutex<(Vec<u8>, u64)>>,
    done: mpsc::Receiver<()>,
}

fn collect<R: Read + Send + 'static>(stream: Option<R>) -> Collector {
    let buf = Arc::new(Mutex::new((Vec::new(), 0)));
    let (tx, done) = mpsc::channel();
    if let Some(mut stream) = stream {
        let buf = Arc::clone(&buf);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = stream.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                let mut b = buf.lock().unwrap_or_else(|e| e.into_inner());
                let room = OUTPUT_LIMIT.saturating_sub(b.0.len());
                let kept = n.min(room);
                b.0.extend_from_slice(&chunk[..kept]);
                b.1 += (n - kept) as u64;
            }
            let _ = tx.send(());
        });
    }
    Collector { buf, done }
}

impl Collector {
    /// The text kept and how many bytes were dropped.
    fn finish(self, until: Instant) -> (String, u64) {
        let _ = self
            .done
            .recv_timeout(until.saturating_duration_since(Instant::now()));
        let b = self.buf.lock().unwrap_or_else(|e| e.into_inner());
        (String::from_utf8_lossy(&b.0).into_owned(), b.1)
    }
}

#[cfg(all(test, unix))]
pub(super) mod tests {
    use super::*;

    fn sh(script: &str, timeout_ms: u64) -> Output {
        let argv = ["sh".to_string(), "-c".into(), script.into()];
        let dir = std::env::temp_dir();
        run(
            &argv,
            &dir,
            &[("GREETING".into(), "hello".into())],
            Instant::now() + Duration::from_millis(timeout_ms),
        )
        .unwrap()
    }

    #[test]
    fn output_env_and_exit_codes() {
        let o = sh("echo \"$GREETING\"; echo oops >&2; exit 3", 5000);
        assert_eq!(o.exit, Exit::Code(3));
        assert_eq!(o.stdout, "hello\n");
        assert_eq!(o.tail(2), "oops");
        let o = sh("kill -SEGV $$", 5000);
        assert_eq!(o.exit, Exit::Signal(11));
        assert_eq!(
            describe(o.exit, Duration::ZERO),
            "crashed: killed by signal 11 (SIGSEGV)"
        );
    }

    #[test]
    fn background_children_die_with_the_program() {
        let started = Instant::now();
        let o = sh("sleep 30 & echo $!; wait", 300);
        assert_eq!(o.exit, Exit::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(2));
        let child: u32 = o.stdout.trim().parse().unwrap();
        assert!(gone(child), "{child} is alive");
    }

    /// A process is gone when it no longer exists or is a zombie waiting for init to reap it.
    pub fn gone(pid: u32) -> bool {
        for _ in 0..100 {
            match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                Err(_) => return true,
                Ok(stat) => {
                    let state = stat.rsplit(')').next().unwrap_or("").trim_start();
                    if state.starts_with('Z') || state.starts_with('X') {
                        return true;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn output_is_bounded() {
        let o = sh("head -c 3000000 /dev/zero | tr '\\0' x", 10_000);
        assert_eq!(o.exit, Exit::Code(0));
        assert_eq!(o.stdout.len(), OUTPUT_LIMIT);
        assert_eq!(o.stdout_dropped, 3_000_000 - OUTPUT_LIMIT as u64);
        assert_eq!(o.stdout_lines(), "");
    }
}
