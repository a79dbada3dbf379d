//! The command line: parses arguments (the only module that knows clap), calls the library,
//! prints diagnostics and summaries, and picks the exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use cairn::check::Level;
use cairn::diag::{Diagnostic, Severity};
use cairn::relation::Relation;
use cairn::scaffold::NewRequest;
use cairn::{BuildOptions, Error};

/// Cairn: compile engineering-leadership documents (visions, strategies, patterns and
/// decision records) into a cross-linked static site with a build-time status page.
#[derive(Debug, Parser)]
#[command(name = "cairn", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// The site folder: where site.yaml and content/ live.
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    root: PathBuf,

    /// Print only diagnostics and errors (also implied by CI=true).
    #[arg(long, short, global = true)]
    quiet: bool,

    /// Print every diagnostic: by default, after the first 20 of one kind the rest are counted.
    #[arg(long, short, global = true)]
    verbose: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (atomically: a failed build keeps the old site).
    Build(BuildArgs),
    /// Run the status checks only and print their rows, worst first. Exit 1 when a row is
    /// ERROR (snoozed rows do not count), 2 when site.yaml is wrong.
    Check(CheckArgs),
    /// Build the site, serve it locally, rebuild on every change and reload open browsers.
    Serve(ServeArgs),
    /// Check documents and links without writing a site.
    Lint(LintArgs),
    /// Start a new site: site.yaml, example documents of every kind, and a note on the theme.
    Init(InitArgs),
    /// Write a new document with the kind's front matter and required sections.
    New(NewArgs),
    /// Work with the site's theme.
    #[command(subcommand)]
    Theme(ThemeCommand),
}

