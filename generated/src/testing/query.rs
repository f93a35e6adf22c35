//! The query string of a request to the fake: its parsing, and the Ransack predicates,
//! sorting and paging of lists, as the API applies them.
//!
//! Semantics follow the vendor's "Filtering data", "Sorting results" and "Pagination" pages
//! (docs.commercelayer.io/core/filtering-data, /sorting-results, /pagination) and Ransack,
//! which the API uses on PostgreSQL:
//! - `filter[q][{attributes}_{matcher}]={value}`; several filters are ANDed, attributes joined
//!   with `_or_` are ORed (`name_or_code_cont=vip`).
//! - `eq`, `not_eq`, `lt`, `lteq`, `gt`, `gteq`, `in`, `not_in` compare typed values and never
//!   match `null` (SQL); `eq_or_null` and `not_eq_or_null` also match it.
//! - `cont`, `start`, `end`, `matches` (and their `not_`, `_any`, `_all` forms) are SQL
//!   `ILIKE`: case-insensitive; `matches` takes `%` and `_` wildcards.
//! - `null`, `not_null`, `present`, `blank`, `true`, `false` take a boolean; `false` inverts
//!   them (`null=false` is `not_null`). A value that is not a boolean, or an empty value for
//!   any predicate, makes Ransack drop the condition, and so does the fake.
//! - `sort=-created_at,name`: ascending unless prefixed with `-`; a field that is not sortable
//!   is a `400`. PostgreSQL puts `null` last ascending and first descending.
//! - `page[number]` (default 1) and `page[size]` (default 10, at most 25).

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::api::Problem;
use super::schema::{Kind, ResourceSchema};
use super::store::{Record, timestamp};

/// The default `page[size]`.
pub(crate) const DEFAULT_PAGE_SIZE: usize = 10;
/// The largest `page[size]`.
pub(crate) const MAX_PAGE_SIZE: usize = 25;

/// A request's query string, decoded into its parts.
#[derive(Debug, Default)]
pub(crate) struct Params {
    pub(crate) include: Vec<String>,
    pub(crate) fields: Vec<(String, Vec<String>)>,
    pub(crate) sort: Option<String>,
    pub(crate) filters: Vec<(String, String)>,
    pub(crate) page_number: Option<String>,
    pub(crate) page_size: Option<String>,
    /// The raw `key=value` pieces other than paging, for the links of a list.
    pub(crate) raw_other: Vec<String>,
}

impl Params {
    pub(crate) fn parse(query: &str) -> Result<Self, Problem> {
        let mut params = Params::default();
        for piece in query.split('&').filter(|p| !p.is_empty()) {
            let (raw_key, raw_value) = piece.split_once('=').unwrap_or((piece, ""));
            let key = decode(raw_key)?;
            let value = decode(raw_value)?;
            if key == "include" {
                params
                    .include
                    .extend(value.split(',').filter(|s| !s.is_empty()).map(String::from));
            } else if key == "sort" {
                params.sort = Some(value);
            } else if let Some(type_) = key.strip_prefix("fields[").and_then(|k| k.strip_suffix(']')) {
                let names = value.split(',').filter(|s| !s.is_empty()).map(String::from);
                params.fields.push((type_.to_string(), names.collect()));
            } else if let Some(predicate) = key
                .strip_prefix("filter[q][")
                .and_then(|k| k.strip_suffix(']'))
            {
                params.filters.push((predicate.to_string(), value));
            } else if key == "page[number]" {
                params.page_number = Some(value);
                continue;
            } else if key == "page[size]" {
                params.page_size = Some(value);
                continue;
            }
            params.raw_other.push(piece.to_string());
        }
        Ok(params)
    }

    /// The page asked for: its number and size.
    pub(crate) fn page(&self) -> Result<(usize, usize), Problem> {
        let number = match &self.page_number {
            None => 1,
            Some(text) => text.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                Problem::bad_request(
                    "INVALID_PAGE_VALUE",
                    "Invalid page value",
                    format!("{text:?} is not a valid value for page[number]"),
                )
            })?,
        };
        let size = match &self.page_size {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
                .ok_or_else(|| {
                    Problem::bad_request(
                        "INVALID_PAGE_VALUE",
                        "Invalid page value",
                        format!(
                            "{text:?} is not a valid value for page[size]: it must be between 1 and {MAX_PAGE_SIZE}"
                        ),
                    )
                })?,
        };
        Ok((number, size))
    }

    /// The fields asked for type `type_`, when a sparse fieldset names it.
    pub(crate) fn fields_of(&self, type_: &str) -> Option<&[String]> {
        self.fields
            .iter()
            .rev()
            .find(|(t, _)| t == type_)
            .map(|(_, names)| names.as_slice())
    }
}

