//! Readings of documents written for other tools: decision records of adr-tools (Nygard),
//! MADR and Log4brains, and the habits of other site generators. Each reading takes what the
//! author meant from text Cairn's own format would not accept as it is; under `--strict` the
//! caller reports instead what a native document would get. Pure: text in, values out; no
//! diagnostics are made here.

/// `1. Record architecture decisions` → `(1, "Record architecture decisions")`: the number
/// adr-tools puts before a record's title.
pub(super) fn numbered_title(title: &str) -> Option<(u32, &str)> {
    let digits = title.len() - title.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 6 {
        return None;
    }
    let rest = title[digits..].strip_prefix(". ")?.trim_start();
    if rest.is_empty() {
        return None;
    }
    Some((title[..digits].parse().ok()?, rest))
}

/// The number a file name starts with (`0003-use-x` → 3), as adr-tools and MADR name records.
pub(super) fn file_number(stem: &str) -> Option<u32> {
    let digits = stem.len() - stem.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 6 {
        return None;
    }
    stem[..digits].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adr_tools_numbers_come_off_the_title() {
        assert_eq!(
            numbered_title("1. Record architecture decisions"),
            Some((1, "Record architecture decisions"))
        );
        assert_eq!(numbered_title("12.  Use X"), Some((12, "Use X")));
        assert_eq!(numbered_title("2024 plans"), None);
        assert_eq!(numbered_title("1.5 release"), None);
        assert_eq!(numbered_title("3. "), None);
        assert_eq!(numbered_title("Use X"), None);
    }

    #[test]
    fn file_numbers_are_leading_digits() {
        assert_eq!(file_number("0003-use-x"), Some(3));
        assert_eq!(file_number("use-x"), None);
    }
}
