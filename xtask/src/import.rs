//! `cargo xtask import [--from PATH]`: the vendor's resource catalogue (`resources.json`) ->
//! one spec per resource in `spec/`.
//!
//! The catalogue the specs come from is committed as [`CATALOGUE`] (see
//! `xtask/catalogue/README.md` for where it comes from and how to update it), so a clone
//! imports, and checks its specs, with nothing beside it.
//!
//! Every key of the catalogue is either mapped or deliberately ignored (with the reason next
//! to it); anything else is an error naming the resource and the field, so a new kind of data
//! is never dropped silently. Corrections the catalogue lacks live in `xtask/overlay.yaml`,
//! applied on top of each imported spec, so a re-import never loses them.

use std::fs;
use std::path::{Path, PathBuf};

use generator::naming::snake_case;
use generator::spec::{ActionSpec, AttributeSpec, RelationshipSpec, ResourceSpec, TypeSpec};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::codegen::{ensure_files, path_value, root};

/// The vendor catalogue the committed specs are imported from, relative to the workspace
/// root: the default of `--from`. Its name carries the API version it describes.
pub const CATALOGUE: &str = "xtask/catalogue/resources-7.9.16.json";

/// The header of every imported spec.
const HEADER: &str = "\
# Imported by `cargo xtask import` from the Commerce Layer resource catalogue
# (resources.json), with the corrections of xtask/overlay.yaml. Do not edit by hand:
# change the overlay (or the importer) and import again. Format: spec/README.md.
";

/// Resource keys: mapped, or ignored and why.
const RESOURCE_KEYS: &[(&str, Option<&str>)] = &[
    ("fields", None),
    ("relationships", None),
    ("singleton", None),
    ("deprecated", None),
    ("hidden", None),
    ("actions", None),
    ("addon", None),
    (
        "examples",
        Some("samples of trigger use, not part of the resource's shape"),
    ),
    (
        "filter_scopes",
        Some("named scopes, reachable with `filter_raw`"),
    ),
    (
        "filters",
        Some("the filterable fields say the same; the rest is reachable with `filter_raw`"),
    ),
];

/// Field keys: mapped, or ignored and why.
const FIELD_KEYS: &[(&str, Option<&str>)] = &[
    ("type", None),
    ("desc", None),
    ("required", None),
    ("creatable", None),
    ("updatable", None),
    ("fetchable", None),
    ("filterable", None),
    ("sortable", None),
    ("example", None),
    ("enum", None),
    ("default", None),
    ("deprecated", None),
    ("trigger", None),
    (
        "format",
        Some("only `id` has one, and the id is not an attribute"),
    ),
    ("monetizable", Some("server-side formatting of amounts")),
    ("prohibited", Some("server-side permission detail")),
    ("exportable", Some("concerns exports, not this API")),
    ("delegate", Some("server-side implementation detail")),
    ("transient", Some("server-side implementation detail")),
    ("aasm", Some("server-side state machine detail")),
    ("confidential", None),
    ("visibility", Some("documentation hint for examples")),
    ("idempotent", Some("server-side retry detail")),
    (
        "properties",
        Some("sub-fields of an object, which stays a free-form map"),
    ),
    (
        "filter_operators",
        Some("predicates, reachable with `FilterField::predicate`"),
    ),
    ("addon", Some("a paid add-on the field depends on")),
    (
        "actions",
        Some("repeats creatable, updatable and fetchable"),
    ),
];

/// Relationship keys: mapped, or ignored and why.
const RELATIONSHIP_KEYS: &[(&str, Option<&str>)] = &[
    ("type", None),
    ("desc", None),
    ("class_name", None),
    ("creatable", None),
    ("updatable", None),
    ("required", None),
    ("includable", None),
    ("filterable", None),
    ("polymorphic", None),
    ("enum", None),
    ("deprecated", None),
    ("fetchable", None),
    (
        "virtual",
        Some("computed server-side; `includable` says what it allows"),
    ),
    (
        "parent_resource",
        Some("the server's class name for the owner"),
    ),
    ("sortable", Some("the API sorts by attributes only")),
    ("exportable", Some("concerns exports, not this API")),
    ("eager_load_on_include", Some("server-side loading detail")),
    ("prohibited", Some("server-side permission detail")),
    (
        "sti",
        Some("server-side inheritance detail; the enum lists the types"),
    ),
    (
        "abstract",
        Some("server-side inheritance detail; the enum lists the types"),
    ),
    ("exclude_links", Some("server-side serialization detail")),
    ("through", Some("server-side join detail")),
    ("foreign_key", Some("server-side column name")),
    ("relation_name", Some("server-side association name")),
];

