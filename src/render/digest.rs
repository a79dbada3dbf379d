//! Page digests by construction: a page's digest is its view serialised into a hash, so
//! whatever the page is rendered from is in it, and nothing has to be listed by hand.
//!
//! Views are serialised twice: in the readable form for templates (and JSON files), and here
//! in the compact form (`is_human_readable` is false). The two differ only for parts that are
//! costly to make, a body's HTML or a drawing (see [`super::Html`]): their compact form is
//! what they are made from (the document's source hash, where its links go, the options), so
//! a digest costs no Markdown, highlighting or layout. The encoding is unambiguous for a
//! given type: strings are length-prefixed, options, sequence and map entries and skipped
//! fields are tagged. A document enters a digest by what its view shows, never by its
//! position, so adding a document does not disturb pages that do not show it.

use serde::ser::{self, Serialize};

use crate::digest::Digest;

/// Where the serialised bytes go: the digest itself, or a test that looks at them.
pub(super) trait Sink {
    /// A value's bytes (`leaf`), or a tag that gives the stream its shape.
    fn write(&mut self, bytes: &[u8], leaf: bool);
    /// `write` of one tag byte, of which a view has thousands.
    fn tag(&mut self, t: u8) {
        self.write(&[t], false);
    }
    /// `write` of a number's eight bytes.
    fn word(&mut self, w: u64, leaf: bool) {
        self.write(&w.to_le_bytes(), leaf);
    }
    /// The serialiser enters a struct field, list item or map entry (whose key comes first,
    /// then [`Sink::value`]).
    fn enter(&mut self, _at: At) {}
    fn value(&mut self) {}
    fn leave(&mut self) {}
}

/// Where in a view the serialiser is (read by the tests' sink only).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(test), allow(dead_code))]
pub(super) enum At {
    Field(&'static str),
    Item(usize),
    Entry,
}

impl Sink for Digest {
    fn write(&mut self, bytes: &[u8], _leaf: bool) {
        std::hash::Hasher::write(self, bytes);
    }
}

/// A page's digest: SipHash-1-3 under fixed keys (a specified, stable function) over its
/// compact form. The form is thousands of writes of a few bytes, so they are gathered into
/// blocks first: SipHash takes a block at a time far faster than a byte or a tag.
#[derive(Debug, Clone)]
pub(super) struct PageDigest {
    hasher: siphasher::sip::SipHasher13,
    block: [u8; BLOCK],
    len: usize,
}

const BLOCK: usize = 512;

/// Any fixed keys do: the digest is not a secret, only a name for the page's inputs.
const KEYS: (u64, u64) = (0x6361_6972_6e2d_7061, 0x6765_2d64_6967_6573);

impl Default for PageDigest {
    fn default() -> Self {
        PageDigest {
            hasher: siphasher::sip::SipHasher13::new_with_keys(KEYS.0, KEYS.1),
            block: [0; BLOCK],
            len: 0,
        }
    }
}

impl PageDigest {
    pub(super) fn u64(&mut self, v: u64) -> &mut Self {
        self.write(&v.to_le_bytes(), false);
        self
    }

    pub(super) fn str(&mut self, s: &str) -> &mut Self {
        self.u64(s.len() as u64);
        self.write(s.as_bytes(), false);
        self
    }

    fn flush(&mut self) {
        std::hash::Hasher::write(&mut self.hasher, &self.block[..self.len]);
        self.len = 0;
    }

    pub(super) fn finish(&self) -> u64 {
        use std::hash::Hasher;
        let mut h = self.hasher;
        h.write(&self.block[..self.len]);
        h.finish()
    }
}

impl Sink for PageDigest {
    fn tag(&mut self, t: u8) {
        if self.len == BLOCK {
            self.flush();
        }
        self.block[self.len] = t;
        self.len += 1;
    }

