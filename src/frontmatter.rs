//! Splitting a document into its front matter and its Markdown body, and reading TOML front
//! matter (`+++`, as Hugo and Zola write it): the one module that knows the TOML library.
//!
//! Works on text already normalised by `source` (no BOM, `\n` line ends). Pure: no I/O, no
//! YAML parsing (that is `yaml`'s job). TOML is turned into the same [`Node`] tree as YAML,
//! with file-relative positions, so every reader after this one sees one kind of value.

use crate::diag::Pos;
use crate::yaml::{Entry, Node, Value};

/// A document cut in two. Offsets are byte offsets into the text given to [`split`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML (or with `toml`, the TOML) between the fences, if the document has front
    /// matter.
    pub yaml: Option<&'a str>,
    /// The block was fenced with `+++`: TOML.
    pub toml: bool,
    /// The line (from 1) on which the YAML text starts, to turn YAML positions into file ones.
    pub yaml_line: u32,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Why a document's front matter could not be cut out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub pos: Pos,
    pub message: String,
}

/// Cuts `---`-fenced front matter from the top of `text`. A text that does not start with a
/// `---` line has no front matter. `+++` (TOML) front matter is read unless `strict` (Cairn's
/// own format is YAML), where it is refused with a clear message.
pub fn split(text: &str, strict: bool) -> Result<Split<'_>, SplitError> {
    let first_line = text.split('\n').next().unwrap_or("");
    let toml = first_line.trim_end() == "+++";
    if toml && strict {
        return Err(SplitError {
            pos: Pos::START,
            message: "TOML front matter (+++) is not supported; write YAML between `---` lines"
                .into(),
        });
    }
    if first_line.trim_end() != "---" && !toml {
        return Ok(Split {
            yaml: None,
            toml: false,
            yaml_line: 1,
            body: text,
            body_offset: 0,
        });
    }
    let fence = if toml { "+++" } else { "---" };
    let yaml_start = (first_line.len() + 1).min(text.len());
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let bare = line.trim_end_matches('\n').trim_end();
        if bare == fence || (!toml && bare == "...") {
            let body_offset = offset + line.len();
            return Ok(Split {
                yaml: Some(&text[yaml_start..offset]),
                toml,
                yaml_line: 2,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(SplitError {
        pos: Pos::START,
        message: format!(
            "front matter opened with `{fence}` on line 1 is never closed (add a `{fence}` line after it)"
        ),
    })
}

/// Parses TOML front matter into the tree YAML gives, with positions relative to `text` (an
/// entry at its key, an array item at its value). Keys keep the order they are written in.
pub fn parse_toml(text: &str) -> Result<Node, SplitError> {
    let table = toml::de::DeTable::parse(text).map_err(|e| SplitError {
        pos: e.span().map_or(Pos::START, |s| position(text, s.start)),
        message: e.message().trim().to_string(),
    })?;
    let span = table.span();
    Ok(Node {
        value: table_value(text, table.into_inner()),
        pos: position(text, span.start),
        len: 0,
    })
}

fn table_value(text: &str, table: toml::de::DeTable<'_>) -> Value {
    let mut entries: Vec<(usize, Entry)> = table
        .into_iter()
        .map(|(key, value)| {
            let ks = key.span();
            let vs = value.span();
            let key_pos = position(text, ks.start);
            let key_len = text[ks.clone()].chars().count() as u32;
            let node = Node {
                value: toml_value(text, value.into_inner()),
                pos: key_pos,
                len: same_line_len(text, ks.start, vs.end),
            };
            let entry = Entry {
                key: key.into_inner().into_owned(),
                key_pos,
                key_len,
                node,
            };
            (ks.start, entry)
        })
        .collect();
    entries.sort_by_key(|(at, _)| *at);
    Value::Map(entries.into_iter().map(|(_, e)| e).collect())
}

fn toml_value(text: &str, value: toml::de::DeValue<'_>) -> Value {
    use toml::de::DeValue;
    match value {
        DeValue::String(s) => Value::Str(s.into_owned()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(n) => Value::Int(n),
                Err(_) => Value::Str(digits),
            }
        }
        DeValue::Float(f) => match f.as_str().replace('_', "").parse() {
            Ok(x) => Value::Float(x),
            Err(_) => Value::Str(f.as_str().to_string()),
        },
        DeValue::Boolean(b) => Value::Bool(b),
        // Dates are text to every reader, as unquoted YAML dates are.
        DeValue::Datetime(d) => Value::Str(d.to_string()),
        DeValue::Array(items) => Value::Seq(
            items
                .into_iter()
                .map(|item| {
                    let s = item.span();
                    Node {
                        pos: position(text, s.start),
                        len: same_line_len(text, s.start, s.end),
                        value: toml_value(text, item.into_inner()),
                    }
                })
                .collect(),
        ),
        DeValue::Table(t) => table_value(text, t),
    }
}

/// The line and column (in characters, from 1) of byte `offset`.
fn position(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos::new(line, before[line_start..].chars().count() as u32 + 1)
}

/// Characters from `start` to `end`, or to the end of `start`'s line if `end` is past it.
fn same_line_len(text: &str, start: usize, end: usize) -> u32 {
    let rest = &text[start.min(text.len())..end.min(text.len()).max(start.min(text.len()))];
    rest.split('\n')
        .next()
        .unwrap_or("")
        .trim_end()
        .chars()
        .count() as u32
}

/// Whether the lines after an opening `---` read as front matter (their first line with text is
/// a `key:` line) rather than as Markdown after a horizontal rule.
pub fn looks_like_front_matter(text: &str) -> bool {
    if text.split('\n').next().map(str::trim_end) != Some("---") {
        return true;
    }
    let Some(first) = text
        .split('\n')
        .skip(1)
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        // Only blank lines and comments: an empty block.
        return true;
    };
    // An empty block, or template code or a flow mapping, which keep their own errors.
    if first == "---" || first == "..." || first.starts_with('{') {
        return true;
    }
    if first.starts_with(['-', '*', '>', '[', '|', '`', '<']) {
        return false;
    }
    match first.find(':') {
        Some(i) => {
            let raw = &first[..i];
            let quoted =
                raw.len() >= 2 && raw.starts_with(['"', '\'']) && raw.ends_with(['"', '\'']);
            let after = &first[i + 1..];
            !raw.is_empty()
                && (after.is_empty() || after.starts_with([' ', '\t']))
                && (quoted
                    || raw
                        .chars()
                        .all(|c| c.is_alphanumeric() || "-_.".contains(c)))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_yaml(text: &str) -> Result<Split<'_>, SplitError> {
        split(text, false)
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split_yaml("# Title\n\nText").unwrap();
        assert_eq!(s.yaml, None);
        assert_eq!(s.body, "# Title\n\nText");
        assert_eq!(s.body_offset, 0);
    }

    #[test]
    fn front_matter_and_body_are_separated() {
        let s = split_yaml("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, Some("title: A\n"));
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn empty_block_is_empty_yaml() {
        let s = split_yaml("---\n---\nBody").unwrap();
        assert_eq!(s.yaml, Some(""));
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn closing_fence_at_end_of_file() {
        let s = split_yaml("---\ntitle: A\n---").unwrap();
        assert_eq!(s.yaml, Some("title: A\n"));
        assert_eq!(s.body, "");
    }

    #[test]
    fn trailing_spaces_on_fences_are_tolerated() {
        let s = split_yaml("---  \ntitle: A\n---\t\nB").unwrap();
        assert_eq!(s.yaml, Some("title: A\n"));
        assert_eq!(s.body, "B");
    }

    #[test]
    fn unterminated_block_is_an_error_on_line_one() {
        let e = split_yaml("---\ntitle: A\nno end").unwrap_err();
        assert_eq!(e.pos, Pos::START);
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn front_matter_is_told_from_a_horizontal_rule() {
        assert!(looks_like_front_matter("---\ntitle: A\n---\n"));
        assert!(looks_like_front_matter(
            "---\n\n# comment\n\"my key\": 1\n---\n"
        ));
        assert!(looks_like_front_matter("---\nlist:\n- a\n---\n"));
        assert!(looks_like_front_matter("---\n---\n"));
        // Template code in front matter keeps its own clear error.
        assert!(looks_like_front_matter("---\n{% if x %}\ntitle: A\n---\n"));
        assert!(!looks_like_front_matter(
            "---\nSome prose: with a colon here\n"
        ));
        assert!(!looks_like_front_matter("---\n- a\n- b\n---\n"));
        assert!(!looks_like_front_matter("---\nJust text\n"));
        assert!(!looks_like_front_matter("---\nSee https://x.org\n"));
    }

    #[test]
    fn toml_is_refused_clearly_under_strict() {
        let e = split("+++\ntitle = \"A\"\n+++\n", true).unwrap_err();
        assert!(e.message.contains("TOML"));
    }

    #[test]
    fn toml_front_matter_is_split_and_read_with_positions() {
        let s = split("+++\ntitle = \"A\"\n+++\nBody\n", false).unwrap();
        assert!(s.toml);
        assert_eq!((s.yaml, s.body), (Some("title = \"A\"\n"), "Body\n"));
        let n = parse_toml("title = \"Ünï\"\nweight = 2\ndate = 2020-01-02T10:00:00Z\ntags = [\"a\", \"b\"]\n\n[params]\n  author = \"Ann\"\n").unwrap();
        let Value::Map(entries) = &n.value else {
            panic!("{n:?}")
        };
        let keys: Vec<(&str, u32, u32)> = entries
            .iter()
            .map(|e| (e.key.as_str(), e.key_pos.line, e.key_pos.col))
            .collect();
        assert_eq!(
            keys,
            [
                ("title", 1, 1),
                ("weight", 2, 1),
                ("date", 3, 1),
                ("tags", 4, 1),
                ("params", 6, 2)
            ]
        );
        assert_eq!(entries[0].node.value, Value::Str("Ünï".into()));
        assert_eq!(entries[0].node.len, 13);
        assert_eq!(entries[1].node.value, Value::Int(2));
        assert_eq!(
            entries[2].node.value,
            Value::Str("2020-01-02T10:00:00Z".into())
        );
        let Value::Seq(items) = &entries[3].node.value else {
            panic!()
        };
        assert_eq!((items[1].pos, items[1].len), (Pos::new(4, 14), 3));
        let Value::Map(inner) = &entries[4].node.value else {
            panic!()
        };
        assert_eq!(
            (inner[0].key.as_str(), inner[0].key_pos),
            ("author", Pos::new(7, 3))
        );
        let e = parse_toml("title = \"A\"\nbad = \n").unwrap_err();
        assert_eq!(e.pos.line, 2, "{e:?}");
    }

    #[test]
    fn a_thematic_break_later_is_not_front_matter() {
        let s = split_yaml("Intro\n---\nMore").unwrap();
        assert_eq!(s.yaml, None);
    }

    #[test]
    fn normalised_crlf_and_bom_input_splits() {
        // `source` strips the BOM and CRLF before splitting; check the pair works end to end.
        let text =
            crate::source::normalize(b"\xEF\xBB\xBF---\r\ntitle: A\r\n---\r\nBody\r\n").unwrap();
        let s = split_yaml(&text).unwrap();
        assert_eq!(s.yaml, Some("title: A\n"));
        assert_eq!(s.body, "Body\n");
    }
}