/// Parses the arguments of `cargo xtask import` and runs it.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut from = catalogue_path();
    let mut out = root().join("spec");
    let mut check = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--from" | "--out" => {
                let path = path_value(arg, args.next())?;
                if arg == "--from" {
                    from = path;
                } else {
                    out = path;
                }
            }
            other => return Err(format!("unknown option `{other}` for import")),
        }
    }
    import(&from, &root().join("xtask/overlay.yaml"), &out, check)
}

/// Imports `catalogue` with `overlay` into `out`; in check mode, only compares.
pub fn import(catalogue: &Path, overlay: &Path, out: &Path, check: bool) -> Result<(), String> {
    let read = |path: &Path| {
        fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
    };
    let specs = convert(&read(catalogue)?, &read(overlay)?)
        .map_err(|e| format!("{}: {e}", catalogue.display()))?;
    let files: Vec<generator::GeneratedFile> = specs
        .into_iter()
        .map(|(type_name, yaml)| generator::GeneratedFile {
            name: format!("{type_name}.yaml"),
            source: String::new(),
            contents: yaml,
        })
        .collect();
    let report = ensure_files(out, &files, check, |text| text.starts_with(HEADER))?;
    if check && !report.is_empty() {
        return Err(format!(
            "the specs in {} are not what the catalogue and overlay give:\n{}\nrun `cargo xtask import` and commit the result",
            out.display(),
            report.join("\n")
        ));
    }
    if !check {
        for line in &report {
            println!("{line}");
        }
        println!("{} specs imported into {}", files.len(), out.display());
    }
    Ok(())
}

/// One catalogue entry. Fields and relationships keep the catalogue's order (a JSON object
/// read into a `Map` would not).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    #[serde(rename = "type")]
    _kind: String,
    attributes: EntryAttributes,
}

