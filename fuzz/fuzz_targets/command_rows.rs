//! The `command` check's output: each stdout line as a row `LEVEL,item,message[,link]`, and
//! the CSV reading and writing under it (the `csv` crate with Cairn's start lines and its
//! error for an open quote; also used for trigger files). Besides not panicking, records and
//! errors must be on a real line, and a record the writer produces must read back as the same
//! fields.

#![no_main]

use cairn::check::{Level, csv, parse_row};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.split('\n').count();
    match csv::parse(text) {
        Err((line, why)) => {
            assert!(
                line >= 1 && line <= lines,
                "error on line {line} of {lines}"
            );
            assert!(!why.is_empty());
        }
        Ok(records) => {
            for (line, fields) in &records {
                assert!(
                    *line >= 1 && *line <= lines,
                    "record on line {line} of {lines}"
                );
                // What the writer makes of these fields reads back the same (a lone blank field
                // is a blank line, which readers skip by design).
                let again = csv::parse(&csv::record(fields)).expect("a written record parses");
                if fields.len() > 1 {
                    assert_eq!(&again[0].1, fields);
                }
            }
        }
    }
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        match parse_row(t) {
            Ok(f) => assert!(matches!(f.level, Level::Ok | Level::Warning | Level::Error)),
            Err(why) => assert!(!why.is_empty()),
        }
    }
});
