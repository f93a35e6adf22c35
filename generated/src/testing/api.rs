//! The fake's endpoints: routing a request to create, retrieve, update, delete, list or a
//! relationship, checking it against the resource's schema, and writing the answer as the
//! API does (JSON:API documents, and error objects with codes and pointers).

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::jsonapi::ResourceIdentifier;

use super::query::{self, Params, normalize_time};
use super::schema::{Action, AttributeSchema, Kind, RelationshipSchema, ResourceSchema};
use super::store::{Record, Store, stamp_new, timestamp};
use super::{TriggerCall, TriggerEffect};

/// An error answer: a status and its JSON:API error objects.
#[derive(Debug)]
pub(crate) struct Problem {
    pub(crate) status: u16,
    pub(crate) errors: Vec<Value>,
}

impl Problem {
    pub(crate) fn new(
        status: u16,
        code: &str,
        title: &str,
        detail: impl Into<String>,
        pointer: Option<String>,
    ) -> Self {
        Self {
            status,
            errors: vec![error_object(status, code, title, detail, pointer, None)],
        }
    }

    pub(crate) fn bad_request(code: &str, title: &str, detail: impl Into<String>) -> Self {
        Self::new(400, code, title, detail, None)
    }

    fn not_allowed(name: &str, pointer: String) -> Self {
        Self::new(
            400,
            "PARAM_NOT_ALLOWED",
            "Param not allowed",
            format!("{name} is not allowed."),
            Some(pointer),
        )
    }

    fn record_not_found() -> Self {
        Self::new(
            404,
            "RECORD_NOT_FOUND",
            "Record not found",
            "The requested resource was not found",
            None,
        )
    }

    fn route_not_found(path: &str) -> Self {
        Self::new(
            404,
            "ROUTE_NOT_FOUND",
            "Route not found",
            format!("no route matches {path}"),
            None,
        )
    }

    fn method_not_allowed(method: &str, type_name: &str) -> Self {
        Self::new(
            405,
            "METHOD_NOT_ALLOWED",
            "Method not allowed",
            format!("{method} is not supported on {type_name}"),
            None,
        )
    }

    fn invalid_document(detail: impl Into<String>) -> Self {
        Self::new(
            400,
            "INVALID_DATA_FORMAT",
            "Invalid data format",
            detail,
            None,
        )
    }

    /// The body: `{"errors": [...]}`.
    pub(crate) fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&json!({ "errors": self.errors })).unwrap_or_default()
    }
}

/// One error object, as the API writes them.
pub(crate) fn error_object(
    status: u16,
    code: &str,
    title: &str,
    detail: impl Into<String>,
    pointer: Option<String>,
    meta: Option<Value>,
) -> Value {
    let mut object = Map::new();
    object.insert("title".into(), title.into());
    object.insert("detail".into(), detail.into().into());
    object.insert("code".into(), code.into());
    if let Some(pointer) = pointer {
        object.insert("source".into(), json!({ "pointer": pointer }));
    }
    object.insert("status".into(), status.to_string().into());
    if let Some(meta) = meta {
        object.insert("meta".into(), meta);
    }
    Value::Object(object)
}

/// A validation failure: `422`, `VALIDATION_ERROR`, as Rails words it.
fn invalid(name: &str, message: &str, pointer: String, error: &str) -> Value {
    error_object(
        422,
        "VALIDATION_ERROR",
        message,
        format!("{name} - {message}"),
        Some(pointer),
        Some(json!({ "error": error })),
    )
}

/// A successful answer: a status and an optional JSON:API document.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Option<Vec<u8>>,
}

/// What the handlers change and read.
pub(crate) struct State {
    pub(crate) store: Store,
    pub(crate) triggers: Vec<TriggerCall>,
    pub(crate) effects: Vec<(String, String, TriggerEffect)>,
}

/// The fixed facts of one fake.
pub(crate) struct Site<'a> {
    pub(crate) base_url: &'a str,
    pub(crate) organization_id: &'a str,
}

