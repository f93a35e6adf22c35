//! Helpers only the generated resource modules call.
//!
//! Which of them a build uses depends on the resources its features enable, so an unused one
//! is no mistake.
#![allow(dead_code)]

use std::fmt;

use serde::de::{DeserializeOwned, Error as _, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

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
/// the whole resource, for [`decode_variant`].
pub(crate) fn tagged<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<(String, Value), D::Error> {
    let value = Value::deserialize(deserializer)?;
    let type_ = value
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| D::Error::missing_field("type"))?
        .to_string();
    Ok((type_, value))
}

/// Decodes a resource read by [`tagged`] as the variant its type names.
pub(crate) fn decode_variant<T: DeserializeOwned, E: serde::de::Error>(
    value: Value,
) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
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
