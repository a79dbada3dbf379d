//! Loads the YAML library's value tree with a bound on its size.
//!
//! Aliases (`*name`) repeat what their anchor holds, so a few lines can stand for billions of
//! values ("billion laughs"). Without aliases a text cannot hold more values and characters
//! than it has bytes, so the tree may grow to at most twice the text's size (plus a little for
//! tiny texts); past that the load stops with an error instead of filling memory.
//!
//! Builds exactly what `serde_yaml::from_str::<Value>` builds, duplicate-key errors included.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Value};

/// What a load may build: values and characters of strings, per byte of text.
const GROWTH: usize = 2;
const SMALL_TEXT: usize = 1024;

pub(super) const TOO_BIG: &str =
    "anchors and aliases expand to more than twice the size of the text; write the values out";

/// Parses one YAML document into the library's value tree.
pub(super) fn value(text: &str) -> Result<Value, serde_yaml::Error> {
    let left = Cell::new(GROWTH * text.len() + SMALL_TEXT);
    Counted { left: &left }.deserialize(serde_yaml::Deserializer::from_str(text))
}

/// Builds one value, taking its size from the budget `left`.
#[derive(Clone, Copy)]
struct Counted<'b> {
    left: &'b Cell<usize>,
}

impl Counted<'_> {
    fn take<E: de::Error>(self, size: usize) -> Result<(), E> {
        match self.left.get().checked_sub(size + 1) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => Err(E::custom(TOO_BIG)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Counted<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Counted<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        self.take(0)?;
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        self.take(0)?;
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        self.take(0)?;
        Ok(Value::Number(u.into()))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        self.take(0)?;
        Ok(Value::Number(f.into()))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.take(s.len())?;
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        self.take(s.len())?;
        Ok(Value::String(s))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.take(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.take(0)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.take(0)?;
        let mut out = Mapping::new();
        while let Some(key) = map.next_key_seed(self)? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(duplicate(&key)));
            }
            let value = map.next_value_seed(self)?;
            out.insert(key, value);
        }
        Ok(Value::Mapping(out))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        self.take(0)?;
        let (tag, contents) = data.variant_seed(TagSeed)?;
        let value = contents.newtype_variant_seed(self)?;
        Ok(Value::Tagged(Box::new(TaggedValue { tag, value })))
    }
}

/// The library's own wording, which `yaml::parse` turns into ours.
fn duplicate(key: &Value) -> String {
    match key {
        Value::Null => "duplicate entry with null key".into(),
        Value::Bool(b) => format!("duplicate entry with key `{b}`"),
        Value::Number(n) => format!("duplicate entry with key {n}"),
        Value::String(s) => format!("duplicate entry with key {s:?}"),
        Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => {
            "duplicate entry in YAML map".into()
        }
    }
}

/// The `!tag` of a tagged value.
struct TagSeed;

impl<'de> DeserializeSeed<'de> for TagSeed {
    type Value = Tag;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Tag, D::Error> {
        d.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for TagSeed {
    type Value = Tag;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML tag string")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Tag, E> {
        if s.is_empty() {
            return Err(E::custom("empty YAML tag is not allowed"));
        }
        Ok(Tag::new(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_what_the_library_builds() {
        for text in [
            "title: T\nlist: [1, -2, 3.5, true, ~, 'x']\nmap: {a: 1}\n",
            "a: &x [1, 2]\nb: *x\nc: !thing {k: v}\n",
            "- |\n  block\n- >-\n  folded\n",
            "",
        ] {
            let ours = value(text).unwrap();
            let theirs: Value = serde_yaml::from_str(text).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
        for text in ["a: 1\na: 2\n", "1: x\n1: y\n", "? [a]\n: 1\n? [a]\n: 2\n"] {
            let ours = value(text).unwrap_err().to_string();
            let theirs = serde_yaml::from_str::<Value>(text).unwrap_err().to_string();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn aliases_may_not_expand_past_twice_the_text() {
        // Nine levels of ten aliases each: a billion strings from 500 bytes.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                vec![format!("*a{p}"); 10].join(", ")
            ));
        }
        let err = value(&text).unwrap_err().to_string();
        assert!(err.contains(TOO_BIG), "{err}");
        // A few aliases of a small anchor are fine.
        let ok = "base: &b {retries: 3}\none: *b\ntwo: *b\n";
        assert!(value(ok).is_ok());
    }
}
