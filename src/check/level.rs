//! `level`: a number, read from a command's output or a file, against warning and error
//! thresholds above and/or below (queue depth, disk use, replication lag). The number is the
//! first word of the last non-empty line (`87`, `87%`, `0.93 ratio`).

use std::sync::Arc;

use super::Cx;
use super::command::execute;
use super::params::Params as Reader;
use super::kind::{Check, CheckKind, runnable};
use super::row::Finding;
use crate::yaml::Entry;

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub source: Source,
    pub warn_above: Option<f64>,
    pub error_above: Option<f64>,
    pub warn_below: Option<f64>,
    pub error_below: Option<f64>,
    /// Shown after the number: `items`, `%`, `ms`.
    pub unit: Option<String>,
    /// What the row names; by default the command line or the file.
    pub item: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Command {
        command: Vec<String>,
        cwd: Option<String>,
        env: Vec<(String, String)>,
    },
    File(String),
}

/// How much of a file is read for its number.
const FILE_LIMIT: u64 = 1 << 20;

impl Params {
    pub fn read(rest: &[&Entry], p: &mut Reader) -> Option<Params> {
        let keys = &[
            "command",
            "cwd",
            "env",
            "file",
            "warn_above",
            "error_above",
            "warn_below",
            "error_below",
            "unit",
            "item",
        ];
        let (mut command, mut cwd, mut env, mut file) = (None, None, Vec::new(), None);
        let mut t = [None; 4];
        let (mut unit, mut item) = (None, None);
        for e in p.keys(rest, keys) {
            match e.key.as_str() {
                "command" => command = p.texts(e),
                "cwd" => cwd = p.text(e),
                "env" => env = p.text_map(e).unwrap_or_default(),
                "file" => file = p.text(e),
                "unit" => unit = p.text(e),
                "item" => item = p.text(e),
                "warn_above" => t[0] = p.number(e),
                "error_above" => t[1] = p.number(e),
                "warn_below" => t[2] = p.number(e),
                _ => t[3] = p.number(e),
            }
        }
        let at = p.kind_pos();
        let source = match (command, file) {
            (Some(command), None) => Source::Command { command, cwd, env },
            (None, Some(f)) => Source::File(f),
            _ => {
                p.error(
                    at,
                    "a check of kind `level` needs either `command` or `file`",
                );
                return None;
            }
        };
        let thresholds = ["warn_above", "error_above", "warn_below", "error_below"];
        if !thresholds.iter().any(|k| p.given(k)) {
            p.error(
                at,
                "a check of kind `level` needs a threshold: `warn_above`, `error_above`, `warn_below` or `error_below`",
            );
            return None;
        }
        if let (Some(w), Some(e)) = (t[0], t[1]) {
            if w > e {
                p.error(
                    at,
                    format!("`warn_above` ({w}) is above `error_above` ({e})"),
                );
            }
        }
        if let (Some(w), Some(e)) = (t[2], t[3]) {
            if w < e {
                p.error(
                    at,
                    format!("`warn_below` ({w}) is below `error_below` ({e})"),
                );
            }
        }
        Some(Params {
            source,
            warn_above: t[0],
            error_above: t[1],
            warn_below: t[2],
            error_below: t[3],
            unit,
            item,
        })
    }

    pub fn item(&self) -> String {
        if let Some(i) = &self.item {
            return i.clone();
        }
        match &self.source {
            Source::Command { command, .. } => command.join(" "),
            Source::File(f) => f.clone(),
        }
    }
}

pub struct Kind;

impl CheckKind for Kind {
    fn name(&self) -> &'static str {
        "level"
    }

    fn read(&self, rest: &[&Entry], p: &mut Reader) -> Option<Arc<dyn Check>> {
        runnable(Params::read(rest, p))
    }
}

impl Check for Params {
    fn run(&self, cx: &Cx) -> Result<Vec<Finding>, String> {
        run(self, cx)
    }