#[derive(Deserialize)]
struct EntryAttributes {
    fields: IndexMap<String, Map<String, Value>>,
    relationships: IndexMap<String, Map<String, Value>>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

/// The catalogue and overlay texts -> `(type, spec YAML)` for every resource that is not
/// hidden, sorted by type.
pub fn convert(catalogue: &str, overlay: &str) -> Result<Vec<(String, String)>, String> {
    let entries = entries(catalogue)?;
    let mut overlay: IndexMap<String, serde_yaml::Value> =
        serde_yaml::from_str(overlay).map_err(|e| format!("xtask/overlay.yaml: {e}"))?;

    // Singular id -> plural type, for every resource (hidden ones too: others point at them).
    let plurals: IndexMap<String, String> = entries
        .iter()
        .map(|entry| (entry.id.clone(), pluralize(&entry.id)))
        .collect();

    let mut specs = Vec::new();
    let mut unresolved = Vec::new();
    for entry in &entries {
        let id = entry.id.as_str();
        let here = format!("resource `{id}`");
        check_keys(&entry.attributes.rest, RESOURCE_KEYS, &here)?;
        if flag(&entry.attributes.rest, "hidden", &here)? {
            continue;
        }
        let mut problems = Vec::new();
        let spec = resource(id, &entry.attributes, &plurals, &mut problems)?;
        let mut value = serde_yaml::to_value(&spec).map_err(|e| e.to_string())?;
        if let Some(patch) = overlay.shift_remove(&spec.type_name) {
            merge(&mut value, patch);
        }
        let spec: ResourceSpec = serde_yaml::from_value(value)
            .map_err(|e| format!("xtask/overlay.yaml: `{}`: {e}", spec.type_name))?;
        for (attribute, problem) in problems {
            if spec
                .attributes
                .get(&attribute)
                .is_none_or(|a| a.example.is_none())
            {
                unresolved.push(problem);
            }
        }
        let yaml = serde_yaml::to_string(&spec).map_err(|e| e.to_string())?;
        specs.push((spec.type_name, format!("{HEADER}{yaml}")));
    }
    if !unresolved.is_empty() {
        return Err(unresolved.join("\n"));
    }
    if let Some(unused) = overlay.keys().next() {
        return Err(format!(
            "xtask/overlay.yaml: `{unused}` is not a resource the catalogue has (or it is hidden)"
        ));
    }
    specs.sort();
    Ok(specs)
}

/// The catalogue's entries: the JSON array of resources, either bare (as committed) or as
/// the `data` of the vendor's `/api/public/resources` answer (as downloaded).
fn entries(catalogue: &str) -> Result<Vec<Entry>, String> {
    /// The vendor's answer: the array is its `data`.
    #[derive(Deserialize)]
    struct Answer {
        data: Vec<Entry>,
    }
    let not_a_catalogue = |e: serde_json::Error| {
        format!(
            "not a catalogue (a JSON array of resources, or an object whose `data` is one): {e}"
        )
    };
    // The shape is told by the first character, so that a bad entry is reported with
    // serde's own message and position (and objects are read in order, which going through
    // a `serde_json::Value` would not keep).
    if catalogue.trim_start().starts_with('{') {
        serde_json::from_str::<Answer>(catalogue)
            .map(|answer| answer.data)
            .map_err(not_a_catalogue)
    } else {
        serde_json::from_str(catalogue).map_err(not_a_catalogue)
    }
}

fn resource(
    id: &str,
    entry: &EntryAttributes,
    plurals: &IndexMap<String, String>,
    problems: &mut Vec<(String, String)>,
) -> Result<ResourceSpec, String> {
    let here = format!("resource `{id}`");
    let attributes = &entry.rest;
    let mut actions = Vec::new();
    for action in array(attributes, "actions", &here)? {
        actions.push(match action.as_str() {
            Some("list") => ActionSpec::List,
            Some("retrieve") => ActionSpec::Retrieve,
            Some("create") => ActionSpec::Create,
            Some("update") => ActionSpec::Update,
            Some("delete") => ActionSpec::Delete,
            _ => return Err(format!("{here}: unknown action {action}")),
        });
    }
    let mut description = String::new();
    if flag(attributes, "addon", &here)? {
        description.push_str("Available with a paid add-on.");
    }

    let mut spec_attributes = IndexMap::new();
    for (name, field) in &entry.fields {
        if name == "id" {
            // The id is not an attribute: the generated code makes it filterable and
            // sortable everywhere, which holds only while the catalogue says so.
            if !(flag(field, "filterable", name)? && flag(field, "sortable", name)?) {
                return Err(format!("{here}, field `id`: not filterable and sortable"));
            }
            continue;
        }
        spec_attributes.insert(name.clone(), attribute(&here, name, field, problems)?);
    }

    let mut spec_relationships = IndexMap::new();
    for (name, relationship) in &entry.relationships {
        spec_relationships.insert(
            name.clone(),
            self::relationship(&here, name, relationship, plurals)?,
        );
    }

    Ok(ResourceSpec {
        type_name: plurals[id].clone(),
        singular: id.to_string(),
        description,
        singleton: flag(attributes, "singleton", &here)?,
        deprecated: flag(attributes, "deprecated", &here)?,
        actions,
        attributes: spec_attributes,
        relationships: spec_relationships,
    })
}

/// One attribute. An example that cannot be read as the attribute's type is left out and
/// noted in `problems`: an error, unless the overlay gives the attribute an example.
fn attribute(
    resource: &str,
    name: &str,
    field: &Map<String, Value>,
    problems: &mut Vec<(String, String)>,
) -> Result<AttributeSpec, String> {
    let here = format!("{resource}, field `{name}`");
    check_keys(field, FIELD_KEYS, &here)?;
    let values = match field.get("enum") {
        None => None,
        Some(Value::Array(values)) => Some(
            values
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(format!("{here}: enum value {other} is not a string")),
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(other) => return Err(format!("{here}: `enum` is {other}, not an array")),
    };
    let vendor_type = field
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{here}: no string `type`"))?;
    let (type_, items) = match (vendor_type, &values) {
        ("string", Some(_)) => (TypeSpec::Enum, None),
        (_, Some(_)) => return Err(format!("{here}: an enum of type `{vendor_type}`")),
        ("string", None) => (TypeSpec::String, None),
        ("integer", None) => (TypeSpec::Integer, None),
        ("float", None) => (TypeSpec::Float, None),
        ("boolean", None) => (TypeSpec::Boolean, None),
        ("datetime", None) => (TypeSpec::Datetime, None),
        ("object", None) => (TypeSpec::Object, None),
        ("array", None) => (
            TypeSpec::Array,
            Some(array_items(&here, field.get("example"))?),
        ),
        (other, None) => return Err(format!("{here}: unknown type `{other}`")),
    };

    // `required` is prose: exactly "required" means required on create; anything longer
    // ("required, unless inherited by market") is a condition, documented and not enforced.
    let required_text = match field.get("required") {
        None => None,
        Some(Value::String(text)) => Some(text.as_str()),
        Some(other) => return Err(format!("{here}: `required` is {other}, not a string")),
    };
    let creatable = flag(field, "creatable", &here)?;
    let updatable = flag(field, "updatable", &here)?;
    let fetchable = flag(field, "fetchable", &here)?;
    let trigger = flag(field, "trigger", &here)?;
    let required = required_text == Some("required") && creatable;
    let optional = !required_text.is_some_and(|t| t.starts_with("required"));

    let mut description = text(field, "desc", &here)?;
    if let Some(condition) = required_text.filter(|t| t.contains(',') || t.contains(" if ")) {
        append_sentence(&mut description, &capitalize(condition));
    }
    if let Some(default) = field.get("default") {
        let default = match default {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if !description.contains(&default) || !description.to_lowercase().contains("default") {
            append_sentence(&mut description, &format!("Default: {default}"));
        }
    }

    Ok(AttributeSpec {
        type_,
        items,
        values,
        description,
        example: match field.get("example") {
            None | Some(Value::Null) => None,
            Some(example) => match coerce_example(&here, type_, example) {
                Ok(example) => Some(example),
                Err(problem) => {
                    problems.push((name.to_string(), problem));
                    None
                }
            },
        },
        required,
        creatable,
        updatable,
        nullable: updatable && optional && fetchable,
        filterable: flag(field, "filterable", &here)?,
        sortable: flag(field, "sortable", &here)?,
        read_only: !creatable && !updatable,
        fetchable: fetchable || (!creatable && !updatable),
        trigger,
        confidential: type_ == TypeSpec::String
            && (flag(field, "confidential", &here)? || looks_secret(name)),
        deprecated: flag(field, "deprecated", &here)?,
    })
}

/// The catalogue writes most examples as strings (`"true"`, `"0.22"`, `"{}"`): each becomes a
/// value of its attribute's type, or an error naming the field (the overlay can then give a
/// correct example).
fn coerce_example(here: &str, type_: TypeSpec, example: &Value) -> Result<Value, String> {
    let text = example.as_str().map(str::trim);
    let parsed = match (type_, example, text) {
        (TypeSpec::String | TypeSpec::Enum | TypeSpec::Datetime, Value::String(_), _) => {
            Some(example.clone())
        }
        (TypeSpec::String, Value::Number(n), _) => Some(Value::String(n.to_string())),
        (TypeSpec::Boolean, Value::Bool(_), _) => Some(example.clone()),
        (TypeSpec::Boolean, _, Some("true")) => Some(Value::Bool(true)),
        (TypeSpec::Boolean, _, Some("false")) => Some(Value::Bool(false)),
        (TypeSpec::Integer, Value::Number(n), _) if n.is_i64() => Some(example.clone()),
        (TypeSpec::Integer, _, Some(t)) => t.parse::<i64>().ok().map(Value::from),
        (TypeSpec::Float, Value::Number(_), _) => Some(example.clone()),
        (TypeSpec::Float, _, Some(t)) => t.parse::<f64>().ok().map(Value::from),
        (TypeSpec::Object, Value::Object(_), _) => Some(example.clone()),
        (TypeSpec::Object, _, Some(t)) => serde_json::from_str::<Value>(t)
            .ok()
            .filter(Value::is_object),
        (TypeSpec::Array, Value::Array(_), _) => Some(example.clone()),
        (TypeSpec::Array, _, Some(t)) => serde_json::from_str::<Value>(t)
            .ok()
            .filter(Value::is_array),
        (TypeSpec::Json, _, Some(t)) => serde_json::from_str::<Value>(t).ok(),
        (TypeSpec::Json, _, None) => Some(example.clone()),
        _ => None,
    };
    parsed.ok_or_else(|| {
        format!(
            "{here}: the example {example} is not a {}; give one in xtask/overlay.yaml",
            serde_yaml::to_string(&type_).unwrap_or_default().trim()
        )
    })
}

/// Whether a string attribute holds a secret by its name, for the secrets the catalogue does
/// not flag `confidential` (passwords, API keys, client secrets, payment tokens).
fn looks_secret(name: &str) -> bool {
    name.contains("password")
        || name.contains("secret")
        || name.contains("api_key")
        || name.ends_with("token")
}

/// The element type of an array, read from its example.
fn array_items(here: &str, example: Option<&Value>) -> Result<TypeSpec, String> {
    let Some(Value::Array(items)) = example else {
        return Err(format!(
            "{here}: an array without an example array to tell its items"
        ));
    };
    let all = |test: fn(&Value) -> bool| !items.is_empty() && items.iter().all(test);
    if all(Value::is_string) {
        Ok(TypeSpec::String)
    } else if all(Value::is_object) {
        Ok(TypeSpec::Object)
    } else if all(Value::is_i64) {
        Ok(TypeSpec::Integer)
    } else {
        Err(format!(
            "{here}: cannot tell the array's item type from its example"
        ))
    }
}

fn relationship(
    resource: &str,
    name: &str,
    relationship: &Map<String, Value>,
    plurals: &IndexMap<String, String>,
) -> Result<RelationshipSpec, String> {
    let here = format!("{resource}, relationship `{name}`");
    check_keys(relationship, RELATIONSHIP_KEYS, &here)?;
    let cardinality = match relationship.get("type").and_then(Value::as_str) {
        Some("has_many") => "many",
        Some("has_one") => "one",
        other => return Err(format!("{here}: unknown relationship type {other:?}")),
    };
    let class_name = relationship
        .get("class_name")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{here}: no string `class_name`"))?;
    let (target, targets) = match relationship.get("enum") {
        Some(Value::Array(types)) if flag(relationship, "polymorphic", &here)? => {
            let types = types
                .iter()
                .map(|t| {
                    t.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| format!("{here}: enum value {t} is not a string"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            (None, Some(types))
        }
        Some(_) => {
            return Err(format!(
                "{here}: an `enum` on a relationship that is not polymorphic"
            ));
        }
        None => {
            let singular = snake_case(class_name);
            let plural = plurals.get(&singular).ok_or_else(|| {
                format!("{here}: class `{class_name}` is no resource of the catalogue")
            })?;
            (Some(plural.clone()), None)
        }
    };
    let creatable = flag(relationship, "creatable", &here)?;
    let required = match relationship.get("required") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(text)) => text == "required",
        Some(other) => return Err(format!("{here}: `required` is {other}")),
    } && creatable;
    let mut description = text(relationship, "desc", &here)?;
    if let Some(Value::String(condition)) = relationship.get("required") {
        if condition.contains(',') {
            append_sentence(&mut description, &capitalize(condition));
        }
    }
    Ok(RelationshipSpec {
        cardinality: cardinality.to_string(),
        target,
        targets,
        description,
        creatable,
        updatable: flag(relationship, "updatable", &here)?,
        required,
        // Includable unless the catalogue says it is not.
        includable: relationship
            .get("includable")
            .map(|v| {
                v.as_bool()
                    .ok_or_else(|| format!("{here}: `includable` is {v}"))
            })
            .transpose()?
            .unwrap_or(true),
        filterable: flag(relationship, "filterable", &here)?,
        fetchable: relationship
            .get("fetchable")
            .map(|v| {
                v.as_bool()
                    .ok_or_else(|| format!("{here}: `fetchable` is {v}"))
            })
            .transpose()?
            .unwrap_or(true),
        deprecated: flag(relationship, "deprecated", &here)?,
    })
}

/// Fails on a key that is neither mapped nor knowingly ignored.
fn check_keys(
    object: &Map<String, Value>,
    known: &[(&str, Option<&str>)],
    here: &str,
) -> Result<(), String> {
    match object
        .keys()
        .find(|key| !known.iter().any(|(k, _)| k == key))
    {
        Some(key) => Err(format!(
            "{here}: unknown key `{key}`; map it or list it as ignored in xtask/src/import.rs"
        )),
        None => Ok(()),
    }
}

fn array<'a>(object: &'a Map<String, Value>, key: &str, here: &str) -> Result<&'a [Value], String> {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .ok_or_else(|| format!("{here}: `{key}` must be an array"))
}

/// A boolean key, false when absent.
fn flag(object: &Map<String, Value>, key: &str, here: &str) -> Result<bool, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!("{here}: `{key}` is {other}, not a boolean")),
    }
}

