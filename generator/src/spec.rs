//! The resource spec format: a serde mirror of one `spec/*.yaml` file, and its loading.
//!
//! `spec/README.md` documents the format for people; this module is its definition.
//! Loading reads the YAML twice: once with an event parser that records where every key
//! and value sits (and catches malformed YAML and duplicate keys), and once with serde
//! into the types below, which reject unknown keys and wrong types. Later checks look
//! their line and column up in the recorded [`Locations`].

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use saphyr_parser::{Event, Parser, ScanError, Span};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result, SpecError};

/// One resource, as a spec file describes it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSpec {
    /// The JSON:API type: plural, snake_case, as on the wire and in URLs (`customer_groups`).
    #[serde(rename = "type")]
    pub type_name: String,
    /// The singular name (`customer_group`); the Rust type is its UpperCamelCase form.
    pub singular: String,
    /// What the resource is, in prose. Becomes documentation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// A singleton is retrieved without an id (`GET /organization`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub singleton: bool,
    /// The resource is deprecated by the API.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// The operations the API supports on this resource.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionSpec>,
    /// Attributes by wire name, in the order they are documented.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub attributes: IndexMap<String, AttributeSpec>,
    /// Relationships by wire name, in the order they are documented.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub relationships: IndexMap<String, RelationshipSpec>,
}

/// An operation on a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionSpec {
    /// `GET /{type}`
    List,
    /// `GET /{type}/{id}`, or `GET /{type}` for a singleton
    Retrieve,
    /// `POST /{type}`
    Create,
    /// `PATCH /{type}/{id}`
    Update,
    /// `DELETE /{type}/{id}`
    Delete,
}

impl ActionSpec {
    /// The name as written in a spec.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionSpec::List => "list",
            ActionSpec::Retrieve => "retrieve",
            ActionSpec::Create => "create",
            ActionSpec::Update => "update",
            ActionSpec::Delete => "delete",
        }
    }
}

/// The type of an attribute's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeSpec {
    /// A JSON string.
    String,
    /// A JSON integer (`i64`).
    Integer,
    /// A JSON number (`f64`).
    Float,
    /// `true` or `false`.
    Boolean,
    /// An RFC 3339 timestamp in a JSON string.
    Datetime,
    /// A free-form JSON object.
    Object,
    /// A JSON array; `items` names the element type.
    Array,
    /// One of the strings listed in `values`.
    Enum,
    /// Any JSON value: for an attribute the API documents with two shapes (an object in one
    /// place, an array in another), so that decoding accepts either.
    Json,
}

/// One attribute of a resource.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeSpec {
    /// The value's type.
    #[serde(rename = "type")]
    pub type_: TypeSpec,
    /// The element type, for `type: array` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<TypeSpec>,
    /// The allowed strings, for `type: enum` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    /// What the attribute means. Becomes documentation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// An example value, any YAML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
    /// Must be given when creating the resource.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// May be given when creating the resource.
    #[serde(default, skip_serializing_if = "is_false")]
    pub creatable: bool,
    /// May be changed by an update.
    #[serde(default, skip_serializing_if = "is_false")]
    pub updatable: bool,
    /// May be `null`, and may be cleared by an update.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// May be used in `filter[q]` predicates.
    #[serde(default, skip_serializing_if = "is_false")]
    pub filterable: bool,
    /// May be used in `sort`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sortable: bool,
    /// Set by the API only: neither creatable nor updatable.
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    /// Returned in responses (`false` for write-only attributes such as triggers and secrets).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub fetchable: bool,
    /// A write-only `_name` attribute that makes the API do something (`_place: true`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub trigger: bool,
    /// A secret (a password, an API key, a shared secret): kept in a type that `Debug` does not
    /// show. Strings only.
    #[serde(default, skip_serializing_if = "is_false")]
    pub confidential: bool,
    /// The attribute is deprecated by the API.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
}

