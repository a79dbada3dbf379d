//! `command`: runs a program and reads its verdict. Exit 0 is OK, anything else an ERROR
//! quoting the end of its output; a crash or a timeout is an ERROR too (on timeout the program
//! and everything it started are killed).
//!
//! With `output: rows` (the default), every stdout line is a row `LEVEL,item,message[,link]`
//! (CSV, so fields may be quoted; blank lines and `#` comments are skipped; logs belong on
//! stderr). A line that is not a row becomes an ERROR row that says why. With `output: text`
//! stdout is not interpreted and only the exit status counts.

use std::sync::Arc;

use super::params::Params as Reader;
use super::kind::{Check, CheckKind, runnable};
use super::process::{self, Exit};
use super::row::{Finding, Level};
use super::{Cx, csv};
use crate::yaml::Entry;

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub command: Vec<String>,
    pub cwd: Option<String>,
    pub env: Vec<(String, String)>,
    pub rows: bool,
}

/// How many malformed lines get a row each; the rest are counted in one more.
const MALFORMED_ROWS: usize = 5;

impl Params {
    pub fn read(rest: &[&Entry], p: &mut Reader) -> Option<Params> {
        let mut out = Params {
            command: Vec::new(),
            cwd: None,
            env: Vec::new(),
            rows: true,
        };
        let mut command = None;
        for e in p.keys(rest, &["command", "cwd", "env", "output"]) {
            match e.key.as_str() {
                "command" => command = p.texts(e),
                "cwd" => out.cwd = p.text(e),
                "env" => out.env = p.text_map(e).unwrap_or_default(),
                _ => out.rows = p.choice(e, &["rows", "text"]) != Some("text"),
            }
        }
        out.command = p.require(command, "command")?;
        Some(out)
    }

    /// The command line as written (with `${NAME}`, never the values).
    pub fn item(&self) -> String {
        self.command.join(" ")
    }
}

/// Expands and runs a command line; shared with `level`.
pub fn execute(
    command: &[String],
    cwd: Option<&str>,
    env: &[(String, String)],
    cx: &Cx,
) -> Result<process::Output, String> {
    let argv = command
        .iter()
        .map(|a| cx.expand(a))
        .collect::<Result<Vec<_>, _>>()?;
    let cwd = cx.site_path("cwd", cwd.unwrap_or("."))?;
    let env = env
        .iter()
        .map(|(k, v)| Ok((k.clone(), cx.expand(v)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let out = process::run(&argv, &cwd, &env, cx.deadline)?;
    if out.exit == Exit::TimedOut {
        return Err(process::describe(out.exit, cx.timeout));
    }
    Ok(out)
}

pub struct Kind;

impl CheckKind for Kind {
    fn name(&self) -> &'static str {
        "command"
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
    let out = execute(&p.command, p.cwd.as_deref(), &p.env, cx)?;
    let mut findings = Vec::new();
    if p.rows {
        let mut malformed = Vec::new();
        for (n, line) in out.stdout_lines().lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            match parse_row(t) {
                Ok(f) => findings.push(f),
                Err(why) => malformed.push((n + 1, t, why)),
            }
        }
        for (n, line, why) in malformed.iter().take(MALFORMED_ROWS) {
            findings.push(Finding::error(
                format!("output line {n}"),
                format!(
                    "not a row `LEVEL,item,message[,link]`: {why}: {}",
                    clip(line)
                ),
            ));
        }
        if let Some(cut) = out.cut("so rows after the cut are missing") {
            findings.push(Finding::warning("output", cut));
        }
        if malformed.len() > MALFORMED_ROWS {
            findings.push(Finding::error(
                "output",
                format!(
                    "{} more lines are not rows `LEVEL,item,message[,link]`",
                    malformed.len() - MALFORMED_ROWS
                ),
            ));
        }
    }
    match out.exit {
        Exit::Code(0) if findings.is_empty() => {
            let last = if p.rows { String::new() } else { out.tail(1) };
            let msg = if last.is_empty() {
                "exited with status 0".to_string()
            } else {
                format!("exited with status 0: {last}")
            };
            findings.push(Finding::ok(p.item(), msg));
        }
        Exit::Code(0) => {}
        exit => {
            let tail = out.tail(3);
            let sep = if tail.is_empty() { "" } else { ": " };
            findings.push(Finding::error(
                p.item(),
                format!("{}{sep}{tail}", process::describe(exit, cx.timeout)),
            ));
        }
    }
    Ok(findings)
}

/// `LEVEL,item,message[,link]`. Public for the fuzz target in `fuzz/`.
pub fn parse_row(line: &str) -> Result<Finding, String> {
    let records = csv::parse(line).map_err(|(_, e)| e)?;
    let fields = records
        .into_iter()
        .next()
        .map(|(_, f)| f)
        .unwrap_or_default();
    if !(3..=4).contains(&fields.len()) {
        return Err(format!("expected 3 or 4 fields, found {}", fields.len()));
    }
    let level = Level::parse(&fields[0]).ok_or_else(|| {
        format!(
            "{} is not a level (OK, WARNING or ERROR)",
            clip(fields[0].trim())
        )
    })?;
    Ok(Finding::new(level, fields[1].trim(), fields[2].trim())
        .with_link(fields.get(3).map(|l| l.trim().to_string())))
}

/// A line as quoted in a message: at most 120 characters.
fn clip(s: &str) -> String {
    match s.char_indices().nth(120) {
        Some((i, _)) => format!("`{}…`", &s[..i]),
        None => format!("`{s}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_parse_with_quotes_and_optional_links() {
        let f = parse_row("warning,disk /var,\"91% full, growing\",https://x.example/").unwrap();
        assert_eq!(f.level, Level::Warning);
        assert_eq!(f.item, "disk /var");
        assert_eq!(f.message, "91% full, growing");
        assert_eq!(f.link.as_deref(), Some("https://x.example/"));
        let f = parse_row("OK,db,reachable").unwrap();
        assert_eq!(f.link, None);
        assert_eq!(
            parse_row("WARN,x,y").unwrap_err(),
            "`WARN` is not a level (OK, WARNING or ERROR)"
        );
        assert_eq!(
            parse_row("all good").unwrap_err(),
            "expected 3 or 4 fields, found 1"
        );
        assert!(parse_row("OK,\"open,x").is_err());
    }
}