/// Answers one authenticated request.
pub(crate) fn handle(
    state: &mut State,
    site: &Site<'_>,
    method: &str,
    path: &str,
    query: &str,
    body: &[u8],
) -> Result<Reply, Problem> {
    let Some(rest) = path.strip_prefix("/api/") else {
        return Err(Problem::route_not_found(path));
    };
    let mut segments = Vec::new();
    for raw in rest.split('/') {
        segments.push(decode_segment(raw).ok_or_else(|| Problem::route_not_found(path))?);
    }
    if segments.iter().any(String::is_empty) {
        return Err(Problem::route_not_found(path));
    }
    let params = Params::parse(query)?;
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    if let [name] = segments[..] {
        if let Some(schema) = state.store.singletons.get(name).copied() {
            return match method {
                "GET" if schema.supports(Action::Retrieve) => {
                    let record = state
                        .store
                        .singleton(schema.type_name)
                        .ok_or_else(Problem::record_not_found)?;
                    document(state, site, &params, record, 200)
                }
                _ => Err(Problem::method_not_allowed(method, schema.type_name)),
            };
        }
    }
    let schema = state
        .store
        .schema(segments[0])
        .filter(|s| !s.singleton)
        .ok_or_else(|| Problem::route_not_found(path))?;
    let need = |action: Action| {
        if schema.supports(action) {
            Ok(())
        } else {
            Err(Problem::method_not_allowed(method, schema.type_name))
        }
    };
    match (method, &segments[1..]) {
        ("GET", []) => {
            need(Action::List)?;
            let table = state.store.table(schema.type_name);
            let records: Vec<&Record> = table.map(|t| t.iter().collect()).unwrap_or_default();
            list(state, site, &params, schema, records, path)
        }
        ("POST", []) => {
            need(Action::Create)?;
            create(state, site, &params, schema, body)
        }
        ("GET", [id]) => {
            need(Action::Retrieve)?;
            let record = state
                .store
                .get(schema.type_name, id)
                .ok_or_else(Problem::record_not_found)?;
            document(state, site, &params, record, 200)
        }
        ("PATCH", [id]) => {
            need(Action::Update)?;
            update(state, site, &params, schema, id, body)
        }
        ("DELETE", [id]) => {
            need(Action::Delete)?;
            state
                .store
                .remove(schema.type_name, id)
                .ok_or_else(Problem::record_not_found)?;
            Ok(Reply {
                status: 204,
                body: None,
            })
        }
        ("GET", [id, name]) => {
            let relationship = schema
                .relationship(name)
                .filter(|r| r.fetchable)
                .ok_or_else(|| Problem::route_not_found(path))?;
            let record = state
                .store
                .get(schema.type_name, id)
                .ok_or_else(Problem::record_not_found)?;
            related(state, site, &params, record, relationship, path)
        }
        ("GET", [id, "relationships", name]) => {
            let relationship = schema
                .relationship(name)
                .ok_or_else(|| Problem::route_not_found(path))?;
            let record = state
                .store
                .get(schema.type_name, id)
                .ok_or_else(Problem::record_not_found)?;
            let linked = linkage(&state.store, record, relationship);
            let data = if relationship.to_many {
                json!(linked)
            } else {
                json!(linked.first())
            };
            reply(200, &json!({ "data": data }))
        }
        (_, [] | [_] | [_, _] | [_, "relationships", _]) => {
            Err(Problem::method_not_allowed(method, schema.type_name))
        }
        _ => Err(Problem::route_not_found(path)),
    }
}

fn decode_segment(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn reply(status: u16, document: &Value) -> Result<Reply, Problem> {
    Ok(Reply {
        status,
        body: Some(serde_json::to_vec(document).unwrap_or_default()),
    })
}

/// The identifiers a relationship of `record` points to: its own linkage, and for a
/// to-many relationship the records whose inverse to-one relationship points here.
pub(crate) fn linkage(
    store: &Store,
    record: &Record,
    relationship: &RelationshipSchema,
) -> Vec<ResourceIdentifier> {
    let mut linked = record.linked(relationship.name).to_vec();
    if relationship.to_many {
        for target in relationship.targets {
            let Some(inverse) = inverse_of(store, &record.type_name, target) else {
                continue;
            };
            let Some(table) = store.table(target) else {
                continue;
            };
            for other in table.iter() {
                let points_here = other
                    .linked(inverse)
                    .iter()
                    .any(|i| i.id == record.id && i.type_ == record.type_name);
                let identifier = ResourceIdentifier::new(*target, other.id.clone());
                if points_here && !linked.contains(&identifier) {
                    linked.push(identifier);
                }
            }
        }
    }
    linked
}

/// The to-one relationship of `target` that points back to `type_name`: the only one, or the
/// one named after `type_name`'s singular.
fn inverse_of(store: &Store, type_name: &str, target: &str) -> Option<&'static str> {
    let target_schema = store.schema(target)?;
    let candidates: Vec<&RelationshipSchema> = target_schema
        .relationships
        .iter()
        .filter(|r| !r.to_many && r.targets.contains(&type_name))
        .collect();
    match candidates[..] {
        [only] => Some(only.name),
        _ => {
            let singular = store.schema(type_name)?.singular;
            candidates
                .iter()
                .find(|r| r.name == singular)
                .map(|r| r.name)
        }
    }
}