    fn word(&mut self, w: u64, _leaf: bool) {
        if self.len + 8 > BLOCK {
            self.flush();
        }
        self.block[self.len..self.len + 8].copy_from_slice(&w.to_le_bytes());
        self.len += 8;
    }

    fn write(&mut self, bytes: &[u8], _leaf: bool) {
        use std::hash::Hasher;
        if self.len + bytes.len() > BLOCK {
            self.hasher.write(&self.block[..self.len]);
            self.len = 0;
            if bytes.len() > BLOCK {
                self.hasher.write(bytes);
                return;
            }
        }
        self.block[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

/// Feeds `value`'s compact form into `sink`. `Err` only if a `Serialize` impl refuses
/// (none of the views do).
pub(super) fn feed<S: Sink, T: Serialize + ?Sized>(sink: &mut S, value: &T) -> Result<(), Refused> {
    value.serialize(&mut Feeder { sink })
}

/// A view that would not serialise; its page is then never taken from the cache.
#[derive(Debug)]
pub(super) struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

impl ser::Error for Refused {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Refused(msg.to_string())
    }
}

struct Feeder<'s, S> {
    sink: &'s mut S,
}

const NONE: u8 = 0;
const SOME: u8 = 1;
const END: u8 = 0;
const ITEM: u8 = 1;
const FIELD: u8 = 1;
const SKIPPED: u8 = 2;

impl<S: Sink> Feeder<'_, S> {
    fn leaf(&mut self, bytes: &[u8]) {
        self.sink.write(bytes, true);
    }

    fn tag(&mut self, t: u8) {
        self.sink.tag(t);
    }

