//! Decoding the resources of a response while checking that each is of the type asked for:
//! `data` of a [`Document`](crate::Document) and each item of a [`Page`](crate::Page) must
//! have the `type` of `T` ([`Resource::TYPE`]), or decoding fails with both types named.
//!
//! The check happens in the same single pass as the rest of decoding: the resource's own
//! `Deserialize` reads its object through [`Checked`], a deserializer adapter that watches
//! the object's keys go by, compares the value of `type` when it comes, and then hands it on
//! unchanged. A resource without a `type` member is refused too (JSON:API requires one).
//! Types that stand for several ([`GenericResource`](crate::jsonapi::GenericResource) and the
//! polymorphic enums, whose `TYPE` is `None`) are decoded as they are.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, StringDeserializer, UnitDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::call::{Document, ListMeta, Page, PageLinks};
use crate::error::{marked, relocate};
use crate::jsonapi::{Included, Resource, ResourceLinks};

/// How much of a mismatched type a message repeats.
const MAX_TYPE_SHOWN: usize = 64;

impl<'de, T: Resource> Deserialize<'de> for Document<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["data", "included", "links", "meta"];
        deserializer.deserialize_struct("Document", FIELDS, DocumentVisitor(PhantomData))
    }
}

impl<'de, T: Resource> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["data", "included", "meta", "links"];
        deserializer.deserialize_struct("Page", FIELDS, PageVisitor(PhantomData))
    }
}

/// A member of a document.
enum Member {
    Data,
    Included,
    Links,
    Meta,
    Other,
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MemberVisitor;
        impl Visitor<'_> for MemberVisitor {
            type Value = Member;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Member, E> {
                Ok(match name {
                    "data" => Member::Data,
                    "included" => Member::Included,
                    "links" => Member::Links,
                    "meta" => Member::Meta,
                    _ => Member::Other,
                })
            }
        }
        deserializer.deserialize_identifier(MemberVisitor)
    }
}

/// Reads a member's value once: a second one is an error, as for any struct.
fn once<'de, A: MapAccess<'de>, V: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<V>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

struct DocumentVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Resource> Visitor<'de> for DocumentVisitor<T> {
    type Value = Document<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON:API document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document<T>, A::Error> {
        let mut data: Option<T> = None;
        let mut included: Option<Included> = None;
        let mut links: Option<Option<ResourceLinks>> = None;
        let mut meta: Option<Option<Map<String, Value>>> = None;
        while let Some(member) = map.next_key::<Member>()? {
            match member {
                Member::Data => {
                    if data.is_some() {
                        return Err(de::Error::duplicate_field("data"));
                    }
                    match map.next_value_seed(One::<T>(PhantomData)) {
                        Ok(value) => data = Some(value),
                        Err(error) => return Err(relocate("data", error)),
                    }
                }
                Member::Included => once(&mut map, &mut included, "included")?,
                Member::Links => once(&mut map, &mut links, "links")?,
                Member::Meta => once(&mut map, &mut meta, "meta")?,
                Member::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let data = match data {
            Some(data) => data,
            None => absent::<T, A::Error>("data")?,
        };
        Ok(Document {
            data,
            included: included.unwrap_or_default(),
            links: links.flatten(),
            meta: meta.flatten(),
        })
    }
}

struct PageVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Resource> Visitor<'de> for PageVisitor<T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON:API document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        let mut data: Option<Vec<T>> = None;
        let mut included: Option<Included> = None;
        let mut links: Option<PageLinks> = None;
        let mut meta: Option<ListMeta> = None;
        while let Some(member) = map.next_key::<Member>()? {
            match member {
                Member::Data => {
                    if data.is_some() {
                        return Err(de::Error::duplicate_field("data"));
                    }
                    data = Some(map.next_value_seed(Many::<T>(PhantomData))?);
                }
                Member::Included => once(&mut map, &mut included, "included")?,
                Member::Links => once(&mut map, &mut links, "links")?,
                Member::Meta => once(&mut map, &mut meta, "meta")?,
                Member::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Page {
            data: data.ok_or_else(|| de::Error::missing_field("data"))?,
            included: included.unwrap_or_default(),
            meta: meta.ok_or_else(|| de::Error::missing_field("meta"))?,
            links: links.unwrap_or_default(),
        })
    }
}

/// What an absent `data` means: `None` for an optional resource (a to-one relationship
/// with nothing related may leave it out), a missing field otherwise.
fn absent<T: Resource, E: de::Error>(name: &'static str) -> Result<T, E> {
    T::deserialize(UnitDeserializer::<E>::new()).map_err(|_: E| de::Error::missing_field(name))
}

