//! Diagnostics: content problems found by any stage, collected and reported together.
//!
//! A stage never stops at the first content problem: it records a [`Diagnostic`] and goes on,
//! so one run reports everything. Nothing here prints; the command line decides how to show
//! them (text or JSON).

use std::fmt;

use serde::Serialize;

/// How bad a problem is. Errors fail a build; warnings do not (unless `--strict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A line and column in a file, both counted from 1; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    pub fn new(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }
}

/// One problem, anchored to a file (relative to the site root) and a position in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub severity: Severity,
    pub message: String,
    /// How many characters of the line, from `col`, the problem covers; 0 when not known.
    pub len: u32,
    /// The text of `line`, kept (see [`show_source`]) when `len` is known and the line is
    /// short enough to show, so the command line can underline the offending text.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        path: impl Into<String>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: reveal(&path.into()),
            line: pos.line,
            col: pos.col,
            severity,
            message: reveal(&message.into()),
            len: 0,
            source_line: None,
        }
    }

    /// The same problem, covering `len` characters from its column.
    pub fn spanning(mut self, len: u32) -> Self {
        self.len = len;
        self
    }
}

/// The longest line kept for underlining: a diagnostic holds its own copy, and a long line
/// full of broken links would otherwise hold one copy per link.
pub const MAX_SHOWN_LINE: usize = 240;

/// Keeps the source line of each diagnostic about `text` (a whole file) that has a span.
pub fn show_source<'a>(diags: impl IntoIterator<Item = &'a mut Diagnostic>, text: &str) {
    let mut index: Option<LineIndex> = None;
    for d in diags {
        if d.len == 0 || d.source_line.is_some() {
            continue;
        }
        let index = index.get_or_insert_with(|| LineIndex::new(text));
        keep_line(d, index, text);
    }
}

fn keep_line(d: &mut Diagnostic, index: &LineIndex, text: &str) {
    d.source_line = index
        .line_text(text, d.line)
        .filter(|l| l.len() <= MAX_SHOWN_LINE)
        .map(str::to_string);
}

/// Writes invisible characters as `\u{…}`. Messages quote document text and paths quote file
/// names, either of which may hold a newline (breaking the one-line format), a terminal escape
/// sequence, or a zero-width character that makes the quoted text look right when it is not.
pub fn reveal(s: &str) -> String {
    if !s.chars().any(crate::names::is_invisible) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if crate::names::is_invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path, self.line, self.col, self.severity, self.message
        )
    }
}

/// A growing list of diagnostics, all about files of one site.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn error(&mut self, path: &str, pos: Pos, message: impl Into<String>) {
        self.push(Diagnostic::new(Severity::Error, path, pos, message));
    }

    pub fn warning(&mut self, path: &str, pos: Pos, message: impl Into<String>) {
        self.push(Diagnostic::new(Severity::Warning, path, pos, message));
    }

    /// An error covering `len` characters from `pos`.
    pub fn error_spanning(&mut self, path: &str, pos: Pos, len: u32, message: impl Into<String>) {
        self.push(Diagnostic::new(Severity::Error, path, pos, message).spanning(len));
    }

    /// A warning covering `len` characters from `pos`.
    pub fn warning_spanning(&mut self, path: &str, pos: Pos, len: u32, message: impl Into<String>) {
        self.push(Diagnostic::new(Severity::Warning, path, pos, message).spanning(len));
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        has_errors(&self.items)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Takes out one occurrence of each of `gone`.
    pub fn remove(&mut self, gone: &[Diagnostic]) {
        for g in gone {
            if let Some(at) = self.items.iter().position(|d| d == g) {
                self.items.swap_remove(at);
            }
        }
    }

    /// `--strict`: every warning becomes an error.
    pub fn promote_warnings(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }

    /// Sorted by file, then position, then message, without duplicates: the order users see.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Keeps the source lines of the diagnostics about `path`, whose text is `text`.
    pub fn show_source(&mut self, path: &str, text: &str) {
        show_source(self.items.iter_mut().filter(|d| d.path == path), text);
    }

    /// Keeps the source lines of every diagnostic with a span, taking each file's text from
    /// `text_of` (each file indexed once).
    pub fn show_sources<'t>(&mut self, text_of: impl Fn(&str) -> Option<&'t str>) {
        let items = &mut self.items;
        let mut want: Vec<usize> = (0..items.len())
            .filter(|&i| items[i].len > 0 && items[i].source_line.is_none())
            .collect();
        want.sort_by(|&a, &b| items[a].path.cmp(&items[b].path));
        let mut start = 0;
        while start < want.len() {
            let path = items[want[start]].path.clone();
            let end = start
                + want[start..]
                    .iter()
                    .take_while(|&&i| items[i].path == path)
                    .count();
            if let Some(text) = text_of(&path) {
                let index = LineIndex::new(text);
                for &i in &want[start..end] {
                    keep_line(&mut items[i], &index, text);
                }
            }
            start = end;
        }
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

/// Maps byte offsets of a text to [`Pos`] (line and character column, from 1).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Pos::new(line as u32 + 1, col as u32 + 1)
    }

    /// The text of line `line` (from 1), without its line break.
    pub fn line_text<'t>(&self, text: &'t str, line: u32) -> Option<&'t str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).map_or(text.len(), |&e| e - 1);
        text.get(start..end.max(start))
    }

    /// The positions of many offsets. Counting each column from its line start would be
    /// quadratic for a long line full of links, so sorted offsets continue from the previous one.
    pub fn positions(&self, text: &str, offsets: &[usize]) -> Vec<Pos> {
        let mut out = Vec::with_capacity(offsets.len());
        let mut last: Option<(usize, Pos)> = None;
        for &offset in offsets {
            let offset = offset.min(text.len());
            let pos = match last {
                Some((prev, p))
                    if prev <= offset
                        && text.is_char_boundary(prev)
                        && !text[prev..offset].contains('\n')
                        && text.is_char_boundary(offset) =>
                {
                    Pos::new(p.line, p.col + text[prev..offset].chars().count() as u32)
                }
                _ => self.pos(text, offset),
            };
            last = Some((offset, pos));
            out.push(pos);
        }
        out
    }
}

