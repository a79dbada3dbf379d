//! The `command` check's output: each stdout line as a row `LEVEL,item,message[,link]`, and
//! the CSV reader under it (also used for trigger files). Besides not panicking, a record the
//! CSV writer produces must read back as the same fields.

#![no_main]

use cairn::check::{Level, csv, parse_row};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(records) = csv::parse(text) {
        let lines = text.split('\n').count();
        for (line, fields) in &records {
            assert!(*line >= 1 && *line <= lines, "record on line {line} of {lines}");
            // What the writer makes of these fields reads back the same (a lone blank field
            // is a blank line, which readers skip by design).
            let again = csv::parse(&csv::record(fields)).expect("a written record parses");
            if fields.len() > 1 {
                assert_eq!(&again[0].1, fields);
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
