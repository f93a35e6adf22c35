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

use std::borrow::Cow;
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
            } else if let Some(type_) = key
                .strip_prefix("fields[")
                .and_then(|k| k.strip_suffix(']'))
            {
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
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
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

/// One non-null value, for comparing.
#[derive(Debug)]
enum Scalar<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Bool(bool),
    /// An object or array: compared by its JSON text.
    Other(String),
}

impl<'a> Scalar<'a> {
    fn from_json(value: &'a Value) -> Self {
        match value {
            Value::String(s) => Scalar::Text(Cow::Borrowed(s)),
            Value::Number(n) => Scalar::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::Bool(b) => Scalar::Bool(*b),
            other => Scalar::Other(other.to_string()),
        }
    }

    fn text(&self) -> Cow<'_, str> {
        match self {
            Scalar::Text(s) => Cow::Borrowed(s),
            Scalar::Number(n) => Cow::Owned(n.to_string()),
            Scalar::Bool(b) => Cow::Owned(b.to_string()),
            Scalar::Other(s) => Cow::Borrowed(s),
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

/// Lowercased text, borrowed when it already is (most values are).
fn lowercase(text: Cow<'_, str>) -> Cow<'_, str> {
    if text
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        text
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

/// SQL `ILIKE` with `%` and `_` wildcards (and `\\` escaping them), on lowercased text:
/// the greedy matcher with one backtrack point, in O(text × pattern) at worst.
fn like(text: &str, pattern: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Token {
        Any,
        One,
        Char(char),
    }
    let mut tokens = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        tokens.push(match c {
            '%' => Token::Any,
            '_' => Token::One,
            '\\' => Token::Char(chars.next().unwrap_or('\\')),
            c => Token::Char(c),
        });
    }
    let text: Vec<char> = text.chars().collect();
    let (mut t, mut p) = (0, 0);
    // Where the latest `%` was, and the text position it is tried against.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match tokens.get(p) {
            Some(Token::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Token::One) => {
                t += 1;
                p += 1;
            }
            Some(Token::Char(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    tokens[p..].iter().all(|token| *token == Token::Any)
}

impl Condition {
    /// Whether `record` satisfies the condition; `linked` gives a relationship's ids.
    pub(crate) fn matches(&self, record: &Record, linked: &dyn Fn(&str) -> Vec<String>) -> bool {
        self.fields.iter().any(|field| {
            let field = field.borrow();
            // The values the record has for the field: none (`null`), one, or several (a
            // to-many linkage); built without allocating for the first two.
            let single: [Scalar<'_>; 1];
            let many: Vec<Scalar<'_>>;
            let (values, kind): (&[Scalar<'_>], Option<Kind>) = match field {
                Field::Id => {
                    single = [Scalar::Text(Cow::Borrowed(&record.id))];
                    (&single, None)
                }
                Field::Attribute(name, kind) => match record.attributes.get(name) {
                    None | Some(Value::Null) => (&[], Some(kind)),
                    Some(value) => {
                        single = [Scalar::from_json(value)];
                        (&single, Some(kind))
                    }
                },
                Field::Linked(name) => {
                    many = linked(name)
                        .into_iter()
                        .map(|id| Scalar::Text(Cow::Owned(id)))
                        .collect();
                    (&many, None)
                }
            };
            self.holds(values, kind)
        })
    }

    fn holds(&self, values: &[Scalar<'_>], kind: Option<Kind>) -> bool {
        use Matcher::*;
        let one = |test: &dyn Fn(&Scalar<'_>) -> bool| values.iter().any(test);
        fn text_lower<'s>(v: &'s Scalar<'_>) -> Cow<'s, str> {
            lowercase(v.text())
        }
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
                    matches!(
                        v.compare(kind, operand),
                        Some(Ordering::Less | Ordering::Equal)
                    )
                }),
                Gt => one(&|v| v.compare(kind, operand) == Some(Ordering::Greater)),
                Gteq => one(&|v| {
                    matches!(
                        v.compare(kind, operand),
                        Some(Ordering::Greater | Ordering::Equal)
                    )
                }),
                Cont => one(&|v| text_lower(v).contains(operand.as_str())),
                NotCont => {
                    !values.is_empty() && !one(&|v| text_lower(v).contains(operand.as_str()))
                }
                Start => one(&|v| text_lower(v).starts_with(operand.as_str())),
                NotStart => {
                    !values.is_empty() && !one(&|v| text_lower(v).starts_with(operand.as_str()))
                }
                End => one(&|v| text_lower(v).ends_with(operand.as_str())),
                NotEnd => {
                    !values.is_empty() && !one(&|v| text_lower(v).ends_with(operand.as_str()))
                }
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
                    ContAny => {
                        one(&|v| operands.iter().any(|o| text_lower(v).contains(o.as_str())))
                    }
                    ContAll => {
                        one(&|v| operands.iter().all(|o| text_lower(v).contains(o.as_str())))
                    }
                    NotContAny => {
                        !values.is_empty()
                            && !one(&|v| {
                                operands.iter().any(|o| text_lower(v).contains(o.as_str()))
                            })
                    }
                    StartAny => one(&|v| {
                        operands
                            .iter()
                            .any(|o| text_lower(v).starts_with(o.as_str()))
                    }),
                    EndAny => {
                        one(&|v| operands.iter().any(|o| text_lower(v).ends_with(o.as_str())))
                    }
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
                format!(
                    "{item} is not a valid sort criteria for {}",
                    schema.type_name
                ),
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

/// One record's value for one sort key, computed once per sort.
#[derive(Debug, PartialEq, PartialOrd)]
enum SortValue<'a> {
    Number(f64),
    Bool(bool),
    Time(DateTime<Utc>),
    Text(&'a str),
    /// An object or array, by its JSON text.
    Other(String),
}

fn sort_value<'a>(record: &'a Record, key: &SortKey) -> Option<SortValue<'a>> {
    if key.name == "id" {
        return Some(SortValue::Text(&record.id));
    }
    Some(match record.attributes.get(key.name)? {
        Value::Null => return None,
        Value::Number(n) => SortValue::Number(n.as_f64().unwrap_or(0.0)),
        Value::Bool(b) => SortValue::Bool(*b),
        Value::String(s) if key.kind == Some(Kind::Datetime) => match parse_time(s) {
            Some(at) => SortValue::Time(at),
            None => SortValue::Text(s),
        },
        Value::String(s) => SortValue::Text(s),
        other => SortValue::Other(other.to_string()),
    })
}

fn compare_values(left: &SortValue<'_>, right: &SortValue<'_>) -> Ordering {
    match (left, right) {
        (SortValue::Number(l), SortValue::Number(r)) => l.total_cmp(r),
        // Values of different shapes (a seeded oddity) order by shape.
        (l, r) => l.partial_cmp(r).unwrap_or(Ordering::Equal),
    }
}

/// Orders records by `keys`; ties keep their order (creation order). Each record's keys are
/// computed once, not at each comparison.
pub(crate) fn sort_records(records: &mut Vec<&Record>, keys: &[SortKey]) {
    if keys.is_empty() {
        return;
    }
    let mut keyed: Vec<(Vec<Option<SortValue<'_>>>, &Record)> = records
        .iter()
        .map(|record| {
            (
                keys.iter().map(|k| sort_value(record, k)).collect(),
                *record,
            )
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        for ((left, right), key) in a.iter().zip(b).zip(keys) {
            let ordering = match (left, right) {
                (None, None) => Ordering::Equal,
                // PostgreSQL: NULLS LAST ascending, NULLS FIRST descending, so null is the
                // largest.
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(l), Some(r)) => compare_values(l, r),
            };
            let ordering = if key.descending {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    });
    *records = keyed.into_iter().map(|(_, record)| record).collect();
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
        assert!(!like("", "_"));
        assert!(like("pink logo tee", "%pink%logo%"));
        assert!(!like("pink tee", "%pink%logo%"));
        // A hostile pattern stays polynomial.
        let text = "a".repeat(2000);
        let pattern = "%a".repeat(500) + "b";
        assert!(!like(&text, &pattern));
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
        assert_eq!(
            params.fields_of("customer_groups").unwrap(),
            ["name", "code"]
        );
        assert_eq!(params.sort.as_deref(), Some("-created_at,name"));
        assert_eq!(
            params.filters,
            [("name_eq".to_string(), "VIP & co".to_string())]
        );
        assert_eq!(params.page().unwrap(), (2, 25));
        assert_eq!(params.raw_other.len(), 5);
        assert!(Params::parse("a=%zz").is_err());
        assert!(Params::parse("a=%ff").is_err());
        for bad in [
            "page%5Bsize%5D=26",
            "page%5Bsize%5D=0",
            "page%5Bnumber%5D=0",
            "page%5Bnumber%5D=x",
        ] {
            assert!(Params::parse(bad).unwrap().page().is_err(), "{bad}");
        }
    }
}
