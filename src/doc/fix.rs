//! `cairn lint --fix`: the front matter problems that have one obvious answer, rewritten in the
//! file's own text. A key another generator uses (`description`, `lastmod`) or a near miss of a
//! known one (`owner`) becomes Cairn's key, and an `id` that is not a slug (`SEGAS-00003`)
//! becomes the slug it is read as. Only top-level keys are touched, each on its own line: every
//! other byte (comments, order, quoting, line ends, a BOM) stays as it was. A rename is skipped
//! when the new key is already there. Pure: text in, text and what changed out.

use crate::config::SiteConfig;
use crate::names::{DocId, SourcePath, slugify};
use crate::relation::Relation;

/// One change made to a file, at its line (1-based, as diagnostics count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub line: u32,
    pub what: String,
}

/// A top-level key of the front matter, as written on its line.
struct KeyLine {
    /// Index into the file's lines.
    line: usize,
    key: String,
    /// Byte range of the value on the line (after `:` or `=` and blanks, before a comment).
    value: std::ops::Range<usize>,
}

/// The file's text with its fixable front matter problems fixed, and what changed; `None`
/// when nothing needed fixing (or there is no front matter to fix).
pub fn fix(text: &str, path: &SourcePath, config: &SiteConfig) -> Option<(String, Vec<Change>)> {
    let bom = if text.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    };
    let mut lines: Vec<String> = text[bom.len()..]
        .split_inclusive('\n')
        .map(String::from)
        .collect();
    let fence = lines.first()?.trim_end().to_string();
    let toml = match fence.as_str() {
        "---" => false,
        "+++" => true,
        _ => return None,
    };
    let end = lines.iter().skip(1).position(|l| {
        let l = l.trim_end();
        l == fence || (!toml && l == "...")
    })? + 1;
    let keys = top_level_keys(&lines[1..end], toml);
    let present = |k: &str| keys.iter().any(|e| e.key == k);
    let kind_name = keys
        .iter()
        .find(|e| e.key == "kind")
        .map(|e| unquote(&lines[e.line + 1][e.value.clone()]).to_string());
    let kind = kind_name
        .as_deref()
        .and_then(|k| config.kinds.find(k))
        .unwrap_or_else(|| config.kinds.for_path(path, true));
    let kind = config.kinds.get(kind);
    let known: Vec<&str> = super::front::COMMON_KEYS
        .iter()
        .copied()
        .chain(Relation::ALL.iter().map(|r| r.key()))
        .chain(kind.fields.iter().map(|f| f.name.as_str()))
        .collect();
    let mut changes = Vec::new();
    for e in &keys {
        let at = e.line + 1;
        let line = &mut lines[at];
        // Keys a team keeps for other tools (`front_matter: { ignore: [...] }`) stay.
        let to = if known.contains(&e.key.as_str()) || config.front_matter.unknown(&e.key).is_none()
        {
            None
        } else {
            super::adopt::synonym(&e.key)
                .or_else(|| crate::diag::did_you_mean(&e.key, known.iter().copied()))
        };
        if let Some(to) = to.filter(|to| !present(to)) {
            line.replace_range(..e.key.len(), to);
            changes.push(Change {
                line: at as u32 + 1,
                what: format!("`{}` → `{to}`", e.key),
            });
        }
        if e.key == "id" {
            let written = &lines[at][e.value.clone()];
            let bare = unquote(written);
            let slug = slugify(bare);
            let fixable = DocId::parse(bare).is_none()
                && !slug.is_empty()
                && bare
                    .chars()
                    .all(|c| c.is_alphanumeric() || " -_".contains(c));
            if fixable {
                let quote = if written.len() > bare.len() {
                    &written[..1]
                } else {
                    ""
                };
                let new = format!("{quote}{slug}{quote}");
                let what = format!("`id: {bare}` → `id: {slug}`");
                lines[at].replace_range(e.value.clone(), &new);
                changes.push(Change {
                    line: at as u32 + 1,
                    what,
                });
            }
        }
    }
    if changes.is_empty() {
        return None;
    }
    Some((format!("{bom}{}", lines.concat()), changes))
}

