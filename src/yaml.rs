//! YAML parsing with positions: the one module that knows the YAML library.
//!
//! `serde_yaml` (archived upstream) parses the text; this module converts its value into our
//! own [`Node`] tree and recovers the line and column of every key and list item by walking the
//! tree and the source text side by side. Swapping the YAML library means rewriting this file
//! only. Positions are relative to the YAML text given; callers add their own line offset.
//!
//! It does no I/O and knows nothing about documents or configs.

use crate::diag::Pos;

/// A parsed YAML value with the position of the key or list item that holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One `key: value` pair of a mapping; `key_pos` points at the key.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub node: Node,
}

impl Value {
    /// A short name of the value's type, for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A syntax error with its position when the parser knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Parses one YAML document. An empty text is `Value::Null`.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    if text.contains('\t') {
        if let Some((line, l)) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.trim_start_matches(' ').starts_with('\t'))
        {
            let col = l.len() - l.trim_start_matches(' ').len();
            return Err(YamlError {
                pos: Pos::new(line as u32 + 1, col as u32 + 1),
                message: "a tab is used for indentation; YAML allows only spaces".into(),
            });
        }
    }
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let message = clean_message(&e.to_string());
        let pos = duplicate_key_pos(text, &message)
            .or_else(|| {
                e.location()
                    .map(|l| Pos::new(l.line() as u32, l.column() as u32))
            })
            .unwrap_or(Pos::START);
        let message = match message.strip_prefix("duplicate entry with key ") {
            Some(key) => format!(
                "duplicate key `{}`: a key may be given once",
                key.trim_matches('"')
            ),
            None => match hint(text, pos) {
                Some(h) => format!("{message} ({h})"),
                None => message,
            },
        };
        YamlError { pos, message }
    })?;
    if has_complex_key(&value) {
        return Err(complex_key_error(text));
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut locator = Locator { lines: &lines };
    let start = Cursor { line: 0, col: 0 };
    let end = lines.len();
    Ok(locator.node(&value, start, end, Pos::START))
}

/// What people usually meant when the parser gives up on a line: template code copied from
/// another generator, or a JSON habit.
fn hint(text: &str, pos: Pos) -> Option<&'static str> {
    let line = text.lines().nth(pos.line.checked_sub(1)? as usize)?;
    if line.contains("{%") || line.contains("{{") {
        Some("template code is not run in front matter; put the text in quotes")
    } else if line.trim_end().ends_with(',') {
        Some("a trailing comma? YAML puts each key on its own line, without commas")
    } else {
        None
    }
}

/// A mapping or list used as a key. Valid YAML, but never meant: it is what `{{ page.title }}`
/// (template code copied from another generator) parses as.
fn has_complex_key(v: &serde_yaml::Value) -> bool {
    use serde_yaml::Value as Y;
    match v {
        Y::Mapping(m) => m
            .iter()
            .any(|(k, v)| matches!(k, Y::Mapping(_) | Y::Sequence(_)) || has_complex_key(v)),
        Y::Sequence(items) => items.iter().any(has_complex_key),
        Y::Tagged(t) => has_complex_key(&t.value),
        _ => false,
    }
}

fn complex_key_error(text: &str) -> YamlError {
    let template = text.lines().enumerate().find_map(|(i, l)| {
        l.find("{{")
            .map(|c| Pos::new(i as u32 + 1, l[..c].chars().count() as u32 + 1))
    });
    match template {
        Some(pos) => YamlError {
            pos,
            message: "`{{ … }}` is template code, which front matter does not run; put the text in quotes".into(),
        },
        None => YamlError {
            pos: Pos::START,
            message: "a key must be plain text, not a mapping or a list".into(),
        },
    }
}

/// serde_yaml places a duplicate-key error at the start of the mapping; point at the repeat.
fn duplicate_key_pos(text: &str, message: &str) -> Option<Pos> {
    let key = message
        .strip_prefix("duplicate entry with key ")?
        .trim_matches('"');
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let col = l.len() - l.trim_start().len();
            key_at(l.trim_start().trim_start_matches("- "), key)
                .then(|| Pos::new(i as u32 + 1, col as u32 + 1))
        })
        .nth(1)
}

/// serde_yaml appends " at line X column Y" to messages; we report the position ourselves.
fn clean_message(msg: &str) -> String {
    let msg = match msg.find(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    msg.to_string()
}

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
}