/// A string key, empty when absent.
fn text(object: &Map<String, Value>, key: &str, here: &str) -> Result<String, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.trim().to_string()),
        Some(other) => Err(format!("{here}: `{key}` is {other}, not a string")),
    }
}

fn append_sentence(description: &mut String, sentence: &str) {
    if !description.is_empty() {
        if !description.ends_with(['.', '!', '?', ')']) {
            description.push('.');
        }
        description.push(' ');
    }
    description.push_str(sentence);
    if !sentence.ends_with(['.', '!', '?']) {
        description.push('.');
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The JSON:API type of a singular resource name, by English rules (`tax_category` ->
/// `tax_categories`, `address` -> `addresses`).
pub fn pluralize(singular: &str) -> String {
    let consonant_y = singular.ends_with('y')
        && !singular[..singular.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    if consonant_y {
        format!("{}ies", &singular[..singular.len() - 1])
    } else if singular.ends_with(['s', 'x']) || singular.ends_with("ch") || singular.ends_with("sh")
    {
        format!("{singular}es")
    } else {
        format!("{singular}s")
    }
}

/// Merges `patch` into `base`: mappings key by key, anything else replaced; a `null` in the
/// patch removes the key.
fn merge(base: &mut serde_yaml::Value, patch: serde_yaml::Value) {
    match (base, patch) {
        (serde_yaml::Value::Mapping(base), serde_yaml::Value::Mapping(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    base.remove(&key);
                } else if let Some(existing) = base.get_mut(&key) {
                    merge(existing, value);
                } else {
                    base.insert(key, value);
                }
            }
        }
        (base, patch) => *base = patch,
    }
}

/// The committed catalogue ([`CATALOGUE`]), as a path.
pub fn catalogue_path() -> PathBuf {
    root().join(CATALOGUE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        for (singular, plural) in [
            ("customer_group", "customer_groups"),
            ("address", "addresses"),
            ("tax_category", "tax_categories"),
            ("recurring_order_copy", "recurring_order_copies"),
            ("order_factory", "order_factories"),
            ("sku_list", "sku_lists"),
            ("key", "keys"),
        ] {
            assert_eq!(pluralize(singular), plural);
        }
    }

    #[test]
    fn overlay_merges_and_removes() {
        let mut base: serde_yaml::Value =
            serde_yaml::from_str("a: 1\nb: {c: 2, d: 3}\ne: [1]").unwrap();
        let patch: serde_yaml::Value = serde_yaml::from_str("b: {c: 5, d: null}\ne: [2]").unwrap();
        merge(&mut base, patch);
        let expected: serde_yaml::Value = serde_yaml::from_str("a: 1\nb: {c: 5}\ne: [2]").unwrap();
        assert_eq!(base, expected);
    }

    fn catalogue() -> String {
        fs::read_to_string(catalogue_path()).expect(CATALOGUE)
    }

    fn overlay() -> String {
        fs::read_to_string(root().join("xtask/overlay.yaml")).unwrap()
    }

    /// The committed specs are what the catalogue and the overlay give.
    #[test]
    fn specs_are_fresh() {
        if let Err(message) = import(
            &catalogue_path(),
            &root().join("xtask/overlay.yaml"),
            &root().join("spec"),
            true,
        ) {
            panic!("{message}");
        }
    }

    /// Every non-hidden resource is imported, and every import parses back into the same
    /// spec and passes the generator's checks.
    #[test]
    fn imports_every_visible_resource_and_round_trips() {
        let specs = convert(&catalogue(), &overlay()).unwrap();
        assert_eq!(specs.len(), 132);
        let mut files = Vec::new();
        for (type_name, yaml) in &specs {
            let path = PathBuf::from(format!("spec/{type_name}.yaml"));
            let file = generator::spec::parse(&path, yaml).unwrap_or_else(|e| panic!("{e}"));
            let again = serde_yaml::to_string(&file.spec).unwrap();
            assert_eq!(format!("{HEADER}{again}"), *yaml, "{type_name}");
            files.push(file);
        }
        generator::lower(&files).unwrap_or_else(|e| panic!("{e}"));
    }

    /// The catalogue's `customer_group` agrees with what the API's page documents: the
    /// attributes, which is required, which are read-only, and the relationships.
    #[test]
    fn customer_groups_agrees_with_the_catalogue() {
        let specs = convert(&catalogue(), &overlay()).unwrap();
        let yaml = &specs
            .iter()
            .find(|(t, _)| t == "customer_groups")
            .unwrap()
            .1;
        let spec = generator::spec::parse(Path::new("spec/customer_groups.yaml"), yaml)
            .unwrap()
            .spec;
        let names: Vec<&str> = spec.attributes.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "name",
                "code",
                "created_at",
                "updated_at",
                "reference",
                "reference_origin",
                "metadata"
            ]
        );
        let required: Vec<&str> = spec
            .attributes
            .iter()
            .filter(|(_, a)| a.required)
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(required, ["name"]);
        for read_only in ["created_at", "updated_at"] {
            assert!(spec.attributes[read_only].read_only, "{read_only}");
        }
        assert_eq!(spec.attributes["metadata"].type_, TypeSpec::Object);
        let relationships: Vec<&str> = spec.relationships.keys().map(String::as_str).collect();
        assert_eq!(
            relationships,
            [
                "customers",
                "markets",
                "attachments",
                "versions",
                "event_stores"
            ]
        );
        assert!(spec.relationships.values().all(|r| r.cardinality == "many"));
        assert!(!spec.relationships["event_stores"].includable);
    }

    /// The vendor's answer as downloaded (`{"data": [...]}`) imports exactly like the bare
    /// array it wraps; anything else is refused with what a catalogue is.
    #[test]
    fn a_downloaded_answer_imports_like_the_bare_array() {
        let bare = catalogue();
        let answer = format!(r#"{{"data": {bare}, "meta": {{"count": 135}}}}"#);
        assert_eq!(
            convert(&answer, &overlay()).unwrap(),
            convert(&bare, &overlay()).unwrap()
        );
        for not_one in ["42", r#"{"resources": []}"#, r#"{"data": {}}"#, ""] {
            let error = convert(not_one, "{}").unwrap_err();
            assert!(
                error.starts_with(
                    "not a catalogue (a JSON array of resources, or an object whose `data` is one)"
                ),
                "{not_one}: {error}"
            );
        }
    }

    /// A catalogue entry the importer cannot map is an error naming the resource and field.
    #[test]
    fn unknown_data_is_an_error_not_a_skip() {
        let entry = |field: &str| {
            format!(
                r#"[{{"id":"thing","type":"resources","attributes":{{"singleton":false,"deprecated":false,"addon":false,"hidden":false,"actions":["list"],"examples":{{}},"filter_scopes":[],"filters":[],"relationships":{{}},"fields":{{{field}}}}}}}]"#
            )
        };
        let cases = [
            (
                r#""size":{"type":"decimal"}"#,
                "resource `thing`, field `size`: unknown type `decimal`",
            ),
            (
                r#""size":{"type":"string","unit":"cm"}"#,
                "resource `thing`, field `size`: unknown key `unit`",
            ),
            (
                r#""tags":{"type":"array"}"#,
                "resource `thing`, field `tags`: an array without an example",
            ),
            (
                r#""n":{"type":"integer","enum":[1]}"#,
                "resource `thing`, field `n`: enum value 1 is not a string",
            ),
        ];
        for (field, expected) in cases {
            let error = convert(&entry(field), "{}").unwrap_err();
            assert!(error.starts_with(expected), "{error}");
        }
        let error = convert(&entry(""), "nothings: {}").unwrap_err();
        assert!(error.contains("`nothings` is not a resource"), "{error}");
    }
}
