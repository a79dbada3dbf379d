//! Splitting a document into its YAML front matter and its Markdown body.
//!
//! Works on text already normalised by `source` (no BOM, `\n` line ends). Pure: no I/O, no
//! YAML parsing (that is `yaml`'s job); it only finds the block and says where it is.

use crate::diag::Pos;

/// A document cut in two. Offsets are byte offsets into the text given to [`split`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences, if the document has front matter.
    pub yaml: Option<&'a str>,
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
/// `---` line has no front matter. `+++` (TOML) front matter is refused with a clear message.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_line = text.split('\n').next().unwrap_or("");
    if first_line.trim_end() == "+++" {
        return Err(SplitError {
            pos: Pos::START,
            message: "TOML front matter (+++) is not supported; write YAML between `---` lines"
                .into(),
        });
    }
    if first_line.trim_end() != "---" {
        return Ok(Split {
            yaml: None,
            yaml_line: 1,
            body: text,
            body_offset: 0,
        });
    }
    let yaml_start = (first_line.len() + 1).min(text.len());
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let bare = line.trim_end_matches('\n').trim_end();
        if bare == "---" || bare == "..." {
            let body_offset = offset + line.len();
            return Ok(Split {
                yaml: Some(&text[yaml_start..offset]),
                yaml_line: 2,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(SplitError {
        pos: Pos::START,
        message:
            "front matter opened with `---` on line 1 is never closed (add a `---` line after it)"
                .into(),
    })
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

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split("# Title\n\nText").unwrap();
        assert_eq!(s.yaml, None);
        assert_eq!(s.body, "# Title\n\nText");
        assert_eq!(s.body_offset, 0);
    }

    #[test]
    fn front_matter_and_body_are_separated() {
        let s = split("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, Some("title: A\n"));
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn empty_block_is_empty_yaml() {
        let s = split("---\n---\nBody").unwrap();
        assert_eq!(s.yaml, Some(""));
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn closing_fence_at_end_of_file() {
        let s = split("---\ntitle: A\n---").unwrap();
        assert_eq!(s.yaml, Some("title: A\n"));
        assert_eq!(s.body, "");
    }

    #[test]
    fn trailing_spaces_on_fences_are_tolerated() {
        let s = split("---  \ntitle: A\n---\t\nB").unwrap();
        assert_eq!(s.yaml, Some("title: A\n"));
        assert_eq!(s.body, "B");
    }

    #[test]
    fn unterminated_block_is_an_error_on_line_one() {
        let e = split("---\ntitle: A\nno end").unwrap_err();
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
    fn toml_is_refused_clearly() {
        let e = split("+++\ntitle = \"A\"\n+++\n").unwrap_err();
        assert!(e.message.contains("TOML"));
    }

    #[test]
    fn a_thematic_break_later_is_not_front_matter() {
        let s = split("Intro\n---\nMore").unwrap();
        assert_eq!(s.yaml, None);
    }

    #[test]
    fn normalised_crlf_and_bom_input_splits() {
        // `source` strips the BOM and CRLF before splitting; check the pair works end to end.
        let text =
            crate::source::normalize(b"\xEF\xBB\xBF---\r\ntitle: A\r\n---\r\nBody\r\n").unwrap();
        let s = split(&text).unwrap();
        assert_eq!(s.yaml, Some("title: A\n"));
        assert_eq!(s.body, "Body\n");
    }
}