/// Percent-decodes a query string key or value (`+` is a space, as form encoding has it).
fn decode(text: &str) -> Result<String, Problem> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => out.push(byte),
                    None => return Err(bad_query()),
                }
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| bad_query())
}

fn bad_query() -> Problem {
    Problem::bad_request(
        "INVALID_PARAMETER",
        "Invalid parameter",
        "the query string is not valid percent-encoded UTF-8",
    )
}

/// A value a record has for a filterable or sortable name.
enum Field<'a> {
    Id,
    Attribute(&'a str, Kind),
    /// `{relationship}_id`: the linked ids.
    Linked(&'a str),
}

/// What the matcher of one predicate does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Matcher {
    Eq,
    NotEq,
    EqOrNull,
    NotEqOrNull,
    Lt,
    Lteq,
    Gt,
    Gteq,
    In,
    NotIn,
    InOrNull,
    Cont,
    NotCont,
    ContAny,
    ContAll,
    NotContAny,
    Start,
    NotStart,
    StartAny,
    End,
    NotEnd,
    EndAny,
    Matches,
    DoesNotMatch,
    MatchesAny,
    MatchesAll,
    DoesNotMatchAny,
    DoesNotMatchAll,
    Null,
    NotNull,
    Present,
    Blank,
    True,
    False,
}

/// Every matcher by its suffix, longest first so that `_not_eq` is not read as `_eq`.
const MATCHERS: &[(&str, Matcher)] = &[
    ("does_not_match_any", Matcher::DoesNotMatchAny),
    ("does_not_match_all", Matcher::DoesNotMatchAll),
    ("not_eq_or_null", Matcher::NotEqOrNull),
    ("does_not_match", Matcher::DoesNotMatch),
    ("not_cont_any", Matcher::NotContAny),
    ("matches_any", Matcher::MatchesAny),
    ("matches_all", Matcher::MatchesAll),
    ("eq_or_null", Matcher::EqOrNull),
    ("in_or_null", Matcher::InOrNull),
    ("start_any", Matcher::StartAny),
    ("not_start", Matcher::NotStart),
    ("not_null", Matcher::NotNull),
    ("not_cont", Matcher::NotCont),
    ("cont_any", Matcher::ContAny),
    ("cont_all", Matcher::ContAll),
    ("end_any", Matcher::EndAny),
    ("not_end", Matcher::NotEnd),
    ("matches", Matcher::Matches),
    ("present", Matcher::Present),
    ("not_eq", Matcher::NotEq),
    ("not_in", Matcher::NotIn),
    ("start", Matcher::Start),
    ("blank", Matcher::Blank),
    ("false", Matcher::False),
    ("lteq", Matcher::Lteq),
    ("gteq", Matcher::Gteq),
    ("cont", Matcher::Cont),
    ("null", Matcher::Null),
    ("true", Matcher::True),
    ("end", Matcher::End),
    ("eq", Matcher::Eq),
    ("lt", Matcher::Lt),
    ("gt", Matcher::Gt),
    ("in", Matcher::In),
];

/// One parsed `filter[q]` condition.
pub(crate) struct Condition {
    /// Ored: `name_or_code_cont`.
    fields: Vec<OwnedField>,
    matcher: Matcher,
    operand: Operand,
}

