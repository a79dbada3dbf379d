//! `${NAME}` in check parameters: reading environment variables, whose values are then masked
//! out of everything a run produces ([`Secrets`], in `mask`), so a secret never reaches the
//! page, `status.json`, a report or the terminal.
//!
//! Validation and expansion are pure; only [`Vars::from_process`] reads the environment.

use std::collections::{BTreeMap, BTreeSet};

pub use super::mask::Secrets;

/// The environment variables a run may read, by name.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Vars(BTreeMap<String, String>);

/// Names only: a value must not reach a log through `{:?}` either.
impl std::fmt::Debug for Vars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Vars {
    /// Reads the named variables from this process's environment; unset ones are left out.
    pub fn from_process(names: &BTreeSet<String>) -> Vars {
        Vars(
            names
                .iter()
                .filter_map(|n| std::env::var(n).ok().map(|v| (n.clone(), v)))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Every name with its value.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Vars {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        Vars(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

/// A piece of a template: literal text or a variable reference.
enum Part<'a> {
    Text(&'a str),
    Var(&'a str),
}

fn parts(template: &str) -> Result<Vec<Part<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find("${") {
        out.push(Part::Text(&rest[..i]));
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            return Err(
                "`${` is not closed; write `${NAME}` to read an environment variable".into(),
            );
        };
        let name = &after[..end];
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!(
                "`${{{name}}}` is not a variable name (letters, digits and `_`, not starting with a digit)"
            ));
        }
        out.push(Part::Var(name));
        rest = &after[end + 1..];
    }
    out.push(Part::Text(rest));
    Ok(out)
}

/// The variable names a template reads, or why it is malformed.
pub fn names(template: &str) -> Result<Vec<String>, String> {
    Ok(parts(template)?
        .into_iter()
        .filter_map(|p| match p {
            Part::Var(n) => Some(n.to_string()),
            Part::Text(_) => None,
        })
        .collect())
}

/// The template with every `${NAME}` replaced by its value.
pub fn expand(template: &str, vars: &Vars) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    for p in parts(template)? {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Var(n) => match vars.get(n) {
                Some(v) => out.push_str(v),
                None => return Err(format!("the environment variable `{n}` is not set")),
            },
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_expand_and_report_problems() {
        let vars: Vars = [("TOKEN", "s3cr3t"), ("HOST", "db")].into_iter().collect();
        assert_eq!(
            expand("https://${HOST}/x?t=${TOKEN}&u=$x", &vars).unwrap(),
            "https://db/x?t=s3cr3t&u=$x"
        );
        assert_eq!(
            expand("${MISSING}", &vars).unwrap_err(),
            "the environment variable `MISSING` is not set"
        );
        assert_eq!(names("a ${A} b ${B_2}").unwrap(), ["A", "B_2"]);
        assert!(names("${1X}").is_err());
        assert!(names("${OPEN").is_err());
        assert!(names("${}").is_err());
    }

    #[test]
    fn values_stay_out_of_debug_output() {
        let vars: Vars = [("TOKEN", "a b/c"), ("EMPTY", "")].into_iter().collect();
        assert_eq!(format!("{vars:?}"), r#"{"EMPTY", "TOKEN"}"#);
    }
}
