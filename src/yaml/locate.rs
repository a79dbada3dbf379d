//! Finds the line and column of every key and list item by walking the parsed value and the
//! source lines side by side (the YAML library reports no positions for values).
//!
//! Must stay linear in the size of the text whatever it holds: columns are counted on from the
//! last position found on the same line, and searches that fail (a key written with escapes
//! does not appear as parsed) draw on a budget proportional to the text, after which the
//! remaining positions fall back to their enclosing key. It never reports a wrong line.

use std::cell::Cell;

use super::{Entry, Node, Value};
use crate::diag::Pos;

/// Start the locator on `lines` and give the position of every node of `value`.
pub(super) fn locate(value: &serde_yaml::Value, lines: &[&str]) -> Node {
    let size: usize = lines.iter().map(|l| l.len() + 1).sum();
    let mut locator = Locator {
        lines,
        budget: Cell::new(SEARCH_BUDGET_PER_BYTE * size + 4096),
        last_col: Cell::new((usize::MAX, 0, 0)),
    };
    let start = Cursor { line: 0, col: 0 };
    locator.node(value, start, lines.len(), Pos::START, 0)
}

/// How many bytes searches may look at, per byte of text: a successful search looks at each
/// byte about once, so this leaves room for the few keys that are not found as written.
const SEARCH_BUDGET_PER_BYTE: usize = 4;

#[derive(Debug, Clone, Copy)]
struct Cursor {
    line: usize,
    col: usize,
}

/// Walks a serde_yaml value and the source lines together to find positions.
///
/// A region is a start cursor and an exclusive end line. Anything it cannot match (anchors,
/// odd flow styles) falls back to the position of the enclosing key, never to a wrong line.
struct Locator<'a> {
    lines: &'a [&'a str],
    /// Bytes searches may still look at.
    budget: Cell<usize>,
    /// The last column counted: line, byte offset and character column. Positions on one
    /// line come in increasing order, so each is counted on from the one before.
    last_col: Cell<(usize, usize, usize)>,
}

