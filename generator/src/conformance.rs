//! Conformance tests for the generated client: for every resource and every action it
//! supports, a request sent to a local HTTP server (method, path, headers and body checked)
//! and a response built from the spec's examples, decoded and compared.
//!
//! Rendered into `generated/tests/conformance/resources.rs` by `cargo xtask codegen`; the
//! test's root (`main.rs`) and the harness the tests call (`harness.rs`) are hand-written.

use askama::Template;
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::model::{AttrType, Attribute, Cardinality, Model, Relationship, Resource};
use crate::naming::string_literal;

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
    /// The create body's constructor arguments, as Rust expressions.
    pub create_args: Vec<String>,
    /// The create request's expected body, as a Rust string literal.
    pub create_body: String,
    /// The update body's builder calls (`.name("VIP")`), as Rust source.
    pub update_calls: String,
    /// The update request's expected body, as a Rust string literal.
    pub update_body: String,
    /// The triggers: method and expected body (as a Rust string literal).
    pub triggers: Vec<(String, String)>,
}

/// Renders the conformance tests of every resource, unformatted.
pub fn render(model: &Model) -> Result<String> {
    let resources = model.resources.iter().map(case).collect();
    ConformanceTemplate { resources }
        .render()
        .map_err(|e| Error::Render {
            what: "conformance/resources.rs".to_string(),
            message: format!("template failed: {e}"),
        })
}

fn case(r: &Resource) -> ResourceCase<'_> {
    // The response: every attribute the API returns, with its example.
    let mut attributes = Map::new();
    let mut checks = vec![format!("assert_eq!(resource.id, {});", string_literal(ID))];
    for a in r.attributes.iter().filter(|a| a.fetchable) {
        let Some(example) = &a.example else { continue };
        attributes.insert(a.name.clone(), example.clone());
        checks.push(check(a, example));
    }
    let mut relationships = Map::new();
    for rel in &r.relationships {
        let base = format!(
            "https://yourdomain.commercelayer.io/api/{}/{ID}",
            r.type_name
        );
        relationships.insert(
            rel.name.clone(),
            json!({"links": {
                "self": format!("{base}/relationships/{}", rel.name),
                "related": format!("{base}/{}", rel.name),
            }}),
        );
        checks.push(format!(
            "assert_related(resource.relationships.{}.as_ref().and_then(|r| r.links.as_ref()), {});",
            rel.ident,
            string_literal(&format!("/{}", rel.name))
        ));
    }
    checks.push("assert_eq!(resource.meta.mode, Some(Mode::Test));".to_string());
    let resource_json = json!({
        "id": ID,
        "type": r.type_name,
        "links": {"self": format!("https://yourdomain.commercelayer.io/api/{}/{ID}", r.type_name)},
        "attributes": attributes,
        "relationships": relationships,
        "meta": {"mode": "test"},
    });

    // Create: the required attributes and relationships, from their examples.
    let mut create_args = Vec::new();
    let mut create_attributes = Map::new();
    for a in r.attributes.iter().filter(|a| a.creatable && a.required) {
        let value = value_of(a);
        create_args.push(rust_expr(&a.ty, &value));
        create_attributes.insert(a.name.clone(), value);
    }
    let mut create_relationships = Map::new();
    for rel in r.relationships.iter().filter(|r| r.creatable && r.required) {
        let (arg, linkage) = link_example(rel);
        create_args.push(arg);
        create_relationships.insert(rel.name.clone(), json!({ "data": linkage }));
    }
    let mut create_data = json!({"type": r.type_name, "attributes": create_attributes});
    if !create_relationships.is_empty() {
        create_data["relationships"] = Value::Object(create_relationships);
    }

    // Update: the first updatable attribute that is not a trigger, set to its example.
    let mut update_attributes = Map::new();
    let mut update_calls = String::new();
    if let Some(a) = r.attributes.iter().find(|a| a.updatable && !a.trigger) {
        let value = value_of(a);
        update_calls = format!(".{}({})", a.method, rust_expr(&a.ty, &value));
        update_attributes.insert(a.name.clone(), value);
    }
    let update_data = json!({"type": r.type_name, "id": ID, "attributes": update_attributes});

    let triggers = if r.actions.update && !r.singleton {
        r.attributes
            .iter()
            .filter(|a| a.trigger && a.updatable)
            .map(|a| {
                let body =
                    json!({"data": {"type": r.type_name, "id": ID, "attributes": {&a.name: true}}});
                (a.method.clone(), string_literal(&body.to_string()))
            })
            .collect()
    } else {
        Vec::new()
    };

    ResourceCase {
        r,
        resource_json: string_literal(&resource_json.to_string()),
        checks,
        create_args,
        create_body: string_literal(&json!({ "data": create_data }).to_string()),
        update_calls,
        update_body: string_literal(&json!({ "data": update_data }).to_string()),
        triggers,
    }
}

/// An assertion that a decoded attribute holds its example.
fn check(a: &Attribute, example: &Value) -> String {
    let field = format!("resource.attributes.{}", a.ident);
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