/// Checks `include` paths against the schemas, for `types` at the top.
fn check_includes(store: &Store, types: &[&str], params: &Params) -> Result<(), Problem> {
    for path in &params.include {
        let mut current: Vec<&str> = types.to_vec();
        for segment in path.split('.') {
            let mut next = Vec::new();
            for type_name in &current {
                let Some(schema) = store.schema(type_name) else {
                    continue;
                };
                if let Some(relationship) = schema.relationship(segment).filter(|r| r.includable) {
                    next.extend(relationship.targets.iter().copied());
                }
            }
            if next.is_empty() {
                return Err(Problem::bad_request(
                    "INVALID_INCLUDE",
                    "Invalid include",
                    format!("{path} is not a valid relationship of {}", types.join(", ")),
                ));
            }
            current = next;
        }
    }
    Ok(())
}

/// Checks sparse fieldsets naming a served type.
fn check_fields(store: &Store, params: &Params) -> Result<(), Problem> {
    for (type_name, names) in &params.fields {
        let Some(schema) = store.schema(type_name) else {
            continue;
        };
        for name in names {
            let known = schema
                .attribute(name)
                .is_some_and(|a| a.fetchable && !a.trigger)
                || schema.relationship(name).is_some();
            if !known {
                return Err(Problem::bad_request(
                    "INVALID_FIELD",
                    "Invalid field",
                    format!("{name} is not a valid field for {type_name}"),
                ));
            }
        }
    }
    Ok(())
}

/// A document with one record, with what `include` asks.
fn document(
    state: &State,
    site: &Site<'_>,
    params: &Params,
    record: &Record,
    status: u16,
) -> Result<Reply, Problem> {
    let store = &state.store;
    check_includes(store, &[&record.type_name], params)?;
    check_fields(store, params)?;
    let mut included = Included::default();
    let data = render(store, site, params, record, &mut included, true);
    let mut document = json!({ "data": data });
    if !params.include.is_empty() {
        document["included"] = Value::Array(included.resources);
    }
    reply(status, &document)
}

/// Resources collected for `included`, each once.
#[derive(Default)]
struct Included {
    seen: HashSet<(String, String)>,
    resources: Vec<Value>,
}