enum OwnedField {
    Id,
    Attribute(&'static str, Kind),
    Linked(&'static str),
}

impl OwnedField {
    fn borrow(&self) -> Field<'_> {
        match self {
            OwnedField::Id => Field::Id,
            OwnedField::Attribute(name, kind) => Field::Attribute(name, *kind),
            OwnedField::Linked(name) => Field::Linked(name),
        }
    }
}

/// The value a condition compares with, parsed once.
enum Operand {
    /// For `null`, `present`, `true`...: whether the predicate holds or is inverted.
    Flag(bool),
    /// One value (`eq`, `cont`...), lowercased for the `ILIKE` family.
    One(String),
    /// A comma-separated list (`in`, `cont_any`...).
    Many(Vec<String>),
}

/// Parses the filters of a list of `schema`; `Ok(None)` entries were dropped as Ransack
/// drops them.
pub(crate) fn conditions(
    schema: &'static ResourceSchema,
    filters: &[(String, String)],
) -> Result<Vec<Condition>, Problem> {
    let mut out = Vec::new();
    for (key, value) in filters {
        if let Some(condition) = condition(schema, key, value)? {
            out.push(condition);
        }
    }
    Ok(out)
}

fn condition(
    schema: &'static ResourceSchema,
    key: &str,
    value: &str,
) -> Result<Option<Condition>, Problem> {
    let not_allowed = || {
        Problem::bad_request(
            "FILTER_NOT_ALLOWED",
            "Filter not allowed",
            format!("{key} is not allowed"),
        )
    };
    for (suffix, matcher) in MATCHERS {
        let Some(names) = key
            .strip_suffix(suffix)
            .and_then(|k| k.strip_suffix('_'))
            .filter(|k| !k.is_empty())
        else {
            continue;
        };
        let Some(fields) = resolve_fields(schema, names) else {
            continue;
        };
        // Ransack ignores a condition without a value.
        if value.is_empty() {
            return Ok(None);
        }
        let operand = match matcher {
            Matcher::Null
            | Matcher::NotNull
            | Matcher::Present
            | Matcher::Blank
            | Matcher::True
            | Matcher::False => match parse_bool(value) {
                Some(flag) => Operand::Flag(flag),
                None => return Ok(None),
            },
            Matcher::In
            | Matcher::NotIn
            | Matcher::InOrNull
            | Matcher::ContAny
            | Matcher::ContAll
            | Matcher::NotContAny
            | Matcher::StartAny
            | Matcher::EndAny
            | Matcher::MatchesAny
            | Matcher::MatchesAll
            | Matcher::DoesNotMatchAny
            | Matcher::DoesNotMatchAll => {
                let mut items = Vec::new();
                for item in value.split(',') {
                    items.push(operand_text(&fields, *matcher, item, key)?);
                }
                Operand::Many(items)
            }
            _ => Operand::One(operand_text(&fields, *matcher, value, key)?),
        };
        return Ok(Some(Condition {
            fields,
            matcher: *matcher,
            operand,
        }));
    }
    Err(not_allowed())
}

/// The filterable fields named by `names` (`name`, `name_or_code`, `market_id`, `id`).
fn resolve_fields(schema: &'static ResourceSchema, names: &str) -> Option<Vec<OwnedField>> {
    if let Some(field) = resolve_field(schema, names) {
        return Some(vec![field]);
    }
    let mut fields = Vec::new();
    for name in names.split("_or_") {
        fields.push(resolve_field(schema, name)?);
    }
    (fields.len() > 1).then_some(fields)
}

fn resolve_field(schema: &'static ResourceSchema, name: &str) -> Option<OwnedField> {
    if name == "id" {
        return Some(OwnedField::Id);
    }
    if let Some(attribute) = schema.attribute(name).filter(|a| a.filterable) {
        return Some(OwnedField::Attribute(attribute.name, attribute.kind));
    }
    let relationship = name.strip_suffix("_id")?;
    schema
        .relationship(relationship)
        .filter(|r| r.filterable)
        .map(|r| OwnedField::Linked(r.name))
}

/// The text of one operand, normalized for its fields: numbers and times must parse,
/// `ILIKE` operands are lowercased.
fn operand_text(
    fields: &[OwnedField],
    matcher: Matcher,
    text: &str,
    key: &str,
) -> Result<String, Problem> {
    if is_like(matcher) {
        return Ok(text.to_lowercase());
    }
    let invalid = |what: &str| {
        Problem::bad_request(
            "INVALID_FILTER_VALUE",
            "Invalid filter value",
            format!("{text:?} is not a valid {what} for {key}"),
        )
    };
    for field in fields {
        match field {
            OwnedField::Attribute(_, Kind::Integer | Kind::Float) => {
                text.trim().parse::<f64>().map_err(|_| invalid("number"))?;
            }
            OwnedField::Attribute(_, Kind::Datetime) => {
                parse_time(text).ok_or_else(|| invalid("time"))?;
            }
            OwnedField::Attribute(_, Kind::Boolean) => {
                parse_bool(text).ok_or_else(|| invalid("boolean"))?;
            }
            _ => {}
        }
    }
    Ok(text.to_string())
}

fn is_like(matcher: Matcher) -> bool {
    use Matcher::*;
    matches!(
        matcher,
        Cont | NotCont
            | ContAny
            | ContAll
            | NotContAny
            | Start
            | NotStart
            | StartAny
            | End
            | NotEnd
            | EndAny
            | Matches
            | DoesNotMatch
            | MatchesAny
            | MatchesAll
            | DoesNotMatchAny
            | DoesNotMatchAll
    )
}

/// Ransack's boolean values.
fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "on" | "yes" | "y" => Some(true),
        "false" | "f" | "0" | "off" | "no" | "n" => Some(false),
        _ => None,
    }
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    // A date alone is its midnight, UTC.
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// A time as the fake stores it, or `None` when `text` is not one.
pub(crate) fn normalize_time(text: &str) -> Option<String> {
    parse_time(text).map(timestamp)
}

