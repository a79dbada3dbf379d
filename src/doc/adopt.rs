//! Readings of documents written for other tools: decision records of adr-tools (Nygard),
//! MADR and Log4brains, and the habits of other site generators. Each reading takes what the
//! author meant from text Cairn's own format would not accept as it is; under `--strict` the
//! caller reports instead what a native document would get. Pure: text in, values out; no
//! diagnostics are made here.

use jiff::civil::Date;

use crate::schema::parse_date;
use crate::yaml::{Node, Value};

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

/// A date as other tools write it: a timestamp (`2018-01-10T00:00:00.000Z`, `2020-01-02
/// 10:00`) gives its calendar date; `05/02/2018` is day/month/year, as adr-tools' users in
/// most of the world write it; `2018/02/05` is year/month/day.
pub(super) fn loose_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(d) = s.get(..10).and_then(parse_date) {
        let rest = &s[10..];
        if rest.is_empty() || rest.starts_with(['T', 't', ' ']) {
            return Some(d);
        }
        return None;
    }
    let parts: Vec<&str> = s.split('/').collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    let num = |p: &str| (!p.is_empty() && p.len() <= 4).then(|| p.parse::<i16>().ok())?;
    let (y, m, d) = if a.len() == 4 {
        (num(a)?, num(b)?, num(c)?)
    } else if c.len() == 4 {
        (num(c)?, num(b)?, num(a)?)
    } else {
        return None;
    };
    Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

/// The keys whose text is a link in relations written as mappings.
const LINK_KEYS: [&str; 6] = ["url", "href", "link", "path", "target", "id"];

/// The link targets in a relation written as mappings or lists of them (`- title: X` /
/// `url: /y/`, or `sections: [{items: [{text, href}]}]`), with the node of each. Links to other
/// sites are left out: a relation names a document of this site.
pub(super) fn link_targets<'n>(n: &'n Node, out: &mut Vec<(String, &'n Node)>) {
    fn push<'n>(s: &str, node: &'n Node, out: &mut Vec<(String, &'n Node)>) {
        if !s.contains("://") && !s.starts_with("mailto:") && !s.trim().is_empty() {
            out.push((s.to_string(), node));
        }
    }
    match &n.value {
        Value::Str(s) => push(s, n, out),
        Value::Seq(items) => items.iter().for_each(|i| link_targets(i, out)),
        Value::Map(entries) => {
            for e in entries {
                match &e.node.value {
                    Value::Str(s) if LINK_KEYS.contains(&e.key.as_str()) => push(s, &e.node, out),
                    Value::Seq(_) | Value::Map(_) => link_targets(&e.node, out),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i16, m: i8, d: i8) -> Option<Date> {
        Some(Date::new(y, m, d).unwrap())
    }

    #[test]
    fn dates_as_other_tools_write_them() {
        assert_eq!(loose_date("2018-01-10T00:00:00.000Z"), date(2018, 1, 10));
        assert_eq!(loose_date("2020-01-02 10:00:00 +0100"), date(2020, 1, 2));
        assert_eq!(loose_date("2019-03-06"), date(2019, 3, 6));
        assert_eq!(loose_date("05/02/2018"), date(2018, 2, 5));
        assert_eq!(loose_date("2018/02/05"), date(2018, 2, 5));
        assert_eq!(loose_date("31/02/2018"), None);
        assert_eq!(loose_date("2019-03-06x"), None);
        assert_eq!(loose_date("soon"), None);
        assert_eq!(loose_date("1/2/3"), None);
    }

    #[test]
    fn links_written_as_mappings_are_their_targets() {
        let n = crate::yaml::parse(
            "sections:\n  - title: Related links\n    items:\n      - text: Secrets\n        href: /standards/secrets/\n      - text: Out\n        href: https://example.org/\n",
        )
        .unwrap();
        let mut found = Vec::new();
        link_targets(&n, &mut found);
        let targets: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(targets, ["/standards/secrets/"]);
        assert_eq!(found[0].1.pos.line, 5);
        let n = crate::yaml::parse("- title: A\n  url: a\n- b\n").unwrap();
        let mut found = Vec::new();
        link_targets(&n, &mut found);
        let targets: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(targets, ["a", "b"]);
    }

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