/// A record as a resource object; `top` records get the linkage of included relationships,
/// and those related records are added to `included`.
fn render(
    store: &Store,
    site: &Site<'_>,
    params: &Params,
    record: &Record,
    included: &mut Included,
    top: bool,
) -> Value {
    let Some(schema) = store.schema(&record.type_name) else {
        return json!({ "id": record.id, "type": record.type_name });
    };
    let fields = params.fields_of(&record.type_name);
    let wanted = |name: &str| fields.is_none_or(|f| f.iter().any(|n| n == name));
    let self_url = format!("{}/{}/{}", site.base_url, record.type_name, record.id);
    let mut attributes = Map::new();
    for attribute in schema.attributes {
        if attribute.fetchable && !attribute.trigger && wanted(attribute.name) {
            let value = record.attributes.get(attribute.name).cloned();
            attributes.insert(attribute.name.to_string(), value.unwrap_or(Value::Null));
        }
    }
    // The paths of `include` that start here, as (relationship, rest of the path).
    let includes: Vec<(&str, Option<&str>)> = if top {
        params
            .include
            .iter()
            .map(|p| match p.split_once('.') {
                Some((first, rest)) => (first, Some(rest)),
                None => (p.as_str(), None),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut relationships = Map::new();
    for relationship in schema.relationships {
        if !wanted(relationship.name) {
            continue;
        }
        let mut object = Map::new();
        object.insert(
            "links".into(),
            json!({
                "self": format!("{self_url}/relationships/{}", relationship.name),
                "related": format!("{self_url}/{}", relationship.name),
            }),
        );
        let asked: Vec<Option<&str>> = includes
            .iter()
            .filter(|(first, _)| *first == relationship.name)
            .map(|(_, rest)| *rest)
            .collect();
        if !asked.is_empty() && relationship.includable {
            let linked = linkage(store, record, relationship);
            object.insert(
                "data".into(),
                if relationship.to_many {
                    json!(linked)
                } else {
                    json!(linked.first())
                },
            );
            for identifier in &linked {
                let Some(related) = store.get(&identifier.type_, &identifier.id) else {
                    continue;
                };
                let key = (identifier.type_.clone(), identifier.id.clone());
                if included.seen.insert(key) {
                    let nested: Vec<String> =
                        asked.iter().flatten().map(|s| s.to_string()).collect();
                    let nested_params = Params {
                        include: nested.clone(),
                        fields: params.fields.clone(),
                        ..Params::default()
                    };
                    // The related resource comes before what it includes in turn.
                    let slot = included.resources.len();
                    included.resources.push(Value::Null);
                    let resource = render(store, site, &nested_params, related, included, true);
                    included.resources[slot] = resource;
                }
            }
        }
        relationships.insert(relationship.name.to_string(), Value::Object(object));
    }
    json!({
        "id": record.id,
        "type": record.type_name,
        "links": { "self": self_url },
        "attributes": attributes,
        "relationships": relationships,
        "meta": { "mode": "test", "organization_id": site.organization_id },
    })
}

/// A page of `records` (all of one schema, or mixed for a polymorphic relationship).
fn list(
    state: &State,
    site: &Site<'_>,
    params: &Params,
    schema: &'static ResourceSchema,
    records: Vec<&Record>,
    path: &str,
) -> Result<Reply, Problem> {
    let store = &state.store;
    check_includes(store, &[schema.type_name], params)?;
    check_fields(store, params)?;
    let conditions = query::conditions(schema, &params.filters)?;
    let keys = query::sort_keys(schema, params.sort.as_deref())?;
    let (number, size) = params.page()?;
    let mut matching: Vec<&Record> = records
        .into_iter()
        .filter(|record| {
            let linked = |name: &str| -> Vec<String> {
                schema
                    .relationship(name)
                    .map(|r| {
                        linkage(store, record, r)
                            .into_iter()
                            .map(|i| i.id)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            conditions.iter().all(|c| c.matches(record, &linked))
        })
        .collect();
    query::sort_records(&mut matching, &keys);
    let record_count = matching.len();
    let page_count = record_count.div_ceil(size);
    let mut included = Included::default();
    let data: Vec<Value> = matching
        .iter()
        .skip((number - 1).saturating_mul(size))
        .take(size)
        .map(|record| render(store, site, params, record, &mut included, true))
        .collect();
    let link = |n: usize| {
        let mut url = format!("{}{}?", site.base_url.trim_end_matches("/api"), path);
        for piece in &params.raw_other {
            url.push_str(piece);
            url.push('&');
        }
        url.push_str(&format!("page[number]={n}&page[size]={size}"));
        url
    };
    let mut links = Map::new();
    links.insert("first".into(), link(1).into());
    if number > 1 {
        links.insert(
            "prev".into(),
            link((number - 1).min(page_count.max(1))).into(),
        );
    }
    if number < page_count {
        links.insert("next".into(), link(number + 1).into());
    }
    links.insert("last".into(), link(page_count.max(1)).into());
    let mut document = json!({
        "data": data,
        "meta": { "record_count": record_count, "page_count": page_count },
        "links": links,
    });
    if !params.include.is_empty() {
        document["included"] = Value::Array(included.resources);
    }
    reply(200, &document)
}

/// `GET /{type}/{id}/{relationship}`.
fn related(
    state: &State,
    site: &Site<'_>,
    params: &Params,
    record: &Record,
    relationship: &RelationshipSchema,
    path: &str,
) -> Result<Reply, Problem> {
    let store = &state.store;
    let linked = linkage(store, record, relationship);
    let records: Vec<&Record> = linked
        .iter()
        .filter_map(|i| store.get(&i.type_, &i.id))
        .collect();
    if !relationship.to_many {
        return match records.first() {
            Some(related) => document(state, site, params, related, 200),
            None => reply(200, &json!({ "data": null })),
        };
    }
    // Filters and sorts apply with the target's schema; a polymorphic list takes the first
    // target's (its `id` is common to all).
    match relationship.targets.first().and_then(|t| store.schema(t)) {
        Some(schema) => list(state, site, params, schema, records, path),
        None => reply(
            200,
            &json!({
                "data": [],
                "meta": { "record_count": 0, "page_count": 0 },
                "links": {},
            }),
        ),
    }
}

/// The `data` member of a write's body, checked against the endpoint.
fn write_data<'a>(
    body: &'a Value,
    schema: &ResourceSchema,
    id: Option<&str>,
) -> Result<&'a Map<String, Value>, Problem> {
    let data = body.get("data").and_then(Value::as_object).ok_or_else(|| {
        Problem::invalid_document("the body must be a JSON:API document with a data object")
    })?;
    match data.get("type").and_then(Value::as_str) {
        Some(t) if t == schema.type_name => {}
        Some(t) => {
            return Err(Problem::new(
                400,
                "TYPE_MISMATCH",
                "Type mismatch",
                format!("{t} is not a valid type for this operation"),
                Some("/data/type".into()),
            ));
        }
        None => {
            return Err(Problem::new(
                400,
                "PARAM_MISSING",
                "Missing parameter",
                "The required parameter, type, is missing.",
                Some("/data/type".into()),
            ));
        }
    }
    match (data.get("id"), id) {
        (None, _) => {}
        (Some(sent), Some(id)) if sent.as_str() == Some(id) => {}
        (Some(_), Some(id)) => {
            return Err(Problem::new(
                400,
                "KEY_NOT_INCLUDED_IN_URL",
                "Key is not included in URL",
                format!("The URL does not support the key {id}"),
                Some("/data/id".into()),
            ));
        }
        (Some(_), None) => return Err(Problem::not_allowed("id", "/data/id".into())),
    }
    for key in data.keys() {
        if !matches!(key.as_str(), "type" | "id" | "attributes" | "relationships") {
            return Err(Problem::not_allowed(key, format!("/data/{key}")));
        }
    }
    Ok(data)
}

fn members<'a>(
    data: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a Map<String, Value>>, Problem> {
    match data.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(Problem::invalid_document(format!(
            "data.{key} must be an object"
        ))),
    }
}

/// Checks a value against its attribute's kind, normalizing times; `Err` is the message.
fn check_value(
    attribute: &AttributeSchema,
    value: &Value,
) -> Result<Value, (&'static str, &'static str)> {
    check_kind(&attribute.kind, value)
}

fn check_kind(kind: &Kind, value: &Value) -> Result<Value, (&'static str, &'static str)> {
    let ok = |v: &Value| Ok(v.clone());
    match (kind, value) {
        (Kind::String, Value::String(_)) => ok(value),
        (Kind::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => ok(value),
        (Kind::Integer, _) => Err(("must be an integer", "not_an_integer")),
        (Kind::Float, Value::Number(_)) => ok(value),
        (Kind::Float, _) => Err(("is not a number", "not_a_number")),
        (Kind::Boolean, Value::Bool(_)) => ok(value),
        (Kind::Boolean, _) => Err(("must be true or false", "invalid")),
        (Kind::Datetime, Value::String(s)) => normalize_time(s)
            .map(Value::String)
            .ok_or(("is not a valid datetime", "invalid")),
        (Kind::Object, Value::Object(_)) => ok(value),
        (Kind::Object, _) => Err(("must be an object", "invalid")),
        (Kind::Array(items), Value::Array(values)) => {
            let mut out = Vec::with_capacity(values.len());
            for item in values {
                out.push(check_kind(items, item)?);
            }
            Ok(Value::Array(out))
        }
        (Kind::Array(_), _) => Err(("must be an array", "invalid")),
        (Kind::Enum(values), Value::String(s)) if values.contains(&s.as_str()) => ok(value),
        (Kind::Enum(_), _) => Err(("is not included in the list", "inclusion")),
        (Kind::Json, _) => ok(value),
        (Kind::String | Kind::Datetime, _) => Err(("must be a string", "invalid")),
    }
}

/// Attribute changes and triggers a write asks for, checked.
struct Changes {
    attributes: Vec<(&'static str, Value)>,
    triggers: Vec<(&'static str, Value)>,
    links: Vec<(&'static str, Vec<ResourceIdentifier>)>,
}

fn changes(
    store: &Store,
    schema: &'static ResourceSchema,
    data: &Map<String, Value>,
    creating: bool,
) -> Result<Changes, Problem> {
    let mut out = Changes {
        attributes: Vec::new(),
        triggers: Vec::new(),
        links: Vec::new(),
    };
    let mut invalids = Vec::new();
    if let Some(attributes) = members(data, "attributes")? {
        for (name, value) in attributes {
            let pointer = format!("/data/attributes/{name}");
            let attribute = schema
                .attribute(name)
                .filter(|a| if creating { a.creatable } else { a.updatable })
                .ok_or_else(|| Problem::not_allowed(name, pointer.clone()))?;
            if value.is_null() {
                if attribute.nullable && !attribute.required {
                    out.attributes.push((attribute.name, Value::Null));
                } else {
                    invalids.push(invalid(name, "can't be blank", pointer, "blank"));
                }
                continue;
            }
            match check_value(attribute, value) {
                Ok(value) if attribute.trigger => out.triggers.push((attribute.name, value)),
                Ok(value) => out.attributes.push((attribute.name, value)),
                Err((message, error)) => invalids.push(invalid(name, message, pointer, error)),
            }
        }
    }
    if let Some(relationships) = members(data, "relationships")? {
        for (name, value) in relationships {
            let pointer = format!("/data/relationships/{name}");
            let relationship = schema
                .relationship(name)
                .filter(|r| if creating { r.creatable } else { r.updatable })
                .ok_or_else(|| Problem::not_allowed(name, pointer.clone()))?;
            let Some(linkage) = value.as_object().and_then(|o| o.get("data")) else {
                return Err(Problem::invalid_document(format!(
                    "{pointer} must be an object with a data member"
                )));
            };
            let identifiers: Vec<&Value> = match (linkage, relationship.to_many) {
                (Value::Null, false) => Vec::new(),
                (Value::Object(_), false) => vec![linkage],
                (Value::Array(items), true) => items.iter().collect(),
                _ => {
                    return Err(Problem::invalid_document(format!(
                        "{pointer}/data must be {}",
                        if relationship.to_many {
                            "an array"
                        } else {
                            "an object or null"
                        }
                    )));
                }
            };
            let mut linked = Vec::new();
            for identifier in identifiers {
                let (Some(type_), Some(id)) = (
                    identifier.get("type").and_then(Value::as_str),
                    identifier.get("id").and_then(Value::as_str),
                ) else {
                    return Err(Problem::invalid_document(format!(
                        "{pointer}/data needs a type and an id"
                    )));
                };
                if !relationship.targets.contains(&type_) {
                    return Err(Problem::new(
                        400,
                        "TYPE_MISMATCH",
                        "Type mismatch",
                        format!("{type_} is not a valid type for {name}"),
                        Some(pointer.clone()),
                    ));
                }
                // A related record of a served type must exist; others cannot be checked.
                if store.schema(type_).is_some() && store.get(type_, id).is_none() {
                    invalids.push(invalid(name, "must exist", pointer.clone(), "blank"));
                    continue;
                }
                linked.push(ResourceIdentifier::new(type_, id));
            }
            if linked.is_empty() && relationship.required {
                invalids.push(invalid(name, "must exist", pointer, "blank"));
                continue;
            }
            out.links.push((relationship.name, linked));
        }
    }
    if creating {
        for attribute in schema.attributes.iter().filter(|a| a.required) {
            if !out.attributes.iter().any(|(n, _)| *n == attribute.name)
                && !invalids_mention(&invalids, attribute.name, "attributes")
            {
                let pointer = format!("/data/attributes/{}", attribute.name);
                invalids.push(invalid(attribute.name, "can't be blank", pointer, "blank"));
            }
        }
        for relationship in schema.relationships.iter().filter(|r| r.required) {
            if !out.links.iter().any(|(n, _)| *n == relationship.name)
                && !invalids_mention(&invalids, relationship.name, "relationships")
            {
                let pointer = format!("/data/relationships/{}", relationship.name);
                invalids.push(invalid(relationship.name, "must exist", pointer, "blank"));
            }
        }
    }
    if invalids.is_empty() {
        Ok(out)
    } else {
        Err(Problem {
            status: 422,
            errors: invalids,
        })
    }
}

fn invalids_mention(invalids: &[Value], name: &str, member: &str) -> bool {
    let pointer = format!("/data/{member}/{name}");
    invalids
        .iter()
        .any(|e| e.pointer("/source/pointer").and_then(Value::as_str) == Some(pointer.as_str()))
}

fn parse_body(body: &[u8]) -> Result<Value, Problem> {
    serde_json::from_slice(body)
        .map_err(|e| Problem::invalid_document(format!("the body is not JSON: {e}")))
}

/// Applies changes to a record, then runs and records its triggers.
fn apply(state: &mut State, record: &mut Record, changes: Changes) {
    for (name, value) in changes.attributes {
        record.attributes.insert(name.to_string(), value);
    }
    for (name, linked) in changes.links {
        record.link(name, linked);
    }
    for (name, value) in changes.triggers {
        state.triggers.push(TriggerCall {
            type_name: record.type_name.clone(),
            id: record.id.clone(),
            trigger: name.to_string(),
            value: value.clone(),
        });
        let effects: Vec<TriggerEffect> = state
            .effects
            .iter()
            .filter(|(t, n, _)| *t == record.type_name && n == name)
            .map(|(_, _, effect)| Arc::clone(effect))
            .collect();
        for effect in effects {
            effect(record, &value);
        }
    }
}

fn create(
    state: &mut State,
    site: &Site<'_>,
    params: &Params,
    schema: &'static ResourceSchema,
    body: &[u8],
) -> Result<Reply, Problem> {
    let body = parse_body(body)?;
    let data = write_data(&body, schema, None)?;
    let changes = changes(&state.store, schema, data, true)?;
    // Check the answer's query before acting, so that a refused query changes nothing.
    check_includes(&state.store, &[schema.type_name], params)?;
    check_fields(&state.store, params)?;
    let id = state.store.new_id(schema.type_name);
    let mut record = Record::new(schema.type_name, id);
    apply(state, &mut record, changes);
    stamp_new(&mut record, schema);
    let id = record.id.clone();
    state.store.put(record);
    let record = state
        .store
        .get(schema.type_name, &id)
        .ok_or_else(Problem::record_not_found)?;
    document(state, site, params, record, 201)
}

fn update(
    state: &mut State,
    site: &Site<'_>,
    params: &Params,
    schema: &'static ResourceSchema,
    id: &str,
    body: &[u8],
) -> Result<Reply, Problem> {
    let mut record = state
        .store
        .get(schema.type_name, id)
        .cloned()
        .ok_or_else(Problem::record_not_found)?;
    let body = parse_body(body)?;
    let data = write_data(&body, schema, Some(id))?;
    let changes = changes(&state.store, schema, data, false)?;
    check_includes(&state.store, &[schema.type_name], params)?;
    check_fields(&state.store, params)?;
    apply(state, &mut record, changes);
    if schema.attribute("updated_at").is_some() {
        record.set("updated_at", timestamp(Utc::now()));
    }
    state.store.put(record);
    let record = state
        .store
        .get(schema.type_name, id)
        .ok_or_else(Problem::record_not_found)?;
    document(state, site, params, record, 200)
}

/// Checks a record a test seeds against its schema: known attributes of the right kinds
/// (read-only ones included), known relationships to allowed types. Returns what is wrong.
pub(crate) fn check_seed(schema: &ResourceSchema, record: &mut Record) -> Result<(), String> {
    let mut normalized = Vec::new();
    for (name, value) in &record.attributes {
        let attribute = schema
            .attribute(name)
            .filter(|a| !a.trigger)
            .ok_or_else(|| format!("{} has no attribute {name}", schema.type_name))?;
        if value.is_null() {
            continue;
        }
        let value = check_value(attribute, value)
            .map_err(|(message, _)| format!("{}.{name} {message}", schema.type_name))?;
        normalized.push((name.clone(), value));
    }
    for (name, value) in normalized {
        record.attributes.insert(name, value);
    }
    for (name, linked) in &record.relationships {
        let relationship = schema
            .relationship(name)
            .ok_or_else(|| format!("{} has no relationship {name}", schema.type_name))?;
        if !relationship.to_many && linked.len() > 1 {
            return Err(format!(
                "{}.{name} links one resource at most",
                schema.type_name
            ));
        }
        if let Some(wrong) = linked
            .iter()
            .find(|i| !relationship.targets.contains(&i.type_.as_str()))
        {
            return Err(format!(
                "{}.{name} cannot link {}",
                schema.type_name, wrong.type_
            ));
        }
    }
    Ok(())
}