/// The values a record has for a field: none (`null`), one, or several (a to-many linkage).
fn values_of<'r>(record: &'r Record, field: &Field<'_>, linked: &dyn Fn(&str) -> Vec<String>) -> Vec<Scalar<'r>> {
    match field {
        Field::Id => vec![Scalar::Text(std::borrow::Cow::Borrowed(&record.id))],
        Field::Attribute(name, _) => match record.attributes.get(*name) {
            None | Some(Value::Null) => Vec::new(),
            Some(value) => vec![Scalar::from_json(value)],
        },
        Field::Linked(name) => linked(name)
            .into_iter()
            .map(|id| Scalar::Text(std::borrow::Cow::Owned(id)))
            .collect(),
    }
}

/// One non-null value, for comparing.
#[derive(Debug)]
enum Scalar<'a> {
    Text(std::borrow::Cow<'a, str>),
    Number(f64),
    Bool(bool),
    /// An object or array: compared by its JSON text.
    Other(String),
}

impl<'a> Scalar<'a> {
    fn from_json(value: &'a Value) -> Self {
        match value {
            Value::String(s) => Scalar::Text(std::borrow::Cow::Borrowed(s)),
            Value::Number(n) => Scalar::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::Bool(b) => Scalar::Bool(*b),
            other => Scalar::Other(other.to_string()),
        }
    }

    fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Scalar::Text(s) => std::borrow::Cow::Borrowed(s),
            Scalar::Number(n) => std::borrow::Cow::Owned(n.to_string()),
            Scalar::Bool(b) => std::borrow::Cow::Owned(b.to_string()),
            Scalar::Other(s) => std::borrow::Cow::Borrowed(s),
        }
    }

    /// Compares with an operand, typed by the field's kind; `None` when they cannot be
    /// compared.
    fn compare(&self, kind: Option<Kind>, operand: &str) -> Option<Ordering> {
        match (self, kind) {
            (Scalar::Number(n), _) => n.partial_cmp(&operand.trim().parse::<f64>().ok()?),
            (Scalar::Bool(b), _) => Some(b.cmp(&parse_bool(operand)?)),
            (Scalar::Text(s), Some(Kind::Datetime)) => {
                let left = parse_time(s)?;
                Some(left.cmp(&parse_time(operand)?))
            }
            _ => Some(self.text().as_ref().cmp(operand)),
        }
    }
}

/// SQL `ILIKE` with `%` and `_` wildcards (and `\` escaping them), on lowercased text.
fn like(text: &str, pattern: &str) -> bool {
    fn go(text: &[char], pattern: &[char]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('%', rest)) => (0..=text.len()).any(|skip| go(&text[skip..], rest)),
            Some(('_', rest)) => !text.is_empty() && go(&text[1..], rest),
            Some(('\\', rest)) if !rest.is_empty() => {
                text.first() == Some(&rest[0]) && go(&text[1..], &rest[1..])
            }
            Some((c, rest)) => text.first() == Some(c) && go(&text[1..], rest),
        }
    }
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    go(&text, &pattern)
}

impl Condition {
    /// Whether `record` satisfies the condition; `linked` gives a relationship's ids.
    pub(crate) fn matches(&self, record: &Record, linked: &dyn Fn(&str) -> Vec<String>) -> bool {
        self.fields.iter().any(|field| {
            let field = field.borrow();
            let kind = match field {
                Field::Attribute(_, kind) => Some(kind),
                _ => None,
            };
            let values = values_of(record, &field, linked);
            self.holds(&values, kind)
        })
    }

