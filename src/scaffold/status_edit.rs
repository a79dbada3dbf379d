//! Setting a document's `status:` by editing its text, not by re-serialising its YAML.
//!
//! `cairn new --supersedes` marks the older document as superseded. Writers keep comments,
//! key order, quoting and line ends (CRLF from Windows editors) in their front matter, and the
//! change lands in a git diff; so only the status value changes, or one line is inserted.
//! Pure: text in, text out. Anything unusual is refused rather than guessed at.

/// Sets the top-level `status:` in `text`'s front matter to `status`, keeping every other
/// byte. `Ok(None)` when it already has that status. A missing key is inserted as the last
/// line of the front matter, with the file's own line end.
pub fn set_status(text: &str, status: &str) -> Result<Option<String>, String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let mut lines = body.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err("it has no front matter (a `---` line at the top)".into());
    }
    let eol = if first.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut offset = bom + first.len();
    let mut lines = lines.peekable();
    while let Some(line) = lines.next() {
        let content = line.trim_end_matches('\n').trim_end_matches('\r');
        if matches!(content.trim_end(), "---" | "...") {
            let mut out = String::with_capacity(text.len() + status.len() + 10);
            out.push_str(&text[..offset]);
            out.push_str(&format!("status: {status}{eol}"));
            out.push_str(&text[offset..]);
            return Ok(Some(out));
        }
        if let Some(after_key) = status_key(content) {
            let value_at = content.len() - after_key.len();
            let next_is_continuation = lines.peek().is_some_and(|next| {
                let t = next.trim();
                next.starts_with([' ', '\t']) && !t.is_empty() && !t.starts_with('#')
            });
            let (start, end, current, quote) = value_span(after_key, next_is_continuation)?;
            if current == status {
                return Ok(None);
            }
            let start = offset + value_at + start;
            let end = offset + value_at + end;
            let mut new_value = format!("{quote}{status}{quote}");
            if start == end && text[end..].starts_with('#') {
                // `status: # note` had no value; keep the note apart from the new one.
                new_value.push(' ');
            } else if start == end && !text[..start].ends_with([' ', '\t']) {
                new_value.insert(0, ' ');
            }
            let mut out = String::with_capacity(text.len() + status.len());
            out.push_str(&text[..start]);
            out.push_str(&new_value);
            out.push_str(&text[end..]);
            return Ok(Some(out));
        }
        offset += line.len();
    }
    Err("its front matter is never closed".into())
}

/// The text after `status:` when `line` is the top-level `status` key.
fn status_key(line: &str) -> Option<&str> {
    line.strip_prefix("status")?
        .trim_start_matches([' ', '\t'])
        .strip_prefix(':')
        .filter(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// Where the value sits in the text after the colon: `(start, end, value, quote)`, with an
/// empty span when there is no value.
fn value_span(after: &str, continued: bool) -> Result<(usize, usize, &str, &str), String> {
    let start = after.len() - after.trim_start_matches([' ', '\t']).len();
    let rest = &after[start..];
    let unusual = || {
        Err("its `status:` is not a single word on one line; set it to `superseded` by hand".into())
    };
    if continued {
        return unusual();
    }
    match rest.chars().next() {
        None | Some('#') => Ok((start, start, "", "")),
        Some(q @ ('"' | '\'')) => {
            let inner = &rest[1..];
            let close = inner.find(q).filter(|&i| {
                // A backslash or doubled quote inside means escapes; leave that to a person.
                !inner[..i].contains('\\') && !inner[i + 1..].starts_with(q)
            });
            match close {
                Some(i) => Ok((
                    start,
                    start + i + 2,
                    &inner[..i],
                    if q == '"' { "\"" } else { "'" },
                )),
                None => unusual(),
            }
        }
        Some('[' | '{' | '|' | '>' | '&' | '*' | '!' | '%' | '@' | '`') => unusual(),
        Some(_) => {
            let end = [" #", "\t#"]
                .iter()
                .filter_map(|c| rest.find(c))
                .min()
                .unwrap_or(rest.len());
            let value = rest[..end].trim_end_matches([' ', '\t']);
            Ok((start, start + value.len(), value, ""))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> String {
        set_status(text, "superseded").unwrap().unwrap()
    }

    #[test]
    fn replaces_only_the_value() {
        assert_eq!(
            set("---\ntitle: A\nstatus: active\nowners: [x]\n---\nBody\n"),
            "---\ntitle: A\nstatus: superseded\nowners: [x]\n---\nBody\n"
        );
        assert_eq!(
            set("---\r\ntitle: A\r\nstatus:   active   # since March\r\n---\r\n"),
            "---\r\ntitle: A\r\nstatus:   superseded   # since March\r\n---\r\n"
        );
        assert_eq!(
            set("---\nstatus: \"accepted\" # quoted\n---\n"),
            "---\nstatus: \"superseded\" # quoted\n---\n"
        );
        assert_eq!(
            set("---\nstatus: 'draft'\n---\n"),
            "---\nstatus: 'superseded'\n---\n"
        );
        assert_eq!(set("---\nstatus:\n---\n"), "---\nstatus: superseded\n---\n");
        assert_eq!(
            set("---\nstatus: # todo\n---\n"),
            "---\nstatus: superseded # todo\n---\n"
        );
        assert_eq!(
            set("---\nstatus : active\n---\n"),
            "---\nstatus : superseded\n---\n"
        );
    }

    #[test]
    fn inserts_a_missing_key_before_the_closing_fence() {
        assert_eq!(
            set("---\ntitle: A\n# a comment\n---\n\n## Context\n"),
            "---\ntitle: A\n# a comment\nstatus: superseded\n---\n\n## Context\n"
        );
        assert_eq!(
            set("\u{feff}---\r\ntitle: A\r\n---\r\nx\r\n"),
            "\u{feff}---\r\ntitle: A\r\nstatus: superseded\r\n---\r\nx\r\n"
        );
        assert_eq!(set("---\n---\n"), "---\nstatus: superseded\n---\n");
        // Only a top-level key counts: nested `status` keys and look-alikes are not it.
        assert_eq!(
            set("---\nmeta:\n  status: active\nstatuses: x\n---\n"),
            "---\nmeta:\n  status: active\nstatuses: x\nstatus: superseded\n---\n"
        );
    }

    #[test]
    fn already_superseded_is_no_change() {
        assert_eq!(
            set_status("---\nstatus: superseded # done\n---\n", "superseded"),
            Ok(None)
        );
        assert_eq!(
            set_status("---\nstatus: \"superseded\"\n---\n", "superseded"),
            Ok(None)
        );
    }

    #[test]
    fn unusual_front_matter_is_refused() {
        for text in [
            "no front matter\n",
            "---\ntitle: never closed\n",
            "---\nstatus: [active]\n---\n",
            "---\nstatus: >\n  active\n---\n",
            "---\nstatus:\n  active\n---\n",
            "---\nstatus: \"act\\\"ive\"\n---\n",
        ] {
            assert!(set_status(text, "superseded").is_err(), "{text:?}");
        }
    }

    #[test]
    fn the_body_is_never_touched() {
        let text = "---\ntitle: A\n---\nstatus: active\n---\n";
        assert_eq!(
            set(text),
            "---\ntitle: A\nstatus: superseded\n---\nstatus: active\n---\n"
        );
    }
}