/// One resource, its type checked (`data` of a document).
struct One<T>(PhantomData<fn() -> T>);

impl<'de, T: Resource> DeserializeSeed<'de> for One<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        match T::TYPE {
            Some(expected) => T::deserialize(Checked {
                inner: deserializer,
                expected,
            }),
            None => T::deserialize(deserializer),
        }
    }
}

/// A list of resources, the type of each checked (`data` of a page).
struct Many<T>(PhantomData<fn() -> T>);

impl<'de, T: Resource> DeserializeSeed<'de> for Many<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Resource> Visitor<'de> for Many<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of resources")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::new();
        loop {
            match seq.next_element_seed(One::<T>(PhantomData)) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(items),
                Err(error) => {
                    return Err(relocate(&format!("data[{}]", items.len()), error));
                }
            }
        }
    }
}

/// A deserializer of one resource object that checks its `type` is `expected`.
///
/// Only what reads an object (a struct, a map, any value, an option of one) is watched;
/// everything else is passed through untouched, and so fails as it would have.
struct Checked<D> {
    inner: D,
    expected: &'static str,
}

impl<D> Checked<D> {
    fn visitor<V>(&self, inner: V) -> CheckedVisitor<V> {
        CheckedVisitor {
            inner,
            expected: self.expected,
        }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let visitor = self.visitor(visitor);
        self.inner.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = self.visitor(visitor);
        self.inner.deserialize_struct(name, fields, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let visitor = self.visitor(visitor);
        self.inner.deserialize_map(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let visitor = self.visitor(visitor);
        self.inner.deserialize_option(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }

    // Not an object: nothing to check, the inner deserializer answers as it would have.
    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_bool(v)
    }
    fn deserialize_i8<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_i8(v)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_i16(v)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_i32(v)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_i64(v)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_u8(v)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_u16(v)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_u32(v)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_u64(v)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_f32(v)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_f64(v)
    }
    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_char(v)
    }
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_str(v)
    }
    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_string(v)
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_bytes(v)
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_byte_buf(v)
    }
    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_unit(v)
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_unit_struct(name, v)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_newtype_struct(name, v)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_seq(v)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_tuple(len, v)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_tuple_struct(name, len, v)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_enum(name, variants, v)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_identifier(v)
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_ignored_any(v)
    }
}

/// The resource's visitor, given a watched map. A resource written as an array (which a
/// derived `Deserialize` would accept) is refused: it could carry no `type`.
struct CheckedVisitor<V> {
    inner: V,
    expected: &'static str,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CheckedVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(CheckedMap {
            inner: map,
            expected: self.expected,
            at_type: false,
            seen_type: false,
        })
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Checked {
            inner: deserializer,
            expected: self.expected,
        })
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }
}

