//! Reading one check kind's own parameters from `site.yaml`: typed values with positions,
//! `${NAME}` references validated and collected, required keys and unknown keys reported with
//! a suggestion among the keys the kind accepts. Pure.

use std::collections::BTreeSet;
use std::time::Duration;

use super::config::{COMMON, duration};
use super::secret;
use crate::diag::Pos;
use crate::schema::Reader;
use crate::yaml::Entry;

/// Reads one kind's own keys: typed values with positions, `${NAME}` validated, unknown keys
/// suggested among the keys this kind accepts.
pub struct Params<'r, 'd> {
    pub r: &'r mut Reader<'d>,
    vars: &'r mut BTreeSet<String>,
    kind: String,
    /// Where the `kind:` value is, for "needs `url`" errors.
    pos: Pos,
    known: &'static [&'static str],
    /// The keys present, so a required key given with a bad value is not also "missing".
    seen: Vec<String>,
}

impl<'r, 'd> Params<'r, 'd> {
    pub(super) fn new(
        r: &'r mut Reader<'d>,
        vars: &'r mut BTreeSet<String>,
        kind: &str,
        pos: Pos,
    ) -> Self {
        Params {
            r,
            vars,
            kind: kind.to_string(),
            pos,
            known: &[],
            seen: Vec::new(),
        }
    }

    /// How many errors have been reported so far, in the whole file.
    pub(super) fn errors(&self) -> usize {
        self.r.diags.count(crate::diag::Severity::Error)
    }

    /// Declares this kind's keys and reports every entry that is not one of them.
    pub fn keys<'e>(
        &mut self,
        rest: &[&'e Entry],
        known: &'static [&'static str],
    ) -> Vec<&'e Entry> {
        self.known = known;
        let mut out = Vec::new();
        for e in rest {
            if known.contains(&e.key.as_str()) {
                self.seen.push(e.key.clone());
                out.push(*e);
            } else {
                let all: Vec<&str> = COMMON.iter().chain(known).copied().collect();
                self.r
                    .unknown_key(e, &format!("a check of kind `{}`", self.kind), &all);
            }
        }
        out
    }

    /// For kinds without parameters; always succeeds, after reporting stray keys.
    pub(super) fn none(&mut self, rest: &[&Entry]) -> bool {
        self.keys(rest, &[]);
        true
    }

    /// Whether the check gives `key` at all (even with a value that is wrong).
    pub fn given(&self, key: &str) -> bool {
        self.seen.iter().any(|k| k == key)
    }

    /// A required value: reports its absence.
    pub fn require<T>(&mut self, v: Option<T>, key: &str) -> Option<T> {
        if v.is_none() && self.known.contains(&key) && !self.seen.iter().any(|k| k == key) {
            let msg = format!("a check of kind `{}` needs `{key}`", self.kind);
            self.r.error(self.pos, msg);
        }
        v
    }

    /// A string that may use `${NAME}`.
    pub fn text(&mut self, e: &Entry) -> Option<String> {
        let s = self.r.string(&e.key, &e.node)?;
        self.template(&e.key, &s, e.node.pos).then_some(s)
    }

    /// A list of strings (a single string is a list of one), each may use `${NAME}`.
    pub fn texts(&mut self, e: &Entry) -> Option<Vec<String>> {
        let items = self.r.string_list(&e.key, &e.node);
        let mut ok = true;
        for (s, pos) in &items {
            ok &= self.template(&e.key, s, *pos);
        }
        (ok && !items.is_empty()).then(|| items.into_iter().map(|(s, _)| s).collect())
    }

    /// A mapping of names to strings (`env`, `headers`).
    pub fn text_map(&mut self, e: &Entry) -> Option<Vec<(String, String)>> {
        let what = format!("`{}`", e.key);
        let mut out = Vec::new();
        for x in self.r.map(&what, &e.node) {
            out.push((x.key.clone(), self.text(x)?));
        }
        Some(out)
    }

    pub fn number(&mut self, e: &Entry) -> Option<f64> {
        self.r.number(&e.key, &e.node)
    }

    pub fn uint(&mut self, e: &Entry) -> Option<u64> {
        self.r.uint(&e.key, &e.node)
    }

    pub fn duration(&mut self, e: &Entry) -> Option<Duration> {
        duration(self.r, &e.key, &e.node)
    }

    pub fn choice<'c>(&mut self, e: &Entry, choices: &[&'c str]) -> Option<&'c str> {
        self.r.choice(&e.key, &e.node, choices)
    }

    pub fn error(&mut self, pos: Pos, msg: impl Into<String>) {
        self.r.error(pos, msg);
    }

    pub fn kind_pos(&self) -> Pos {
        self.pos
    }

    fn template(&mut self, key: &str, s: &str, pos: Pos) -> bool {
        match secret::names(s) {
            Ok(names) => {
                self.vars.extend(names);
                true
            }
            Err(msg) => {
                self.r.error(pos, format!("`{key}`: {msg}"));
                false
            }
        }
    }
}