/// One relationship of a resource.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RelationshipSpec {
    /// `one` (has one, belongs to) or `many` (has many).
    pub cardinality: String,
    /// The related resource's type, when there is exactly one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The possible related types, for a polymorphic relationship.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<String>>,
    /// What the relationship means. Becomes documentation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// May be linked when creating the resource.
    #[serde(default, skip_serializing_if = "is_false")]
    pub creatable: bool,
    /// May be relinked (or, for `one`, cleared) by an update.
    #[serde(default, skip_serializing_if = "is_false")]
    pub updatable: bool,
    /// Must be linked when creating the resource.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// May be named in `include`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub includable: bool,
    /// May be used in `filter[q]` predicates.
    #[serde(default, skip_serializing_if = "is_false")]
    pub filterable: bool,
    /// Has its own endpoint, `GET /{type}/{id}/{relationship}`.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub fetchable: bool,
    /// The relationship is deprecated by the API.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// A spec file as loaded: its path, its parsed contents, and where each key sits.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// The path as the caller gave it; error messages use it as is.
    pub path: PathBuf,
    /// The parsed spec.
    pub spec: ResourceSpec,
    /// Line and column of every key and value, by dotted path.
    pub locations: Locations,
}

impl SpecFile {
    /// The location of the value at `path` (such as `attributes.name.type`), falling back to
    /// its nearest recorded parent, then to the file.
    pub fn value_location(&self, path: &str) -> Location {
        self.locations.find(&self.path, path, |entry| entry.value)
    }

    /// The location of the key at `path` (such as `attributes.name`), falling back like
    /// [`SpecFile::value_location`].
    pub fn key_location(&self, path: &str) -> Location {
        self.locations
            .find(&self.path, path, |entry| entry.key.unwrap_or(entry.value))
    }
}

/// Line and column of every mapping key and every value in a YAML document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locations {
    entries: BTreeMap<String, LocationEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LocationEntry {
    /// Where the key naming this value starts (absent for sequence items and the root).
    key: Option<(usize, usize)>,
    /// Where the value starts.
    value: (usize, usize),
}

impl Locations {
    fn find(
        &self,
        file: &Path,
        path: &str,
        pick: impl Fn(&LocationEntry) -> (usize, usize),
    ) -> Location {
        let mut path = path;
        loop {
            if let Some(entry) = self.entries.get(path) {
                let (line, column) = pick(entry);
                return Location::at(file, line, column);
            }
            match path.rfind('.') {
                Some(dot) => path = &path[..dot],
                None if !path.is_empty() => path = "",
                None => return Location::file(file),
            }
        }
    }
}

/// Reads and parses every `*.yaml` file in `dir`, sorted by file name.
///
/// Every file is read even when an earlier one fails, so one run reports every broken file.
pub fn load_dir(dir: &Path) -> Result<Vec<SpecFile>> {
    let mut paths = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "yaml") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        match parse(&path, &text) {
            Ok(file) => files.push(file),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(Error::Spec(errors))
    }
}

/// Parses one spec from its text; `path` is used for error messages and must end in
/// `{type}.yaml`.
pub fn parse(path: &Path, text: &str) -> Result<SpecFile, SpecError> {
    let locations = scan(path, text)?;
    let spec = serde_yaml::from_str::<ResourceSpec>(text).map_err(|error| {
        let location = match error.location() {
            Some(at) => Location::at(path, at.line(), at.column()),
            None => Location::file(path),
        };
        SpecError::new(location, serde_message(&error))
    })?;
    Ok(SpecFile {
        path: path.to_path_buf(),
        spec,
        locations,
    })
}

/// serde_yaml's message without the location it appends (the location leads our line).
fn serde_message(error: &serde_yaml::Error) -> String {
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => &message,
    };
    // A path prefix such as `attributes.name: ` is kept: it says where in the document.
    // Rust type names mean nothing to a spec's author.
    message
        .replace(
            "expected struct ResourceSpec",
            "expected a mapping with `type`, `singular`, `actions`, `attributes`, `relationships`",
        )
        .replace(
            "expected struct AttributeSpec",
            "expected a mapping with `type` and flags",
        )
        .replace(
            "expected struct RelationshipSpec",
            "expected a mapping with `cardinality` and `target`",
        )
}

