//! Typed reading of YAML nodes with diagnostics: the shared vocabulary for front matter,
//! `site.yaml` and check configs ("`title` must be a string", unknown keys with suggestions).
//!
//! A [`Reader`] turns YAML-relative positions into file positions and records every problem
//! instead of stopping at the first. Pure.

use jiff::civil::Date;

use crate::diag::{Diagnostic, Diagnostics, Pos, Severity, did_you_mean_hint};
use crate::yaml::{Entry, Node, Value};

/// Reads nodes of one YAML block that starts on `first_line` of the file at `path`.
pub struct Reader<'d> {
    pub path: String,
    first_line: u32,
    pub diags: &'d mut Diagnostics,
}

impl<'d> Reader<'d> {
    pub fn new(path: impl Into<String>, first_line: u32, diags: &'d mut Diagnostics) -> Self {
        Reader {
            path: path.into(),
            first_line,
            diags,
        }
    }

    /// A YAML position as a position in the file.
    pub fn at(&self, p: Pos) -> Pos {
        Pos::new(p.line + self.first_line - 1, p.col)
    }

    pub fn error(&mut self, p: Pos, msg: impl Into<String>) {
        let at = self.at(p);
        self.diags.error(&self.path, at, msg);
    }

    pub fn warning(&mut self, p: Pos, msg: impl Into<String>) {
        let at = self.at(p);
        self.diags.warning(&self.path, at, msg);
    }

    /// An error about node `n`, covering its text.
    pub fn error_on(&mut self, n: &Node, msg: impl Into<String>) {
        self.push_on(Severity::Error, n.pos, n.len, msg);
    }

    /// A warning about node `n`, covering its text.
    pub fn warning_on(&mut self, n: &Node, msg: impl Into<String>) {
        self.push_on(Severity::Warning, n.pos, n.len, msg);
    }

    fn push_on(&mut self, severity: Severity, p: Pos, len: u32, msg: impl Into<String>) {
        let at = self.at(p);
        let d = Diagnostic::new(severity, &self.path, at, msg).spanning(len);
        self.diags.push(d);
    }

    /// A problem with the file as a whole, reported at its first line.
    pub fn file_error(&mut self, msg: impl Into<String>) {
        self.diags.error(&self.path, Pos::START, msg);
    }

    pub fn file_warning(&mut self, msg: impl Into<String>) {
        self.diags.warning(&self.path, Pos::START, msg);
    }

