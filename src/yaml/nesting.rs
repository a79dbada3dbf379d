//! Refuses YAML nested deeper than [`MAX_DEPTH`] before the YAML library sees it.
//!
//! The library's scanner does work proportional to the nesting depth for every token, so a
//! line of a hundred thousand `[` takes minutes; it also stops only at depth 128, after having
//! read the whole text. This scan reads the text once, keeping the depth of flow collections
//! (`[`, `{`) and of block collections (by indentation), and reports the line where the limit
//! is crossed. It skips what cannot nest: quoted strings, comments and block scalars (`|`,
//! `>`). Where it cannot tell, it counts, so text the library would nest is never skipped.

use super::YamlError;
use crate::diag::Pos;

/// The deepest nesting accepted. Front matter and `site.yaml` need a handful of levels.
pub const MAX_DEPTH: usize = 64;

/// Checks that `text` nests at most [`MAX_DEPTH`] collections deep.
pub(super) fn check(text: &str) -> Result<(), YamlError> {
    let mut scan = Scan::default();
    for (n, line) in text.split('\n').enumerate() {
        scan.line(n, line.strip_suffix('\r').unwrap_or(line))?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Block {
    Map,
    Seq,
}

/// A block scalar being skipped: its lines are text, whatever they hold.
#[derive(Debug, Clone, Copy)]
struct BlockScalar {
    /// The column of the collection it is a value in (`None` at the top level).
    parent: Option<usize>,
    /// The indentation of its lines, once known (given, or taken from its first line).
    indent: Option<usize>,
}

#[derive(Debug, Default)]
struct Scan {
    /// Open block collections: their column and type, outermost first.
    blocks: Vec<(usize, Block)>,
    /// Open flow collections.
    flow: usize,
    /// Inside a quoted string that goes on past the end of a line.
    quote: Option<u8>,
    /// Inside a flow collection, whether a new item (where a quote opens a string) starts here.
    item_start: bool,
    block_scalar: Option<BlockScalar>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t')
}

/// Whether the byte after `i` ends a token (`- `, `: `, `? ` are indicators only then).
fn ends_token(bytes: &[u8], i: usize) -> bool {
    bytes.get(i + 1).is_none_or(|&b| is_space(b))
}

impl Scan {
    fn line(&mut self, n: usize, line: &str) -> Result<(), YamlError> {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let blank = bytes[indent..].iter().all(|&b| is_space(b));
        if let Some(bs) = self.block_scalar.as_mut() {
            let deeper = bs.parent.is_none_or(|p| indent > p);
            if blank || (deeper && bs.indent.is_none_or(|i| indent >= i)) {
                if !blank && bs.indent.is_none() {
                    bs.indent = Some(indent);
                }
                return Ok(());
            }
            self.block_scalar = None;
        }
        if self.quote.is_some() || self.flow > 0 {
            return self.rest(n, line, 0, false, None);
        }
        if blank || bytes[indent] == b'#' {
            return Ok(());
        }
        let mut col = indent;
        if indent == 0
            && (line.starts_with("---") || line.starts_with("..."))
            && ends_token(bytes, 2)
        {
            self.blocks.clear();
            col = 3;
        }
        // Each `- ` opens (or continues) a block sequence at its column.
        while bytes.get(col) == Some(&b'-') && ends_token(bytes, col) {
            self.open_block(n, line, col, Block::Seq)?;
            col += 1;
            col += bytes[col..].iter().take_while(|&&b| is_space(b)).count();
        }
        self.rest(n, line, col, true, Some(col))
    }

    /// Opens a block collection at `col`, closing those it is outside of.
    fn open_block(
        &mut self,
        n: usize,
        line: &str,
        col: usize,
        kind: Block,
    ) -> Result<(), YamlError> {
        while let Some(&(c, k)) = self.blocks.last() {
            // A `key:` line at the column of a sequence ends that sequence (`key:\n- a\nb:`).
            if c > col || (c == col && k == Block::Seq && kind == Block::Map) {
                self.blocks.pop();
            } else {
                break;
            }
        }
        if self.blocks.last() != Some(&(col, kind)) {
            self.blocks.push((col, kind));
        }
        self.limit(n, line, col, self.blocks.len())
    }

    fn limit(&self, n: usize, line: &str, at: usize, depth: usize) -> Result<(), YamlError> {
        if depth <= MAX_DEPTH {
            return Ok(());
        }
        let col = line.get(..at).map_or(at, |s| s.chars().count());
        Err(YamlError {
            pos: Pos::new(n as u32 + 1, col as u32 + 1),
            message: format!(
                "nested more than {MAX_DEPTH} levels deep; YAML this deep is refused (flatten it)"
            ),
        })
    }

    /// Scans `line` from byte `i`. `value_start`: a value may begin here (in block context).
    /// `entry`: the column of the line's first node, which a `key:` makes a mapping.
    fn rest(
        &mut self,
        n: usize,
        line: &str,
        mut i: usize,
        mut value_start: bool,
        mut entry: Option<usize>,
    ) -> Result<(), YamlError> {
        let bytes = line.as_bytes();
        // The last thing read was a closing quote (`"a":b` is a key and its value in flow).
        let mut after_quote = false;
        while i < bytes.len() {
            let b = bytes[i];
            if let Some(q) = self.quote {
                if q == b'"' && b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == q {
                    if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    self.quote = None;
                    after_quote = true;
                }
                i += 1;
                continue;
            }
            if b == b'#' && (i == 0 || is_space(bytes[i - 1])) {
                return Ok(());
            }
            let quoted_before = std::mem::take(&mut after_quote);
            if self.flow > 0 {
                match b {
                    b'[' | b'{' => {
                        self.flow += 1;
                        self.limit(n, line, i, self.blocks.len() + self.flow)?;
                        self.item_start = true;
                    }
                    b']' | b'}' => {
                        self.flow -= 1;
                        self.item_start = false;
                    }
                    b',' => self.item_start = true,
                    b'"' | b'\'' if self.item_start => {
                        self.quote = Some(b);
                        self.item_start = false;
                    }
                    b'?' if self.item_start && ends_token(bytes, i) => {}
                    b':' if ends_token(bytes, i) || quoted_before => self.item_start = true,
                    b'&' | b'!' if self.item_start => i = token_end(bytes, i) - 1,
                    b' ' | b'\t' => after_quote = quoted_before,
                    _ => self.item_start = false,
                }
                i += 1;
                continue;
            }
            if value_start {
                match b {
                    b' ' | b'\t' => {}
                    b'[' | b'{' => {
                        self.flow = 1;
                        self.limit(n, line, i, self.blocks.len() + 1)?;
                        self.item_start = true;
                        value_start = false;
                    }
                    b'"' | b'\'' => {
                        self.quote = Some(b);
                        value_start = false;
                    }
                    b'|' | b'>' => {
                        if let Some(given) = block_scalar_header(&bytes[i + 1..]) {
                            let parent = self.blocks.last().map(|&(c, _)| c);
                            let indent = given.map(|g| parent.unwrap_or(0) + g);
                            self.block_scalar = Some(BlockScalar { parent, indent });
                            return Ok(());
                        }
                        value_start = false;
                    }
                    b'&' | b'!' => i = token_end(bytes, i) - 1,
                    b'-' | b'?' | b':' if ends_token(bytes, i) => {}
                    _ => value_start = false,
                }
            } else if b == b':' && ends_token(bytes, i) {
                if let Some(col) = entry.take() {
                    self.open_block(n, line, col, Block::Map)?;
                }
                value_start = true;
            }
            i += 1;
        }
        Ok(())
    }
}

/// The end of an anchor or tag token that starts at `i`.
fn token_end(bytes: &[u8], i: usize) -> usize {
    i + bytes[i..]
        .iter()
        .position(|&b| is_space(b) || matches!(b, b',' | b'[' | b']' | b'{' | b'}'))
        .unwrap_or(bytes.len() - i)
}

/// After `|` or `>`: the chomping and indentation indicators, then nothing but a comment.
/// Returns the indentation given (`Some(None)` when none is), or `None` if this is no
/// block scalar header.
fn block_scalar_header(rest: &[u8]) -> Option<Option<usize>> {
    let mut given = None;
    let mut i = 0;
    while i < rest.len() && i < 2 {
        match rest[i] {
            b'+' | b'-' => {}
            d @ b'1'..=b'9' if given.is_none() => given = Some(usize::from(d - b'0')),
            _ => break,
        }
        i += 1;
    }
    let tail = &rest[i..];
    let after = tail.iter().skip_while(|&&b| is_space(b)).copied().next();
    let spaced = tail.first().is_none_or(|&b| is_space(b));
    match after {
        None => Some(given),
        Some(b'#') if spaced => Some(given),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_error(text: &str) -> Option<Pos> {
        check(text).err().map(|e| e.pos)
    }

    #[test]
    fn deep_flow_collections_are_refused_where_the_limit_is_crossed() {
        // The mapping holding `x` is the first level.
        assert_eq!(depth_error(&format!("x: {}", "[".repeat(63))), None);
        assert_eq!(
            depth_error(&format!("a: 1\nx: {}", "[".repeat(64))),
            Some(Pos::new(2, 67))
        );
        assert_eq!(
            depth_error(&format!("x: {}", "[a, ".repeat(100))),
            Some(Pos::new(1, 256))
        );
        assert!(depth_error(&format!("x: {}", "{a: ".repeat(100))).is_some());
        // Across lines, and under block collections.
        let text = format!("a:\n  b:\n    - {}\n", "[\n".repeat(70));
        assert_eq!(depth_error(&text), Some(Pos::new(64, 1)));
    }

    #[test]
    fn deep_indentation_is_refused() {
        let maps: String = (0..70)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert_eq!(depth_error(&maps), Some(Pos::new(65, 65)));
        let seqs = format!("x:\n{}", "- ".repeat(70));
        assert!(depth_error(&seqs).is_some());
        // Sequences written at their key's column end at the next key.
        let siblings: String = (0..100).map(|i| format!("k{i}:\n- a\n- b\n")).collect();
        assert!(depth_error(&siblings).is_none());
        let mut nested = String::new();
        for i in 0..40 {
            nested.push_str(&format!("{}- k{i}:\n", "  ".repeat(2 * i)));
        }
        assert!(depth_error(&nested).is_some());
    }

    #[test]
    fn brackets_in_strings_comments_and_block_text_do_not_count() {
        let deep = "[".repeat(200);
        for text in [
            format!("title: \"{deep}\"\n"),
            format!("title: '{deep}'\n"),
            format!("title: 'it''s {deep}'\n"),
            format!("title: \"a \\\" {deep}\"\n"),
            format!("title: x # {deep}\n"),
            format!("# {deep}\n"),
            format!("title: a {deep}\n"),
            format!("text: |\n  {deep}\n  {deep}\n\n  more\nnext: 1\n"),
            format!("- >-\n {deep}\n"),
            format!("list: [a, \"{deep}\", 'b{deep}', c]\n"),
            format!("m: {{\"k\":'{deep}'}}\n"),
            format!("title: \"two\n  lines {deep}\"\n"),
        ] {
            assert_eq!(depth_error(&text), None, "{text}");
        }
    }

    #[test]
    fn what_the_parser_reads_as_nesting_is_counted() {
        let deep = "[".repeat(70);
        for text in [
            // A quote in the middle of a flow item is text: what follows still nests.
            format!("list: [it's, {deep}]\n"),
            format!("m: {{a:'{deep}\n"),
            // A line less indented than a block scalar's text ends it.
            format!("- key: |\n    text\n  x: {deep}\n"),
            format!("a: |2\n  text\n b: {deep}\n"),
            format!("&anchor {deep}\n"),
            format!("--- {deep}\n"),
        ] {
            assert!(depth_error(&text).is_some(), "{text}");
        }
    }
}
