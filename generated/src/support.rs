//! Helpers only the generated resource modules call.
//!
//! Which of them a build uses depends on the resources its features enable, so an unused one
//! is no mistake.
#![allow(dead_code)]

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeOwned, Error as _, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::error::{marked, nested};

/// Deserializes a string enum that also keeps values it does not know: `known` maps a
/// wire value to its variant, `other` wraps anything else.
///
/// A known value is matched without allocating; only an unknown one is copied.
pub(crate) fn deserialize_enum<'de, D, E>(
    deserializer: D,
    known: fn(&str) -> Option<E>,
    other: fn(String) -> E,
) -> Result<E, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_str(EnumVisitor { known, other })
}

struct EnumVisitor<E> {
    known: fn(&str) -> Option<E>,
    other: fn(String) -> E,
}

impl<E> Visitor<'_> for EnumVisitor<E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<Er: serde::de::Error>(self, value: &str) -> Result<E, Er> {
        Ok((self.known)(value).unwrap_or_else(|| (self.other)(value.to_string())))
    }

    fn visit_string<Er: serde::de::Error>(self, value: String) -> Result<E, Er> {
        Ok(match (self.known)(&value) {
            Some(variant) => variant,
            None => (self.other)(value),
        })
    }
}

/// Reads a resource of a polymorphic relationship far enough to know its type: the type and
/// the resource's text, for [`decode_variant`].
///
/// The resource is kept as its JSON text (not decoded into a `Value`), so that the variant
/// decodes it from text, and an error inside it is located there (see [`decode_variant`]).
pub(crate) fn tagged<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<(String, Box<RawValue>), D::Error> {
    #[derive(Deserialize)]
    struct TypeOf<'a> {
        #[serde(rename = "type", borrow)]
        type_: Option<Cow<'a, str>>,
    }
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    let type_ = match serde_json::from_str::<TypeOf<'_>>(raw.get()) {
        Ok(TypeOf { type_: Some(type_) }) => type_.into_owned(),
        Ok(TypeOf { type_: None }) => {
            return Err(D::Error::custom(marked("", "missing field `type`")));
        }
        Err(error) => return Err(D::Error::custom(nested(raw.get(), &error))),
    };
    Ok((type_, raw))
}

/// Decodes a resource read by [`tagged`] as the variant its type names. An error carries its
/// path within the resource, which the document's decoder appends to the resource's own
/// (`data.attributes.created_at`, `included[3].attributes.created_at`).
// It takes what `tagged` gave, as the generated code hands it on.
#[allow(clippy::boxed_local)]
pub(crate) fn decode_variant<T: DeserializeOwned, E: serde::de::Error>(
    raw: Box<RawValue>,
) -> Result<T, E> {
    serde_json::from_str(raw.get()).map_err(|error| E::custom(nested(raw.get(), &error)))
}

/// The attributes of a request that fires a trigger: `{"_place": true}`.
pub(crate) struct Trigger(pub(crate) &'static str);

impl Serialize for Trigger {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.0, &true)?;
        map.end()
    }
}