    /// The entries of a mapping; anything else is an error (null is an empty mapping).
    pub fn map<'n>(&mut self, what: &str, n: &'n Node) -> &'n [Entry] {
        match &n.value {
            Value::Map(entries) => entries,
            Value::Null => &[],
            other => {
                self.error_on(
                    n,
                    format!(
                        "{what} must be a mapping of `key: value` lines, found {}",
                        other.type_name()
                    ),
                );
                &[]
            }
        }
    }

    /// Warns about a key that is not in `known`, suggesting the closest one.
    pub fn unknown_key(&mut self, e: &Entry, what: &str, known: &[&str]) {
        let hint = did_you_mean_hint(&e.key, known.iter().copied());
        let msg = format!("unknown key `{}` in {what}{hint}", e.key);
        self.push_on(Severity::Warning, e.key_pos, e.key_len, msg);
    }

    pub fn string(&mut self, key: &str, n: &Node) -> Option<String> {
        match &n.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                self.error_on(
                    n,
                    format!(
                        "`{key}` must be a string, found {} (put it in quotes)",
                        n.value.type_name()
                    ),
                );
                None
            }
            Value::Null => {
                self.error_on(n, format!("`{key}` is empty"));
                None
            }
            other => {
                self.error_on(
                    n,
                    format!("`{key}` must be a string, found {}", other.type_name()),
                );
                None
            }
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    pub fn string_list(&mut self, key: &str, n: &Node) -> Vec<(String, Pos)> {
        self.string_items(key, n)
            .into_iter()
            .map(|(s, item)| (s, item.pos))
            .collect()
    }

    /// Like [`Reader::string_list`], with the node of each string (for its span).
    pub fn string_items<'n>(&mut self, key: &str, n: &'n Node) -> Vec<(String, &'n Node)> {
        match &n.value {
            Value::Str(s) => vec![(s.clone(), n)],
            Value::Null => Vec::new(),
            Value::Seq(items) => items
                .iter()
                .filter_map(|item| match &item.value {
                    Value::Str(s) => Some((s.clone(), item)),
                    other => {
                        self.error_on(
                            item,
                            format!(
                                "items of `{key}` must be strings, found {}",
                                other.type_name()
                            ),
                        );
                        None
                    }
                })
                .collect(),
            other => {
                self.error_on(
                    n,
                    format!(
                        "`{key}` must be a list of strings, found {}",
                        other.type_name()
                    ),
                );
                Vec::new()
            }
        }
    }

    pub fn bool(&mut self, key: &str, n: &Node) -> Option<bool> {
        match &n.value {
            Value::Bool(b) => Some(*b),
            other => {
                self.error_on(
                    n,
                    format!("`{key}` must be true or false, found {}", other.type_name()),
                );
                None
            }
        }
    }

    pub fn uint(&mut self, key: &str, n: &Node) -> Option<u64> {
        match &n.value {
            Value::Int(i) if *i >= 0 => Some(*i as u64),
            other => {
                self.error_on(
                    n,
                    format!(
                        "`{key}` must be a whole number ≥ 0, found {}",
                        other.type_name()
                    ),
                );
                None
            }
        }
    }

    pub fn number(&mut self, key: &str, n: &Node) -> Option<f64> {
        match &n.value {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            other => {
                self.error_on(
                    n,
                    format!("`{key}` must be a number, found {}", other.type_name()),
                );
                None
            }
        }
    }

    /// A calendar date written `YYYY-MM-DD`.
    pub fn date(&mut self, key: &str, n: &Node) -> Option<Date> {
        let Value::Str(s) = &n.value else {
            self.error_on(
                n,
                format!(
                    "`{key}` must be a date (YYYY-MM-DD), found {}",
                    n.value.type_name()
                ),
            );
            return None;
        };
        match parse_date(s) {
            Some(d) => Some(d),
            None => {
                self.error_on(
                    n,
                    format!("`{key}` must be a date (YYYY-MM-DD), found `{s}`"),
                );
                None
            }
        }
    }

    /// One of a fixed set of words.
    pub fn choice<'c>(&mut self, key: &str, n: &Node, choices: &[&'c str]) -> Option<&'c str> {
        let s = self.string(key, n)?;
        match choices.iter().find(|c| **c == s) {
            Some(c) => Some(c),
            None => {
                self.error_on(
                    n,
                    format!("`{key}` must be one of {}, found `{s}`", choices.join(", ")),
                );
                None
            }
        }
    }
}

/// `YYYY-MM-DD` and nothing else.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i16>().ok();
    Date::new(num(0..4)?, num(5..7)? as i8, num(8..10)? as i8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2026-02-28"),
            Some(Date::new(2026, 2, 28).unwrap())
        );
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("2026-2-3"), None);
        assert_eq!(parse_date("tomorrow"), None);
    }

    #[test]
    fn wrong_types_are_reported_at_file_positions() {
        let node = yaml::parse("title: 2024\ntags: {a: 1}\ncreated:\n  year: 2026\n").unwrap();
        let mut diags = Diagnostics::new();
        let mut r = Reader::new("content/x.md", 2, &mut diags);
        let entries = r.map("front matter", &node).to_vec();
        assert_eq!(r.string("title", &entries[0].node), None);
        assert!(r.string_list("tags", &entries[1].node).is_empty());
        assert_eq!(r.date("created", &entries[2].node), None);
        let out: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            out,
            [
                "content/x.md:2:1: error: `title` must be a string, found a number (put it in quotes)",
                "content/x.md:3:1: error: `tags` must be a list of strings, found a mapping",
                "content/x.md:4:1: error: `created` must be a date (YYYY-MM-DD), found a mapping",
            ]
        );
    }
}