    /// An enum's variant, by name (as readable forms show it); `leaf` for a variant that is
    /// all of the value.
    fn variant(&mut self, name: &str, leaf: bool) {
        self.sink.word(name.len() as u64, false);
        self.sink.write(name.as_bytes(), leaf);
    }
}

type Res = Result<(), Refused>;

impl<'a, 's, S: Sink> ser::Serializer for &'a mut Feeder<'s, S> {
    type Ok = ();
    type Error = Refused;
    type SerializeSeq = Compound<'a, 's, S>;
    type SerializeTuple = Compound<'a, 's, S>;
    type SerializeTupleStruct = Compound<'a, 's, S>;
    type SerializeTupleVariant = Compound<'a, 's, S>;
    type SerializeMap = Compound<'a, 's, S>;
    type SerializeStruct = Compound<'a, 's, S>;
    type SerializeStructVariant = Compound<'a, 's, S>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Res {
        self.leaf(&[u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Res {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Res {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Res {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Res {
        self.sink.word(v as u64, true);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Res {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Res {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Res {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Res {
        self.sink.word(v, true);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Res {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Res {
        self.leaf(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Res {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_str(self, v: &str) -> Res {
        self.serialize_bytes(v.as_bytes())
    }
    fn serialize_bytes(self, v: &[u8]) -> Res {
        self.sink.word(v.len() as u64, false);
        self.leaf(v);
        Ok(())
    }
    fn serialize_none(self) -> Res {
        self.leaf(&[NONE]);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Res {
        self.tag(SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Res {
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Res {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Res {
        self.variant(variant, true);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Res {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Res {
        self.variant(variant, false);
        self.sink.enter(At::Field(variant));
        value.serialize(&mut *self)?;
        self.sink.leave();
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Refused> {
        Ok(Compound::new(self, true))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Refused> {
        Ok(Compound::new(self, false))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Refused> {
        Ok(Compound::new(self, false))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Refused> {
        self.variant(variant, false);
        self.sink.enter(At::Field(variant));
        Ok(Compound::variant(self))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Refused> {
        Ok(Compound::new(self, true))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Refused> {
        Ok(Compound::new(self, false))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Refused> {
        self.variant(variant, false);
        self.sink.enter(At::Field(variant));
        Ok(Compound::variant(self))
    }
}

/// A sequence, map, tuple or struct being fed. Items of sequences and maps are tagged and
/// ended, since their number is not known up front; the fields of a struct are fixed by its
/// type, but each is tagged present or left out (`skip_serializing_if`), so that the one
/// after a missing field cannot take its place.
pub(super) struct Compound<'a, 's, S> {
    feeder: &'a mut Feeder<'s, S>,
    /// Sequences and maps, whose items are tagged.
    open: bool,
    /// An enum variant's fields, inside the variant's name.
    variant: bool,
    items: usize,
}

impl<'a, 's, S: Sink> Compound<'a, 's, S> {
    fn new(feeder: &'a mut Feeder<'s, S>, open: bool) -> Self {
        Compound {
            feeder,
            open,
            variant: false,
            items: 0,
        }
    }

    fn variant(feeder: &'a mut Feeder<'s, S>) -> Self {
        Compound {
            variant: true,
            ..Compound::new(feeder, false)
        }
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        if self.open {
            self.feeder.tag(ITEM);
        }
        self.feeder.sink.enter(At::Item(self.items));
        self.items += 1;
        value.serialize(&mut *self.feeder)?;
        self.feeder.sink.leave();
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.feeder.tag(FIELD);
        self.feeder.sink.enter(At::Field(key));
        value.serialize(&mut *self.feeder)?;
        self.feeder.sink.leave();
        Ok(())
    }

    fn end(self) -> Res {
        if self.open {
            self.feeder.tag(END);
        }
        if self.variant {
            self.feeder.sink.leave();
        }
        Ok(())
    }
}

impl<S: Sink> ser::SerializeSeq for Compound<'_, '_, S> {
    type Ok = ();
    type Error = Refused;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.item(value)
    }
    fn end(self) -> Res {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeTuple for Compound<'_, '_, S> {
    type Ok = ();
    type Error = Refused;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.item(value)
    }
    fn end(self) -> Res {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeTupleStruct for Compound<'_, '_, S> {
    type Ok = ();
    type Error = Refused;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.item(value)
    }
    fn end(self) -> Res {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeTupleVariant for Compound<'_, '_, S> {
    type Ok = ();
    type Error = Refused;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.item(value)
    }
    fn end(self) -> Res {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeMap for Compound<'_, '_, S> {
    type Ok = ();
    type Error = Refused;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Res {
        self.feeder.tag(ITEM);
        self.feeder.sink.enter(At::Entry);
        key.serialize(&mut *self.feeder)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.feeder.sink.value();
        value.serialize(&mut *self.feeder)?;
        self.feeder.sink.leave();
        Ok(())
    }
    fn end(self) -> Res {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeStruct for Compound<'_, '_, S> {
    type Ok = ();
    type Error = Refused;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.field(key, value)
    }
    fn skip_field(&mut self, _key: &'static str) -> Res {
        self.feeder.tag(SKIPPED);
        Ok(())
    }
    fn end(self) -> Res {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeStructVariant for Compound<'_, '_, S> {
    type Ok = ();
    type Error = Refused;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.field(key, value)
    }
    fn skip_field(&mut self, _key: &'static str) -> Res {
        self.feeder.tag(SKIPPED);
        Ok(())
    }
    fn end(self) -> Res {
        Compound::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gathering into blocks changes nothing: the digest is of the bytes, however they come.
    #[test]
    fn a_page_digest_is_of_its_bytes_however_they_are_written() {
        let bytes: Vec<u8> = (0..3 * BLOCK + 17).map(|i| (i * 7 % 251) as u8).collect();
        let mut whole = PageDigest::default();
        whole.write(&bytes, true);
        for piece in [1, 3, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK + 5] {
            let mut pieces = PageDigest::default();
            for chunk in bytes.chunks(piece) {
                pieces.write(chunk, true);
            }
            assert_eq!(pieces.finish(), whole.finish(), "pieces of {piece}");
        }
        let mut other = PageDigest::default();
        other.write(&bytes[1..], true);
        assert_ne!(other.finish(), whole.finish());
    }
}
