//! Conformance tests for the generated client: for every resource and every action it
//! supports, a request sent to a local HTTP server (method, path, headers and body checked)
//! and a response built from the spec's examples, decoded and compared.
//!
//! Rendered into `generated/tests/conformance/resources.rs` by `cargo xtask codegen`; the
//! test's root (`main.rs`) and the harness the tests call (`harness.rs`) are hand-written.
//! Like the resource modules, the tests follow the model's lists of members: a test calls
//! each endpoint the handle has, builds each body with the methods it has.

use askama::Template;
use serde_json::{Map, Value, json};

use crate::error::Result;
use crate::model::{AttrType, Attribute, Body, Cardinality, Model, Relationship, Resource};
use crate::naming::string_literal;
use crate::render::template_error;

/// The id every conformance resource has.
const ID: &str = "xYZkjABcde";

/// The conformance test file.
#[derive(Template)]
#[template(path = "conformance.rs", escape = "none")]
pub struct ConformanceTemplate<'a> {
    /// One entry per resource.
    pub resources: Vec<ResourceCase<'a>>,
}

/// The test of one resource.
pub struct ResourceCase<'a> {
    /// The resource.
    pub r: &'a Resource,
    /// A response resource object built from the examples, as a Rust string literal.
    pub resource_json: String,
    /// Assertions on a decoded resource named `resource`.
    pub checks: Vec<String>,
    /// The create call, when the resource can be created.
    pub create: Option<Write>,
    /// The update call, when the resource can be updated.
    pub update: Option<Write>,
    /// The triggers: method and expected body (as a Rust string literal).
    pub triggers: Vec<(&'a str, String)>,
}

/// A create or update in a conformance test: the body it builds and the body it expects.
pub struct Write {
    /// The body's struct (`CustomerGroupCreate`).
    pub body: String,
    /// What follows the struct to build the body: the constructor's arguments and builder
    /// calls (`::new("VIP")`, `::new().name("VIP")`), as Rust source.
    pub build: String,
    /// The request's expected body, as a Rust string literal.
    pub expected: String,
}

/// Renders the conformance tests of every resource, unformatted.
pub fn render(model: &Model) -> Result<String> {
    let resources = model.resources.iter().map(case).collect();
    ConformanceTemplate { resources }
        .render()
        .map_err(|e| template_error("conformance/resources.rs", &e))
}

fn case(r: &Resource) -> ResourceCase<'_> {
    let (resource_json, checks) = response(r);
    let triggers = r
        .trigger_endpoints()
        .into_iter()
        .map(|(method, a)| {
            let body =
                json!({"data": {"type": r.type_name, "id": ID, "attributes": {&a.name: true}}});
            (method.rust.as_str(), string_literal(&body.to_string()))
        })
        .collect();
    ResourceCase {
        r,
        resource_json: string_literal(&resource_json.to_string()),
        checks,
        create: r.members.create.as_ref().map(|body| create(r, body)),
        update: r.members.update.as_ref().map(|body| update(r, body)),
        triggers,
    }
}

/// The response (every attribute the API returns, with its example, and the links of every
/// relationship) and the assertions that it decoded.
fn response(r: &Resource) -> (Value, Vec<String>) {
    let mut attributes = Map::new();
    let mut checks = vec![format!("assert_eq!(resource.id, {});", string_literal(ID))];
    for (field, a) in r.attribute_fields() {
        let Some(example) = &a.example else { continue };
        attributes.insert(a.name.clone(), example.clone());
        checks.push(check(&field.rust, a, example));
    }
    let mut relationships = Map::new();
    let base = format!(
        "https://yourdomain.commercelayer.io/api/{}/{ID}",
        r.type_name
    );
    for (field, rel) in r.relationship_fields() {
        relationships.insert(
            rel.name.clone(),
            json!({"links": {
                "self": format!("{base}/relationships/{}", rel.name),
                "related": format!("{base}/{}", rel.name),
            }}),
        );
        checks.push(format!(
            "assert_related(resource.relationships.{}.as_ref().and_then(|r| r.links.as_ref()), {});",
            field.rust,
            string_literal(&format!("/{}", rel.name))
        ));
    }
    checks.push("assert_eq!(resource.meta.mode, Some(Mode::Test));".to_string());
    let resource = json!({
        "id": ID,
        "type": r.type_name,
        "links": {"self": base},
        "attributes": attributes,
        "relationships": relationships,
        "meta": {"mode": "test"},
    });
    (resource, checks)
}

/// A create giving the constructor what it takes (the required attributes and
/// relationships), from their examples.
fn create(r: &Resource, body: &Body) -> Write {
    let mut args = Vec::new();
    let mut attributes = Map::new();
    for (b, a) in r.body_attributes(body) {
        if b.param.is_some() {
            let value = value_of(a);
            args.push(rust_expr(&a.ty, &value));
            attributes.insert(a.name.clone(), value);
        }
    }
    let mut relationships = Map::new();
    for (b, rel) in r.body_relationships(body) {
        if b.param.is_some() {
            let (arg, linkage) = link_example(rel);
            args.push(arg);
            relationships.insert(rel.name.clone(), json!({ "data": linkage }));
        }
    }
    let mut data = json!({"type": r.type_name, "attributes": attributes});
    if !relationships.is_empty() {
        data["relationships"] = Value::Object(relationships);
    }
    Write {
        body: body.name.clone(),
        build: format!("::new({})", args.join(", ")),
        expected: string_literal(&json!({ "data": data }).to_string()),
    }
}