impl Locator<'_> {
    /// The node for `v` in the region from `start` to line `end`; `fallback` and `len` are its
    /// position and span when nothing nearer is found.
    fn node(
        &mut self,
        v: &serde_yaml::Value,
        start: Cursor,
        end: usize,
        fallback: Pos,
        len: u32,
    ) -> Node {
        use serde_yaml::Value as Y;
        let value = match v {
            Y::Null => Value::Null,
            Y::Bool(b) => Value::Bool(*b),
            Y::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Y::String(s) => Value::Str(s.clone()),
            Y::Sequence(items) => Value::Seq(self.seq(items, start, end, fallback)),
            Y::Mapping(m) => Value::Map(self.map(m, start, end, fallback)),
            Y::Tagged(t) => return self.node(&t.value, start, end, fallback, len),
        };
        Node {
            value,
            pos: fallback,
            len,
        }
    }

    /// The characters from `at` to the end of its line's content (before a comment).
    fn rest_of_line(&self, at: Cursor) -> u32 {
        let text = self.lines[at.line];
        let rest = &text[boundary(text, at.col)..];
        let content = rest.find(" #").map_or(rest, |i| &rest[..i]);
        content.trim_end().chars().count() as u32
    }

    /// The characters the key `key` found at `at` takes, with its quotes.
    fn key_len(&self, at: Cursor, key: &str) -> u32 {
        let rest = &self.lines[at.line][at.col..];
        let quoted = rest.starts_with(['"', '\'']) && rest[1..].starts_with(key);
        key.chars().count() as u32 + if quoted { 2 } else { 0 }
    }

    /// The first non-blank, non-comment character at or after `from`, before line `end`.
    fn first_content(&self, from: Cursor, end: usize) -> Option<Cursor> {
        for line in from.line..end.min(self.lines.len()) {
            let text = self.lines[line];
            let skip = if line == from.line {
                from.col.min(text.len())
            } else {
                0
            };
            let rest = &text[skip..];
            let trimmed = rest.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            return Some(Cursor {
                line,
                col: skip + rest.len() - trimmed.len(),
            });
        }
        None
    }

    fn pos(&self, c: Cursor) -> Pos {
        let text = self.lines.get(c.line).copied().unwrap_or("");
        let (line, byte, chars) = self.last_col.get();
        let col = if line == c.line && byte <= c.col {
            text.get(byte..c.col).map(|s| chars + s.chars().count())
        } else {
            text.get(..c.col).map(|s| s.chars().count())
        };
        if let Some(col) = col {
            self.last_col.set((c.line, c.col, col));
        }
        let col = col.unwrap_or(c.col);
        Pos::new(c.line as u32 + 1, col as u32 + 1)
    }

    /// Takes `cost` bytes from the search budget; false once it is spent.
    fn spend(&self, cost: usize) -> bool {
        match self.budget.get().checked_sub(cost) {
            Some(left) => {
                self.budget.set(left);
                true
            }
            None => {
                self.budget.set(0);
                false
            }
        }
    }

    fn map(
        &mut self,
        m: &serde_yaml::Mapping,
        start: Cursor,
        end: usize,
        fallback: Pos,
    ) -> Vec<Entry> {
        let first = self.first_content(start, end);
        let flow = first.filter(|c| self.lines[c.line][c.col..].starts_with('{'));
        let indent = first.map(|c| c.col);
        let mut cursor = first.unwrap_or(start);
        let mut out = Vec::with_capacity(m.len());
        let entries: Vec<(String, &serde_yaml::Value)> =
            m.iter().map(|(k, v)| (key_text(k), v)).collect();
        for (i, (key, value)) in entries.iter().enumerate() {
            let found = match flow {
                Some(_) => self.find_text(key, cursor, end).map(|(at, _)| at),
                None => self.find_key(key, cursor, end, indent),
            };
            let Some(at) = found else {
                out.push(Entry {
                    key: key.clone(),
                    key_pos: fallback,
                    key_len: 0,
                    node: self.node(value, cursor, cursor.line, fallback, 0),
                });
                continue;
            };
            let key_pos = self.pos(at);
            let value_start = Cursor {
                line: at.line,
                col: self.after_colon(at, key),
            };
            let value_end = match flow {
                Some(_) => at.line + 1,
                None => self.block_end(
                    at.line + 1,
                    end,
                    at.col,
                    entries.get(i + 1).map(|e| e.0.as_str()),
                ),
            };
            let key_len = self.key_len(at, key);
            let len = match flow {
                Some(_) => key_len,
                None => self.rest_of_line(at),
            };
            let node = self.node(value, value_start, value_end.max(at.line + 1), key_pos, len);
            out.push(Entry {
                key: key.clone(),
                key_pos,
                key_len,
                node,
            });
            cursor = match flow {
                // Past the key; `boundary` keeps a quoted key's offset inside the line's text.
                Some(_) => Cursor {
                    line: at.line,
                    col: boundary(self.lines[at.line], at.col + key.len()),
                },
                None => Cursor {
                    line: value_end.max(at.line + 1),
                    col: 0,
                },
            };
        }
        out
    }

    /// Finds `key:` at the start of a line's content (at the mapping's indent).
    fn find_key(
        &self,
        key: &str,
        from: Cursor,
        end: usize,
        indent: Option<usize>,
    ) -> Option<Cursor> {
        for line in from.line..end.min(self.lines.len()) {
            let text = self.lines[line];
            let skip = if line == from.line {
                from.col.min(text.len())
            } else {
                0
            };
            let rest = &text[skip..];
            let col = skip + rest.len() - rest.trim_start().len();
            if !self.spend(col - skip + key.len() + 1) {
                return None;
            }
            if indent.is_some_and(|i| col != i) {
                continue;
            }
            if key_at(&text[col..], key) {
                return Some(Cursor { line, col });
            }
        }
        None
    }

    /// Finds the text of a flow-style key or scalar item: where it starts (at its opening
    /// quote if quoted) and the column just after it, where the next search goes on.
    fn find_text(&self, needle: &str, from: Cursor, end: usize) -> Option<(Cursor, usize)> {
        if needle.is_empty() {
            return None;
        }
        for line in from.line..end.min(self.lines.len()) {
            let text = self.lines[line];
            let skip = if line == from.line {
                boundary(text, from.col)
            } else {
                0
            };
            // Look no further than the budget allows (the search itself is the cost).
            let window = boundary(text, skip.saturating_add(self.budget.get()));
            let found = text[skip..window].find(needle);
            let looked_at = found.map_or(window - skip, |i| i + needle.len());
            if !self.spend(looked_at + 1) {
                return None;
            }
            if let Some(i) = found {
                let quoted = text[..skip + i].ends_with(['"', '\'']);
                let at = Cursor {
                    line,
                    col: skip + i - usize::from(quoted),
                };
                return Some((at, skip + i + needle.len()));
            }
        }
        None
    }

    /// Where the value of the key `key` found at `at` starts: after its colon, or (a flow
    /// key without a value) just after the key. Looks no further than the key and the
    /// spaces after it, so a long line of keys stays linear.
    fn after_colon(&self, at: Cursor, key: &str) -> usize {
        let text = self.lines[at.line];
        let rest = &text[at.col..];
        let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''));
        let key_end = match quote {
            Some(q) if rest[1..].starts_with(key) && rest[1 + key.len()..].starts_with(q) => {
                key.len() + 2
            }
            _ if rest.starts_with(key) => key.len(),
            _ => 0,
        };
        let after = &rest[key_end..];
        let spaces = after.len() - after.trim_start_matches(' ').len();
        let end = at.col + key_end + spaces;
        if text[end..].starts_with(':') {
            end + 1
        } else {
            end
        }
    }

    /// The line where a block value that started under a key at `indent` ends.
    fn block_end(&self, from: usize, end: usize, indent: usize, next_key: Option<&str>) -> usize {
        for line in from..end.min(self.lines.len()) {
            let text = self.lines[line];
            let trimmed = text.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let col = text.len() - trimmed.len();
            let is_item = trimmed == "-" || trimmed.starts_with("- ");
            if col < indent
                || (col == indent && !is_item)
                || (col == indent && next_key.is_some_and(|k| key_at(trimmed, k)))
            {
                return line;
            }
        }
        end
    }

    fn seq(
        &mut self,
        items: &[serde_yaml::Value],
        start: Cursor,
        end: usize,
        fallback: Pos,
    ) -> Vec<Node> {
        let Some(first) = self.first_content(start, end) else {
            return items
                .iter()
                .map(|v| self.node(v, start, start.line, fallback, 0))
                .collect();
        };
        if self.lines[first.line][first.col..].starts_with('[') {
            let mut cursor = Cursor {
                line: first.line,
                col: first.col + 1,
            };
            return items
                .iter()
                .map(|v| {
                    let needle = scalar_text(v);
                    match needle
                        .as_deref()
                        .and_then(|n| self.find_text(n, cursor, end))
                    {
                        Some((at, after)) => {
                            cursor = Cursor {
                                line: at.line,
                                col: after,
                            };
                            let pos = self.pos(at);
                            let text = self.lines[at.line];
                            let len = text[at.col..after].chars().count() as u32
                                + u32::from(text[after..].starts_with(['"', '\'']));
                            self.node(v, at, at.line + 1, pos, len)
                        }
                        None => self.node(v, cursor, cursor.line, fallback, 0),
                    }
                })
                .collect();
        }
        let indent = first.col;
        let mut dashes = Vec::new();
        for line in first.line..end.min(self.lines.len()) {
            let text = self.lines[line];
            let col = if line == first.line {
                first.col
            } else {
                text.len() - text.trim_start().len()
            };
            let rest = &text[col..];
            if col == indent && (rest == "-" || rest.starts_with("- ")) {
                dashes.push(line);
            }
        }
        items
            .iter()
            .enumerate()
            .map(|(i, v)| match dashes.get(i) {
                Some(&line) => {
                    let text = self.lines[line];
                    let after = indent + 1;
                    let content = text[after..].len() - text[after..].trim_start().len();
                    let at = Cursor {
                        line,
                        col: (after + content).min(text.len()),
                    };
                    let item_end = dashes.get(i + 1).copied().unwrap_or(end);
                    let (pos, len) = if text[after..].trim().is_empty() {
                        (self.pos(Cursor { line, col: indent }), 1)
                    } else {
                        (self.pos(at), self.rest_of_line(at))
                    };
                    self.node(v, at, item_end, pos, len)
                }
                None => self.node(v, start, start.line, fallback, 0),
            })
            .collect()
    }
}

/// `col` moved back to the start of the character it falls in, so slicing there is safe.
fn boundary(text: &str, col: usize) -> usize {
    let mut c = col.min(text.len());
    while !text.is_char_boundary(c) {
        c -= 1;
    }
    c
}

fn key_text(k: &serde_yaml::Value) -> String {
    scalar_text(k).unwrap_or_else(|| "?".into())
}

fn scalar_text(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Null => None,
        _ => None,
    }
}

/// Does `text` start with `key` (plain or quoted) followed by a colon?
pub(super) fn key_at(text: &str, key: &str) -> bool {
    let rest = if let Some(r) = text.strip_prefix(key) {
        r
    } else if let Some(r) = text
        .strip_prefix('"')
        .and_then(|t| t.strip_prefix(key))
        .and_then(|t| t.strip_prefix('"'))
    {
        r
    } else if let Some(r) = text
        .strip_prefix('\'')
        .and_then(|t| t.strip_prefix(key))
        .and_then(|t| t.strip_prefix('\''))
    {
        r
    } else {
        return false;
    };
    let rest = rest.trim_start_matches(' ');
    rest == ":" || rest.starts_with(": ") || rest.starts_with(":\t")
}
