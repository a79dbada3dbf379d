//! Comma-separated values (RFC 4180) for what checks read and write: command output lines,
//! trigger files and the `--format csv` report. Quoted fields may hold commas, quotes (`""`)
//! and line breaks. Pure.

/// A record's fields with the line it starts on (from 1).
pub type Record = (usize, Vec<String>);

/// Parses `text` into records. Blank lines are skipped; a quote inside an unquoted field is
/// kept as a character. An error names the line it is on.
pub fn parse(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut blank = true;
        loop {
            let Some(c) = chars.next() else {
                fields.push(std::mem::take(&mut field));
                break;
            };
            match c {
                '"' if field.is_empty() && !quoted => {
                    quoted = true;
                    blank = false;
                    loop {
                        match chars.next() {
                            None => return Err((start, "a quoted field is not closed".into())),
                            Some('"') if chars.peek() == Some(&'"') => {
                                chars.next();
                                field.push('"');
                            }
                            Some('"') => break,
                            Some(c) => {
                                if c == '\n' {
                                    line += 1;
                                }
                                field.push(c);
                            }
                        }
                    }
                    match chars.peek() {
                        None | Some(',') | Some('\n') | Some('\r') => {}
                        Some(_) => {
                            return Err((line, "text after the closing quote of a field".into()));
                        }
                    }
                }
                ',' => {
                    fields.push(std::mem::take(&mut field));
                    quoted = false;
                    blank = false;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line += 1;
                    fields.push(std::mem::take(&mut field));
                    break;
                }
                c => {
                    blank &= c.is_whitespace();
                    field.push(c);
                }
            }
        }
        if !blank {
            records.push((start, fields));
        }
    }
    Ok(records)
}

/// One field, quoted when it has to be.
pub fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) || field.starts_with(' ') || field.ends_with(' ') {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// One record, fields quoted as needed, ending in CRLF as RFC 4180 has it.
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    let mut out = fields
        .iter()
        .map(|f| quote(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_commas_quotes_and_newlines() {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n";
        let r = parse(text).unwrap();
        assert_eq!(r[0], (1, vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(
            r[1],
            (
                2,
                vec!["x, y".into(), "say \"hi\"".into(), "two\nlines".into()]
            )
        );
        assert_eq!(r[2], (5, vec!["last".into(), String::new(), String::new()]));
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn malformed_quotes_are_errors() {
        assert_eq!(
            parse("ok,\"open\n").unwrap_err(),
            (1, "a quoted field is not closed".into())
        );
        assert!(parse("\"a\"b,c").is_err());
        assert_eq!(parse("say \"hi\",x").unwrap()[0].1[0], "say \"hi\"");
    }

    #[test]
    fn writing_round_trips() {
        let fields = [
            "plain",
            "with, comma",
            "with \"quote\"",
            "line\nbreak",
            " pad",
        ];
        let line = record(&fields);
        assert_eq!(
            line,
            "plain,\"with, comma\",\"with \"\"quote\"\"\",\"line\nbreak\",\" pad\"\r\n"
        );
        assert_eq!(parse(&line).unwrap()[0].1, fields);
    }
}
