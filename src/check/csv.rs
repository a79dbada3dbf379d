//! Comma-separated values for what checks read and write: command output lines, trigger files
//! and the `--format csv` report, over the `csv` crate. This module adds only what Cairn's
//! messages need on top of it: the line each record really starts on (the crate reports the
//! position where it began looking, before skipped blank lines or the `\n` of a CRLF), blank
//! lines skipped, and an error for a quoted field that is never closed (the crate reads it to
//! the end of the text, which would silently swallow every later trigger). Pure.

/// A record's fields with the line it starts on (from 1).
pub type Record = (usize, Vec<String>);

const CLOSED: &str = "a quoted field is not closed";

/// Parses `text` into records. Lines holding only spaces are skipped; a quote inside an
/// unquoted field is kept as a character. An error names the line it is on.
pub fn parse(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let raw = read(text);
    let mut records = Vec::with_capacity(raw.len());
    // Lines are counted once, forwards, as records come in order.
    let (mut at, mut line) = (0usize, 1usize);
    for (byte, fields) in raw.iter() {
        let start = byte
            + text.as_bytes()[*byte..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        line += text.as_bytes()[at..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        at = start;
        if fields.len() == 1 && fields[0].trim().is_empty() {
            continue;
        }
        records.push((line, fields.clone()));
    }
    if text.contains('"') && ends_inside_quotes(text, raw.len()) {
        // The open field is in the last record read, whose line is the last one counted.
        return Err((line, CLOSED.into()));
    }
    Ok(records)
}

/// Every record the crate reads, with the byte where it began looking for it.
fn read(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    // The input is a `&str` and records are split at ASCII bytes, so reading cannot fail.
    while reader.read_record(&mut record).unwrap_or(false) {
        let byte = record.position().map_or(0, |p| p.byte()) as usize;
        out.push((byte, record.iter().map(str::to_string).collect()));
    }
    out
}

/// Whether the text ends inside a quoted field. Appending `\n""\n` adds a record holding one
/// empty field to any text that does not (a line end, then an empty quoted field), while inside
/// an open quote it only adds characters to the last field.
fn ends_inside_quotes(text: &str, records: usize) -> bool {
    read(&format!("{text}\n\"\"\n")).len() == records
}

/// One record, fields quoted when they have to be, ending in CRLF as RFC 4180 has it.
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail, and fields are `str`, so the bytes are UTF-8.
    let _ = writer.write_record(fields.iter().map(|f| f.as_ref()));
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
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
    fn records_start_on_their_own_line_after_blank_lines_and_crlf() {
        let r = parse("\r\n\r\n  \nh,i\r\n\r\nx,y\r\n").unwrap();
        assert_eq!(
            r,
            [
                (4, vec!["h".into(), "i".into()]),
                (6, vec!["x".into(), "y".into()])
            ]
        );
    }

    #[test]
    fn an_open_quote_is_an_error_at_its_record() {
        assert_eq!(
            parse("ok,fine\nok,\"open\nmore\n").unwrap_err(),
            (2, CLOSED.into())
        );
        assert_eq!(parse("\"").unwrap_err(), (1, CLOSED.into()));
        assert_eq!(parse("say \"hi\",x").unwrap()[0].1[0], "say \"hi\"");
        for fine in ["\"a\"", "\"a\"\n", "\"\"", "a,\"b\"\"\"\r\n", "", "\n"] {
            assert!(parse(fine).is_ok(), "{fine:?}");
        }
    }

    /// The checks of the `command_rows` fuzz target, over its corpus.
    #[test]
    fn the_fuzz_corpus_reads_on_real_lines_and_round_trips() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/command_rows");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            seen += 1;
            let lines = text.split('\n').count();
            match parse(text) {
                Err((line, _)) => assert!((1..=lines).contains(&line), "{text:?}"),
                Ok(records) => {
                    for (line, fields) in &records {
                        assert!((1..=lines).contains(line), "{text:?}");
                        let again = parse(&record(fields)).unwrap();
                        if fields.len() > 1 {
                            assert_eq!(&again[0].1, fields, "{text:?}");
                        }
                    }
                }
            }
        }
        assert!(seen > 50, "{seen} inputs");
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
            "plain,\"with, comma\",\"with \"\"quote\"\"\",\"line\nbreak\", pad\r\n"
        );
        assert_eq!(parse(&line).unwrap()[0].1, fields);
    }
}