    fn default_item(&self) -> String {
        self.item()
    }
}

fn run(p: &Params, cx: &Cx) -> Result<Vec<Finding>, String> {
    let text = match &p.source {
        Source::Command { command, cwd, env } => {
            let out = execute(command, cwd.as_deref(), env, cx)?;
            if out.exit != super::process::Exit::Code(0) {
                return Err(format!(
                    "{}: {}",
                    super::process::describe(out.exit, cx.timeout),
                    out.tail(3)
                ));
            }
            if let Some(cut) = out.cut("so its last line is not known") {
                return Err(cut);
            }
            out.stdout
        }
        Source::File(f) => cx.site_file("file", f, FILE_LIMIT)?,
    };
    let value = number(&text)?;
    Ok(vec![judge(p, value)])
}

/// The first word of the last non-empty line, as a number.
fn number(text: &str) -> Result<f64, String> {
    let line = text
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .ok_or("the output is empty; expected a number")?;
    let word = line.split_whitespace().next().unwrap_or("");
    word.trim_end_matches('%')
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("expected a number, found `{}`", clip(line)))
}

fn judge(p: &Params, v: f64) -> Finding {
    let unit = p
        .unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    let shown = format!("{}{unit}", fmt(v));
    let mut limits = Vec::new();
    let checks = [
        (p.error_above, "error above", true, true),
        (p.error_below, "error below", false, true),
        (p.warn_above, "warning above", true, false),
        (p.warn_below, "warning below", false, false),
    ];
    let mut verdict = None;
    for (t, label, above, error) in checks {
        let Some(t) = t else { continue };
        limits.push(format!("{label} {}", fmt(t)));
        let crossed = if above { v > t } else { v < t };
        if crossed && verdict.is_none() {
            verdict = Some((error, format!("{shown} is {label} {}{unit}", fmt(t))));
        }
    }
    let item = p.item();
    match verdict {
        Some((true, msg)) => Finding::error(item, msg),
        Some((false, msg)) => Finding::warning(item, msg),
        None => Finding::ok(item, format!("{shown} ({})", limits.join(", "))),
    }
}

fn fmt(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn clip(s: &str) -> &str {
    s.char_indices().nth(60).map_or(s, |(i, _)| &s[..i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::row::Level;

    fn params(wa: Option<f64>, ea: Option<f64>, wb: Option<f64>, eb: Option<f64>) -> Params {
        Params {
            source: Source::File("depth.txt".into()),
            warn_above: wa,
            error_above: ea,
            warn_below: wb,
            error_below: eb,
            unit: Some("jobs".into()),
            item: None,
        }
    }

    #[test]
    fn numbers_come_from_the_last_line() {
        assert_eq!(number("queue report\n4120 jobs\n\n").unwrap(), 4120.0);
        assert_eq!(number("87%").unwrap(), 87.0);
        assert_eq!(number(" 0.93 ratio").unwrap(), 0.93);
        assert!(number("").is_err());
        assert_eq!(number("n/a").unwrap_err(), "expected a number, found `n/a`");
    }

    #[test]
    fn thresholds_above_and_below() {
        let above = params(Some(1000.0), Some(5000.0), None, None);
        let f = judge(&above, 4120.0);
        assert_eq!(f.level, Level::Warning);
        assert_eq!(f.message, "4120 jobs is warning above 1000 jobs");
        assert_eq!(judge(&above, 6000.0).level, Level::Error);
        let ok = judge(&above, 12.5);
        assert_eq!(ok.level, Level::Ok);
        assert_eq!(
            ok.message,
            "12.5 jobs (error above 5000, warning above 1000)"
        );
        let below = params(None, None, Some(20.0), Some(10.0));
        assert_eq!(judge(&below, 15.0).level, Level::Warning);
        assert_eq!(judge(&below, 5.0).level, Level::Error);
        assert_eq!(judge(&below, 25.0).level, Level::Ok);
    }
}