    fn holds(&self, values: &[Scalar<'_>], kind: Option<Kind>) -> bool {
        use Matcher::*;
        let one = |test: &dyn Fn(&Scalar<'_>) -> bool| values.iter().any(test);
        let text_lower = |v: &Scalar<'_>| v.text().to_lowercase();
        match (&self.operand, self.matcher) {
            (Operand::Flag(flag), matcher) => {
                let holds = match matcher {
                    Null => values.is_empty(),
                    NotNull => !values.is_empty(),
                    Present => one(&|v| !v.text().trim().is_empty()),
                    Blank => values.is_empty() || values.iter().all(|v| v.text().trim().is_empty()),
                    True => one(&|v| matches!(v, Scalar::Bool(true))),
                    False => one(&|v| matches!(v, Scalar::Bool(false))),
                    _ => false,
                };
                // `true=false` is `!= true` and `false=false` is `!= false`: SQL, so never
                // for `null`.
                if *flag {
                    holds
                } else if matches!(matcher, True | False) {
                    !values.is_empty() && !holds
                } else {
                    !holds
                }
            }
            (Operand::One(operand), matcher) => match matcher {
                Eq => one(&|v| v.compare(kind, operand) == Some(Ordering::Equal)),
                EqOrNull => {
                    values.is_empty() || one(&|v| v.compare(kind, operand) == Some(Ordering::Equal))
                }
                NotEq => {
                    !values.is_empty()
                        && !one(&|v| v.compare(kind, operand) == Some(Ordering::Equal))
                }
                NotEqOrNull => !one(&|v| v.compare(kind, operand) == Some(Ordering::Equal)),
                Lt => one(&|v| v.compare(kind, operand) == Some(Ordering::Less)),
                Lteq => one(&|v| {
                    matches!(v.compare(kind, operand), Some(Ordering::Less | Ordering::Equal))
                }),
                Gt => one(&|v| v.compare(kind, operand) == Some(Ordering::Greater)),
                Gteq => one(&|v| {
                    matches!(
                        v.compare(kind, operand),
                        Some(Ordering::Greater | Ordering::Equal)
                    )
                }),
                Cont => one(&|v| text_lower(v).contains(operand.as_str())),
                NotCont => !values.is_empty() && !one(&|v| text_lower(v).contains(operand.as_str())),
                Start => one(&|v| text_lower(v).starts_with(operand.as_str())),
                NotStart => {
                    !values.is_empty() && !one(&|v| text_lower(v).starts_with(operand.as_str()))
                }
                End => one(&|v| text_lower(v).ends_with(operand.as_str())),
                NotEnd => !values.is_empty() && !one(&|v| text_lower(v).ends_with(operand.as_str())),
                Matches => one(&|v| like(&text_lower(v), operand)),
                DoesNotMatch => !values.is_empty() && !one(&|v| like(&text_lower(v), operand)),
                _ => false,
            },
            (Operand::Many(operands), matcher) => {
                let equal = |v: &Scalar<'_>| {
                    operands
                        .iter()
                        .any(|o| v.compare(kind, o) == Some(Ordering::Equal))
                };
                match matcher {
                    In => one(&equal),
                    InOrNull => values.is_empty() || one(&equal),
                    NotIn => !values.is_empty() && !one(&equal),
                    ContAny => one(&|v| operands.iter().any(|o| text_lower(v).contains(o.as_str()))),
                    ContAll => one(&|v| operands.iter().all(|o| text_lower(v).contains(o.as_str()))),
                    NotContAny => {
                        !values.is_empty()
                            && !one(&|v| operands.iter().any(|o| text_lower(v).contains(o.as_str())))
                    }
                    StartAny => {
                        one(&|v| operands.iter().any(|o| text_lower(v).starts_with(o.as_str())))
                    }
                    EndAny => one(&|v| operands.iter().any(|o| text_lower(v).ends_with(o.as_str()))),
                    MatchesAny => one(&|v| operands.iter().any(|o| like(&text_lower(v), o))),
                    MatchesAll => one(&|v| operands.iter().all(|o| like(&text_lower(v), o))),
                    DoesNotMatchAny => {
                        !values.is_empty()
                            && one(&|v| operands.iter().any(|o| !like(&text_lower(v), o)))
                    }
                    DoesNotMatchAll => {
                        !values.is_empty()
                            && one(&|v| operands.iter().all(|o| !like(&text_lower(v), o)))
                    }
                    _ => false,
                }
            }
        }
    }
}

/// One `sort` key.
pub(crate) struct SortKey {
    name: &'static str,
    kind: Option<Kind>,
    descending: bool,
}

/// Parses `sort` for a list of `schema`: `id` and sortable attributes only.
pub(crate) fn sort_keys(
    schema: &'static ResourceSchema,
    sort: Option<&str>,
) -> Result<Vec<SortKey>, Problem> {
    let Some(sort) = sort else {
        return Ok(Vec::new());
    };
    let mut keys = Vec::new();
    for item in sort.split(',') {
        let (descending, name) = match item.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, item),
        };
        let invalid = || {
            Problem::bad_request(
                "INVALID_SORT_CRITERIA",
                "Invalid sort criteria",
                format!("{item} is not a valid sort criteria for {}", schema.type_name),
            )
        };
        let key = if name == "id" {
            SortKey {
                name: "id",
                kind: None,
                descending,
            }
        } else {
            let attribute = schema
                .attribute(name)
                .filter(|a| a.sortable)
                .ok_or_else(invalid)?;
            SortKey {
                name: attribute.name,
                kind: Some(attribute.kind),
                descending,
            }
        };
        keys.push(key);
    }
    Ok(keys)
}

