//! YAML parsing with positions: the one module that knows the YAML library.
//!
//! `serde_yaml` (archived upstream) parses the text; this module converts its value into our
//! own [`Node`] tree and recovers the line and column of every key and list item by walking the
//! tree and the source text side by side (`locate`). Swapping the YAML library means rewriting
//! this folder only. Positions are relative to the YAML text given; callers add their own line
//! offset.
//!
//! Reading is linear in the size of the text, whatever it holds: nesting deeper than
//! [`MAX_DEPTH`] is refused before the library sees it (`nesting`), aliases may not expand the
//! value past twice the text (`load`), and the position finder keeps to a budget (`locate`).
//!
//! It does no I/O and knows nothing about documents or configs.

use crate::diag::Pos;

mod load;
mod locate;
mod nesting;

pub use nesting::MAX_DEPTH;

/// A parsed YAML value with the position of the key or list item that holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// How many characters from `pos` on its line the node covers (a list item's text, or a
    /// key with its value on the key's line); 0 where the position is a fallback.
    pub len: u32,
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
    /// How many characters the key takes (with its quotes); 0 where `key_pos` is a fallback.
    pub key_len: u32,
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
    nesting::check(text)?;
    let value = load::value(text).map_err(|e| {
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
            // The library puts the path of the value before it (`a[2][0]: `).
            None if message.contains(load::TOO_BIG) => load::TOO_BIG.to_string(),
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
    Ok(locate::locate(&value, &lines))
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
            locate::key_at(l.trim_start().trim_start_matches("- "), key)
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