/// The resource object's members, with `type` checked on the way.
struct CheckedMap<A> {
    inner: A,
    expected: &'static str,
    /// Whether the value about to be read is `type`'s.
    at_type: bool,
    seen_type: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CheckedMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.inner.next_key::<Text<'de>>()? {
            Some(key) => {
                self.at_type = key.as_str() == "type";
                key.feed(seed).map(Some)
            }
            None if !self.seen_type => Err(de::Error::custom(marked("", "missing field `type`"))),
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        if !std::mem::take(&mut self.at_type) {
            return self.inner.next_value_seed(seed);
        }
        self.seen_type = true;
        let type_ = self.inner.next_value::<Text<'de>>()?;
        if type_.as_str() != self.expected {
            let message = mismatch(self.expected, type_.as_str());
            return Err(de::Error::custom(marked("type", &message)));
        }
        type_.feed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// `expected a resource of type customer_groups, got skus`, the second cut short and escaped.
fn mismatch(expected: &str, found: &str) -> String {
    let shown: String = found.chars().take(MAX_TYPE_SHOWN).collect();
    let cut = if shown.len() < found.len() { "…" } else { "" };
    format!("expected a resource of type `{expected}`, got {shown:?}{cut}")
}

/// A key or the `type` value: borrowed from the input when it can be.
enum Text<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl<'de> Text<'de> {
    fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(text) => text,
            Text::Owned(text) => text,
        }
    }

    /// Hands the text on to the resource's own deserializer, as the input had it.
    fn feed<S: DeserializeSeed<'de>, E: de::Error>(self, seed: S) -> Result<S::Value, E> {
        match self {
            Text::Borrowed(text) => seed.deserialize(BorrowedStrDeserializer::new(text)),
            Text::Owned(text) => seed.deserialize(StringDeserializer::new(text)),
        }
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text::Borrowed(text))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text::Owned(text.to_string()))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text::Owned(text))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonapi::RawName;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Group {
        id: String,
        #[serde(default)]
        name: Option<String>,
    }

    impl Resource for Group {
        const TYPE: Option<&'static str> = Some("customer_groups");
        type Sort = RawName;
        type Filter = RawName;
        type Include = RawName;
        type Field = RawName;
    }

    /// The path and message of an error, as `Error::Decode` gives them.
    fn located(text: &str, error: serde_json::Error) -> (String, String) {
        crate::error::locate(text.as_bytes(), &error)
    }

    fn one(text: &str) -> Result<Option<Group>, (String, String)> {
        serde_json::from_str::<Document<Option<Group>>>(&format!(r#"{{"data":{text}}}"#))
            .map(|document| document.data)
            .map_err(|e| located(&format!(r#"{{"data":{text}}}"#), e))
    }

    fn many(text: &str) -> Result<Vec<Group>, (String, String)> {
        let page = format!(r#"{{"data":{text},"meta":{{"record_count":0,"page_count":0}}}}"#);
        serde_json::from_str::<Page<Group>>(&page)
            .map(|page| page.data)
            .map_err(|e| located(&page, e))
    }

    // The type is checked wherever it comes, escaped keys and all; null stays None.
    #[test]
    fn the_type_is_checked() {
        let group = Group {
            id: "a".to_string(),
            name: Some("VIP".to_string()),
        };
        assert_eq!(
            one(r#"{"id":"a","type":"customer_groups","name":"VIP"}"#),
            Ok(Some(group))
        );
        assert!(one(r#"{"name":null,"id":"a","t\u0079pe":"customer_\u0067roups"}"#).is_ok());
        assert_eq!(one("null"), Ok(None));
        let (path, message) = one(r#"{"id":"a","type":"skus"}"#).unwrap_err();
        assert_eq!(path, "data.type");
        assert_eq!(
            message,
            r#"expected a resource of type `customer_groups`, got "skus""#
        );
        let missing = one(r#"{"id":"a"}"#).unwrap_err();
        assert_eq!(
            missing,
            ("data".to_string(), "missing field `type`".to_string())
        );
        let (path, message) = one(r#"{"id":"a","type":5}"#).unwrap_err();
        assert_eq!(path, "data.type");
        assert!(message.starts_with("invalid type: integer"), "{message}");
        let (_, message) = one(r#"["a"]"#).unwrap_err();
        assert!(message.starts_with("invalid type: sequence"), "{message}");
        let long = format!(r#"{{"id":"a","type":"{}\u001b[31m"}}"#, "x".repeat(10_000));
        let (_, message) = one(&long).unwrap_err();
        assert!(message.len() < 200, "{message}");
    }

    // Each item of a list is checked, and located by its index.
    #[test]
    fn each_item_is_checked() {
        assert_eq!(
            many(r#"[{"id":"a","type":"customer_groups"},{"id":"b","type":"customer_groups"}]"#)
                .map(|groups| groups.len()),
            Ok(2)
        );
        let (path, message) =
            many(r#"[{"id":"a","type":"customer_groups"},{"id":"b","type":"markets"}]"#)
                .unwrap_err();
        assert_eq!(path, "data[1].type");
        assert!(message.contains(r#"got "markets""#), "{message}");
        assert_eq!(many("[]"), Ok(vec![]));
    }

    // Documents decode as a derived struct would: members in any order, unknown ones
    // skipped, optional ones defaulted, duplicates refused; an optional `data` may be absent.
    #[test]
    fn documents_decode_like_structs() {
        let document: Document<Group> = serde_json::from_str(
            r#"{"jsonapi":{"version":"1.0"},"meta":{"a":1},"data":{"type":"customer_groups","id":"a"},"links":null}"#,
        )
        .unwrap();
        assert_eq!(document.data.id, "a");
        assert!(document.included.is_empty() && document.links.is_none());
        assert_eq!(document.meta.map(|m| m.len()), Some(1));
        let absent: Document<Option<Group>> = serde_json::from_str("{}").unwrap();
        assert_eq!(absent.data, None);
        let error = serde_json::from_str::<Document<Group>>("{}").unwrap_err();
        assert!(
            error.to_string().starts_with("missing field `data`"),
            "{error}"
        );
        let twice = r#"{"data":null,"data":null}"#;
        let error = serde_json::from_str::<Document<Option<Group>>>(twice).unwrap_err();
        assert!(
            error.to_string().starts_with("duplicate field `data`"),
            "{error}"
        );
        let error = serde_json::from_str::<Page<Group>>(r#"{"data":[]}"#).unwrap_err();
        assert!(
            error.to_string().starts_with("missing field `meta`"),
            "{error}"
        );
        assert!(serde_json::from_str::<Document<Group>>("[]").is_err());
    }
}