/// The keys at the top of the front matter: lines that start with a plain key followed by `:`
/// (YAML) or `=` (TOML, up to the first table).
fn top_level_keys(lines: &[String], toml: bool) -> Vec<KeyLine> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if toml && l.starts_with('[') {
            break;
        }
        let key_len = l
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
            .count();
        if key_len == 0 {
            continue;
        }
        let rest = &l[key_len..];
        let after = rest.trim_start_matches([' ', '\t']);
        let sep = if toml { '=' } else { ':' };
        if !after.starts_with(sep) || (!toml && rest.len() != after.len()) {
            continue;
        }
        let mut start = l.len() - after.len() + 1;
        if !toml && !l[start..].starts_with([' ', '\t', '\r', '\n']) && start < l.len() {
            continue;
        }
        start += l[start..].len() - l[start..].trim_start_matches([' ', '\t']).len();
        let value = &l[start..];
        let len = value_len(value);
        out.push(KeyLine {
            line: i,
            key: l[..key_len].to_string(),
            value: start..start + len,
        });
    }
    out
}

/// How long the scalar at the start of `value` is: a quoted string, or plain text up to a
/// comment or the line's end.
fn value_len(value: &str) -> usize {
    if let Some(q) = value.chars().next().filter(|c| matches!(c, '"' | '\'')) {
        return value[1..].find(q).map_or(0, |e| e + 2);
    }
    let end = value.find(" #").unwrap_or(value.len());
    value[..end].trim_end().len()
}

fn unquote(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && matches!(b[0], b'"' | b'\'') && b[b.len() - 1] == b[0] {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(path: &str, text: &str) -> Option<(String, Vec<String>)> {
        fix(text, &SourcePath::new(path), &SiteConfig::default()).map(|(t, c)| {
            (
                t,
                c.iter()
                    .map(|c| format!("{}: {}", c.line, c.what))
                    .collect(),
            )
        })
    }

    #[test]
    fn keys_other_generators_use_and_near_misses_become_cairns_keeping_everything_else() {
        let text = "---\r\n# Written for Hugo\r\ntitle: \"Cloud\"   # shown\r\nlastmod: 2024-01-02\r\ndescription: >\r\n  Long text\r\nowner: [ann]\r\nlayout: collection\r\ntags:\r\n  - ops\r\n---\r\nBody with lastmod: x\r\n";
        let (out, changes) = fixed("guides/cloud.md", text).unwrap();
        assert_eq!(
            out,
            "---\r\n# Written for Hugo\r\ntitle: \"Cloud\"   # shown\r\nupdated: 2024-01-02\r\nsummary: >\r\n  Long text\r\nowners: [ann]\r\nlayout: collection\r\ntags:\r\n  - ops\r\n---\r\nBody with lastmod: x\r\n"
        );
        assert_eq!(
            changes,
            [
                "4: `lastmod` → `updated`",
                "5: `description` → `summary`",
                "7: `owner` → `owners`"
            ]
        );
    }

    #[test]
    fn ids_become_their_slug_and_nothing_is_renamed_onto_a_key_already_there() {
        let text = "\u{feff}---\nid: SEGAS-00003 # theirs\ndescription: a\nsummary: b\nnested:\n  lastmod: x\n---\n";
        let (out, changes) = fixed("standards/s.md", text).unwrap();
        assert_eq!(
            out,
            "\u{feff}---\nid: segas-00003 # theirs\ndescription: a\nsummary: b\nnested:\n  lastmod: x\n---\n"
        );
        assert_eq!(changes, ["2: `id: SEGAS-00003` → `id: segas-00003`"]);
        let quoted = "---\nid: 'My Doc'\n---\n";
        assert_eq!(fixed("a.md", quoted).unwrap().0, "---\nid: 'my-doc'\n---\n");
        // A path is not an id anyone meant: left for the author.
        assert_eq!(fixed("a.md", "---\nid: a/b\n---\n"), None);
    }

    #[test]
    fn toml_front_matter_and_files_without_any_are_handled() {
        let text = "+++\ntitle = \"T\"\nweight = 3\n[extra]\nweight = 4\n+++\n";
        let (out, changes) = fixed("a.md", text).unwrap();
        assert_eq!(
            out,
            "+++\ntitle = \"T\"\norder = 3\n[extra]\nweight = 4\n+++\n"
        );
        assert_eq!(changes, ["3: `weight` → `order`"]);
        assert_eq!(fixed("a.md", "# Just a body\n\nlastmod: x\n"), None);
        assert_eq!(fixed("a.md", "---\ntitle: T\nowners: [a]\n---\n"), None);
        assert_eq!(fixed("a.md", "---\nlastmod: x\n"), None, "unclosed");
    }
}