/// The closest candidate to `word` (for "did you mean" hints), if it is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < word.len().max(1))
        .min()
        .map(|(_, c)| c)
}

/// The " (did you mean `x`?)" that ends a message about `word`, or nothing when no candidate
/// is close: the one wording of the hint.
pub fn did_you_mean_hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    hint_of(did_you_mean(word, candidates))
}

/// The " (did you mean `x`?)" for a suggestion found some other way, or nothing.
pub fn hint_of(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// Whether any of `diags` is an error (what fails a build).
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// How many of `diags` are errors.
pub fn error_count(diags: &[Diagnostic]) -> usize {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\nçd ef\n\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.pos(text, 0), Pos::new(1, 1));
        assert_eq!(idx.pos(text, 3), Pos::new(2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(idx.pos(text, 6), Pos::new(2, 3));
        assert_eq!(idx.pos(text, 10), Pos::new(3, 1));
        assert_eq!(idx.pos(text, 11), Pos::new(4, 1));
    }

    #[test]
    fn many_positions_match_one_by_one() {
        let text = "ab\nçd ef\n\nx [[a]] [[ü]] end";
        let idx = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&o| text.is_char_boundary(o))
            .chain([5, 0, text.len() + 3])
            .collect();
        let one: Vec<Pos> = offsets.iter().map(|&o| idx.pos(text, o)).collect();
        assert_eq!(idx.positions(text, &offsets), one);
    }

    #[test]
    fn spanned_diagnostics_keep_their_short_source_lines() {
        let long = "x".repeat(MAX_SHOWN_LINE + 1);
        let text = format!("first\nsecond line\n{long}\n");
        let at = |line, len| {
            Diagnostic::new(Severity::Error, "a.md", Pos::new(line, 1), "m").spanning(len)
        };
        let mut diags = [at(2, 6), at(1, 0), at(3, 1), at(4, 1)];
        show_source(&mut diags, &text);
        let lines: Vec<Option<&str>> = diags.iter().map(|d| d.source_line.as_deref()).collect();
        assert_eq!(lines, [Some("second line"), None, None, Some("")]);
        let idx = LineIndex::new("a\r\nb");
        assert_eq!(idx.line_text("a\r\nb", 1), Some("a\r"));
        assert_eq!(idx.line_text("a\r\nb", 2), Some("b"));
        assert_eq!(idx.line_text("a\r\nb", 3), None);
        let json = serde_json::to_value(at(2, 6)).unwrap();
        assert_eq!(json["len"], 6);
        assert!(json.get("source_line").is_none());
    }

    #[test]
    fn display_is_path_line_col_severity_message() {
        let d = Diagnostic::new(Severity::Warning, "content/a.md", Pos::new(3, 7), "oops");
        assert_eq!(d.to_string(), "content/a.md:3:7: warning: oops");
    }

    #[test]
    fn invisible_characters_in_paths_and_messages_are_shown_escaped() {
        let d = Diagnostic::new(
            Severity::Error,
            "content/a\nb.md",
            Pos::START,
            "found `a\u{200b}b` and \u{1b}[31mred",
        );
        assert_eq!(
            d.to_string(),
            "content/a\\u{a}b.md:1:1: error: found `a\\u{200b}b` and \\u{1b}[31mred"
        );
    }

    #[test]
    fn suggestions_are_close_words_only() {
        let keys = ["title", "status", "summary", "owners"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("owner", keys), Some("owners"));
        assert_eq!(did_you_mean("banana", keys), None);
        assert_eq!(did_you_mean_hint("titel", keys), " (did you mean `title`?)");
        assert_eq!(did_you_mean_hint("banana", keys), "");
    }
}
