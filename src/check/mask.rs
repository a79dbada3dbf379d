//! Masking the values of `${NAME}` variables out of every text a run produces (rows, error
//! messages, history), each replaced by its `${NAME}`.
//!
//! A value is found as written and also as servers and programs echo it back: percent-encoded
//! (any case, `+` for a space, some characters left as they are), JSON-escaped (`\/`, `\"`,
//! `\u00e9`) or as HTML character references (`&amp;`, `&#47;`). The plain form is always
//! matched exactly; encoded forms are read one character at a time without backtracking,
//! which finds every consistent encoding of a value.
//!
//! `${NAME}` also carries settings that are not secret (hosts, ports, environments), and a
//! short value masked everywhere would mangle unrelated text (`x` inside `next`). So a value
//! shorter than [`SHORT`] characters is masked only where it stands alone, not inside a longer
//! word; a real secret should be longer than that anyway. Pure.

/// Values with fewer characters than this are masked only as whole words.
pub const SHORT: usize = 8;

/// The values to hide, each with the reference shown in its place.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// (value, `${NAME}`), longest value first so a value inside another masks fully.
    values: Vec<(String, String)>,
}

impl Secrets {
    pub fn new<'a>(vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Secrets {
        let mut values: Vec<(String, String)> = vars
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(name, value)| (value.to_string(), format!("${{{name}}}")))
            .collect();
        values.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Secrets { values }
    }

    /// `text` with every occurrence of a value, plain or encoded, replaced by its `${NAME}`.
    pub fn mask(&self, text: &str) -> String {
        if self.values.is_empty() {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        'text: while i < text.len() {
            for (value, shown) in &self.values {
                if let Some(end) = found_at(text, i, value) {
                    out.push_str(shown);
                    i = end;
                    continue 'text;
                }
            }
            let c = text[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
        out
    }
}

/// Where an occurrence of `value` starting at byte `at` ends, if there is one that counts.
fn found_at(text: &str, at: usize, value: &str) -> Option<usize> {
    let end = if text[at..].starts_with(value) {
        at + value.len()
    } else {
        encoded_at(text.as_bytes(), at, value)?
    };
    let short = value.chars().count() < SHORT;
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    if short && (word(text[..at].chars().next_back()) || word(text[end..].chars().next())) {
        return None;
    }
    Some(end)
}

/// The end of `value` read from `b[at..]` one character at a time, each in any encoding.
fn encoded_at(b: &[u8], at: usize, value: &str) -> Option<usize> {
    let mut i = at;
    for c in value.chars() {
        i = encoded_char(b, i, c)?;
    }
    Some(i)
}

/// The end of one character `c` at `b[i..]`: JSON escape, HTML reference, percent-encoded
/// bytes, or the character itself.
fn encoded_char(b: &[u8], i: usize, c: char) -> Option<usize> {
    let rest = &b[i..];
    if rest.first() == Some(&b'\\') {
        if let Some(n) = json_escape(rest, c) {
            return Some(i + n);
        }
    }
    if rest.first() == Some(&b'&') {
        if let Some(n) = html_reference(rest, c) {
            return Some(i + n);
        }
    }
    if c == ' ' && rest.first() == Some(&b'+') {
        return Some(i + 1);
    }
    // Each UTF-8 byte of the character, as itself or as `%XX`.
    let mut buf = [0u8; 4];
    let mut j = i;
    for &byte in c.encode_utf8(&mut buf).as_bytes() {
        match b.get(j) {
            Some(&x) if x == byte => j += 1,
            Some(b'%') if hex_byte(b.get(j + 1..j + 3)?) == Some(byte) => j += 3,
            _ => return None,
        }
    }
    Some(j)
}

/// `\/`, `\"`, `\\`, `\n` and the like, or `\uXXXX` (a surrogate pair outside the BMP).
fn json_escape(rest: &[u8], c: char) -> Option<usize> {
    let short = match c {
        '"' | '\\' | '/' => Some(c as u8),
        '\n' => Some(b'n'),
        '\r' => Some(b'r'),
        '\t' => Some(b't'),
        '\u{8}' => Some(b'b'),
        '\u{c}' => Some(b'f'),
        _ => None,
    };
    if short.is_some() && rest.get(1).copied() == short {
        return Some(2);
    }
    let mut units = [0u16; 2];
    let mut n = 0;
    for unit in c.encode_utf16(&mut units).iter() {
        let esc = rest.get(n..n + 6)?;
        if &esc[..2] != b"\\u" || hex_u16(&esc[2..]) != Some(*unit) {
            return None;
        }
        n += 6;
    }
    Some(n)
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, or `&#NN;` / `&#xHH;` for any character.
fn html_reference(rest: &[u8], c: char) -> Option<usize> {
    let end = rest.iter().take(12).position(|&x| x == b';')?;
    let name = std::str::from_utf8(&rest[1..end]).ok()?;
    let code = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => match name.strip_prefix('#')? {
            n if n.starts_with(['x', 'X']) => u32::from_str_radix(&n[1..], 16).ok(),
            n => n.parse().ok(),
        }
        .and_then(char::from_u32),
    };
    (code == Some(c)).then_some(end + 1)
}

fn hex_byte(two: &[u8]) -> Option<u8> {
    u8::from_str_radix(std::str::from_utf8(two).ok()?, 16).ok()
}

fn hex_u16(four: &[u8]) -> Option<u16> {
    u16::from_str_radix(std::str::from_utf8(four).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(vars: &[(&'static str, &'static str)]) -> Secrets {
        Secrets::new(vars.iter().copied())
    }

    #[test]
    fn masking_hides_plain_and_encoded_values() {
        let s = secrets(&[("TOKEN", "a b/c"), ("EMPTY", ""), ("LONG", "a b/cd")]);
        assert_eq!(
            s.mask("x a b/cd y a b/c z a%20b%2Fc"),
            "x ${LONG} y ${TOKEN} z ${TOKEN}"
        );
        assert_eq!(s.mask("nothing here"), "nothing here");
    }

    #[test]
    fn values_echoed_json_escaped_url_encoded_or_as_html_are_masked() {
        let s = secrets(&[("KEY", "abc/def+gh i\"é")]);
        for echoed in [
            "abc/def+gh i\"é",
            r#"abc\/def+gh i\"\u00e9"#,
            r#"abc\/def+gh i\"\u00E9"#,
            "abc%2Fdef%2Bgh%20i%22%C3%A9",
            "abc%2fdef%2bgh+i%22%c3%a9",
            "abc/def%2Bgh%20i%22%C3%A9",
            "abc&#x2F;def+gh i&quot;&#233;",
        ] {
            assert_eq!(
                s.mask(&format!("{{\"echo\":\"{echoed}\"}}")),
                "{\"echo\":\"${KEY}\"}",
                "{echoed}"
            );
        }
        let astral = secrets(&[("EMOJI", "key-😀-long")]);
        assert_eq!(astral.mask(r"key-\ud83d\ude00-long!"), "${EMOJI}!");
    }

    #[test]
    fn short_values_are_masked_only_where_they_stand_alone() {
        let s = secrets(&[("X", "x"), ("PORT", "5432")]);
        assert_eq!(
            s.mask("next: x marks the spot, port 5432 on x.example, 54321 mixed"),
            "next: ${X} marks the spot, port ${PORT} on ${X}.example, 54321 mixed"
        );
        let long = secrets(&[("TOKEN", "s3cr3t-t0ken")]);
        assert_eq!(long.mask("as3cr3t-t0kenb"), "a${TOKEN}b");
    }
}