/// Orders records by `keys`; ties keep their order (creation order).
pub(crate) fn sort_records(records: &mut [&Record], keys: &[SortKey]) {
    if keys.is_empty() {
        return;
    }
    records.sort_by(|a, b| {
        for key in keys {
            let ordering = compare_for_sort(a, b, key);
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    });
}

fn compare_for_sort(a: &Record, b: &Record, key: &SortKey) -> Ordering {
    let value = |r: &Record| -> Option<Value> {
        if key.name == "id" {
            Some(Value::String(r.id.clone()))
        } else {
            r.attributes.get(key.name).filter(|v| !v.is_null()).cloned()
        }
    };
    let ordering = match (value(a), value(b)) {
        (None, None) => Ordering::Equal,
        // PostgreSQL: NULLS LAST ascending, NULLS FIRST descending, so null is the largest.
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(left), Some(right)) => compare_json(&left, &right, key.kind),
    };
    if key.descending {
        ordering.reverse()
    } else {
        ordering
    }
}

fn compare_json(left: &Value, right: &Value, kind: Option<Kind>) -> Ordering {
    match (left, right) {
        (Value::Number(l), Value::Number(r)) => {
            let (l, r) = (l.as_f64().unwrap_or(0.0), r.as_f64().unwrap_or(0.0));
            l.total_cmp(&r)
        }
        (Value::Bool(l), Value::Bool(r)) => l.cmp(r),
        (Value::String(l), Value::String(r)) if kind == Some(Kind::Datetime) => {
            match (parse_time(l), parse_time(r)) {
                (Some(l), Some(r)) => l.cmp(&r),
                _ => l.cmp(r),
            }
        }
        (Value::String(l), Value::String(r)) => l.cmp(r),
        (l, r) => l.to_string().cmp(&r.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_handles_wildcards_and_escapes() {
        assert!(like("vip@gmail.com", "%@gmail.com"));
        assert!(!like("vip@hotmail.com", "%@gmail.com"));
        assert!(like("abc", "a_c"));
        assert!(!like("abbc", "a_c"));
        assert!(like("50%", "50\\%"));
        assert!(!like("500", "50\\%"));
        assert!(like("", "%"));
    }

    #[test]
    fn queries_decode_and_split() {
        let params = Params::parse(
            "include=markets,markets.price_list&fields%5Bcustomer_groups%5D=name,code\
             &sort=-created_at,name&filter%5Bq%5D%5Bname_eq%5D=VIP%20%26%20co\
             &page%5Bnumber%5D=2&page%5Bsize%5D=25&other=x+y",
        )
        .unwrap();
        assert_eq!(params.include, ["markets", "markets.price_list"]);
        assert_eq!(params.fields_of("customer_groups").unwrap(), ["name", "code"]);
        assert_eq!(params.sort.as_deref(), Some("-created_at,name"));
        assert_eq!(params.filters, [("name_eq".to_string(), "VIP & co".to_string())]);
        assert_eq!(params.page().unwrap(), (2, 25));
        assert_eq!(params.raw_other.len(), 5);
        assert!(Params::parse("a=%zz").is_err());
        assert!(Params::parse("a=%ff").is_err());
        for bad in ["page%5Bsize%5D=26", "page%5Bsize%5D=0", "page%5Bnumber%5D=0", "page%5Bnumber%5D=x"] {
            assert!(Params::parse(bad).unwrap().page().is_err(), "{bad}");
        }
    }
}