/// Walks the YAML events once, recording where each key and value sits and rejecting
/// malformed YAML and duplicate keys.
fn scan(path: &Path, text: &str) -> Result<Locations, SpecError> {
    enum Frame {
        Map {
            path: String,
            keys: HashSet<String>,
            /// The key read, waiting for its value.
            pending: Option<(String, (usize, usize))>,
        },
        Seq {
            path: String,
            index: usize,
        },
    }

    fn child(parent: &str, name: &str) -> String {
        if parent.is_empty() {
            name.to_string()
        } else {
            format!("{parent}.{name}")
        }
    }

    let located = |span: Span| (span.start.line(), span.start.col() + 1);
    let scan_error = |error: ScanError| {
        let marker = error.marker();
        SpecError::new(
            Location::at(path, marker.line(), marker.col() + 1),
            format!("malformed YAML: {}", error.info()),
        )
    };

    let mut locations = Locations::default();
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(scan_error)?;
        let at = located(span);
        // Is this event a mapping key? Then record it and wait for the value.
        if let Some(Frame::Map {
            path: map_path,
            keys,
            pending: pending @ None,
        }) = stack.last_mut()
        {
            match &event {
                Event::Scalar(key, ..) => {
                    if !keys.insert(key.to_string()) {
                        let what = match map_path.as_str() {
                            "attributes" => format!("duplicate attribute `{key}`"),
                            "relationships" => format!("duplicate relationship `{key}`"),
                            "" => format!("duplicate key `{key}`"),
                            parent => format!("duplicate key `{key}` in `{parent}`"),
                        };
                        return Err(SpecError::new(Location::at(path, at.0, at.1), what));
                    }
                    *pending = Some((key.to_string(), at));
                    continue;
                }
                Event::MappingEnd => {
                    stack.pop();
                    continue;
                }
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    return Err(SpecError::new(
                        Location::at(path, at.0, at.1),
                        "a mapping key must be a plain string",
                    ));
                }
                _ => {}
            }
        }
        // Otherwise it is a value (or the end of a sequence): name its path.
        let (value_path, key) = match stack.last_mut() {
            Some(Frame::Map {
                path: map_path,
                pending,
                ..
            }) => match pending.take() {
                Some((key, key_at)) => (child(map_path, &key), Some(key_at)),
                None => (map_path.clone(), None),
            },
            Some(Frame::Seq {
                path: seq_path,
                index,
            }) => {
                if matches!(event, Event::SequenceEnd) {
                    stack.pop();
                    continue;
                }
                let item = child(seq_path, &index.to_string());
                *index += 1;
                (item, None)
            }
            None => (String::new(), None),
        };
        match event {
            Event::Scalar(..) | Event::Alias(..) => {}
            Event::MappingStart(..) => stack.push(Frame::Map {
                path: value_path.clone(),
                keys: HashSet::new(),
                pending: None,
            }),
            Event::SequenceStart(..) => stack.push(Frame::Seq {
                path: value_path.clone(),
                index: 0,
            }),
            _ => continue,
        }
        locations
            .entries
            .entry(value_path)
            .or_insert(LocationEntry { key, value: at });
    }
    Ok(locations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keys_and_values() {
        let text =
            "type: things\nattributes:\n  name:\n    type: string\nactions: [list, create]\n";
        let locations = scan(Path::new("t.yaml"), text).unwrap();
        let entry = |p: &str| locations.entries[p];
        assert_eq!(entry("type").key, Some((1, 1)));
        assert_eq!(entry("type").value, (1, 7));
        assert_eq!(entry("attributes.name").key, Some((3, 3)));
        assert_eq!(entry("attributes.name.type").value, (4, 11));
        assert_eq!(entry("actions.1").value, (5, 17));
    }

    #[test]
    fn falls_back_to_the_nearest_parent() {
        let file = parse(
            Path::new("things.yaml"),
            "type: things\nsingular: thing\nattributes:\n  name:\n    type: string\n",
        )
        .unwrap();
        assert_eq!(
            file.value_location("attributes.name.values").to_string(),
            "things.yaml:5:5"
        );
        assert_eq!(
            file.key_location("attributes.name").to_string(),
            "things.yaml:4:3"
        );
        assert_eq!(file.key_location("nowhere").to_string(), "things.yaml:1:1");
    }

    #[test]
    fn rejects_duplicate_keys_anywhere() {
        let error = parse(
            Path::new("x.yaml"),
            "type: x\nattributes:\n  a:\n    type: string\n    type: integer\n",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "x.yaml:5:5: duplicate key `type` in `attributes.a`"
        );
    }
}