#[derive(Debug, Subcommand)]
enum ThemeCommand {
    /// Copy built-in templates (all, or the ones named, e.g. `doc` or `status.html`) into the
    /// site's templates/ to change them there; files already there are kept.
    Eject {
        #[arg(value_name = "TEMPLATE")]
        templates: Vec<String>,
    },
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// Where to write the site [default: <root>/public].
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Include drafts (`draft: true` or `status: draft`).
    #[arg(long)]
    drafts: bool,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// Override site.yaml's base_url, e.g. https://example.org/docs/.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Do not run the status checks (no status page is written).
    #[arg(long)]
    no_checks: bool,
    /// Render every page again instead of reusing unchanged pages from the build cache.
    #[arg(long, conflicts_with = "cache_dir")]
    no_cache: bool,
    /// The build cache folder [default: $CAIRN_CACHE_DIR, else $XDG_CACHE_HOME/cairn, else
    /// ~/.cache/cairn]. Keep it outside the site folder: anyone who can add files to it
    /// decides what the next build publishes.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Fail the build when a status check row is at this level or worse (snoozed rows
    /// do not count). By default check results never fail a build.
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<FailOn>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// How to print the rows; `html` is a self-contained report to send by email.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Address to bind; only this machine can connect unless you change it.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    bind: std::net::IpAddr,
    /// Leave drafts out, as `build` does (by default they are shown, under a "draft" banner).
    #[arg(long)]
    no_drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Do not run the status checks. Otherwise they run with the first build, when
    /// site.yaml changes and when /__cairn/check is opened, never on every edit.
    #[arg(long)]
    no_checks: bool,
    /// Where to build the served site [default: <root>/.cairn/serve].
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct LintArgs {
    /// Include drafts (`draft: true` or `status: draft`).
    #[arg(long)]
    drafts: bool,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// First rewrite in place the front matter problems with one obvious answer (other
    /// generators' keys, near misses of known keys, ids that are not slugs), printing each.
    #[arg(long)]
    fix: bool,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The folder to create the site in [default: --root].
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Add the example site to a folder that is not empty (existing files are kept).
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// The kind: vision, strategy, pattern, decision, page or one from site.yaml.
    kind: String,
    /// The title; the file name is made from it.
    title: String,
    /// What it serves (a vision for a strategy, a strategy for a decision).
    #[arg(long, value_name = "ID", num_args = 1.., value_delimiter = ',')]
    serves: Vec<String>,
    /// Patterns it uses.
    #[arg(long, value_name = "ID", num_args = 1.., value_delimiter = ',')]
    uses: Vec<String>,
    /// An older document of the same kind that this one replaces. It is left as it is: it
    /// shows as superseded once this one is accepted.
    #[arg(long, value_name = "ID")]
    supersedes: Option<String>,
    /// Any other related documents.
    #[arg(long, value_name = "ID", num_args = 1.., value_delimiter = ',')]
    related: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
    Csv,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Error,
    Warning,
}

/// Exit codes (DESIGN §5): content errors are 1, usage and configuration errors 2.
const CONTENT_ERRORS: u8 = 1;
const USAGE_ERROR: u8 = 2;

/// What every command is given besides its own arguments.
struct Env {
    root: PathBuf,
    today: jiff::civil::Date,
    /// Print only diagnostics and errors.
    quiet: bool,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    VERBOSE.store(cli.verbose, std::sync::atomic::Ordering::Relaxed);
    let quiet = cli.quiet || std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let today = match today() {
        Ok(d) => d,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let env = Env {
        root: cli.root,
        today,
        quiet,
    };
    let result = match cli.command {
        Command::Build(args) => build(&env, args),
        Command::Check(args) => check(&env, args),
        Command::Serve(args) => serve(&env, args),
        Command::Lint(args) => lint(&env, args),
        Command::Init(args) => init(&env, args),
        Command::New(args) => new_document(&env, args),
        Command::Theme(ThemeCommand::Eject { templates }) => eject(&env, &templates),
    };
    result.unwrap_or_else(|e| report_error(&e))
}

/// `cairn build`: prints the diagnostics and what was built; exit 1 on content errors or when
/// `--fail-on` finds a status row at its level.
fn build(env: &Env, args: BuildArgs) -> Result<ExitCode, Error> {
    let opts = BuildOptions {
        root: env.root.clone(),
        output: args.output,
        drafts: args.drafts,
        strict: args.strict,
        base_url: args.base_url,
        today: env.today,
        now: now(),
        checks: !args.no_checks,
        cache: if args.no_cache {
            None
        } else {
            args.cache_dir.or_else(cairn::cache::default_dir)
        },
        progress: progress(env),
    };
    let started = Instant::now();
    let report = cairn::build(&opts)?;
    print_diagnostics(&report.diagnostics);
    if report.has_errors() {
        eprintln!(
            "error: build failed: {}; the previous site was left as it was",
            counts(&report.diagnostics)
        );
        return Ok(ExitCode::from(CONTENT_ERRORS));
    }
    if !env.quiet {
        eprintln!(
            "built {} documents ({} files) into {} in {:.2}s{}",
            report.documents,
            report.files,
            opts.output_dir().display(),
            started.elapsed().as_secs_f64(),
            warnings_suffix(&report.diagnostics)
        );
        if let Some(s) = &report.status {
            eprintln!(
                "status: {} from {} checks in {:.2}s",
                cairn::check::format::summary(s.counts()),
                s.checks,
                s.duration.as_secs_f64()
            );
        }
    }
    let level = args.fail_on.map(|f| match f {
        FailOn::Error => Level::Error,
        FailOn::Warning => Level::Warning,
    });
    Ok(match (level, &report.status) {
        (Some(l), Some(s)) if s.fails(l) => {
            eprintln!(
                "error: --fail-on {}: a status check row is {} (the site was written)",
                l.as_str().to_lowercase(),
                if l == Level::Error {
                    "ERROR"
                } else {
                    "WARNING or ERROR"
                }
            );
            ExitCode::from(CONTENT_ERRORS)
        }
        _ => ExitCode::SUCCESS,
    })
}

/// `cairn lint`: the diagnostics as text or JSON; exit 1 on errors.
fn lint(env: &Env, args: LintArgs) -> Result<ExitCode, Error> {
    let opts = BuildOptions {
        drafts: args.drafts,
        strict: args.strict,
        progress: progress(env),
        ..BuildOptions::new(env.root.clone(), env.today)
    };
    if args.fix {
        for f in cairn::build::fix(&opts)? {
            println!("{}:{}:1: fixed: {}", f.file, f.change.line, f.change.what);
        }
    }
    let report = cairn::lint(&opts)?;
    match args.format {
        Format::Text => {
            print_diagnostics(&report.diagnostics);
            if !env.quiet {
                eprintln!(
                    "checked {} documents: {}",
                    report.documents,
                    counts(&report.diagnostics)
                );
            }
        }
        Format::Json => print_json(&report.diagnostics),
    }
    Ok(if report.has_errors() {
        ExitCode::from(CONTENT_ERRORS)
    } else {
        ExitCode::SUCCESS
    })
}

/// `cairn check`: the report on stdout in the format asked for; exit 1 when a row is ERROR,
/// 2 when there are no checks to run.
fn check(env: &Env, args: CheckArgs) -> Result<ExitCode, Error> {
    let opts = BuildOptions {
        now: now(),
        progress: progress(env),
        ..BuildOptions::new(env.root.clone(), env.today)
    };
    let run = cairn::build::check(&opts)?;
    print_diagnostics(&run.diagnostics);
    if run.report.checks == 0 {
        eprintln!("error: site.yaml lists no `checks:`; there is nothing to run");
        return Ok(ExitCode::from(USAGE_ERROR));
    }
    let (report, base) = (&run.report, &run.base_url);
    let out = match args.format {
        CheckFormat::Text => cairn::check::format::text(report, base),
        CheckFormat::Json => cairn::check::format::json(report, base),
        CheckFormat::Csv => cairn::check::format::csv(report, base),
        CheckFormat::Html => cairn::check::email::html(report, &run.title, base),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return Ok(ExitCode::from(CONTENT_ERRORS));
    }
    if !env.quiet && args.format != CheckFormat::Text {
        eprintln!(
            "{} from {} checks in {:.2}s",
            cairn::check::format::summary(report.counts()),
            report.checks,
            report.duration.as_secs_f64()
        );
    }
    Ok(if report.fails(Level::Error) {
        ExitCode::from(CONTENT_ERRORS)
    } else {
        ExitCode::SUCCESS
    })
}

/// `cairn serve`: builds, then serves until stopped, printing each rebuild.
fn serve(env: &Env, args: ServeArgs) -> Result<ExitCode, Error> {
    use cairn::serve::ServeEvent;
    let build = BuildOptions {
        output: args.output,
        drafts: !args.no_drafts,
        checks: !args.no_checks,
        now: now(),
        progress: progress(env),
        ..BuildOptions::new(env.root.clone(), env.today)
    };
    let opts = cairn::serve::ServeOptions {
        build,
        bind: args.bind,
        port: args.port,
    };
    let (open, quiet) = (args.open, env.quiet);
    let report = move |event: ServeEvent| match event {
        ServeEvent::Listening(addr) => {
            let url = format!("http://{addr}/");
            eprintln!("serving {url} (Ctrl-C to stop)");
            if open {
                let opener = if cfg!(target_os = "macos") {
                    "open"
                } else {
                    "xdg-open"
                };
                let _ = std::process::Command::new(opener).arg(&url).spawn();
            }
        }
        ServeEvent::Built {
            pages,
            took,
            diagnostics,
        } => {
            print_diagnostics(&diagnostics);
            if !quiet {
                eprintln!("built {pages} files in {} ms", took.as_millis());
            }
        }
        ServeEvent::Failed { messages } => {
            for m in &messages {
                eprintln!("{m}");
            }
            eprintln!("error: rebuild failed; still serving the last good site");
        }
    };
    let handle = cairn::serve::start(opts, std::sync::Arc::new(report))?;
    handle.wait();
    Ok(ExitCode::SUCCESS)
}

/// `cairn init`: lists what it wrote on stderr, and says how to go on.
fn init(env: &Env, args: InitArgs) -> Result<ExitCode, Error> {
    let dir = args.dir.unwrap_or_else(|| env.root.clone());
    let report = cairn::scaffold::init(
        &dir,
        args.force,
        env.today,
        cairn::cache::default_dir().as_deref(),
    )?;
    if !env.quiet {
        for kept in &report.kept {
            eprintln!("kept existing {}", dir.join(kept).display());
        }
        let build = if dir == Path::new(".") {
            "cairn build".to_string()
        } else {
            format!("cairn build --root {}", dir.display())
        };
        eprintln!(
            "created a site in {} ({} files); build it with `{build}`",
            dir.display(),
            report.written.len(),
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `cairn theme eject`: prints each template written, and those kept.
fn eject(env: &Env, templates: &[String]) -> Result<ExitCode, Error> {
    let report = cairn::scaffold::eject(&env.root, templates)?;
    let root = env.root.as_path();
    for p in &report.written {
        println!("{}", root.join(p).display());
    }
    if !env.quiet {
        for p in &report.kept {
            eprintln!("kept existing {}", root.join(p).display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `cairn new`: prints the path written on stdout, so that `$EDITOR "$(cairn new …)"` works.
fn new_document(env: &Env, args: NewArgs) -> Result<ExitCode, Error> {
    let relations = [
        (Relation::Serves, args.serves),
        (Relation::Uses, args.uses),
        (Relation::Supersedes, args.supersedes.into_iter().collect()),
        (Relation::Related, args.related),
    ]
    .into_iter()
    .flat_map(|(r, ids)| ids.into_iter().map(move |id| (r, id)))
    .collect();
    let req = NewRequest {
        kind: args.kind,
        title: args.title,
        relations,
        today: env.today,
    };
    let root = env.root.as_path();
    let report = cairn::scaffold::new_document(root, &req)?;
    let shown = |p: &Path| {
        if root == Path::new(".") {
            p.to_path_buf()
        } else {
            root.join(p)
        }
    };
    print_diagnostics(&report.warnings);
    println!("{}", shown(&report.path).display());
    if let (Some(old), false) = (&report.supersedes, env.quiet) {
        eprintln!(
            "{} stays in force until {} is accepted",
            shown(old).display(),
            shown(&report.path).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Progress bars on stderr, only when a person watches it: a terminal, and not `--quiet` or
/// `CI=true`. Anything else (a pipe, a log file) gets nothing, so its output stays as it was.
fn progress(env: &Env) -> cairn::progress::Progress {
    use cairn::progress::{Event, Progress};
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    if env.quiet || !std::io::stderr().is_terminal() {
        return Progress::default();
    }
    let bar: std::sync::Mutex<Option<ProgressBar>> = std::sync::Mutex::new(None);
    Progress::new(move |e| {
        let Ok(mut bar) = bar.lock() else { return };
        match e {
            Event::Start { stage, total } => {
                let style =
                    ProgressStyle::with_template("{bar:30} {pos}/{len} {prefix} {wide_msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar());
                let b = ProgressBar::with_draw_target(
                    Some(*total as u64),
                    ProgressDrawTarget::stderr(),
                )
                .with_style(style)
                .with_prefix(stage.label());
                *bar = Some(b);
            }
            Event::Total { total, .. } => {
                if let Some(b) = bar.as_ref() {
                    b.set_length(*total as u64);
                }
            }
            Event::Advance { done, .. } => {
                if let Some(b) = bar.as_ref() {
                    b.set_position(*done as u64);
                }
            }
            Event::Running { names } => {
                if let Some(b) = bar.as_ref() {
                    let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
                    let more = names.len().saturating_sub(shown.len());
                    let tail = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    b.set_message(if names.is_empty() {
                        String::new()
                    } else {
                        format!("running: {}{tail}", shown.join(", "))
                    });
                }
            }
            Event::Finish { .. } => {
                if let Some(b) = bar.take() {
                    b.finish_and_clear();
                }
            }
        }
    })
}

fn report_error(e: &Error) -> ExitCode {
    match e {
        Error::Config { diagnostics, .. } => {
            print_diagnostics(diagnostics);
            eprintln!("error: {e}");
            ExitCode::from(USAGE_ERROR)
        }
        Error::Io { .. } => {
            eprintln!("error: {e}");
            ExitCode::from(CONTENT_ERRORS)
        }
        _ => {
            eprintln!("error: {e}");
            ExitCode::from(USAGE_ERROR)
        }
    }
}

mod group;

/// `--verbose`: set once from the command line, before anything prints.
static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Diagnostics as `path:line:col: severity: message`, grouped (see [`group`]) unless
/// `--verbose`.
fn print_diagnostics(diags: &[Diagnostic]) {
    let stderr = std::io::stderr();
    let color = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    // Buffered: a large site can have tens of thousands of lines, one write each otherwise.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stderr.lock());
    let (shown, groups) = if VERBOSE.load(std::sync::atomic::Ordering::Relaxed) {
        (diags.iter().map(|d| (d, true)).collect(), Vec::new())
    } else {
        group::group(diags)
    };
    for (d, quoted) in shown {
        print_one(&mut out, d, quoted, color);
    }
    for g in &groups {
        let _ = writeln!(out, "{}", g.line());
    }
    let _ = out.flush();
}

fn print_one(out: &mut impl Write, d: &Diagnostic, quoted: bool, color: bool) {
    {
        let c = match d.severity {
            Severity::Error => "\x1b[31m",
            Severity::Warning => "\x1b[33m",
            Severity::Note => "\x1b[36m",
        };
        let _ = if color {
            writeln!(
                out,
                "{}:{}:{}: {c}{}\x1b[0m: {}",
                d.path, d.line, d.col, d.severity, d.message
            )
        } else {
            writeln!(out, "{d}")
        };
        // The line itself and a `^^^` under the offending text, as rustc and just show it.
        // Invisible characters are shown escaped, as in messages, and the underline counts
        // them as they are shown.
        let Some(line) = d.source_line.as_deref().filter(|_| quoted && d.len > 0) else {
            return;
        };
        let number = d.line.to_string();
        let gutter = " ".repeat(number.len());
        let mut shown = String::new();
        let mut under = String::new();
        let (start, end) = (d.col as usize, d.col as usize + d.len as usize);
        for (i, ch) in line.trim_end_matches('\r').chars().enumerate() {
            let col = i + 1;
            let text = if ch == '\t' {
                "    ".to_string()
            } else {
                cairn::diag::reveal(&ch.to_string())
            };
            let width = text.chars().count();
            let mark = if (start..end).contains(&col) {
                '^'
            } else {
                ' '
            };
            if col < end {
                under.extend(std::iter::repeat_n(mark, width));
            }
            shown.push_str(&text);
        }
        if !under.contains('^') {
            under.push('^');
        }
        let under = under.trim_end();
        let _ = if color {
            writeln!(out, "{number} | {shown}\n{gutter} | {c}{under}\x1b[0m")
        } else {
            writeln!(out, "{number} | {shown}\n{gutter} | {under}")
        };
    }
}

fn print_json(diags: &[Diagnostic]) {
    let errors = cairn::diag::error_count(diags);
    let value = serde_json::json!({
        "diagnostics": diags,
        "errors": errors,
        "warnings": diags.len() - errors,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&value).expect("diagnostics serialise")
    );
}

fn counts(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    format!(
        "{errors} error{}, {warnings} warning{}",
        plural(errors),
        plural(warnings)
    )
}

fn warnings_suffix(diags: &[Diagnostic]) -> String {
    match diags.len() {
        0 => String::new(),
        n => format!(" ({n} warning{})", plural(n)),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Today's date in the local time zone, or `CAIRN_TODAY` (YYYY-MM-DD) for reproducible runs.
fn today() -> Result<jiff::civil::Date, String> {
    match std::env::var("CAIRN_TODAY") {
        Ok(s) => cairn::schema::parse_date(&s)
            .ok_or_else(|| format!("CAIRN_TODAY must be YYYY-MM-DD, found `{s}`")),
        Err(_) => Ok(jiff::ZonedDateTime::now().date()),
    }
}

/// The current time to the second: what the status page and its history record.
fn now() -> jiff::Timestamp {
    let t = jiff::Timestamp::now();
    t.round(jiff::Unit::Second).unwrap_or(t)
}
