//! What a create or update body takes for an attribute of type `object`, such as `metadata`:
//! a `serde_json::Map`, or the `serde_json::Value` that `json!({...})` builds.

use serde_json::{Map, Value};

/// A JSON object for an attribute of type `object` (such as `metadata`): a [`Map`], or the
/// [`Value`] that [`json!`](serde_json::json) builds.
///
/// ```no_run
/// # #[cfg(feature = "customer_groups")]
/// # fn main() {
/// use commercelayer::customer_groups::CustomerGroupCreate;
/// use serde_json::json;
///
/// let body = CustomerGroupCreate::new("VIP").metadata(json!({ "tier": 1 }));
/// # }
/// # #[cfg(not(feature = "customer_groups"))]
/// # fn main() {}
/// ```
///
/// The value is sent as given: the API answers `422 Unprocessable Entity` to one that is not
/// an object.
pub trait IntoObject: sealed::Sealed {
    /// The object, as the JSON value a body sends.
    fn into_object(self) -> Value;
}

impl IntoObject for Map<String, Value> {
    fn into_object(self) -> Value {
        Value::Object(self)
    }
}

impl IntoObject for Value {
    fn into_object(self) -> Value {
        self
    }
}

mod sealed {
    /// Only the types this crate names may be objects.
    pub trait Sealed {}

    impl Sealed for serde_json::Map<String, serde_json::Value> {}

    impl Sealed for serde_json::Value {}
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use crate::test_fixtures::all_types::{AllTypeCreate, AllTypeUpdate};

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    /// A body takes what a user holds for an object: the `Value` of `json!({...})`, or a
    /// `Map`; both send the same JSON.
    #[test]
    fn bodies_take_the_value_of_json_or_a_map() {
        let from_values =
            AllTypeCreate::new("hello", 3, json!({ "mode": "fast" })).settings(json!({ "a": 1 }));
        let from_maps = AllTypeCreate::new("hello", 3, object(json!({ "mode": "fast" })))
            .settings(object(json!({ "a": 1 })));
        let sent = serde_json::to_value(&from_values).unwrap();
        assert_eq!(sent, serde_json::to_value(&from_maps).unwrap());
        assert_eq!(sent["config"], json!({ "mode": "fast" }));
        assert_eq!(sent["settings"], json!({ "a": 1 }));

        let update = AllTypeUpdate::new().settings(json!({ "b": [true] }));
        let sent = serde_json::to_value(&update).unwrap();
        assert_eq!(sent, json!({ "settings": { "b": [true] } }));
    }

    /// A value that is not an object is sent as given, for the API to refuse: nothing is
    /// dropped or rewritten on the way.
    #[test]
    fn other_values_are_sent_as_given() {
        let update = AllTypeUpdate::new().settings(json!([1, 2]));
        let sent = serde_json::to_value(&update).unwrap();
        assert_eq!(sent, json!({ "settings": [1, 2] }));
    }
}
