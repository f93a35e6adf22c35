//! The resource spec format: a serde mirror of one `spec/*.yaml` file, and its loading.
//!
//! `spec/README.md` documents the format for people; this module is its definition.
//! Loading reads the YAML twice: once with an event parser that records where every key
//! and value sits (and catches, with their place, malformed YAML, duplicate keys, a second
//! document, anchors and aliases, and nesting deeper than [`MAX_DEPTH`]), and once with
//! serde into the types below, which reject unknown keys and wrong types. Later checks look
//! their line and column up in the recorded [`Locations`]. A file must be UTF-8 (a leading
//! byte order mark is ignored) and at most [`MAX_FILE_BYTES`] long.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use saphyr_parser::{Event, Parser, ScanError};
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

/// The deepest nesting a spec may use: a mapping or sequence inside at most 63 others.
///
/// Real specs nest 10 levels at most (an object `example` inside an attribute inside
/// `attributes`); the limit keeps a hostile file from costing memory or stack in the loader,
/// and stays under `serde_yaml`'s own recursion limit (128), so its deserializer never sees
/// deeper input.
pub const MAX_DEPTH: usize = 64;

/// The largest spec file [`load_dir`] reads, in bytes (8 MiB; the largest real spec is
/// under 64 KiB). A larger file is a spec error, read no further than the limit.
pub const MAX_FILE_BYTES: u64 = 8 << 20;

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
///
/// A tree that mirrors the document: each node holds its own key once, so the size is linear
/// in the text however deep it nests. It is looked up by dotted path (`attributes.name.type`,
/// `actions.1`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locations {
    /// The document's nodes; the root, when there is one, first.
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    entry: LocationEntry,
    children: Children,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Children {
    /// A scalar.
    None,
    /// A mapping: node index by key.
    Map(HashMap<String, usize>),
    /// A sequence: node index by position.
    Seq(Vec<usize>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LocationEntry {
    /// Where the key naming this value starts (absent for sequence items and the root).
    key: Option<(usize, usize)>,
    /// Where the value starts.
    value: (usize, usize),
}

impl Locations {
    /// The entry at `path`, or at its nearest recorded parent; `None` for an empty document.
    ///
    /// A key may itself hold dots (`a.b`): at each mapping the longest key that matches a
    /// dot-separated prefix of what is left of the path wins.
    fn entry(&self, path: &str) -> Option<&LocationEntry> {
        let mut node = self.nodes.first()?;
        let mut rest = path;
        while !rest.is_empty() {
            let next = match &node.children {
                Children::None => None,
                Children::Seq(items) => {
                    let (segment, after) = rest.split_once('.').unwrap_or((rest, ""));
                    segment
                        .parse::<usize>()
                        .ok()
                        .and_then(|index| items.get(index))
                        .map(|&child| (child, after))
                }
                Children::Map(keys) => {
                    // Candidate keys: the whole rest, then each shorter dot-separated prefix.
                    let ends = std::iter::once(rest.len())
                        .chain(rest.match_indices('.').map(|(at, _)| at).rev());
                    ends.into_iter().find_map(|end| {
                        keys.get(&rest[..end])
                            .map(|&child| (child, rest.get(end + 1..).unwrap_or("")))
                    })
                }
            };
            match next {
                Some((child, after)) => {
                    node = &self.nodes[child];
                    rest = after;
                }
                None => break,
            }
        }
        Some(&node.entry)
    }

    fn find(
        &self,
        file: &Path,
        path: &str,
        pick: impl Fn(&LocationEntry) -> (usize, usize),
    ) -> Location {
        match self.entry(path) {
            Some(entry) => {
                let (line, column) = pick(entry);
                Location::at(file, line, column)
            }
            None => Location::file(file),
        }
    }
}

/// Reads and parses every `*.yaml` file in `dir`, sorted by file name.
///
/// Every file is read even when an earlier one fails, so one run reports every broken file.
/// An entry named `*.yaml` that is not a regular file (a folder, a device, a pipe; symbolic
/// links are followed) is a spec error naming it rather than skipped: a spec that was meant
/// to be there would otherwise vanish from the output without a word. So is a file larger
/// than [`MAX_FILE_BYTES`].
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
        let parsed = match read_spec(&path)? {
            Ok(bytes) => parse_bytes(&path, &bytes),
            Err(error) => Err(error),
        };
        match parsed {
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

/// The bytes of the spec file at `path`; a spec error when it is not a regular file or is
/// too large, an I/O error when it cannot be read.
fn read_spec(path: &Path) -> Result<Result<Vec<u8>, SpecError>> {
    use std::io::Read;

    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(io)?;
    if metadata.is_dir() {
        return Ok(Err(SpecError::new(
            Location::file(path),
            "a folder, not a spec file: a spec is a `.yaml` file (rename or move the folder)",
        )));
    }
    if !metadata.is_file() {
        return Ok(Err(SpecError::new(
            Location::file(path),
            "not a regular file: a spec is a `.yaml` file",
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Ok(Err(SpecError::new(
            Location::file(path),
            format!("larger than {MAX_FILE_BYTES} bytes, the most a spec file may hold"),
        )));
    }
    Ok(Ok(bytes))
}

/// Parses one spec from the bytes of its file: UTF-8, with or without a byte order mark.
/// `path` is used for error messages and must end in `{type}.yaml`.
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Result<SpecFile, SpecError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|error| {
        // Locate the first bad byte as an editor would: lines and characters before it.
        let good = &bytes[..error.valid_up_to()];
        let line_start = good
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |at| at + 1);
        let line = 1 + good.iter().filter(|&&byte| byte == b'\n').count();
        let column = 1 + String::from_utf8_lossy(&good[line_start..]).chars().count();
        let what = match error.error_len() {
            Some(_) => format!("byte 0x{:02x}", bytes[error.valid_up_to()]),
            None => "a character cut short by the end of the file".to_string(),
        };
        SpecError::new(
            Location::at(path, line, column),
            format!("not UTF-8 ({what}): a spec must be UTF-8 text"),
        )
    })?;
    parse(path, text)
}

/// Parses one spec from its text; `path` is used for error messages and must end in
/// `{type}.yaml`. A leading byte order mark is ignored.
pub fn parse(path: &Path, text: &str) -> Result<SpecFile, SpecError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let locations = scan(path, text)?;
    let spec = serde_yaml::from_str::<ResourceSpec>(text).map_err(|error| {
        let location = match error.location() {
            Some(at) => Location::at(path, at.line(), at.column()),
            // The scan has caught what serde_yaml reports without a place (several
            // documents, aliases, nesting); should anything else come, point at the document.
            None => match locations.entry("") {
                Some(root) => Location::at(path, root.value.0, root.value.1),
                None => Location::at(path, 1, 1),
            },
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

/// An open mapping or sequence during [`scan`], by its index in the nodes.
enum Frame {
    Map {
        node: usize,
        /// The key read, waiting for its value.
        pending: Option<(String, (usize, usize))>,
    },
    Seq {
        node: usize,
    },
}

impl Frame {
    fn node(&self) -> usize {
        match self {
            Frame::Map { node, .. } | Frame::Seq { node } => *node,
        }
    }
}

/// Walks the YAML events once, recording where each key and value sits, and rejecting what
/// the serde pass would choke on or report without a place: malformed YAML, duplicate keys,
/// non-string keys, a second document, anchors and aliases, nesting deeper than
/// [`MAX_DEPTH`].
///
/// Time and memory are linear in the text: each key is stored once, in its node.
fn scan(path: &Path, text: &str) -> Result<Locations, SpecError> {
    let error = |(line, column): (usize, usize), message: String| {
        SpecError::new(Location::at(path, line, column), message)
    };
    let scan_error = |error: ScanError| {
        let marker = error.marker();
        let message = if error.info() == "recursion limit exceeded" {
            // The scanner reads flow collections (`[[[`) ahead of the parser, and stops at
            // 255 levels: this is the depth check, met before the parser reaches level 65.
            too_deep()
        } else {
            format!("malformed YAML: {}", error.info())
        };
        SpecError::new(Location::at(path, marker.line(), marker.col() + 1), message)
    };

    let mut nodes: Vec<Node> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(scan_error)?;
        let at = (span.start.line(), span.start.col() + 1);
        match &event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(error(
                        at,
                        "a second YAML document starts here: a spec file holds one".to_string(),
                    ));
                }
                continue;
            }
            // Aliases let a few lines expand into gigabytes (and serde_yaml reports the
            // bomb without a place): a spec has no use for them.
            Event::Alias(..) => {
                return Err(error(
                    at,
                    "YAML aliases (`*name`) are not supported in a spec".to_string(),
                ));
            }
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(anchor, _)
            | Event::MappingStart(anchor, _)
                if *anchor != 0 =>
            {
                return Err(error(
                    at,
                    "YAML anchors (`&name`) are not supported in a spec".to_string(),
                ));
            }
            _ => {}
        }
        // Is this event a mapping key? Then check it and wait for the value.
        match stack.last_mut() {
            Some(Frame::Map {
                node,
                pending: pending @ None,
            }) => match event {
                Event::Scalar(key, ..) => {
                    let duplicate = matches!(
                        &nodes[*node].children,
                        Children::Map(keys) if keys.contains_key(key.as_ref())
                    );
                    if duplicate {
                        let what = match mapping_path(&nodes, &stack).as_str() {
                            "attributes" => format!("duplicate attribute `{key}`"),
                            "relationships" => format!("duplicate relationship `{key}`"),
                            "" => format!("duplicate key `{key}`"),
                            parent => format!("duplicate key `{key}` in `{parent}`"),
                        };
                        return Err(error(at, what));
                    }
                    *pending = Some((key.into_owned(), at));
                    continue;
                }
                Event::MappingEnd => {
                    stack.pop();
                    continue;
                }
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    return Err(error(
                        at,
                        "a mapping key must be a plain string".to_string(),
                    ));
                }
                _ => continue,
            },
            Some(Frame::Seq { .. }) if matches!(event, Event::SequenceEnd) => {
                stack.pop();
                continue;
            }
            _ => {}
        }
        // Otherwise it is a value: record it under its parent.
        let children = match event {
            Event::Scalar(..) => Children::None,
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(at, too_deep()));
                }
                if matches!(event, Event::SequenceStart(..)) {
                    Children::Seq(Vec::new())
                } else {
                    Children::Map(HashMap::new())
                }
            }
            _ => continue,
        };
        let index = nodes.len();
        let mut key_at = None;
        match stack.last_mut() {
            Some(Frame::Map { node, pending }) => {
                if let Some((key, at)) = pending.take() {
                    key_at = Some(at);
                    if let Children::Map(keys) = &mut nodes[*node].children {
                        keys.insert(key, index);
                    }
                }
            }
            Some(Frame::Seq { node }) => {
                if let Children::Seq(items) = &mut nodes[*node].children {
                    items.push(index);
                }
            }
            None => {}
        }
        let frame = match children {
            Children::None => None,
            Children::Map(_) => Some(Frame::Map {
                node: index,
                pending: None,
            }),
            Children::Seq(_) => Some(Frame::Seq { node: index }),
        };
        nodes.push(Node {
            entry: LocationEntry {
                key: key_at,
                value: at,
            },
            children,
        });
        stack.extend(frame);
    }
    Ok(Locations { nodes })
}

fn too_deep() -> String {
    format!("nested deeper than {MAX_DEPTH} levels, the most a spec may nest")
}

/// The dotted path of the innermost open mapping, for messages: the names linking the open
/// frames (at most [`MAX_DEPTH`] of them), found by scanning each parent once.
fn mapping_path(nodes: &[Node], stack: &[Frame]) -> String {
    let mut parts = Vec::new();
    for pair in stack.windows(2) {
        let (parent, child) = (pair[0].node(), pair[1].node());
        let name = match &nodes[parent].children {
            Children::Map(keys) => keys
                .iter()
                .find(|&(_, &index)| index == child)
                .map(|(name, _)| name.clone()),
            Children::Seq(items) => items
                .iter()
                .position(|&index| index == child)
                .map(|at| at.to_string()),
            Children::None => None,
        };
        parts.extend(name);
    }
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keys_and_values() {
        let text =
            "type: things\nattributes:\n  name:\n    type: string\nactions: [list, create]\n";
        let locations = scan(Path::new("t.yaml"), text).unwrap();
        let entry = |p: &str| *locations.entry(p).unwrap();
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