impl Locator<'_> {
    fn node(&mut self, v: &serde_yaml::Value, start: Cursor, end: usize, fallback: Pos) -> Node {
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
            Y::Tagged(t) => return self.node(&t.value, start, end, fallback),
        };
        Node {
            value,
            pos: fallback,
        }
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
        let col = text.get(..c.col).map_or(c.col, |s| s.chars().count());
        Pos::new(c.line as u32 + 1, col as u32 + 1)
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
                    node: self.node(value, cursor, cursor.line, fallback),
                });
                continue;
            };
            let key_pos = self.pos(at);
            let value_start = Cursor {
                line: at.line,
                col: self.after_colon(at),
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
            let node = self.node(value, value_start, value_end.max(at.line + 1), key_pos);
            out.push(Entry {
                key: key.clone(),
                key_pos,
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
            if let Some(i) = text[skip..].find(needle) {
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

    fn after_colon(&self, at: Cursor) -> usize {
        let text = self.lines[at.line];
        let rest = &text[at.col..];
        let quoted = rest.starts_with('"') || rest.starts_with('\'');
        let skip = if quoted {
            rest[1..]
                .find(rest.as_bytes()[0] as char)
                .map_or(0, |i| i + 2)
        } else {
            0
        };
        rest[skip..]
            .find(':')
            .map_or(text.len(), |i| at.col + skip + i + 1)
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
                .map(|v| self.node(v, start, start.line, fallback))
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
                            self.node(v, at, at.line + 1, pos)
                        }
                        None => self.node(v, cursor, cursor.line, fallback),
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
                    let pos = if text[after..].trim().is_empty() {
                        self.pos(Cursor { line, col: indent })
                    } else {
                        self.pos(at)
                    };
                    self.node(v, at, item_end, pos)
                }
                None => self.node(v, start, start.line, fallback),
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
fn key_at(text: &str, key: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: &Node) -> &[Entry] {
        match &n.value {
            Value::Map(e) => e,
            other => panic!("not a map: {other:?}"),
        }
    }

    fn items(n: &Node) -> &[Node] {
        match &n.value {
            Value::Seq(s) => s,
            other => panic!("not a seq: {other:?}"),
        }
    }

    #[test]
    fn keys_and_items_carry_their_positions() {
        let text = "title: Hello\nserves:\n  - north-star\n  - \"second\"\nuses: [a, bb]\n# comment\nowners:\n- alice\n";
        let root = parse(text).unwrap();
        let e = entries(&root);
        assert_eq!(e[0].key, "title");
        assert_eq!(e[0].key_pos, Pos::new(1, 1));
        assert_eq!(e[1].key_pos, Pos::new(2, 1));
        let serves = items(&e[1].node);
        assert_eq!(serves[0].pos, Pos::new(3, 5));
        assert_eq!(serves[1].pos, Pos::new(4, 5));
        let uses = items(&e[2].node);
        assert_eq!(uses[0].pos, Pos::new(5, 8));
        assert_eq!(uses[1].pos, Pos::new(5, 11));
        assert_eq!(e[3].key_pos, Pos::new(7, 1));
        assert_eq!(items(&e[3].node)[0].pos, Pos::new(8, 3));
    }

    #[test]
    fn nested_lists_of_mappings_are_located() {
        let text = "title: T\nchecks:\n  - name: One\n    kind: http\n  - name: Two\n    kind: command\n    command: [\"a\", \"b\"]\n";
        let root = parse(text).unwrap();
        let checks = items(&entries(&root)[1].node);
        let two = entries(&checks[1]);
        assert_eq!(two[0].key_pos, Pos::new(5, 5));
        assert_eq!(two[1].key_pos, Pos::new(6, 5));
        assert_eq!(two[2].key_pos, Pos::new(7, 5));
        assert_eq!(items(&two[2].node)[1].pos, Pos::new(7, 20));
    }

    #[test]
    fn same_key_names_at_different_levels_do_not_confuse() {
        let text = "kinds:\n  rfc:\n    label: RFC\nlabel: top\n";
        let root = parse(text).unwrap();
        let e = entries(&root);
        assert_eq!(e[1].key, "label");
        assert_eq!(e[1].key_pos, Pos::new(4, 1));
        let rfc = entries(&entries(&e[0].node)[0].node);
        assert_eq!(rfc[0].key_pos, Pos::new(3, 5));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("title: [unclosed\nstatus: x\n").unwrap_err();
        assert!(err.pos.line >= 1);
        assert!(!err.message.contains(" at line "));
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert!(err.message.contains("duplicate"), "{}", err.message);
        assert_eq!(err.pos.line, 2);
    }

    #[test]
    fn tabs_are_reported_where_they_are() {
        let err = parse("title: x\n\tstatus: y\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(2, 1));
    }

    #[test]
    fn template_code_is_named_as_such() {
        let err = parse("title: x\nsummary: {{ page.summary }}\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(2, 10));
        assert!(err.message.contains("template code"), "{}", err.message);
        let err = parse("a:\n  ? [x]\n  : 1\n").unwrap_err();
        assert_eq!(
            err.message,
            "a key must be plain text, not a mapping or a list"
        );
    }

    #[test]
    fn common_mistakes_get_a_hint() {
        let err = parse("title: \"Quoted\",\nstatus: draft\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(1, 16));
        assert_eq!(
            err.message,
            "did not find expected key (a trailing comma? YAML puts each key on its own line, without commas)"
        );
        let err = parse("{% if x %}\ntitle: T\n{% endif %}\n").unwrap_err();
        assert!(
            err.message
                .ends_with("(template code is not run in front matter; put the text in quotes)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn quoted_items_with_multibyte_characters_are_located() {
        // Found by fuzzing: the search after a quoted item resumed inside its last character.
        let root = parse("owners: [\"Priya Raman\u{200b}\", \"Hannah\", x]\n{\"é\": 1, b: 2}: 3\n");
        assert!(root.is_err());
        let root =
            parse("owners: [\"Priya Raman\u{200b}\", \"Hannah\", x]\nm: {\"é\": 1, \"ü\": 2}\n")
                .unwrap();
        let owners = items(&entries(&root)[0].node);
        assert_eq!(owners[1].pos, Pos::new(1, 26));
        assert_eq!(owners[2].pos, Pos::new(1, 36));
        let m = entries(&entries(&root)[1].node);
        assert_eq!(m[1].key_pos, Pos::new(2, 13));
    }

    #[test]
    fn empty_text_is_null() {
        assert_eq!(parse("").unwrap().value, Value::Null);
        assert_eq!(parse("# only a comment\n").unwrap().value, Value::Null);
    }
}