/// An update setting the first attribute it can set that is not a trigger, to its example.
fn update(r: &Resource, body: &Body) -> Write {
    let mut build = "::new()".to_string();
    let mut attributes = Map::new();
    let settable = r
        .body_attributes(body)
        .into_iter()
        .find_map(|(b, a)| Some((b.set.as_ref()?, a)).filter(|_| !a.trigger));
    if let Some((set, a)) = settable {
        let value = value_of(a);
        build.push_str(&format!(".{}({})", set.rust, rust_expr(&a.ty, &value)));
        attributes.insert(a.name.clone(), value);
    }
    let data = json!({"type": r.type_name, "id": ID, "attributes": attributes});
    Write {
        body: body.name.clone(),
        build,
        expected: string_literal(&json!({ "data": data }).to_string()),
    }
}

/// An assertion that a decoded attribute (the field `field`) holds its example.
fn check(field: &str, a: &Attribute, example: &Value) -> String {
    let field = format!("resource.attributes.{field}");
    match (&a.ty, example) {
        (AttrType::String, Value::String(s)) if a.confidential => format!(
            "assert_eq!({field}.as_ref().map(Secret::expose), Some({}));",
            string_literal(s)
        ),
        (AttrType::String, Value::String(s)) => {
            format!(
                "assert_eq!({field}.as_deref(), Some({}));",
                string_literal(s)
            )
        }
        (AttrType::Enum(_), Value::String(s)) => format!(
            "assert_eq!({field}.as_ref().map(|v| v.as_str()), Some({}));",
            string_literal(s)
        ),
        (AttrType::Integer, Value::Number(n)) if n.is_i64() => {
            format!("assert_eq!({field}, Some({n}));")
        }
        (AttrType::Float, Value::Number(n)) => {
            format!(
                "assert_eq!({field}, Some({}));",
                float_literal(n.as_f64().unwrap_or(0.0))
            )
        }
        (AttrType::Boolean, Value::Bool(b)) => format!("assert_eq!({field}, Some({b}));"),
        (AttrType::DateTime, Value::String(s)) => format!(
            "assert_eq!({field}, Some(datetime({})));",
            string_literal(s)
        ),
        _ => format!(
            "assert_json(&{field}, {});",
            string_literal(&example.to_string())
        ),
    }
}

/// The example of an attribute, or a plain value of its type.
fn value_of(a: &Attribute) -> Value {
    if let Some(example) = &a.example {
        if let AttrType::Enum(e) = &a.ty {
            // A value the enum lists, so that the test can name its variant.
            if let Some(known) = e
                .values
                .iter()
                .find(|v| Some(v.wire.as_str()) == example.as_str())
            {
                return Value::String(known.wire.clone());
            }
        } else {
            return example.clone();
        }
    }
    match &a.ty {
        AttrType::String => json!("example"),
        AttrType::Integer => json!(1),
        AttrType::Float => json!(1.5),
        AttrType::Boolean => json!(true),
        AttrType::DateTime => json!("2018-01-01T12:00:00.000Z"),
        AttrType::Object => json!({"key": "value"}),
        AttrType::Array(_) => json!([]),
        AttrType::Enum(e) => json!(e.values[0].wire),
        AttrType::Json => json!({"key": "value"}),
    }
}

/// A Rust expression of an attribute's type holding `value`.
fn rust_expr(ty: &AttrType, value: &Value) -> String {
    match (ty, value) {
        (AttrType::String, Value::String(s)) => string_literal(s),
        (AttrType::Integer, Value::Number(n)) => n.to_string(),
        (AttrType::Float, Value::Number(n)) => float_literal(n.as_f64().unwrap_or(0.0)),
        (AttrType::Boolean, Value::Bool(b)) => b.to_string(),
        (AttrType::DateTime, Value::String(s)) => format!("datetime({})", string_literal(s)),
        (AttrType::Enum(e), Value::String(s)) => {
            let variant = e
                .values
                .iter()
                .find(|v| v.wire == *s)
                .map_or("Other(String::new())", |v| v.variant.as_str());
            format!("{}::{variant}", e.name)
        }
        (AttrType::Object, _) => format!("json_map({})", string_literal(&value.to_string())),
        _ => format!("from_json({})", string_literal(&value.to_string())),
    }
}

/// A constructor argument linking a required relationship, and the linkage it sends.
fn link_example(rel: &Relationship) -> (String, Value) {
    let target = &rel.targets[0].type_name;
    let id = format!("{}-id", rel.name.trim_start_matches('_'));
    let identifier = json!({"type": target, "id": id});
    match (rel.cardinality, rel.polymorphic()) {
        (Cardinality::One, false) => (string_literal(&id), identifier),
        (Cardinality::One, true) => (
            format!(
                "ResourceIdentifier::new({}, {})",
                string_literal(target),
                string_literal(&id)
            ),
            identifier,
        ),
        (Cardinality::Many, false) => (format!("[{}]", string_literal(&id)), json!([identifier])),
        (Cardinality::Many, true) => (
            format!(
                "[ResourceIdentifier::new({}, {})]",
                string_literal(target),
                string_literal(&id)
            ),
            json!([identifier]),
        ),
    }
}

/// A float literal that Rust reads back as the same `f64`.
fn float_literal(value: f64) -> String {
    let text = format!("{value:?}");
    if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}
